/**
 * Argument parsing for `opendeg` commands: node:util `parseArgs` (strict, no new dependency) with its
 * errors turned into usage errors in Russian and English, and checks of option values that name the
 * option.
 */

import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { usageError } from './cli-io.ts';

/** Parses `argv` strictly against `options`; an unknown option or a missing value is a usage error. */
export function parseCommandArgs<const O extends NonNullable<ParseArgsConfig['options']>>(
  argv: readonly string[],
  options: O,
) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (e) {
    throw usageError(parseArgsMessage(e));
  }
}

function parseArgsMessage(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  const text = e instanceof Error ? e.message : String(e);
  // Node quotes the option in its messages: "Unknown option '--x'", "Option '--out <value>' argument missing".
  const option = /'(-{1,2}[^' ]+)/.exec(text)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `неизвестный параметр / unknown option ${option}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return `неверное значение параметра / invalid option value ${option}`.trimEnd();
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `лишний аргумент / unexpected argument`;
    default:
      return `неверные аргументы / invalid arguments: ${text}`;
  }
}

/** Exactly `names.length` positionals, named in the error when one is missing or extra. */
export function takePositionals(positionals: readonly string[], names: readonly string[]): string[] {
  if (positionals.length < names.length) {
    throw usageError(`не указан аргумент / missing argument <${names[positionals.length] ?? ''}>`);
  }
  if (positionals.length > names.length) {
    throw usageError(`лишний аргумент / unexpected argument ${positionals[names.length] ?? ''}`);
  }
  return [...positionals];
}

/** A whole number in `min..max` written in decimal digits (underscores allowed: 5_000_000). */
export function integerOption(value: string, option: string, min: number, max: number): number {
  const digits = value.replace(/_/g, '');
  const n = /^-?\d+$/.test(digits) ? Number(digits) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw usageError(
      `${option}: ожидается целое число от ${min} до ${max} / expected a whole number in ${min}..${max}, got "${value}"`,
    );
  }
  return n;
}

/** A calendar day YYYY-MM-DD that exists. */
export function dayOption(value: string, option: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const ok =
    m !== null &&
    new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === value;
  if (!ok)
    throw usageError(`${option}: ожидается дата ГГГГ-ММ-ДД / expected a date YYYY-MM-DD, got "${value}"`);
  return value;
}
