/**
 * One behaviour suite for the ledger, run against every `LedgerStore` implementation: appends and
 * receipts, batching, restart and re-verification, the single-sequencer lock and fencing, broken
 * invariants, the tile handlers, and crash recovery after a fault at every write.
 */

import { gunzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import {
  auditStoredLog,
  CHECKPOINT_CACHE_CONTROL,
  ed25519NoteSigner,
  ed25519NoteVerifier,
  encodeEntry,
  FaultInjectingStore,
  IMMUTABLE_CACHE_CONTROL,
  Ledger,
  LedgerReader,
  openCheckpoint,
  parseEntryBundle,
  serveCheckpoint,
  serveLog,
  serveTile,
  unwrap,
  verifyConsistency,
  verifyInclusion,
  verifyReceipt,
  type FaultPoint,
  type FaultTiming,
  type LedgerEntry,
  type LedgerEvent,
  type LedgerStore,
  type NoteVerifier,
  type Receipt,
  type Result,
} from '../../src/index.ts';
import { at } from './vectors.ts';

export interface StoreHarness {
  /** A store on fresh, empty storage. */
  store: LedgerStore;
  /** Another handle on the same storage, as a second server process would have. */
  second(): Promise<LedgerStore>;
  /** Makes the current sequencer's lease lapse as if its process died. */
  killSequencer(): Promise<void>;
  /** Corrupts stored tile (0, 0) behind the log's back. */
  corruptTile(): Promise<void>;
}

const ORIGIN = 'opendeg.example/election-test/ledger';
const signer = ed25519NoteSigner(ORIGIN, new Uint8Array(32).fill(42));
const verifier: NoteVerifier = (() => {
  const v = ed25519NoteVerifier(ORIGIN, signer.publicKey);
  if (v === undefined) throw new Error('test key');
  return v;
})();

const ballot = (i: number, tag = 'b'): LedgerEntry => ({
  type: 'ballot',
  tag,
  n: i,
  ciphertext: Buffer.alloc(96, i % 251).toString('base64'),
});
const bytesOf = (e: LedgerEntry): Uint8Array => unwrap(encodeEntry(e));

async function openLedger(
  store: LedgerStore,
  extra: { clock?: () => number; onEvent?: (e: LedgerEvent) => void; maxBatchSize?: number } = {},
): Promise<Ledger> {
  return unwrap(await Ledger.open({ origin: ORIGIN, signer, store, ...extra }));
}

function expectReceipt(r: Result<Receipt>, entry: LedgerEntry): Receipt {
  const receipt = unwrap(r);
  expect(verifyReceipt(receipt, bytesOf(entry), { logVerifier: verifier, origin: ORIGIN }).ok).toBe(true);
  return receipt;
}

async function audit(store: LedgerStore): Promise<number> {
  const report = unwrap(await auditStoredLog(store, verifier, ORIGIN));
  return report.entries;
}

export function describeLedgerBehaviour(name: string, harness: () => Promise<StoreHarness>): void {
  describe(`ledger behaviour on ${name}`, () => {
    it('starts with a signed empty checkpoint and appends typed entries with verifiable receipts', async () => {
      const h = await harness();
      const ledger = await openLedger(h.store);
      const cp0 = unwrap(openCheckpoint(ledger.checkpoint().note, [verifier])).checkpoint;
      expect(cp0.size).toBe(0);
      const entries = Array.from({ length: 5 }, (_, i) => ballot(i));
      for (const [i, e] of entries.entries()) {
        const receipt = expectReceipt(await ledger.append(e), e);
        expect(receipt.index).toBe(i);
      }
      expect(await h.store.readEntries(0, 5)).toEqual(entries.map(bytesOf));
      // Canonical JSON: member order does not matter.
      const r = unwrap(await ledger.append({ n: 1, type: 'x', a: [true, null, 1.5] }));
      expect(Buffer.from((await h.store.readEntries(r.index, r.index + 1))[0] ?? []).toString()).toBe(
        '{"a":[true,null,1.5],"n":1,"type":"x"}',
      );
      await ledger.close();
      expect(await audit(h.store)).toBe(6);
    });

    it('rejects invalid entries with stable codes and refuses work once closed', async () => {
      const h = await harness();
      const ledger = await openLedger(h.store);
      const codes = async (p: Promise<Result<Receipt>>): Promise<string | undefined> => {
        const r = await p;
        return r.ok ? undefined : r.error.code;
      };
      expect(await codes(ledger.append({ type: '' }))).toBe('ENTRY_INVALID');
      expect(await codes(ledger.append({ type: 'x', v: Number.NaN }))).toBe('ENTRY_INVALID');
      expect(await codes(ledger.append({ type: 'x', v: 'a'.repeat(70_000) }))).toBe('ENTRY_TOO_LARGE');
      expect(await codes(ledger.appendBytes(new Uint8Array(65_536)))).toBe('ENTRY_TOO_LARGE');
      expect(unwrap(await ledger.appendBytes(new Uint8Array(65_535))).index).toBe(0);
      await ledger.close();
      expect(await codes(ledger.append(ballot(1)))).toBe('LOG_CLOSED');
    });

    it('batches concurrent appends; every checkpoint extends the previous one', async () => {
      const h = await harness();
      const checkpoints: number[] = [];
      const ledger = await openLedger(h.store, {
        maxBatchSize: 256,
        onEvent: (e) => {
          if (e.kind === 'checkpoint') checkpoints.push(e.size);
        },
      });
      const entries = Array.from({ length: 1500 }, (_, i) => ballot(i));
      const receipts = await Promise.all(entries.map((e) => ledger.append(e)));
      const seen = new Set<number>();
      receipts.forEach((r, i) => {
        const receipt = expectReceipt(r, at(entries, i));
        seen.add(receipt.index);
      });
      expect(seen.size).toBe(1500);
      expect(checkpoints.length).toBeGreaterThan(1);
      expect(checkpoints.length).toBeLessThan(1500);
      expect(checkpoints.at(-1)).toBe(1500);
      // Consistency between consecutive checkpoints and each old root, from the stored tiles.
      const reader = new LedgerReader(h.store);
      const roots = new Map<number, Uint8Array>();
      for (const r of receipts) if (r.ok) roots.set(r.value.treeSize, r.value.rootHash);
      const rootOf = (n: number): Uint8Array => {
        const r = roots.get(n);
        if (r === undefined) throw new Error(`no root ${n}`);
        return r;
      };
      const sizes = [...roots.keys()].sort((a, b) => a - b);
      for (let i = 1; i < sizes.length; i++) {
        const [m, n] = [at(sizes, i - 1), at(sizes, i)];
        const proof = unwrap(await reader.proveConsistency(m, n));
        expect(verifyConsistency(m, n, proof, rootOf(m), rootOf(n)).ok).toBe(true);
      }
      // Old receipts' leaves are also in the latest tree.
      const latest = ledger.checkpoint();
      for (const i of [0, 255, 256, 1023, 1499]) {
        const proof = unwrap(await reader.proveInclusion(i, latest.size));
        const leaf = unwrap(at(receipts, i)).leafHash;
        expect(verifyInclusion(leaf, i, latest.size, proof, latest.root).ok).toBe(true);
      }
      await ledger.close();
      expect(await audit(h.store)).toBe(1500);
    });

    it('reopens from the store, re-verifies the tree and continues', async () => {
      const h = await harness();
      let ledger = await openLedger(h.store);
      await Promise.all(Array.from({ length: 300 }, (_, i) => ledger.append(ballot(i))));
      const before = ledger.checkpoint();
      await ledger.close();
      ledger = await openLedger(h.store);
      expect(ledger.checkpoint().note).toBe(before.note);
      const r = expectReceipt(await ledger.append(ballot(300)), ballot(300));
      expect(r.index).toBe(300);
      const again = unwrap(await ledger.receipt(17));
      expect(verifyReceipt(again, bytesOf(ballot(17)), { logVerifier: verifier, origin: ORIGIN }).ok).toBe(
        true,
      );
      await ledger.close();
      expect(await audit(h.store)).toBe(301);
    });

    it('lets one process sequence at a time; others read and take over when it stops', async () => {
      const h = await harness();
      const a = await openLedger(h.store);
      await Promise.all(Array.from({ length: 50 }, (_, i) => a.append(ballot(i))));
      const other = await h.second();
      const b = await Ledger.open({ origin: ORIGIN, signer, store: other });
      expect(b.ok ? undefined : b.error.code).toBe('LOCK_HELD');
      // The other process serves proofs from the stored tiles.
      const reader = new LedgerReader(other);
      const cp = unwrap(openCheckpoint((await reader.loadCheckpoint())?.note ?? '', [verifier])).checkpoint;
      expect(cp.size).toBe(50);
      const proof = unwrap(await reader.proveInclusion(7));
      expect(verifyInclusion(unwrap(await a.receipt(7)).leafHash, 7, 50, proof, cp.root).ok).toBe(true);
      await a.close();
      const c = await openLedger(other);
      expect(unwrap(await c.append(ballot(50))).index).toBe(50);
      await c.close();
      expect(await audit(h.store)).toBe(51);
    });

    it('fences a sequencer whose lease lapsed: it stops and writes nothing', async () => {
      const h = await harness();
      const stale = await openLedger(h.store);
      await Promise.all(Array.from({ length: 10 }, (_, i) => stale.append(ballot(i))));
      await h.killSequencer();
      const fresh = await openLedger(await h.second());
      await Promise.all(Array.from({ length: 5 }, (_, i) => fresh.append(ballot(100 + i))));
      const r = await stale.append(ballot(999));
      expect(r.ok ? undefined : r.error.code).toBe('LOG_STOPPED');
      expect(stale.stopped?.code).toBe('LOCK_LOST');
      const s = await stale.append(ballot(1000));
      expect(s.ok ? undefined : s.error.code).toBe('LOG_STOPPED');
      expect(unwrap(await fresh.append(ballot(105))).index).toBe(15);
      await fresh.close();
      expect(await audit(h.store)).toBe(16);
      expect(await h.store.readEntries(10, 16)).toEqual(
        [100, 101, 102, 103, 104, 105].map((i) => bytesOf(ballot(i))),
      );
    });

    it('stops when time goes backwards', async () => {
      const h = await harness();
      let now = 1_000_000;
      const ledger = await openLedger(h.store, { clock: () => now });
      unwrap(await ledger.append(ballot(0)));
      now -= 1;
      const r = await ledger.append(ballot(1));
      expect(r.ok ? undefined : r.error.code).toBe('LOG_STOPPED');
      expect(ledger.stopped?.code).toBe('TIME_WENT_BACKWARDS');
      expect(await audit(h.store)).toBe(1);
    });

    it('refuses to open a store whose tiles do not hash to the checkpoint', async () => {
      const h = await harness();
      const ledger = await openLedger(h.store);
      await Promise.all(Array.from({ length: 20 }, (_, i) => ledger.append(ballot(i))));
      await ledger.close();
      await h.corruptTile();
      const r = await Ledger.open({ origin: ORIGIN, signer, store: h.store });
      expect(r.ok ? undefined : r.error.code).toBe('TREE_MISMATCH');
      const a = await auditStoredLog(h.store, verifier, ORIGIN);
      expect(a.ok ? undefined : a.error.code).toBe('TREE_MISMATCH');
    });

    it('serves checkpoint, tiles and entry bundles with the recommended headers', async () => {
      const h = await harness();
      const ledger = await openLedger(h.store);
      const entries = Array.from({ length: 300 }, (_, i) => ballot(i));
      await Promise.all(entries.map((e) => ledger.append(e)));
      await ledger.close();
      const reader = new LedgerReader(await h.second());
      const cp = await serveCheckpoint(reader);
      expect(cp.status).toBe(200);
      expect(cp.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(cp.headers['cache-control']).toBe(CHECKPOINT_CACHE_CONTROL);
      const full = await serveTile(reader, { path: 'tile/0/000' });
      expect([full.status, full.body.length, full.headers['cache-control']]).toEqual([
        200,
        8192,
        IMMUTABLE_CACHE_CONTROL,
      ]);
      expect(full.headers['content-type']).toBe('application/octet-stream');
      expect((await serveTile(reader, { path: 'tile/0/001.p/44' })).body.length).toBe(44 * 32);
      expect((await serveTile(reader, { path: 'tile/0/001.p/10' })).status).toBe(200);
      expect((await serveTile(reader, { path: 'tile/1/000.p/1' })).status).toBe(200);
      for (const beyond of [
        'tile/0/001.p/45',
        'tile/0/001',
        'tile/1/000',
        'tile/2/000.p/1',
        'tile/entries/002.p/1',
      ]) {
        expect((await serveTile(reader, { path: beyond })).status, beyond).toBe(404);
      }
      expect((await serveTile(reader, { path: 'tile/0/1' })).status).toBe(400);
      expect((await serveLog(reader, { path: 'robots.txt' })).status).toBe(404);
      const plain = await serveLog(reader, { path: 'tile/entries/001.p/44' });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(unwrap(parseEntryBundle(plain.body))).toEqual(entries.slice(256).map(bytesOf));
      const gz = await serveLog(reader, { path: 'tile/entries/000', acceptEncoding: 'br, gzip;q=0.8' });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(unwrap(parseEntryBundle(new Uint8Array(gunzipSync(gz.body))))).toEqual(
        entries.slice(0, 256).map(bytesOf),
      );
      const noGz = await serveLog(reader, { path: 'tile/entries/000', acceptEncoding: 'gzip;q=0' });
      expect(noGz.headers['content-encoding']).toBeUndefined();
    });

    const faults: [FaultPoint, FaultTiming][] = [
      ['entries', 'before'],
      ['entries', 'after'],
      ['tiles', 'before'],
      ['tiles', 'after'],
      ['checkpoint', 'before'],
      ['checkpoint', 'after'],
    ];
    it.each(faults)(
      'crash: a fault %s %s loses no acknowledged entry and leaves nothing half-written',
      async (point, timing) => {
        const h = await harness();
        const faulty = new FaultInjectingStore(h.store);
        const ledger = await openLedger(faulty, { maxBatchSize: 100 });
        const acked = new Map<number, Uint8Array>();
        const record = (rs: Result<Receipt>[], es: LedgerEntry[]): { failed: LedgerEntry[] } => {
          const failed: LedgerEntry[] = [];
          rs.forEach((r, i) => {
            const e = at(es, i);
            if (r.ok) acked.set(r.value.index, bytesOf(e));
            else failed.push(e);
          });
          return { failed };
        };
        const first = Array.from({ length: 130 }, (_, i) => ballot(i, 'first'));
        record(await Promise.all(first.map((e) => ledger.append(e))), first);
        expect(acked.size).toBe(130);
        faulty.arm({ point, timing });
        const second = Array.from({ length: 90 }, (_, i) => ballot(i, 'second'));
        const { failed } = record(await Promise.all(second.map((e) => ledger.append(e))), second);
        expect(faulty.fired).toHaveLength(1);
        expect(failed.length).toBe(90);
        if (point === 'checkpoint') expect(ledger.stopped).toBeDefined();
        else expect(ledger.stopped).toBeUndefined();
        // Crash: the process dies without closing; its lease lapses.
        await h.killSequencer();

        // Restart from the store and re-verify the whole tree.
        const restarted = await openLedger(await h.second());
        const size = restarted.size;
        expect(await audit(h.store)).toBe(size);
        const stored = await h.store.readEntries(0, size);
        for (const [i, bytes] of acked) expect(stored[i]).toEqual(bytes);
        // The failed batch is wholly in (its checkpoint was stored before the error) or wholly out.
        const failedBytes = failed.map(bytesOf);
        const committedFailed = stored.slice(130);
        expect(committedFailed.length === 0 || committedFailed.length === failedBytes.length).toBe(true);
        if (committedFailed.length > 0) expect(committedFailed).toEqual(failedBytes);
        expect(size === 130 || (point === 'checkpoint' && timing === 'after' && size === 220)).toBe(true);

        // The restarted log appends over any leftovers and stays verifiable.
        const third = Array.from({ length: 60 }, (_, i) => ballot(i, 'third'));
        const rs = await Promise.all(third.map((e) => restarted.append(e)));
        rs.forEach((r, i) => expectReceipt(r, at(third, i)));
        await restarted.close();
        expect(await audit(h.store)).toBe(size + 60);
      },
    );
  });
}
