// Ballot box benchmark (issue 6): ballots cast over HTTP against a real server on the embedded
// PostgreSQL, durable (fsync on), with the load from a second process on loopback (cast-load.ts) and
// every ballot prepared beforehand. Prints one JSON object on stdout (progress on stderr):
//   - sustained: ballots/s accepted with `CONCURRENCY` requests in flight (target ≥ 300/s);
//   - fixedRate: p50/p99 latency from due time to receipt at 100 ballots/s (target p99 ≤ 250 ms).
// Each accepted ballot is fully validated (B.1–B.10), appended to the ledger (durable checkpoint) and
// added to its region's running tally in the transaction that records it.
// Environment: BENCH_BACKEND (noble | libsodium | native | auto; default auto, what openElection picks;
// native and auto load @opendeg/ristretto-native in every process and worker where it is built),
// BENCH_SUSTAINED (ballots, default 1500), BENCH_FIXED_SECONDS (default 15), BENCH_CONCURRENCY (64),
// BENCH_WORKERS (validation worker threads, default the number of CPUs; 0 validates in the server's
// own thread).
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
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
import { parseElectionConfig, type BallotSource } from '@opendeg/deg';
import { keyCeremonyContext, manifestHash, openElection, validateBallot } from '@opendeg/election';
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
    const g = await loadGroup(config.suite, BACKEND);
    const keyGroups = config.keyGroups.map((k) =>
      keyGroupDef(
        g,
        k.id,
        generateKey(g, keyCeremonyContext(config.electionId, config.suite, k.id), { n: 3, k: 2 }, 'dealer')
          .key,
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
    const origin = 'bench.opendeg.example/cast-bench/ledger';
    const ledger = unwrap(
      await Ledger.open({
        origin,
        signer: ed25519NoteSigner(origin, new Uint8Array(randomBytes(32))),
        store: await PostgresLedgerStore.open(ledgerPool, origin),
      }),
    );
    const sha256 = Buffer.from(manifestHash(built.manifest)).toString('hex');
    const entry = unwrap(
      await ledger.append({ type: 'manifest', sha256, manifest: built.manifest as unknown as JsonValue }),
    );
    await pool.query(
      `INSERT INTO election_manifests (election_id, manifest, sha256, ledger_index, fixed_at) VALUES ($1, $2, decode($3, 'hex'), $4, $5)`,
      [config.electionId, canonicalJson(built.manifest), sha256, entry.index, new Date(MIDDAY)],
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
      manifest: built.manifest,
      issuers: issuerPems,
      regions: config.regions.map((r) => r.code),
      count: total + SAMPLE,
      backend: BACKEND,
      preload: PRELOAD,
      sample: SAMPLE,
    });
    if (prepared.kind !== 'prepared') throw new Error('prepare');
    log(`prepared in ${prepared.seconds.toFixed(1)} s; validation alone, one thread`);
    const opened = await openElection(built.manifest, { backend: BACKEND });
    const tv = performance.now();
    for (const text of prepared.sample) {
      const v = await validateBallot(opened, JSON.parse(text));
      if (!v.ok) throw new Error(`a prepared ballot fails ${JSON.stringify(v.failures)}`);
    }
    const validationMs = (performance.now() - tv) / prepared.sample.length;
    log('warming up');
    await ask(child, { kind: 'sustained', baseUrl, from: 0, to: 20, concurrency: 4 });

    log(`sustained: ${SUSTAINED} ballots, ${CONCURRENCY} in flight`);
    const load0 = os.loadavg()[0];
    const s = await ask(child, {
      kind: 'sustained',
      baseUrl,
      from: 20,
      to: 20 + SUSTAINED,
      concurrency: CONCURRENCY,
    });
    if (s.kind !== 'sustained') throw new Error('sustained');
    log(`sustained: ${(s.ok / s.seconds).toFixed(1)}/s`);

    log(`fixed rate: ${RATE}/s for ${FIXED_SECONDS} s`);
    const f = await ask(child, { kind: 'fixed', baseUrl, from: 20 + SUSTAINED, to: total, perSecond: RATE });
    if (f.kind !== 'fixed') throw new Error('fixed');
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
        prepareSecondsPerBallot: Number((prepared.seconds / prepared.count).toFixed(4)),
      },
      // The CPU cost of B.1–B.10 for one ballot in one thread, and the rate that alone allows.
      validation: {
        msPerBallot: Number(validationMs.toFixed(2)),
        perSecondPerThread: Number((1000 / validationMs).toFixed(1)),
      },
      sustained: {
        ballots: s.ok,
        failed: s.failed,
        statuses: s.statuses,
        concurrency: CONCURRENCY,
        seconds: Number(s.seconds.toFixed(2)),
        perSecond: Number((s.ok / s.seconds).toFixed(1)),
        target: '>= 300/s',
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
