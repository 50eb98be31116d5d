/**
 * Exponential ElGamal over a prime-order group.
 *
 * Enc(m; r) = (α, β) = (r·g, m·g + r·Y) for public key Y = x·g. Ciphertexts add homomorphically
 * (the sum encrypts the sum of the messages), are re-randomised by adding an encryption of zero, and
 * decrypt to the group element m·g; m itself comes from a small discrete log (`dlog.ts`).
 */

import { concatBytes } from './bytes.ts';
import { CryptoError, check } from './errors.ts';
import { mod } from './group.ts';
import type { Group } from './group.ts';

export interface Ciphertext<E> {
  /** α = r·g */
  readonly alpha: E;
  /** β = m·g + r·Y */
  readonly beta: E;
}

export interface KeyPair<E> {
  readonly secretKey: bigint;
  readonly publicKey: E;
}

export function generateKeyPair<E>(g: Group<E>): KeyPair<E> {
  const secretKey = g.randomScalar();
  return { secretKey, publicKey: g.multiplyBase(secretKey) };
}

/**
 * Encrypts the small integer m with fresh randomness; returns the randomness for proofs.
 * Pass a public key that went through `g.prepare` when encrypting many times.
 */
export function encrypt<E>(
  g: Group<E>,
  publicKey: E,
  m: bigint | number,
  r: bigint = g.randomScalar(),
): { ciphertext: Ciphertext<E>; randomness: bigint } {
  const mm = BigInt(m);
  check(mm >= 0n && mm < g.order, 'm', 'message out of range');
  check(r > 0n && r < g.order, 'r', 'randomness out of range');
  // The common ballot values 0 and 1 need no multiplication.
  const mg = mm === 0n ? g.identity : mm === 1n ? g.generator : g.multiplyBase(mm);
  return {
    ciphertext: { alpha: g.multiplyBase(r), beta: g.add(mg, g.multiplySecret(publicKey, r)) },
    randomness: r,
  };
}

/** Component-wise product: an encryption of the sum of the messages. */
export function addCiphertexts<E>(g: Group<E>, a: Ciphertext<E>, b: Ciphertext<E>): Ciphertext<E> {
  return { alpha: g.add(a.alpha, b.alpha), beta: g.add(a.beta, b.beta) };
}

export function sumCiphertexts<E>(g: Group<E>, cts: readonly Ciphertext<E>[]): Ciphertext<E> {
  const [first, ...rest] = cts;
  if (first === undefined) return { alpha: g.identity, beta: g.identity };
  let acc = first;
  for (const c of rest) acc = addCiphertexts(g, acc, c);
  return acc;
}

/** Same plaintext, fresh randomness: (α + r'·g, β + r'·Y). */
export function rerandomize<E>(
  g: Group<E>,
  publicKey: E,
  c: Ciphertext<E>,
  r: bigint = g.randomScalar(),
): Ciphertext<E> {
  return addCiphertexts(g, c, { alpha: g.multiplyBase(r), beta: g.multiplySecret(publicKey, r) });
}

/** Decrypts to m·g with the whole secret key (single-key elections, tests, assemble mode). */
export function decryptToElement<E>(g: Group<E>, secretKey: bigint, c: Ciphertext<E>): E {
  return g.subtract(c.beta, g.multiplyBlinded(c.alpha, mod(secretKey, g.order)));
}

export function encodeCiphertext<E>(g: Group<E>, c: Ciphertext<E>): Uint8Array {
  return concatBytes(g.encodeElement(c.alpha), g.encodeElement(c.beta));
}

/**
 * Decodes α ‖ β. α may not be the identity (an honest encryption never has r = 0); β may, because
 * m·g + r·Y can be anything. Aggregates are decoded with `allowIdentity` for both.
 */
export function decodeCiphertext<E>(
  g: Group<E>,
  bytes: Uint8Array,
  options?: { aggregate?: boolean },
): Ciphertext<E> {
  const n = g.elementLength;
  if (bytes.length !== 2 * n) {
    throw new CryptoError('BAD_LENGTH', `ciphertext: expected ${2 * n} bytes, got ${bytes.length}`);
  }
  return {
    alpha: g.decodeElement(bytes.subarray(0, n), { allowIdentity: options?.aggregate === true }),
    beta: g.decodeElement(bytes.subarray(n), { allowIdentity: true }),
  };
}
