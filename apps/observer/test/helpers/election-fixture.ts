/**
 * A simulated election (packages/election's simulate.ts) as ledger entries in the shape the ballot
 * box writes them (apps/server: keys/manifest-routes.ts, ballot-box/box-writer.ts).
 */

import { createHash } from 'node:crypto';

import { canonicalJsonBytes, type JsonValue } from '@opendeg/crypto';
import type { BallotJson, BallotStyleDef, ChallengedVoteJson, ElectionRecordOut } from '@opendeg/election';
import type { LedgerEntry } from '@opendeg/ledger';

import {
  closeElection,
  setUpElection,
  vote,
  type SimulatedElection,
} from '../../../../packages/election/src/testing/simulate.ts';

export const BALLOT: BallotStyleDef = {
  id: 'deg',
  title: { ru: 'Бюллетень ДЭГ', en: 'DEG ballot' },
  questions: [
    {
      id: 'q',
      text: { ru: 'Отметьте один вариант', en: 'Mark one option' },
      options: [
        { id: 'a', label: { ru: 'Кандидат А', en: 'Candidate A' } },
        { id: 'b', label: { ru: 'Кандидат Б', en: 'Candidate B' } },
      ],
      min: 1,
      max: 1,
      blank: false,
    },
  ],
};

const sha256Hex = (v: unknown): string => createHash('sha256').update(canonicalJsonBytes(v)).digest('hex');

export const manifestEntry = (sim: SimulatedElection): LedgerEntry => ({
  type: 'manifest',
  sha256: sha256Hex(sim.manifest),
  manifest: sim.manifest as unknown as JsonValue,
});

export const ballotEntry = (ballot: BallotJson): LedgerEntry => ({
  type: 'ballot',
  sha256: sha256Hex(ballot),
  ballot: ballot as unknown as JsonValue,
});

export const challengedEntry = (vote: ChallengedVoteJson): LedgerEntry => ({
  type: 'challenged',
  vote: vote as unknown as JsonValue,
});

export const verificationEntry = (text: string): LedgerEntry => ({ type: 'verification', text });

/** The close published as ledger entries: per region its tally, decryption and result. */
export function closingEntries(record: ElectionRecordOut): LedgerEntry[] {
  return [
    ...record.tallies.map((tally) => ({ type: 'tally', tally: tally as unknown as JsonValue })),
    ...record.decryptions.map((decryption) => ({
      type: 'decryption',
      decryption: decryption as unknown as JsonValue,
    })),
    ...record.results.map((result) => ({ type: 'result', result: result as unknown as JsonValue })),
  ];
}

export interface ElectionFixture {
  readonly sim: SimulatedElection;
  readonly ballots: readonly BallotJson[];
  readonly challenged: readonly ChallengedVoteJson[];
  /** 39: two ballots (one challenged first); 77: three ballots. */
  readonly perRegion: ReadonlyMap<string, number>;
  close(ballots?: readonly BallotJson[]): Promise<ElectionRecordOut>;
}

export async function makeElection(): Promise<ElectionFixture> {
  const sim = await setUpElection({
    regions: [
      { code: '39', name: 'Калининградская область', timeZone: 'Europe/Kaliningrad', keyGroup: 'late' },
      { code: '77', name: 'Москва', timeZone: 'Europe/Moscow', keyGroup: 'main' },
    ],
    ballotStyle: BALLOT,
    threshold: { n: 3, k: 2 },
  });
  const ballots: BallotJson[] = [];
  const challenged: ChallengedVoteJson[] = [];
  const first = await vote(sim, '39', [['a']], { challengeFirst: [['b']] });
  ballots.push(first.ballot);
  if (first.challenged !== undefined) challenged.push(first.challenged);
  ballots.push((await vote(sim, '39', [['b']])).ballot);
  for (const c of ['a', 'a', 'b']) ballots.push((await vote(sim, '77', [[c]])).ballot);
  return {
    sim,
    ballots,
    challenged,
    perRegion: new Map([
      ['39', 2],
      ['77', 3],
    ]),
    close: (b = ballots) => closeElection(sim, b, challenged),
  };
}

/** `count` ballots, alternating between the two regions, for the benchmark. */
export async function makeElectionWith(
  count: number,
): Promise<{ sim: SimulatedElection; ballots: BallotJson[] }> {
  const sim = await setUpElection({
    regions: [
      { code: '39', name: 'Калининградская область', timeZone: 'Europe/Kaliningrad', keyGroup: 'late' },
      { code: '77', name: 'Москва', timeZone: 'Europe/Moscow', keyGroup: 'main' },
    ],
    ballotStyle: BALLOT,
    threshold: { n: 3, k: 2 },
  });
  const ballots: BallotJson[] = [];
  for (let i = 0; i < count; i++)
    ballots.push((await vote(sim, i % 2 === 0 ? '39' : '77', [[i % 3 === 0 ? 'b' : 'a']])).ballot);
  return { sim, ballots };
}
