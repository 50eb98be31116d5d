/**
 * `opendeg register generate`: a generated register of identity-system accounts (the ESIA stand-in's
 * and a training run's voters) as JSON Lines, one account a line, from apps/server's
 * `generateRegister`. Deterministic: the same size, seed and reference date give the same file.
 *
 * `generateRegister` returns an array, which for a national run (5 million accounts) would not fit
 * in memory, so the register is made and written in chunks of CHUNK_SIZE accounts:
 * - chunk 0 is `generateRegister({ seed, count })` itself, so up to CHUNK_SIZE accounts the file is
 *   exactly the server's register for that seed (the four archetypes first, then the proportions);
 * - chunk c > 0 uses a seed derived from (seed, c) and skips its first ARCHETYPES accounts, so the
 *   archetypes appear once and the rest follow the server's proportions; ids are renumbered to run
 *   on from 1 000 001 without a gap.
 * A larger size only appends lines: the first N lines are the register of size N.
 */

import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { access, rename, rm } from 'node:fs/promises';
import type { WriteStream } from 'node:fs';
import { generateRegister } from '@opendeg/server';
import type { RegisterAccount, RegisterOptions } from '@opendeg/server';
import { dayOption, integerOption, parseCommandArgs, takePositionals } from '../args.ts';
import { badInput, EXIT_OK, usageError } from '../cli-io.ts';
import type { CommandContext } from '../cli-io.ts';
import { createProgress, groupDigits } from '../progress.ts';

export const CHUNK_SIZE = 10_000;
/** The fixed archetype accounts at the head of every `generateRegister` result (register.ts). */
export const ARCHETYPES = 4;
/** The first account id of `generateRegister`. */
const FIRST_ID = 1_000_001;
export const MAX_SIZE = 10_000_000;

export interface RegisterChunksOptions extends RegisterOptions {
  readonly chunkSize?: number;
  /** The generator; default apps/server's `generateRegister`. */
  readonly generate?: (options: RegisterOptions) => RegisterAccount[];
}

/** The register of `count` accounts, chunk after chunk (see the module comment). */
export function* registerChunks(options: RegisterChunksOptions): Generator<RegisterAccount[]> {
  const chunkSize = options.chunkSize ?? CHUNK_SIZE;
  const generate = options.generate ?? generateRegister;
  for (let start = 0, c = 0; start < options.count; start += chunkSize, c++) {
    const size = Math.min(chunkSize, options.count - start);
    if (c === 0) {
      yield generate({ seed: options.seed, count: size, referenceDate: options.referenceDate });
      continue;
    }
    const accounts = generate({
      seed: chunkSeed(options.seed, c),
      count: size + ARCHETYPES,
      referenceDate: options.referenceDate,
    }).slice(ARCHETYPES);
    yield accounts.map((a, i) => ({ ...a, id: String(FIRST_ID + start + i) }));
  }
}

/** The seed of chunk c > 0: 32 bits of SHA-256 over the register seed and c. */
export function chunkSeed(seed: number, c: number): number {
  return createHash('sha256').update(`opendeg register chunk ${seed} ${c}`).digest().readUInt32BE(0);
}

export async function runRegisterGenerate(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    size: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    'reference-date': { type: 'string' },
    force: { type: 'boolean' },
  });
  takePositionals(positionals, []);
  if (values.size === undefined) throw usageError('не указан --size / --size is required');
  if (values.out === undefined) throw usageError('не указан --out / --out is required');
  const count = integerOption(values.size, '--size', 1, MAX_SIZE);
  const seed = values.seed === undefined ? 1 : integerOption(values.seed, '--seed', 0, 2 ** 32 - 1);
  const day =
    values['reference-date'] === undefined
      ? ctx.now().toISOString().slice(0, 10)
      : dayOption(values['reference-date'], '--reference-date');
  const out = values.out;
  const toStdout = out === '-';
  if (!toStdout && values.force !== true && (await exists(out))) {
    throw badInput(
      `файл уже существует, перезапись: --force / the file exists, to overwrite it: --force: ${out}`,
    );
  }

  const { io } = ctx;
  // The reference date changes every birth date: print it so that the run can be repeated.
  io.stderr(
    `Реестр / Register: ${groupDigits(count)}, зерно / seed ${seed}, ` +
      `дата отсчёта возраста / reference date ${day}\n`,
  );
  const progress = createProgress({
    label: 'Реестр / Register',
    total: count,
    write: io.stderr,
    isTty: io.stderrIsTty,
  });
  const chunks = registerChunks({ seed, count, referenceDate: new Date(`${day}T00:00:00Z`) });
  let done = 0;
  if (toStdout) {
    for (const chunk of chunks) {
      io.stdout(toLines(chunk));
      done += chunk.length;
      progress.update(done);
    }
    progress.finish();
    return EXIT_OK;
  }

  // Written beside the target and renamed at the end: an interrupted run leaves no half register.
  const partial = `${out}.partial-${process.pid}`;
  const stream = createWriteStream(partial, { flags: 'wx', encoding: 'utf8' });
  try {
    await once(stream, 'open');
    for (const chunk of chunks) {
      await write(stream, toLines(chunk));
      done += chunk.length;
      progress.update(done);
    }
    stream.end();
    await once(stream, 'close');
    await rename(partial, out);
  } catch (e) {
    stream.destroy();
    await rm(partial, { force: true });
    throw e;
  }
  progress.finish();
  io.stdout(`Записано / Wrote ${groupDigits(done)} → ${out}\n`);
  return EXIT_OK;
}

function toLines(accounts: readonly RegisterAccount[]): string {
  return accounts.map((a) => JSON.stringify(a)).join('\n') + '\n';
}

/** Writes and waits for the stream to drain when its buffer is full (backpressure). */
async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
