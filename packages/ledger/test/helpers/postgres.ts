/**
 * PostgreSQL for the ledger's tests and benchmark, on @opendeg/db's servers: `DATABASE_URL` if set,
 * otherwise the embedded server. Tests get `@opendeg/db/testing`'s shared test server (fsync off:
 * fine for correctness, where crashes are injected by the store, not the machine). The benchmark asks
 * for `durable: true`, a server of its own with fsync on, since it measures *durable* appends.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPool, startEmbeddedPostgres } from '@opendeg/db';
import { createTestDatabase } from '@opendeg/db/testing';
import type pg from 'pg';

export interface TestDatabase {
  readonly pool: pg.Pool;
  /** Another pool on the same database, as a second server process would have. */
  newPool(): pg.Pool;
}

export interface TestPostgres {
  /** A fresh empty database on the server; dropped by `stop`. */
  database(): Promise<TestDatabase>;
  stop(): Promise<void>;
}

export async function startPostgres(options: { durable?: boolean } = {}): Promise<TestPostgres> {
  if (options.durable === true && (process.env.DATABASE_URL ?? '') === '') return startDurable();
  const dbs: Awaited<ReturnType<typeof createTestDatabase>>[] = [];
  return {
    async database() {
      const db = await createTestDatabase({ migrate: false });
      dbs.push(db);
      return { pool: db.newPool(8), newPool: () => db.newPool(8) };
    },
    async stop() {
      for (const db of dbs) await db.drop();
    },
  };
}

/** A durable embedded server of its own in a temporary directory, removed by `stop`. */
async function startDurable(): Promise<TestPostgres> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'opendeg-ledger-pg-'));
  const server = await startEmbeddedPostgres({ dataDir, durable: true });
  const pools: pg.Pool[] = [];
  return {
    database() {
      const newPool = (): pg.Pool => {
        const pool = createPool(server.url, { max: 8 });
        pools.push(pool);
        return pool;
      };
      return Promise.resolve({ pool: newPool(), newPool });
    },
    async stop() {
      await Promise.all(pools.map((p) => p.end()));
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
