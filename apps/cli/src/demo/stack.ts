// The stack of `opendeg start` and `opendeg demo`: the embedded PostgreSQL (started here, so that the
// data centre's side of a training run — compiling the lists from the accepted applications and
// loading the ballot, as `opendeg bundle load` does — can use the same database) and the API server
// of apps/server as its own process, on the demo training election, with the identity stand-in, the
// SMS outbox and the scenario clock. Ready when /health answers.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate, openDatabase, type Database } from '@opendeg/db';
import { CliError } from '../cli-io.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
export const at = (p: string): string => path.join(root, p);
export const TSX_LOADER = at('node_modules/tsx/dist/loader.mjs');
export const DEMO_CONFIG = at('apps/server/dev/demo-election.json');
export const DEMO_BALLOT = at('apps/server/dev/demo-ballot.json');

/** A free TCP port on 127.0.0.1 (the OS picks it; it is free again when this returns). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

export interface ApiServerOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly configFile: string;
  readonly scenarioStart: string;
  readonly scenarioSpeed?: number;
  readonly registerSeed: number;
  readonly registerSize: number;
  readonly operatorSub: string;
  /** PEM file of the training CA that certifies the members' keys (TRUSTED_ROOTS). */
  readonly trustedRoots?: string;
  /** Where the server's log lines go; ignored when absent. */
  readonly logFile?: string;
  /** Polled until it answers 200; default the server's own /health. */
  readonly readyUrl?: string;
  /** The server's standard error on ours (its log lines are on its standard output). */
  readonly inheritStderr?: boolean;
  /** Extra environment (JOBS=off, LEDGER_KEY_SEED …). */
  readonly env?: Record<string, string>;
}

export interface ApiServer {
  readonly db: Database;
  readonly child: ChildProcess;
  readonly baseUrl: string;
  /** Resolves with the server's exit code when it exits. */
  readonly exited: Promise<number>;
  /** Stops the server (SIGTERM, its graceful shutdown), then the database. */
  stop(): Promise<void>;
}

/** Starts the embedded PostgreSQL under `dataDir`, migrates it and starts the API server on it. */
export async function startApiServer(o: ApiServerOptions): Promise<ApiServer> {
  const db = await openDatabase({ url: undefined, dataDir: path.join(o.dataDir, 'postgres'), poolMax: 8 });
  await migrate(db.pool);
  const log = o.logFile === undefined ? 'ignore' : fs.openSync(o.logFile, 'a');
  const child = spawn(process.execPath, ['--import', TSX_LOADER, at('apps/server/src/main.ts')], {
    cwd: o.dataDir,
    stdio: ['ignore', log, o.inheritStderr === true ? 'inherit' : log],
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      ELECTION_CONFIG: o.configFile,
      PORT: String(o.port),
      PUBLIC_URL: o.publicUrl,
      SCENARIO_START: o.scenarioStart,
      SCENARIO_SPEED: String(o.scenarioSpeed ?? 1),
      REGISTER_SEED: String(o.registerSeed),
      REGISTER_SIZE: String(o.registerSize),
      BOOTSTRAP_OPERATOR_SUB: o.operatorSub,
      ...(o.trustedRoots !== undefined ? { TRUSTED_ROOTS: o.trustedRoots } : {}),
      ...o.env,
    },
  });
  if (typeof log === 'number') fs.closeSync(log);
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(code ?? (signal === 'SIGTERM' ? 143 : 1));
    });
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      await db.close();
    })());
  const baseUrl = `http://127.0.0.1:${o.port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    const ok = await fetch(o.readyUrl ?? `${baseUrl}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new CliError(
        1,
        `сервер не запустился / the server did not start${o.logFile === undefined ? '' : ` (${o.logFile})`}`,
      );
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { db, child, baseUrl, exited, stop };
}
