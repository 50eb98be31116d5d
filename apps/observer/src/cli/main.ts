/**
 * `opendeg-observer` (to be `opendeg observer`): the observer node's command line (P-10.7, P-10.10,
 * P-11.10.4). Exit codes: 0 all is well, 1 an alarm (or nothing could be verified), 2 usage.
 *
 *   follow <log url> --log-key <vkey> [--origin <origin>] [--db <postgres url> | --data-dir <dir>]
 *          [--evidence-dir <dir>] [--name <name>] [--witness-key <skey>] [--staff-token <token>]
 *          [--once] [--interval <seconds>] [--listen <host:port>] [--threads <ballot-checking workers>]
 *          [--figures <server>/api/figures] [--settle <seconds>]
 *   query <node url> status | counts | alarms | entry <index> | tracker <tracker> | issued-vs-cast
 *   verify-evidence <file> [--log-key <vkey>]
 */

import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { openDatabase, redactUrl, type Database } from '@opendeg/db';
import { parseCheckpoint, splitNote } from '@opendeg/ledger';

import { checkElectionEvidence } from '../election/election-evidence.ts';
import {
  describeReport,
  isFiguresEvidence,
  verifyIssuedVsCastEvidence,
  type IssuedVsCastReport,
} from '../election/issued-vs-cast.ts';
import { messageText } from '../errors.ts';
import { verifyEvidence } from '../evidence.ts';
import type { FollowerEvent, PollResult } from '../follower.ts';
import { buildObserverApp } from '../http/app.ts';
import { httpLogSource } from '../log-source.ts';
import { ObserverNode } from '../observer-node.ts';

export const EXIT_OK = 0;
export const EXIT_ALARM = 1;
export const EXIT_USAGE = 2;

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

const HELP = `opendeg-observer — узел наблюдателя ДЭГ / the DEG observer node

  follow <адрес журнала / log url> --log-key <vkey> [--origin <origin>]
         [--db <postgres://…> | --data-dir <каталог / dir>] [--evidence-dir <каталог / dir>]
         [--name <имя / name>] [--witness-key <skey>] [--staff-token <token>]
         [--once] [--interval <секунды / seconds>] [--listen <host:port>] [--threads <N>, по умолчанию по числу ядер / default one per CPU]
         [--figures <сервер / server>/api/figures] [--settle <секунды / seconds>]
      следить за журналом, проверять и заверять его / follow, verify and witness the log;
      с --figures — сверять выданные и отданные бюллетени / with --figures, hold issued against cast
  query <адрес узла / node url> status | counts | alarms | entry <номер / index> | tracker <код / tracker>
        | issued-vs-cast
      запросы к узлу (П. 11.10.4) / queries to a node (P-11.10.4)
  verify-evidence <файл / file> [--log-key <vkey>]
      проверить доказательства тревоги / re-check the evidence of an alarm

Коды выхода / exit codes: 0 — в порядке / ok, 1 — тревога / alarm, 2 — ошибка вызова / usage
`;

interface Parsed {
  readonly positional: string[];
  readonly flags: Map<string, string | true>;
}

const BOOLEAN_FLAGS = new Set(['once', 'help', 'json']);

function parseArgs(argv: readonly string[]): Parsed | string {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-h') flags.set('help', true);
    else if (a.startsWith('--')) {
      const name = a.slice(2);
      if (BOOLEAN_FLAGS.has(name)) flags.set(name, true);
      else {
        const v = argv[i + 1];
        if (v === undefined) return `--${name}: нужно значение / needs a value`;
        flags.set(name, v);
        i++;
      }
    } else positional.push(a);
  }
  return { positional, flags };
}

const str = (p: Parsed, name: string): string | undefined => {
  const v = p.flags.get(name);
  return typeof v === 'string' ? v : undefined;
};

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const parsed = parseArgs(argv);
  if (typeof parsed === 'string') {
    io.stderr(`opendeg-observer: ${parsed}\n`);
    return EXIT_USAGE;
  }
  const [command, ...rest] = parsed.positional;
  if (command === undefined || parsed.flags.has('help')) {
    if (parsed.flags.has('help')) {
      io.stdout(HELP);
      return EXIT_OK;
    }
    io.stderr(HELP);
    return EXIT_USAGE;
  }
  const usage = (m: string): number => {
    io.stderr(`opendeg-observer: ${m}\n\n${HELP}`);
    return EXIT_USAGE;
  };
  switch (command) {
    case 'follow':
      return follow(rest, parsed, io, usage);
    case 'query':
      return query(rest, io, usage);
    case 'verify-evidence':
      return verifyEvidenceCommand(rest, parsed, io, usage);
    default:
      return usage(`неизвестная команда / unknown command ${command}`);
  }
}

