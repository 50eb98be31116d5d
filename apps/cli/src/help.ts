/**
 * The help of `opendeg`: the list of commands, a group's commands, and one command's options.
 * Russian first, English second, as everything the commission reads.
 */

import { COMMANDS, GROUPS } from './commands.ts';
import type { Command, Group } from './commands.ts';

const EXIT_CODES = [
  'Коды выхода / Exit codes:',
  '  0  успех / success',
  '  1  проверка не пройдена / a check failed',
  '  2  ошибка использования или входных данных / usage error or bad input',
];

const COMMON_OPTIONS = [
  'Общие параметры / Common options:',
  '  -h, --help   справка по команде / help on a command',
  '  --debug      стек ошибок и журнал сервера БД / stack traces and the database server log',
  '  --version    версия / version',
];

export function commandName(c: Command): string {
  return `opendeg ${c.path.join(' ')}`;
}

function commandList(commands: readonly Command[]): string[] {
  const heads = commands.map((c) => c.path.join(' '));
  const width = Math.max(...heads.map((h) => h.length)) + 2;
  return commands.map((c, i) => `  ${(heads[i] ?? '').padEnd(width)}${c.summary.ru} / ${c.summary.en}`);
}

/** `opendeg --help`. */
export function generalHelp(): string {
  return [
    'opendeg — OpenDEG, дистанционное электронное голосование / remote electronic voting',
    '',
    usageLine(),
    '',
    'Команды / Commands:',
    ...commandList(COMMANDS),
    '',
    ...COMMON_OPTIONS,
    '',
    ...EXIT_CODES,
    '',
  ].join('\n');
}

export function usageLine(): string {
  return 'Использование / Usage: opendeg <команда / command> [параметры / options]   (opendeg --help)';
}

/** `opendeg election --help`. */
export function groupHelp(group: Group): string {
  const commands = COMMANDS.filter((c) => c.path[0] === group.name);
  return [
    `opendeg ${group.name} — ${group.summary.ru} / ${group.summary.en}`,
    '',
    `Использование / Usage: opendeg ${group.name} <команда / command> [параметры / options]`,
    '',
    'Команды / Commands:',
    ...commandList(commands),
    '',
  ].join('\n');
}

/** `opendeg election init --help`. */
export function commandHelp(c: Command): string {
  return [
    `${commandName(c)} — ${c.summary.ru} / ${c.summary.en}`,
    '',
    `Использование / Usage: ${commandName(c)} ${c.synopsis}`,
    ...(c.details.length > 0 ? ['', ...c.details] : []),
    '',
    ...EXIT_CODES,
    '',
  ].join('\n');
}

export function findGroup(name: string | undefined): Group | undefined {
  return GROUPS.find((g) => g.name === name);
}
