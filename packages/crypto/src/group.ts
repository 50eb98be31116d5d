/**
 * The `Group` interface: a cyclic group of prime order in which every OpenDEG protocol runs.
 *
 * Suites implement it (ristretto255 on noble or libsodium, gost256b on GOST R 34.10-2012 with
 * Streebog). Protocol code (ElGamal, proofs, threshold keys) is generic over `Group<E>` and
 * never looks inside an element.
 *
 * Scalars are `bigint` in [0, order). Elements are opaque values of type `E`; the only way in
 * from the outside world is `decodeElement`, which rejects every non-canonical encoding and, unless
 * explicitly allowed, the identity.
 */

import { bytesToNumberBE, concatBytes, u32be, utf8 } from './bytes.ts';
import { CryptoError } from './errors.ts';

/** Identifiers of the group suites. Part of every serialised object so suites never mix. */
export type SuiteId = 'ristretto255' | 'gost256b' | 'belenios-2048';

export interface DecodeOptions {
  /** Accept the identity element. Default false: public keys, commitments and proofs never contain it. */
  allowIdentity?: boolean;
}

export interface Group<E> {
  /** The suite, identical across backends of the same group (bytes are identical too). */
  readonly suite: SuiteId;
  /** The implementation behind it, e.g. `noble` or `libsodium`. */
  readonly backend: string;
  /** Prime order q of the group (and of the scalar field). */
  readonly order: bigint;
  /** Length of an encoded element in bytes. */
  readonly elementLength: number;
  /** Length of an encoded scalar in bytes. */
  readonly scalarLength: number;
  /** The standard generator g. */
  readonly generator: E;
  /** The neutral element. */
  readonly identity: E;

  add(a: E, b: E): E;
  subtract(a: E, b: E): E;
  negate(a: E): E;
  /** k·g with the fixed generator (may use precomputed tables). */
  multiplyBase(k: bigint): E;
  /** k·P for a public scalar k. Variable-time: never pass a secret. */
  multiply(p: E, k: bigint): E;
  /** k·P for a one-time secret k (encryption randomness, proof nonces): constant-time. */
  multiplySecret(p: E, k: bigint): E;
  /**
   * k·P for a long-lived secret k (a key share, a decryption key). On top of a constant-time
   * multiplication the scalar is split multiplicatively with fresh randomness on every call, so
   * repeated observations of the same key never see the same scalar (see `blindedMultiply`).
   */
  multiplyBlinded(p: E, k: bigint): E;
  /**
   * A hint that P will be multiplied many times (the election public key): backends that can,
   * build tables for it. Returns an element equal to P; callers use the returned value.
   */
  prepare(p: E): E;
  /** Σ kᵢ·Pᵢ for public scalars (used by batch verification and Lagrange combination). */
  multiplyMany(points: readonly E[], scalars: readonly bigint[]): E;
  equals(a: E, b: E): boolean;
  isIdentity(a: E): boolean;

  encodeElement(e: E): Uint8Array;
  /** Decodes a canonical element; throws `CryptoError` (`BAD_LENGTH`, `NON_CANONICAL_ELEMENT`, `IDENTITY_ELEMENT`). */
  decodeElement(bytes: Uint8Array, options?: DecodeOptions): E;
  encodeScalar(k: bigint): Uint8Array;
  /** Decodes a canonical scalar (< order); throws `BAD_LENGTH` or `NON_CANONICAL_SCALAR`. */
  decodeScalar(bytes: Uint8Array): bigint;

  /** Uniform scalar in [1, order). */
  randomScalar(): bigint;
  /**
   * Hash to a scalar with a domain-separation tag: H(len(dst) ‖ dst ‖ msg) taken wide
   * (≥ 512 bits) and reduced mod order, so the bias is negligible.
   */
  hashToScalar(dst: string, msg: Uint8Array): bigint;
}

/** Reduces a ≥ 512-bit hash output to a scalar; shared by suites. */
export function reduceWide(order: bigint, wide: Uint8Array): bigint {
  return bytesToNumberBE(wide) % order;
}

/** The bytes hashed by `hashToScalar`: a length-prefixed domain tag then the message. */
export function hashToScalarInput(dst: string, msg: Uint8Array): Uint8Array {
  const d = utf8(dst);
  return concatBytes(u32be(d.length), d, msg);
}

export function mod(a: bigint, q: bigint): bigint {
  const r = a % q;
  return r < 0n ? r + q : r;
}

/** Modular inverse by the extended Euclidean algorithm (public values only: variable-time). */
export function invert(a: bigint, q: bigint): bigint {
  let [r0, r1] = [mod(a, q), q];
  if (r0 === 0n) throw new CryptoError('BAD_ARGUMENT', 'invert: zero has no inverse');
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const t = r0 / r1;
    [r0, r1] = [r1, r0 - t * r1];
    [s0, s1] = [s1, s0 - t * s1];
  }
  if (r0 !== 1n) throw new CryptoError('BAD_ARGUMENT', 'invert: not invertible');
  return mod(s0, q);
}

/** Uniform integer in [1, q) from a CSPRNG by rejection sampling (no modulo bias). */
export function randomScalarBelow(q: bigint, randomBytes: (n: number) => Uint8Array): bigint {
  const bits = q.toString(2).length;
  const len = Math.ceil(bits / 8);
  const excess = BigInt(len * 8 - bits);
  for (;;) {
    const k = bytesToNumberBE(randomBytes(len)) >> excess;
    if (k > 0n && k < q) return k;
  }
}

/**
 * Blinded multiplication for long-lived secrets, shared by the suites: with fresh random r,
 * k·P = (k·r⁻¹)·(r·P). Each multiplication sees a uniformly random scalar (r, and k·r⁻¹), so even
 * a variable-time multiplication would reveal nothing about k; noble documents its non-base
 * multiplication paths as not guaranteed constant-time, hence this defence in depth.
 */
export function blindedMultiply<E>(g: Group<E>, p: E, k: bigint): E {
  const q = g.order;
  const kk = mod(k, q);
  if (kk === 0n) return g.identity;
  const r = g.randomScalar();
  return g.multiplySecret(g.multiplySecret(p, r), mod(kk * invert(r, q), q));
}

/** Asserts an element's suite when values cross an API boundary in serialised form. */
export function assertSuite(expected: SuiteId, got: string, what: string): void {
  if (expected !== got) {
    throw new CryptoError('WRONG_SUITE', `${what}: suite ${got} where ${expected} was expected`);
  }
}
