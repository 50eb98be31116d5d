/**
 * An encrypted answer to one question: one ciphertext per option, each with a 0/1 proof, and a
 * proof that the number of marks lies in [min, max] (on the homomorphic sum). This is the shape
 * of Belenios' answers and of the DEG ballot (one question, exactly one mark: min = max = 1).
 *
 * The ballot (questions, credential, signature, tracker) is built on top of this in
 * `@opendeg/election`; this module is the cryptographic core of it.
 */

import { CryptoError, check } from './errors.ts';
import { encrypt, sumCiphertexts } from './elgamal.ts';
import type { Ciphertext } from './elgamal.ts';
import { mod } from './group.ts';
import type { Group } from './group.ts';
import { proveMembership, verifyMembership } from './proofs/membership.ts';
import type { MembershipProof } from './proofs/membership.ts';

export interface EncryptedAnswer<E> {
  readonly choices: readonly Ciphertext<E>[];
  /** choiceProofs[i] proves choices[i] encrypts 0 or 1. */
  readonly choiceProofs: readonly MembershipProof[];
  /** Proves the sum of the choices encrypts a count in [min, max]. */
  readonly overallProof: MembershipProof;
}

export interface AnswerBounds {
  readonly min: number;
  readonly max: number;
}

/** The secret side of an encryption, kept by the device for a Benaloh challenge. */
export interface AnswerOpening {
  readonly marks: readonly number[];
  readonly randomness: readonly bigint[];
}

export function encryptAnswer<E>(
  g: Group<E>,
  context: Uint8Array,
  publicKey: E,
  marks: readonly number[],
  bounds: AnswerBounds,
): { answer: EncryptedAnswer<E>; opening: AnswerOpening } {
  check(marks.length > 0, 'marks', 'at least one option');
  check(
    marks.every((m) => m === 0 || m === 1),
    'marks',
    'each option is marked 0 or 1',
  );
  const count = marks.reduce<number>((a, b) => a + b, 0);
  if (count < bounds.min || count > bounds.max) {
    throw new CryptoError('BAD_ARGUMENT', `marks: ${count} marked, allowed ${bounds.min}..${bounds.max}`);
  }
  const encs = marks.map((m) => encrypt(g, publicKey, m));
  const choices = encs.map((e) => e.ciphertext);
  const choiceProofs = encs.map((e, i) =>
    proveMembership(g, context, publicKey, e.ciphertext, marks[i] ?? 0, e.randomness, 0, 1),
  );
  const r = encs.reduce((acc, e) => mod(acc + e.randomness, g.order), 0n);
  const overallProof = proveMembership(
    g,
    context,
    publicKey,
    sumCiphertexts(g, choices),
    count,
    r,
    bounds.min,
    bounds.max,
  );
  return {
    answer: { choices, choiceProofs, overallProof },
    opening: { marks: [...marks], randomness: encs.map((e) => e.randomness) },
  };
}

export function verifyAnswer<E>(
  g: Group<E>,
  context: Uint8Array,
  publicKey: E,
  answer: EncryptedAnswer<E>,
  options: number,
  bounds: AnswerBounds,
): boolean {
  if (answer.choices.length !== options || answer.choiceProofs.length !== options) return false;
  for (let i = 0; i < options; i++) {
    const c = answer.choices[i];
    const p = answer.choiceProofs[i];
    if (c === undefined || p === undefined || !verifyMembership(g, context, publicKey, c, p, 0, 1))
      return false;
  }
  return verifyMembership(
    g,
    context,
    publicKey,
    sumCiphertexts(g, answer.choices),
    answer.overallProof,
    bounds.min,
    bounds.max,
  );
}

/**
 * Benaloh challenge check: does the answer encrypt exactly these marks with this randomness?
 * Anyone can run it on a challenged (and therefore never counted) ballot.
 */
export function checkAnswerOpening<E>(
  g: Group<E>,
  publicKey: E,
  answer: EncryptedAnswer<E>,
  opening: AnswerOpening,
): boolean {
  if (opening.marks.length !== answer.choices.length || opening.randomness.length !== answer.choices.length) {
    return false;
  }
  return answer.choices.every((c, i) => {
    const m = opening.marks[i];
    const r = opening.randomness[i];
    if (m === undefined || r === undefined || r <= 0n || r >= g.order || (m !== 0 && m !== 1)) return false;
    const { ciphertext } = encrypt(g, publicKey, m, r);
    return g.equals(ciphertext.alpha, c.alpha) && g.equals(ciphertext.beta, c.beta);
  });
}
