/**
 * Belenios's Fiat–Shamir hash and its Schnorr-style proofs (Belenios 2.0 specification §4.5,
 * §4.6.1, §4.12–§4.14, §4.18).
 *
 * Every challenge is H(prefix, x₁, …, xₙ) = SHA256(prefix ‖ x₁ "," … "," xₙ) read as a 256-bit
 * big-endian number mod q, the xᵢ written in base 10; each proof kind has its own prefix ("pok|G|X|",
 * "sigmsg|M|", "sig|H|", "decrypt|φ|X|", "prove|S|α,β|", "bproof0|S|", "bproof1|S|"). Unlike OpenDEG's
 * own transcripts (`@opendeg/crypto` transcript.ts) responses are w − x·c and verifiers recompute
 * each commitment as g^response · X^challenge.
 */

import { mod } from '@opendeg/crypto';
import { bg, sha256Hex } from './encoding.ts';
import type { Proof } from './encoding.ts';

/** H(prefix, elements) mod q. */
export function beleniosHash(prefix: string, elements: readonly bigint[]): bigint {
  return BigInt('0x' + sha256Hex(prefix + elements.map((x) => x.toString(10)).join(','))) % bg.order;
}

/**
 * The genuine branch of a Belenios proof: commitments bᵢ^w for the given bases, challenge from the
 * oracle, response w − x·challenge mod q. The nonce exponentiations use the secret-scalar path.
 */
export function fsProve(
  bases: readonly bigint[],
  secret: bigint,
  oracle: (commitments: bigint[]) => bigint,
): Proof {
  const w = bg.randomScalar();
  const commitments = bases.map((b) => (b === bg.generator ? bg.multiplyBase(w) : bg.multiplySecret(b, w)));
  const challenge = oracle(commitments);
  return { challenge, response: mod(w - secret * challenge, bg.order) };
}

/** base^response · value^challenge: the commitment a verifier (or a simulated branch) recomputes. */
export function fsCommitment(base: bigint, value: bigint, proof: Proof): bigint {
  const r = base === bg.generator ? bg.multiplyBase(proof.response) : bg.multiply(base, proof.response);
  return bg.add(r, bg.multiply(value, proof.challenge));
}

/** A uniformly random (challenge, response) pair for a simulated branch. */
export const randomProof = (): Proof => ({ challenge: bg.randomScalar(), response: bg.randomScalar() });

/** Scalars of a decoded proof are < q by construction; this guards proofs built in memory. */
export const proofInRange = (p: Proof): boolean =>
  p.challenge >= 0n && p.challenge < bg.order && p.response >= 0n && p.response < bg.order;
