/**
 * Disjunctive (CDS) proof that an exponential-ElGamal ciphertext encrypts one of a public set of
 * small integers v₀ < v₁ < … — without saying which.
 *
 * With {0, 1} it is the 0/1 proof of each option of a ballot; applied to the homomorphic sum of a
 * question's ciphertexts with {min, …, max} it proves the number of marks is allowed (Belenios'
 * "overall proof" has the same shape); with {min, …, max, M} applied to Σ choices + M·blank it
 * proves "a blank vote alone, or a count in [min, max]" (see `answer.ts`).
 *
 * Statement: (α, β) with α = r·g and β = m·g + r·Y for some m in the set.
 * For each allowed v the branch proves log_g(α) = log_Y(β − v·g). The real branch uses w:
 * A = w·g, B = w·Y; every other branch is simulated with random (c_j, z_j):
 * A_j = z_j·g − c_j·α, B_j = z_j·Y − c_j·(β − v_j·g).
 * c = H(ctx, Y, α, β, values, A₀, B₀, …); c_real = c − Σ_{other} c_j; z_real = w + c_real·r.
 *
 * The proof carries the commitments (A_j, B_j) with (c_j, z_j). The verifier hashes the
 * commitments, checks Σ c_j = c, and checks each branch's two equations
 *   z_j·g = A_j + c_j·α   and   z_j·Y = B_j + c_j·(β − v_j·g),
 * either one by one or, across many proofs, as one random linear combination (`BatchVerifier`).
 * Carrying the commitments is what makes batching possible: a (c, z)-only proof forces the verifier
 * to recompute every commitment before it can even hash.
 */

import { CryptoError, check } from '../errors.ts';
import type { BatchVerifier } from '../batch.ts';
import { mod } from '../group.ts';
import type { Group } from '../group.ts';
import type { Ciphertext } from '../elgamal.ts';
import { Transcript } from '../transcript.ts';
import { inRange } from './schnorr.ts';

export interface MembershipBranch<E> {
  /** A_j */
  readonly commitmentA: E;
  /** B_j */
  readonly commitmentB: E;
  readonly challenge: bigint;
  readonly response: bigint;
}

/** One branch per allowed value, in the order of the set. */
export type MembershipProof<E> = readonly MembershipBranch<E>[];

/** Largest number of branches accepted: bounds the verifier's work on hostile input. */
export const MAX_BRANCHES = 1024;

const PROTOCOL = 'membership';

function challengeFor<E>(
  g: Group<E>,
  context: Uint8Array,
  y: E,
  ct: Ciphertext<E>,
  values: readonly number[],
  proof: readonly { commitmentA: E; commitmentB: E }[],
): bigint {
  const t = new Transcript(g, PROTOCOL, context)
    .appendElement('Y', y)
    .appendElement('alpha', ct.alpha)
    .appendElement('beta', ct.beta)
    .appendU32('values', values.length);
  values.forEach((v, i) => t.appendU32(`values[${i}]`, v));
  proof.forEach((b, i) => t.appendElement(`A[${i}]`, b.commitmentA).appendElement(`B[${i}]`, b.commitmentB));
  return t.challenge();
}

