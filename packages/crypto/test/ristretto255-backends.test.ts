// The libsodium backend of ristretto255 must give byte-identical results to the noble backend
// (RFC 9496 encodings), on random inputs, so the choice of backend never shows in a record.
import { describe, expect, test } from 'vitest';
import { bytesToHex } from '../src/bytes.ts';
import { ristretto255 as noble } from '../src/groups/ristretto255.ts';
import { loadSodiumRistretto255 } from '../src/groups/ristretto255-sodium.ts';
import { loadGroup } from '../src/suites.ts';

const sodium = await loadSodiumRistretto255();
const hex = (b: Uint8Array): string => bytesToHex(b);
const ROUNDS = 64;

describe('ristretto255: noble and libsodium agree', () => {
  test('multiplyBase, multiply, multiplySecret, add, subtract, negate on random inputs', () => {
    for (let i = 0; i < ROUNDS; i++) {
      const a = noble.randomScalar();
      const b = noble.randomScalar();
      const pn = noble.multiplyBase(a);
      const ps = sodium.multiplyBase(a);
      expect(hex(sodium.encodeElement(ps))).toBe(hex(noble.encodeElement(pn)));
      const qn = noble.multiply(pn, b);
      const qs = sodium.multiply(ps, b);
      expect(hex(sodium.encodeElement(qs))).toBe(hex(noble.encodeElement(qn)));
      expect(hex(sodium.encodeElement(sodium.multiplySecret(ps, b)))).toBe(hex(noble.encodeElement(qn)));
      expect(hex(sodium.encodeElement(sodium.add(ps, qs)))).toBe(hex(noble.encodeElement(noble.add(pn, qn))));
      expect(hex(sodium.encodeElement(sodium.subtract(ps, qs)))).toBe(
        hex(noble.encodeElement(noble.subtract(pn, qn))),
      );
      expect(hex(sodium.encodeElement(sodium.negate(ps)))).toBe(hex(noble.encodeElement(noble.negate(pn))));
    }
  });

  test('multiplyMany agrees, including zero scalars and the identity', () => {
    const ks = [noble.randomScalar(), 0n, noble.randomScalar(), 1n];
    const pn = [noble.multiplyBase(3n), noble.multiplyBase(5n), noble.identity, noble.generator];
    const ps = pn.map((p) => sodium.decodeElement(noble.encodeElement(p), { allowIdentity: true }));
    expect(hex(sodium.encodeElement(sodium.multiplyMany(ps, ks)))).toBe(
      hex(noble.encodeElement(noble.multiplyMany(pn, ks))),
    );
  });

  test('identity handling: k = 0, P + (−P), identity inputs', () => {
    const p = sodium.multiplyBase(7n);
    expect(sodium.isIdentity(sodium.multiply(p, 0n))).toBe(true);
    expect(sodium.isIdentity(sodium.multiplyBase(0n))).toBe(true);
    expect(sodium.isIdentity(sodium.add(p, sodium.negate(p)))).toBe(true);
    expect(sodium.isIdentity(sodium.multiply(sodium.identity, 5n))).toBe(true);
    expect(noble.isIdentity(noble.multiply(noble.generator, 0n))).toBe(true);
  });

  test('decoding accepts and rejects exactly the same random strings', () => {
    let accepted = 0;
    for (let i = 0; i < 256; i++) {
      const bytes = globalThis.crypto.getRandomValues(new Uint8Array(32));
      const n = attempt(() => hex(noble.encodeElement(noble.decodeElement(bytes))));
      const s = attempt(() => hex(sodium.encodeElement(sodium.decodeElement(bytes))));
      expect(s).toEqual(n);
      if (n.ok) accepted++;
    }
    // About 1/8 of random strings are valid encodings; both backends must have seen some of each.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(256);
  });

  test('scalar codec and hashToScalar are shared', () => {
    const k = noble.randomScalar();
    expect(hex(sodium.encodeScalar(k))).toBe(hex(noble.encodeScalar(k)));
    const msg = new TextEncoder().encode('ballot');
    expect(sodium.hashToScalar('x', msg)).toBe(noble.hashToScalar('x', msg));
  });

  test('loadGroup chooses the backend at start-up', async () => {
    expect((await loadGroup('ristretto255', 'noble')).backend).toBe('noble');
    expect((await loadGroup('ristretto255', 'libsodium')).backend).toBe('libsodium');
    expect((await loadGroup('ristretto255', 'auto')).backend).toBe('libsodium');
  });
});

function attempt(f: () => string): { ok: true; value: string } | { ok: false; code: unknown } {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    return { ok: false, code: (e as { code?: unknown }).code };
  }
}
