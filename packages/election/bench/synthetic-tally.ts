// Synthetic ballots for the tally benchmark. A million real ballots cannot be made in a benchmark's
// time (each needs a blind-signed credential, 7 encryptions and 8 proofs), and aggregation does not
// look at proofs: it adds ciphertexts. So each region starts from one encryption of 0 and one of 1 and
// steps both by an encryption of 0 (δ·g, δ·Y) per ballot — every ciphertext is a valid encryption of
// its mark under the region's key, made with two additions instead of two multiplications.
import { addCiphertexts, encrypt } from '@opendeg/crypto';
import type { Ciphertext, EncryptedAnswer } from '@opendeg/crypto';
import type { Election } from '../src/manifest.ts';
import { RegionTally } from '../src/tally.ts';

export interface SyntheticTally {
  readonly tally: RegionTally<unknown>;
  /** Expected counts of the one question (blank first), for checking the decryption. */
  readonly expected: number[];
  /** Time spent in `RegionTally.add` only, in milliseconds. */
  readonly addMs: number;
  /** Time spent making the synthetic ciphertexts, in milliseconds (not part of the measurement). */
  readonly generateMs: number;
}

const CHUNK = 1000;

/** `ballots` one-mark ballots for `region`, mark i of ballot i cycling through the choices. */
export function syntheticTally(election: Election<unknown>, region: string, ballots: number): SyntheticTally {
  const g = election.group;
  const r = election.regions.get(region);
  const kg = r === undefined ? undefined : election.keyGroups.get(r.def.keyGroup);
  const q = r?.style.questions[0];
  if (r === undefined || kg === undefined || q === undefined || r.style.questions.length !== 1) {
    throw new Error(`synthetic tally: region ${region} needs a one-question ballot style`);
  }
  const width = q.options.length + (q.blank ? 1 : 0);
  const tally = new RegionTally(g, region, r.style);
  const expected: number[] = Array.from({ length: width }, () => 0);
  let zero: Ciphertext<unknown> = encrypt(g, kg.publicKey, 0).ciphertext;
  let one: Ciphertext<unknown> = encrypt(g, kg.publicKey, 1).ciphertext;
  const step = encrypt(g, kg.publicKey, 0).ciphertext;
  let addMs = 0;
  let generateMs = 0;
  for (let start = 0; start < ballots; start += CHUNK) {
    const t0 = performance.now();
    const chunk: EncryptedAnswer<unknown>[][] = [];
    for (let i = start; i < Math.min(ballots, start + CHUNK); i++) {
      const mark = i % width;
      expected[mark] = (expected[mark] ?? 0) + 1;
      const choices = Array.from({ length: width }, (_, j) => (j === mark ? one : zero));
      chunk.push([{ choices, choiceProofs: [], overallProof: [] }]);
      zero = addCiphertexts(g, zero, step);
      one = addCiphertexts(g, one, step);
    }
    const t1 = performance.now();
    for (const answers of chunk) tally.add(answers);
    addMs += performance.now() - t1;
    generateMs += t1 - t0;
  }
  return { tally, expected, addMs, generateMs };
}
