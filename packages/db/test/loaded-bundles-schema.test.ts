// migrations/005_loaded_bundles.sql (P-3.2): every CHECK rejects a bad row with SQLSTATE 23514 and its
// name, every constraint of the table is exercised here, and a loaded bundle is never changed or deleted.
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../src/testing.ts';
import { pgFailure } from './helpers/pg-failure.ts';
import type { PgFailure } from './helpers/pg-failure.ts';

const db = useTestDatabase();
const HASH = Buffer.alloc(32, 5);

const failure = (sql: string, params: unknown[]): Promise<PgFailure | undefined> =>
  pgFailure(db.pool, sql, params);

const INSERT =
  'INSERT INTO loaded_bundles (hash, election_id, kind, manifest, signer, loaded_at) VALUES ($1, $2, $3, $4, $5, now())';

describe('loaded_bundles', () => {
  it('P-3.2 accepts a good row, then refuses bad ones by constraint name', async () => {
    await db.pool.query(
      "INSERT INTO elections (id, kind, config, config_sha256) VALUES ('e1', 'training', '{}', $1)",
      [Buffer.alloc(32, 1)],
    );
    expect(
      await failure(INSERT, [HASH, 'e1', 'list-and-ballot-data', '{"files":[]}', 'CN=Центр']),
    ).toBeUndefined();
    const cases: [unknown[], string][] = [
      [[Buffer.alloc(31), 'e1', 'k', '{}', 's'], 'loaded_bundles_hash_length'],
      [[Buffer.alloc(32, 6), 'e1', 'Bad Kind', '{}', 's'], 'loaded_bundles_kind_format'],
      [[Buffer.alloc(32, 7), 'e1', 'k', '[]', 's'], 'loaded_bundles_manifest_object'],
      [[Buffer.alloc(32, 8), 'e1', 'k', '{}', ''], 'loaded_bundles_signer_length'],
    ];
    for (const [params, name] of cases)
      expect(await failure(INSERT, params), name).toEqual({ code: '23514', constraint: name });
    expect(await failure(INSERT, [HASH, 'e1', 'k', '{}', 's'])).toMatchObject({ code: '23505' });
    expect(await failure(INSERT, [Buffer.alloc(32, 9), 'nope', 'k', '{}', 's'])).toMatchObject({
      code: '23503',
    });
    const checks = await db.pool.query<{ conname: string }>(
      "SELECT conname FROM pg_constraint WHERE conrelid = 'loaded_bundles'::regclass AND contype = 'c' ORDER BY conname",
    );
    expect(checks.rows.map((r) => r.conname)).toEqual(cases.map(([, n]) => n).sort());
  });

  it('a loaded bundle is never changed or deleted', async () => {
    expect(await failure("UPDATE loaded_bundles SET kind = 'x'", [])).toEqual({
      code: '23001',
      constraint: 'loaded_bundles_append_only',
    });
    expect(await failure('DELETE FROM loaded_bundles', [])).toEqual({
      code: '23001',
      constraint: 'loaded_bundles_append_only',
    });
  });
});
