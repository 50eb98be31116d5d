// Ballot validation for the box (B.1–B.10): in the request's thread, or spread over worker threads so
// that the proofs of several ballots are checked on several cores while the main thread serves HTTP
// and the database. Either way the result is the same: the failures by check ID, or what the tally
// and the single-use rule need (credential, tracker, region, the ciphertexts, decoded).
import { Worker } from 'node:worker_threads';
import type { Backend } from '@opendeg/crypto';
import {
  decodeCiphertextJson,
  validateBallot,
  type CheckFailure,
  type CiphertextJson,
  type Election,
  type TalliedAnswer,
} from '@opendeg/election';

export interface ValidatedBallot {
  readonly credentialId: string;
  readonly tracker: string;
  readonly region: string;
  readonly answers: readonly TalliedAnswer<unknown>[];
}

export type Validation =
  | { readonly ok: true; readonly ballot: ValidatedBallot }
  | { readonly ok: false; readonly failures: readonly CheckFailure[] };

export interface BallotValidator {
  /** Validates `ballot`; `usedCredential` is a credential known to have voted already (B.6). */
  validate(ballot: unknown, usedCredential: string | undefined): Promise<Validation>;
  close(): Promise<void>;
}

/** @internal the worker protocol */
export interface WorkerRequest {
  readonly id: number;
  /** The ballot as JSON text. */
  readonly ballot: string;
  readonly usedCredential: string | undefined;
}

/** @internal the worker protocol */
export type WorkerReply =
  | {
      readonly id: number;
      readonly ok: true;
      readonly ready?: true;
      readonly credentialId?: string;
      readonly tracker?: string;
      readonly region?: string;
      readonly answers?: readonly (readonly CiphertextJson[])[];
    }
  | { readonly id: number; readonly ok: false; readonly failures: readonly CheckFailure[] };

export function inThreadValidator(election: Election<unknown>): BallotValidator {
  return {
    async validate(ballot, usedCredential) {
      const v = await validateBallot(election, ballot, { isCredentialUsed: (id) => id === usedCredential });
      if (!v.ok) return { ok: false, failures: v.failures };
      return {
        ok: true,
        ballot: {
          credentialId: v.ballot.credentialId,
          tracker: v.ballot.tracker.hash,
          region: v.ballot.region.def.code,
          answers: v.ballot.answers,
        },
      };
    },
    close: () => Promise.resolve(),
  };
}

/** The worker runs the TypeScript module through tsx, as the server itself runs. */
function startWorker(manifest: unknown, backend: Backend | undefined, preload: readonly string[]): Worker {
  const boot = [
    `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};`,
    'register();',
    `await import(${JSON.stringify(new URL('./validation-worker.ts', import.meta.url).href)});`,
  ].join('\n');
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), {
    workerData: { manifest, preload, ...(backend === undefined ? {} : { backend }) },
  });
}

/** `size` worker threads; each request goes to the one with the fewest in flight. */
export async function workerValidator(
  election: Election<unknown>,
  size: number,
  backend?: Backend,
  /** Modules each worker imports first, e.g. `@opendeg/ristretto-native` to register its backend. */
  preload: readonly string[] = [],
): Promise<BallotValidator> {
  const g = election.group;
  let nextId = 0;
  const workers = await Promise.all(
    Array.from({ length: size }, async () => {
      const worker = startWorker(election.manifest, backend, preload);
      const waiting = new Map<number, (r: WorkerReply) => void>();
      await new Promise<void>((resolve, reject) => {
        worker.once('message', () => {
          resolve();
        });
        worker.once('error', reject);
      });
      worker.on('message', (r: WorkerReply) => {
        waiting.get(r.id)?.(r);
        waiting.delete(r.id);
      });
      worker.on('error', (e) => {
        for (const [, resolve] of waiting)
          resolve({
            id: -1,
            ok: false,
            failures: [{ check: 'B.1', message: `validation failed: ${e.message}` }],
          });
        waiting.clear();
      });
      return { worker, waiting };
    }),
  );
  return {
    validate(ballot, usedCredential) {
      const w = workers.reduce((a, b) => (b.waiting.size < a.waiting.size ? b : a));
      const id = nextId++;
      return new Promise<Validation>((resolve, reject) => {
        w.waiting.set(id, (r) => {
          if (!r.ok) {
            resolve({ ok: false, failures: r.failures });
            return;
          }
          if (
            r.credentialId === undefined ||
            r.tracker === undefined ||
            r.region === undefined ||
            r.answers === undefined
          ) {
            reject(new Error('validation worker: incomplete reply'));
            return;
          }
          resolve({
            ok: true,
            ballot: {
              credentialId: r.credentialId,
              tracker: r.tracker,
              region: r.region,
              answers: r.answers.map((a, i) => ({
                choices: a.map((c, j) => decodeCiphertextJson(g, c, `answers[${i}][${j}]`)),
              })),
            },
          });
        });
        w.worker.postMessage({ id, ballot: JSON.stringify(ballot), usedCredential } satisfies WorkerRequest);
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.worker.terminate()));
    },
  };
}
