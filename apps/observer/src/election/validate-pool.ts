/**
 * A pool of worker threads that re-check ballots in parallel (the observer's re-check is the heaviest
 * part of replicating an election: see bench/replicate.bench.ts). Each worker opens the election from
 * the manifest and takes jobs of raw log entries (`validate-worker.ts`): for their ballots it does
 * what needs no state of the log and sums the answers of the good ones per region. The caller keeps
 * B.6 (credential once), B.10 (not challenged) and the tallies, in log order.
 *
 * Jobs are queued: many may be in flight, each goes to the worker with the least work queued, so the
 * follower hands entries over as it fetches them and the workers verify while it fetches and stores.
 *
 * Workers run the TypeScript sources through tsx (validate-worker-entry.js), as the CLI does.
 */

import { Worker } from 'node:worker_threads';

import type { Backend } from '@opendeg/crypto';
import type { CiphertextJson, Tracker } from '@opendeg/election';

/** A job: log entries, ballots or not (the worker picks out the ballots). */
export interface PoolJob {
  readonly id: number;
  readonly entries: readonly { readonly index: number; readonly bytes: Uint8Array }[];
}

/** A worker's verdict on one ballot entry (E.1, E.4, B.1–B.5, B.7–B.9; not B.6 or B.10). */
export type JobVerdict =
  | {
      readonly index: number;
      /** RFC 9162 leaf hash of the bytes the worker checked. */
      readonly leaf: Uint8Array;
      readonly ok: true;
      readonly region: string;
      readonly credentialId: string;
      readonly tracker: Tracker;
    }
  | { readonly index: number; readonly leaf: Uint8Array; readonly ok: false };

/** The sum of the answers of a job's good ballots of one region. */
export interface RegionPartial {
  readonly region: string;
  readonly count: number;
  /** Leaf indices of the ballots in the sum. */
  readonly members: readonly number[];
  /** Per question, per choice: the sum of the ciphertexts. */
  readonly aggregates: readonly (readonly CiphertextJson[])[];
}

export interface JobReply {
  readonly verdicts: readonly JobVerdict[];
  readonly partials: readonly RegionPartial[];
}

type Reply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'done'; readonly id: number; readonly reply: JobReply }
  | { readonly kind: 'error'; readonly id?: number; readonly message: string };

interface Slot {
  readonly worker: Worker;
  readonly waiting: Map<number, { readonly size: number; readonly settle: (r: JobReply | Error) => void }>;
  queued: number;
}

export class ValidatePool {
  private nextId = 0;
  private readonly waiters: { readonly limit: number; readonly resolve: () => void }[] = [];

  private constructor(private readonly slots: readonly Slot[]) {}

  static async open(manifest: unknown, backend: Backend, threads: number): Promise<ValidatePool> {
    const events = { settled: (): void => undefined };
    const slots = await Promise.all(
      Array.from({ length: threads }, async () => {
        const worker = new Worker(new URL('./validate-worker-entry.js', import.meta.url));
        const slot: Slot = { worker, waiting: new Map(), queued: 0 };
        const settle = (id: number, r: JobReply | Error): void => {
          const w = slot.waiting.get(id);
          if (w === undefined) return;
          slot.waiting.delete(id);
          slot.queued -= w.size;
          w.settle(r);
          events.settled();
        };
        const failAll = (e: Error): void => {
          for (const id of [...slot.waiting.keys()]) settle(id, e);
        };
        worker.on('error', failAll);
        await new Promise<void>((resolve, reject) => {
          worker.once('error', reject);
          worker.on('message', (m: Reply) => {
            if (m.kind === 'ready') resolve();
            else if (m.kind === 'done') settle(m.id, m.reply);
            else if (m.id !== undefined) settle(m.id, new Error(`validate worker: ${m.message}`));
            else {
              reject(new Error(m.message));
              failAll(new Error(`validate worker: ${m.message}`));
            }
          });
          worker.postMessage({ kind: 'init', manifest, backend });
        });
        return slot;
      }),
    );
    const pool = new ValidatePool(slots);
    events.settled = () => {
      pool.wake();
    };
    return pool;
  }

  private wake(): void {
    const queued = this.queued;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i];
      if (w !== undefined && queued <= w.limit) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  /** Resolves once at most `limit` entries are queued in the workers. */
  drained(limit: number): Promise<void> {
    if (this.queued <= limit) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ limit, resolve }));
  }

  /** Entries queued in the workers and not answered yet. */
  get queued(): number {
    return this.slots.reduce((n, s) => n + s.queued, 0);
  }

  /** Queues a job on the least busy worker; resolves with its verdicts and partial sums. */
  submit(entries: PoolJob['entries']): Promise<JobReply> {
    let slot = this.slots[0];
    for (const s of this.slots) if (slot === undefined || s.queued < slot.queued) slot = s;
    if (slot === undefined) return Promise.reject(new Error('validate pool: no workers'));
    const id = this.nextId++;
    const target = slot;
    return new Promise<JobReply>((resolve, reject) => {
      target.waiting.set(id, {
        size: entries.length,
        settle: (r) => {
          if (r instanceof Error) reject(r);
          else resolve(r);
        },
      });
      target.queued += entries.length;
      const job: PoolJob & { kind: 'job' } = { kind: 'job', id, entries };
      target.worker.postMessage(job);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
