/**
 * GOST R 34.10-2012 signatures: the RFC 7091 Appendix A.1 example (256-bit test curve), with
 * tampered variants, and the hash-code-to-e conversion of RFC 7091 §6.1 step 2.
 */

import { describe, expect, it } from 'vitest';
import { numberToBytesBE, numberToBytesLE, utf8 } from '../src/bytes.ts';
import { CryptoError } from '../src/errors.ts';
import {
  gost3410Curve,
  gost3410DigestToE,
  gost3410PublicKey,
  signGost3410,
  signGost3410E,
  verifyGost3410,
  verifyGost3410E,
} from '../src/gost/gost3410.ts';
import { gost256bCurve } from '../src/groups/gost256b.ts';
import { streebog256 } from '../src/hash/streebog.ts';

// RFC 7091 Appendix A.1: the test curve (id-GostR3410-2001-TestParamSet), m = q.
const q = 0x8000000000000000000000000000000150fe8a1892976154c59cfc193accf5b3n;
const testCurve = gost3410Curve({
  p: 0x8000000000000000000000000000000000000000000000000000000000000431n,
  a: 7n,
  b: 0x5fbff498aa938ce739b8e022fbafef40563f6e6a3472fc2a514c0ce9dae23b7en,
  m: q,
  q,
  xP: 2n,
  yP: 0x08e2a8a0e65147d4bd6316030e16d19c85c97f0a9ca267122b96abbcea7e8fc8n,
});
const d = 0x7a929ade789bb9be10ed359dd39a72c11b60961f49397eee1d19ce9891ec3b28n;
const xQ = 0x7f2b49e270db6d90d8595bec458b50c58585ba1d4e9b788f6689dbd8e56fd80bn;
const yQ = 0x26f1b489d6701dd185c8413a977b3cbbaf64d1c593d26627dffb101a87ff77dan;
const e = 0x2dfbc1b372d89a1188c09c52e0eec61fce52032ab1022e8e67ece6672b043ee5n;
const k = 0x77105c9b20bcd3122823c8cf6fcc7b956de33814e95b7fe64fed924594dceab3n;
const r = 0x41aa28d2f1ab148280cd9ed56feda41974053554a42767b83ad043fd39dc0493n;
const s = 0x01456c64ba4642a1653c235a98a60249bcd6d3f746b631df928014f6c5bf9c40n;

describe('RFC 7091 Appendix A.1: 256-bit example', () => {
  const Q = gost3410PublicKey(testCurve, d);

  it('the test curve: P on the curve, q·P = O', () => {
    expect(() => {
      testCurve.Point.BASE.assertValidity();
    }).not.toThrow();
    expect(
      testCurve.Point.BASE.multiplyUnsafe(q - 1n)
        .add(testCurve.Point.BASE)
        .is0(),
    ).toBe(true);
  });

  it('verification key Q = d·P', () => {
    expect(Q.toAffine()).toEqual({ x: xQ, y: yQ });
  });

  it('signature (r, s) for e and the given k', () => {
    expect(signGost3410E(testCurve, d, e, k)).toEqual({ r, s });
  });

  it('verifies', () => {
    expect(verifyGost3410E(testCurve, Q, e, { r, s })).toBe(true);
  });

  it('a signature with random k verifies', () => {
    const sig = signGost3410E(testCurve, d, e);
    expect(verifyGost3410E(testCurve, Q, e, sig)).toBe(true);
  });

  it('fails on a tampered r, s, e or verification key', () => {
    expect(verifyGost3410E(testCurve, Q, e, { r: r ^ 1n, s })).toBe(false);
    expect(verifyGost3410E(testCurve, Q, e, { r, s: s ^ 1n })).toBe(false);
    expect(verifyGost3410E(testCurve, Q, e ^ 1n, { r, s })).toBe(false);
    expect(verifyGost3410E(testCurve, Q.double(), e, { r, s })).toBe(false);
    expect(verifyGost3410E(testCurve, gost3410PublicKey(testCurve, d + 1n), e, { r, s })).toBe(false);
  });

  it('step 1: rejects r or s outside (0, q), including r + q and s + q', () => {
    for (const sig of [
      { r: 0n, s },
      { r, s: 0n },
      { r: q, s },
      { r, s: q },
      { r: r + q, s },
      { r, s: s + q },
      { r: -r, s },
    ]) {
      expect(verifyGost3410E(testCurve, Q, e, sig)).toBe(false);
    }
  });

  it('rejects the point at infinity and off-curve points as verification key', () => {
    expect(verifyGost3410E(testCurve, testCurve.Point.ZERO, e, { r, s })).toBe(false);
    const offCurve = testCurve.Point.fromAffine({ x: xQ, y: yQ + 1n });
    expect(verifyGost3410E(testCurve, offCurve, e, { r, s })).toBe(false);
  });

  it('refuses out-of-range keys and a fixed k outside (0, q)', () => {
    const bad = (f: () => unknown): void => {
      expect(f).toThrow(CryptoError);
    };
    bad(() => gost3410PublicKey(testCurve, 0n));
    bad(() => gost3410PublicKey(testCurve, q));
    bad(() => signGost3410E(testCurve, 0n, e, k));
    bad(() => signGost3410E(testCurve, d, e, 0n));
    bad(() => signGost3410E(testCurve, d, e, q));
    bad(() => signGost3410E(testCurve, d, 0n, k));
  });
});

describe('RFC 7091 §6.1 step 2: e from the hash code', () => {
  it('α is the hash code read little-endian (the vector h̄ as the standard writes it)', () => {
    // The example's α is printed as a number; the hash code byte string is its little-endian form.
    const hashCode = numberToBytesLE(e, 32);
    expect(gost3410DigestToE(hashCode, q)).toBe(e);
    expect(signGost3410(testCurve, d, hashCode, k)).toEqual({ r, s });
    expect(verifyGost3410(testCurve, gost3410PublicKey(testCurve, d), hashCode, { r, s })).toBe(true);
    // Read big-endian it would be another e, and the signature would not verify.
    expect(verifyGost3410(testCurve, gost3410PublicKey(testCurve, d), numberToBytesBE(e, 32), { r, s })).toBe(
      false,
    );
  });

  it('e = α mod q, and e = 1 when α ≡ 0', () => {
    expect(gost3410DigestToE(numberToBytesLE(q + 5n, 32), q)).toBe(5n);
    expect(gost3410DigestToE(numberToBytesLE(q, 32), q)).toBe(1n);
    expect(gost3410DigestToE(new Uint8Array(32), q)).toBe(1n);
  });
});

describe('GOST R 34.10-2012 with Streebog-256 on id-tc26-gost-3410-2012-256-paramSetB', () => {
  it('sign / verify round trip; a different message fails', () => {
    const key = 0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdefn;
    const Q = gost3410PublicKey(gost256bCurve, key);
    const h = streebog256(utf8('ballot box closed at 20:00'));
    const sig = signGost3410(gost256bCurve, key, h);
    expect(verifyGost3410(gost256bCurve, Q, h, sig)).toBe(true);
    expect(verifyGost3410(gost256bCurve, Q, streebog256(utf8('ballot box closed at 21:00')), sig)).toBe(
      false,
    );
  });
});
