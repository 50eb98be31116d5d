/**
 * ristretto255 (RFC 9496) on @noble/curves — the default suite, used in the browser and as the
 * reference backend on the server.
 *
 * Encodings: elements are the 32-byte RFC 9496 §4.3.2 encoding (decoding per §4.3.1 rejects every
 * non-canonical string); scalars are 32-byte little-endian integers < ℓ, as in RFC 9496 and
 * libsodium. hashToScalar reduces a 64-byte SHA-512 output taken little-endian (RFC 9496 §4.4 style),
 * so the libsodium backend (`ristretto255-sodium.ts`) produces identical bytes.
 */

import { ristretto255 as nobleRistretto } from '@noble/curves/ed25519.js';
import { pippenger } from '@noble/curves/abstract/curve.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToNumberLE, numberToBytesLE } from '../bytes.ts';
import { CryptoError } from '../errors.ts';
import { blindedMultiply, hashToScalarInput, mod, randomScalarBelow } from '../group.ts';
import type { DecodeOptions, Group } from '../group.ts';

const Point = nobleRistretto.Point;
export type RistrettoElement = InstanceType<typeof Point>;

/** ℓ = 2^252 + 27742317777372353535851937790883648493 (RFC 9496 §4). */
export const RISTRETTO255_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;

const prepared = new WeakSet<RistrettoElement>();

const randomBytes = (n: number): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(n));

/** Shared scalar codec of both ristretto255 backends. */
export function decodeRistrettoScalar(bytes: Uint8Array): bigint {
  if (bytes.length !== 32)
    throw new CryptoError('BAD_LENGTH', `scalar: expected 32 bytes, got ${bytes.length}`);
  const k = bytesToNumberLE(bytes);
  if (k >= RISTRETTO255_ORDER) throw new CryptoError('NON_CANONICAL_SCALAR', 'scalar: not reduced modulo ℓ');
  return k;
}

export function encodeRistrettoScalar(k: bigint): Uint8Array {
  return numberToBytesLE(mod(k, RISTRETTO255_ORDER), 32);
}

export function ristrettoHashToScalar(dst: string, msg: Uint8Array): bigint {
  return bytesToNumberLE(sha512(hashToScalarInput(dst, msg))) % RISTRETTO255_ORDER;
}

export function randomRistrettoScalar(): bigint {
  return randomScalarBelow(RISTRETTO255_ORDER, randomBytes);
}

function checkElementLength(bytes: Uint8Array): void {
  if (bytes.length !== 32)
    throw new CryptoError('BAD_LENGTH', `element: expected 32 bytes, got ${bytes.length}`);
}

export const ristretto255: Group<RistrettoElement> = {
  suite: 'ristretto255',
  backend: 'noble',
  order: RISTRETTO255_ORDER,
  elementLength: 32,
  scalarLength: 32,
  generator: Point.BASE,
  identity: Point.ZERO,

  add: (a, b) => a.add(b),
  subtract: (a, b) => a.subtract(b),
  negate: (a) => a.negate(),
  multiplyBase(k) {
    const kk = mod(k, RISTRETTO255_ORDER);
    // noble's BASE multiply uses precomputed tables and is constant-time, but rejects 0.
    return kk === 0n ? Point.ZERO : Point.BASE.multiply(kk);
  },
  multiply: (p, k) => p.multiplyUnsafe(mod(k, RISTRETTO255_ORDER)),
  multiplySecret(p, k) {
    const kk = mod(k, RISTRETTO255_ORDER);
    // Point.multiply is noble's constant-time path; it uses tables built by `prepare`.
    return kk === 0n ? Point.ZERO : p.multiply(kk);
  },
  multiplyBlinded(p, k) {
    return blindedMultiply(ristretto255, p, k);
  },
  prepare(p) {
    // noble keeps tables per point object and rebuilds them on every precompute call: build once.
    if (!prepared.has(p) && !p.equals(Point.BASE)) {
      p.precompute(8, false);
      prepared.add(p);
    }
    return p;
  },
  multiplyMany(points, scalars) {
    if (points.length !== scalars.length)
      throw new CryptoError('BAD_ARGUMENT', 'multiplyMany: length mismatch');
    if (points.length === 0) return Point.ZERO;
    return pippenger(
      Point,
      [...points],
      scalars.map((k) => mod(k, RISTRETTO255_ORDER)),
    );
  },
  equals: (a, b) => a.equals(b),
  isIdentity: (a) => a.equals(Point.ZERO),

  encodeElement: (e) => e.toBytes(),
  decodeElement(bytes: Uint8Array, options?: DecodeOptions) {
    checkElementLength(bytes);
    let p: RistrettoElement;
    try {
      p = Point.fromBytes(bytes);
    } catch (cause) {
      throw new CryptoError('NON_CANONICAL_ELEMENT', 'element: not a canonical ristretto255 encoding', {
        cause,
      });
    }
    if (options?.allowIdentity !== true && p.equals(Point.ZERO)) {
      throw new CryptoError('IDENTITY_ELEMENT', 'element: the identity is not allowed here');
    }
    return p;
  },
  encodeScalar: encodeRistrettoScalar,
  decodeScalar: decodeRistrettoScalar,
  randomScalar: randomRistrettoScalar,
  hashToScalar: ristrettoHashToScalar,
};
