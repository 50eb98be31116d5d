/**
 * A region's running tally as the observer node keeps it: `RegionTally`'s sums (the same
 * `RegionTallyJson` out), with one more way in — the sum of many ballots' answers at once, as the
 * validation workers add them up per job (`validate-worker.ts`), so the node does one addition per
 * region and job instead of one per ballot.
 */

import { addCiphertexts, type Ciphertext, type Group } from '@opendeg/crypto';
import {
  ElectionError,
  encodeCiphertextJson,
  type BallotStyleDef,
  type RegionTallyJson,
  type TalliedAnswer,
} from '@opendeg/election';

export class RunningTally<E> {
  readonly #g: Group<E>;
  #ballots = 0;
  readonly #aggregates: Ciphertext<E>[][];

  constructor(
    g: Group<E>,
    readonly region: string,
    style: BallotStyleDef,
  ) {
    this.#g = g;
    const zero: Ciphertext<E> = { alpha: g.identity, beta: g.identity };
    this.#aggregates = style.questions.map((q) =>
      Array.from({ length: q.options.length + (q.blank ? 1 : 0) }, () => zero),
    );
  }

  get ballots(): number {
    return this.#ballots;
  }

  /** Adds one validated ballot's answers. */
  add(answers: readonly TalliedAnswer<E>[]): void {
    this.addSum(
      answers.map((a) => a.choices),
      1,
    );
  }

  /** Adds the sum of `count` validated ballots' answers (per question, per choice). */
  addSum(sums: readonly (readonly Ciphertext<E>[])[], count: number): void {
    if (sums.length !== this.#aggregates.length) {
      throw new ElectionError(
        'MALFORMED',
        `tally ${this.region}: ${sums.length} answers for ${this.#aggregates.length} questions`,
      );
    }
    sums.forEach((choices, i) => {
      const row = this.#aggregates[i];
      if (row?.length !== choices.length) {
        throw new ElectionError(
          'MALFORMED',
          `tally ${this.region}: question ${i} has the wrong number of choices`,
        );
      }
      choices.forEach((c, j) => {
        row[j] = addCiphertexts(this.#g, row[j] ?? c, c);
      });
    });
    this.#ballots += count;
  }

  toJson(): RegionTallyJson {
    return {
      region: this.region,
      ballots: this.#ballots,
      aggregates: this.#aggregates.map((row) => row.map((c) => encodeCiphertextJson(this.#g, c))),
    };
  }
}
