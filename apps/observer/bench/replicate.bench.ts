/**
 * Observer node benchmark (issue 8): replicate and verify an election's log from scratch, printed as
 * one JSON object on stdout (progress on stderr).
 *
 *   1. replication: a log of N ballot-sized entries (default 20,000; OBSERVER_BENCH_ENTRIES) served by
 *      a log process of its own over HTTP (C2SP tlog-tiles); a fresh node fetches every bundle,
 *      rehashes every entry, rebuilds and stores every tile and the entries in its PostgreSQL, and
 *      checks the signed root — entries per second;
 *   2. ballot re-checking: a log of K real ballots (default 300; OBSERVER_BENCH_BALLOTS) made by
 *      packages/election's simulation, replicated by a node with the election checker (B.1–B.10 per
 *      ballot, proofs batched, running tallies; OBSERVER_BENCH_THREADS worker threads, default 0) —
 *      ballots per second;
 *   3. the 1 M-ballot estimate: 1,000,000 / (1) + 1,000,000 / (2), one process, extrapolated
 *      linearly (stated in the output), against the 20-minute budget.
 *
 * PostgreSQL: DATABASE_URL if set, else the embedded test server (fsync off).
 */

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { createTestDatabase, type TestDatabase } from '@opendeg/db/testing';
import {
  ed25519NoteSigner,
  encodeEntry,
  formatCheckpoint,
  hashLeaf,
  PostgresLedgerStore,
  signNote,
  TileEdge,
  unwrap,
} from '@opendeg/ledger';
import type { Backend } from '@opendeg/crypto';

import { ElectionChecker } from '../src/election/election-checker.ts';
import { EntryIndex } from '../src/election/entry-index.ts';
import { Follower } from '../src/follower.ts';
import { httpLogSource } from '../src/log-source.ts';
import { ballotEntry, makeElectionWith, manifestEntry } from '../test/helpers/election-fixture.ts';
import { logSigner, ORIGIN, vkeyOf } from '../test/helpers/log-server.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const ENTRIES = Number(process.env.OBSERVER_BENCH_ENTRIES ?? '20000');
const BALLOTS = Number(process.env.OBSERVER_BENCH_BALLOTS ?? '300');
const THREADS = Number(process.env.OBSERVER_BENCH_THREADS ?? '0');
const TARGET = 1_000_000;

const log = (m: string): void => {
  process.stderr.write(`[observer bench] ${m}\n`);
};

/** Writes a log of `entries` straight into a ledger store, signed by the test log key. */
async function writeLog(db: TestDatabase, entries: readonly Uint8Array[]): Promise<void> {
  const store = await PostgresLedgerStore.open(db.pool, ORIGIN);
  const lease = await store.acquireSequencer();
  if (lease === null) throw new Error('bench: lease');
  const edge = TileEdge.empty();
  const chunk = 4096;
  for (let s = 0; s < entries.length; s += chunk) {
    const part = entries.slice(s, s + chunk);
    const tiles = edge.append(part.map(hashLeaf));
    await store.writeEntries(lease, s, part);
    await store.writeTiles(lease, tiles);
  }
  const signer = ed25519NoteSigner('opendeg.test-log', new Uint8Array(32).fill(7));
  const root = edge.root();
  const note = signNote(formatCheckpoint({ origin: ORIGIN, size: edge.size, root, extensions: [] }), [
    signer,
  ]);
  if (!(await store.setCheckpoint(lease, null, { size: edge.size, root, timeMs: Date.now(), note }))) {
    throw new Error('bench: checkpoint');
  }
  await lease.release();
}

