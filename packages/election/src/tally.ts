/**
 * The homomorphic tally of one region, kept up to date while voting runs: each accepted ballot's
 * ciphertexts are added into the running aggregates (one per question and choice), so closing the
 * vote needs no pass over the ballots. Anyone can recompute it from the public ballots (check V.6).
 */

import { addCiphertexts } from '@opendeg/crypto';
import type { Ciphertext, Group } from '@opendeg/crypto';
import { asArray, asInteger, decodeCiphertextJson, encodeCiphertextJson } from './codec.ts';
import type { CiphertextJson } from './codec.ts';
import { ElectionError } from './errors.ts';
import type { BallotStyleDef } from './manifest.ts';

export interface RegionTallyJson {
  readonly region: string;
  /** Number of ballots aggregated. */
  readonly ballots: number;
  /** aggregates[question][choice]; the blank choice first where a question allows it. */
  readonly aggregates: readonly (readonly CiphertextJson[])[];
}

/** What the tally needs of an answer: its ciphertexts (a native answer or a Belenios one). */
export interface TalliedAnswer<E> {
  readonly choices: readonly Ciphertext<E>[];
}

export class RegionTally<E> {
  readonly region: string;
  readonly #g: Group<E>;
  #ballots = 0;
  readonly #aggregates: Ciphertext<E>[][];

  constructor(g: Group<E>, region: string, style: BallotStyleDef) {
    this.#g = g;
    this.region = region;
    const zero: Ciphertext<E> = { alpha: g.identity, beta: g.identity };
    this.#aggregates = style.questions.map((q) =>
      Array.from({ length: q.options.length + (q.blank ? 1 : 0) }, () => zero),
    );
  }

  get ballots(): number {
    return this.#ballots;
  }

  get aggregates(): readonly (readonly Ciphertext<E>[])[] {
    return this.#aggregates;
  }

  /** Adds one validated ballot's answers. */
  add(answers: readonly TalliedAnswer<E>[]): void {
    if (answers.length !== this.#aggregates.length) {
      throw new ElectionError(
        'MALFORMED',
        `tally ${this.region}: ${answers.length} answers for ${this.#aggregates.length} questions`,
      );
    }
    answers.forEach((a, i) => {
      const row = this.#aggregates[i];
      if (row?.length !== a.choices.length) {
        throw new ElectionError(
          'MALFORMED',
          `tally ${this.region}: question ${i} has the wrong number of choices`,
        );
      }
      a.choices.forEach((c, j) => {
        row[j] = addCiphertexts(this.#g, row[j] ?? c, c);
      });
    });
    this.#ballots++;
  }

  toJson(): RegionTallyJson {
    return {
      region: this.region,
      ballots: this.#ballots,
      aggregates: this.#aggregates.map((row) => row.map((c) => encodeCiphertextJson(this.#g, c))),
    };
  }

  /** Decodes a published tally; `j` comes from a record, so its shape is checked, not assumed. */
  static fromJson<E>(g: Group<E>, style: BallotStyleDef, j: RegionTallyJson): RegionTally<E> {
    const t = new RegionTally(g, j.region, style);
    const path = `tally.${j.region}`;
    asArray(j.aggregates, `${path}.aggregates`, 64).forEach((row, i) => {
      const target = t.#aggregates[i];
      const cells = asArray(row, `${path}.aggregates[${i}]`, 1025);
      if (target?.length !== cells.length)
        throw new ElectionError('MALFORMED', `tally ${j.region}: question ${i} shape`);
      cells.forEach((c, k) => {
        target[k] = decodeCiphertextJson(g, c, `${path}[${i}][${k}]`, true);
      });
    });
    if (j.aggregates.length !== t.#aggregates.length)
      throw new ElectionError('MALFORMED', `tally ${j.region}: questions`);
    t.#ballots = asInteger(j.ballots, `${path}.ballots`, 0, Number.MAX_SAFE_INTEGER);
    return t;
  }
}
