/**
 * `checkAnswer` of `@opendeg/crypto` for the ballot box's hot path (issue 4): the same verdicts on
 * every input, with the membership proofs' Fiat–Shamir transcripts made from a template. A question's
 * proofs all hash the same bytes but for the ciphertext and the commitments (the domain, protocol,
 * suite, election context, key Y, the allowed values and every label are fixed), so those bytes are
 * laid out once per key group and set of values, and each proof only writes its α, β, Aᵢ, Bᵢ into a
 * copy and hashes it. The bytes are exactly `Transcript`'s (transcript.ts: each part is
 * u32be(len(label)) ‖ label ‖ u32be(len(data)) ‖ data), so every challenge is the same scalar; the
 * checks after the hash are `verifyMembership`'s, in the same order, with the same batch equations.
 */

import {
  check,
  concatBytes,
  CONTEXT_LENGTH,
  mod,
  overallStatement,
  TRANSCRIPT_DOMAIN,
  u32be,
  utf8,
  verifyMembership,
  weightedSum,
} from '@opendeg/crypto';
import type {
  AnswerBounds,
  AnswerCheck,
  BatchVerifier,
  Ciphertext,
  EncryptedAnswer,
  Group,
  MembershipProof,
} from '@opendeg/crypto';

const PROTOCOL = 'membership';
const CHALLENGE_DST = `${TRANSCRIPT_DOMAIN}/${PROTOCOL}/challenge`;
const ZERO_ONE: readonly number[] = [0, 1];
const MAX_BRANCHES = 1024;

/** One transcript part: u32be(len(label)) ‖ label ‖ u32be(len(data)) ‖ data. */
function part(label: string, data: Uint8Array): Uint8Array {
  const l = utf8(label);
  return concatBytes(u32be(l.length), l, u32be(data.length), data);
}

/** The membership transcript of one key and one set of values, with holes for α, β and the Aᵢ, Bᵢ. */
interface Template {
  readonly bytes: Uint8Array;
  /** Offsets of α, β, then A₀, B₀, A₁, B₁, … (each `elementLength` bytes). */
  readonly holes: readonly number[];
}

function makeTemplate<E>(
  g: Group<E>,
  context: Uint8Array,
  y: Uint8Array,
  values: readonly number[],
): Template {
  // As the Transcript constructor and `checkValues` of membership.ts refuse them.
  check(
    context.length === CONTEXT_LENGTH,
    'context',
    `election context hash must be ${CONTEXT_LENGTH} bytes`,
  );
  check(values.length >= 1 && values.length <= MAX_BRANCHES, 'values', `1 to ${MAX_BRANCHES} allowed values`);
  values.forEach((v, i) => {
    check(Number.isInteger(v) && v >= 0 && v <= 0xffffffff, 'values', 'each value is a u32 integer');
    check(i === 0 || v > (values[i - 1] ?? 0), 'values', 'strictly increasing');
  });
  const hole = new Uint8Array(g.elementLength);
  const parts: Uint8Array[] = [
    part('domain', utf8(TRANSCRIPT_DOMAIN)),
    part('protocol', utf8(PROTOCOL)),
    part('suite', utf8(g.suite)),
    part('context', context),
    part('Y', y),
  ];
  const holes: number[] = [];
  let at = parts.reduce((n, p) => n + p.length, 0);
  const withHole = (label: string): void => {
    const p = part(label, hole);
    holes.push(at + p.length - hole.length);
    parts.push(p);
    at += p.length;
  };
  withHole('alpha');
  withHole('beta');
  const fixed = [
    part('values', u32be(values.length)),
    ...values.map((v, i) => part(`values[${i}]`, u32be(v))),
  ];
  for (const p of fixed) {
    parts.push(p);
    at += p.length;
  }
  values.forEach((_, i) => {
    withHole(`A[${i}]`);
    withHole(`B[${i}]`);
  });
  return { bytes: concatBytes(...parts), holes };
}

/** The templates of one election's key (by the values' list): made on first use. */
export class AnswerChecker<E> {
  readonly #g: Group<E>;
  readonly #context: Uint8Array;
  readonly #y: E;
  readonly #yBytes: Uint8Array;
  readonly #templates = new Map<string, Template>();

