/**
 * The belenios-2048 suite (Belenios 2.0 specification §5.1, BELENIOS-2048): the constants and their
 * group structure, the element and scalar codecs with the encodings they must reject, hashToScalar,
 * and the Group operations on every exponentiation path (fixed-base tables, sliding windows, the
 * fixed-window path for secrets, Straus's simultaneous exponentiation).
 */

import { describe, expect, it } from 'vitest';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, numberToBytesBE, u32be, utf8 } from '../src/bytes.ts';
import { CryptoError } from '../src/errors.ts';
import type { CryptoErrorCode } from '../src/errors.ts';
import { reduceWide } from '../src/group.ts';
import { BELENIOS_2048_PARAMS, belenios2048, checkBelenios2048Element } from '../src/groups/belenios-2048.ts';
import { modPow, isProbablePrime } from './primes.ts';

const { p, q, g: gen } = BELENIOS_2048_PARAMS;
const g = belenios2048;

/** Plain square-and-multiply: the reference the optimised paths are checked against. */

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

const enc = (x: bigint): Uint8Array => numberToBytesBE(x, 256);

describe('BELENIOS-2048 constants (Belenios 2.0 specification §5.1)', () => {
  it('p has 2048 bits, q has 256 bits, and q divides p − 1', () => {
    expect(p.toString(2)).toHaveLength(2048);
    expect(q.toString(2)).toHaveLength(256);
    expect((p - 1n) % q).toBe(0n);
    // The leading and trailing digits as printed in the specification.
    expect(p.toString().startsWith('20694785691422546')).toBe(true);
    expect(p.toString().endsWith('5680162072880719')).toBe(true);
    expect(gen.toString().startsWith('2402352677501852')).toBe(true);
    expect(q.toString()).toBe(
      '78571733251071885079927659812671450121821421258408794611510081919805623223441',
    );
  });

  it('p and q are (probable) primes', () => {
    expect(isProbablePrime(q)).toBe(true);
    expect(isProbablePrime(p)).toBe(true);
  });

  it('g has order exactly q: g ≠ 1 and g^q = 1 (q prime)', () => {
    expect(gen > 1n && gen < p).toBe(true);
    expect(modPow(gen, q, p)).toBe(1n);
  });

  it('the Group reports the right sizes and identifiers', () => {
    expect(g.suite).toBe('belenios-2048');
    expect(g.backend).toBe('native-bigint');
    expect(g.order).toBe(q);
    expect(g.generator).toBe(gen);
    expect(g.identity).toBe(1n);
    expect(g.elementLength).toBe(256);
    expect(g.scalarLength).toBe(32);
  });
});

