// `opendeg start` (= `npm start`) as a trainee runs it, as a real process on free ports: it seeds the
// demo lists through the server's own paths, prints the addresses and the demo logins, and those
// logins work — the printed voter logs in through the OIDC stand-in and is on a list. Ctrl+C
// (SIGINT) stops everything cleanly.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { Browser } from '../src/demo/http.ts';
import { freePort } from '../src/demo/stack.ts';
import { BIN } from './run-cli.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opendeg-start-'));
// The embedded PostgreSQL may run as its own user, which must be able to enter the directory.
fs.chmodSync(dir, 0o755);
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

test('P-3.3 P-6.5 npm start seeds the demo lists: the printed voter logs in through OIDC and is on a list; SIGINT stops it cleanly', async () => {
  const port = await freePort();
  const apiPort = await freePort();
  const child = spawn(
    process.execPath,
    [
      BIN,
      'start',
      '--no-build',
      '--port',
      String(port),
      '--api-port',
      String(apiPort),
      '--data-dir',
      dir,
      '--seed-voters',
      '40',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      resolve(code);
    });
  });
  try {
    const deadline = Date.now() + 420_000;
    while (!stdout.includes('Ctrl+C') && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(stdout, stderr).toContain('Остановить: Ctrl+C / Stop: Ctrl+C');
    const portal = /Портал \/ Portal:\s+(\S+)/.exec(stdout)?.[1];
    expect(portal).toBe(`http://localhost:${String(port)}/`);
    const health = await fetch(`http://localhost:${String(port)}/health`);
    expect(health.status).toBe(200);
    expect(stdout).toMatch(/принято заявлений \/ applications accepted: 40/);
    // The first printed voter: their account id, then the name.
    const voterId = /избиратели \/ voters:\s+(\S+)/.exec(stdout)?.[1];
    const chairmanId = /председатель \/ chairman:\s+(\S+)/.exec(stdout)?.[1];
    expect(voterId).toBeDefined();
    const voter = new Browser(`http://localhost:${String(port)}`);
    await voter.logIn(voterId ?? '');
    const status = await voter.must<{ access: { code: string }; region?: { code: string } }>(
      'status',
      'GET',
      '/api/voting/status',
    );
    expect(status.access.code).toBe('ON_LIST');
    // The printed chairman is the chairman, and sees that voter's region's list.
    const chairman = new Browser(`http://localhost:${String(port)}`);
    await chairman.logIn(chairmanId ?? '');
    const roles = await chairman.must<{ roles: string[] }>('roles', 'GET', '/api/roles/me');
    expect(roles.roles).toContain('chairman');
    const list = await chairman.call<{ rows: unknown[] }>('GET', `/api/lists/${status.region?.code ?? ''}`);
    expect(list.status).toBe(200);
    expect(list.body.rows.length).toBeGreaterThan(0);
  } finally {
    child.kill('SIGINT');
  }
  expect(await exited).toBe(0);
  // Nothing left listening on the ports.
  const after = await fetch(`http://localhost:${String(port)}/health`).then(
    () => 'answered',
    () => 'closed',
  );
  expect(after).toBe('closed');
}, 600_000);
