// `npx tsx packages/election/bench/validate-native.bench.ts [pool.json]`: only the ballot box's native
// batched validation (issue 4), quicker than the whole election benchmark. Prints one JSON object: the
// breakdown of a batched ballot (CPU µs, one thread), the whole `validateBallots` in CPU µs a ballot
// on one thread (load-independent), and ballots/s with 1 and 2 worker threads, with the load average
// and the process's CPU time beside the wall time. The pool (manifest and ballots) can be cached in
// a file so that rounds of measuring do not re-make it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BallotJson } from '../src/ballot.ts';
import type { BallotStyleDef, ElectionManifest } from '../src/manifest.ts';
import { openElection, parseManifest } from '../src/manifest.ts';
import { setUpElection, vote } from '../src/testing/simulate.ts';
import { validateBallots } from '../src/validate.ts';
import type { Job, ValidateOutcome } from './election-worker.ts';
import { BATCH_BALLOTS } from './election-worker.ts';
import { validateBreakdown } from './validate-breakdown.ts';

const POOL = 128;
const BUDGET_MS = 3000;

const DEG6: BallotStyleDef = {
  id: 'deg6',
  title: { ru: 'Бюллетень ДЭГ', en: 'DEG ballot' },
  questions: [
    {
      id: 'q',
      text: { ru: 'Отметьте одного кандидата', en: 'Mark one candidate' },
      options: ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({ id, label: { ru: `Кандидат ${id}` } })),
      min: 1,
      max: 1,
      blank: true,
    },
  ],
};

const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};
const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;
const load = (): number[] => os.loadavg().map((x) => round(x, 2));

async function makePool(): Promise<{ manifest: ElectionManifest; ballots: BallotJson[] }> {
  const sim = await setUpElection({
    regions: [{ code: '77', name: 'Москва', timeZone: 'Europe/Moscow', keyGroup: 'main' }],
    ballotStyle: DEG6,
    threshold: { n: 5, k: 3 },
    backend: 'noble',
  });
  const ballots: BallotJson[] = [];
  for (let i = 0; i < POOL; i++) {
    ballots.push((await vote(sim, '77', [[DEG6.questions[0]?.options[i % 6]?.id ?? 'a']])).ballot);
  }
  return { manifest: sim.manifest, ballots };
}

function startWorker(job: Job): Worker {
  const boot = [
    `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};`,
    'register();',
    `await import(${JSON.stringify(new URL('./election-worker.ts', import.meta.url).href)});`,
  ].join('\n');
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData: job });
}

function nextMessage<T>(w: Worker): Promise<T> {
  return new Promise((resolve, reject) => {
    w.once('message', (m: T) => {
      resolve(m);
    });
    w.once('error', reject);
  });
}

async function rate(manifest: unknown, pool: readonly BallotJson[], threads: number): Promise<number> {
  const per = Math.ceil(pool.length / threads);
  const workers = Array.from({ length: threads }, (_, i) =>
    startWorker({
      kind: 'validate',
      manifest,
      backend: 'native',
      batch: 'same',
      ballots: pool.slice(i * per, (i + 1) * per),
      budgetMs: BUDGET_MS,
    }),
  );
  try {
    await Promise.all(workers.map((w) => nextMessage<'ready'>(w)));
    const outcomes = workers.map((w) => nextMessage<ValidateOutcome>(w));
    for (const w of workers) w.postMessage('go');
    const done = await Promise.all(outcomes);
    const validated = done.reduce((n, o) => n + o.validated, 0);
    return round((validated * 1000) / Math.max(...done.map((o) => o.elapsedMs)));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

async function main(): Promise<void> {
  const file = process.argv[2];
  let data: { manifest: ElectionManifest; ballots: BallotJson[] };
  if (file !== undefined && existsSync(file)) {
    data = JSON.parse(readFileSync(file, 'utf8')) as typeof data;
  } else {
    log(`making a pool of ${POOL} ballots …`);
    data = await makePool();
    if (file !== undefined) writeFileSync(file, JSON.stringify(data));
  }
  const loadAtStart = load();
  await import('@opendeg/ristretto-native');
  const election = await openElection(parseManifest(data.manifest), { backend: 'native' });
  const pool = data.ballots;

  // The whole, one thread, CPU µs a ballot: best of 5 rounds over the pool in batches.
  let wholeBest = Infinity;
  let wallBest = Infinity;
  for (let r = 0; r < 5; r++) {
    const cpu = process.cpuUsage();
    const wall = performance.now();
    for (let i = 0; i < pool.length; i += BATCH_BALLOTS) {
      const results = await validateBallots(election, pool.slice(i, i + BATCH_BALLOTS));
      if (results.some((x) => !x.ok)) throw new Error('bench: a valid ballot failed');
    }
    const used = process.cpuUsage(cpu);
    wholeBest = Math.min(wholeBest, (used.user + used.system) / pool.length);
    wallBest = Math.min(wallBest, ((performance.now() - wall) * 1000) / pool.length);
  }
  const breakdown = await validateBreakdown(election, pool);
  log(`one thread: ${round(wholeBest)} CPU µs a ballot; breakdown ${JSON.stringify(breakdown)}`);
  const cpuBefore = process.cpuUsage();
  const oneThread = await rate(data.manifest, pool, 1);
  const twoThreads = await rate(data.manifest, pool, 2);
  const cpuUsed = process.cpuUsage(cpuBefore);
  process.stdout.write(
    JSON.stringify(
      {
        loadAverage1m5m15m: { atStart: loadAtStart, atEnd: load() },
        oneThreadCpuMicrosecondsPerBallot: round(wholeBest),
        oneThreadWallMicrosecondsPerBallot: round(wallBest),
        breakdownCpuMicrosecondsPerBallot: breakdown,
        ballotsPerSecond: { oneThread, twoThreads },
        processCpuSecondsDuringRates: round((cpuUsed.user + cpuUsed.system) / 1e6, 2),
      },
      null,
      2,
    ) + '\n',
  );
}

await main();
