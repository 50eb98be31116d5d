// The `opendeg-verify` command as an observer runs it (P-10.10): a real process on a record directory
// and on its archive, on a tampered record, and on paths and options it cannot use. Exit codes are the
// contract: 0 every check passed, 1 a check failed, 2 usage error or unreadable record.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeRecordArchive, writeRecordDirectory } from '../src/record.ts';
import type { ElectionRecordOut } from '../src/record.ts';
import { closeElection, setUpElection, vote } from '../src/testing/simulate.ts';
import { DEG_BALLOT, REGIONS } from './fixtures.ts';

const BIN = fileURLToPath(new URL('../bin/opendeg-verify.js', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'opendeg-cli-'));
  const sim = await setUpElection({ regions: REGIONS, ballotStyle: DEG_BALLOT, threshold: { n: 3, k: 2 } });
  const plan: [string, string][] = [
    ['77', 'a'],
    ['77', 'b'],
    ['39', 'c'],
  ];
  const ballots = [];
  for (const [region, choice] of plan) ballots.push((await vote(sim, region, [[choice]])).ballot);
  const record = await closeElection(sim, ballots, []);
  await writeRecordDirectory(path.join(dir, 'good'), record);
  await writeRecordArchive(path.join(dir, 'good.tar'), record);
  const tampered = structuredClone(record) as ElectionRecordOut & { results: { counts: number[][] }[] };
  tampered.results[0]!.counts[0]![1]! += 5;
  await writeRecordDirectory(path.join(dir, 'tampered'), tampered);
  await writeFile(path.join(dir, 'not-a-record.tar'), 'hello');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const noStackTrace = (r: Run): void => {
  expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
};

describe('opendeg-verify', () => {
  test('P-10.10 a valid record directory: every check passes, exit 0', async () => {
    const r = await run(path.join(dir, 'good'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ V.6 tallies — Итоговые суммы / Tallies');
    expect(r.stdout).not.toContain('✗');
    expect(r.stdout).toContain('Result: every check passed');
    expect(r.stderr).toContain('ballots: 3/3');
  });

  test('P-10.10 a valid record archive, on both backends, as JSON: exit 0 and a clean stdout', async () => {
    for (const backend of ['noble', 'libsodium']) {
      const r = await run('--json', '--backend', backend, path.join(dir, 'good.tar'));
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as { ok: boolean; checks: unknown[]; ballots: number };
      expect(report.ok).toBe(true);
      expect(report.ballots).toBe(3);
      expect(report.checks).toHaveLength(9);
    }
  });

  test('a tampered record: exit 1, the failed check and where it failed', async () => {
    const r = await run(path.join(dir, 'tampered'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ V\.8 results — Результаты \/ Results/);
    expect(r.stdout).toMatch(/✗ V\.8 \[region 77\]: count \d+ is not the decryption of its aggregate/);
    expect(r.stdout).toContain('verification FAILED');
    noStackTrace(r);
  });

  test('a missing path, an unreadable archive, a bad option: exit 2 with a clear message', async () => {
    const missing = await run(path.join(dir, 'nowhere'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read the record: .*ENOENT/);
    expect(missing.stdout).toBe('');
    noStackTrace(missing);

    const garbage = await run(path.join(dir, 'not-a-record.tar'));
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toContain('cannot read the record');
    noStackTrace(garbage);

    const usage = await run('--backend', 'openssl', path.join(dir, 'good'));
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage: opendeg-verify');
    noStackTrace(usage);

    const none = await run();
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no record given');
  });
});