/** The log as a process of its own (test/fixtures/log-process.ts) on `db`. */
async function serve(db: TestDatabase): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(here, '..', 'test', 'fixtures', 'log-process.ts')],
    {
      env: { ...process.env, DATABASE_URL: db.url, LOG_ORIGIN: ORIGIN, LOG_SEED: '7' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const port = /^LISTENING (\d+)$/.exec(line)?.[1];
  if (port === undefined) throw new Error(`bench: log process said ${line}`);
  return {
    url: `http://127.0.0.1:${port}/log`,
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

async function follow(
  url: string,
  db: TestDatabase,
  withChecker: boolean,
  backend: Backend,
): Promise<{ ms: number; cpuMs: number; size: number; counted: number }> {
  const evidenceDir = mkdtempSync(path.join(os.tmpdir(), 'opendeg-observer-bench-'));
  const checker = withChecker
    ? new ElectionChecker(new EntryIndex(db.pool, ORIGIN), { backend, threads: THREADS })
    : undefined;
  const follower = await Follower.open({
    source: httpLogSource(url),
    origin: ORIGIN,
    logKey: vkeyOf(logSigner()),
    pool: db.pool,
    name: 'bench',
    evidenceDir,
    ...(checker === undefined ? {} : { checker }),
  });
  const start = performance.now();
  const cpu = process.cpuUsage();
  const r = await follower.catchUp();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  if (r.kind !== 'unchanged' || follower.alarmTotal > 0) throw new Error(`bench: ${JSON.stringify(r)}`);
  const size = follower.size;
  await follower.close();
  const counted = checker?.counts().counted ?? 0;
  await checker?.close();
  rmSync(evidenceDir, { recursive: true, force: true });
  return { ms, cpuMs, size, counted };
}

/** The native ristretto255 backend when its addon is built here, else libsodium (`auto`). */
async function fastestBackend(): Promise<Backend> {
  try {
    await import('@opendeg/ristretto-native');
    return 'native';
  } catch {
    return 'auto';
  }
}

async function main(): Promise<void> {
  const backend = await fastestBackend();
  // 1. Replication.
  log(`making ${BALLOTS} real ballots`);
  const fx = await makeElectionWith(BALLOTS);
  const sample = unwrap(
    encodeEntry(
      ballotEntry(
        fx.ballots[0] ??
          (() => {
            throw new Error('no ballot');
          })(),
      ),
    ),
  );
  log(`writing a log of ${ENTRIES} entries of ${sample.length} bytes`);
  const template = new TextDecoder().decode(sample);
  const entries = Array.from({ length: ENTRIES }, (_, i) =>
    new TextEncoder().encode(template.replace('"type":"ballot"', `"n":${i},"type":"bench-ballot"`)),
  );
  const logDb = await createTestDatabase({ migrate: false });
  await writeLog(logDb, entries);
  const server = await serve(logDb);
  const nodeDb = await createTestDatabase({ migrate: false });
  log('replicating');
  const rep = await follow(server.url, nodeDb, false, backend);
  await server.stop();
  const replicationRate = rep.size / (rep.ms / 1000);
  const replicationCpuRate = rep.size / (rep.cpuMs / 1000);
  log(`replicated ${rep.size} entries in ${(rep.ms / 1000).toFixed(1)} s`);

  // 2. Ballot re-checking.
  const ballotLogDb = await createTestDatabase({ migrate: false });
  const ballotEntries = [manifestEntry(fx.sim), ...fx.ballots.map(ballotEntry)].map((e) =>
    unwrap(encodeEntry(e)),
  );
  await writeLog(ballotLogDb, ballotEntries);
  const ballotServer = await serve(ballotLogDb);
  const checkDb = await createTestDatabase({ migrate: false });
  log('re-checking ballots');
  const chk = await follow(ballotServer.url, checkDb, true, backend);
  await ballotServer.stop();
  if (chk.counted !== BALLOTS) throw new Error(`bench: counted ${chk.counted} of ${BALLOTS}`);
  const checkRate = chk.counted / (chk.ms / 1000);
  const checkCpuRate = chk.counted / (chk.cpuMs / 1000);
  log(`re-checked ${chk.counted} ballots in ${(chk.ms / 1000).toFixed(1)} s`);

  const estimateS = TARGET / replicationRate + TARGET / checkRate;
  const estimateCpuS = TARGET / replicationCpuRate + TARGET / checkCpuRate;
  process.stdout.write(
    `${JSON.stringify(
      {
        machine: { cpus: os.cpus().length, node: process.version },
        replication: {
          entries: rep.size,
          entryBytes: sample.length,
          seconds: Number((rep.ms / 1000).toFixed(2)),
          entriesPerSecond: Math.round(replicationRate),
          nodeCpuSeconds: Number((rep.cpuMs / 1000).toFixed(2)),
          entriesPerNodeCpuSecond: Math.round(replicationCpuRate),
        },
        ballotRecheck: {
          ballots: chk.counted,
          seconds: Number((chk.ms / 1000).toFixed(2)),
          ballotsPerSecond: Number(checkRate.toFixed(1)),
          nodeCpuSeconds: Number((chk.cpuMs / 1000).toFixed(2)),
          ballotsPerNodeCpuSecond: Number(checkCpuRate.toFixed(1)),
          suite: fx.sim.manifest.suite,
          backend,
          workerThreads: THREADS,
        },
        oneMillion: {
          estimatedMinutes: Number((estimateS / 60).toFixed(1)),
          estimatedNodeCpuMinutes: Number((estimateCpuS / 60).toFixed(1)),
          loadAverage: os.loadavg().map((x) => Number(x.toFixed(1))),
          budgetMinutes: 20,
          withinBudget: estimateS <= 20 * 60,
          method: `extrapolated linearly from ${rep.size} replicated entries and ${chk.counted} re-checked ballots (${THREADS} worker threads for the ballots), one machine`,
        },
      },
      null,
      2,
    )}\n`,
  );
  for (const d of [logDb, nodeDb, ballotLogDb, checkDb]) await d.drop();
}

await main();
process.exit(0);
