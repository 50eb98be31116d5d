/**
 * Ledger benchmarks (issue 3), printed as one JSON object on stdout (progress on stderr):
 *   - durable appends per second on PostgreSQL with batching;
 *   - inclusion and consistency proof time from stored tiles at 1 M and 10 M entries (a synthetic
 *     tree: random leaf hashes, tiles and a signed checkpoint written to PostgreSQL);
 *   - tile and entry-bundle bytes per second through the tile handler.
 * PostgreSQL: DATABASE_URL if set, else an embedded cluster in a temporary directory.
 */

import { randomBytes } from 'node:crypto';
import os from 'node:os';

import {
  ed25519NoteSigner,
  formatCheckpoint,
  Ledger,
  LedgerReader,
  PostgresLedgerStore,
  serveTile,
  signNote,
  TileEdge,
  unwrap,
  verifyConsistency,
  verifyInclusion,
  type LedgerEntry,
} from '../src/index.ts';
import { startPostgres } from '../test/helpers/postgres.ts';

const log = (msg: string): void => {
  process.stderr.write(`[ledger bench] ${msg}\n`);
};

function stats(samplesMs: number[]): { median: number; p99: number; mean: number } {
  const s = [...samplesMs].sort((a, b) => a - b);
  const q = (p: number): number =>
    Number((s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0).toFixed(3));
  return { median: q(0.5), p99: q(0.99), mean: Number((s.reduce((a, b) => a + b, 0) / s.length).toFixed(3)) };
}

const randomInt = (n: number): number => Math.floor(Math.random() * n);

