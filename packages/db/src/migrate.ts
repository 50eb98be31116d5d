/**
 * The migration runner. The schema is the sequence of SQL files in `packages/db/migrations/`,
 * `001_foundation.sql`, `002_….sql`, …: read in order, each applied once, in its own transaction,
 * and recorded in `schema_migrations` with the SHA-256 of its text.
 *
 * - Several server processes may start at once: a session advisory lock lets one of them migrate
 *   while the others wait, then find nothing left to do.
 * - An applied migration is history: if its file changed the runner refuses to start
 *   (MIGRATION_CHANGED), and if the database knows a migration this code does not, the code is
 *   older than the database (MIGRATION_UNKNOWN). Fix the schema with a new migration instead.
 * - A migration must not manage its own transaction (BEGIN/COMMIT), which would let half of it
 *   commit; statements that cannot run in a transaction (CREATE INDEX CONCURRENTLY) are not supported.
 */

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type pg from 'pg';

import { DbError } from './errors.ts';

export interface Migration {
  /** 1, 2, 3, … from the file name's number. */
  readonly id: number;
  /** The file name's words: `foundation` for `001_foundation.sql`. */
  readonly name: string;
  readonly sql: string;
  /** SHA-256 of the text with line ends normalised to LF, as hex. */
  readonly checksum: string;
}

export interface AppliedMigration {
  readonly id: number;
  readonly name: string;
  readonly checksum: string;
}

export interface MigrateOptions {
  /** The migrations to apply; default: the files in `packages/db/migrations/`. */
  readonly migrations?: readonly Migration[];
  /** How long to wait for another process's migration run. Default: 5 minutes. */
  readonly lockTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

const FILE_NAME = /^(\d{3,})_([a-z0-9_]+)\.sql$/;
// Transaction control at the start of a statement; SQL comments start with `--` and do not match.
const TRANSACTION_CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|START\s+TRANSACTION)\b\s*;/im;

// One lock for every OpenDEG process migrating this database (advisory locks are per database).
const LOCK_KEY = "hashtextextended('opendeg:schema_migrations', 0)";

const BOOTSTRAP = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  id          integer PRIMARY KEY CONSTRAINT schema_migrations_id_positive CHECK (id > 0),
  name        text NOT NULL CONSTRAINT schema_migrations_name_format CHECK (name ~ '^[a-z0-9_]+$'),
  checksum    bytea NOT NULL CONSTRAINT schema_migrations_checksum_sha256 CHECK (octet_length(checksum) = 32),
  applied_at  timestamptz NOT NULL DEFAULT now()
)`;

/** Reads and checks the migration files of `dir`. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations: Migration[] = [];
  for (const file of fs.readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const m = FILE_NAME.exec(file);
    if (m === null) throw new DbError('MIGRATIONS_INVALID', `${file}: name must be NNN_words.sql`);
    const sql = fs.readFileSync(path.join(dir, file), 'utf8');
    if (TRANSACTION_CONTROL.test(sql)) {
      throw new DbError('MIGRATIONS_INVALID', `${file}: the runner gives each migration its transaction`);
    }
    migrations.push(migration(Number(m[1]), m[2] as string, sql));
  }
  migrations.forEach((m, i) => {
    if (m.id !== i + 1) {
      throw new DbError(
        'MIGRATIONS_INVALID',
        `migrations must be numbered 1, 2, 3, …: found ${m.id} at ${i + 1}`,
      );
    }
  });
  return migrations;
}

/** A migration from its parts; the checksum ignores CR in line ends, which git may add on checkout. */
export function migration(id: number, name: string, sql: string): Migration {
  const checksum = createHash('sha256').update(sql.replace(/\r\n/g, '\n'), 'utf8').digest('hex');
  return { id, name, sql, checksum };
}

/** Applies the pending migrations in order and returns them; [] when the schema is current. */
export async function migrate(pool: pg.Pool, options: MigrateOptions = {}): Promise<AppliedMigration[]> {
  const migrations = options.migrations ?? loadMigrations();
  const log = options.log ?? ((): void => undefined);
  const client = await pool.connect();
  let broken = false;
  try {
    await lock(client, options.lockTimeoutMs ?? 300_000);
    try {
      await client.query(BOOTSTRAP);
      const applied = await client.query<{ id: number; name: string; checksum: string }>(
        "SELECT id, name, encode(checksum, 'hex') AS checksum FROM schema_migrations ORDER BY id",
      );
      const pending = plan(migrations, applied.rows);
      const done: AppliedMigration[] = [];
      for (const m of pending) {
        const started = Date.now();
        await applyOne(client, m);
        done.push({ id: m.id, name: m.name, checksum: m.checksum });
        log(`applied migration ${label(m)} in ${Date.now() - started} ms`);
      }
      return done;
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`);
    }
  } catch (e) {
    // A connection that failed mid-way may still hold the lock or a transaction: do not reuse it.
    broken = !(e instanceof DbError);
    throw e;
  } finally {
    client.release(broken);
  }
}

