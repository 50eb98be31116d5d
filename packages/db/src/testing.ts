/**
 * PostgreSQL for tests anywhere in the repository (`@opendeg/db/testing`).
 *
 * One server per test process, started on first use: the PostgreSQL server of `DATABASE_URL` when
 * set, otherwise an embedded one in a temporary directory. Each `useTestDatabase()` (or
 * `createTestDatabase()`) gets a database of its own with a random name, migrated, and dropped at
 * the end, so test files never see each other's rows, even on a shared `DATABASE_URL` server.
 *
 * Start-up is kept short: the cluster is initialised once per machine and user into a template
 * directory under the OS temp directory, and each process copies it (faster than initdb); the
 * throwaway server runs without fsync. The server is never stopped explicitly: its guardian stops
 * it and removes its directory when the test process exits.
 */

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

import { createPool } from './connect.ts';
import { initEmbeddedPostgres, startEmbeddedPostgres } from './embedded.ts';
import { isDbError } from './errors.ts';
import { migrate } from './migrate.ts';

export interface TestDatabase {
  /** The database's name: `opendeg_test_<random>`. */
  readonly name: string;
  /** Its URL, with a password: do not print it. */
  readonly url: string;
  readonly pool: pg.Pool;
  /** Another pool on the same database, as a second server process would have; ended by `drop`. */
  newPool(max?: number): pg.Pool;
  /** Ends the pools and drops the database. */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Apply the migrations of `packages/db/migrations/`. Default: true. */
  readonly migrate?: boolean;
}

/**
 * A fresh database for the enclosing test file or `describe` block: created in `beforeAll`,
 * dropped in `afterAll`. Use its members inside tests and hooks.
 */
export function useTestDatabase(options: TestDatabaseOptions = {}): TestDatabase {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase(options);
  }, 120_000);
  afterAll(async () => {
    await db?.drop();
  }, 60_000);
  const get = (): TestDatabase => {
    if (db === undefined)
      throw new Error('useTestDatabase(): the database exists only inside tests and hooks');
    return db;
  };
  return {
    get name() {
      return get().name;
    },
    get url() {
      return get().url;
    },
    get pool() {
      return get().pool;
    },
    newPool: (max) => get().newPool(max),
    drop: () => get().drop(),
  };
}

/** A fresh database on this process's test server; the caller drops it. */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const server = await testServer();
  const name = `opendeg_test_${randomBytes(8).toString('hex')}`;
  await server.admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(server.url);
  u.pathname = `/${name}`;
  const url = u.toString();
  const pools: pg.Pool[] = [];
  const newPool = (max = 5): pg.Pool => {
    const pool = createPool(url, { max });
    pools.push(pool);
    return pool;
  };
  const pool = newPool();
  let dropped: Promise<void> | undefined;
  const drop = (): Promise<void> =>
    (dropped ??= (async () => {
      await Promise.all(pools.map((p) => p.end()));
      await server.admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    })());
  if (options.migrate !== false) {
    try {
      await migrate(pool);
    } catch (e) {
      await drop();
      throw e;
    }
  }
  return { name, url, pool, newPool, drop };
}

/** The URL of this process's test server (database `postgres`), starting it on first use. */
export async function testServerUrl(): Promise<string> {
  return (await testServer()).url;
}

interface TestServer {
  readonly url: string;
  /** On the `postgres` database, for CREATE and DROP DATABASE. */
  readonly admin: pg.Pool;
}

// On globalThis rather than in a module variable: vitest may evaluate this module afresh for each
// test file in one process, and the process should still run a single server.
const SERVER = Symbol.for('@opendeg/db/testing:server');

function testServer(): Promise<TestServer> {
  const g = globalThis as { [SERVER]?: Promise<TestServer> };
  const existing = g[SERVER];
  if (existing !== undefined) return existing;
  const started = startTestServer();
  g[SERVER] = started;
  // A failed start is not cached: the next test tries again and reports its own error.
  started.catch(() => {
    if (g[SERVER] === started) g[SERVER] = undefined;
  });
  return started;
}

async function startTestServer(): Promise<TestServer> {
  const external = process.env.DATABASE_URL;
  let url: string;
  if (external !== undefined && external !== '') {
    url = external;
  } else {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opendeg-db-test-'));
    try {
      await copyTemplate(dataDir);
      const server = await startEmbeddedPostgres({
        dataDir,
        ephemeral: true,
        // A crash of a throwaway server loses nothing of value; durability would only cost time.
        durable: false,
      });
      url = server.url;
    } catch (e) {
      fs.rmSync(dataDir, { recursive: true, force: true });
      throw e;
    }
  }
  // Idle admin connections must not hold the test process open.
  return { url, admin: createPool(url, { max: 2, allowExitOnIdle: true }) };
}

/** Copies the per-user template cluster into `dataDir`, creating the template first if needed. */
async function copyTemplate(dataDir: string): Promise<void> {
  const uid = process.getuid?.() ?? 0;
  let template = path.join(os.tmpdir(), `opendeg-db-template-${uid}`);
  const found = fs.lstatSync(template, { throwIfNoEntry: false });
  if (found !== undefined && (!found.isDirectory() || found.uid !== uid)) {
    // Not ours (the temp directory is shared): a cluster planted there could run anything.
    template = fs.mkdtempSync(path.join(os.tmpdir(), 'opendeg-db-template-'));
  }
  try {
    await initEmbeddedPostgres({ dataDir: template, durable: false });
  } catch (e) {
    // A template from another PostgreSQL major version, or a broken one: make it again.
    if (!isDbError(e, 'DATA_DIR_UNUSABLE')) throw e;
    fs.rmSync(path.join(template, 'pgdata'), { recursive: true, force: true });
    await initEmbeddedPostgres({ dataDir: template, durable: false });
  }
  const from = path.join(template, 'pgdata');
  const to = path.join(dataDir, 'pgdata');
  fs.cpSync(from, to, { recursive: true });
  fs.chmodSync(to, 0o700);
  if (uid === 0) {
    // As root the copies are root's; the server's account (the template's owner) must own them.
    const owner = fs.statSync(from);
    fs.chmodSync(dataDir, 0o711);
    chownTree(to, owner.uid, owner.gid);
  }
}

function chownTree(dir: string, uid: number, gid: number): void {
  fs.chownSync(dir, uid, gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, uid, gid);
    else fs.lchownSync(p, uid, gid);
  }
}
