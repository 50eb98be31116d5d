/**
 * Proofs of interval membership, `iproof` (Belenios 2.0 specification §4.12): (α, β) = (g^r, y^r·g^Mᵢ)
 * with Mᵢ among M₀, …, M_k, without saying which.
 *
 * iprove(S, r, i, M₀…M_k): every branch j ≠ i is simulated with a random (challenge, response) and
 *   A_j = g^response · α^challenge, B_j = y^response · (β / g^M_j)^challenge;
 * the genuine branch takes A_i = g^w, B_i = y^w, challenge_i = Hiprove(S, α, β, A₀, B₀, …) − Σ_{j≠i}
 * challenge_j and response_i = w − r·challenge_i, where
 *   Hiprove(S, α, β, A₀, B₀, …) = SHA256("prove|S|α,β|A₀,B₀,…,A_k,B_k") mod q.
 * The verifier recomputes every A_j, B_j and checks that the challenges sum to Hiprove.
 */

import { mod } from '@opendeg/crypto';
import type { Ciphertext } from '@opendeg/crypto';
import { bg } from './encoding.ts';
import type { Proof } from './encoding.ts';
import { beleniosHash, fsCommitment, proofInRange, randomProof } from './hash.ts';

/** β / g^M, without an exponentiation for M = 0. */
export function shiftBeta(beta: bigint, m: number): bigint {
  return m === 0 ? beta : bg.add(beta, bg.multiplyBase(-BigInt(m)));
}

const provePrefix = (s: string, c: Ciphertext<bigint>): string => `prove|${s}|${c.alpha},${c.beta}|`;

/** One branch of a disjunction: "ciphertext encrypts m". */
export interface DisjunctionBranch {
  readonly ciphertext: Ciphertext<bigint>;
  readonly m: number;
}

/**
 * The disjunctive proof behind iprove and the blank-vote proofs (§4.13 uses it with branches on two
 * different ciphertexts): branch `real` is genuine with randomness r, the others are simulated, and
 * the challenges sum to H(prefix, A₀, B₀, …, A_k, B_k).
 */
export function proveDisjunction(
  prefix: string,
  y: bigint,
  branches: readonly DisjunctionBranch[],
  real: number,
  r: bigint,
): Proof[] {
  const proofs: Proof[] = [];
  const commitments: bigint[] = [];
  const w = bg.randomScalar();
  let others = 0n;
  branches.forEach(({ ciphertext: c, m }, j) => {
    if (j === real) {
      proofs.push({ challenge: 0n, response: 0n });
      commitments.push(bg.multiplyBase(w), bg.multiplySecret(y, w));
      return;
    }
    const p = randomProof();
    proofs.push(p);
    others += p.challenge;
    commitments.push(fsCommitment(bg.generator, c.alpha, p), fsCommitment(y, shiftBeta(c.beta, m), p));
  });
  const challenge = mod(beleniosHash(prefix, commitments) - others, bg.order);
  proofs[real] = { challenge, response: mod(w - r * challenge, bg.order) };
  return proofs;
}

export function verifyDisjunction(
  prefix: string,
  y: bigint,
  branches: readonly DisjunctionBranch[],
  proofs: readonly Proof[],
): boolean {
  if (proofs.length !== branches.length || !proofs.every(proofInRange)) return false;
  const commitments: bigint[] = [];
  let sum = 0n;
  proofs.forEach((p, j) => {
    const b = branches[j];
    if (b === undefined) return;
    sum += p.challenge;
    commitments.push(
      fsCommitment(bg.generator, b.ciphertext.alpha, p),
      fsCommitment(y, shiftBeta(b.ciphertext.beta, b.m), p),
    );
  });
  return beleniosHash(prefix, commitments) === mod(sum, bg.order);
}

const sameCiphertext = (c: Ciphertext<bigint>, values: readonly number[]): DisjunctionBranch[] =>
  values.map((m) => ({ ciphertext: c, m }));

/** iprove(S, r, index, values) for the election key y (pass a `prepare`d key). */
export function proveInterval(
  s: string,
  y: bigint,
  c: Ciphertext<bigint>,
  r: bigint,
  index: number,
  values: readonly number[],
): Proof[] {
  return proveDisjunction(provePrefix(s, c), y, sameCiphertext(c, values), index, r);
}

/** Verifies an iproof of (α, β) ∈ {(g^r, y^r·g^M) : M ∈ values}. */
export function verifyInterval(
  s: string,
  y: bigint,
  c: Ciphertext<bigint>,
  proofs: readonly Proof[],
  values: readonly number[],
): boolean {
  return verifyDisjunction(provePrefix(s, c), y, sameCiphertext(c, values), proofs);
}

/** The list min, min + 1, …, max. */
export function range(min: number, max: number): number[] {
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}
