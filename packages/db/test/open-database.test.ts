// openDatabase: DATABASE_URL (or `url`) selects a server and starts nothing; without one the
// embedded server runs under dataDir for as long as the database is open.

import fs from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

import { openDatabase } from '../src/connect.ts';
import { isDbError, type DbErrorCode } from '../src/errors.ts';
import { loadMigrations, migrate } from '../src/migrate.ts';
import { testServerUrl } from '../src/testing.ts';

const dirs: string[] = [];
afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(async () => {
  await Promise.all(dirs.map((d) => fs.promises.rm(d, { recursive: true, force: true })));
}, 60_000);

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'opendeg-db-open-'));
  // Like a checkout's ./data: the server's account (as root, `postgres`) may pass through.
  fs.chmodSync(d, 0o755);
  dirs.push(d);
  return d;
}

async function codeOf(p: Promise<unknown>): Promise<{ code: DbErrorCode; message: string } | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    if (isDbError(e)) return { code: e.code, message: e.message };
    throw e;
  }
}

interface ServerIdentity {
  port: number;
  started: string;
}

async function identity(pool: pg.Pool): Promise<ServerIdentity> {
  const r = await pool.query<{ port: number; started: Date }>(
    'SELECT inet_server_port() AS port, pg_postmaster_start_time() AS started',
  );
  const row = r.rows[0];
  if (row === undefined) throw new Error('no row');
  return { port: row.port, started: row.started.toISOString() };
}

describe('openDatabase', () => {
  it('with DATABASE_URL uses that server and starts no embedded one', async () => {
    const url = await testServerUrl();
    const admin = new pg.Pool({ connectionString: url, max: 1 });
    const theirs = await identity(admin);
    vi.stubEnv('DATABASE_URL', url);
    const dataDir = path.join(tempDir(), 'postgres');
    const db = await openDatabase({ dataDir });
    expect(db.embedded).toBeUndefined();
    expect(db.url).toBe(url);
    expect(await identity(db.pool)).toEqual(theirs);
    expect(fs.existsSync(dataDir)).toBe(false);
    await db.close();
    // Closing ends our pool only; the server is someone else's.
    expect(await identity(admin)).toEqual(theirs);
    await admin.end();
  });

  it('prefers the url option to DATABASE_URL', async () => {
    vi.stubEnv('DATABASE_URL', 'postgres://nobody:secret@127.0.0.1:1/nowhere');
    const db = await openDatabase({ url: await testServerUrl(), dataDir: path.join(tempDir(), 'unused') });
    expect(db.embedded).toBeUndefined();
    await db.close();
  });

  it('refuses a URL that is not postgres:// (DATABASE_URL_INVALID) and an unreachable server (DATABASE_UNREACHABLE), without showing the password', async () => {
    for (const bad of ['mysql://root:hunter2@localhost/db', 'hunter2']) {
      vi.stubEnv('DATABASE_URL', bad);
      const e = await codeOf(openDatabase());
      expect(e?.code).toBe('DATABASE_URL_INVALID');
      expect(e?.message).not.toContain('hunter2');
    }
    const port = await closedPort();
    const e = await codeOf(openDatabase({ url: `postgres://opendeg:hunter2@127.0.0.1:${port}/opendeg` }));
    expect(e?.code).toBe('DATABASE_UNREACHABLE');
    expect(e?.message).not.toContain('hunter2');
    expect(e?.message).toContain('***');
  });

  it('without a URL starts the embedded server under dataDir, which close() stops; data persists', async () => {
    vi.stubEnv('DATABASE_URL', '');
    const dataDir = path.join(tempDir(), 'postgres');
    const first = await openDatabase({ dataDir });
    expect(first.embedded?.created).toBe(true);
    expect((await first.pool.query('SELECT current_database() AS db')).rows).toEqual([{ db: 'opendeg' }]);
    expect((await migrate(first.pool)).map((m) => m.name)).toEqual(loadMigrations().map((m) => m.name));
    const pid = first.embedded?.pid ?? 0;
    await first.close();
    expect(fs.existsSync(path.join(dataDir, 'pgdata', 'postmaster.pid'))).toBe(false);
    expect(() => process.kill(pid, 0)).toThrow();

    const second = await openDatabase({ dataDir });
    expect(second.embedded?.created).toBe(false);
    expect(await migrate(second.pool)).toEqual([]);
    await second.close();
  });
});

async function closedPort(): Promise<number> {
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
