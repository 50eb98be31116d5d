// The observer node with its election personality (P-10.10, P-11.10.4): a real log on PostgreSQL
// over HTTP, ballots made by packages/election's simulation, the node's own PostgreSQL, and its HTTP
// interface on port 0. Each honest case is paired with the entry a dishonest box would accept.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createTestDatabase, type TestDatabase } from '@opendeg/db/testing';
import type { BallotJson } from '@opendeg/election';
import { fromBase64, hashLeaf, openCheckpoint, parseVerifierKey, verifyInclusion } from '@opendeg/ledger';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { checkElectionEvidence } from '../src/election/election-evidence.ts';
import { verifyEvidence, type Evidence } from '../src/evidence.ts';
import { buildObserverApp, type EntryBody, type StatusBody } from '../src/http/app.ts';
import { httpLogSource } from '../src/log-source.ts';
import { ObserverNode } from '../src/observer-node.ts';
import {
  ballotEntry,
  challengedEntry,
  closingEntries,
  makeElection,
  manifestEntry,
  verificationEntry,
  type ElectionFixture,
} from './helpers/election-fixture.ts';
import { vote } from '../../../packages/election/src/testing/simulate.ts';
import {
  createTestLog,
  logSigner,
  ORIGIN,
  startLogServer,
  vkeyOf,
  type LogServer,
  type TestLog,
} from './helpers/log-server.ts';

interface Node {
  readonly node: ObserverNode;
  readonly app: FastifyInstance;
  readonly url: string;
  readonly db: TestDatabase;
  readonly evidenceDir: string;
}

let fx: ElectionFixture;
let log: TestLog;
let server: LogServer;
const vkey = vkeyOf(logSigner());
let now = Date.parse('2026-09-18T05:00:00Z');
const nodes: Node[] = [];

async function startNode(name: string, threads = 0): Promise<Node> {
  const db = await createTestDatabase({ migrate: false });
  const evidenceDir = mkdtempSync(path.join(os.tmpdir(), 'opendeg-observer-node-'));
  const node = await ObserverNode.open({
    source: httpLogSource(server.url),
    origin: ORIGIN,
    logKey: vkey,
    pool: db.pool,
    name,
    evidenceDir,
    clock: () => now,
    threads,
  });
  const app = buildObserverApp(node, { staffToken: 'staff-secret' });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const n = { node, app, url, db, evidenceDir };
  nodes.push(n);
  return n;
}

// The caller names the body type the route's response schema guarantees.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
async function getJson<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as T };
}

beforeAll(async () => {
  fx = await makeElection();
  log = await createTestLog(logSigner());
  server = await startLogServer(log.ledger);
}, 180_000);

afterAll(async () => {
  for (const n of nodes) {
    await n.app.close();
    await n.node.close();
    await n.db.drop();
    rmSync(n.evidenceDir, { recursive: true, force: true });
  }
  await server.close();
  await log.close();
});

