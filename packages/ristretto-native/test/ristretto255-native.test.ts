// The native ristretto255 backend against the two reference backends (noble, libsodium) on random
// and edge-case inputs: RFC 9496 §4.3 decoding (valid and non-canonical encodings) and encoding,
// addition, subtraction, multiplication and multi-scalar multiplication (empty, 1, 2, 3 and many
// points, zero scalars, the identity, repeated points, scalars at the group order, a bad point in
// the middle of a batch), byte for byte. The RFC 9496 Appendix A vectors and the crypto package's
// shared proof suites run over this backend too (see vitest.config.ts).
import { describe, expect, test } from 'vitest';
import {
  bytesToHex,
  CryptoError,
  loadGroup,
  loadSodiumRistretto255,
  registeredBackends,
  ristretto255 as noble,
  RISTRETTO255_ORDER,
} from '@opendeg/crypto';
import { addon, loadNativeRistretto255, multiplyManyEncoded } from '../src/index.ts';

const native = await loadNativeRistretto255();
const sodium = await loadSodiumRistretto255();
const hex = bytesToHex;
const q = RISTRETTO255_ORDER;
const P = 2n ** 255n - 19n;

const randomBytes = (n: number): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(n));
const randomPoint = (): Uint8Array => sodium.multiplyBase(sodium.randomScalar());
const le32 = (x: bigint): Uint8Array => {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((x >> BigInt(8 * i)) & 0xffn);
  return out;
};
/** Packs encodings into the addon's 192-byte slots (no decoded point: known = 0). */
const slotsOf = (points: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(192 * points.length);
  points.forEach((p, i) => {
    out.set(p, 192 * i);
  });
  return out;
};
const nobleValid = (b: Uint8Array): boolean => {
  try {
    noble.decodeElement(b, { allowIdentity: true });
    return true;
  } catch {
    return false;
  }
};
const nobleSum = (points: readonly Uint8Array[], scalars: readonly bigint[]): string =>
  hex(
    noble.encodeElement(
      noble.multiplyMany(
        points.map((p) => noble.decodeElement(p, { allowIdentity: true })),
        scalars,
      ),
    ),
  );

describe('RFC 9496 §4.3.1 decoding: native agrees with noble', () => {
  test('valid encodings of random points decode; the addon accepts a packed batch of them', () => {
    const points = Array.from({ length: 64 }, randomPoint);
    for (const p of points) expect(hex(native.decodeElement(p))).toBe(hex(p));
    const packed = new Uint8Array(64 * 32);
    points.forEach((p, i) => {
      packed.set(p, 32 * i);
    });
    expect(addon.decode(packed)).toBe(-1);
    expect(addon.decode(new Uint8Array(0))).toBe(-1);
  });

  test('random strings: the same accept/reject decision as noble (mostly rejects)', () => {
    let accepted = 0;
    for (let i = 0; i < 2000; i++) {
      const b = randomBytes(32);
      if (i % 2 === 0) b[31] = (b[31] ?? 0) & 0x7f;
      if (i % 4 === 0) b[0] = (b[0] ?? 0) & 0xfe;
      const ok = addon.decode(b) === -1;
      expect(ok, hex(b)).toBe(nobleValid(b));
      if (ok) accepted++;
    }
    // About 1/8 of the even, in-range strings are valid encodings: both outcomes were exercised.
    expect(accepted).toBeGreaterThan(10);
  });

  test('non-canonical field encodings s + p and negative s are rejected, s itself accepted', () => {
    for (let i = 0; i < 64; i++) {
      const p = randomPoint();
      let s = 0n;
      for (let j = 31; j >= 0; j--) s = (s << 8n) | BigInt(p[j] ?? 0);
      if (s < 19n) {
        const plusP = le32(s + P);
        expect(addon.decode(plusP)).toBe(0);
      }
      expect(addon.decode(le32(P - s))).toBe(0); // −s: odd, so negative
      const high = Uint8Array.from(p);
      high[31] = (high[31] ?? 0) | 0x80;
      expect(addon.decode(high)).toBe(0);
      expect(addon.decode(p)).toBe(-1);
    }
    // s = p, p + 1 (≡ 0, 1), 2^255 − 1: non-canonical.
    for (const s of [P, P + 1n, P + 2n, 2n ** 255n - 1n]) expect(addon.decode(le32(s))).toBe(0);
  });

  test('the group refuses bad lengths, the identity unless allowed, and names bad encodings', () => {
    expect(() => native.decodeElement(new Uint8Array(31))).toThrow(
      expect.objectContaining({ code: 'BAD_LENGTH' }),
    );
    expect(() => native.decodeElement(new Uint8Array(32))).toThrow(
      expect.objectContaining({ code: 'IDENTITY_ELEMENT' }),
    );
    expect(native.isIdentity(native.decodeElement(new Uint8Array(32), { allowIdentity: true }))).toBe(true);
    expect(() => native.decodeElement(le32(1n))).toThrow(
      expect.objectContaining({ code: 'NON_CANONICAL_ELEMENT' }),
    );
    expect(() => addon.decode(new Uint8Array(33))).toThrow(RangeError);
  });
});

