/**
 * The observer node's PostgreSQL schema: the ledger's tables for the replica and the witness state
 * (packages/ledger), then the node's own (./observer-schema.sql). Created at start; idempotent and
 * safe from several processes at once.
 */

import { readFileSync } from 'node:fs';

import { ensureLedgerSchema } from '@opendeg/ledger';
import type pg from 'pg';

const SCHEMA = readFileSync(new URL('./observer-schema.sql', import.meta.url), 'utf8');

export async function ensureObserverSchema(pool: pg.Pool): Promise<void> {
  await ensureLedgerSchema(pool);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('opendeg-observer-schema', 0))");
    await client.query(SCHEMA);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
