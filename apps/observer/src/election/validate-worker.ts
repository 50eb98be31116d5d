/**
 * A worker thread of the validation pool (`validate-pool.ts`): opens the election from its
 * manifest, then validates ballots — B.1–B.5 and B.7–B.9, the checks that need no state of the log —
 * with their proofs batched per key group; if a batch fails, that share is validated ballot by
 * ballot, so every verdict it returns is exact. B.6 and B.10 stay with the main thread, in log order.
 */

import { parentPort } from 'node:worker_threads';

import { BatchVerifier, type Backend } from '@opendeg/crypto';
import { openElection, parseManifest, validateBallot, type Election } from '@opendeg/election';

import type { PoolVerdict } from './validate-pool.ts';

type Message =
  | { readonly kind: 'init'; readonly manifest: unknown; readonly backend: Backend }
  | { readonly kind: 'job'; readonly id: number; readonly ballots: readonly unknown[] };

let election: Election<unknown> | undefined;
const port = parentPort;
if (port === null) throw new Error('validate-worker: not a worker thread');

async function validateAll(
  ballots: readonly unknown[],
  batched: boolean,
): Promise<PoolVerdict[] | undefined> {
  const e = election;
  if (e === undefined) throw new Error('validate-worker: no election');
  const batches = new Map<string, BatchVerifier<unknown>>();
  const out: PoolVerdict[] = [];
  for (const b of ballots) {
    let batch: BatchVerifier<unknown> | undefined;
    if (batched) {
      const region = (b as { vote?: { region?: unknown } } | null)?.vote?.region;
      const kg = typeof region === 'string' ? e.regions.get(region)?.def.keyGroup : undefined;
      const key = kg === undefined ? undefined : e.keyGroups.get(kg);
      if (kg !== undefined && key !== undefined) {
        batch = batches.get(kg) ?? new BatchVerifier(e.group, [key.publicKey]);
        batches.set(kg, batch);
      }
    }
    const r = await validateBallot(e, b, batch === undefined ? {} : { batch });
    out.push(
      r.ok
        ? {
            ok: true,
            region: r.ballot.region.def.code,
            credentialId: r.ballot.credentialId,
            tracker: r.ballot.tracker,
          }
        : { ok: false },
    );
  }
  for (const batch of batches.values()) if (!batch.verify()) return undefined;
  return out;
}

port.on('message', (m: Message) => {
  void (async () => {
    if (m.kind === 'init') {
      if (m.backend === 'native') await import('@opendeg/ristretto-native');
      election = await openElection(parseManifest(m.manifest), { backend: m.backend });
      port.postMessage({ kind: 'ready' });
      return;
    }
    const verdicts = (await validateAll(m.ballots, true)) ?? (await validateAll(m.ballots, false));
    port.postMessage({ kind: 'done', id: m.id, verdicts });
  })().catch((e: unknown) => {
    port.postMessage({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
  });
});
