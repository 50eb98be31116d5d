// How a statement failed, for the schema tests: its SQLSTATE and the named constraint (or trigger
// constraint) that refused it; undefined when it succeeded.
import type pg from 'pg';

export interface PgFailure {
  readonly code: string | undefined;
  readonly constraint: string | undefined;
}

export async function pgFailure(
  pool: pg.Pool,
  sql: string,
  params: unknown[],
): Promise<PgFailure | undefined> {
  try {
    await pool.query(sql, params);
    return undefined;
  } catch (e) {
    const err = e as { code?: string; constraint?: string };
    return { code: err.code, constraint: err.constraint };
  }
}
