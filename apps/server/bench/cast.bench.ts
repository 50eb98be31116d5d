// Ballot box benchmark (issue 6): ballots cast over HTTP against a real server on the embedded
// PostgreSQL, durable (fsync on), with the load from a second process on loopback (cast-load.ts) and
// every ballot prepared beforehand. Prints one JSON object on stdout (progress on stderr):
//   - sustained: ballots/s accepted with `CONCURRENCY` requests in flight (target ≥ 300/s);
//   - fixedRate: p50/p99 latency from due time to receipt at 100 ballots/s (target p99 ≤ 250 ms).
// Each accepted ballot is fully validated (B.1–B.10), appended to the ledger (durable checkpoint) and
// added to its region's running tally in the transaction that records it. Beside the rates, the CPU
// per ballot (the machine is shared, so wall-clock figures depend on what else runs; CPU time much
// less): the server process in all, its main thread, its other threads (validation workers, GC,
// libuv) and the embedded PostgreSQL, from /proc; and validation alone, one by one and batched.
// Environment: BENCH_BACKEND (noble | libsodium | native | auto; default auto, what openElection picks;
// native and auto load @opendeg/ristretto-native in every process and worker where it is built),
// BENCH_SUSTAINED (ballots, default 1500), BENCH_FIXED_SECONDS (default 15), BENCH_CONCURRENCY (64),
// BENCH_WORKERS (validation worker threads, default the number of CPUs; 0 validates in the server's
// own thread), BENCH_CACHE (a directory: the manifest, issuer keys and ballots of the first run are
// kept there and reused), BENCH_PROFILE (a file: the server's main thread is CPU-profiled during the
// sustained phase, .cpuprofile for Chrome DevTools or `node --import tsx bench/profile-top.ts`).
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import inspector from 'node:inspector';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  canonicalJson,
  loadGroup,
  registeredBackends,
  toBase64,
  type Backend,
  type JsonValue,
} from '@opendeg/crypto';
import { exportIssuerPublicKeySpki, generateIssuerKey } from '@opendeg/crypto/node';
import { createPool, loadMigrations, migrate, startEmbeddedPostgres } from '@opendeg/db';
import { parseElectionConfig, type BallotSource, type ElectionConfig } from '@opendeg/deg';
import {
  keyCeremonyContext,
  manifestHash,
  openElection,
  parseManifest,
  validateBallot,
  validateBallots,
  type ElectionManifest,
} from '@opendeg/election';
import { ed25519NoteSigner, Ledger, PostgresLedgerStore, unwrap } from '@opendeg/ledger';
import { buildApp } from '../src/app.ts';
import { castCounts } from '../src/ballot-box/cast-counts.ts';
import { readElectionConfigFile, storeElection } from '../src/elections/load-election.ts';
import { generateKey, keyGroupDef } from '../src/keys/ceremony.ts';
import { buildManifest } from '../src/keys/manifest.ts';
import type { LoadCommand, LoadReply } from './cast-load.ts';

const log = (msg: string): void => {
  process.stderr.write(`[cast bench] ${msg}\n`);
};
const env = (name: string, fallback: string): string => process.env[name] ?? fallback;
const BACKEND = env('BENCH_BACKEND', 'auto') as Backend;
const SUSTAINED = Number(env('BENCH_SUSTAINED', '1500'));
const FIXED_SECONDS = Number(env('BENCH_FIXED_SECONDS', '15'));
const CONCURRENCY = Number(env('BENCH_CONCURRENCY', '64'));
const WORKERS = Number(env('BENCH_WORKERS', String(os.cpus().length)));
const RATE = 100;
const CACHE = process.env.BENCH_CACHE;
const PROFILE = process.env.BENCH_PROFILE;
/** Ballots validated one by one in this process, for the CPU cost of validation alone. */
const SAMPLE = 40;
/** 12:00 in Moscow on the middle voting day of the training configuration: every region open. */
const MIDDAY = Date.parse('2026-09-19T09:00:00Z');

const SOURCE: BallotSource = {
  version: 1,
  title: 'Выборы (нагрузочный тест)',
  instructions: 'Отметьте одного кандидата',
  candidates: ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((id, i) => ({
    id,
    name: `Кандидат ${i + 1}`,
    info: '',
  })),
};

function quantile(sorted: readonly number[], q: number): number {
  return Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1));
}

