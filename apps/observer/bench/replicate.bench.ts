/**
 * Observer node benchmark (issue 8): a fresh node replicates and verifies an election's log from
 * scratch; one JSON object on stdout (progress on stderr).
 *
 *   1. replication alone: a log of N ballot-sized entries (OBSERVER_BENCH_ENTRIES, default 20,000; 0
 *      skips it) served by a log process of its own over HTTP (C2SP tlog-tiles); a fresh node without
 *      the election checker fetches every bundle, rehashes every entry, stores entries and tiles and
 *      checks the signed root — entries per second;
 *   2. the election: the manifest and M real ballots (OBSERVER_BENCH_BALLOTS or the first argument,
 *      default 50,000; seed OBSERVER_BENCH_SEED, default 1) of a DEG ballot of 6 candidates and the
 *      blank choice in four regions, made once in worker threads and cached in the temp directory
 *      (bench/synthetic-election.ts), written as static files in the C2SP tlog-tiles layout and
 *      served by a file server process (bench/static-log-process.ts: the node's figures are then
 *      not mixed with a database-backed log server's cost on the same cores; OBSERVER_BENCH_LOG=
 *      postgres writes it into a log's PostgreSQL and serves it with the ledger's own handlers);
 *      a fresh node with the election checker (OBSERVER_BENCH_THREADS worker threads, default: one
 *      per CPU; native ristretto255 when built) follows it to fully verified: every entry rehashed
 *      and stored, the signed root checked, every ballot re-checked (E.1, E.4, B.1–B.10), every
 *      credential once, the running tally per region — which must equal the tallies recomputed here
 *      from the ballots, and every ballot must be counted;
 *   3. the steady state of (2): while the node fetches and stores, its workers verify the ballots
 *      (the pipeline's rate, between 20% and 80% of the ballots), then, once the root is checked,
 *      the node counts the verified entries in log order (the count's rate); the 1 M projection is
 *      the start-up time plus 1,000,000 at each rate.
 *
 * CPU: the node's process (main thread and workers: process.cpuUsage) and the log process (from
 * /proc); PostgreSQL's is not counted. The machine's load average is printed: on a shared machine
 * the figures are noisy. PostgreSQL: DATABASE_URL if set, else the embedded test server (fsync off).
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import type { Backend } from '@opendeg/crypto';
import { createTestDatabase, type TestDatabase } from '@opendeg/db/testing';
import {
  decodeAnswerJson,
  openElection,
  parseManifest,
  RegionTally,
  type BallotJson,
  type RegionTallyJson,
} from '@opendeg/election';
import {
  decodeEntry,
  ed25519NoteSigner,
  encodeEntryBundle,
  formatCheckpoint,
  formatTilePath,
  hashLeaf,
  PostgresLedgerStore,
  signNote,
  TILE_WIDTH,
  TileEdge,
  type TileRef,
} from '@opendeg/ledger';

import { ElectionChecker } from '../src/election/election-checker.ts';
import { EntryIndex } from '../src/election/entry-index.ts';
import { Follower, type EntryChecker } from '../src/follower.ts';
import { httpLogSource } from '../src/log-source.ts';
import { logSigner, ORIGIN, vkeyOf } from '../test/helpers/log-server.ts';
import { readLog, syntheticLog } from './synthetic-election.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const ENTRIES = Number(process.env.OBSERVER_BENCH_ENTRIES ?? '20000');
const BALLOTS = Number(process.argv[2] ?? process.env.OBSERVER_BENCH_BALLOTS ?? '50000');
const SEED = Number(process.env.OBSERVER_BENCH_SEED ?? '1');
const THREADS = Number(process.env.OBSERVER_BENCH_THREADS ?? String(os.cpus().length));
/** Where the election's log is served from: static tiles (default) or PostgreSQL. */
const LOG_FROM = process.env.OBSERVER_BENCH_LOG === 'postgres' ? 'postgres' : 'static';
const TARGET = 1_000_000;

const log = (m: string): void => {
  process.stderr.write(`[observer bench] ${new Date().toISOString().slice(11, 19)} ${m}\n`);
};
const round = (x: number, d = 1): number => Number(x.toFixed(d));
const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/**
 * The fields of /proc/<pid>/stat after the command's name (Linux; throws elsewhere): [1] the parent,
 * [11] and [12] user and system ticks, [13] and [14] those of the children it reaped.
 */
function procStat(pid: number | string): string[] {
  return (
    readFileSync(`/proc/${String(pid)}/stat`, 'utf8')
      .split(') ')[1]
      ?.split(' ') ?? []
  );
}

