/**
 * The gost256b suite: curve constants of id-tc26-gost-3410-2012-256-paramSetB
 * (= id-GostR3410-2001-CryptoPro-A-ParamSet, RFC 4357), known scalar multiples from RFC 8133,
 * the element and scalar codecs with the encodings they must reject, and the Group operations.
 */

import { describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes, hexToBytes, numberToBytesBE, u32be, utf8 } from '../src/bytes.ts';
import { CryptoError } from '../src/errors.ts';
import type { CryptoErrorCode } from '../src/errors.ts';
import { reduceWide } from '../src/group.ts';
import { GOST256B_PARAMS, gost256b, gost256bCurve } from '../src/groups/gost256b.ts';
import type { Gost256bElement } from '../src/groups/gost256b.ts';
import { streebog512 } from '../src/hash/streebog.ts';
import { modPow, isProbablePrime } from './primes.ts';

const { p, a, b, q, m, xP, yP } = GOST256B_PARAMS;
const g = gost256b;
const Point = gost256bCurve.Point;

const rhs = (x: bigint): bigint => (((x * x + a) % p) * x + b) % p;
const isSquare = (v: bigint): boolean => v === 0n || modPow(v, (p - 1n) / 2n, p) === 1n;

function expectCode(f: () => unknown, code: CryptoErrorCode): void {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(CryptoError);
    expect((err as CryptoError).code).toBe(code);
    return;
  }
  expect.fail(`expected CryptoError ${code}`);
}

describe('id-tc26-gost-3410-2012-256-paramSetB constants', () => {
  it('p = 2^256 − 617, a = p − 3, b = 166, as printed in RFC 4357', () => {
    expect(p).toBe(0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd97n);
    expect(p).toBe(2n ** 256n - 617n);
    expect(a).toBe(0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd94n);
    expect(b).toBe(0xa6n);
    expect(q).toBe(0xffffffffffffffffffffffffffffffff6c611070995ad10045841b09b761b893n);
    expect(m).toBe(q);
    expect(xP).toBe(1n);
  });

  it('p and q are (probable) primes; p ≡ 3 (mod 4) so square roots are one exponentiation', () => {
    expect(isProbablePrime(p)).toBe(true);
    expect(isProbablePrime(q)).toBe(true);
    expect(p % 4n).toBe(3n);
  });

  it('the generator P = (1, y_P) is on the curve', () => {
    expect((yP * yP) % p).toBe(rhs(xP));
    expect(() => {
      Point.BASE.assertValidity();
    }).not.toThrow();
  });

  it('q·P = O (and (q−1)·P = −P), so P has order q', () => {
    expect(Point.BASE.multiplyUnsafe(q - 1n).equals(Point.BASE.negate())).toBe(true);
    expect(
      Point.BASE.multiplyUnsafe(q - 1n)
        .add(Point.BASE)
        .is0(),
    ).toBe(true);
  });

  it('#E = q is within the Hasse bound |p + 1 − #E| ≤ 2√p, so the cofactor is 1', () => {
    const t = p + 1n - q;
    expect(t * t <= 4n * p).toBe(true);
    expect(q).not.toBe(p); // not anomalous
  });

  it('the Group reports the right sizes and identifiers', () => {
    expect(g.suite).toBe('gost256b');
    expect(g.backend).toBe('noble');
    expect(g.order).toBe(q);
    expect(g.elementLength).toBe(33);
    expect(g.scalarLength).toBe(32);
  });
});

