// A worker thread of the ballot box's validation pool (validation-pool.ts): opens the election from
// its manifest once, then validates batches of ballots (B.1–B.10, packages/election validateBallots,
// the proofs of a batch in one multi-scalar multiplication per key group) and sends back each
// ballot's outcome, with an accepted ballot's ciphertexts encoded for the running tally.
import { parentPort, workerData } from 'node:worker_threads';
import type { Backend } from '@opendeg/crypto';
import { encodeCiphertextJson, openElection, parseManifest, validateBallots } from '@opendeg/election';
import type { WorkerReply, WorkerRequest, WorkerResult } from './validation-pool.ts';

const data = workerData as { manifest: unknown; backend?: Backend; preload?: readonly string[] };
// Modules that register a group backend when imported (e.g. @opendeg/ristretto-native): a
// registration in the main thread does not reach this one.
for (const specifier of data.preload ?? []) await import(specifier);
const election = await openElection(
  parseManifest(data.manifest),
  data.backend === undefined ? {} : { backend: data.backend },
);
const port = parentPort;
if (port === null) throw new Error('validation worker: no parent port');
const utf8 = new TextDecoder('utf-8', { fatal: true });

async function validate(m: WorkerRequest): Promise<WorkerReply> {
  const used = new Set(m.used);
  const results = await validateBallots(
    election,
    m.ballots.map((b): unknown => JSON.parse(utf8.decode(b))),
    { isCredentialUsed: (id) => used.has(id) },
  );
  return {
    id: m.id,
    results: results.map((v): WorkerResult =>
      v.ok
        ? {
            ok: true,
            credentialId: v.ballot.credentialId,
            tracker: v.ballot.tracker.hash,
            region: v.ballot.region.def.code,
            answers: v.ballot.answers.map((a) =>
              a.choices.map((c) => encodeCiphertextJson(election.group, c)),
            ),
          }
        : { ok: false, failures: v.failures.map((f) => ({ check: f.check, message: f.message })) },
    ),
  };
}

port.on('message', (m: WorkerRequest) => {
  void validate(m)
    .catch((e: unknown): WorkerReply => ({ id: m.id, error: e instanceof Error ? e.message : String(e) }))
    .then((reply) => {
      port.postMessage(reply);
    });
});
port.postMessage({ id: -1, ready: true } satisfies WorkerReply);
