// The voter's device side of the blind-signed credential (P-6.9), as packages/election's
// requestCredential and finishCredential do it but on @opendeg/crypto/node's RFC 9474 client (native
// BigInt and OpenSSL): the browser's @cloudflare/blindrsa-ts took about 75 ms of CPU each voter, most
// of the demo's own cost (issue 6). Same message, same prefix, same certificate: the ballot box cannot
// tell them apart, and the web front end keeps the browser's library.
import { randomBytes } from 'node:crypto';
import { concatBytes, generateKeyPair, toBase64, BLIND_RSA_PREFIX_LENGTH } from '@opendeg/crypto';
import { blindRsaMessageNode, finalizeBlindRsaSignatureNode } from '@opendeg/crypto/node';
import {
  credentialMessage,
  encodeElementHex,
  type Credential,
  type Election,
  type PendingCredential,
} from '@opendeg/election';
import { DemoError } from './http.ts';

function issuerKey(election: Election<unknown>, region: string): Uint8Array {
  const r = election.regions.get(region);
  if (r === undefined) throw new DemoError('UNKNOWN_REGION', `нет субъекта / no region "${region}"`);
  // The manifest's bytes, the same object every voter: the client parses and checks them once.
  return r.issuerKey;
}

/** Step 1: a fresh credential key pair, its message prepared (random prefix) and blinded. */
export function requestCredentialNode(
  election: Election<unknown>,
  region: string,
): { blindedMessage: Uint8Array; pending: PendingCredential } {
  const key = issuerKey(election, region);
  const g = election.group;
  const kp = generateKeyPair(g);
  const publicKey = encodeElementHex(g, kp.publicKey);
  const prefix = new Uint8Array(randomBytes(BLIND_RSA_PREFIX_LENGTH));
  const prepared = concatBytes(prefix, credentialMessage(election.hashHex, region, publicKey));
  const { blindedMsg, state } = blindRsaMessageNode(key, prepared);
  return {
    blindedMessage: blindedMsg,
    pending: { region, secretKey: kp.secretKey, publicKey, prefix, state },
  };
}

/** Step 2: unblind the issuer's answer; a CryptoError BLIND_SIGNATURE_INVALID if it is not valid. */
export function finishCredentialNode(
  election: Election<unknown>,
  pending: PendingCredential,
  blindSignature: Uint8Array,
): Credential {
  const signature = finalizeBlindRsaSignatureNode(
    issuerKey(election, pending.region),
    pending.state,
    blindSignature,
  );
  return {
    secretKey: pending.secretKey,
    certificate: {
      publicKey: pending.publicKey,
      prefix: toBase64(pending.prefix),
      signature: toBase64(signature),
    },
  };
}
