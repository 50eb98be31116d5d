/**
 * A worker thread of the validation pool (`validate-pool.ts`): opens the election from its
 * manifest, then takes a job of raw log entries and, for each ballot among them, does every check
 * that needs no state of the log — it decodes the entry (E.1), checks its `sha256` (E.4) and runs
 * `validateBallots` (B.1–B.5, B.7–B.9, proofs batched per key group; a failing batch is redone
 * ballot by ballot, so every verdict is exact). It also adds up, per region, the answers of the
 * ballots that passed, so the main thread adds one aggregate per region and job to its tallies
 * instead of decoding every ballot's ciphertexts again.
 *
 * The leaf hash of each entry is returned with its verdict: the main thread uses a verdict only for
 * the verified entry with that hash (the worker may have been given entries before the log's signed
 * root was checked). B.6 and B.10 stay with the main thread, in log order.
 */

import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

import { addCiphertexts, canonicalJsonBytes, type Backend, type Ciphertext } from '@opendeg/crypto';
import {
  encodeCiphertextJson,
  openElection,
  parseManifest,
  validateBallots,
  type Election,
} from '@opendeg/election';
import { decodeEntry, hashLeaf } from '@opendeg/ledger';

import type { JobReply, JobVerdict, PoolJob, RegionPartial } from './validate-pool.ts';

type Message =
  | { readonly kind: 'init'; readonly manifest: unknown; readonly backend: Backend }
  | ({ readonly kind: 'job' } & PoolJob);

let election: Election<unknown> | undefined;
const port = parentPort;
if (port === null) throw new Error('validate-worker: not a worker thread');

const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

async function run(job: PoolJob): Promise<JobReply> {
  const e = election;
  if (e === undefined) throw new Error('validate-worker: no election');
  const ballots: { index: number; leaf: Uint8Array; ballot: unknown; sha256Ok: boolean }[] = [];
  for (const { index, bytes } of job.entries) {
    const d = decodeEntry(bytes);
    if (!d.ok || d.value.type !== 'ballot') continue;
    const claimed = d.value.sha256;
    const sha256Ok = claimed === undefined || claimed === sha256Hex(canonicalJsonBytes(d.value.ballot));
    ballots.push({ index, leaf: hashLeaf(bytes), ballot: d.value.ballot, sha256Ok });
  }
  const results = await validateBallots(
    e,
    ballots.map((b) => b.ballot),
  );
  const sums = new Map<string, { count: number; members: number[]; rows: Ciphertext<unknown>[][] }>();
  const verdicts: JobVerdict[] = results.map((r, i) => {
    const b = ballots[i];
    if (b === undefined) throw new Error('validate-worker: verdicts out of step');
    if (!r.ok || !b.sha256Ok) return { index: b.index, leaf: b.leaf, ok: false };
    const region = r.ballot.region.def.code;
    let sum = sums.get(region);
    if (sum === undefined) {
      sum = { count: 0, members: [], rows: r.ballot.answers.map((a) => [...a.choices]) };
      sums.set(region, sum);
    } else {
      for (const [q, a] of r.ballot.answers.entries()) {
        const row = sum.rows[q];
        if (row?.length !== a.choices.length) throw new Error('validate-worker: answers out of shape');
        for (const [k, c] of a.choices.entries()) row[k] = addCiphertexts(e.group, row[k] ?? c, c);
      }
    }
    sum.count++;
    sum.members.push(b.index);
    return {
      index: b.index,
      leaf: b.leaf,
      ok: true,
      region,
      credentialId: r.ballot.credentialId,
      tracker: r.ballot.tracker,
    };
  });
  const partials: RegionPartial[] = [...sums].map(([region, s]) => ({
    region,
    count: s.count,
    members: s.members,
    aggregates: s.rows.map((row) => row.map((c) => encodeCiphertextJson(e.group, c))),
  }));
  return { verdicts, partials };
}

port.on('message', (m: Message) => {
  void (async () => {
    if (m.kind === 'init') {
      // `auto` takes the native ristretto255 backend when its addon was built here (as the server does).
      if (m.backend === 'native') await import('@opendeg/ristretto-native');
      else if (m.backend === 'auto') await import('@opendeg/ristretto-native').catch(() => undefined);
      election = await openElection(parseManifest(m.manifest), { backend: m.backend });
      port.postMessage({ kind: 'ready' });
      return;
    }
    port.postMessage({ kind: 'done', id: m.id, reply: await run(m) });
  })().catch((e: unknown) => {
    port.postMessage({
      kind: 'error',
      ...(m.kind === 'job' ? { id: m.id } : {}),
      message: e instanceof Error ? e.message : String(e),
    });
  });
});
