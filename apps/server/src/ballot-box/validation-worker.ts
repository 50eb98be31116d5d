// A worker thread of the ballot box's validation pool (validation-pool.ts): opens the election from
// its manifest once, then validates ballots (B.1–B.10, packages/election validateBallot) as they come
// and sends back the outcome, with the accepted ballot's ciphertexts encoded for the running tally.
import { parentPort, workerData } from 'node:worker_threads';
import type { Backend } from '@opendeg/crypto';
import { encodeCiphertextJson, openElection, parseManifest, validateBallot } from '@opendeg/election';
import type { WorkerReply, WorkerRequest } from './validation-pool.ts';

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

port.on('message', (m: WorkerRequest) => {
  void validateBallot(election, JSON.parse(m.ballot), {
    isCredentialUsed: (id) => id === m.usedCredential,
  }).then((v) => {
    const reply: WorkerReply = v.ok
      ? {
          id: m.id,
          ok: true,
          credentialId: v.ballot.credentialId,
          tracker: v.ballot.tracker.hash,
          region: v.ballot.region.def.code,
          answers: v.ballot.answers.map((a) => a.choices.map((c) => encodeCiphertextJson(election.group, c))),
        }
      : { id: m.id, ok: false, failures: v.failures.map((f) => ({ check: f.check, message: f.message })) };
    port.postMessage(reply);
  });
});
port.postMessage({ id: -1, ok: true, ready: true });