describe('election observer node', () => {
  let a: Node;
  let b: Node;

  test('P-10.10 honest voting: two nodes re-check every ballot as it arrives (b with a worker thread); their counts are the log’s; nothing is raised', async () => {
    a = await startNode('observer-a');
    b = await startNode('observer-b', 1);
    await log.append([manifestEntry(fx.sim)]);
    expect((await a.node.poll()).kind).toBe('advanced');
    expect((await b.node.poll()).kind).toBe('advanced');
    // Ballots arrive checkpoint by checkpoint; the node follows incrementally.
    const [first, ...others] = fx.ballots as [BallotJson, ...BallotJson[]];
    await log.append([challengedEntry(fx.challenged[0] as never), ballotEntry(first)]);
    expect((await a.node.poll()).kind).toBe('advanced');
    await log.append(others.map(ballotEntry));
    for (const n of [a, b]) {
      const r = await n.node.follower.catchUp();
      expect(r, JSON.stringify(r)).toMatchObject({ kind: 'unchanged' });
    }
    // b's worker judged the ballots as they were fetched: counting them took their leaf hashes, and
    // only the manifest and the challenged vote were read back from b's replica.
    expect(b.node.checker.workerProgress()).toMatchObject({ judged: 5, usedAhead: 5, readBack: 2 });
    expect(a.node.checker.workerProgress().readBack).toBe(log.ledger.size);

    for (const n of [a, b]) {
      const status = await getJson<StatusBody>(`${n.url}/status`);
      expect(status.status).toBe(200);
      expect(status.body.state).toBe('ok');
      expect(status.body.verified?.size).toBe(log.ledger.size);
      expect(status.body.counts).toMatchObject({ counted: 5, challenged: 1, rejected: 0, verification: 0 });
      expect(status.body.counts.regions).toEqual([
        { region: '39', cast: 2, challenged: 1 },
        { region: '77', cast: 3, challenged: 0 },
      ]);
    }
    // The node's running tallies are the ones the box would publish.
    const record = await fx.close();
    for (const t of record.tallies) expect(a.node.checker.tally(t.region)).toEqual(t);
  });

  test('P-11.10.4 verification entries are kept and shown, never counted, and the node proves their inclusion', async () => {
    await log.append([verificationEntry('проверочная транзакция наблюдателя № 1')]);
    await a.node.poll();
    const index = log.ledger.size - 1;
    const e = await getJson<EntryBody>(`${a.url}/entries/${index}`);
    expect(e.status).toBe(200);
    expect(e.body).toMatchObject({ index, type: 'verification', status: 'verification', region: null });
    // The inclusion proof holds against the log-signed checkpoint the node returns.
    const key = parseVerifierKey(vkey);
    if (!key.ok) throw key.error;
    const cp = openCheckpoint(e.body.checkpoint, [key.value.verifier]);
    if (!cp.ok) throw cp.error;
    const leaf = hashLeaf(new TextEncoder().encode(e.body.entry));
    const proof = e.body.inclusionProof.map((p) => fromBase64(p) as Uint8Array);
    expect(verifyInclusion(leaf, index, cp.value.checkpoint.size, proof, cp.value.checkpoint.root).ok).toBe(
      true,
    );
    expect(
      verifyInclusion(leaf, index - 1, cp.value.checkpoint.size, proof, cp.value.checkpoint.root).ok,
    ).toBe(false);
    const counts = await getJson<StatusBody['counts']>(`${a.url}/counts`);
    expect(counts.body).toMatchObject({ counted: 5, verification: 1 });
    // An index the node has not verified is a 404 with a stable code; a malformed one a 400.
    expect((await getJson<{ code: string }>(`${a.url}/entries/${index + 1}`)).body.code).toBe(
      'ENTRY_NOT_FOUND',
    );
    expect((await fetch(`${a.url}/entries/minus-one`)).status).toBe(400);
  });

  test('P-11.10.4 an entry is found by its tracker code', async () => {
    const counted = await a.node.index.byIndex(2);
    expect(counted?.status).toBe('counted');
    const code = counted?.trackerCode ?? '';
    const found = await getJson<EntryBody[]>(`${a.url}/trackers/${code}`);
    expect(found.status).toBe(200);
    expect(found.body.map((x) => x.index)).toEqual([2]);
    expect(JSON.parse(found.body[0]?.entry ?? '{}')).toMatchObject({ type: 'ballot' });
    const missing = await getJson<{ code: string }>(`${a.url}/trackers/0000-0000-0000-0000-0000`);
    expect(missing).toMatchObject({ status: 404, body: { code: 'TRACKER_NOT_FOUND' } });
  });

  test('P-6.10 a second ballot with a used credential, accepted by the box, is an alarm with evidence that re-checks offline', async () => {
    await log.append([ballotEntry(fx.ballots[3] as BallotJson)]);
    const r = await a.node.poll();
    expect(r).toMatchObject({ kind: 'alarm', alarm: 'invalid-entry' });
    const status = await getJson<StatusBody>(`${a.url}/status`);
    expect(status.body.state).toBe('alarm');
    expect(status.body.counts.counted).toBe(5);
    const [alarm] = await a.node.follower.listAlarms();
    const evidence = JSON.parse(readFileSync(alarm?.evidenceFile ?? '', 'utf8')) as Evidence;
    expect(evidence.election?.failures.map((f) => f.check)).toContain('B.6');
    const verdict = await verifyEvidence(evidence, { trustedLogKey: vkey, election: checkElectionEvidence });
    expect(verdict.proven).toBe(true);
    expect(verdict.findings.map((f) => f.en).join()).toContain('B.6');
    // Without the earlier ballot the same entry is a valid first vote: the evidence does not hold.
    const { prior: _prior, ...withoutPrior } = evidence.election ?? { entry: 0, failures: [] };
    const partial = { ...evidence, election: withoutPrior };
    expect((await verifyEvidence(partial, { election: checkElectionEvidence })).proven).toBe(false);
    // The evidence is also served over HTTP.
    const served = await getJson<Evidence>(`${a.url}/alarms/${alarm?.id ?? 0}/evidence`);
    expect(served.body.kind).toBe('invalid-entry');
  });

  test('P-10.10 a fresh node with two worker threads catches up in one step: the workers judge the ballots as they are fetched; a credential used again in a later job is B.6 and its answers leave the sum; the tallies are the box’s', async () => {
    const dupLog = await createTestLog(logSigner(13));
    const [first, ...others] = fx.ballots as [BallotJson, ...BallotJson[]];
    // The second use of a credential lands in a later job of the workers (jobs are 256 entries).
    await dupLog.append([
      manifestEntry(fx.sim),
      challengedEntry(fx.challenged[0] as never),
      ballotEntry(first),
    ]);
    await dupLog.append(others.map(ballotEntry));
    await dupLog.append(Array.from({ length: 300 }, (_, i) => verificationEntry(`проверка ${i}`)));
    // In that job a new ballot too: the job's sum for region 77 is added less the rejected ballot.
    const late = (await vote(fx.sim, '77', [['b']])).ballot;
    await dupLog.append([ballotEntry(fx.ballots[3] as BallotJson), ballotEntry(late)]);
    const s = await startLogServer(dupLog.ledger);
    const db = await createTestDatabase({ migrate: false });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'opendeg-observer-pool-'));
    const node = await ObserverNode.open({
      source: httpLogSource(s.url),
      origin: ORIGIN,
      logKey: vkeyOf(logSigner(13)),
      pool: db.pool,
      name: 'observer-pool',
      evidenceDir: dir,
      threads: 2,
    });
    try {
      expect(await node.follower.poll()).toMatchObject({ kind: 'alarm', alarm: 'invalid-entry' });
      expect(node.follower.size).toBe(dupLog.ledger.size);
      expect(node.checker.counts()).toMatchObject({
        counted: 6,
        rejected: 1,
        challenged: 1,
        verification: 300,
      });
      // Every ballot's proofs were checked by the workers from the entries fetched ahead of the root.
      expect(node.checker.workerProgress()).toMatchObject({ usedAhead: 7, queued: 0 });
      const [alarm] = await node.follower.listAlarms();
      const evidence = JSON.parse(readFileSync(alarm?.evidenceFile ?? '', 'utf8')) as Evidence;
      expect(evidence.election?.failures.map((f) => f.check)).toEqual(['B.6']);
      expect((await verifyEvidence(evidence, { election: checkElectionEvidence })).proven).toBe(true);
      const record = await fx.close([...fx.ballots, late]);
      expect(record.tallies.find((t) => t.region === '77')?.ballots).toBe(4);
      for (const t of record.tallies) expect(node.checker.tally(t.region)).toEqual(t);
    } finally {
      await node.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
      await s.close();
      await dupLog.close();
    }
  });

  test('V.8 published results that are not the decryption of the tallies are an alarm; the honest close raises none', async () => {
    // A fresh pair of logs: the honest close on b's log would be judged with a's alarm state otherwise.
    const honest = await fx.close();
    const forged = structuredClone(honest) as typeof honest & { results: { counts: number[][] }[] };
    const row = forged.results[0]?.counts[0];
    if (row === undefined) throw new Error('no counts');
    row[0] = (row[0] ?? 0) + 1;
    row[1] = (row[1] ?? 0) - 1;
    const honestLog = await createTestLog(logSigner(11));
    const forgedLog = await createTestLog(logSigner(11));
    const entries = [manifestEntry(fx.sim), ...fx.ballots.map(ballotEntry)];
    await honestLog.append(entries);
    await forgedLog.append(entries);
    await honestLog.append(closingEntries(honest));
    await forgedLog.append(closingEntries(forged));
    const servers = [await startLogServer(honestLog.ledger), await startLogServer(forgedLog.ledger)];
    const results: string[] = [];
    for (const s of servers) {
      const db = await createTestDatabase({ migrate: false });
      const dir = mkdtempSync(path.join(os.tmpdir(), 'opendeg-observer-close-'));
      const node = await ObserverNode.open({
        source: httpLogSource(s.url),
        origin: ORIGIN,
        logKey: vkeyOf(logSigner(11)),
        pool: db.pool,
        name: 'observer-close',
        evidenceDir: dir,
      });
      const r = await node.follower.catchUp();
      results.push(r.kind === 'alarm' ? r.alarm : r.kind);
      if (r.kind === 'alarm') {
        const [alarm] = await node.follower.listAlarms();
        const evidence = JSON.parse(readFileSync(alarm?.evidenceFile ?? '', 'utf8')) as Evidence;
        expect(evidence.election?.failures.map((f) => f.check)).toContain('V.8');
        expect((await verifyEvidence(evidence, { election: checkElectionEvidence })).proven).toBe(true);
      }
      await node.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
    for (const s of servers) await s.close();
    await honestLog.close();
    await forgedLog.close();
    expect(results).toEqual(['unchanged', 'record-invalid']);
  });

  test('P-11.10.4 the observation room: one observer at a time, at most an hour, the queue run by the staff', async () => {
    const staff = { 'x-staff-token': 'staff-secret' };
    const post = (
      p: string,
      body?: unknown,
      headers: Record<string, string> = staff,
    ): Promise<{ status: number; body: { code?: string; id?: number; state?: string } }> =>
      getJson(`${b.url}${p}`, {
        method: 'POST',
        ...(body === undefined
          ? { headers }
          : { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
    // Without the staff token (or with a wrong one) nothing changes.
    expect((await post('/room/queue', { observer: 'Наблюдатель 1' }, {})).body.code).toBe('STAFF_ONLY');
    expect(
      (await post('/room/queue', { observer: 'Наблюдатель 1' }, { 'x-staff-token': 'guess' })).status,
    ).toBe(403);
    expect((await post('/room/queue', { name: 'no observer' })).body.code).toBe('INVALID_REQUEST');
    expect((await post('/room/next')).body.code).toBe('QUEUE_EMPTY');
    const first = await post('/room/queue', { observer: 'Наблюдатель 1' });
    expect(first.status).toBe(201);
    const second = await post('/room/queue', { observer: 'Наблюдатель 2' });
    expect((await post('/room/next')).body).toMatchObject({ id: first.body.id, state: 'active' });
    // One at a time.
    expect((await post('/room/next')).body.code).toBe('ROOM_BUSY');
    // After an hour the session is over by itself and the next one may come in.
    now += 59 * 60 * 1000;
    expect((await post('/room/next')).body.code).toBe('ROOM_BUSY');
    now += 60 * 1000;
    const room = await getJson<{ active: unknown; waiting: { id: number }[] }>(`${b.url}/room`);
    expect(room.body.active).toBeNull();
    expect((await post('/room/next')).body).toMatchObject({ id: second.body.id, state: 'active' });
    expect((await post(`/room/sessions/${first.body.id ?? 0}/finish`)).body.code).toBe('SESSION_NOT_ACTIVE');
    expect((await post(`/room/sessions/${second.body.id ?? 0}/finish`)).body).toMatchObject({
      state: 'done',
    });
    expect((await post('/room/sessions/999/cancel')).status).toBe(404);
  });
});
