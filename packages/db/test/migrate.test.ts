// The migration runner: once each, in order, under the advisory lock, in a transaction each; and
// the refusals (MIGRATION_CHANGED, MIGRATION_UNKNOWN, …) that keep history from being rewritten.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

import { isDbError, type DbErrorCode } from '../src/errors.ts';
import {
  loadMigrations,
  migrate,
  migration,
  MIGRATIONS_DIR,
  type AppliedMigration,
  type Migration,
} from '../src/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../src/testing.ts';

const databases: TestDatabase[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(databases.map((d) => d.drop()));
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
}, 60_000);

/** A fresh database without any migration applied. */
async function emptyDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrate: false });
  databases.push(db);
  return db;
}

/** A migrations directory: 001 as shipped, plus the given files. */
function migrationsDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opendeg-db-migrations-'));
  dirs.push(dir);
  fs.copyFileSync(path.join(MIGRATIONS_DIR, '001_foundation.sql'), path.join(dir, '001_foundation.sql'));
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

async function codeOf(p: Promise<unknown>): Promise<DbErrorCode | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    if (isDbError(e)) return e.code;
    throw e;
  }
}

async function recorded(pool: pg.Pool): Promise<{ id: number; name: string }[]> {
  return (
    await pool.query<{ id: number; name: string }>('SELECT id, name FROM schema_migrations ORDER BY id')
  ).rows;
}

const ids = (applied: AppliedMigration[]): number[] => applied.map((m) => m.id);

const foundation = (): Migration => {
  const m = loadMigrations()[0];
  if (m === undefined) throw new Error('no 001');
  return m;
};

