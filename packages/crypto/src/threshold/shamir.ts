/**
 * Shamir secret sharing over the scalar field with Feldman commitments (P-5.2–P-5.4).
 *
 * A polynomial f(z) = a₀ + a₁z + … + a_{k−1}z^{k−1} hides a₀ = the secret; part i (1..n) is f(i).
 * The commitments Cⱼ = aⱼ·g are public, so any holder checks their part without trusting the
 * dealer: f(i)·g = Σⱼ iʲ·Cⱼ. Any k parts give a₀ by Lagrange interpolation at 0; k − 1 give nothing.
 */

import { CryptoError, check } from '../errors.ts';
import { invert, mod } from '../group.ts';
import type { Group } from '../group.ts';

/** The number of parts and the threshold, as the commission decides them (P-5.4). */
export interface ThresholdParams {
  /** N — number of parts. */
  readonly n: number;
  /** K — minimum number of parts that decrypt (and reassemble). */
  readonly k: number;
}

/** One holder's part of the decryption key. `index` is 1-based (the x-coordinate of the share). */
export interface SecretShare {
  readonly index: number;
  readonly secret: bigint;
}

/** Upper bound on N: the Procedure's commissions have 12 members; this leaves ample room. */
export const MAX_PARTS = 255;

export function checkThresholdParams(p: ThresholdParams): void {
  check(
    Number.isInteger(p.n) && p.n >= 1 && p.n <= MAX_PARTS,
    'n',
    `must be an integer in [1, ${MAX_PARTS}]`,
  );
  check(Number.isInteger(p.k) && p.k >= 1 && p.k <= p.n, 'k', 'must be an integer in [1, n]');
}

export function checkIndex(index: number, n?: number): void {
  check(
    Number.isInteger(index) && index >= 1 && index <= (n ?? MAX_PARTS),
    'index',
    'part index out of range',
  );
}

/** Random polynomial of degree k − 1 with the given constant term. */
export function randomPolynomial<E>(g: Group<E>, secret: bigint, k: number): bigint[] {
  const coefficients = [mod(secret, g.order)];
  for (let j = 1; j < k; j++) coefficients.push(g.randomScalar());
  return coefficients;
}

/** f(x) by Horner's rule. */
export function evaluatePolynomial(coefficients: readonly bigint[], x: bigint, q: bigint): bigint {
  let acc = 0n;
  for (let j = coefficients.length - 1; j >= 0; j--) acc = mod(acc * x + (coefficients[j] ?? 0n), q);
  return acc;
}

export function commitPolynomial<E>(g: Group<E>, coefficients: readonly bigint[]): E[] {
  return coefficients.map((a) => g.multiplyBase(a));
}

/** Σⱼ iʲ·Cⱼ — the public image f(i)·g of part i. */
export function commitmentAt<E>(g: Group<E>, commitments: readonly E[], index: number): E {
  const x = BigInt(index);
  const powers: bigint[] = [];
  let p = 1n;
  for (const _ of commitments) {
    powers.push(p);
    p = mod(p * x, g.order);
  }
  return g.multiplyMany(commitments, powers);
}

/** Feldman check of a part against the public commitments. */
export function verifyShare<E>(g: Group<E>, commitments: readonly E[], share: SecretShare): boolean {
  checkIndex(share.index);
  if (share.secret < 0n || share.secret >= g.order) return false;
  return g.equals(g.multiplyBase(share.secret), commitmentAt(g, commitments, share.index));
}

/**
 * Lagrange coefficient λᵢ for interpolation at 0 over the given x-coordinates:
 * λᵢ = Π_{j≠i} j / (j − i).
 */
export function lagrangeAtZero(indices: readonly number[], i: number, q: bigint): bigint {
  let num = 1n;
  let den = 1n;
  for (const j of indices) {
    if (j === i) continue;
    num = mod(num * BigInt(j), q);
    den = mod(den * BigInt(j - i), q);
  }
  return mod(num * invert(den, q), q);
}

/** Rejects repeated indices: the same part twice must never count as two. */
export function checkDistinct(indices: readonly number[]): void {
  const seen = new Set<number>();
  for (const i of indices) {
    if (seen.has(i))
      throw new CryptoError('DUPLICATE_SHARE', `part ${i} was given more than once`, { index: i });
    seen.add(i);
  }
}

/** Interpolates the secret a₀ from k distinct shares (no verification: see `assembleKey`). */
export function interpolateSecret(shares: readonly SecretShare[], q: bigint): bigint {
  const indices = shares.map((s) => s.index);
  checkDistinct(indices);
  let acc = 0n;
  for (const s of shares) acc = mod(acc + s.secret * lagrangeAtZero(indices, s.index, q), q);
  return acc;
}
