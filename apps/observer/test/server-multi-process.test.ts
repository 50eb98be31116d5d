// The issue's proof against the real server: apps/server runs as a process of its own (its main
// entry) on a real PostgreSQL, set up by the commission's API calls up to voting; voters cast
// through its HTTP API as the voting portal does. Two observer nodes run as `opendeg-observer`
// processes, each on a database of its own, one of them through a proxy that can serve it a forked
// tree. The honest run raises nothing and the nodes' counts are the server's `/api/figures`; then
// (c) a forked tree, (a) an edited and (b) a deleted ballot row in the server's database, and an
// inflated cast figure are each found at the next checkpoint, with evidence that `verify-evidence`
// confirms offline (P-10.7, P-10.10, P-11.10.4).

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { createTestDatabase, type TestDatabase } from '@opendeg/db/testing';
import type { Election } from '@opendeg/election';
import {
  decodeEntry,
  ed25519NoteSigner,
  Ledger,
  MemoryLedgerStore,
  serveLog,
  unwrap,
  type LedgerEntry,
} from '@opendeg/ledger';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { main } from '../src/cli/main.ts';
import type { IssuedVsCastReport } from '../src/election/issued-vs-cast.ts';
import type { Evidence } from '../src/evidence.ts';
import {
  castThrough,
  clientElection,
  issueCredential,
  setUpVoting,
  startServerProcess,
  type ServerProcess,
} from './helpers/server-process.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.join(here, '..', 'bin', 'opendeg-observer.js');
const LEDGER_SEED = new Uint8Array(32).fill(9);
/** Voters on Tatarstan's list: CAST of them vote, ISSUED_ONLY take a credential and stop there. */
const CAST = 24;
const ISSUED_ONLY = 2;

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

/**
 * A proxy in front of the server's log for one observer: it passes every request on, until told to
 * serve a forked tree instead (the same log key, another history: a split view).
 */
interface LogProxy {
  readonly url: string;
  fork(ledger: Ledger): void;
  close(): Promise<void>;
}