/** CPU time of this process (user + system, all threads) per ballot, in ms. */
function cpuMsPer(used: NodeJS.CpuUsage, ballots: number): { user: number; system: number; total: number } {
  const per = (us: number): number => Number((us / 1000 / Math.max(1, ballots)).toFixed(3));
  return { user: per(used.user), system: per(used.system), total: per(used.user + used.system) };
}

function ask(child: ReturnType<typeof fork>, command: LoadCommand): Promise<LoadReply> {
  return new Promise((resolve, reject) => {
    child.once('message', (m) => {
      resolve(m as LoadReply);
    });
    child.once('exit', (code) => {
      reject(new Error(`load generator exited with ${String(code)}`));
    });
    child.send(command);
  });
}

/** Linux clock ticks (utime + stime) of a /proc stat line; the fields after the command's ")". */
function statTicks(file: string): number {
  try {
    const fields = readFileSync(file, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0; // a thread or process that ended between the listing and the read
  }
}

/**
 * CPU ticks by where they were spent: this process's main thread (HTTP, database client, the
 * sequencer), its other threads (validation workers, libuv, V8's), and the embedded PostgreSQL
 * (the postmaster under `dataDir` and its children, which live as long as their pool connections).
 */
function cpuTicks(dataDir: string): { main: number; threads: number; postgres: number } {
  if (!existsSync('/proc/self/task')) return { main: 0, threads: 0, postgres: 0 };
  let main = 0;
  let threads = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    const t = statTicks(`/proc/self/task/${tid}/stat`);
    if (Number(tid) === process.pid) main += t;
    else threads += t;
  }
  const procs = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const postmaster = procs.find((d) => {
    try {
      return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(dataDir);
    } catch {
      return false;
    }
  });
  let postgres = 0;
  for (const d of procs) {
    const stat = (() => {
      try {
        return readFileSync(`/proc/${d}/stat`, 'utf8');
      } catch {
        return '';
      }
    })();
    const ppid = stat.split(') ')[1]?.split(' ')[1];
    if (d === postmaster || (postmaster !== undefined && ppid === postmaster))
      postgres += statTicks(`/proc/${d}/stat`);
  }
  return { main, threads, postgres };
}

/** Ms of CPU per ballot between two cpuTicks readings (100 ticks a second on Linux). */
function cpuSplit(
  a: ReturnType<typeof cpuTicks>,
  b: ReturnType<typeof cpuTicks>,
  ballots: number,
): { serverMainThread: number; serverOtherThreads: number; postgres: number } {
  const per = (ticks: number): number => Number(((ticks * 10) / Math.max(1, ballots)).toFixed(3));
  return {
    serverMainThread: per(b.main - a.main),
    serverOtherThreads: per(b.threads - a.threads),
    postgres: per(b.postgres - a.postgres),
  };
}

/** A CPU profile of this thread (the server's HTTP, database and sequencing work). */
async function startProfile(): Promise<{ stop: () => Promise<string> }> {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((resolve, reject) => {
      session.post(method, params, (err, result) => {
        if (err === null) resolve(result);
        else reject(err);
      });
    });
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  return {
    async stop() {
      const r = (await post('Profiler.stop')) as { profile: unknown };
      session.disconnect();
      return JSON.stringify(r.profile);
    },
  };
}

/**
 * The keys and the manifest, as the ceremony and the chairman would have fixed them. With
 * BENCH_CACHE (a directory) the manifest and the issuers' keys of an earlier run are reused, and so
 * are its prepared ballots (cast-load.ts): preparing them is most of a run's time.
 */
async function keysAndManifest(config: ElectionConfig): Promise<{
  manifest: ElectionManifest;
  issuerPems: Record<string, string>;
  cached: boolean;
}> {
  const file = CACHE === undefined ? undefined : path.join(CACHE, 'setup.json');
  if (file !== undefined && existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as {
      manifest: unknown;
      issuerPems: Record<string, string>;
    };
    return { manifest: parseManifest(saved.manifest), issuerPems: saved.issuerPems, cached: true };
  }
  const g = await loadGroup(config.suite, BACKEND);
  const keyGroups = config.keyGroups.map((k) =>
    keyGroupDef(
      g,
      k.id,
      generateKey(g, keyCeremonyContext(config.electionId, config.suite, k.id), { n: 3, k: 2 }, 'dealer').key,
    ),
  );
  const issuers = new Map<string, string>();
  const issuerPems: Record<string, string> = {};
  for (const r of config.regions) {
    const { privateKey, publicKey } = await generateIssuerKey(2048);
    issuers.set(r.code, toBase64(exportIssuerPublicKeySpki(publicKey)));
    issuerPems[r.code] = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  }
  const built = buildManifest(config, keyGroups, SOURCE, issuers);
  if (!built.ok) throw new Error(built.problem);
  if (file !== undefined) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ manifest: built.manifest, issuerPems }));
  }
  return { manifest: built.manifest, issuerPems, cached: false };
}

