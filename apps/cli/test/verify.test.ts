// `opendeg verify` is the observer's verifier (P-10.10) of packages/election, reached through the one
// command: a simulated election's record passes (exit 0), the same record with a changed count fails
// (exit 1) naming the check, and an unreadable record is bad input (exit 2).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeRecordDirectory } from '@opendeg/election';
import type { BallotStyleDef, ElectionRecordOut } from '@opendeg/election';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { closeElection, setUpElection, vote } from '../../../packages/election/src/testing/simulate.ts';
import { expectNoStackTrace, run } from './run-cli.ts';

const BALLOT: BallotStyleDef = {
  id: 'training',
  title: { ru: 'Тренировочное голосование', en: 'Training run' },
  questions: [
    {
      id: 'q',
      text: { ru: 'Отметьте один вариант', en: 'Mark one option' },
      options: [
        { id: 'a', label: { ru: 'Вариант А', en: 'Option A' } },
        { id: 'b', label: { ru: 'Вариант Б', en: 'Option B' } },
      ],
      min: 1,
      max: 1,
      blank: false,
    },
  ],
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'opendeg-cli-verify-'));
  const sim = await setUpElection({
    regions: [{ code: '77', name: 'Москва', timeZone: 'Europe/Moscow', keyGroup: 'main' }],
    ballotStyle: BALLOT,
    threshold: { n: 3, k: 2 },
  });
  const ballots = [];
  for (const choice of ['a', 'b', 'a']) ballots.push((await vote(sim, '77', [[choice]])).ballot);
  const record = await closeElection(sim, ballots, []);
  await writeRecordDirectory(path.join(dir, 'good'), record);
  const tampered = structuredClone(record) as ElectionRecordOut & { results: { counts: number[][] }[] };
  tampered.results[0]!.counts[0]![1]! += 1;
  await writeRecordDirectory(path.join(dir, 'tampered'), tampered);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('opendeg verify', () => {
  test('P-10.10 a simulated election record: every check passes, exit 0', async () => {
    const r = await run(['verify', path.join(dir, 'good')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Бюллетеней / Ballots: 3');
    expect(r.stdout).toContain('Result: every check passed');
    expect(r.stdout).not.toContain('✗');
  });

  test('P-10.10 the record with one count changed: exit 1, the failed check named', async () => {
    const r = await run(['verify', path.join(dir, 'tampered'), '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { ok: boolean; checks: { id: string; ok: boolean }[] };
    expect(report.ok).toBe(false);
    expect(report.checks.filter((c) => !c.ok).map((c) => c.id)).toContain('V.8');
    expectNoStackTrace(r);
  });

  test('a path that is not a record: exit 2', async () => {
    const r = await run(['verify', path.join(dir, 'absent')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read the record');
    expectNoStackTrace(r);
  });
});
