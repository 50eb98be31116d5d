// The proof, across processes: the log runs as a process of its own on a real PostgreSQL,
// two observer nodes run as `opendeg-observer follow --once` processes on databases of their own,
// ballots are cast; the honest run raises nothing, then (c) one node is served a forked tree,
// (a) a stored ballot row is edited, (b) one is deleted — each found at the next checkpoint, with
// evidence that `opendeg-observer verify-evidence` confirms (P-10.7, P-10.10).

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { createTestDatabase, type TestDatabase } from '@opendeg/db/testing';
import type { BallotJson } from '@opendeg/election';
import type { LedgerEntry } from '@opendeg/ledger';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import type { Evidence } from '../src/evidence.ts';
import {
  ballotEntry,
  makeElection,
  manifestEntry,
  type ElectionFixture,
} from './helpers/election-fixture.ts';
import { logSigner, ORIGIN, vkeyOf } from './helpers/log-server.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.join(here, '..', 'bin', 'opendeg-observer.js');
const LOG_PROCESS = path.join(here, 'fixtures', 'log-process.ts');
const vkey = vkeyOf(logSigner());

interface LogProcess {
  readonly db: TestDatabase;
  readonly url: string;
  append(entries: readonly LedgerEntry[]): Promise<number>;
  stop(): Promise<void>;
}