describe('group operations: native, libsodium and noble give the same bytes', () => {
  test('add, subtract, negate, multiply (§4.3.2 encoding of every result)', () => {
    for (let i = 0; i < 64; i++) {
      const a = randomPoint();
      const b = i % 8 === 0 ? a : randomPoint();
      const k = i % 16 === 1 ? 0n : i % 16 === 2 ? q - 1n : sodium.randomScalar();
      expect(hex(native.add(a, b))).toBe(hex(sodium.add(a, b)));
      expect(hex(native.subtract(a, b))).toBe(hex(sodium.subtract(a, b)));
      expect(hex(native.negate(a))).toBe(hex(sodium.negate(a)));
      expect(hex(native.multiply(a, k))).toBe(hex(sodium.multiply(a, k)));
      const na = noble.decodeElement(a);
      expect(hex(native.multiply(a, k))).toBe(hex(noble.encodeElement(noble.multiply(na, k))));
    }
  });

  test('the identity: P − P, 0·P, k·identity, identity + P', () => {
    const p = randomPoint();
    expect(native.isIdentity(native.subtract(p, p))).toBe(true);
    expect(native.isIdentity(native.multiply(p, 0n))).toBe(true);
    expect(native.isIdentity(native.multiply(p, q))).toBe(true);
    expect(native.isIdentity(native.multiply(native.identity, 12345n))).toBe(true);
    expect(hex(native.add(native.identity, p))).toBe(hex(p));
    expect(hex(native.multiply(p, q + 1n))).toBe(hex(p));
    expect(hex(native.multiply(p, -1n))).toBe(hex(sodium.negate(p)));
  });

  test('secret operations are libsodium’s and agree; hashToScalar agrees with noble', () => {
    const p = randomPoint();
    const k = sodium.randomScalar();
    expect(hex(native.multiplySecret(p, k))).toBe(hex(sodium.multiply(p, k)));
    expect(hex(native.multiplyBlinded(p, k))).toBe(hex(sodium.multiply(p, k)));
    expect(hex(native.multiplyBase(k))).toBe(hex(sodium.multiplyBase(k)));
    const msg = randomBytes(100);
    expect(native.hashToScalar('dst', msg)).toBe(noble.hashToScalar('dst', msg));
    expect(native.hashToScalar('dst', msg)).not.toBe(noble.hashToScalar('other', msg));
  });

  test('operations refuse a non-canonical operand instead of computing with it', () => {
    const p = randomPoint();
    const bad = le32(1n);
    expect(() => native.add(p, bad)).toThrow(CryptoError);
    expect(() => native.subtract(bad, p)).toThrow(CryptoError);
    expect(() => native.multiply(bad, 3n)).toThrow(CryptoError);
    expect(addon.decodeInto(slotsOf([bad]))).toBe(false);
    expect(addon.decodeInto(slotsOf([p]))).toBe(true);
  });
});

