// The embedded PostgreSQL server: a persistent data directory, restarts, leftovers of killed
// servers and hosts, and the refusals with stable codes.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/embedded.ts';
import { isDbError, type DbErrorCode } from '../src/errors.ts';

const dirs: string[] = [];
const servers: EmbeddedPostgres[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await Promise.all(dirs.map((d) => fs.promises.rm(d, { recursive: true, force: true })));
}, 60_000);

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'opendeg-db-embedded-'));
  dirs.push(d);
  return d;
}

// Not durable: fsync would only slow the tests down; the first test checks the durable default.
async function start(
  dataDir: string,
  log?: (line: string) => void,
  durable = false,
): Promise<EmbeddedPostgres> {
  const s = await startEmbeddedPostgres({ dataDir, durable, ...(log === undefined ? {} : { log }) });
  servers.push(s);
  return s;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
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

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const pidFile = (dataDir: string): string => path.join(dataDir, 'pgdata', 'postmaster.pid');

describe('embedded PostgreSQL', () => {
  it('initialises the data directory once, keeps data across stop and restart, never logs the password', async () => {
    const dir = tempDir();
    const lines: string[] = [];
    const first = await start(dir, (l) => lines.push(l), true);
    expect(first.created).toBe(true);
    await query(first.url, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');
    await first.stop();
    await first.stop();
    expect(alive(first.pid)).toBe(false);
    expect(fs.existsSync(pidFile(dir))).toBe(false);

    const second = await start(dir, (l) => lines.push(l), true);
    expect(second.created).toBe(false);
    expect(new URL(second.url).password).toBe(new URL(first.url).password);
    expect(await query(second.url, 'SELECT n FROM kept')).toEqual([{ n: 42 }]);
    await second.stop();

    const password = decodeURIComponent(new URL(first.url).password);
    expect(password.length).toBeGreaterThanOrEqual(32);
    expect(lines.some((l) => l.includes('ready to accept connections'))).toBe(true);
    expect(lines.filter((l) => l.includes(password))).toEqual([]);
  });

  it('refuses a second server on a data directory in use: DATA_DIR_LOCKED', async () => {
    const dir = tempDir();
    const running = await start(dir);
    expect(await codeOf(start(dir))).toBe('DATA_DIR_LOCKED');
    expect(await query(running.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await running.stop();
  });

  it('starts over the stale postmaster.pid of a killed server, and of a pid now used by another program', async () => {
    const dir = tempDir();
    // Durable: with asynchronous commit, killing the server may lose the row.
    const killed = await start(dir, undefined, true);
    await query(killed.url, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)');
    process.kill(killed.pid, 'SIGKILL');
    await until('the killed server to go', () => !alive(killed.pid));
    await killed.stop();
    const stale = fs.readFileSync(pidFile(dir), 'utf8');
    expect(stale.split('\n')[0]).toBe(String(killed.pid));

    const lines: string[] = [];
    const recovered = await start(dir, (l) => lines.push(l));
    expect(lines.some((l) => l.includes('a killed server'))).toBe(true);
    expect(await query(recovered.url, 'SELECT n FROM kept')).toEqual([{ n: 7 }]);
    await recovered.stop();

    // After a reboot the old pid may belong to any program, here a `sleep`.
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(pidFile(dir), stale.replace(/^\d+/, String(other.pid)));
      const again = await start(dir, (l) => lines.push(l));
      expect(lines.some((l) => l.includes('a reused pid'))).toBe(true);
      expect(await query(again.url, 'SELECT n FROM kept')).toEqual([{ n: 7 }]);
      await again.stop();
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('stops a server that outlived its host before starting anew', async () => {
    const dir = tempDir();
    const orphan = await start(dir);
    // Make the running server look like the leftover of a host that died: a pid that is gone.
    const gone = spawn('true');
    await new Promise((r) => gone.once('exit', r));
    const owner = path.join(dir, 'owner.json');
    fs.writeFileSync(owner, JSON.stringify({ hostPid: gone.pid, postmasterPid: orphan.pid }));
    const lines: string[] = [];
    const fresh = await start(dir, (l) => lines.push(l));
    expect(alive(orphan.pid)).toBe(false);
    expect(lines.some((l) => l.includes('outlived its host'))).toBe(true);
    expect(await query(fresh.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await fresh.stop();
  });

  it.each(['SIGTERM', 'SIGKILL'] as const)(
    'a host process ended by %s takes its server down cleanly; the next start finds its data',
    async (sig) => {
      const dir = tempDir();
      const host = spawnHost(dir);
      const { pid } = await firstLine<{ pid: number }>(host);
      expect(alive(pid)).toBe(true);
      const exited = new Promise((r) => host.once('exit', r));
      host.kill(sig);
      await exited;
      await until('the server to stop', () => !alive(pid));
      expect(fs.existsSync(pidFile(dir))).toBe(false);
      const next = await start(dir);
      expect(await query(next.url, 'SELECT n FROM host_rows')).toEqual([{ n: 1 }]);
      await next.stop();
    },
  );

  it('refuses unusable data directories: DATA_DIR_UNUSABLE', async () => {
    const file = path.join(tempDir(), 'a-file');
    fs.writeFileSync(file, '');
    expect(await codeOf(start(file))).toBe('DATA_DIR_UNUSABLE');

    const half = tempDir();
    fs.mkdirSync(path.join(half, 'pgdata'));
    expect(await codeOf(start(half))).toBe('DATA_DIR_UNUSABLE');

    const old = tempDir();
    fs.mkdirSync(path.join(old, 'pgdata'));
    fs.writeFileSync(path.join(old, 'pgdata', 'PG_VERSION'), '9\n');
    expect(await codeOf(start(old))).toBe('DATA_DIR_UNUSABLE');

    if (process.getuid?.() === 0) {
      // The server runs as `postgres`, which cannot pass a root-only directory above its data.
      const closed = tempDir();
      fs.chmodSync(closed, 0o700);
      expect(await codeOf(start(path.join(closed, 'postgres')))).toBe('DATA_DIR_UNUSABLE');
    }
  });
});

function spawnHost(dataDir: string): ChildProcess {
  const root = path.resolve(import.meta.dirname, '..');
  return spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'test/fixtures/embedded-host.ts'), dataDir],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
}

async function firstLine<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as T);
    });
    child.once('exit', (code) => {
      reject(new Error(`host exited with ${String(code)}`));
    });
  });
}