describe('RFC 8133 (SESPAKE) test examples: scalar multiples on id-GostR3410-2001-CryptoPro-A-ParamSet', () => {
  // Values as reproduced in PyGOST's test_gost3410.py (Test34102012SESPAKE.test_curve1).
  const affine = (e: Gost256bElement): { x: bigint; y: bigint } => e.toAffine();

  it('k·P for two fixed k', () => {
    expect(
      affine(g.multiplyBase(0x1f2538097d5a031fa68bbb43c84d12b3de47b7061c0d5e24993e0c873cdba6b3n)),
    ).toEqual({
      x: 0xbbc77cf42dc1e62d06227935379b4aa4d14fea4f565ddf4cb4fa4d31579f9676n,
      y: 0x8e16604a4afdf28246684d4996274781f6cb80abbba1414c1513ec988509dabfn,
    });
    expect(
      affine(g.multiplyBase(0xdc497d9ef6324912fd367840ee509a2032aedb1c0a890d133b45f596fccbd45dn)),
    ).toEqual({
      x: 0x6097341c1be388e83e7ca2df47fab86e2271fd942e5b7b2eb2409e49f742bc29n,
      y: 0xc81aa48bdb4ca6fa0ef18b9788ae25fe30857aa681b3942217f9fed151bab7d0n,
    });
  });

  it('k·Q_PW for the example point Q_PW (k given as little-endian bytes)', () => {
    const qpw = Point.fromAffine({
      x: 0xa69d51caf1a309fa9e9b66187759b0174c274e080356f23cfcbfe84d396ad7bbn,
      y: 0x5d26f29ecc2e9ac0404dcf7986fa55fe94986362170f54b9616426a659786dacn,
    });
    const k = BigInt(
      '0x' +
        bytesToHex(hexToBytes('bd04673f7149b18e98155bd1e2724e71d0099aa25174f792d3326c6f18127067').reverse()),
    );
    const expected = {
      x: 0x59495655d1e7c7424c622485f575ccf121f3122d274101e8ab734cc9c9a9b45en,
      y: 0x48d1c311d33c9b701f3b03618562a4a07a044e3af31e3999e67b487778b53c62n,
    };
    expect(affine(g.multiply(qpw, k))).toEqual(expected);
    expect(affine(g.multiplySecret(qpw, k))).toEqual(expected);
    expect(affine(g.multiplyBlinded(qpw, k))).toEqual(expected);
  });
});

describe('gost256b element encoding (SEC 1 compressed, 33 bytes)', () => {
  it('the generator encodes as 02 ‖ 00…01 (y_P is even)', () => {
    expect(bytesToHex(g.encodeElement(g.generator))).toBe('02' + '00'.repeat(31) + '01');
    expect(g.equals(g.decodeElement(g.encodeElement(g.generator)), g.generator)).toBe(true);
  });

  it('round trips random elements, both parities', () => {
    const prefixes = new Set<number>();
    for (let i = 0; i < 32; i++) {
      const e = g.multiplyBase(g.randomScalar());
      const enc = g.encodeElement(e);
      expect(enc.length).toBe(33);
      prefixes.add(enc[0] ?? -1);
      const dec = g.decodeElement(enc);
      expect(g.equals(dec, e)).toBe(true);
      expect(g.encodeElement(dec)).toEqual(enc);
    }
    expect([...prefixes].sort()).toEqual([2, 3]);
  });

  it('the identity is 33 zero bytes, decodable only with allowIdentity', () => {
    expect(g.encodeElement(g.identity)).toEqual(new Uint8Array(33));
    expect(g.isIdentity(g.decodeElement(new Uint8Array(33), { allowIdentity: true }))).toBe(true);
    expectCode(() => g.decodeElement(new Uint8Array(33)), 'IDENTITY_ELEMENT');
    expectCode(() => g.decodeElement(new Uint8Array(33), { allowIdentity: false }), 'IDENTITY_ELEMENT');
  });

  // An x that is not the abscissa of any point: x³ + ax + b is a non-residue mod p.
  let offCurveX = 2n;
  while (isSquare(rhs(offCurveX))) offCurveX++;
  const gx = numberToBytesBE(1n, 32);
  const at = (prefix: number, x: bigint): Uint8Array =>
    concatBytes(Uint8Array.of(prefix), numberToBytesBE(x, 32));

  const rejected: [string, Uint8Array, CryptoErrorCode][] = [
    ['empty', new Uint8Array(0), 'BAD_LENGTH'],
    ['32 bytes (x alone)', gx, 'BAD_LENGTH'],
    ['34 bytes', concatBytes(Uint8Array.of(2), gx, Uint8Array.of(0)), 'BAD_LENGTH'],
    ['SEC 1 uncompressed generator (65 bytes)', Point.BASE.toBytes(false), 'BAD_LENGTH'],
    ['SEC 1 infinity (one zero byte)', Uint8Array.of(0), 'BAD_LENGTH'],
    ['prefix 0x00 with the generator x', concatBytes(Uint8Array.of(0), gx), 'NON_CANONICAL_ELEMENT'],
    ['prefix 0x01', concatBytes(Uint8Array.of(1), gx), 'NON_CANONICAL_ELEMENT'],
    ['prefix 0x04', concatBytes(Uint8Array.of(4), gx), 'NON_CANONICAL_ELEMENT'],
    ['prefix 0x06 (hybrid)', concatBytes(Uint8Array.of(6), gx), 'NON_CANONICAL_ELEMENT'],
    ['prefix 0xff', concatBytes(Uint8Array.of(0xff), gx), 'NON_CANONICAL_ELEMENT'],
    ['x = p', at(2, p), 'NON_CANONICAL_ELEMENT'],
    ['x = p + 1 (would alias the generator if reduced)', at(2, p + 1n), 'NON_CANONICAL_ELEMENT'],
    ['x = p + 1 with prefix 03', at(3, p + 1n), 'NON_CANONICAL_ELEMENT'],
    ['x = 2^256 − 1', at(2, 2n ** 256n - 1n), 'NON_CANONICAL_ELEMENT'],
    ['x not on the curve (02)', at(2, offCurveX), 'NON_CANONICAL_ELEMENT'],
    ['x not on the curve (03)', at(3, offCurveX), 'NON_CANONICAL_ELEMENT'],
    ['33 zero bytes (identity, not allowed)', new Uint8Array(33), 'IDENTITY_ELEMENT'],
  ];
  it.each(rejected)('rejects %s', (_name, bytes, code) => {
    expectCode(() => g.decodeElement(bytes), code);
  });

  it('rejects the same non-identity strings even with allowIdentity', () => {
    for (const [, bytes, code] of rejected) {
      if (code === 'IDENTITY_ELEMENT') continue;
      expectCode(() => g.decodeElement(bytes, { allowIdentity: true }), code);
    }
  });

  it('02‖x and 03‖x decode to opposite points', () => {
    const e = g.multiplyBase(123456789n);
    const enc = g.encodeElement(e);
    const flipped = Uint8Array.from(enc);
    flipped[0] = (enc[0] ?? 0) ^ 1;
    expect(g.equals(g.decodeElement(flipped), g.negate(e))).toBe(true);
  });
});