/** The native backend registers itself when imported; auto prefers it then. */
const PRELOAD = BACKEND === 'native' || BACKEND === 'auto' ? ['@opendeg/ristretto-native'] : [];

async function main(): Promise<void> {
  for (const m of PRELOAD) await import(m);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'opendeg-cast-bench-'));
  const pg = await startEmbeddedPostgres({ dataDir, durable: true });
  const pool = createPool(pg.url, { max: 20 });
  const ledgerPool = createPool(pg.url, { max: 8 });
  const child = fork(fileURLToPath(new URL('./cast-load.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  try {
    await migrate(pool, { migrations: loadMigrations() });
    const base = readElectionConfigFile(fileURLToPath(new URL('../dev/election.json', import.meta.url)));
    const parsed = parseElectionConfig({ ...base, electionId: 'cast-bench' });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const config = parsed.config;
    const election = await storeElection(pool, config, new Date(MIDDAY));

    // The keys and the manifest, as the ceremony and the chairman would have fixed them.
    const setup = await keysAndManifest(config);
    const { issuerPems } = setup;
    const origin = 'bench.opendeg.example/cast-bench/ledger';
    const ledger = unwrap(
      await Ledger.open({
        origin,
        signer: ed25519NoteSigner(origin, new Uint8Array(randomBytes(32))),
        store: await PostgresLedgerStore.open(ledgerPool, origin),
      }),
    );
    const sha256 = Buffer.from(manifestHash(setup.manifest)).toString('hex');
    const entry = unwrap(
      await ledger.append({ type: 'manifest', sha256, manifest: setup.manifest as unknown as JsonValue }),
    );
    await pool.query(
      `INSERT INTO election_manifests (election_id, manifest, sha256, ledger_index, fixed_at) VALUES ($1, $2, decode($3, 'hex'), $4, $5)`,
      [config.electionId, canonicalJson(setup.manifest), sha256, entry.index, new Date(MIDDAY)],
    );

    const started = Date.now();
    const app = await buildApp({
      clock: { now: () => new Date(MIDDAY + (Date.now() - started)) },
      // stdout carries the one JSON result: the server's log goes to stderr.
      logger: { level: 'warn', destination: { write: (line) => void process.stderr.write(line) } },
      identity: {
        cookieSecret: randomBytes(32).toString('base64url'),
        provider: { kind: 'stand-in', register: [], clientSecret: 'bench', cookieKeys: ['bench-cookie-key'] },
      },
      db: { pool },
      roles: { election },
      ballotBox: {
        log: ledger,
        validationWorkers: WORKERS,
        validationPreload: PRELOAD,
        ...(BACKEND === 'auto' ? {} : { backend: BACKEND }),
      },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const baseUrl = app.listeningOrigin;

    const fixedCount = RATE * FIXED_SECONDS;
    const total = SUSTAINED + fixedCount + 20;
    log(`preparing ${total} ballots in the load generator (backend ${BACKEND})`);
    const prepared = await ask(child, {
      kind: 'prepare',
      manifest: setup.manifest,
      issuers: issuerPems,
      regions: config.regions.map((r) => r.code),
      count: total + SAMPLE,
      backend: BACKEND,
      preload: PRELOAD,
      sample: SAMPLE,
      ...(CACHE === undefined ? {} : { cacheFile: path.join(CACHE, 'ballots.json') }),
    });
    if (prepared.kind !== 'prepared') throw new Error('prepare');
    log(`prepared in ${prepared.seconds.toFixed(1)} s; validation alone, one thread`);
    const opened = await openElection(setup.manifest, { backend: BACKEND });
    const sample = prepared.sample.map((text): unknown => JSON.parse(text));
    const tv = performance.now();
    const cv = process.cpuUsage();
    for (const b of sample) {
      const v = await validateBallot(opened, b);
      if (!v.ok) throw new Error(`a prepared ballot fails ${JSON.stringify(v.failures)}`);
    }
    const validationCpu = process.cpuUsage(cv);
    const validationMs = (performance.now() - tv) / sample.length;
    // The same ballots in one validateBallots call, as a validation worker gets them under load.
    const cb = process.cpuUsage();
    if (!(await validateBallots(opened, sample)).every((v) => v.ok)) throw new Error('a batch fails');
    const batchedCpu = process.cpuUsage(cb);
    log('warming up');
    await ask(child, { kind: 'sustained', baseUrl, from: 0, to: 20, concurrency: 4 });

    log(`sustained: ${SUSTAINED} ballots, ${CONCURRENCY} in flight`);
    const load0 = os.loadavg()[0];
    const profiler = PROFILE === undefined ? undefined : await startProfile();
    const cpuS = process.cpuUsage();
    const ticksS = cpuTicks(dataDir);
    const s = await ask(child, {
      kind: 'sustained',
      baseUrl,
      from: 20,
      to: 20 + SUSTAINED,
      concurrency: CONCURRENCY,
    });
    if (s.kind !== 'sustained') throw new Error('sustained');
    const cpuSustained = process.cpuUsage(cpuS);
    const splitSustained = cpuSplit(ticksS, cpuTicks(dataDir), s.ok);
    if (profiler !== undefined && PROFILE !== undefined) writeFileSync(PROFILE, await profiler.stop());
    const loadSustained = os.loadavg()[0];
    log(`sustained: ${(s.ok / s.seconds).toFixed(1)}/s`);

    log(`fixed rate: ${RATE}/s for ${FIXED_SECONDS} s`);
    const cpuF = process.cpuUsage();
    const ticksF = cpuTicks(dataDir);
    const f = await ask(child, { kind: 'fixed', baseUrl, from: 20 + SUSTAINED, to: total, perSecond: RATE });
    if (f.kind !== 'fixed') throw new Error('fixed');
    const cpuFixed = process.cpuUsage(cpuF);
    const splitFixed = cpuSplit(ticksF, cpuTicks(dataDir), f.ok);
    const loadFixed = os.loadavg()[0];
    const sorted = [...f.latenciesMs].sort((a, b) => a - b);
    const counted = [...(await castCounts(pool, config.electionId)).values()].reduce((a, b) => a + b, 0);

    const result = {
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        node: process.version,
        loadavg1mAtStart: load0,
      },
      setup: {
        postgres: 'embedded, durable (fsync on, synchronous_commit on)',
        transport: 'HTTP/1.1 on loopback, load from a second process (fetch)',
        backend: BACKEND,
        nativeRegistered: registeredBackends().includes('native'),
        validationWorkers: WORKERS,
        suite: config.suite,
        ballot:
          '1 question, 6 candidates + blank: 7 ciphertexts, 7 0/1 proofs, 1 overall proof, credential (RSA-2048 blind signature), Schnorr signature',
        ballotsPrepared: prepared.count,
        ballotsFromCache: setup.cached,
        prepareSecondsPerBallot: Number((prepared.seconds / prepared.count).toFixed(4)),
      },
      // The CPU cost of B.1–B.10 for one ballot in one thread, and the rate that alone allows.
      validation: {
        msPerBallot: Number(validationMs.toFixed(2)),
        perSecondPerThread: Number((1000 / validationMs).toFixed(1)),
        cpuMsPerBallot: cpuMsPer(validationCpu, sample.length).total,
        batchedCpuMsPerBallot: cpuMsPer(batchedCpu, sample.length).total,
      },
      sustained: {
        ballots: s.ok,
        failed: s.failed,
        statuses: s.statuses,
        concurrency: CONCURRENCY,
        seconds: Number(s.seconds.toFixed(2)),
        perSecond: Number((s.ok / s.seconds).toFixed(1)),
        target: '>= 300/s',
        loadavg1mAtEnd: loadSustained,
        // The server process's CPU (every thread: HTTP, database client, validation workers).
        serverCpuMsPerBallot: cpuMsPer(cpuSustained, s.ok),
        cpuMsPerBallotBy: splitSustained,
      },
      fixedRate: {
        perSecond: RATE,
        ballots: f.ok,
        failed: f.failed,
        statuses: f.statuses,
        seconds: Number(f.seconds.toFixed(2)),
        p50Ms: quantile(sorted, 0.5),
        p99Ms: quantile(sorted, 0.99),
        maxMs: quantile(sorted, 1),
        target: 'p99 <= 250 ms',
        loadavg1mAtEnd: loadFixed,
        serverCpuMsPerBallot: cpuMsPer(cpuFixed, f.ok),
        cpuMsPerBallotBy: splitFixed,
      },
      tallied: counted,
      ledgerSize: ledger.size,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    await app.close();
    await ledger.close();
  } finally {
    child.kill();
    await pool.end();
    await ledgerPool.end();
    await pg.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
