// The log follower against a real log on PostgreSQL served over HTTP (C2SP tlog-tiles): the honest
// run, then each way a log can break its promises (P-10.7, P-10.10), with evidence re-checked offline.

import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, test } from 'vitest';

import { createTestDatabase } from '@opendeg/db/testing';
import { hashLeaf, MemoryLedgerStore, Ledger, rootFromTiles, unwrap } from '@opendeg/ledger';

import { verifyEvidence, type Evidence } from '../src/evidence.ts';
import { Follower, type EntryChecker, type VerifiedEntry } from '../src/follower.ts';
import { httpLogSource } from '../src/log-source.ts';
import {
  createTestLog,
  logSigner,
  ORIGIN,
  startLogServer,
  testEntries,
  vkeyOf,
  type LogServer,
  type TestLog,
} from './helpers/log-server.ts';
import { createObserver, type TestObserver } from './helpers/observer-node.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setUp(entries = 300): Promise<{ log: TestLog; server: LogServer; vkey: string }> {
  const signer = logSigner();
  const log = await createTestLog(signer);
  cleanups.push(() => log.close());
  await log.append(testEntries(0, entries));
  const server = await startLogServer(log.ledger);
  cleanups.push(() => server.close());
  return { log, server, vkey: vkeyOf(signer) };
}

async function observer(url: string, vkey: string, name = 'observer-1'): Promise<TestObserver> {
  const o = await createObserver(url, vkey, { name });
  cleanups.push(() => o.close());
  return o;
}

async function evidenceOf(o: TestObserver): Promise<Evidence> {
  const [alarm] = await o.follower.listAlarms();
  expect(alarm?.evidenceFile).toBeTruthy();
  return JSON.parse(await readFile(alarm?.evidenceFile ?? '', 'utf8')) as Evidence;
}