async function verifyEvidenceCommand(
  rest: readonly string[],
  p: Parsed,
  io: CliIo,
  usage: (m: string) => number,
): Promise<number> {
  const [file] = rest;
  if (file === undefined || rest.length !== 1) return usage('verify-evidence <файл / file>');
  let input: unknown;
  try {
    input = JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (e) {
    io.stderr(
      `opendeg-observer: ${file}: не читается / unreadable: ${e instanceof Error ? e.message : String(e)}\n`,
    );
    return EXIT_USAGE;
  }
  const key = str(p, 'log-key');
  const trusted = key === undefined ? {} : { trustedLogKey: key };
  const verdict = isFiguresEvidence(input)
    ? verifyIssuedVsCastEvidence(input, trusted)
    : await verifyEvidence(input, {
        ...trusted,
        election: checkElectionEvidence,
      });
  for (const f of verdict.findings) io.stdout(`✓ ${messageText(f)}\n`);
  for (const m of verdict.problems) io.stdout(`✗ ${m}\n`);
  io.stdout(
    verdict.proven
      ? 'доказательства подтверждены / the evidence holds\n'
      : 'доказательства не подтверждены / the evidence does not hold\n',
  );
  return verdict.proven ? EXIT_OK : EXIT_ALARM;
}

async function query(rest: readonly string[], io: CliIo, usage: (m: string) => number): Promise<number> {
  const [node, what, arg] = rest;
  if (node === undefined || what === undefined)
    return usage('query <адрес узла / node url> <запрос / query>');
  const base = node.replace(/\/+$/, '');
  let url: string;
  switch (what) {
    case 'status':
    case 'counts':
    case 'alarms':
      url = `${base}/${what}`;
      break;
    case 'entry':
      if (arg === undefined || !/^[0-9]+$/.test(arg)) return usage('query … entry <номер / index>');
      url = `${base}/entries/${arg}`;
      break;
    case 'tracker':
      if (arg === undefined) return usage('query … tracker <код / tracker>');
      url = `${base}/trackers/${encodeURIComponent(arg)}`;
      break;
    case 'issued-vs-cast':
      url = `${base}/issued-vs-cast?fresh=true`;
      break;
    default:
      return usage(`неизвестный запрос / unknown query ${what}`);
  }
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    io.stderr(`opendeg-observer: ${url}: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT_ALARM;
  }
  const body = (await res.json()) as unknown;
  io.stdout(`${JSON.stringify(body, null, 2)}\n`);
  if (!res.ok) return EXIT_ALARM;
  if (what === 'issued-vs-cast') {
    io.stderr(describeReport(body as IssuedVsCastReport));
    return (body as IssuedVsCastReport).state === 'ok' ? EXIT_OK : EXIT_ALARM;
  }
  return what === 'status' && (body as { state?: string }).state === 'alarm' ? EXIT_ALARM : EXIT_OK;
}

function describe(e: FollowerEvent): string {
  switch (e.kind) {
    case 'advanced':
      return `проверено / verified ${e.from} → ${e.to}`;
    case 'unchanged':
      return `без изменений / unchanged at ${e.size}`;
    case 'alarm':
      return `ТРЕВОГА / ALARM ${e.alarm}: ${messageText(e.message)}`;
    case 'alarm-raised':
      return `доказательства сохранены / evidence saved: ${e.file}`;
    case 'refused':
      return `контрольная точка отклонена / checkpoint refused (${e.code}): ${e.message}`;
    case 'unreachable':
      return `журнал недоступен / log unreachable: ${e.message}`;
  }
}

async function follow(
  rest: readonly string[],
  p: Parsed,
  io: CliIo,
  usage: (m: string) => number,
): Promise<number> {
  const [logUrl] = rest;
  const logKey = str(p, 'log-key');
  if (logUrl === undefined || rest.length !== 1)
    return usage('follow <адрес журнала / log url> --log-key <vkey>');
  if (logKey === undefined) return usage('--log-key обязателен / is required');
  const interval = Number(str(p, 'interval') ?? '5');
  if (!Number.isFinite(interval) || interval <= 0) return usage('--interval: секунды / seconds > 0');
  // Ballot-checking workers: one per CPU unless told (0 checks on the main thread, far slower).
  const threads = Number(str(p, 'threads') ?? String(Math.min(64, os.availableParallelism())));
  if (!Number.isSafeInteger(threads) || threads < 0 || threads > 64) return usage('--threads: 0..64');
  const figuresUrl = str(p, 'figures');
  const settle = Number(str(p, 'settle') ?? '3');
  if (!Number.isFinite(settle) || settle < 0) return usage('--settle: секунды / seconds ≥ 0');
  const source = httpLogSource(logUrl);
  let origin = str(p, 'origin');
  if (origin === undefined) {
    // The origin is in the checkpoint; the follower then verifies the checkpoint's signature.
    const got = await source.checkpoint();
    const split = got.ok ? splitNote(got.body) : undefined;
    const cp = split?.ok === true ? parseCheckpoint(split.value.text) : undefined;
    if (cp?.ok !== true) {
      io.stderr(
        `opendeg-observer: ${logUrl}: контрольная точка не получена / no checkpoint; укажите / give --origin\n`,
      );
      return EXIT_ALARM;
    }
    origin = cp.value.origin;
  }
  let db: Database;
  const dbUrl = str(p, 'db');
  try {
    db = await openDatabase({
      ...(dbUrl === undefined ? {} : { url: dbUrl }),
      dataDir: str(p, 'data-dir') ?? path.join('data', 'observer'),
    });
  } catch (e) {
    io.stderr(`opendeg-observer: база данных / database: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT_USAGE;
  }
  const witnessKey = str(p, 'witness-key');
  let node: ObserverNode;
  try {
    node = await ObserverNode.open({
      source,
      origin,
      logKey,
      pool: db.pool,
      name: str(p, 'name') ?? 'observer',
      evidenceDir: str(p, 'evidence-dir') ?? path.join('data', 'observer-evidence'),
      ...(witnessKey === undefined ? {} : { witnessKey }),
      threads,
      ...(figuresUrl === undefined ? {} : { figuresUrl, figuresSettleMs: Math.round(settle * 1000) }),
      onEvent: (e) => {
        io.stderr(`${new Date().toISOString()} ${describe(e)}\n`);
      },
    });
  } catch (e) {
    io.stderr(`opendeg-observer: ${e instanceof Error ? e.message : String(e)} (${redactUrl(db.url)})\n`);
    await db.close();
    return EXIT_USAGE;
  }
  if (p.flags.has('once')) {
    let r: PollResult;
    let figures: IssuedVsCastReport | undefined;
    try {
      r = await node.follower.catchUp();
      if (r.kind === 'unchanged') figures = await node.figures?.check();
    } finally {
      await node.close();
      await db.close();
    }
    if (figures !== undefined) io.stderr(describeReport(figures));
    const alarms = node.alarmTotal;
    io.stdout(
      `${JSON.stringify({
        result: r.kind,
        size: node.follower.size,
        alarms,
        state: alarms > 0 ? 'alarm' : 'ok',
        ...(figures === undefined ? {} : { figures: figures.state }),
      })}\n`,
    );
    return alarms > 0 || r.kind === 'refused' || r.kind === 'unreachable' ? EXIT_ALARM : EXIT_OK;
  }
  const staffToken = str(p, 'staff-token');
  const app = buildObserverApp(node, staffToken === undefined ? {} : { staffToken });
  const listen = str(p, 'listen') ?? '127.0.0.1:8490';
  const at = listen.lastIndexOf(':');
  await app.listen({ host: listen.slice(0, at), port: Number(listen.slice(at + 1)) });
  io.stderr(`узел наблюдателя слушает / observer node listening on http://${listen}\n`);
  node.run(interval * 1000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await app.close();
  await node.close();
  await db.close();
  return node.alarmTotal > 0 ? EXIT_ALARM : EXIT_OK;
}
