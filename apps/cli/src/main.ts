/**
 * `opendeg`: finds the command named by the first words of the arguments, shows help, runs the
 * command and turns whatever it throws into a clear message and an exit code (see `cli-io.ts`):
 * 0 success, 1 a check failed, 2 usage error or bad input. A stack trace is printed only with
 * `--debug`: a commission secretary or an observer must be able to read every message.
 */

import { readFileSync } from 'node:fs';
import { CliError, EXIT_OK, EXIT_USAGE, messageOf, processIo } from './cli-io.ts';
import type { CliIo, CommandContext } from './cli-io.ts';
import { COMMANDS } from './commands.ts';
import type { Command } from './commands.ts';
import { commandHelp, commandName, findGroup, generalHelp, groupHelp, usageLine } from './help.ts';

export interface MainOptions {
  readonly io?: CliIo;
  readonly now?: () => Date;
}

/** Runs `opendeg` with `argv` (without the node and script paths); returns the exit code. */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const io = options.io ?? processIo();
  const now = options.now ?? ((): Date => new Date());
  // Common options may stand anywhere before `--`.
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  const debug = argv.slice(0, end).includes('--debug');
  const args = argv.filter((a, i) => !(i < end && a === '--debug'));
  const ctx: CommandContext = { io, debug, now };

  const first = args[0];
  if (first === undefined) {
    io.stderr(`opendeg: не указана команда / no command given\n\n${generalHelp()}`);
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h') {
    io.stdout(generalHelp());
    return EXIT_OK;
  }
  if (first === '--version') {
    io.stdout(`opendeg ${version()}\n`);
    return EXIT_OK;
  }
  if (first === 'help') return help(args.slice(1), io);

  const command = findCommand(args);
  if (command === undefined) return unknownCommand(args, io);
  const rest = args.slice(command.path.length);
  const restEnd = rest.includes('--') ? rest.indexOf('--') : rest.length;
  if (rest.slice(0, restEnd).some((a) => a === '--help' || a === '-h')) {
    io.stdout(commandHelp(command));
    return EXIT_OK;
  }
  return runCommand(command, rest, ctx);
}

/** The command whose path the arguments start with. */
function findCommand(args: readonly string[]): Command | undefined {
  return COMMANDS.find((c) => c.path.every((word, i) => args[i] === word));
}

function help(words: readonly string[], io: CliIo): number {
  if (words.length === 0) {
    io.stdout(generalHelp());
    return EXIT_OK;
  }
  const command = findCommand(words);
  if (command?.path.length === words.length) {
    io.stdout(commandHelp(command));
    return EXIT_OK;
  }
  const group = findGroup(words[0]);
  if (group !== undefined && words.length === 1) {
    io.stdout(groupHelp(group));
    return EXIT_OK;
  }
  return unknownCommand(words, io);
}

/** No command matches: a group's help when the first word is a group, the general usage otherwise. */
function unknownCommand(args: readonly string[], io: CliIo): number {
  const group = findGroup(args[0]);
  if (group !== undefined) {
    const sub = args[1];
    if (sub === '--help' || sub === '-h') {
      io.stdout(groupHelp(group));
      return EXIT_OK;
    }
    const what =
      sub === undefined || sub.startsWith('-')
        ? `не указана команда / no command given: opendeg ${group.name} …`
        : `неизвестная команда / unknown command: opendeg ${group.name} ${sub}`;
    io.stderr(`opendeg: ${what}\n\n${groupHelp(group)}`);
    return EXIT_USAGE;
  }
  const name = args[0] ?? '';
  const what = name.startsWith('-')
    ? `неизвестный параметр / unknown option: ${name}`
    : `неизвестная команда / unknown command: ${name}`;
  io.stderr(`opendeg: ${what}\n${usageLine()}\n`);
  return EXIT_USAGE;
}

async function runCommand(command: Command, rest: readonly string[], ctx: CommandContext): Promise<number> {
  const name = commandName(command);
  try {
    const run = await command.load();
    return await run(rest, ctx);
  } catch (e) {
    const { message, exitCode, expected } = describeError(e);
    ctx.io.stderr(`${name}: ${message}\n`);
    if (e instanceof CliError && exitCode === EXIT_USAGE && e.usage) {
      ctx.io.stderr(`Использование / Usage: ${name} ${command.synopsis}   (${name} --help)\n`);
    }
    if (ctx.debug && e instanceof Error && e.stack !== undefined) ctx.io.stderr(`${e.stack}\n`);
    else if (!expected) ctx.io.stderr('Подробности / Details: --debug\n');
    return exitCode;
  }
}

interface DescribedError {
  readonly message: string;
  readonly exitCode: number;
  /** An expected failure (bad input, an unreachable database); otherwise a bug. */
  readonly expected: boolean;
}

/**
 * Our packages throw errors with a stable string `code` (DbError, CryptoError, ElectionError) for
 * expected failures, and Node gives file system errors one too: those are bad input or an unusable
 * environment (exit 2). Anything else is a bug, still reported without a stack unless `--debug`.
 */
function describeError(e: unknown): DescribedError {
  if (e instanceof CliError) return { message: e.message, exitCode: e.exitCode, expected: true };
  const code = (e as { code?: unknown } | null)?.code;
  if (e instanceof Error && typeof code === 'string') {
    const path = (e as { path?: unknown }).path;
    const file = typeof path === 'string' ? path : '';
    switch (code) {
      case 'ENOENT':
        return { message: `файл не найден / no such file: ${file}`, exitCode: EXIT_USAGE, expected: true };
      case 'EACCES':
      case 'EPERM':
        return { message: `нет доступа / permission denied: ${file}`, exitCode: EXIT_USAGE, expected: true };
      case 'EISDIR':
        return { message: `это каталог / is a directory: ${file}`, exitCode: EXIT_USAGE, expected: true };
      default:
        return { message: `${e.message} (${code})`, exitCode: EXIT_USAGE, expected: true };
    }
  }
  return {
    message: `внутренняя ошибка / internal error: ${messageOf(e)}`,
    exitCode: EXIT_USAGE,
    expected: false,
  };
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: unknown;
  };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}