async function startLogProcess(): Promise<LogProcess> {
  const db = await createTestDatabase({ migrate: false });
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', LOG_PROCESS], {
    env: { ...process.env, DATABASE_URL: db.url, LOG_ORIGIN: ORIGIN, LOG_SEED: '7' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const [first] = (await once(lines, 'line')) as [string];
  const port = /^LISTENING (\d+)$/.exec(first)?.[1];
  if (port === undefined) throw new Error(`log process: ${first}`);
  const base = `http://127.0.0.1:${port}`;
  return {
    db,
    url: `${base}/log`,
    append: async (entries) => {
      const res = await fetch(`${base}/append`, { method: 'POST', body: JSON.stringify(entries) });
      return ((await res.json()) as { size: number }).size;
    },
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
      await db.drop();
    },
  };
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(args: readonly string[]): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

interface ObserverProcess {
  readonly db: TestDatabase;
  readonly evidenceDir: string;
  follow(url: string): Promise<Run>;
  evidence(kind: Evidence['kind']): string[];
}

async function observerProcess(name: string): Promise<ObserverProcess> {
  const db = await createTestDatabase({ migrate: false });
  const evidenceDir = mkdtempSync(path.join(os.tmpdir(), `opendeg-${name}-`));
  return {
    db,
    evidenceDir,
    follow: (url) =>
      cli([
        'follow',
        url,
        '--log-key',
        vkey,
        '--db',
        db.url,
        '--evidence-dir',
        evidenceDir,
        '--name',
        name,
        '--once',
      ]),
    evidence: (kind) =>
      readdirSync(evidenceDir)
        .filter((f) => f.endsWith(`-${kind}-${f.split('-').at(-1) ?? ''}`))
        .map((f) => path.join(evidenceDir, f)),
  };
}

let fx: ElectionFixture;
let honest: LogProcess;
let forked: LogProcess;
let a: ObserverProcess;
let b: ObserverProcess;

beforeAll(async () => {
  fx = await makeElection();
  [honest, forked, a, b] = await Promise.all([
    startLogProcess(),
    startLogProcess(),
    observerProcess('observer-a'),
    observerProcess('observer-b'),
  ]);
}, 180_000);

afterAll(async () => {
  for (const l of [honest, forked]) await l.stop();
  for (const o of [a, b]) {
    await o.db.drop();
    rmSync(o.evidenceDir, { recursive: true, force: true });
  }
});

const summary = (r: Run): { result: string; size: number; alarms: number; state: string } =>
  JSON.parse(r.stdout) as { result: string; size: number; alarms: number; state: string };

async function counted(o: ObserverProcess): Promise<number> {
  const r = await o.db.pool.query<{ n: string }>(
    "SELECT count(*) AS n FROM observer_entry WHERE status = 'counted'",
  );
  return Number(r.rows[0]?.n);
}

async function expectEvidenceHolds(file: string): Promise<void> {
  const r = await cli(['verify-evidence', file, '--log-key', vkey]);
  expect(r.stdout).toContain('the evidence holds');
  expect(r.code).toBe(0);
}

describe('multi-process: a log process, two observer node processes', () => {
  test('P-10.7 honest run: both nodes replicate and re-check every ballot, exit 0, raise nothing', async () => {
    const [b0, b1, b2, b3] = fx.ballots as BallotJson[];
    await honest.append([manifestEntry(fx.sim), ...[b0, b1, b2].map((x) => ballotEntry(x as BallotJson))]);
    // The forked log (same key) shares the manifest and the first ballot, then differs.
    await forked.append([
      manifestEntry(fx.sim),
      ballotEntry(b0 as BallotJson),
      ballotEntry(b3 as BallotJson),
    ]);
    for (const o of [a, b]) {
      const r = await o.follow(honest.url);
      expect(r.code).toBe(0);
      expect(summary(r)).toEqual({ result: 'unchanged', size: 4, alarms: 0, state: 'ok' });
      expect(await counted(o)).toBe(3);
    }
  });

  test('P-10.10 (c) a forked tree served to one node: it exits 1 with fork evidence; the other node follows the honest log and exits 0', async () => {
    await forked.append([ballotEntry(fx.ballots[4] as BallotJson)]);
    await honest.append([ballotEntry(fx.ballots[3] as BallotJson)]);
    const ra = await a.follow(forked.url);
    expect(ra.code).toBe(1);
    expect(ra.stderr).toContain('ALARM fork');
    const [file] = a.evidence('fork');
    expect(file).toBeDefined();
    await expectEvidenceHolds(file as string);
    const rb = await b.follow(honest.url);
    expect(rb.code).toBe(0);
    expect(summary(rb)).toMatchObject({ size: 5, alarms: 0 });
  });

  test('P-10.10 (a) a stored ballot row edited in the database is found at the next checkpoint', async () => {
    const row = await honest.db.pool.query<{ data: Buffer }>('SELECT data FROM ledger_entry WHERE idx = 2');
    const original = row.rows[0]?.data as Buffer;
    const edited = Buffer.from(original.toString('utf8').replace(/"region":"39"/, '"region":"77"'));
    expect(edited.equals(original)).toBe(false);
    await honest.db.pool.query('UPDATE ledger_entry SET data = $1 WHERE idx = 2', [edited]);
    await honest.append([ballotEntry(fx.ballots[4] as BallotJson)]);
    const r = await b.follow(honest.url);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ALARM rewritten-entry');
    const [file] = b.evidence('rewritten-entry');
    await expectEvidenceHolds(file as string);
    const evidence = JSON.parse(readFileSync(file as string, 'utf8')) as Evidence;
    expect(evidence.leaves[0]?.index).toBe(2);
    await honest.db.pool.query('UPDATE ledger_entry SET data = $1 WHERE idx = 2', [original]);
  });

  test('P-10.10 (b) a stored ballot row deleted from the database is found at the next checkpoint', async () => {
    await honest.db.pool.query('DELETE FROM ledger_entry WHERE idx = 3');
    await honest.append([{ type: 'verification', text: 'проверочная транзакция' }]);
    const r = await b.follow(honest.url);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ALARM missing-entry');
    const [file] = b.evidence('missing-entry');
    await expectEvidenceHolds(file as string);
  });

  test('query and verify-evidence: usage errors exit 2', async () => {
    expect((await cli([])).code).toBe(2);
    expect((await cli(['verify-evidence'])).code).toBe(2);
    expect((await cli(['verify-evidence', path.join(os.tmpdir(), 'no-such-evidence.json')])).code).toBe(2);
    expect((await cli(['follow', honest.url])).code).toBe(2);
  });
});