  constructor(g: Group<E>, context: Uint8Array, publicKey: E) {
    this.#g = g;
    this.#context = context;
    this.#y = publicKey;
    this.#yBytes = g.encodeElement(publicKey);
  }

  #template(values: readonly number[]): Template {
    const key = values.join(',');
    let t = this.#templates.get(key);
    if (t === undefined) {
      t = makeTemplate(this.#g, this.#context, this.#yBytes, values);
      this.#templates.set(key, t);
    }
    return t;
  }

  /** The challenge of `challengeFor` in membership.ts: the same bytes hashed. */
  #challenge(t: Template, ct: Ciphertext<E>, proof: MembershipProof<E>): bigint | undefined {
    const g = this.#g;
    const el = g.elementLength;
    const bytes = t.bytes.slice();
    const put = (k: number, e: E): boolean => {
      const enc = g.encodeElement(e);
      const at = t.holes[k];
      if (enc.length !== el || at === undefined) return false;
      bytes.set(enc, at);
      return true;
    };
    if (!put(0, ct.alpha) || !put(1, ct.beta)) return undefined;
    for (let i = 0; i < proof.length; i++) {
      const b = proof[i];
      if (b === undefined || !put(2 + 2 * i, b.commitmentA) || !put(3 + 2 * i, b.commitmentB))
        return undefined;
    }
    return g.hashToScalar(CHALLENGE_DST, bytes);
  }

  /** `verifyMembership(g, context, Y, ct, proof, values, batch)`, the same verdict. */
  verifyMembership(
    ct: Ciphertext<E>,
    proof: MembershipProof<E>,
    values: readonly number[],
    batch?: BatchVerifier<E>,
  ): boolean {
    // One by one, the equations are the reference's own (not the ballot box's hot path).
    if (batch === undefined) return verifyMembership(this.#g, this.#context, this.#y, ct, proof, values);
    const g = this.#g;
    const t = this.#template(values);
    if (proof.length !== values.length) return false;
    let sum = 0n;
    for (const b of proof) {
      if (b.challenge < 0n || b.challenge >= g.order || b.response < 0n || b.response >= g.order)
        return false;
      sum += b.challenge;
    }
    const c = this.#challenge(t, ct, proof);
    // An element whose encoding is not elementLength long (no suite has one): the reference path.
    if (c === undefined) return verifyMembership(g, this.#context, this.#y, ct, proof, values, batch);
    if (mod(sum, g.order) !== c) return false;
    for (let i = 0; i < proof.length; i++) {
      const b = proof[i];
      const v = values[i];
      if (b === undefined || v === undefined) return false;
      const { commitmentA: a, commitmentB: bb, challenge: ch, response: z } = b;
      // z·g − A − c·α = 0
      batch.addEquation(
        [
          [a, -1n],
          [ct.alpha, -ch],
        ],
        [z, 0n],
      );
      // z·Y − B − c·β + c·v·g = 0
      batch.addEquation(
        [
          [bb, -1n],
          [ct.beta, -ch],
        ],
        [ch * BigInt(v), z],
      );
    }
    return true;
  }

  /** `checkAnswer(g, context, Y, answer, options, bounds, batch)`, the same result. */
  checkAnswer(
    answer: EncryptedAnswer<E>,
    options: number,
    bounds: AnswerBounds,
    batch?: BatchVerifier<E>,
  ): AnswerCheck {
    const g = this.#g;
    const { values, weights } = overallStatement(options, bounds);
    const n = weights.length;
    if (answer.choices.length !== n || answer.choiceProofs.length !== n) {
      return { shape: false, badChoices: [], overall: false };
    }
    const badChoices: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = answer.choices[i];
      const p = answer.choiceProofs[i];
      if (c === undefined || p === undefined || !this.verifyMembership(c, p, ZERO_ONE, batch)) {
        badChoices.push(i);
      }
    }
    const overall = this.verifyMembership(
      weightedSum(g, answer.choices, weights),
      answer.overallProof,
      values,
      batch,
    );
    return { shape: true, badChoices, overall };
  }
}
