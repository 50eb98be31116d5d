/**
 * `LedgerStore` on PostgreSQL through `pg`. Several server processes may share the database: one
 * sequences at a time (a session advisory lock), and every write is fenced by the epoch in the
 * `ledger_log` row, read under a row share lock in the same statement, so a former sequencer can
 * never overwrite anything. Durability is PostgreSQL's commit (synchronous_commit on).
 * Schema: ./postgres-schema.sql.
 */

import { readFileSync } from 'node:fs';

import type pg from 'pg';

import { LedgerError } from './errors.ts';
import type { LedgerStore, SequencerLease, StoredCheckpoint, StoredTile, TileKey } from './store.ts';
import type { WitnessState, WitnessStore } from './witness.ts';

const SCHEMA = readFileSync(new URL('./postgres-schema.sql', import.meta.url), 'utf8');

const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const bytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** Creates the tables if needed; safe to run from several processes at once. */
export async function ensureLedgerSchema(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('opendeg-ledger-schema', 0))");
    await client.query(SCHEMA);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

export class PostgresLedgerStore implements LedgerStore {
  private constructor(
    private readonly pool: pg.Pool,
    readonly logId: string,
  ) {}

  /** A store for log `logId` (its checkpoint origin, say) on `pool`; creates the schema. */
  static async open(pool: pg.Pool, logId: string): Promise<PostgresLedgerStore> {
    await ensureLedgerSchema(pool);
    return new PostgresLedgerStore(pool, logId);
  }

  async acquireSequencer(): Promise<SequencerLease | null> {
    const client = await this.pool.connect();
    let lost = false;
    let released = false;
    // A dead session has lost its advisory lock; hand the broken connection back at once.
    const onError = (): void => {
      lost = true;
      if (!released) {
        released = true;
        client.release(true);
      }
    };
    client.on('error', onError);
    try {
      const lock = await client.query<{ locked: boolean }>(
        "SELECT pg_try_advisory_lock(hashtextextended('opendeg-ledger:' || $1, 0)) AS locked",
        [this.logId],
      );
      if (lock.rows[0]?.locked !== true) {
        client.off('error', onError);
        released = true;
        client.release();
        return null;
      }
      const row = await client.query<{ epoch: string }>(
        `INSERT INTO ledger_log (log_id, epoch) VALUES ($1, 1)
         ON CONFLICT (log_id) DO UPDATE SET epoch = ledger_log.epoch + 1
         RETURNING epoch`,
        [this.logId],
      );
      const token = Number(row.rows[0]?.epoch);
      return {
        token,
        release: async () => {
          if (released) return;
          released = true;
          try {
            if (!lost) {
              await client.query("SELECT pg_advisory_unlock(hashtextextended('opendeg-ledger:' || $1, 0))", [
                this.logId,
              ]);
            }
          } finally {
            client.off('error', onError);
            client.release(lost);
          }
        },
      };
    } catch (e) {
      client.off('error', onError);
      if (!released) {
        released = true;
        client.release(true);
      }
      throw e;
    }
  }

  async loadCheckpoint(): Promise<StoredCheckpoint | null> {
    const r = await this.pool.query<{ size: string; root: Buffer; time_ms: string; checkpoint: string }>(
      'SELECT size, root, time_ms, checkpoint FROM ledger_log WHERE log_id = $1 AND size IS NOT NULL',
      [this.logId],
    );
    const row = r.rows[0];
    if (row === undefined) return null;
    return {
      size: Number(row.size),
      root: bytes(row.root),
      timeMs: Number(row.time_ms),
      note: row.checkpoint,
    };
  }

  async readEntries(start: number, end: number): Promise<Uint8Array[]> {
    if (end <= start) return [];
    const r = await this.pool.query<{ data: Buffer }>(
      'SELECT data FROM ledger_entry WHERE log_id = $1 AND idx >= $2 AND idx < $3 ORDER BY idx',
      [this.logId, start, end],
    );
    if (r.rows.length !== end - start) {
      throw new LedgerError('NOT_FOUND', `postgres store: entries [${start}, ${end}) incomplete`);
    }
    return r.rows.map((row) => bytes(row.data));
  }

  async readTiles(keys: readonly TileKey[]): Promise<(Uint8Array | undefined)[]> {
    if (keys.length === 0) return [];
    const r = await this.pool.query<{ level: number; idx: string; hashes: Buffer }>(
      `SELECT t.level, t.idx, t.hashes FROM ledger_tile t
       JOIN unnest($2::smallint[], $3::bigint[]) AS k(level, idx) ON t.level = k.level AND t.idx = k.idx
       WHERE t.log_id = $1`,
      [this.logId, keys.map((k) => k.level), keys.map((k) => k.index)],
    );
    const found = new Map(r.rows.map((row) => [`${row.level}/${row.idx}`, bytes(row.hashes)]));
    return keys.map((k) => found.get(`${k.level}/${k.index}`));
  }

