/**
 * ristretto255 (RFC 9496) on libsodium (WebAssembly) — the server's fast backend.
 *
 * Same suite, same bytes as `ristretto255.ts`; elements are held in their canonical 32-byte
 * encoding because that is libsodium's native representation. libsodium refuses to return the
 * identity from a scalar multiplication, so k = 0 and the identity are handled here, explicitly.
 * Load with `loadSodiumRistretto255()` (libsodium must finish instantiating first).
 */

import sodiumModule from 'libsodium-wrappers-sumo';
import { equalBytes } from '../bytes.ts';
import { CryptoError } from '../errors.ts';
import { blindedMultiply, mod } from '../group.ts';
import type { DecodeOptions, Group } from '../group.ts';
import {
  RISTRETTO255_ORDER,
  decodeRistrettoScalar,
  encodeRistrettoScalar,
  randomRistrettoScalar,
  ristrettoHashToScalar,
} from './ristretto255.ts';

/** An encoded ristretto255 element (always canonical: it came from libsodium or was validated). */
export type SodiumRistrettoElement = Uint8Array;

const IDENTITY = new Uint8Array(32);
const isZero = (e: Uint8Array): boolean => equalBytes(e, IDENTITY);

let cached: Promise<Group<SodiumRistrettoElement>> | undefined;

export function loadSodiumRistretto255(): Promise<Group<SodiumRistrettoElement>> {
  cached ??= sodiumModule.ready.then(() => makeGroup(sodiumModule));
  return cached;
}

function makeGroup(sodium: typeof sodiumModule): Group<SodiumRistrettoElement> {
  const scalarMul = (p: Uint8Array, k: bigint): Uint8Array => {
    const kk = mod(k, RISTRETTO255_ORDER);
    if (kk === 0n || isZero(p)) return IDENTITY;
    return sodium.crypto_scalarmult_ristretto255(encodeRistrettoScalar(kk), p);
  };
  const group: Group<SodiumRistrettoElement> = {
    suite: 'ristretto255',
    backend: 'libsodium',
    order: RISTRETTO255_ORDER,
    elementLength: 32,
    scalarLength: 32,
    generator: sodium.crypto_scalarmult_ristretto255_base(encodeRistrettoScalar(1n)),
    identity: IDENTITY,

    add: (a, b) => sodium.crypto_core_ristretto255_add(a, b),
    subtract: (a, b) => sodium.crypto_core_ristretto255_sub(a, b),
    negate: (a) => sodium.crypto_core_ristretto255_sub(IDENTITY, a),
    multiplyBase(k) {
      const kk = mod(k, RISTRETTO255_ORDER);
      return kk === 0n ? IDENTITY : sodium.crypto_scalarmult_ristretto255_base(encodeRistrettoScalar(kk));
    },
    multiply: scalarMul,
    // crypto_scalarmult_ristretto255 is constant-time.
    multiplySecret: scalarMul,
    multiplyBlinded(p, k) {
      return blindedMultiply(group, p, k);
    },
    prepare: (p) => p,
    multiplyMany(points, scalars) {
      if (points.length !== scalars.length)
        throw new CryptoError('BAD_ARGUMENT', 'multiplyMany: length mismatch');
      let acc: Uint8Array = IDENTITY;
      for (let i = 0; i < points.length; i++) {
        const p = points[i];
        const k = scalars[i];
        if (p === undefined || k === undefined)
          throw new CryptoError('BAD_ARGUMENT', 'multiplyMany: hole in input');
        const t = scalarMul(p, k);
        acc = isZero(acc) ? t : isZero(t) ? acc : sodium.crypto_core_ristretto255_add(acc, t);
      }
      return acc;
    },
    equals: (a, b) => equalBytes(a, b),
    isIdentity: isZero,

    encodeElement: (e) => Uint8Array.from(e),
    decodeElement(bytes: Uint8Array, options?: DecodeOptions) {
      if (bytes.length !== 32)
        throw new CryptoError('BAD_LENGTH', `element: expected 32 bytes, got ${bytes.length}`);
      if (isZero(bytes)) {
        if (options?.allowIdentity === true) return IDENTITY;
        throw new CryptoError('IDENTITY_ELEMENT', 'element: the identity is not allowed here');
      }
      if (!sodium.crypto_core_ristretto255_is_valid_point(bytes)) {
        throw new CryptoError('NON_CANONICAL_ELEMENT', 'element: not a canonical ristretto255 encoding');
      }
      return Uint8Array.from(bytes);
    },
    encodeScalar: encodeRistrettoScalar,
    decodeScalar: decodeRistrettoScalar,
    randomScalar: randomRistrettoScalar,
    hashToScalar: ristrettoHashToScalar,
  };
  return group;
}