async function lock(client: pg.PoolClient, timeoutMs: number): Promise<void> {
  await client.query(`SET lock_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
  try {
    await client.query(`SELECT pg_advisory_lock(${LOCK_KEY})`);
  } catch (e) {
    // 55P03 lock_not_available: lock_timeout expired.
    if ((e as { code?: unknown }).code === '55P03') {
      throw new DbError(
        'MIGRATION_LOCK_TIMEOUT',
        `another process held the migration lock for ${timeoutMs} ms`,
      );
    }
    throw e;
  } finally {
    await client.query('RESET lock_timeout');
  }
}

/** The migrations still to apply, after checking that the applied ones are ours and unchanged. */
function plan(
  migrations: readonly Migration[],
  applied: readonly { id: number; name: string; checksum: string }[],
): Migration[] {
  const byId = new Map(migrations.map((m) => [m.id, m]));
  for (const row of applied) {
    const m = byId.get(row.id);
    if (m === undefined) {
      throw new DbError(
        'MIGRATION_UNKNOWN',
        `the database has migration ${row.id} (${row.name}), which this code does not know: it is older than the database`,
      );
    }
    if (m.name !== row.name || m.checksum !== row.checksum) {
      throw new DbError(
        'MIGRATION_CHANGED',
        `migration ${label(m)} was applied as ${row.name} with SHA-256 ${row.checksum} and its file now differs; ` +
          'restore the file and put the change in a new migration',
      );
    }
  }
  const last = applied.at(-1)?.id ?? 0;
  const done = new Set(applied.map((r) => r.id));
  const pending = migrations.filter((m) => !done.has(m.id));
  const early = pending.find((m) => m.id < last);
  if (early !== undefined) {
    throw new DbError(
      'MIGRATION_OUT_OF_ORDER',
      `migration ${label(early)} is pending but ${last} is applied`,
    );
  }
  return pending;
}

async function applyOne(client: pg.PoolClient, m: Migration): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(m.sql);
    await client.query('INSERT INTO schema_migrations (id, name, checksum) VALUES ($1, $2, decode($3, $4))', [
      m.id,
      m.name,
      m.checksum,
      'hex',
    ]);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    const err = e as { message?: unknown; position?: unknown };
    const position = Number(err.position);
    const where = Number.isSafeInteger(position) ? ` at line ${lineOf(m.sql, position)}` : '';
    throw new DbError('MIGRATION_FAILED', `migration ${label(m)} failed${where}: ${String(err.message)}`, {
      cause: e,
    });
  }
}

function label(m: Migration): string {
  return `${String(m.id).padStart(3, '0')}_${m.name}`;
}

/** The 1-based line of a 1-based character position, as PostgreSQL reports errors. */
function lineOf(sql: string, position: number): number {
  return sql.slice(0, position - 1).split('\n').length;
}