describe('multi-scalar multiplication', () => {
  const check = (points: Uint8Array[], scalars: bigint[]): void => {
    const got = hex(native.multiplyMany(points, scalars));
    expect(got).toBe(nobleSum(points, scalars));
    expect(got).toBe(hex(sodium.multiplyMany(points, scalars)));
  };

  test('n = 0, 1, 2, 3: Straus, agreeing with noble and libsodium', () => {
    expect(native.isIdentity(native.multiplyMany([], []))).toBe(true);
    for (const n of [1, 2, 3]) {
      check(
        Array.from({ length: n }, randomPoint),
        Array.from({ length: n }, () => sodium.randomScalar()),
      );
    }
  });

  test('zero scalars, the identity, repeated points, scalars at the order', () => {
    const p = randomPoint();
    const r = randomPoint();
    check([p, r], [0n, 0n]);
    check([native.identity, p, native.identity], [5n, 7n, q - 1n]);
    check([p, p, p, r], [1n, 2n, q - 3n, 0n]); // 1 + 2 − 3 = 0: only r's 0·r remains
    check([p, r, p], [q - 1n, q - 2n, 1n]);
    check([p, r], [2n ** 252n, 2n ** 252n - 1n]);
    expect(native.isIdentity(native.multiplyMany([p, p], [1n, q - 1n]))).toBe(true);
  });

  test('many points: Pippenger windows for 40, 300 and 3000 points (with repeats and zeros)', () => {
    for (const n of [40, 300, 3000]) {
      const base = Array.from({ length: 16 }, randomPoint);
      const points = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? native.identity : base[i % 16]!));
      const scalars = Array.from({ length: n }, (_, i) =>
        i % 5 === 0 ? 0n : i % 11 === 0 ? q - 1n : sodium.randomScalar(),
      );
      // The reference: the same sum with the scalars of each distinct point added up first.
      const folded = new Map<string, bigint>();
      points.forEach((p, i) => folded.set(hex(p), ((folded.get(hex(p)) ?? 0n) + scalars[i]!) % q));
      const ref = [...folded.entries()];
      const expected = nobleSum(
        ref.map(([h]) => Uint8Array.from(Buffer.from(h, 'hex'))),
        ref.map(([, k]) => k),
      );
      expect(hex(native.multiplyMany(points, scalars)), `n = ${n}`).toBe(expected);
    }
  });

  test('a non-canonical point in the middle of a batch is refused with its index', () => {
    const points = Array.from({ length: 50 }, randomPoint);
    points[23] = le32(P + 1n);
    const scalars = points.map(() => sodium.randomScalar());
    expect(() => multiplyManyEncoded(points, scalars)).toThrow(/point 23/);
    expect(addon.msm(slotsOf(points), new Uint8Array(50), new Uint8Array(50 * 32))).toBe(23);
    expect(() => native.multiplyMany([points[0]!], [])).toThrow(CryptoError);
  });

  test('a point decoded once is reused: results and decoded elements carry their decoded point', () => {
    const a = native.decodeElement(randomPoint());
    const b = native.multiply(a, 5n);
    const c = native.add(a, b); // both known: no decoding in the addon
    expect(hex(c)).toBe(hex(sodium.multiply(a, 6n)));
    expect(hex(native.multiplyMany([c, b, a], [2n, q - 1n, 3n]))).toBe(hex(sodium.multiply(a, 10n)));
    // A fresh copy of the same bytes (not known) gives the same result.
    expect(hex(native.add(Uint8Array.from(a), Uint8Array.from(b)))).toBe(hex(c));
  });

  test('the addon refuses scalars of 2^253 and more, and mismatched lengths', () => {
    const p = slotsOf([randomPoint()]);
    const one = new Uint8Array(1);
    expect(() => addon.msm(p, one, le32(2n ** 253n))).toThrow(RangeError);
    expect(() => addon.msm(p, one, le32(2n ** 255n))).toThrow(RangeError);
    expect(() => addon.msm(p, one, new Uint8Array(64))).toThrow(RangeError);
    expect(() => addon.msm(p.subarray(0, 32), one, new Uint8Array(32))).toThrow(RangeError);
    expect(typeof addon.msm(p, one, le32(2n ** 253n - 1n))).toBe('object');
  });
});

describe('backend registration', () => {
  test('importing the package registers "native"; loadGroup picks it for native and auto', async () => {
    expect(registeredBackends()).toContain('native');
    expect((await loadGroup('ristretto255', 'native')).backend).toBe('native');
    expect((await loadGroup('ristretto255', 'auto')).backend).toBe('native');
    expect((await loadGroup('ristretto255', 'libsodium')).backend).toBe('libsodium');
    expect((await loadGroup('ristretto255', 'noble')).backend).toBe('noble');
  });

  test('suites the addon does not implement are refused by name, and auto falls back', async () => {
    await expect(loadGroup('gost256b', 'native')).rejects.toThrow(/native has no gost256b/);
    expect((await loadGroup('gost256b', 'auto')).backend).toBe('noble');
  });
});