async function main(): Promise<void> {
  const pgServer = await startPostgres({ durable: true });
  const result: Record<string, unknown> = {
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
  };
  try {
    const db = await pgServer.database();
    const origin = 'bench.opendeg.example/ledger';
    const signer = ed25519NoteSigner(origin, new Uint8Array(32).fill(1));

    // 1. Durable appends per second (PostgreSQL, batching).
    {
      const store = await PostgresLedgerStore.open(db.pool, origin);
      const ledger = unwrap(await Ledger.open({ origin, signer, store, maxBatchSize: 4096 }));
      const entry = (i: number): LedgerEntry => ({
        type: 'ballot',
        election: 'bench-2026',
        n: i,
        ciphertexts: Array.from({ length: 4 }, () => randomBytes(64).toString('base64')),
      });
      const warm = await Promise.all(Array.from({ length: 2000 }, (_, i) => ledger.append(entry(i))));
      if (!warm.every((r) => r.ok)) throw new Error('warm-up appends failed');
      const total = 60_000;
      const entries = Array.from({ length: total }, (_, i) => entry(2000 + i));
      const t0 = performance.now();
      const receipts = await Promise.all(entries.map((e) => ledger.append(e)));
      const secs = (performance.now() - t0) / 1000;
      const sizes = new Set<number>();
      for (const r of receipts) {
        if (!r.ok) throw new Error(`append failed: ${r.error.message}`);
        sizes.add(r.value.treeSize);
      }
      const batches = sizes.size;
      const bytes = entries.reduce((a, e) => a + JSON.stringify(e).length, 0) / total;
      result.appends = {
        store: 'postgresql',
        entries: total,
        avgEntryBytes: Math.round(bytes),
        seconds: Number(secs.toFixed(2)),
        perSecond: Math.round(total / secs),
        checkpoints: batches,
        target: '>= 5000/s',
      };
      log(`appends: ${Math.round(total / secs)}/s over ${batches} checkpoints`);

      // Entry bundles served from this log.
      const reader = new LedgerReader(store);
      let served = 0;
      const tb = performance.now();
      for (let i = 0; i < 100; i++) {
        const res = await serveTile(reader, {
          path: `tile/entries/${String(randomInt(200)).padStart(3, '0')}`,
        });
        if (res.status !== 200) throw new Error(`bundle ${res.status}`);
        served += res.body.length;
      }
      const bsecs = (performance.now() - tb) / 1000;
      result.entryBundlesServed = {
        source: 'postgresql',
        bundles: 100,
        bytesPerSecond: Math.round(served / bsecs),
        perBundleMs: Number(((bsecs * 1000) / 100).toFixed(2)),
      };
      await ledger.close();
    }

    // 2. Proofs at 1 M and 10 M entries from stored tiles.
    {
      const bigOrigin = 'bench.opendeg.example/synthetic';
      const bigSigner = ed25519NoteSigner(bigOrigin, new Uint8Array(32).fill(2));
      const store = await PostgresLedgerStore.open(db.pool, bigOrigin);
      const lease = await store.acquireSequencer();
      if (lease === null) throw new Error('lease');
      const edge = TileEdge.empty();
      let expected: number | null = null;
      const proofs: Record<string, unknown> = {};
      const chunk = 256 * 256;
      for (const target of [1_000_000, 10_000_000]) {
        const tb = performance.now();
        while (edge.size < target) {
          const n = Math.min(chunk, target - edge.size);
          const raw = randomBytes(32 * n);
          const leaves = Array.from(
            { length: n },
            (_, i) => new Uint8Array(raw.buffer, raw.byteOffset + 32 * i, 32),
          );
          const tiles = edge.append(leaves);
          for (let i = 0; i < tiles.length; i += 128) await store.writeTiles(lease, tiles.slice(i, i + 128));
          if (edge.size % (1 << 20) < chunk) log(`synthetic tree: ${edge.size} leaves`);
        }
        const root = edge.root();
        const note = signNote(formatCheckpoint({ origin: bigOrigin, size: target, root, extensions: [] }), [
          bigSigner,
        ]);
        if (!(await store.setCheckpoint(lease, expected, { size: target, root, timeMs: Date.now(), note }))) {
          throw new Error('checkpoint');
        }
        expected = target;
        const buildSecs = (performance.now() - tb) / 1000;
        const indices = Array.from({ length: 300 }, () => randomInt(target));
        const olds = Array.from({ length: 300 }, () => 1 + randomInt(target - 1));
        const measure = async (reader: LedgerReader): Promise<Record<string, unknown>> => {
          const inc: number[] = [];
          const con: number[] = [];
          for (let i = 0; i < indices.length; i++) {
            const index = indices[i] ?? 0;
            const t0 = performance.now();
            const proof = unwrap(await reader.proveInclusion(index, target));
            inc.push(performance.now() - t0);
            if (i < 3) {
              // Spot-check against the root: the proof needs the leaf hash, read from its tile.
              const [tile] = await reader.readTiles([{ level: 0, index: Math.floor(index / 256) }]);
              const leaf = tile?.subarray((index % 256) * 32, (index % 256) * 32 + 32) ?? new Uint8Array(0);
              if (!verifyInclusion(leaf, index, target, proof, root).ok)
                throw new Error('inclusion proof invalid');
            }
            const m = olds[i] ?? 1;
            const t1 = performance.now();
            const cproof = unwrap(await reader.proveConsistency(m, target));
            con.push(performance.now() - t1);
            if (i < 3) {
              const oldRoot = unwrap(await reader.root(m));
              if (!verifyConsistency(m, target, cproof, oldRoot, root).ok)
                throw new Error('consistency proof invalid');
            }
          }
          return { inclusionMs: stats(inc), consistencyMs: stats(con) };
        };
        // Cold: no tile cache, every tile from PostgreSQL. Warm: the same proofs again on a reader
        // whose cache already holds their tiles.
        const cold = await measure(new LedgerReader(store, { tileCacheSize: 0 }));
        const cached = new LedgerReader(store, { tileCacheSize: 1 << 14 });
        await measure(cached);
        const warm = await measure(cached);
        proofs[String(target)] = {
          buildAndStoreSeconds: Number(buildSecs.toFixed(1)),
          coldCacheFromPostgres: cold,
          warmTileCache: warm,
        };
        log(`proofs at ${target}: ${JSON.stringify(proofs[String(target)])}`);
      }
      result.proofs = { ...proofs, target: 'inclusion <= 5 ms', samples: 300 };

      // 3. Hash tiles served per second (random full level-0 tiles of the 10 M tree).
      const tileIndices = Array.from({ length: 2000 }, () => randomInt(39_062));
      const tiles = async (reader: LedgerReader): Promise<Record<string, unknown>> => {
        let bytes = 0;
        const n = tileIndices.length;
        const t0 = performance.now();
        for (const t of tileIndices) {
          const res = await serveTile(reader, { path: `tile/0/${formatIndex(t)}` });
          if (res.status !== 200) throw new Error(`tile ${res.status}`);
          bytes += res.body.length;
        }
        const secs = (performance.now() - t0) / 1000;
        return { tiles: n, bytesPerSecond: Math.round(bytes / secs), tilesPerSecond: Math.round(n / secs) };
      };
      const cachedReader = new LedgerReader(store, { tileCacheSize: 1 << 14 });
      await tiles(cachedReader);
      result.tilesServed = {
        note: 'one request at a time through serveTile; checkpoint read from PostgreSQL per request',
        fromPostgres: await tiles(new LedgerReader(store, { tileCacheSize: 0 })),
        fromCache: await tiles(cachedReader),
      };
      await lease.release();
    }
  } finally {
    await pgServer.stop();
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

function formatIndex(n: number): string {
  const groups: string[] = [];
  let x = n;
  do {
    groups.unshift(String(x % 1000).padStart(3, '0'));
    x = Math.floor(x / 1000);
  } while (x > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

await main();
