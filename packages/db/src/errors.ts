/**
 * Errors of the storage layer.
 *
 * Everything here happens at start-up (open the database, start the embedded server, migrate), where
 * the only sensible reaction to an expected failure is to stop with a clear message, so expected
 * failures are thrown as `DbError` with a stable `code` that callers, scripts and tests can match.
 * Messages never contain a password: URLs in them go through `redactUrl`.
 */

export type DbErrorCode =
  /** Another live PostgreSQL server runs on this data directory. */
  | 'DATA_DIR_LOCKED'
  /** The data directory cannot hold a cluster: not a directory, half-initialised, another version, no access. */
  | 'DATA_DIR_UNUSABLE'
  /** The embedded server did not come up; the message carries the end of its log. */
  | 'EMBEDDED_START_FAILED'
  /** No embedded PostgreSQL binaries exist for this platform; set DATABASE_URL instead. */
  | 'EMBEDDED_UNSUPPORTED'
  /** DATABASE_URL (or `url`) is not a postgres:// or postgresql:// URL. */
  | 'DATABASE_URL_INVALID'
  /** The server does not accept our connection (down, wrong password, no such database). */
  | 'DATABASE_UNREACHABLE'
  /** The migrations directory breaks the naming rules (`NNN_name.sql`, 1, 2, 3, … without gaps). */
  | 'MIGRATIONS_INVALID'
  /** A migration recorded as applied no longer has the same file (checksum or name differ). */
  | 'MIGRATION_CHANGED'
  /** The database records a migration this code does not have: it is newer than the code. */
  | 'MIGRATION_UNKNOWN'
  /** A migration would be applied before one with a higher number that is already applied. */
  | 'MIGRATION_OUT_OF_ORDER'
  /** A migration's SQL failed; its transaction was rolled back and nothing of it remains. */
  | 'MIGRATION_FAILED'
  /** Another process held the migration lock for longer than the lock timeout. */
  | 'MIGRATION_LOCK_TIMEOUT';

export class DbError extends Error {
  readonly code: DbErrorCode;

  constructor(code: DbErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DbError';
    this.code = code;
  }
}

/** True when `e` is a `DbError`, optionally with the given code. */
export function isDbError(e: unknown, code?: DbErrorCode): e is DbError {
  return e instanceof DbError && (code === undefined || e.code === code);
}

/** `url` with its password replaced by `***`, for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    // Not a URL: it may still contain a secret, so show nothing of it.
    return '<unparsable URL>';
  }
}
