/**
 * A pool of worker threads that validate ballots in parallel (the observer's re-check is the
 * heaviest part of replicating an election: see bench/replicate.bench.ts). Each worker opens the
 * election from the manifest and checks what needs no state of the log; the caller keeps B.6
 * (credential once) and B.10 (not challenged) and the tallies, in log order.
 *
 * Workers run the TypeScript sources through tsx (validate-worker-entry.js), as the CLI does.
 */

import { Worker } from 'node:worker_threads';

import type { Backend } from '@opendeg/crypto';
import type { Tracker } from '@opendeg/election';

/** A worker's verdict on one ballot (without B.6 and B.10). */
export type PoolVerdict =
  | {
      readonly ok: true;
      readonly region: string;
      readonly credentialId: string;
      readonly tracker: Tracker;
    }
  | { readonly ok: false };

type Reply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'done'; readonly id: number; readonly verdicts: PoolVerdict[] }
  | { readonly kind: 'error'; readonly message: string };

interface Slot {
  readonly worker: Worker;
  readonly waiting: Map<number, (r: PoolVerdict[] | Error) => void>;
}

export class ValidatePool {
  private nextId = 0;

  private constructor(private readonly slots: readonly Slot[]) {}

  static async open(manifest: unknown, backend: Backend, threads: number): Promise<ValidatePool> {
    const slots = await Promise.all(
      Array.from({ length: threads }, async () => {
        const worker = new Worker(new URL('./validate-worker-entry.js', import.meta.url));
        const waiting = new Map<number, (r: PoolVerdict[] | Error) => void>();
        const fail = (e: Error): void => {
          for (const w of waiting.values()) w(e);
          waiting.clear();
        };
        worker.on('error', fail);
        await new Promise<void>((resolve, reject) => {
          worker.once('error', reject);
          worker.on('message', (m: Reply) => {
            if (m.kind === 'ready') resolve();
            else if (m.kind === 'done') {
              waiting.get(m.id)?.(m.verdicts);
              waiting.delete(m.id);
            } else {
              reject(new Error(m.message));
              fail(new Error(`validate worker: ${m.message}`));
            }
          });
          worker.postMessage({ kind: 'init', manifest, backend });
        });
        return { worker, waiting };
      }),
    );
    return new ValidatePool(slots);
  }

  /** Verdicts on `ballots`, in order, shared out among the workers. */
  async validate(ballots: readonly unknown[]): Promise<PoolVerdict[]> {
    const n = this.slots.length;
    const share = Math.ceil(ballots.length / n);
    const parts = await Promise.all(
      this.slots.map((slot, i) => {
        const part = ballots.slice(i * share, (i + 1) * share);
        if (part.length === 0) return Promise.resolve([]);
        const id = this.nextId++;
        return new Promise<PoolVerdict[]>((resolve, reject) => {
          slot.waiting.set(id, (r) => {
            if (r instanceof Error) reject(r);
            else resolve(r);
          });
          slot.worker.postMessage({ kind: 'job', id, ballots: part });
        });
      }),
    );
    return parts.flat();
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