/** CPU seconds of another process so far (Linux /proc; 0 elsewhere). */
function cpuOf(child: ChildProcess): number {
  try {
    const fields = procStat(child.pid ?? 0);
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds of the node's PostgreSQL server so far (postmaster, its live children and the children
 * it reaped), or undefined when the server is not a process on this machine (`DATABASE_URL`).
 */
async function postgresCpu(db: TestDatabase): Promise<(() => number) | undefined> {
  try {
    const r = await db.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const postmaster = Number(procStat(r.rows[0]?.pid ?? 0)[1]);
    if (!(postmaster > 1)) return undefined;
    return () => {
      const own = procStat(postmaster);
      let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
      for (const pid of readdirSync('/proc')) {
        if (!/^\d+$/.test(pid)) continue;
        try {
          const f = procStat(pid);
          if (Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]);
        } catch {
          // a backend that ended between the listing and the read: counted by the postmaster
        }
      }
      return ticks / 100;
    };
  } catch {
    return undefined;
  }
}

/** Writes a log straight into a ledger store, `chunk` entries at a time, signed by the test log key. */
async function writeLog(
  db: TestDatabase,
  chunks: AsyncIterable<Uint8Array[]> | Iterable<Uint8Array[]>,
): Promise<number> {
  const store = await PostgresLedgerStore.open(db.pool, ORIGIN);
  const lease = await store.acquireSequencer();
  if (lease === null) throw new Error('bench: lease');
  const edge = TileEdge.empty();
  for await (const part of chunks) {
    const start = edge.size;
    const tiles = edge.append(part.map(hashLeaf));
    await store.writeEntries(lease, start, part);
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
  return edge.size;
}

/**
 * The log as static files in the C2SP tlog-tiles layout under `dir` (bench/static-log-process.ts
 * serves them): every entry bundle, every hash tile of the final tree (full tiles, and the right
 * edge's partial ones under their width) and the signed checkpoint. Kept beside the cached log once
 * complete, so a rerun reuses it.
 */
async function writeStaticLog(
  dir: string,
  chunks: AsyncIterable<Uint8Array[]> | Iterable<Uint8Array[]>,
): Promise<number> {
  const done = path.join(dir, 'complete');
  if (existsSync(done)) return Number(readFileSync(done, 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  const made = new Set<string>();
  const put = async (ref: TileRef, bytes: Uint8Array): Promise<void> => {
    const file = path.join(dir, formatTilePath(ref));
    const parent = path.dirname(file);
    if (!made.has(parent)) {
      await mkdir(parent, { recursive: true });
      made.add(parent);
    }
    await writeFile(file, bytes);
  };
  const edge = TileEdge.empty();
  for await (const part of chunks) {
    const start = edge.size;
    if (start % TILE_WIDTH !== 0) throw new Error('bench: parts must fill whole bundles');
    for (const t of edge.append(part.map(hashLeaf)))
      await put({ level: t.level, index: t.index, width: t.hashes.length / 32 }, t.hashes);
    for (let k = 0; k < part.length; k += TILE_WIDTH) {
      const bundle = part.slice(k, k + TILE_WIDTH);
      await put(
        { level: 'entries', index: (start + k) / TILE_WIDTH, width: bundle.length },
        encodeEntryBundle(bundle),
      );
    }
  }
  const signer = ed25519NoteSigner('opendeg.test-log', new Uint8Array(32).fill(7));
  const note = signNote(
    formatCheckpoint({ origin: ORIGIN, size: edge.size, root: edge.root(), extensions: [] }),
    [signer],
  );
  await writeFile(path.join(dir, 'checkpoint'), note);
  await writeFile(done, String(edge.size));
  return edge.size;
}

/**
 * The log as a process of its own: from PostgreSQL `db` (test/fixtures/log-process.ts, the ledger's
 * own handlers) or from the static directory (bench/static-log-process.ts).
 */
async function serve(
  from: { db: TestDatabase } | { dir: string },
): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'db' in from
        ? path.join(here, '..', 'test', 'fixtures', 'log-process.ts')
        : path.join(here, 'static-log-process.ts'),
    ],
    {
      env: {
        ...process.env,
        ...('db' in from ? { DATABASE_URL: from.db.url } : { LOG_DIR: from.dir }),
        LOG_ORIGIN: ORIGIN,
        LOG_SEED: '7',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const port = /^LISTENING (\d+)$/.exec(line)?.[1];
  if (port === undefined) throw new Error(`bench: log process said ${line}`);
  return {
    url: `http://127.0.0.1:${port}/log`,
    child,
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

interface Sample {
  readonly t: number;
  readonly cpu: number;
  readonly logCpu: number;
  readonly judged: number;
}

/** A fresh node follows the log at `url` to fully verified. */
async function follow(
  url: string,
  db: TestDatabase,
  checker: ElectionChecker | undefined,
  logChild: ChildProcess,
): Promise<{
  ms: number;
  cpuS: number;
  logCpuS: number;
  /** The node's PostgreSQL server, when it runs on this machine. */
  postgresCpuS: number | undefined;
  size: number;
  samples: Sample[];
  countStart: Sample | undefined;
}> {
  const evidenceDir = mkdtempSync(path.join(os.tmpdir(), 'opendeg-observer-bench-'));
  const pgCpu = await postgresCpu(db);
  const pgCpu0 = pgCpu?.();
  const t0 = performance.now();
  const cpu0 = cpuNow();
  const logCpu0 = cpuOf(logChild);
  const sample = (): Sample => ({
    t: (performance.now() - t0) / 1000,
    cpu: cpuNow() - cpu0,
    logCpu: cpuOf(logChild) - logCpu0,
    judged: checker?.workerProgress().judged ?? 0,
  });
  // The first `check` of verified entries: the pipeline is over, the count in log order begins.
  let countStart: Sample | undefined;
  const timed: EntryChecker | undefined =
    checker === undefined
      ? undefined
      : {
          check: (entries, ctx) => {
            countStart ??= sample();
            return checker.check(entries, ctx);
          },
          checkLeaves: (leaves, ctx, read) => {
            countStart ??= sample();
            return checker.checkLeaves(leaves, ctx, read);
          },
          settle: () => checker.settle(),
          prefetch: (entries) => checker.prefetch(entries),
        };
  const follower = await Follower.open({
    source: httpLogSource(url),
    origin: ORIGIN,
    logKey: vkeyOf(logSigner()),
    pool: db.pool,
    name: 'bench',
    evidenceDir,
    ...(timed === undefined ? {} : { checker: timed }),
  });
  const samples: Sample[] = [];
  const timer = setInterval(() => {
    const s = sample();
    samples.push(s);
    if (samples.length % 10 === 0) log(`  ${Math.round(s.t)} s: ${s.judged} ballots judged by the workers`);
  }, 1000);
  const r = await follower.catchUp();
  clearInterval(timer);
  const end = sample();
  if (r.kind !== 'unchanged' || follower.alarmTotal > 0) throw new Error(`bench: ${JSON.stringify(r)}`);
  const size = follower.size;
  await follower.close();
  rmSync(evidenceDir, { recursive: true, force: true });
  return {
    ms: end.t * 1000,
    cpuS: end.cpu,
    logCpuS: end.logCpu,
    postgresCpuS: pgCpu === undefined || pgCpu0 === undefined ? undefined : pgCpu() - pgCpu0,
    size,
    samples: [...samples, end],
    countStart,
  };
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

/**
 * The tallies of the ballots, summed here apart from the node: every ballot's ciphertexts added to its
 * region's (the node must have counted every ballot, so no proof is checked again here).
 */
async function expectedTallies(file: string, backend: Backend): Promise<Map<string, RegionTallyJson>> {
  const tallies = new Map<string, RegionTally<unknown>>();
  let election: Awaited<ReturnType<typeof openElection>> | undefined;
  for await (const part of readLog(file, 4096)) {
    for (const bytes of part) {
      const d = decodeEntry(bytes);
      if (!d.ok) throw new Error('bench: an entry does not decode');
      if (d.value.type === 'manifest') {
        election = await openElection(parseManifest(d.value.manifest), { backend });
        for (const [code, r] of election.regions)
          tallies.set(code, new RegionTally(election.group, code, r.style));
        continue;
      }
      if (election === undefined) throw new Error('bench: no manifest first');
      const g = election.group;
      const vote = (d.value.ballot as unknown as BallotJson).vote;
      tallies.get(vote.region)?.add(vote.answers.map((a, q) => decodeAnswerJson(g, a, `answers[${q}]`)));
    }
  }
  return new Map([...tallies].map(([code, t]) => [code, t.toJson()]));
}

/** The rate between the samples where `judged` passes 20% and 80% of `total`. */
function steady(
  samples: readonly Sample[],
  total: number,
): { wall: number; cpu: number; logCpu: number } | undefined {
  const a = samples.find((s) => s.judged >= 0.2 * total);
  const b = samples.find((s) => s.judged >= 0.8 * total);
  if (a === undefined || b === undefined || b.t <= a.t || b.cpu <= a.cpu) return undefined;
  const n = b.judged - a.judged;
  return {
    wall: n / (b.t - a.t),
    cpu: n / (b.cpu - a.cpu),
    logCpu: b.logCpu - a.logCpu > 0 ? n / (b.logCpu - a.logCpu) : 0,
  };
}

async function main(): Promise<void> {
  const backend = await fastestBackend();
  const synthetic = await syntheticLog(BALLOTS, SEED, os.cpus().length, log);
  const dbs: TestDatabase[] = [];
  const fresh = async (): Promise<TestDatabase> => {
    const d = await createTestDatabase({ migrate: false });
    dbs.push(d);
    return d;
  };

  // 1. Replication alone.
  let replication: Record<string, number> | undefined;
  if (ENTRIES > 0) {
    let sample: Uint8Array | undefined;
    for await (const part of readLog(synthetic.file, 2)) {
      sample = part[1];
      break;
    }
    if (sample === undefined) throw new Error('bench: no ballot');
    const template = new TextDecoder().decode(sample);
    const logDb = await fresh();
    log(`writing a log of ${ENTRIES} entries of ${sample.length} bytes`);
    await writeLog(
      logDb,
      (function* () {
        for (let s = 0; s < ENTRIES; s += 4096)
          yield Array.from({ length: Math.min(4096, ENTRIES - s) }, (_, k) =>
            new TextEncoder().encode(
              template.replace('"type":"ballot"', `"n":${s + k},"type":"bench-ballot"`),
            ),
          );
      })(),
    );
    const server = await serve({ db: logDb });
    log('replicating');
    const rep = await follow(server.url, await fresh(), undefined, server.child);
    await server.stop();
    replication = {
      entries: rep.size,
      entryBytes: sample.length,
      seconds: round(rep.ms / 1000, 2),
      entriesPerSecond: Math.round(rep.size / (rep.ms / 1000)),
      nodeCpuSeconds: round(rep.cpuS, 2),
      entriesPerNodeCpuSecond: Math.round(rep.size / rep.cpuS),
      logProcessCpuSeconds: round(rep.logCpuS, 2),
      ...(rep.postgresCpuS === undefined ? {} : { nodePostgresCpuSeconds: round(rep.postgresCpuS, 2) }),
    };
    log(`replicated ${rep.size} entries in ${(rep.ms / 1000).toFixed(1)} s`);
  }

  // 2. The election, from scratch to fully verified.
  let server: Awaited<ReturnType<typeof serve>>;
  if (LOG_FROM === 'postgres') {
    const logDb = await fresh();
    log(`writing the election's log into PostgreSQL (${synthetic.entries} entries)`);
    await writeLog(logDb, readLog(synthetic.file, 4096));
    server = await serve({ db: logDb });
  } else {
    const dir = path.join(path.dirname(synthetic.file), 'static');
    log(`writing the election's log as static tiles (${synthetic.entries} entries) in ${dir}`);
    await writeStaticLog(dir, readLog(synthetic.file, 4096));
    server = await serve({ dir });
  }
  const nodeDb = await fresh();
  const checker = new ElectionChecker(new EntryIndex(nodeDb.pool, ORIGIN), { backend, threads: THREADS });
  const load0 = os.loadavg();
  log(`a fresh node follows the election (${THREADS} worker threads, ${backend})`);
  const run = await follow(server.url, nodeDb, checker, server.child);
  const load1 = os.loadavg();
  await server.stop();
  const counts = checker.counts();
  const progress = checker.workerProgress();
  log(`verified ${counts.counted} ballots in ${(run.ms / 1000).toFixed(1)} s; checking the tallies`);
  if (counts.counted !== BALLOTS || counts.rejected !== 0)
    throw new Error(`bench: counted ${counts.counted} of ${BALLOTS}`);
  const expected = await expectedTallies(synthetic.file, backend);
  for (const [region, t] of expected) {
    if (JSON.stringify(checker.tally(region)) !== JSON.stringify(t))
      throw new Error(`bench: tally ${region} differs`);
  }
  await checker.close();

  const pipeline = steady(run.samples, BALLOTS);
  const cs = run.countStart;
  const countS = cs === undefined ? 0 : run.ms / 1000 - cs.t;
  const countCpuS = cs === undefined ? 0 : run.cpuS - cs.cpu;
  // The count waits for the workers' last verdicts: only what follows them is the count's own time.
  const allJudged = run.samples.find((s) => s.judged >= BALLOTS);
  const tailFrom =
    cs === undefined || allJudged === undefined ? undefined : allJudged.t > cs.t ? allJudged : cs;
  const tailS = tailFrom === undefined ? countS : run.ms / 1000 - tailFrom.t;
  const tailCpuS = tailFrom === undefined ? countCpuS : run.cpuS - tailFrom.cpu;
  const firstJudged = run.samples.find((s) => s.judged > 0);
  const startupS = firstJudged?.t ?? 0;
  const startupCpuS = firstJudged?.cpu ?? 0;
  const projectedS =
    pipeline === undefined ? undefined : startupS + TARGET / pipeline.wall + (tailS / BALLOTS) * TARGET;
  // The same from CPU time, as if the node had every core to itself (PostgreSQL and the log not counted).
  const cpus = os.cpus().length;
  const idleS =
    pipeline === undefined
      ? undefined
      : (startupCpuS + TARGET / pipeline.cpu + (tailCpuS / BALLOTS) * TARGET) / cpus;
  process.stdout.write(
    `${JSON.stringify(
      {
        machine: { cpus: os.cpus().length, node: process.version },
        ...(replication === undefined ? {} : { replication }),
        election: {
          ballots: BALLOTS,
          entries: run.size,
          ballotStyle: '6 candidates + blank (7 ciphertexts, 8 proofs), 4 regions, 2 key groups',
          seed: SEED,
          generatedSeconds:
            synthetic.generatedSeconds === null ? 'cached' : round(synthetic.generatedSeconds),
          backend,
          workerThreads: THREADS,
          logServedFrom:
            LOG_FROM === 'postgres'
              ? 'PostgreSQL, by the ledger’s own tlog-tiles handlers in a process of its own on this machine'
              : 'static files in the C2SP tlog-tiles layout, by a file server process on this machine',
          seconds: round(run.ms / 1000, 2),
          ballotsPerSecond: round(BALLOTS / (run.ms / 1000)),
          nodeCpuSeconds: round(run.cpuS, 2),
          ballotsPerNodeCpuSecond: round(BALLOTS / run.cpuS),
          logProcessCpuSeconds: round(run.logCpuS, 2),
          ...(run.postgresCpuS === undefined ? {} : { nodePostgresCpuSeconds: round(run.postgresCpuS, 2) }),
          verdictsFromJobsSentAhead: progress.usedAhead,
          entriesReadBackToCount: progress.readBack,
          talliesEqualRecomputed: true,
        },
        steadyState: {
          pipeline:
            pipeline === undefined
              ? null
              : {
                  what: 'fetch, rehash and store while the workers verify (20%–80% of the ballots)',
                  ballotsPerSecond: round(pipeline.wall),
                  ballotsPerNodeCpuSecond: round(pipeline.cpu),
                  ballotsPerLogProcessCpuSecond: round(pipeline.logCpu),
                },
          countInLogOrder: {
            what: 'after the signed root is checked: leaf hashes read back (bytes only where the workers’ verdicts do not serve), B.6/B.10, index, tallies (waiting first for the workers’ last verdicts)',
            seconds: round(countS, 2),
            nodeCpuSeconds: round(countCpuS, 2),
            afterLastVerdictSeconds: round(tailS, 2),
            afterLastVerdictNodeCpuSeconds: round(tailCpuS, 2),
            ballotsPerSecondAfterLastVerdict: tailS > 0 ? Math.round(BALLOTS / tailS) : null,
          },
          startupSeconds: round(startupS, 2),
          startupNodeCpuSeconds: round(startupCpuS, 2),
        },
        oneMillion: {
          projectedMinutes: projectedS === undefined ? null : round(projectedS / 60),
          projectedMinutesFromCpuTime: idleS === undefined ? null : round(idleS / 60),
          budgetMinutes: 20,
          withinBudget: projectedS === undefined ? null : projectedS <= 20 * 60,
          loadAverage: { before: load0.map((x) => round(x)), after: load1.map((x) => round(x)) },
          method: `wall: start-up + 1,000,000 / the pipeline's steady rate + 1,000,000 × the count's own time a ballot, measured on ${BALLOTS} ballots on this machine (shared: see the load average); fromCpuTime: the same in the node's CPU seconds (main thread and workers) divided by ${cpus} cores, as if the node had them to itself — PostgreSQL's and the log process's CPU not counted`,
        },
      },
      null,
      2,
    )}\n`,
  );
  for (const d of dbs) await d.drop();
}

await main();
process.exit(0);