describe('gost256b scalar encoding (32 bytes big-endian, < q)', () => {
  it('round trips and is big-endian', () => {
    expect(bytesToHex(g.encodeScalar(1n))).toBe('00'.repeat(31) + '01');
    expect(g.encodeScalar(0n)).toEqual(new Uint8Array(32));
    for (const k of [0n, 1n, q - 1n, g.randomScalar()]) expect(g.decodeScalar(g.encodeScalar(k))).toBe(k);
  });

  it('rejects wrong lengths and unreduced values', () => {
    expectCode(() => g.decodeScalar(new Uint8Array(31)), 'BAD_LENGTH');
    expectCode(() => g.decodeScalar(new Uint8Array(33)), 'BAD_LENGTH');
    expectCode(() => g.decodeScalar(numberToBytesBE(q, 32)), 'NON_CANONICAL_SCALAR');
    expectCode(() => g.decodeScalar(numberToBytesBE(q + 1n, 32)), 'NON_CANONICAL_SCALAR');
    expectCode(() => g.decodeScalar(new Uint8Array(32).fill(0xff)), 'NON_CANONICAL_SCALAR');
  });

  it('randomScalar is in [1, q)', () => {
    for (let i = 0; i < 64; i++) {
      const k = g.randomScalar();
      expect(k > 0n && k < q).toBe(true);
    }
  });
});

describe('gost256b hashToScalar', () => {
  const msg = utf8('ballot 42');

  it('is Streebog-512(len(dst) ‖ dst ‖ msg) reduced mod q', () => {
    const dst = 'opendeg/test';
    const expected = reduceWide(q, streebog512(concatBytes(u32be(dst.length), utf8(dst), msg)));
    expect(g.hashToScalar(dst, msg)).toBe(expected);
    expect(expected < q).toBe(true);
  });

  it('is deterministic', () => {
    expect(g.hashToScalar('opendeg/a', msg)).toBe(g.hashToScalar('opendeg/a', Uint8Array.from(msg)));
  });

  it('is domain-separated, including across the dst/msg boundary', () => {
    expect(g.hashToScalar('opendeg/a', msg)).not.toBe(g.hashToScalar('opendeg/b', msg));
    expect(g.hashToScalar('opendeg/a', msg)).not.toBe(g.hashToScalar('opendeg/a', utf8('ballot 43')));
    expect(g.hashToScalar('ab', utf8('c'))).not.toBe(g.hashToScalar('a', utf8('bc')));
    expect(g.hashToScalar('', new Uint8Array())).not.toBe(g.hashToScalar('', new Uint8Array(1)));
  });
});