async function startProxy(target: string): Promise<LogProxy> {
  let forked: Ledger | undefined;
  const server = http.createServer((req, res) => {
    const rest = (req.url ?? '').replace(/^\/log\//, '');
    const answer = forked
      ? serveLog(forked, { path: rest }).then((r) => ({ status: r.status, body: r.body }))
      : fetch(`${target}/${rest}`).then(async (r) => ({
          status: r.status,
          body: new Uint8Array(await r.arrayBuffer()),
        }));
    answer.then(
      (r) => {
        res.writeHead(r.status);
        res.end(r.body);
      },
      (e: unknown) => {
        res.writeHead(502);
        res.end(String(e));
      },
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/log`,
    fork: (l) => {
      forked = l;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

interface ObserverProcess {
  readonly db: TestDatabase;
  readonly evidenceDir: string;
  follow(extra?: readonly string[]): Promise<Run>;
  evidence(kind: string): string[];
}

let server: ServerProcess;
let proxy: LogProxy;
let election: Election<unknown>;
let a: ObserverProcess;
let b: ObserverProcess;
/** What beforeAll started, stopped in reverse order (a failed start-up stops what it got to). */
const cleanup: (() => Promise<void>)[] = [];
const castIndices: number[] = [];
let nextVoter = 0;

async function observerProcess(name: string, logUrl: () => string): Promise<ObserverProcess> {
  const db = await createTestDatabase({ migrate: false });
  const evidenceDir = mkdtempSync(path.join(os.tmpdir(), `opendeg-${name}-`));
  const args = (): string[] => [
    logUrl(),
    '--log-key',
    server.logKey,
    '--db',
    db.url,
    '--evidence-dir',
    evidenceDir,
    '--name',
    name,
    '--figures',
    `${server.baseUrl}/api/figures`,
    // Above the figures' cache (1 s) and the box's append-to-tally time, see issued-vs-cast.ts.
    '--settle',
    '1.5',
  ];
  return {
    db,
    evidenceDir,
    follow: (extra = ['--once']) => cli(['follow', ...args(), ...extra]),
    evidence: (kind) =>
      readdirSync(evidenceDir)
        .filter((f) => f.includes(`-${kind}-`))
        .map((f) => path.join(evidenceDir, f)),
  };
}

/** The next voter of the list casts a ballot; the receipt's log index. */
async function castOne(choice = 'c1'): Promise<number> {
  const voter = server.voters[nextVoter++];
  if (voter === undefined) throw new Error('no voter left');
  return castThrough(server, election, voter, choice);
}

const t0 = Date.now();
/** Progress with wall time and this process's CPU time (the machine may be shared: load average). */
const mark = (what: string): void => {
  const cpu = process.cpuUsage();
  process.stderr.write(
    `[server-multi-process] ${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s wall, ` +
      `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU, load ${os.loadavg()[0]?.toFixed(1) ?? '?'}\n`,
  );
};

beforeAll(async () => {
  server = await startServerProcess();
  cleanup.push(() => server.stop());
  mark('server started');
  const voters = server.voters.slice(0, CAST + ISSUED_ONLY + 4);
  await setUpVoting(server, voters);
  mark('voting set up');
  election = await clientElection(server);
  // Four voters at a time, as a busy polling station would send them.
  const choices = ['c1', 'c2', 'c3'];
  for (let i = 0; i < CAST; i += 4) {
    const batch = await Promise.all([0, 1, 2, 3].map((j) => castOne(choices[(i + j) % 3])));
    castIndices.push(...batch);
  }
  for (let i = 0; i < ISSUED_ONLY; i++) {
    const voter = server.voters[nextVoter++];
    if (voter !== undefined) await issueCredential(server, election, voter);
  }
  mark(`${String(CAST)} ballots cast`);
  proxy = await startProxy(server.logUrl);
  cleanup.push(() => proxy.close());
  [a, b] = await Promise.all([
    observerProcess('observer-a', () => server.logUrl),
    observerProcess('observer-b', () => proxy.url),
  ]);
  for (const o of [a, b]) {
    cleanup.push(async () => {
      await o.db.drop();
      rmSync(o.evidenceDir, { recursive: true, force: true });
    });
  }
}, 240_000);

afterAll(async () => {
  mark('tests done');
  for (const stop of cleanup.reverse()) await stop();
});

interface Summary {
  result: string;
  size: number;
  alarms: number;
  state: string;
  figures?: string;
}
const summary = (r: Run): Summary => JSON.parse(r.stdout) as Summary;

async function countedByRegion(o: ObserverProcess): Promise<Record<string, number>> {
  const r = await o.db.pool.query<{ region: string; n: string }>(
    "SELECT region, count(*) AS n FROM observer_entry WHERE status = 'counted' GROUP BY region",
  );
  return Object.fromEntries(r.rows.map((row) => [row.region, Number(row.n)]));
}

interface Figures {
  regions: { code: string; ballotsIssued: number; ballotsCast?: number }[];
}
async function figures(): Promise<Figures> {
  return (await fetch(`${server.baseUrl}/api/figures`)).json() as Promise<Figures>;
}

async function expectEvidenceHolds(file: string): Promise<Run> {
  const r = await cli(['verify-evidence', file, '--log-key', server.logKey]);
  expect(r.stdout).toContain('the evidence holds');
  expect(r.code).toBe(0);
  return r;
}

async function treeSize(): Promise<number> {
  const r = await server.db.pool.query<{ size: string }>('SELECT size FROM ledger_log');
  return Number(r.rows[0]?.size);
}

describe('multi-process: the server, two observer node processes', () => {
  test('P-10.7 P-11.10.4 honest run: both nodes re-check every ballot, raise nothing, and count what /api/figures publishes', async () => {
    const size = await treeSize();
    expect(castIndices).toHaveLength(CAST);
    for (const o of [a, b]) {
      const r = await o.follow();
      expect(r.code, r.stderr).toBe(0);
      expect(summary(r)).toEqual({ result: 'unchanged', size, alarms: 0, state: 'ok', figures: 'ok' });
    }
    const published = await figures();
    const publishedCast = Object.fromEntries(
      published.regions.filter((r) => (r.ballotsCast ?? 0) > 0).map((r) => [r.code, r.ballotsCast]),
    );
    expect(publishedCast).toEqual({ '16': CAST });
    expect(await countedByRegion(a)).toEqual(publishedCast);
    expect(await countedByRegion(b)).toEqual(publishedCast);
    // Issued ≥ cast: two voters took a credential and did not cast.
    expect(published.regions.find((r) => r.code === '16')?.ballotsIssued).toBe(CAST + ISSUED_ONLY);
  });

  test('P-11.10.4 issued vs cast over HTTP and the CLI query: a running node compares the figures with its replica, exactly when the tree did not move', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = http.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => {
          resolve(p);
        });
      });
    });
    const child: ChildProcess = spawn(
      process.execPath,
      [
        BIN,
        'follow',
        server.logUrl,
        '--log-key',
        server.logKey,
        '--db',
        a.db.url,
        '--evidence-dir',
        a.evidenceDir,
        '--name',
        'observer-a',
        '--figures',
        `${server.baseUrl}/api/figures`,
        '--settle',
        '1.5',
        '--interval',
        '1',
        '--listen',
        `127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    try {
      const node = `http://127.0.0.1:${port}`;
      for (let i = 0; ; i++) {
        const up = await fetch(`${node}/status`).then(
          (r) => r.ok,
          () => false,
        );
        if (up) break;
        if (i > 200) throw new Error('the node never listened');
        await new Promise((r) => setTimeout(r, 100));
      }
      // The node's own counts per region are the published ones.
      const counts = (await (await fetch(`${node}/counts`)).json()) as {
        regions: { region: string; cast: number }[];
      };
      const published = await figures();
      expect(counts.regions.filter((r) => r.cast > 0).map((r) => [r.region, r.cast])).toEqual(
        published.regions.filter((r) => (r.ballotsCast ?? 0) > 0).map((r) => [r.code, r.ballotsCast]),
      );
      const q = await cli(['query', node, 'issued-vs-cast']);
      expect(q.code, q.stderr).toBe(0);
      const report = JSON.parse(q.stdout) as IssuedVsCastReport;
      expect(report.state).toBe('ok');
      expect(report.exact).toBe(true);
      // The server's figures carry the tree size they count at: compared there, exactly.
      expect(report.mode).toBe('exact');
      expect(report.treeSize).toBe(await treeSize());
      expect(report.settleMs).toBe(1500);
      expect(report.regions.find((r) => r.region === '16')).toEqual({
        region: '16',
        issued: CAST + ISSUED_ONLY,
        publishedCast: CAST,
        castBefore: CAST,
        castAfter: CAST,
      });
      expect(q.stderr).toContain('16: issued 26, cast published 24, log 24…24');
    } finally {
      const exited = child.exitCode === null ? once(child, 'exit') : Promise.resolve();
      child.kill('SIGTERM');
      await exited;
    }
  });

  test('P-10.10 (c) a forked tree served to one node through its proxy: it exits 1 with fork evidence; the other node exits 0', async () => {
    const size = await treeSize();
    // The same key and origin, another history: the last ballot both nodes verified replaced.
    const rows = await server.db.pool.query<{ data: Buffer }>(
      'SELECT data FROM ledger_entry WHERE idx < $1 ORDER BY idx',
      [size - 1],
    );
    const origin = server.logKey.slice(0, server.logKey.indexOf('+'));
    const forked = unwrap(
      await Ledger.open({
        origin,
        signer: ed25519NoteSigner(origin, LEDGER_SEED),
        store: new MemoryLedgerStore(),
      }),
    );
    const entries: LedgerEntry[] = rows.rows.map((r) => {
      const d = decodeEntry(new Uint8Array(r.data));
      if (!d.ok) throw new Error('an entry of the server does not decode');
      return d.value;
    });
    for (const e of [
      ...entries,
      { type: 'verification', text: 'развилка' },
      { type: 'verification', text: '2' },
    ])
      unwrap(await forked.append(e));
    proxy.fork(forked);
    // The server goes on for everyone else.
    await castOne('c2');
    const rb = await b.follow();
    expect(rb.code).toBe(1);
    expect(rb.stderr).toContain('ALARM fork');
    const [file] = b.evidence('fork');
    expect(file).toBeDefined();
    await expectEvidenceHolds(file as string);
    const ra = await a.follow();
    expect(ra.code, ra.stderr).toBe(0);
    expect(summary(ra)).toMatchObject({ size: size + 1, alarms: 0, figures: 'ok' });
    await forked.close();
  });

  test('P-11.10.4 a cast figure the log does not hold (a tally row inflated in the server database) is an alarm with evidence that verify-evidence confirms', async () => {
    // The running tallies only grow (a trigger): the figure stays one too high for the tests after.
    const inflated = await server.db.pool.query<{ ballots: string }>(
      "UPDATE box_tallies SET ballots = ballots + 1 WHERE region = '16' RETURNING ballots",
    );
    const published = Number(inflated.rows[0]?.ballots);
    // Every ballot cast so far is in the log: one fewer than the figure.
    expect(published).toBe(nextVoter - ISSUED_ONLY + 1);
    const r = await a.follow();
    expect(r.code).toBe(1);
    expect(summary(r)).toMatchObject({ result: 'unchanged', alarms: 1, figures: 'violation' });
    expect(r.stderr).toContain('✗ F.2');
    const [file] = a.evidence('issued-vs-cast');
    expect(file).toBeDefined();
    const v = await expectEvidenceHolds(file as string);
    expect(v.stdout).toContain(
      `region 16: ${String(published)} ballots cast published, the log holds only ${String(published - 1)}`,
    );
    // At the tree size the figures name: the inflated row did not move it.
    const exact = JSON.parse(readFileSync(file as string, 'utf8')) as { mode?: string; treeSize?: number };
    expect(exact).toMatchObject({ mode: 'exact', treeSize: await treeSize() });
    // The same file with the published figure put right no longer proves anything.
    const doctored = JSON.parse(readFileSync(file as string, 'utf8')) as { figures: { body: string } };
    doctored.figures.body = doctored.figures.body.replaceAll(
      `"ballotsCast":${String(published)}`,
      `"ballotsCast":${String(published - 1)}`,
    );
    const copy = path.join(a.evidenceDir, 'doctored.json');
    writeFileSync(copy, JSON.stringify(doctored));
    // In this process: the same CLI code, without another start-up.
    let out = '';
    const io = { stdout: (t: string) => (out += t), stderr: () => undefined };
    expect(await main(['verify-evidence', copy, '--log-key', server.logKey], io)).toBe(1);
    expect(out).toContain('show no violation');
    rmSync(copy);
  });

  test('P-10.10 (a) a stored ballot row edited in the server database is found at the next checkpoint', async () => {
    const idx = castIndices[3] as number;
    const row = await server.db.pool.query<{ data: Buffer }>('SELECT data FROM ledger_entry WHERE idx = $1', [
      idx,
    ]);
    const original = row.rows[0]?.data as Buffer;
    const edited = Buffer.from(original.toString('utf8').replace(/"region":"16"/, '"region":"77"'));
    expect(edited.equals(original)).toBe(false);
    await server.db.pool.query('UPDATE ledger_entry SET data = $1 WHERE idx = $2', [edited, idx]);
    await castOne('c3');
    const r = await a.follow();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ALARM rewritten-entry');
    const [file] = a.evidence('rewritten-entry');
    await expectEvidenceHolds(file as string);
    const evidence = JSON.parse(readFileSync(file as string, 'utf8')) as Evidence;
    expect(evidence.leaves[0]?.index).toBe(idx);
    await server.db.pool.query('UPDATE ledger_entry SET data = $1 WHERE idx = $2', [original, idx]);
  });

  test('P-10.10 (b) a stored ballot row deleted from the server database is found at the next checkpoint', async () => {
    const idx = castIndices[5] as number;
    await server.db.pool.query('DELETE FROM ledger_entry WHERE idx = $1', [idx]);
    await castOne('c1');
    const r = await a.follow();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ALARM missing-entry');
    const [file] = a.evidence('missing-entry');
    await expectEvidenceHolds(file as string);
  });
});
