// Exponential ElGamal: encrypt, homomorphic add, re-randomise, decrypt to g^m — every suite.
import { describe, expect, test } from 'vitest';
import {
  addCiphertexts,
  decryptToElement,
  encodeCiphertext,
  encrypt,
  generateKeyPair,
  rerandomize,
  sumCiphertexts,
} from '../src/elgamal.ts';
import { bytesToHex } from '../src/bytes.ts';
import { allGroups } from './groups.ts';

describe.each(allGroups)('exponential ElGamal ($name)', ({ group: g }) => {
  const { secretKey: x, publicKey: y } = generateKeyPair(g);
  const gm = (m: number): unknown => g.multiplyBase(BigInt(m));

  test('decrypts to m·g', () => {
    for (const m of [0, 1, 2, 1000]) {
      const { ciphertext } = encrypt(g, y, m);
      expect(g.equals(decryptToElement(g, x, ciphertext), gm(m))).toBe(true);
    }
  });

  test('the encryption key alone cannot decrypt: a wrong key gives another element (P-5.3)', () => {
    const { ciphertext } = encrypt(g, y, 1);
    expect(g.equals(decryptToElement(g, x + 1n, ciphertext), gm(1))).toBe(false);
  });

  test('homomorphic addition: the sum encrypts the sum', () => {
    const cts = [3, 0, 1, 1, 5].map((m) => encrypt(g, y, m).ciphertext);
    expect(g.equals(decryptToElement(g, x, sumCiphertexts(g, cts)), gm(10))).toBe(true);
    const [a, b] = cts;
    if (!a || !b) throw new Error('unreachable');
    expect(g.equals(decryptToElement(g, x, addCiphertexts(g, a, b)), gm(3))).toBe(true);
  });

  test('re-randomisation keeps the plaintext and changes every byte', () => {
    const { ciphertext } = encrypt(g, y, 7);
    const r = rerandomize(g, y, ciphertext);
    expect(bytesToHex(encodeCiphertext(g, r))).not.toBe(bytesToHex(encodeCiphertext(g, ciphertext)));
    expect(g.equals(decryptToElement(g, x, r), gm(7))).toBe(true);
  });

  test('fixed randomness is deterministic; a negative message is refused', () => {
    const a = encrypt(g, y, 1, 12345n).ciphertext;
    const b = encrypt(g, y, 1, 12345n).ciphertext;
    expect(g.equals(a.alpha, b.alpha) && g.equals(a.beta, b.beta)).toBe(true);
    expect(() => encrypt(g, y, -1)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
  });
});