describe('gost256b group operations', () => {
  const P1 = g.multiplyBase(0xc0ffeen);
  const P2 = g.multiplyBase(g.randomScalar());

  it('multiplyBase(0) and multiplyBase(q) are the identity; multiplyBase(1) is the generator', () => {
    expect(g.isIdentity(g.multiplyBase(0n))).toBe(true);
    expect(g.isIdentity(g.multiplyBase(q))).toBe(true);
    expect(g.equals(g.multiplyBase(1n), g.generator)).toBe(true);
    expect(g.equals(g.multiplyBase(-1n), g.negate(g.generator))).toBe(true);
  });

  it('multiply with 0, q or the identity gives the identity', () => {
    expect(g.isIdentity(g.multiply(P1, 0n))).toBe(true);
    expect(g.isIdentity(g.multiply(P1, q))).toBe(true);
    expect(g.isIdentity(g.multiply(g.identity, 5n))).toBe(true);
    for (const mul of [
      (pt: Gost256bElement, k: bigint) => g.multiplySecret(pt, k),
      (pt: Gost256bElement, k: bigint) => g.multiplyBlinded(pt, k),
    ]) {
      expect(g.isIdentity(mul(P1, 0n))).toBe(true);
      expect(g.isIdentity(mul(P1, q))).toBe(true);
      expect(g.isIdentity(mul(g.identity, 5n))).toBe(true);
    }
  });

  it('multiplyBase(k) = multiply(generator, k) = multiplySecret(generator, k)', () => {
    for (let i = 0; i < 8; i++) {
      const k = g.randomScalar();
      const expected = g.multiply(g.generator, k);
      expect(g.equals(g.multiplyBase(k), expected)).toBe(true);
      expect(g.equals(g.multiplySecret(g.generator, k), expected)).toBe(true);
    }
  });

  it('multiplySecret(P, k) = multiplyBlinded(P, k) = multiply(P, k)', () => {
    for (const k of [1n, 2n, q - 1n, q + 7n, -3n, g.randomScalar(), g.randomScalar()]) {
      const expected = g.multiply(P2, k);
      expect(g.equals(g.multiplySecret(P2, k), expected)).toBe(true);
      expect(g.equals(g.multiplyBlinded(P2, k), expected)).toBe(true);
    }
  });

  it('prepare returns an equal element whose products are unchanged', () => {
    const fresh = g.decodeElement(g.encodeElement(P2));
    const prepared = g.prepare(fresh);
    expect(g.equals(prepared, P2)).toBe(true);
    expect(g.prepare(prepared)).toBe(prepared);
    const k = g.randomScalar();
    expect(g.equals(g.multiplySecret(prepared, k), g.multiply(P2, k))).toBe(true);
    expect(g.equals(g.multiply(prepared, k), g.multiply(P2, k))).toBe(true);
    // An element equal to the generator comes back as the generator (with its table).
    expect(g.prepare(g.decodeElement(g.encodeElement(g.generator)))).toBe(g.generator);
    expect(g.isIdentity(g.prepare(g.identity))).toBe(true);
  });

  it('multiplyMany = Σ multiply, for every size path, with zero scalars and identity points', () => {
    for (const n of [0, 1, 2, 4, 5, 9, 33]) {
      const points = Array.from({ length: n }, (_, i) =>
        i === 2 ? g.identity : g.multiplyBase(g.randomScalar()),
      );
      const scalars = Array.from({ length: n }, (_, i) =>
        i === 1 ? 0n : i === 3 ? q + 3n : g.randomScalar(),
      );
      let expected = g.identity;
      points.forEach((pt, i) => {
        expected = g.add(expected, g.multiply(pt, scalars[i] ?? 0n));
      });
      expect(g.equals(g.multiplyMany(points, scalars), expected)).toBe(true);
    }
    expectCode(() => g.multiplyMany([P1], []), 'BAD_ARGUMENT');
  });

  it('add, subtract, negate and equals agree', () => {
    expect(g.equals(g.subtract(g.add(P1, P2), P2), P1)).toBe(true);
    expect(g.isIdentity(g.add(P1, g.negate(P1)))).toBe(true);
    expect(g.isIdentity(g.subtract(P1, P1))).toBe(true);
    expect(g.equals(g.add(P1, g.identity), P1)).toBe(true);
    expect(g.equals(g.add(P1, P1), g.multiply(P1, 2n))).toBe(true);
    expect(g.equals(P1, P2)).toBe(false);
    expect(g.isIdentity(P1)).toBe(false);
  });

  it('(a·b)·P = a·(b·P) and (a + b)·P = a·P + b·P', () => {
    const x = g.randomScalar();
    const y = g.randomScalar();
    expect(g.equals(g.multiply(P1, (x * y) % q), g.multiply(g.multiply(P1, y), x))).toBe(true);
    expect(g.equals(g.multiplyBase((x + y) % q), g.add(g.multiplyBase(x), g.multiplyBase(y)))).toBe(true);
  });
});