/** The set {lo, lo + 1, …, hi}. */
export function valueRange(lo: number, hi: number): number[] {
  check(Number.isSafeInteger(lo) && lo >= 0, 'lo', 'must be a non-negative integer');
  check(Number.isSafeInteger(hi) && hi >= lo, 'hi', 'must be an integer ≥ lo');
  check(hi - lo + 1 <= MAX_BRANCHES, 'hi', `at most ${MAX_BRANCHES} allowed values`);
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

/** β − v·g, without a scalar multiplication for the common v = 0 and v = 1. */
function shift<E>(g: Group<E>, beta: E, v: number): E {
  if (v === 0) return beta;
  return g.subtract(beta, v === 1 ? g.generator : g.multiplyBase(BigInt(v)));
}

/** The set must be non-empty, strictly increasing, of u32 integers, and not too large. */
function checkValues(values: readonly number[]): void {
  check(values.length >= 1 && values.length <= MAX_BRANCHES, 'values', `1 to ${MAX_BRANCHES} allowed values`);
  values.forEach((v, i) => {
    check(Number.isInteger(v) && v >= 0 && v <= 0xffffffff, 'values', 'each value is a u32 integer');
    check(i === 0 || v > (values[i - 1] ?? 0), 'values', 'strictly increasing');
  });
}

export function proveMembership<E>(
  g: Group<E>,
  context: Uint8Array,
  publicKey: E,
  ct: Ciphertext<E>,
  m: number,
  randomness: bigint,
  values: readonly number[],
): MembershipProof<E> {
  checkValues(values);
  const real = values.indexOf(m);
  if (real < 0) throw new CryptoError('BAD_ARGUMENT', `m: ${m} is not an allowed value`);
  const q = g.order;
  const w = g.randomScalar();
  const branches = values.map((v, i) => {
    if (i === real) {
      return {
        commitmentA: g.multiplyBase(w),
        commitmentB: g.multiplySecret(publicKey, w),
        challenge: 0n,
        response: 0n,
      };
    }
    const c = g.randomScalar();
    const z = g.randomScalar();
    // The simulated commitments A = z·g − c·α and B = z·Y − c·(β − v·g) are computed from what the
    // prover knows (α = r·g, β = m·g + r·Y): with t = z − c·r, A = t·g and B = t·Y − c·(m − v)·g.
    // Same values, but only fixed-base and prepared-key multiplications (t and c·(m − v) depend on
    // secrets, so they go through the constant-time paths).
    const t = mod(z - c * randomness, q);
    return {
      commitmentA: g.multiplyBase(t),
      commitmentB: g.subtract(g.multiplySecret(publicKey, t), g.multiplyBase(mod(c * BigInt(m - v), q))),
      challenge: c,
      response: z,
    };
  });
  const c = challengeFor(g, context, publicKey, ct, values, branches);
  const others = branches.reduce((acc, b, i) => (i === real ? acc : acc + b.challenge), 0n);
  const cReal = mod(c - others, q);
  const realBranch = branches[real];
  if (realBranch === undefined) throw new Error('unreachable: real branch');
  branches[real] = { ...realBranch, challenge: cReal, response: mod(w + cReal * randomness, q) };
  return branches;
}

/**
 * Verifies a membership proof. With `batch`, the hash and challenge-sum checks are made now and
 * the branch equations are added to the batch (shared bases: 0 = g, 1 = the election key Y, as
 * given to the `BatchVerifier` constructor); the proof is valid only if `batch.verify()` is too.
 */
export function verifyMembership<E>(
  g: Group<E>,
  context: Uint8Array,
  publicKey: E,
  ct: Ciphertext<E>,
  proof: MembershipProof<E>,
  values: readonly number[],
  batch?: BatchVerifier<E>,
): boolean {
  checkValues(values);
  if (proof.length !== values.length) return false;
  let sum = 0n;
  for (const b of proof) {
    if (!inRange(g, b.challenge) || !inRange(g, b.response)) return false;
    sum += b.challenge;
  }
  if (mod(sum, g.order) !== challengeFor(g, context, publicKey, ct, values, proof)) return false;
  for (let i = 0; i < proof.length; i++) {
    const b = proof[i];
    const v = values[i];
    if (b === undefined || v === undefined) return false;
    const { commitmentA: a, commitmentB: bb, challenge: c, response: z } = b;
    if (batch !== undefined) {
      // z·g − A − c·α = 0
      batch.addEquation(
        [
          [a, -1n],
          [ct.alpha, -c],
        ],
        [z, 0n],
      );
      // z·Y − B − c·β + c·v·g = 0
      batch.addEquation(
        [
          [bb, -1n],
          [ct.beta, -c],
        ],
        [c * BigInt(v), z],
      );
      continue;
    }
    if (!g.equals(g.multiplyBase(z), g.add(a, g.multiply(ct.alpha, c)))) return false;
    if (!g.equals(g.multiply(publicKey, z), g.add(bb, g.multiply(shift(g, ct.beta, v), c)))) return false;
  }
  return true;
}
