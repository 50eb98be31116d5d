/**
 * Opens the database the application runs on: the PostgreSQL server named by `DATABASE_URL` (or
 * `url`) when there is one, otherwise the built-in embedded server on `dataDir` (default
 * `./data/postgres`), started here and stopped by `close()`. Migrations are a separate step
 * (`migrate(db.pool)`), so a tool can open a database without changing it.
 */

import path from 'node:path';

import pg from 'pg';

import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded.ts';
import { DbError, redactUrl } from './errors.ts';

export interface OpenDatabaseOptions {
  /** A postgres:// URL; wins over the DATABASE_URL environment variable. */
  readonly url?: string;
  /** The embedded server's directory when no URL is given. Default: `./data/postgres`. */
  readonly dataDir?: string;
  /** Receives the embedded server's log and pool notices; never a password. */
  readonly log?: (line: string) => void;
  /** Pool size; see `DEFAULT_POOL_MAX`. */
  readonly poolMax?: number;
}

export interface Database {
  readonly pool: pg.Pool;
  /** The URL the pool connects to, with its password: a secret, log it through `redactUrl`. */
  readonly url: string;
  /** The embedded server when this call started one; undefined with DATABASE_URL. */
  readonly embedded: EmbeddedPostgres | undefined;
  /** Ends the pool, then stops the embedded server if this call started it. */
  close(): Promise<void>;
}

/**
 * Ten connections: on a 2-core machine PostgreSQL does its best with a handful of active queries,
 * and the rest of the pool covers connections that wait on the network or on locks.
 */
export const DEFAULT_POOL_MAX = 10;

/** The database the embedded server creates for the application. */
export const EMBEDDED_DATABASE = 'opendeg';

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const log = options.log ?? ((): void => undefined);
  const given = options.url ?? nonEmpty(process.env.DATABASE_URL);
  let embedded: EmbeddedPostgres | undefined;
  let url: string;
  if (given !== undefined) {
    url = checkUrl(given);
  } else {
    embedded = await startEmbeddedPostgres({
      dataDir: options.dataDir ?? path.join('data', 'postgres'),
      database: EMBEDDED_DATABASE,
      log,
    });
    url = embedded.url;
  }
  const pool = createPool(url, { max: options.poolMax ?? DEFAULT_POOL_MAX, log });
  try {
    // Fail at start, with a clear code, rather than at the first request.
    await pool.query('SELECT 1');
  } catch (e) {
    await pool.end().catch(() => undefined);
    await embedded?.stop();
    throw new DbError(
      'DATABASE_UNREACHABLE',
      `cannot connect to ${redactUrl(url)}: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
  let closing: Promise<void> | undefined;
  return {
    pool,
    url,
    embedded,
    close: () =>
      (closing ??= (async () => {
        await pool.end();
        await embedded?.stop();
      })()),
  };
}

/** A pool with the settings we use everywhere (also for tests' extra pools). */
export function createPool(
  url: string,
  options: { max?: number; log?: (line: string) => void; allowExitOnIdle?: boolean } = {},
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? DEFAULT_POOL_MAX,
    // Idle connections cost the server memory; keep a warm few, not the whole pool, for long.
    idleTimeoutMillis: 30_000,
    // A server that does not answer in 10 s is down: fail the request instead of queueing forever.
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    application_name: 'opendeg',
    allowExitOnIdle: options.allowExitOnIdle ?? false,
  });
  // An idle connection that breaks (server restart, network) is replaced on the next checkout;
  // without a listener the 'error' event would crash the process.
  pool.on('error', (e) => options.log?.(`database connection lost: ${e.message}`));
  return pool;
}

function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DbError('DATABASE_URL_INVALID', 'DATABASE_URL is not a URL');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new DbError('DATABASE_URL_INVALID', `DATABASE_URL must be postgres://…, not ${redactUrl(url)}`);
  }
  return url;
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}