describe('belenios-2048 element encoding (256 bytes big-endian, subgroup members)', () => {
  it('round trips the generator and random elements', () => {
    expect(bytesToHex(g.encodeElement(gen))).toBe(gen.toString(16).padStart(512, '0'));
    for (let i = 0; i < 8; i++) {
      const e = g.multiplyBase(g.randomScalar());
      const bytes = g.encodeElement(e);
      expect(bytes).toHaveLength(256);
      expect(g.decodeElement(bytes)).toBe(e);
    }
  });

  it('the identity is 00…01, decodable only with allowIdentity', () => {
    expect(g.encodeElement(g.identity)).toEqual(enc(1n));
    expect(g.decodeElement(enc(1n), { allowIdentity: true })).toBe(1n);
    expectCode(() => g.decodeElement(enc(1n)), 'IDENTITY_ELEMENT');
  });

  // p − 1 has order 2 and 2 is not in the subgroup (the order-q subgroup has no element of order 2,
  // and 2^q ≠ 1 is checked below), so both are elements of F*_p outside the group.
  const rejected: [string, Uint8Array, CryptoErrorCode][] = [
    ['empty', new Uint8Array(0), 'BAD_LENGTH'],
    ['255 bytes', enc(gen).subarray(1), 'BAD_LENGTH'],
    ['257 bytes', concatBytes(Uint8Array.of(0), enc(gen)), 'BAD_LENGTH'],
    ['32 bytes (a scalar)', numberToBytesBE(5n, 32), 'BAD_LENGTH'],
    ['zero', enc(0n), 'NON_CANONICAL_ELEMENT'],
    ['p', enc(p), 'NON_CANONICAL_ELEMENT'],
    ['p + 1 (would alias the identity if reduced)', enc(p + 1n), 'NON_CANONICAL_ELEMENT'],
    ['p + g (would alias the generator if reduced)', enc(p + gen), 'NON_CANONICAL_ELEMENT'],
    ['2^2048 − 1', new Uint8Array(256).fill(0xff), 'NON_CANONICAL_ELEMENT'],
    ['p − 1 (order 2)', enc(p - 1n), 'NON_CANONICAL_ELEMENT'],
    ['2 (outside the subgroup)', enc(2n), 'NON_CANONICAL_ELEMENT'],
    ['−g mod p (outside the subgroup)', enc(p - gen), 'NON_CANONICAL_ELEMENT'],
    ['1 (identity, not allowed)', enc(1n), 'IDENTITY_ELEMENT'],
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

  it('2 is indeed outside the subgroup, so the rejection is the membership test', () => {
    expect(modPow(2n, q, p)).not.toBe(1n);
  });

  it('checkBelenios2048Element applies the same rules to integers from decimal JSON', () => {
    expect(checkBelenios2048Element(gen)).toBe(gen);
    expectCode(() => checkBelenios2048Element(-gen), 'NON_CANONICAL_ELEMENT');
    expectCode(() => checkBelenios2048Element(p + gen), 'NON_CANONICAL_ELEMENT');
    expectCode(() => checkBelenios2048Element(2n), 'NON_CANONICAL_ELEMENT');
    expectCode(() => checkBelenios2048Element(1n), 'IDENTITY_ELEMENT');
    expect(checkBelenios2048Element(1n, { allowIdentity: true })).toBe(1n);
  });
});

describe('belenios-2048 scalar encoding (32 bytes big-endian, < q)', () => {
  it('round trips and is big-endian', () => {
    expect(bytesToHex(g.encodeScalar(1n))).toBe('00'.repeat(31) + '01');
    for (const k of [0n, 1n, q - 1n, g.randomScalar()]) expect(g.decodeScalar(g.encodeScalar(k))).toBe(k);
  });

  it('rejects wrong lengths and unreduced values', () => {
    expectCode(() => g.decodeScalar(new Uint8Array(31)), 'BAD_LENGTH');
    expectCode(() => g.decodeScalar(new Uint8Array(33)), 'BAD_LENGTH');
    expectCode(() => g.decodeScalar(numberToBytesBE(q, 32)), 'NON_CANONICAL_SCALAR');
    expectCode(() => g.decodeScalar(new Uint8Array(32).fill(0xff)), 'NON_CANONICAL_SCALAR');
  });

  it('randomScalar is in [1, q)', () => {
    for (let i = 0; i < 64; i++) {
      const k = g.randomScalar();
      expect(k > 0n && k < q).toBe(true);
    }
  });
});

describe('belenios-2048 hashToScalar', () => {
  it('is SHA-512(len(dst) ‖ dst ‖ msg) read big-endian, reduced mod q', () => {
    const dst = 'opendeg/test';
    const msg = utf8('ballot 42');
    expect(g.hashToScalar(dst, msg)).toBe(
      reduceWide(q, sha512(concatBytes(u32be(dst.length), utf8(dst), msg))),
    );
  });

  it('is domain-separated, including across the dst/msg boundary', () => {
    expect(g.hashToScalar('ab', utf8('c'))).not.toBe(g.hashToScalar('a', utf8('bc')));
    expect(g.hashToScalar('opendeg/a', utf8('m'))).not.toBe(g.hashToScalar('opendeg/b', utf8('m')));
  });
});

describe('belenios-2048 group operations against square-and-multiply', () => {
  const x = g.multiplyBase(0xc0ffeen);
  const y = g.multiplyBase(g.randomScalar());

  it('multiplyBase (fixed-base table) for edge and random exponents', () => {
    for (const k of [0n, 1n, 2n, 255n, 256n, 2n ** 255n, q - 1n, q, q + 1n, g.randomScalar()]) {
      expect(g.multiplyBase(k)).toBe(modPow(gen, k % q, p));
    }
    expect(g.multiplyBase(-1n)).toBe(g.negate(gen));
  });

  it('multiply (sliding window), multiplySecret (fixed window) and multiplyBlinded agree', () => {
    for (const k of [1n, 2n, 31n, 32n, q - 1n, q + 7n, -3n, g.randomScalar(), g.randomScalar()]) {
      const expected = modPow(y, ((k % q) + q) % q, p);
      expect(g.multiply(y, k)).toBe(expected);
      expect(g.multiplySecret(y, k)).toBe(expected);
      expect(g.multiplyBlinded(y, k)).toBe(expected);
    }
    for (const mul of [
      (pt: bigint, k: bigint) => g.multiply(pt, k),
      (pt: bigint, k: bigint) => g.multiplySecret(pt, k),
      (pt: bigint, k: bigint) => g.multiplyBlinded(pt, k),
    ]) {
      expect(mul(y, 0n)).toBe(1n);
      expect(mul(y, q)).toBe(1n);
      expect(mul(1n, 5n)).toBe(1n);
    }
  });

  it('prepare builds a table whose products are unchanged', () => {
    const fresh = g.decodeElement(g.encodeElement(y));
    const prepared = g.prepare(fresh);
    expect(prepared).toBe(y);
    const k = g.randomScalar();
    expect(g.multiply(prepared, k)).toBe(modPow(y, k, p));
    expect(g.multiplySecret(prepared, k)).toBe(modPow(y, k, p));
    expect(g.prepare(gen)).toBe(gen);
    expect(g.prepare(1n)).toBe(1n);
  });

  it('multiplyMany = Π multiply, with zero scalars, identity points, g and prepared points', () => {
    for (const n of [0, 1, 2, 3, 5, 9]) {
      const points = Array.from({ length: n }, (_, i) =>
        i === 2 ? g.identity : i === 3 ? gen : i === 4 ? y : g.multiplyBase(g.randomScalar()),
      );
      const scalars = Array.from({ length: n }, (_, i) =>
        i === 1 ? 0n : i === 3 ? q + 3n : g.randomScalar(),
      );
      let expected = 1n;
      points.forEach((pt, i) => {
        expected = (expected * modPow(pt, (scalars[i] ?? 0n) % q, p)) % p;
      });
      expect(g.multiplyMany(points, scalars)).toBe(expected);
    }
    expectCode(() => g.multiplyMany([x], []), 'BAD_ARGUMENT');
  });

  it('add is multiplication mod p; subtract and negate use the inverse', () => {
    expect(g.add(x, y)).toBe((x * y) % p);
    expect(g.subtract(g.add(x, y), y)).toBe(x);
    expect(g.add(x, g.negate(x))).toBe(1n);
    expect(g.subtract(x, x)).toBe(1n);
    expect(g.add(x, g.identity)).toBe(x);
    expect(g.isIdentity(x)).toBe(false);
    expect(g.equals(x, y)).toBe(false);
  });
});
