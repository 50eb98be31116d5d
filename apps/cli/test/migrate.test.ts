// `opendeg migrate` against a fresh, unmigrated test database given by DATABASE_URL: the first run
// applies packages/db's migrations and prints them, the second applies nothing; a bad URL is a clear
// error (exit 2) that shows no password.
import { loadMigrations } from '@opendeg/db';
import { useTestDatabase } from '@opendeg/db/testing';
import { describe, expect, test } from 'vitest';
import { expectNoStackTrace, run } from './run-cli.ts';

const db = useTestDatabase({ migrate: false });

describe('opendeg migrate', () => {
  test('applies every migration once; a second run applies nothing', async () => {
    const env = { DATABASE_URL: db.url };
    const first = await run(['migrate'], { env });
    expect(first.code, first.stderr).toBe(0);
    const migrations = loadMigrations();
    expect(first.stdout).toContain(`Применены миграции / Applied migrations: ${migrations.length}`);
    for (const m of migrations) {
      expect(first.stdout).toContain(`${String(m.id).padStart(3, '0')}_${m.name}  sha256 ${m.checksum}`);
    }
    // The URL is printed without its password.
    const password = new URL(db.url).password;
    if (password !== '') expect(first.stdout).not.toContain(password);
    const rows = await db.pool.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
    expect(rows.rows.map((r) => r.id)).toEqual(migrations.map((m) => m.id));

    const second = await run(['migrate'], { env });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('nothing to apply');
    expect(second.stdout).not.toContain('Applied migrations');
  });

  test('a DATABASE_URL that is not postgres://: exit 2 with the error code, no stack trace', async () => {
    const r = await run(['migrate'], { env: { DATABASE_URL: 'mysql://user:hunter2@localhost/x' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('DATABASE_URL_INVALID');
    expect(r.stderr).not.toContain('hunter2');
    expectNoStackTrace(r);
  });
});