  private lockLost(): never {
    throw new LedgerError('LOCK_LOST', 'postgres store: sequencer lease is no longer current');
  }

  async writeEntries(lease: SequencerLease, start: number, entries: readonly Uint8Array[]): Promise<void> {
    if (entries.length === 0) return;
    const r = await this.pool.query(
      `WITH fence AS (SELECT 1 FROM ledger_log WHERE log_id = $1 AND epoch = $2 FOR SHARE)
       INSERT INTO ledger_entry (log_id, idx, data)
       SELECT $1, s.idx, s.data FROM fence, unnest($3::bigint[], $4::bytea[]) AS s(idx, data)
       ON CONFLICT (log_id, idx) DO UPDATE SET data = EXCLUDED.data`,
      [this.logId, lease.token, entries.map((_, i) => start + i), entries.map(buf)],
    );
    if (r.rowCount !== entries.length) this.lockLost();
  }

  async writeTiles(lease: SequencerLease, tiles: readonly StoredTile[]): Promise<void> {
    if (tiles.length === 0) return;
    const r = await this.pool.query(
      `WITH fence AS (SELECT 1 FROM ledger_log WHERE log_id = $1 AND epoch = $2 FOR SHARE)
       INSERT INTO ledger_tile (log_id, level, idx, hashes)
       SELECT $1, s.level, s.idx, s.hashes FROM fence, unnest($3::smallint[], $4::bigint[], $5::bytea[]) AS s(level, idx, hashes)
       ON CONFLICT (log_id, level, idx) DO UPDATE SET hashes = EXCLUDED.hashes`,
      [
        this.logId,
        lease.token,
        tiles.map((t) => t.level),
        tiles.map((t) => t.index),
        tiles.map((t) => buf(t.hashes)),
      ],
    );
    if (r.rowCount !== tiles.length) this.lockLost();
  }

  async setCheckpoint(
    lease: SequencerLease,
    expectedSize: number | null,
    next: StoredCheckpoint,
  ): Promise<boolean> {
    const r = await this.pool.query<{ epoch: string }>(
      `UPDATE ledger_log SET size = $4, root = $5, time_ms = $6, checkpoint = $7
       WHERE log_id = $1 AND epoch = $2 AND size IS NOT DISTINCT FROM $3::bigint
       RETURNING epoch`,
      [this.logId, lease.token, expectedSize, next.size, buf(next.root), next.timeMs, next.note],
    );
    if (r.rowCount === 1) return true;
    const now = await this.pool.query<{ epoch: string }>('SELECT epoch FROM ledger_log WHERE log_id = $1', [
      this.logId,
    ]);
    if (Number(now.rows[0]?.epoch) !== lease.token) this.lockLost();
    return false;
  }
}

/** `WitnessStore` on PostgreSQL: compare-and-swap in one statement per observer node and log. */
export class PostgresWitnessStore implements WitnessStore {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly witness: string,
  ) {}

  static async open(pool: pg.Pool, witnessName: string): Promise<PostgresWitnessStore> {
    await ensureLedgerSchema(pool);
    return new PostgresWitnessStore(pool, witnessName);
  }

  async load(origin: string): Promise<WitnessState | null> {
    const r = await this.pool.query<{ size: string; root: Buffer; checkpoint: string }>(
      'SELECT size, root, checkpoint FROM witness_state WHERE witness = $1 AND origin = $2',
      [this.witness, origin],
    );
    const row = r.rows[0];
    return row === undefined
      ? null
      : { size: Number(row.size), root: bytes(row.root), checkpoint: row.checkpoint };
  }

  async compareAndSwap(origin: string, expectedSize: number | null, next: WitnessState): Promise<boolean> {
    const params = [this.witness, origin, next.size, buf(next.root), next.checkpoint];
    const r =
      expectedSize === null
        ? await this.pool.query(
            `INSERT INTO witness_state (witness, origin, size, root, checkpoint) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (witness, origin) DO NOTHING`,
            params,
          )
        : await this.pool.query(
            `UPDATE witness_state SET size = $3, root = $4, checkpoint = $5
             WHERE witness = $1 AND origin = $2 AND size = $6`,
            [...params, expectedSize],
          );
    return r.rowCount === 1;
  }
}
