// Encrypted answers (per-option 0/1 proofs + sum-in-[min, max] proof) and the Benaloh opening
// check, on every suite. The DEG ballot is one question with exactly one mark (P-6.9).
import { describe, expect, test } from 'vitest';
import { checkAnswerOpening, encryptAnswer, verifyAnswer } from '../src/answer.ts';
import { generateKeyPair } from '../src/elgamal.ts';
import { allGroups } from './groups.ts';

const CTX = new Uint8Array(32).fill(3);

describe.each(allGroups)('encrypted answers ($name)', ({ group: g }) => {
  const y = g.prepare(generateKeyPair(g).publicKey);

  test('P-6.9 one mark among six candidates: encrypts, verifies, opens', () => {
    const bounds = { min: 1, max: 1 };
    const { answer, opening } = encryptAnswer(g, CTX, y, [0, 0, 0, 1, 0, 0], bounds);
    expect(verifyAnswer(g, CTX, y, answer, 6, bounds)).toBe(true);
    expect(checkAnswerOpening(g, y, answer, opening)).toBe(true);
    // The Benaloh check catches a device that encrypted another choice than the one it showed.
    expect(checkAnswerOpening(g, y, answer, { ...opening, marks: [1, 0, 0, 0, 0, 0] })).toBe(false);
    expect(
      checkAnswerOpening(g, y, answer, { ...opening, randomness: opening.randomness.map((r) => r + 1n) }),
    ).toBe(false);
  });

  test('P-6.9 zero or two marks are refused on the device and fail verification if forced', () => {
    const one = { min: 1, max: 1 };
    expect(() => encryptAnswer(g, CTX, y, [0, 0, 0], one)).toThrow(
      expect.objectContaining({ code: 'BAD_ARGUMENT' }),
    );
    expect(() => encryptAnswer(g, CTX, y, [1, 1, 0], one)).toThrow(
      expect.objectContaining({ code: 'BAD_ARGUMENT' }),
    );
    // Made under looser bounds, a two-mark answer does not pass as a one-mark answer.
    const { answer } = encryptAnswer(g, CTX, y, [1, 1, 0], { min: 0, max: 3 });
    expect(verifyAnswer(g, CTX, y, answer, 3, { min: 0, max: 3 })).toBe(true);
    expect(verifyAnswer(g, CTX, y, answer, 3, one)).toBe(false);
  });

  test('choose between min and max; a referendum yes/no', () => {
    const bounds = { min: 2, max: 3 };
    const { answer } = encryptAnswer(g, CTX, y, [1, 0, 1, 1, 0], bounds);
    expect(verifyAnswer(g, CTX, y, answer, 5, bounds)).toBe(true);
    expect(verifyAnswer(g, CTX, y, answer, 4, bounds)).toBe(false);
    const yesNo = encryptAnswer(g, CTX, y, [0, 1], { min: 1, max: 1 });
    expect(verifyAnswer(g, CTX, y, yesNo.answer, 2, { min: 1, max: 1 })).toBe(true);
  });

  test('swapping two options’ ciphertexts or proofs breaks verification', () => {
    const bounds = { min: 1, max: 1 };
    const { answer } = encryptAnswer(g, CTX, y, [1, 0, 0], bounds);
    const [c0, c1, c2] = answer.choices;
    expect(verifyAnswer(g, CTX, y, { ...answer, choices: [c1!, c0!, c2!] }, 3, bounds)).toBe(false);
    const other = encryptAnswer(g, CTX, y, [0, 1, 0], bounds).answer;
    expect(verifyAnswer(g, CTX, y, { ...answer, overallProof: other.overallProof }, 3, bounds)).toBe(false);
    expect(verifyAnswer(g, new Uint8Array(32), y, answer, 3, bounds)).toBe(false);
  });

  describe('blank vote (the blank choice comes first)', () => {
    const bounds = { min: 1, max: 1, blank: true };

    test('P-7.9 a blank vote alone is a valid answer, counted apart (an invalid ballot in the protocol)', () => {
      const { answer, opening } = encryptAnswer(g, CTX, y, [1, 0, 0, 0], bounds);
      expect(answer.choices).toHaveLength(4);
      expect(verifyAnswer(g, CTX, y, answer, 3, bounds)).toBe(true);
      expect(checkAnswerOpening(g, y, answer, opening)).toBe(true);
      const voted = encryptAnswer(g, CTX, y, [0, 0, 1, 0], bounds).answer;
      expect(verifyAnswer(g, CTX, y, voted, 3, bounds)).toBe(true);
    });

    test('blank together with a mark, or neither, is refused and cannot be forced through', () => {
      expect(() => encryptAnswer(g, CTX, y, [1, 1, 0, 0], bounds)).toThrow(
        expect.objectContaining({ code: 'BAD_ARGUMENT' }),
      );
      expect(() => encryptAnswer(g, CTX, y, [0, 0, 0, 0], bounds)).toThrow(
        expect.objectContaining({ code: 'BAD_ARGUMENT' }),
      );
      // Blank plus a mark encrypted under looser rules fails the blank-aware statement.
      const loose = encryptAnswer(g, CTX, y, [1, 1, 0, 0], { min: 0, max: 4 }).answer;
      expect(verifyAnswer(g, CTX, y, loose, 3, bounds)).toBe(false);
      // An answer made without the blank choice is not valid where blank is part of the ballot.
      const noBlank = encryptAnswer(g, CTX, y, [0, 1, 0], { min: 1, max: 1 }).answer;
      expect(verifyAnswer(g, CTX, y, noBlank, 3, bounds)).toBe(false);
    });

    test('with [min, max] = [1, 2] and blank: 1 or 2 marks, or blank alone', () => {
      const b = { min: 1, max: 2, blank: true };
      for (const marks of [
        [0, 1, 1, 0],
        [0, 0, 0, 1],
        [1, 0, 0, 0],
      ]) {
        expect(verifyAnswer(g, CTX, y, encryptAnswer(g, CTX, y, marks, b).answer, 3, b)).toBe(true);
      }
      expect(() => encryptAnswer(g, CTX, y, [0, 1, 1, 1], b)).toThrow(
        expect.objectContaining({ code: 'BAD_ARGUMENT' }),
      );
    });
  });
});
