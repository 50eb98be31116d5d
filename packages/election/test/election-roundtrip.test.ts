// A whole election through the library: key ceremony, credentials, ballots (with Benaloh
// challenges), running tallies, threshold decryption, the record, and the verifier.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { canonicalJson } from '@opendeg/crypto';
import { afterAll, describe, expect, test } from 'vitest';
import type { BallotJson, ChallengedVoteJson, Selection } from '../src/ballot.ts';
import { readRecord, writeRecordArchive, writeRecordDirectory } from '../src/record.ts';
import { closeElection, setUpElection, vote } from '../src/testing/simulate.ts';
import { verifyRecord } from '../src/verify.ts';
import { DEG_BALLOT, REGIONS } from './fixtures.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('an election end to end', () => {
  test('P-5.2 P-6.9 P-7.9 the record verifies and the results are the votes cast', async () => {
    const sim = await setUpElection({ regions: REGIONS, ballotStyle: DEG_BALLOT, threshold: { n: 5, k: 3 } });
    const plan: [string, Selection][] = [
      ['77', ['a']],
      ['77', ['a']],
      ['77', ['b']],
      ['77', 'blank'],
      ['77', ['c']],
      ['39', ['b']],
      ['39', ['b']],
      ['39', ['a']],
    ];
    const ballots: BallotJson[] = [];
    const challenged: ChallengedVoteJson[] = [];
    for (const [i, [region, s]] of plan.entries()) {
      const out = await vote(sim, region, [s], i % 3 === 0 ? { challengeFirst: [['c']] } : {});
      ballots.push(out.ballot);
      if (out.challenged) challenged.push(out.challenged);
    }
    const record = await closeElection(sim, ballots, challenged, { holders: [2, 4, 5] });
    const counts = Object.fromEntries(record.results.map((r) => [r.region, r.counts[0]]));
    // Choices: [blank, a, b, c]
    expect(counts['77']).toEqual([1, 2, 1, 1]);
    expect(counts['39']).toEqual([0, 1, 2, 0]);

    const report = await verifyRecord(record);
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.verifiedResults).toHaveLength(2);

    const dir = await mkdtemp(path.join(tmpdir(), 'opendeg-record-'));
    dirs.push(dir);
    await writeRecordDirectory(path.join(dir, 'record'), record);
    await writeRecordArchive(path.join(dir, 'record.tar'), record);
    for (const where of ['record', 'record.tar']) {
      const back = await readRecord(path.join(dir, where));
      expect(canonicalJson(back)).toBe(canonicalJson(record));
      expect((await verifyRecord(back)).ok).toBe(true);
    }
  });
});
