// Worker of the election benchmark (node:worker_threads). Each worker opens the election from its
// manifest, as a verifier's or ballot box's worker process would, then either validates its share of
// the ballots for a time budget or aggregates the synthetic tallies of its regions.
import { parentPort, workerData } from 'node:worker_threads';
import { BatchVerifier, loadGroup } from '@opendeg/crypto';
import type { Backend, Group } from '@opendeg/crypto';
import type { Election } from '../src/manifest.ts';
import { openElection, parseManifest } from '../src/manifest.ts';
import { validateBallot, validateBallots } from '../src/validate.ts';
import { syntheticTally } from './synthetic-tally.ts';

/**
 * How proofs are checked: one by one, batched in the election's group (`validateBallots`, one batch a
 * chunk), or batched through noble's multi-scalar multiplication.
 */
export type BatchMode = 'none' | 'same' | 'noble';

export type Job =
  | {
      readonly kind: 'validate';
      readonly manifest: unknown;
      readonly backend: Backend;
      readonly batch: BatchMode;
      readonly ballots: readonly unknown[];
      readonly budgetMs: number;
    }
  | { readonly kind: 'spin'; readonly budgetMs: number }
  | {
      readonly kind: 'tally';
      readonly manifest: unknown;
      readonly backend: Backend;
      readonly regions: readonly { readonly code: string; readonly ballots: number }[];
    };

export interface ValidateOutcome {
  readonly validated: number;
  readonly elapsedMs: number;
}

export interface TallyOutcome {
  readonly tallies: readonly { tally: unknown; expected: number[] }[];
  readonly addMs: number;
  readonly elapsedMs: number;
}

/** Proof equations per batch: large enough that the multi-scalar multiplication pays off. */
export const BATCH_BALLOTS = 32;

/**
 * A batch verifier over the election's byte-encoded elements whose one multi-scalar multiplication
 * runs in noble: libsodium's `multiplyMany` is a loop of single multiplications, noble's is Pippenger.
 */
export async function nobleBatchFor(
  election: Election<unknown>,
  sharedBases: readonly unknown[],
): Promise<() => BatchVerifier<unknown>> {
  const g = election.group;
  const noble = await loadGroup(g.suite, 'noble');
  const toNoble = (e: unknown): unknown => noble.decodeElement(g.encodeElement(e), { allowIdentity: true });
  const bridge: Group<unknown> = {
    ...g,
    multiplyMany: (points, scalars) =>
      g.decodeElement(noble.encodeElement(noble.multiplyMany(points.map(toNoble), scalars)), {
        allowIdentity: true,
      }),
  };
  return () => new BatchVerifier(bridge, sharedBases);
}

/** Opens the election and warms up; returns the timed run over this worker's ballots. */
export async function prepareValidate(
  job: Extract<Job, { kind: 'validate' }>,
): Promise<() => Promise<ValidateOutcome>> {
  // The native backend registers itself with loadGroup when its package is imported.
  if (job.backend === 'native') await import('@opendeg/ristretto-native');
  const election = await openElection(parseManifest(job.manifest), { backend: job.backend });
  const first = election.keyGroups.values().next();
  if (first.done === true) throw new Error('bench: no key group');
  // One region, one key group: the shared bases of every equation are g and this Y.
  const y = first.value.publicKey;
  const makeBatch =
    job.batch === 'noble'
      ? await nobleBatchFor(election, [y])
      : (): BatchVerifier<unknown> => new BatchVerifier(election.group, [y]);
  const used = new Set<string>();
  const runChunk = async (chunk: readonly unknown[]): Promise<void> => {
    if (job.batch === 'same') {
      const results = await validateBallots(election, chunk, {
        isCredentialUsed: (id) => used.has(id),
        isChallenged: () => false,
      });
      const bad = results.find((r) => !r.ok);
      if (bad !== undefined) throw new Error(`bench: a valid ballot failed ${JSON.stringify(bad)}`);
      return;
    }
    const batch = job.batch === 'none' ? undefined : makeBatch();
    for (const b of chunk) {
      const r = await validateBallot(election, b, {
        isCredentialUsed: (id) => used.has(id),
        isChallenged: () => false,
        ...(batch === undefined ? {} : { batch }),
      });
      if (!r.ok) throw new Error(`bench: a valid ballot failed ${JSON.stringify(r.failures)}`);
    }
    if (batch !== undefined && !batch.verify()) throw new Error('bench: a batch of valid ballots failed');
  };
  await runChunk(job.ballots.slice(0, 4)); // warm-up: JIT, lazily built tables
  return async () => {
    let validated = 0;
    const start = performance.now();
    // Whole chunks only, so a batch is never cut short; the pool is reused round after round.
    while (performance.now() - start < job.budgetMs) {
      for (let i = 0; i < job.ballots.length; i += BATCH_BALLOTS) {
        const chunk = job.ballots.slice(i, i + BATCH_BALLOTS);
        await runChunk(chunk);
        validated += chunk.length;
        if (performance.now() - start >= job.budgetMs) break;
      }
    }
    return { validated, elapsedMs: performance.now() - start };
  };
}

/** Pure-JS work for a time budget: how many cores the machine really gives us right now. */
export function spin(budgetMs: number): number {
  let rounds = 0;
  let x = 1;
  const start = performance.now();
  while (performance.now() - start < budgetMs) {
    for (let i = 0; i < 100_000; i++) x = (x * 1103515245 + 12345) % 2147483648;
    rounds++;
  }
  return x === -1 ? 0 : (rounds * 1000) / (performance.now() - start);
}

export async function runTally(job: Extract<Job, { kind: 'tally' }>): Promise<TallyOutcome> {
  const election = await openElection(parseManifest(job.manifest), { backend: job.backend });
  const start = performance.now();
  let addMs = 0;
  const tallies = job.regions.map((r) => {
    const t = syntheticTally(election, r.code, r.ballots);
    addMs += t.addMs;
    return { tally: t.tally.toJson(), expected: t.expected };
  });
  return { tallies, addMs, elapsedMs: performance.now() - start };
}

// Worker side: run when loaded by the benchmark as a worker thread.
if (parentPort !== null) {
  const port = parentPort;
  const job = workerData as Job;
  if (job.kind === 'validate') {
    const run = await prepareValidate(job);
    port.once('message', () => {
      void run().then((out) => {
        port.postMessage(out);
      });
    });
    port.postMessage('ready');
  } else if (job.kind === 'spin') {
    port.postMessage(spin(job.budgetMs));
  } else {
    port.postMessage(await runTally(job));
  }
}
