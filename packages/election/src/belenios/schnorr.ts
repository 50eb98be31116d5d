/**
 * The three single-base Schnorr proofs of Belenios 2.0 (specification §4.5, §4.6.1, §4.14), prover
 * beside verifier:
 * - trustee_public_key: proof of knowledge of x with X = g^x, Hpok = SHA256("pok|G|X|A");
 * - signed_msg: a trustee's signature of a string M, SHA256("sigmsg|M|A");
 * - the ballot signature by the voter's credential, SHA256("sig|H|A") with H the ballot's hash.
 * In each, A = g^w, challenge = H(…) mod q, response = w − x·challenge; the verifier recomputes
 * A = g^response · X^challenge.
 */

import { BELENIOS_GROUP, bg, decodeElement, decodeProof, encodeDecimal, encodeProof } from './encoding.ts';
import type { Decimal, Proof, ProofJson } from './encoding.ts';
import { beleniosHash, fsCommitment, fsProve } from './hash.ts';

export interface TrusteePublicKeyJson {
  readonly pok: ProofJson;
  readonly public_key: Decimal;
}

export interface SignedMsgJson {
  readonly message: string;
  readonly signature: ProofJson;
}

const pokPrefix = (x: bigint): string => `pok|${BELENIOS_GROUP}|${x.toString(10)}|`;
const sigmsgPrefix = (message: string): string => `sigmsg|${message}|`;
const sigPrefix = (hash: string): string => `sig|${hash}|`;

function prove(prefix: string, secret: bigint): Proof {
  return fsProve([bg.generator], secret, (a) => beleniosHash(prefix, a));
}

function verify(prefix: string, publicKey: bigint, proof: Proof): boolean {
  return proof.challenge === beleniosHash(prefix, [fsCommitment(bg.generator, publicKey, proof)]);
}

/** §4.5: the trustee_public_key of a private key x. */
export function proveTrusteeKey(secret: bigint): TrusteePublicKeyJson {
  const x = bg.multiplyBase(secret);
  return { pok: encodeProof(prove(pokPrefix(x), secret)), public_key: encodeDecimal(x) };
}

/** §4.5: checks the proof of knowledge; returns the public key, or undefined if anything is wrong. */
export function verifyTrusteeKey(json: unknown): bigint | undefined {
  try {
    const o = json as TrusteePublicKeyJson;
    const x = decodeElement(o.public_key, 'trustee_public_key.public_key');
    return verify(pokPrefix(x), x, decodeProof(o.pok, 'trustee_public_key.pok')) ? x : undefined;
  } catch {
    return undefined;
  }
}

/** §4.6.1 Signing: a signed_msg of `message` under the signing key sk. */
export function signMessage(sk: bigint, message: string): SignedMsgJson {
  return { message, signature: encodeProof(prove(sigmsgPrefix(message), sk)) };
}

/** §4.6.1: verifies a signed_msg against the verification key vk. */
export function verifySignedMessage(vk: bigint, signed: unknown): boolean {
  try {
    const o = signed as SignedMsgJson;
    if (typeof o.message !== 'string') return false;
    return verify(sigmsgPrefix(o.message), vk, decodeProof(o.signature, 'signed_msg.signature'));
  } catch {
    return false;
  }
}

/** §4.14: the ballot signature by the credential's secret s over the ballot hash. */
export function signBallotHash(credentialSecret: bigint, hash: string): Proof {
  return prove(sigPrefix(hash), credentialSecret);
}

/** §4.14: A = g^response · credential^challenge and challenge = Hsignature(hash, A). */
export function verifyBallotSignature(credential: bigint, hash: string, proof: Proof): boolean {
  return verify(sigPrefix(hash), credential, proof);
}
