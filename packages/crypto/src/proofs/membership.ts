/**
 * Disjunctive (CDS) proof that an exponential-ElGamal ciphertext encrypts one of the integers
 * lo, lo+1, …, hi — without saying which.
 *
 * With lo = 0, hi = 1 it is the 0/1 proof of each option of a ballot; applied to the homomorphic
 * sum of a question's ciphertexts with [min, max] it is the proof that the number of marks is
 * allowed (Belenios' "overall proof" has the same shape).
 *
 * Statement: (α, β) with α = r·g and β = m·g + r·Y for some m ∈ [lo, hi].
 * For each j the branch proves log_g(α) = log_Y(β − j·g). The real branch m uses w:
 * A_m = w·g, B_m = w·Y; every other branch is simulated with random (c_j, z_j):
 * A_j = z_j·g − c_j·α, B_j = z_j·Y − c_j·(β − j·g).
 * c = H(ctx, Y, α, β, lo, hi, A_lo, B_lo, …); c_m = c − Σ_{j≠m} c_j; z_m = w + c_m·r.
 * The proof is the list of (c_j, z_j); the verifier rebuilds every A_j, B_j and checks Σ c_j = c.
 */

import { CryptoError, check } from '../errors.ts';
import { mod } from '../group.ts';
import type { Group } from '../group.ts';
import type { Ciphertext } from '../elgamal.ts';
import { Transcript } from '../transcript.ts';
import { inRange } from './schnorr.ts';

export interface MembershipBranch {
  readonly challenge: bigint;
  readonly response: bigint;
}

/** One branch per allowed value lo..hi, in order. */
export type MembershipProof = readonly MembershipBranch[];

/** Largest number of branches accepted: bounds the verifier's work on hostile input. */
export const MAX_BRANCHES = 1024;

const PROTOCOL = 'membership';

function challengeFor<E>(
  g: Group<E>,
  context: Uint8Array,
  y: E,
  ct: Ciphertext<E>,
  lo: number,
  hi: number,
  commitments: readonly E[],
): bigint {
  return new Transcript(g, PROTOCOL, context)
    .appendElement('Y', y)
    .appendElement('alpha', ct.alpha)
    .appendElement('beta', ct.beta)
    .appendU32('lo', lo)
    .appendU32('hi', hi)
    .appendElements('commitments', commitments)
    .challenge();
}

/** β − j·g, without a scalar multiplication for the common j = 0 and j = 1. */
function shift<E>(g: Group<E>, beta: E, j: number): E {
  if (j === 0) return beta;
  return g.subtract(beta, j === 1 ? g.generator : g.multiplyBase(BigInt(j)));
}

function checkBounds(lo: number, hi: number): void {
  check(Number.isSafeInteger(lo) && lo >= 0, 'lo', 'must be a non-negative integer');
  check(Number.isSafeInteger(hi) && hi >= lo, 'hi', 'must be an integer ≥ lo');
  check(hi - lo + 1 <= MAX_BRANCHES, 'hi', `at most ${MAX_BRANCHES} allowed values`);
}

export function proveMembership<E>(
  g: Group<E>,
  context: Uint8Array,
  publicKey: E,
  ct: Ciphertext<E>,
  m: number,
  randomness: bigint,
  lo: number,
  hi: number,
): MembershipProof {
  checkBounds(lo, hi);
  if (!(Number.isSafeInteger(m) && m >= lo && m <= hi)) {
    throw new CryptoError('BAD_ARGUMENT', `m: ${m} is outside [${lo}, ${hi}]`);
  }
  const q = g.order;
  const count = hi - lo + 1;
  const real = m - lo;
  const w = g.randomScalar();
  const challenges: bigint[] = new Array<bigint>(count).fill(0n);
  const responses: bigint[] = new Array<bigint>(count).fill(0n);
  const commitments: E[] = [];
  for (let i = 0; i < count; i++) {
    if (i === real) {
      commitments.push(g.multiplyBase(w), g.multiplySecret(publicKey, w));
      continue;
    }
    const c = g.randomScalar();
    const z = g.randomScalar();
    challenges[i] = c;
    responses[i] = z;
    const shifted = shift(g, ct.beta, lo + i);
    commitments.push(
      g.subtract(g.multiplyBase(z), g.multiply(ct.alpha, c)),
      g.subtract(g.multiply(publicKey, z), g.multiply(shifted, c)),
    );
  }
  const c = challengeFor(g, context, publicKey, ct, lo, hi, commitments);
  let others = 0n;
  for (let i = 0; i < count; i++) if (i !== real) others += challenges[i] ?? 0n;
  const cReal = mod(c - others, q);
  challenges[real] = cReal;
  responses[real] = mod(w + cReal * randomness, q);
  return challenges.map((challenge, i) => ({ challenge, response: responses[i] ?? 0n }));
}

export function verifyMembership<E>(
  g: Group<E>,
  context: Uint8Array,
  publicKey: E,
  ct: Ciphertext<E>,
  proof: MembershipProof,
  lo: number,
  hi: number,
): boolean {
  checkBounds(lo, hi);
  if (proof.length !== hi - lo + 1) return false;
  const commitments: E[] = [];
  let sum = 0n;
  for (let i = 0; i < proof.length; i++) {
    const branch = proof[i];
    if (branch === undefined || !inRange(g, branch.challenge) || !inRange(g, branch.response)) return false;
    const { challenge: c, response: z } = branch;
    sum += c;
    const shifted = shift(g, ct.beta, lo + i);
    commitments.push(
      g.subtract(g.multiplyBase(z), g.multiply(ct.alpha, c)),
      g.subtract(g.multiply(publicKey, z), g.multiply(shifted, c)),
    );
  }
  return mod(sum, g.order) === challengeFor(g, context, publicKey, ct, lo, hi, commitments);
}
