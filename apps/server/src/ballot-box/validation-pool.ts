// Ballot validation for the box (B.1–B.10): in the request's thread, or spread over worker threads so
// that the proofs of several ballots are checked on several cores while the main thread serves HTTP
// and the database. Ballots are validated in batches (validateBallots: the proofs of a batch are
// checked with one multi-scalar multiplication per key group, several times faster per ballot than
// one by one); a batch that fails is redone ballot by ballot inside validateBallots, so every ballot
// still gets its own failures by check ID, or what the tally and the single-use rule need
// (credential, tracker, region, the ciphertexts, decoded). Either way the result is the same.
import { Worker } from 'node:worker_threads';
import type { Backend } from '@opendeg/crypto';
import {
  decodeCiphertextJson,
  validateBallots,
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

export interface ValidationRequest {
  /** The ballot as parsed. */
  readonly ballot: unknown;
  /** Its RFC 8785 canonical JSON (what a worker parses: the same ballot, and cheap to send). */
  readonly canonical: Uint8Array;
  /** The ballot's credential is known to have voted already (B.6). */
  readonly credentialUsed: boolean;
}

export interface BallotValidator {
  /**
   * Validates ballots together; one result per request, in order. No two requests may share a
   * credential (validateBallots would refuse the second as B.6 of the same call).
   */
  validate(requests: readonly ValidationRequest[]): Promise<Validation[]>;
  /** How many batches are worth having in flight at once (two per worker: one checked, one sent). */
  readonly slots: number;
  close(): Promise<void>;
}

/** @internal the worker protocol */
export interface WorkerRequest {
  readonly id: number;
  /** Each ballot's canonical JSON. */
  readonly ballots: readonly Uint8Array[];
  /** Credentials of these ballots known to have voted. */
  readonly used: readonly string[];
}

/** @internal the worker protocol */
export type WorkerResult =
  | {
      readonly ok: true;
      readonly credentialId: string;
      readonly tracker: string;
      readonly region: string;
      readonly answers: readonly (readonly CiphertextJson[])[];
    }
  | { readonly ok: false; readonly failures: readonly CheckFailure[] };

/** @internal the worker protocol */
export type WorkerReply =
  | { readonly id: number; readonly ready: true }
  | { readonly id: number; readonly results: readonly WorkerResult[] }
  | { readonly id: number; readonly error: string };

const credentialOf = (ballot: unknown): unknown =>
  (ballot as { credential?: { publicKey?: unknown } } | null)?.credential?.publicKey;

export function inThreadValidator(election: Election<unknown>): BallotValidator {
  return {
    slots: 1,
    async validate(requests) {
      const used = new Set(requests.filter((r) => r.credentialUsed).map((r) => credentialOf(r.ballot)));
      const results = await validateBallots(
        election,
        requests.map((r) => r.ballot),
        { isCredentialUsed: (id) => used.has(id) },
      );
      return results.map((v): Validation =>
        v.ok
          ? {
              ok: true,
              ballot: {
                credentialId: v.ballot.credentialId,
                tracker: v.ballot.tracker.hash,
                region: v.ballot.region.def.code,
                answers: v.ballot.answers,
              },
            }
          : { ok: false, failures: v.failures },
      );
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

/** `size` worker threads; each batch goes to the one with the fewest ballots in flight. */
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
      const waiting = new Map<number, { size: number; done: (r: WorkerReply) => void }>();
      const state = { worker, waiting, load: 0, alive: true };
      await new Promise<void>((resolve, reject) => {
        worker.once('message', () => {
          resolve();
        });
        worker.once('error', reject);
      });
      worker.on('message', (r: WorkerReply) => {
        const w = waiting.get(r.id);
        if (w === undefined) return;
        waiting.delete(r.id);
        state.load -= w.size;
        w.done(r);
      });
      // A worker that dies fails what it held; the requests are answered, nothing is accepted.
      const fail = (message: string): void => {
        for (const [id, w] of waiting) w.done({ id, error: message });
        waiting.clear();
        state.load = 0;
      };
      worker.on('error', (e) => {
        fail(`validation worker failed: ${e.message}`);
      });
      worker.on('exit', (code) => {
        state.alive = false;
        fail(`validation worker exited with ${code}`);
      });
      return state;
    }),
  );
  const decode = (r: WorkerResult): Validation =>
    r.ok
      ? {
          ok: true,
          ballot: {
            credentialId: r.credentialId,
            tracker: r.tracker,
            region: r.region,
            answers: r.answers.map((a, i) => ({
              choices: a.map((c, j) => decodeCiphertextJson(g, c, `answers[${i}][${j}]`)),
            })),
          },
        }
      : { ok: false, failures: r.failures };
  return {
    slots: 2 * size,
    validate(requests) {
      if (requests.length === 0) return Promise.resolve([]);
      const alive = workers.filter((x) => x.alive);
      if (alive.length === 0) return Promise.reject(new Error('validation workers: none is running'));
      const w = alive.reduce((a, b) => (b.load < a.load ? b : a));
      const id = nextId++;
      return new Promise<Validation[]>((resolve, reject) => {
        w.load += requests.length;
        w.waiting.set(id, {
          size: requests.length,
          done: (r) => {
            if ('error' in r) reject(new Error(r.error));
            else if (!('results' in r) || r.results.length !== requests.length)
              reject(new Error('validation worker: incomplete reply'));
            else resolve(r.results.map(decode));
          },
        });
        const used = requests.filter((q) => q.credentialUsed).map((q) => credentialOf(q.ballot));
        w.worker.postMessage({
          id,
          ballots: requests.map((q) => q.canonical),
          used: used.filter((c): c is string => typeof c === 'string'),
        } satisfies WorkerRequest);
      });
    },
    async close() {
      await Promise.all(
        workers.map((w) => {
          w.worker.removeAllListeners('exit');
          return w.worker.terminate();
        }),
      );
    },
  };
}