describe('migrate', () => {
  it('applies the shipped migrations to an empty database once, recording name and SHA-256', async () => {
    const { pool } = await emptyDatabase();
    const applied = await migrate(pool);
    expect(applied.map((m) => `${m.id} ${m.name}`)).toEqual(loadMigrations().map((m) => `${m.id} ${m.name}`));
    expect(applied[0]?.name).toBe('foundation');
    const file = fs.readFileSync(path.join(MIGRATIONS_DIR, '001_foundation.sql'));
    expect(applied[0]?.checksum).toBe(createHash('sha256').update(file).digest('hex'));
    const rows = await pool.query<{ checksum: string; applied_at: Date }>(
      "SELECT encode(checksum, 'hex') AS checksum, applied_at FROM schema_migrations",
    );
    expect(rows.rows[0]?.checksum).toBe(applied[0]?.checksum);
    expect(rows.rows[0]?.applied_at).toBeInstanceOf(Date);
    expect(await migrate(pool)).toEqual([]);
    expect(await recorded(pool)).toEqual(loadMigrations().map(({ id, name }) => ({ id, name })));
  });

  it('several processes migrating at once apply each migration exactly once', async () => {
    const db = await emptyDatabase();
    const migrations = [
      foundation(),
      // Slow, and not repeatable: a second application would fail or double the rows.
      migration(
        2,
        'probe',
        'CREATE TABLE probe (n int);\nINSERT INTO probe VALUES (1);\nSELECT pg_sleep(0.2);',
      ),
      migration(3, 'probe_more', 'INSERT INTO probe VALUES (2);'),
    ];
    const pools = Array.from({ length: 4 }, () => db.newPool(2));
    const runs = await Promise.all(pools.map((p) => migrate(p, { migrations })));
    expect(runs.flatMap(ids).sort()).toEqual([1, 2, 3]);
    expect(runs.filter((r) => r.length > 0)).toHaveLength(1);
    expect((await db.pool.query('SELECT n FROM probe ORDER BY n')).rows).toEqual([{ n: 1 }, { n: 2 }]);
    expect(await recorded(db.pool)).toHaveLength(3);
  });

  it('refuses to start when an applied migration file changed: MIGRATION_CHANGED', async () => {
    const { pool } = await emptyDatabase();
    const dir = migrationsDir({ '002_probe.sql': 'CREATE TABLE probe (n int);\n' });
    expect(ids(await migrate(pool, { migrations: loadMigrations(dir) }))).toEqual([1, 2]);

    // Line ends changed by a checkout on Windows are not a change.
    fs.writeFileSync(path.join(dir, '002_probe.sql'), 'CREATE TABLE probe (n int);\r\n');
    expect(await migrate(pool, { migrations: loadMigrations(dir) })).toEqual([]);

    // An edit, even with a new migration beside it: nothing is applied.
    fs.writeFileSync(path.join(dir, '002_probe.sql'), 'CREATE TABLE probe (n bigint);\n');
    fs.writeFileSync(path.join(dir, '003_next.sql'), 'CREATE TABLE next (n int);\n');
    expect(await codeOf(migrate(pool, { migrations: loadMigrations(dir) }))).toBe('MIGRATION_CHANGED');
    expect(await recorded(pool)).toHaveLength(2);

    // The same text under another name is a change too.
    fs.writeFileSync(path.join(dir, '002_probe.sql'), 'CREATE TABLE probe (n int);\n');
    fs.renameSync(path.join(dir, '002_probe.sql'), path.join(dir, '002_renamed.sql'));
    expect(await codeOf(migrate(pool, { migrations: loadMigrations(dir) }))).toBe('MIGRATION_CHANGED');
  });

  it('refuses to start when the database has a migration the code does not know: MIGRATION_UNKNOWN', async () => {
    const { pool } = await emptyDatabase();
    const shipped = loadMigrations();
    const newer = [...shipped, migration(shipped.length + 1, 'newer', 'CREATE TABLE newer (n int);')];
    expect(ids(await migrate(pool, { migrations: newer }))).toEqual(newer.map((m) => m.id));
    expect(await codeOf(migrate(pool))).toBe('MIGRATION_UNKNOWN');
  });

  it('refuses a pending migration numbered below an applied one: MIGRATION_OUT_OF_ORDER', async () => {
    const { pool } = await emptyDatabase();
    const m2 = migration(2, 'two', 'CREATE TABLE two (n int);');
    const m3 = migration(3, 'three', 'CREATE TABLE three (n int);');
    await migrate(pool, { migrations: [foundation(), m3] });
    expect(await codeOf(migrate(pool, { migrations: [foundation(), m2, m3] }))).toBe(
      'MIGRATION_OUT_OF_ORDER',
    );
  });

  it('rolls a failing migration back whole and records nothing of it: MIGRATION_FAILED', async () => {
    const { pool } = await emptyDatabase();
    const dir = migrationsDir({
      '002_broken.sql': 'CREATE TABLE half (n int);\nSELECT nonsense FROM nowhere;\n',
    });
    const error = await migrate(pool, { migrations: loadMigrations(dir) }).catch((e: unknown) => e);
    expect(isDbError(error, 'MIGRATION_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(
      /002_broken failed at line 2: relation "nowhere" does not exist/,
    );
    expect(await recorded(pool)).toEqual([{ id: 1, name: 'foundation' }]);
    expect((await pool.query("SELECT to_regclass('half') AS t")).rows).toEqual([{ t: null }]);
  });

  it('waits for another process holding the lock, up to lockTimeoutMs: MIGRATION_LOCK_TIMEOUT', async () => {
    const db = await emptyDatabase();
    const holder = await db.pool.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(hashtextextended('opendeg:schema_migrations', 0))");
      const other = db.newPool(1);
      expect(await codeOf(migrate(other, { lockTimeoutMs: 200 }))).toBe('MIGRATION_LOCK_TIMEOUT');
      const waiting = migrate(other);
      await new Promise((r) => setTimeout(r, 100));
      await holder.query("SELECT pg_advisory_unlock(hashtextextended('opendeg:schema_migrations', 0))");
      expect(ids(await waiting)).toEqual(loadMigrations().map((m) => m.id));
    } finally {
      holder.release();
    }
  });

  it('rejects a migrations directory that breaks the rules: MIGRATIONS_INVALID', () => {
    const invalid = (files: Record<string, string>): DbErrorCode | undefined => {
      try {
        loadMigrations(migrationsDir(files));
        return undefined;
      } catch (e) {
        if (isDbError(e)) return e.code;
        throw e;
      }
    };
    expect(invalid({ '2_short.sql': 'SELECT 1;' })).toBe('MIGRATIONS_INVALID');
    expect(invalid({ '002_Capital.sql': 'SELECT 1;' })).toBe('MIGRATIONS_INVALID');
    expect(invalid({ '003_gap.sql': 'SELECT 1;' })).toBe('MIGRATIONS_INVALID');
    expect(invalid({ '001_twice.sql': 'SELECT 1;' })).toBe('MIGRATIONS_INVALID');
    expect(invalid({ '002_commits.sql': 'CREATE TABLE t (n int);\nCOMMIT;\n' })).toBe('MIGRATIONS_INVALID');
    expect(invalid({ '002_fine.sql': 'SELECT 1;', 'README.md': 'not a migration' })).toBeUndefined();
  });
});
