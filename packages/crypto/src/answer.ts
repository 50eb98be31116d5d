/**
 * An encrypted answer to one question: one ciphertext per option, each with a 0/1 proof, and a
 * proof that the number of marks lies in [min, max] (on the homomorphic sum). This is the shape
 * of Belenios' answers and of the DEG ballot (one question, exactly one mark: min = max = 1).
 *
 * Blank votes, where a question allows them, are an extra first choice b (as in Belenios). The
 * answer is valid iff (b = 1 and no option is marked) or (b = 0 and the count is in [min, max]).
 * With n options and M = n + 1 the overall proof shows Σ choices + M·b ∈ {min, …, max, M}: b = 0
 * gives the count itself (≤ n < M), b = 1 gives M + count, which is allowed only for count = 0.
 *
 * The ballot (questions, credential, signature, tracker) is built on top of this in
 * `@opendeg/election`; this module is the cryptographic core of it.
 */

import type { BatchVerifier } from './batch.ts';
import { CryptoError, check } from './errors.ts';
import { encrypt, sumCiphertexts } from './elgamal.ts';
import type { Ciphertext } from './elgamal.ts';
import { mod } from './group.ts';
import type { Group } from './group.ts';
import { proveMembership, valueRange, verifyMembership } from './proofs/membership.ts';
import type { MembershipProof } from './proofs/membership.ts';

export interface EncryptedAnswer<E> {
  readonly choices: readonly Ciphertext<E>[];
  /** choiceProofs[i] proves choices[i] encrypts 0 or 1. */
  readonly choiceProofs: readonly MembershipProof<E>[];
  /** Proves the sum of the choices encrypts a count in [min, max]. */
  readonly overallProof: MembershipProof<E>;
}

export interface AnswerBounds {
  readonly min: number;
  readonly max: number;
  /** A blank vote is allowed; it is then choice 0, before the options. */
  readonly blank?: boolean;
}

const ZERO_ONE: readonly number[] = [0, 1];

/**
 * The allowed values of the overall statement and the weight of each choice in it (exported for the
 * election package's batched answer check, which must state exactly what `checkAnswer` states).
 */
export function overallStatement(
  options: number,
  bounds: AnswerBounds,
): { values: number[]; weights: bigint[] } {
  check(Number.isInteger(options) && options >= 1, 'options', 'at least one option');
  check(
    Number.isInteger(bounds.min) &&
      Number.isInteger(bounds.max) &&
      0 <= bounds.min &&
      bounds.min <= bounds.max,
    'bounds',
    '0 ≤ min ≤ max',
  );
  check(bounds.max <= options, 'bounds', 'max is at most the number of options');
  const values = valueRange(bounds.min, bounds.max);
  const weights: bigint[] = Array.from({ length: options }, () => 1n);
  if (bounds.blank === true) {
    const m = options + 1;
    values.push(m);
    weights.unshift(BigInt(m));
  }
  return { values, weights };
}

/** Σ wᵢ·cᵢ for public weights. */
export function weightedSum<E>(
  g: Group<E>,
  cts: readonly Ciphertext<E>[],
  weights: readonly bigint[],
): Ciphertext<E> {
  const w = (i: number): bigint => weights[i] ?? 1n;
  if (weights.every((x) => x === 1n)) return sumCiphertexts(g, cts);
  return {
    alpha: g.multiplyMany(
      cts.map((c) => c.alpha),
      cts.map((_, i) => w(i)),
    ),
    beta: g.multiplyMany(
      cts.map((c) => c.beta),
      cts.map((_, i) => w(i)),
    ),
  };
}

/** The secret side of an encryption, kept by the device for a Benaloh challenge. */
export interface AnswerOpening {
  readonly marks: readonly number[];
  readonly randomness: readonly bigint[];
}

/**
 * Encrypts one question's marks: `marks` has one 0/1 entry per option, preceded by the blank
 * mark when `bounds.blank` is set.
 */
export function encryptAnswer<E>(
  g: Group<E>,
  context: Uint8Array,
  publicKey: E,
  marks: readonly number[],
  bounds: AnswerBounds,
): { answer: EncryptedAnswer<E>; opening: AnswerOpening } {
  const blank = bounds.blank === true;
  check(marks.length > (blank ? 1 : 0), 'marks', 'at least one option');
  check(
    marks.every((m) => m === 0 || m === 1),
    'marks',
    'each option is marked 0 or 1',
  );
  const { values, weights } = overallStatement(marks.length - (blank ? 1 : 0), bounds);
  const statement = marks.reduce<number>((acc, m, i) => acc + m * Number(weights[i] ?? 1n), 0);
  if (!values.includes(statement)) {
    const what = blank && marks[0] === 1 ? 'a blank vote with marked options' : `${statement} marked`;
    throw new CryptoError('BAD_ARGUMENT', `marks: ${what}; allowed ${bounds.min}..${bounds.max}`);
  }
  const encs = marks.map((m) => encrypt(g, publicKey, m));
  const choices = encs.map((e) => e.ciphertext);
  const choiceProofs = encs.map((e, i) =>
    proveMembership(g, context, publicKey, e.ciphertext, marks[i] ?? 0, e.randomness, ZERO_ONE),
  );
  const r = encs.reduce((acc, e, i) => mod(acc + (weights[i] ?? 1n) * e.randomness, g.order), 0n);
  const overallProof = proveMembership(
    g,
    context,
    publicKey,
    weightedSum(g, choices, weights),
    statement,
    r,
    values,
  );
  return {
    answer: { choices, choiceProofs, overallProof },
    opening: { marks: [...marks], randomness: encs.map((e) => e.randomness) },
  };
}

/** Which parts of an answer fail: the indices of bad choices (shape or 0/1 proof) and the overall proof. */
export interface AnswerCheck {
  readonly shape: boolean;
  readonly badChoices: readonly number[];
  readonly overall: boolean;
}

/**
 * Checks every part of an answer and says which fail. `options` counts the question's options,
 * without the blank choice. With `batch`, equations are deferred (see `verifyMembership`).
 */
export function checkAnswer<E>(
  g: Group<E>,
  context: Uint8Array,
  publicKey: E,
  answer: EncryptedAnswer<E>,
  options: number,
  bounds: AnswerBounds,
  batch?: BatchVerifier<E>,
): AnswerCheck {
  const { values, weights } = overallStatement(options, bounds);
  const n = weights.length;
  if (answer.choices.length !== n || answer.choiceProofs.length !== n) {
    return { shape: false, badChoices: [], overall: false };
  }
  const badChoices: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = answer.choices[i];
    const p = answer.choiceProofs[i];
    if (
      c === undefined ||
      p === undefined ||
      !verifyMembership(g, context, publicKey, c, p, ZERO_ONE, batch)
    ) {
      badChoices.push(i);
    }
  }
  const overall = verifyMembership(
    g,
    context,
    publicKey,
    weightedSum(g, answer.choices, weights),
    answer.overallProof,
    values,
    batch,
  );
  return { shape: true, badChoices, overall };
}

export function verifyAnswer<E>(
  g: Group<E>,
  context: Uint8Array,
  publicKey: E,
  answer: EncryptedAnswer<E>,
  options: number,
  bounds: AnswerBounds,
  batch?: BatchVerifier<E>,
): boolean {
  const r = checkAnswer(g, context, publicKey, answer, options, bounds, batch);
  return r.shape && r.badChoices.length === 0 && r.overall;
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
