/**
 * The voter's one-time credential and its certification by blind signature (P-6.9 anonymisation).
 *
 * The device makes a fresh key pair in the election's group. The message to certify binds the
 * credential's public key to the election and the region:
 *   msg = canonical JSON {purpose: "opendeg-credential/1", election, region, credential}
 * and the device prepares it (RFC 9474: a random 32-byte prefix), blinds it under the region's issuer
 * key and sends only the blinded message to the identity side. The identity side records "ballot
 * access granted" and signs blindly — once per voter, ever. The device unblinds: the result is an
 * ordinary RSA-PSS signature that the ballot box checks without learning who it was issued to.
 */

import {
  blindRsaMessage,
  canonicalJsonBytes,
  concatBytes,
  finalizeBlindRsaSignature,
  fromBase64,
  generateKeyPair,
  importBlindRsaPublicKey,
  toBase64,
  verifyBlindRsaSignature,
  BLIND_RSA_PREFIX_LENGTH,
} from '@opendeg/crypto';
import type { BlindingState } from '@opendeg/crypto';
import { encodeElementHex } from './codec.ts';
import type { Hex } from './codec.ts';
import type { Election } from './manifest.ts';
import { ElectionError } from './errors.ts';

/** What a ballot carries to show its credential was certified (no identity in it). */
export interface CredentialJson {
  /** The credential's public key in the election's group. */
  readonly publicKey: Hex;
  /** RFC 9474 message prefix, base64 (32 random bytes). */
  readonly prefix: string;
  /** RFC 9474 RSABSSA-SHA384-PSS-Randomized signature under the region's issuer key, base64. */
  readonly signature: string;
}

/** The device's secret side: the credential's secret key stays on the device. */
export interface Credential {
  readonly secretKey: bigint;
  readonly certificate: CredentialJson;
}

export function credentialMessage(electionHashHex: string, region: string, publicKeyHex: Hex): Uint8Array {
  return canonicalJsonBytes({
    purpose: 'opendeg-credential/1',
    election: electionHashHex,
    region,
    credential: publicKeyHex,
  });
}

/** Step 1 on the device: a fresh credential and the blinded message for the identity side. */
export async function requestCredential<E>(
  election: Election<E>,
  region: string,
): Promise<{ blindedMessage: Uint8Array; pending: PendingCredential }> {
  const r = election.regions.get(region);
  if (r === undefined) throw new ElectionError('UNKNOWN_REGION', `no region "${region}"`);
  const g = election.group;
  const kp = generateKeyPair(g);
  const publicKey = encodeElementHex(g, kp.publicKey);
  const prefix = globalThis.crypto.getRandomValues(new Uint8Array(BLIND_RSA_PREFIX_LENGTH));
  const prepared = concatBytes(prefix, credentialMessage(election.hashHex, region, publicKey));
  const { blindedMsg, state } = await blindRsaMessage(r.issuerKey, prepared);
  return {
    blindedMessage: blindedMsg,
    pending: { region, secretKey: kp.secretKey, publicKey, prefix, state },
  };
}

export interface PendingCredential {
  readonly region: string;
  readonly secretKey: bigint;
  readonly publicKey: Hex;
  readonly prefix: Uint8Array;
  readonly state: BlindingState;
}

/** Step 2 on the device: unblind the issuer's answer; fails if the issuer's answer is not valid. */
export async function finishCredential<E>(
  election: Election<E>,
  pending: PendingCredential,
  blindSignature: Uint8Array,
): Promise<Credential> {
  const r = election.regions.get(pending.region);
  if (r === undefined) throw new ElectionError('UNKNOWN_REGION', `no region "${pending.region}"`);
  const signature = await finalizeBlindRsaSignature(r.issuerKey, pending.state, blindSignature);
  return {
    secretKey: pending.secretKey,
    certificate: {
      publicKey: pending.publicKey,
      prefix: toBase64(pending.prefix),
      signature: toBase64(signature),
    },
  };
}

/** The ballot box's check of a credential certificate for a region. */
export async function verifyCredential<E>(
  election: Election<E>,
  region: string,
  c: CredentialJson,
): Promise<boolean> {
  const r = election.regions.get(region);
  if (r === undefined) return false;
  let prefix: Uint8Array;
  let signature: Uint8Array;
  try {
    prefix = fromBase64(c.prefix);
    signature = fromBase64(c.signature);
  } catch {
    return false;
  }
  if (prefix.length !== BLIND_RSA_PREFIX_LENGTH) return false;
  const prepared = concatBytes(prefix, credentialMessage(election.hashHex, region, c.publicKey));
  return verifyBlindRsaSignature(await issuerCryptoKey(r.issuerKey), prepared, signature);
}

/** Each issuer key is imported (and its encoding checked) once, not once a ballot. */
const issuerKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>();

function issuerCryptoKey(spki: Uint8Array): Promise<CryptoKey> {
  let key = issuerKeys.get(spki);
  if (key === undefined) {
    key = importBlindRsaPublicKey(spki);
    issuerKeys.set(spki, key);
  }
  return key;
}

/** Stable identifier of a credential for the "used once" check. */
export const credentialId = (c: CredentialJson): string => c.publicKey;
