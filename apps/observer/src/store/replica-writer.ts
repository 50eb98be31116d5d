/**
 * Writes a step of the node's replica — a run of entries and the tiles they complete — in one
 * transaction, fenced by the replica's writer lease as `PostgresLedgerStore.writeEntries` and
 * `writeTiles` are (the same tables, the same upserts: rows past the verified checkpoint may be
 * written again after an interrupted step). One transaction a step instead of two statements each
 * committed alone; the rows go as multi-row inserts of at most `ROWS` entries, so no single statement
 * carries a whole catch-up step's bytes.
 */

import { LedgerError, type SequencerLease, type StoredTile } from '@opendeg/ledger';
import type pg from 'pg';

const ROWS = 2048;

const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export async function writeReplicaStep(
  pool: pg.Pool,
  logId: string,
  lease: SequencerLease,
  start: number,
  entries: readonly Uint8Array[],
  tiles: readonly StoredTile[],
): Promise<void> {
  if (entries.length === 0 && tiles.length === 0) return;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const fence = await client.query('SELECT 1 FROM ledger_log WHERE log_id = $1 AND epoch = $2 FOR SHARE', [
      logId,
      lease.token,
    ]);
    if (fence.rowCount !== 1) {
      throw new LedgerError('LOCK_LOST', 'observer replica: the writer lease is no longer current');
    }
    for (let s = 0; s < entries.length; s += ROWS) {
      const part = entries.slice(s, s + ROWS);
      await client.query(
        `INSERT INTO ledger_entry (log_id, idx, data)
         SELECT $1, s.idx, s.data FROM unnest($2::bigint[], $3::bytea[]) AS s(idx, data)
         ON CONFLICT (log_id, idx) DO UPDATE SET data = EXCLUDED.data`,
        [logId, part.map((_, i) => start + s + i), part.map(buf)],
      );
    }
    if (tiles.length > 0) {
      await client.query(
        `INSERT INTO ledger_tile (log_id, level, idx, hashes)
         SELECT $1, s.level, s.idx, s.hashes FROM unnest($2::smallint[], $3::bigint[], $4::bytea[]) AS s(level, idx, hashes)
         ON CONFLICT (log_id, level, idx) DO UPDATE SET hashes = EXCLUDED.hashes`,
        [logId, tiles.map((t) => t.level), tiles.map((t) => t.index), tiles.map((t) => buf(t.hashes))],
      );
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
