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

/** One branch per allowed value, in the order of the set. */
export type MembershipProof = readonly MembershipBranch[];

/** Largest number of branches accepted: bounds the verifier's work on hostile input. */
export const MAX_BRANCHES = 1024;

const PROTOCOL = 'membership';

function challengeFor<E>(
  g: Group<E>,
  context: Uint8Array,
  y: E,
  ct: Ciphertext<E>,
  values: readonly number[],
  commitments: readonly E[],
): bigint {
  const t = new Transcript(g, PROTOCOL, context)
    .appendElement('Y', y)
    .appendElement('alpha', ct.alpha)
    .appendElement('beta', ct.beta)
    .appendU32('values', values.length);
  values.forEach((v, i) => t.appendU32(`values[${i}]`, v));
  return t.appendElements('commitments', commitments).challenge();
}

/** The set {lo, lo + 1, …, hi}. */
export function valueRange(lo: number, hi: number): number[] {
  check(Number.isSafeInteger(lo) && lo >= 0, 'lo', 'must be a non-negative integer');
  check(Number.isSafeInteger(hi) && hi >= lo, 'hi', 'must be an integer ≥ lo');
  check(hi - lo + 1 <= MAX_BRANCHES, 'hi', `at most ${MAX_BRANCHES} allowed values`);
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

/** β − j·g, without a scalar multiplication for the common j = 0 and j = 1. */
function shift<E>(g: Group<E>, beta: E, j: number): E {
  if (j === 0) return beta;
  return g.subtract(beta, j === 1 ? g.generator : g.multiplyBase(BigInt(j)));
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
): MembershipProof {
  checkValues(values);
  const real = values.indexOf(m);
  if (real < 0) throw new CryptoError('BAD_ARGUMENT', `m: ${m} is not an allowed value`);
  const q = g.order;
  const count = values.length;
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
    const shifted = shift(g, ct.beta, values[i] ?? 0);
    commitments.push(
      g.subtract(g.multiplyBase(z), g.multiply(ct.alpha, c)),
      g.subtract(g.multiply(publicKey, z), g.multiply(shifted, c)),
    );
  }
  const c = challengeFor(g, context, publicKey, ct, values, commitments);
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
  values: readonly number[],
): boolean {
  checkValues(values);
  if (proof.length !== values.length) return false;
  const commitments: E[] = [];
  let sum = 0n;
  for (let i = 0; i < proof.length; i++) {
    const branch = proof[i];
    if (branch === undefined || !inRange(g, branch.challenge) || !inRange(g, branch.response)) return false;
    const { challenge: c, response: z } = branch;
    sum += c;
    const shifted = shift(g, ct.beta, values[i] ?? 0);
    commitments.push(
      g.subtract(g.multiplyBase(z), g.multiply(ct.alpha, c)),
      g.subtract(g.multiply(publicKey, z), g.multiply(shifted, c)),
    );
  }
  return mod(sum, g.order) === challengeFor(g, context, publicKey, ct, values, commitments);
}