describe('follower', () => {
  test('P-10.7 honest run: two nodes replicate every entry, checkpoint after checkpoint, and raise nothing', async () => {
    const { log, server, vkey } = await setUp(300);
    const a = await observer(server.url, vkey, 'observer-a');
    const b = await observer(server.url, vkey, 'observer-b');
    expect(await a.follower.poll()).toEqual({ kind: 'advanced', from: 0, to: 300 });
    expect(await b.follower.catchUp()).toEqual({ kind: 'unchanged', size: 300 });
    for (let round = 0; round < 3; round++) {
      await log.append(testEntries(300 + round * 100, 100));
      expect((await a.follower.poll()).kind).toBe('advanced');
      expect((await b.follower.poll()).kind).toBe('advanced');
    }
    expect(await a.follower.poll()).toEqual({ kind: 'unchanged', size: 600 });
    for (const o of [a, b]) {
      expect(o.follower.size).toBe(log.ledger.size);
      expect(o.follower.checkpoint()?.root).toEqual(log.ledger.checkpoint().root);
      expect(o.follower.alarmTotal).toBe(0);
      // The replica holds the log's very bytes.
      expect(await o.follower.replica.readEntries(0, 600)).toEqual(await log.store.readEntries(0, 600));
    }
  });

  test('a checkpoint with a bad signature is refused and raises no alarm', async () => {
    const { log, server, vkey } = await setUp(10);
    const o = await observer(server.url, vkey);
    await o.follower.poll();
    // The same log name and origin, another key.
    const impostor = await createTestLog(logSigner(9));
    cleanups.push(() => impostor.close());
    await impostor.append(testEntries(0, 20, 'x'));
    server.serve(impostor.ledger);
    const r = await o.follower.poll();
    expect(r).toMatchObject({ kind: 'refused', code: 'BAD_SIGNATURE' });
    expect(o.follower.size).toBe(10);
    expect(o.follower.alarmTotal).toBe(0);
    server.serve(log.ledger);
    expect((await o.follower.poll()).kind).toBe('unchanged');
  });

  test('an unreachable log is transient: no alarm, and the next poll goes on', async () => {
    const { log, server, vkey } = await setUp(10);
    const o = await observer(server.url, vkey);
    await o.follower.poll();
    await log.append(testEntries(10, 5));
    server.failWith(503);
    expect((await o.follower.poll()).kind).toBe('unreachable');
    server.failWith(undefined);
    expect(await o.follower.poll()).toEqual({ kind: 'advanced', from: 10, to: 15 });
    expect(o.follower.alarmTotal).toBe(0);
  });

  test('an entry edited in the served database is found at the next checkpoint, with evidence', async () => {
    const { log, server, vkey } = await setUp(600);
    const o = await observer(server.url, vkey);
    await o.follower.poll();
    await log.db.pool.query(
      `UPDATE ledger_entry SET data = convert_to('{"n":5,"tag":"forged","type":"test"}', 'UTF8') WHERE idx = 5`,
    );
    await log.append(testEntries(600, 10));
    const r = await o.follower.poll();
    expect(r).toMatchObject({ kind: 'alarm', alarm: 'rewritten-entry' });
    const e = await evidenceOf(o);
    expect(e.leaves[0]?.index).toBe(5);
    const verdict = await verifyEvidence(e, { trustedLogKey: vkey });
    expect(verdict).toMatchObject({ proven: true, problems: [] });
    // The same file with the served bytes put back proves nothing.
    const honest = { ...e, served: e.served?.map((s) => ({ ...s, body: e.leaves[0]?.entry ?? '' })) };
    expect((await verifyEvidence(honest)).proven).toBe(false);
    // Seen again at the next poll, it stays one alarm.
    await o.follower.poll();
    expect(o.follower.alarmTotal).toBe(1);
  });

  test('an entry deleted from the served database is found at the next checkpoint, with evidence', async () => {
    const { log, server, vkey } = await setUp(300);
    const o = await observer(server.url, vkey);
    await o.follower.poll();
    await log.db.pool.query('DELETE FROM ledger_entry WHERE idx = 7');
    await log.append(testEntries(300, 10));
    const r = await o.follower.poll();
    expect(r).toMatchObject({ kind: 'alarm', alarm: 'missing-entry' });
    const e = await evidenceOf(o);
    expect(e.served?.[0]?.status).toBe(500);
    const verdict = await verifyEvidence(e, { trustedLogKey: vkey });
    expect(verdict.proven).toBe(true);
    // Evidence naming an entry beyond the signed tree does not hold.
    const beyond = { ...e, served: e.served?.map((s) => ({ ...s, index: 10_000 })) };
    expect((await verifyEvidence(beyond)).proven).toBe(false);
  });

  test('a forked tree served to one node (same key, other entries) is a fork, proven offline; the other node sees nothing', async () => {
    const signer = logSigner();
    const vkey = vkeyOf(signer);
    const honest = await createTestLog(signer);
    cleanups.push(() => honest.close());
    await honest.append(testEntries(0, 20));
    const forked = await createTestLog(signer);
    cleanups.push(() => forked.close());
    // The same first five entries, then another history.
    await forked.append(testEntries(0, 5));
    await forked.append(testEntries(5, 30, 'forked'));
    const serverA = await startLogServer(honest.ledger);
    cleanups.push(() => serverA.close());
    const serverB = await startLogServer(honest.ledger);
    cleanups.push(() => serverB.close());
    const a = await observer(serverA.url, vkey, 'observer-a');
    const b = await observer(serverB.url, vkey, 'observer-b');
    await a.follower.poll();
    await b.follower.poll();
    serverB.serve(forked.ledger);
    await honest.append(testEntries(20, 10));
    expect((await a.follower.poll()).kind).toBe('advanced');
    const r = await b.follower.poll();
    expect(r).toMatchObject({ kind: 'alarm', alarm: 'fork' });
    expect(a.follower.alarmTotal).toBe(0);
    expect(b.follower.size).toBe(20);
    const e = await evidenceOf(b);
    expect(e.checkpoints).toHaveLength(2);
    expect(e.leaves.map((l) => l.index)).toEqual([5, 5]);
    const verdict = await verifyEvidence(e, { trustedLogKey: vkey });
    expect(verdict).toMatchObject({ proven: true });
    // Another log key: the same file proves nothing about this log.
    expect((await verifyEvidence(e, { trustedLogKey: vkeyOf(logSigner(9)) })).proven).toBe(false);
    // One leaf swapped for the other tree's: no longer a fork.
    const same = { ...e, leaves: [e.leaves[0], { ...e.leaves[0], checkpoint: 1 }] };
    expect((await verifyEvidence(same)).proven).toBe(false);
  });

  test('a fork below the full tiles is found by the tile search, proven offline', async () => {
    const signer = logSigner();
    const vkey = vkeyOf(signer);
    const honest = await createTestLog(signer);
    cleanups.push(() => honest.close());
    await honest.append(testEntries(0, 600));
    const forked = await createTestLog(signer);
    cleanups.push(() => forked.close());
    await forked.append(testEntries(0, 300));
    await forked.append(testEntries(300, 1, 'forked'));
    await forked.append(testEntries(301, 400));
    const server = await startLogServer(honest.ledger);
    cleanups.push(() => server.close());
    const o = await observer(server.url, vkey);
    await o.follower.poll();
    server.serve(forked.ledger);
    // Entry 300 sits in a full bundle the node does not fetch again: only the tiles show the fork.
    expect(await o.follower.poll()).toMatchObject({ kind: 'alarm', alarm: 'fork' });
    const e = await evidenceOf(o);
    expect(e.leaves.map((l) => l.index)).toEqual([300, 300]);
    expect((await verifyEvidence(e, { trustedLogKey: vkey })).proven).toBe(true);
  });

  test('a restarted node reopens its replica, re-checks the stored tree and goes on from there', async () => {
    const { log, server, vkey } = await setUp(300);
    const o = await observer(server.url, vkey);
    await o.follower.poll();
    await o.follower.close();
    const again = await Follower.open({
      source: httpLogSource(server.url),
      origin: ORIGIN,
      logKey: vkey,
      pool: o.db.pool,
      name: 'observer-1',
      evidenceDir: o.evidenceDir,
    });
    expect(again.size).toBe(300);
    await log.append(testEntries(300, 20));
    expect(await again.poll()).toEqual({ kind: 'advanced', from: 300, to: 320 });
    await again.close();
    // A damaged replica (a stored tile changed) is refused at start.
    await o.db.pool.query(
      "UPDATE ledger_tile SET hashes = overlay(hashes placing '\\x00' from 1 for 1) WHERE level = 0 AND idx = 1",
    );
    await expect(
      Follower.open({
        source: httpLogSource(server.url),
        origin: ORIGIN,
        logKey: vkey,
        pool: o.db.pool,
        name: 'x',
        evidenceDir: o.evidenceDir,
      }),
    ).rejects.toMatchObject({ code: 'REPLICA_DAMAGED' });
    // close() of the helper must not fail on the already closed follower.
    cleanups.splice(cleanups.length - 1, 1, async () => {
      await o.db.drop();
    });
  });

  test('two signed trees of one size with different roots are a fork', async () => {
    const signer = logSigner();
    const vkey = vkeyOf(signer);
    const honest = await createTestLog(signer);
    cleanups.push(() => honest.close());
    await honest.append(testEntries(0, 20));
    const other = await createTestLog(signer);
    cleanups.push(() => other.close());
    await other.append(testEntries(0, 20, 'other'));
    const server = await startLogServer(honest.ledger);
    cleanups.push(() => server.close());
    const o = await observer(server.url, vkey);
    await o.follower.poll();
    server.serve(other.ledger);
    expect(await o.follower.poll()).toMatchObject({ kind: 'alarm', alarm: 'fork' });
    expect((await verifyEvidence(await evidenceOf(o))).proven).toBe(true);
  });

  test('a checkpoint that shrinks raises an alarm', async () => {
    const signer = logSigner();
    const vkey = vkeyOf(signer);
    const log = await createTestLog(signer);
    cleanups.push(() => log.close());
    await log.append(testEntries(0, 10));
    // A stale copy of the log: the same first ten entries, then twenty more.
    const store = new MemoryLedgerStore();
    const stale = unwrap(await Ledger.open({ origin: ORIGIN, signer, store }));
    for (const e of testEntries(0, 10)) unwrap(await stale.append(e));
    await log.append(testEntries(10, 20));
    const server = await startLogServer(log.ledger);
    cleanups.push(() => server.close());
    const o = await observer(server.url, vkey);
    await o.follower.poll();
    server.serve(stale);
    const r = await o.follower.poll();
    expect(r).toMatchObject({ kind: 'alarm', alarm: 'shrink' });
    const e = await evidenceOf(o);
    expect((await verifyEvidence(e)).proven).toBe(true);
    // The same two checkpoints in the other order are no shrink.
    const reversed = { ...e, checkpoints: [...e.checkpoints].reverse() };
    expect((await verifyEvidence(reversed)).proven).toBe(false);
    await stale.close();
  });

  test('a served entry that is not the leaf the log signed is found when it arrives', async () => {
    const { log, server, vkey } = await setUp(10);
    const o = await observer(server.url, vkey);
    await o.follower.poll();
    await log.append(testEntries(10, 10));
    // The log committed entry 15; the database now holds other bytes for it.
    await log.db.pool.query(
      `UPDATE ledger_entry SET data = convert_to('{"n":15,"tag":"forged","type":"test"}', 'UTF8') WHERE idx = 15`,
    );
    const r = await o.follower.poll();
    expect(r).toMatchObject({ kind: 'alarm', alarm: 'rewritten-entry' });
    expect(o.follower.size).toBe(10);
    const e = await evidenceOf(o);
    expect(e.leaves[0]?.index).toBe(15);
    expect(e.leaves[0]?.leafHash).not.toBe(Buffer.from(hashLeaf(new Uint8Array())).toString('base64'));
    expect((await verifyEvidence(e)).proven).toBe(true);
  });

  test('P-10.7 a catch-up in many steps: the next step is fetched and the last written while one is checked; the checker gets entries ahead, but only verified ones to count', async () => {
    const { log, server, vkey } = await setUp(700);
    const db = await createTestDatabase({ migrate: false });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'opendeg-observer-steps-'));
    cleanups.push(async () => {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    });
    const ahead: VerifiedEntry[] = [];
    const checked: VerifiedEntry[] = [];
    const checker: EntryChecker = {
      check: (entries) => {
        checked.push(...entries);
        return Promise.resolve();
      },
      prefetch: (entries) => {
        // Nothing is checked before the whole step's root is.
        expect(checked).toHaveLength(0);
        ahead.push(...entries);
        return Promise.resolve();
      },
    };
    const open = (): Promise<Follower> =>
      Follower.open({
        source: httpLogSource(server.url),
        origin: ORIGIN,
        logKey: vkey,
        pool: db.pool,
        name: 'observer-steps',
        evidenceDir: dir,
        checker,
        chunkBundles: 1,
      });
    const f = await open();
    expect(await f.poll()).toEqual({ kind: 'advanced', from: 0, to: 700 });
    const entries = await log.store.readEntries(0, 700);
    expect(ahead.map((e) => e.index)).toEqual([...entries.keys()]);
    expect(checked.map((e) => e.index)).toEqual([...entries.keys()]);
    expect(checked.map((e) => e.bytes)).toEqual(entries);
    // Every step's entries and tiles were written: the replica rebuilds the signed root.
    expect(await f.replica.readEntries(0, 700)).toEqual(entries);
    const root = await rootFromTiles(700, (keys) => f.replica.readTiles(keys));
    expect(root.ok && Buffer.from(root.value).equals(Buffer.from(log.ledger.checkpoint().root))).toBe(true);
    // An entry served with other bytes than the log signed reaches the checker ahead, never to count.
    await log.append(testEntries(700, 300));
    await log.db.pool.query(
      `UPDATE ledger_entry SET data = convert_to('{"n":900,"tag":"forged","type":"test"}', 'UTF8') WHERE idx = 900`,
    );
    ahead.length = 0;
    checked.length = 0;
    expect(await f.poll()).toMatchObject({ kind: 'alarm', alarm: 'rewritten-entry' });
    expect(ahead.map((e) => e.index)).toContain(900);
    expect(checked).toHaveLength(0);
    expect(f.size).toBe(700);
    await f.close();
    // A restarted follower replays the stored, verified entries only.
    const again = await open();
    expect(again.size).toBe(700);
    await again.close();
  });
});
