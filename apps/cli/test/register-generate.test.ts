// `opendeg register generate`: JSON Lines from apps/server's generateRegister, deterministic for a
// seed, exactly the server's register up to a chunk, and made chunk by chunk beyond it without
// repeating the archetypes or an id.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateRegister } from '@opendeg/server';
import type { RegisterAccount } from '@opendeg/server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ARCHETYPES, chunkSeed, registerChunks } from '../src/commands/register.ts';
import { expectNoStackTrace, run } from './run-cli.ts';

const referenceDate = new Date('2030-09-15T00:00:00Z');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'opendeg-cli-register-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lines = async (file: string): Promise<string[]> => (await readFile(file, 'utf8')).trimEnd().split('\n');

describe('opendeg register generate', () => {
  test('N lines, each an account; the same seed gives the same file, another seed another', async () => {
    const args = (seed: string, out: string) => [
      'register',
      'generate',
      '--size',
      '40',
      '--seed',
      seed,
      '--reference-date',
      '2030-09-15',
      '--out',
      path.join(dir, out),
    ];
    const [a, b, c] = await Promise.all([
      run(args('7', 'a.jsonl')),
      run(args('7', 'b.jsonl')),
      run(args('8', 'c.jsonl')),
    ]);
    for (const r of [a, b, c]) expect(r.code).toBe(0);
    const [la, lb, lc] = await Promise.all(
      ['a.jsonl', 'b.jsonl', 'c.jsonl'].map((f) => lines(path.join(dir, f))),
    );
    expect(la).toHaveLength(40);
    expect(lb).toEqual(la);
    expect(lc).not.toEqual(la);
    // Up to a chunk the file is exactly the server's register for the seed.
    const expected = generateRegister({ seed: 7, count: 40, referenceDate });
    expect(la!.map((l) => JSON.parse(l) as RegisterAccount)).toEqual(expected);
    expect(a.stderr).toContain('40/40 100%');
    expect(a.stdout).toContain('Записано / Wrote 40');
  });

  test('refuses to overwrite without --force, and checks its options (exit 2)', async () => {
    const file = path.join(dir, 'existing.jsonl');
    await writeFile(file, 'keep me\n');
    const refused = await run(['register', 'generate', '--size', '3', '--out', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--force');
    expect(await readFile(file, 'utf8')).toBe('keep me\n');
    const bad = await run(['register', 'generate', '--size', '0', '--out', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--size');
    expectNoStackTrace(refused);
    expectNoStackTrace(bad);
  });
});

describe('registerChunks (the streaming behind the command)', () => {
  const collect = (count: number, chunkSize: number): RegisterAccount[] =>
    [...registerChunks({ seed: 3, count, referenceDate, chunkSize })].flat();

  test('ids run on without a gap or a repeat; a larger size only appends', () => {
    const big = collect(130, 50);
    expect(big.map((a) => a.id)).toEqual(Array.from({ length: 130 }, (_, i) => String(1_000_001 + i)));
    expect(collect(75, 50)).toEqual(big.slice(0, 75));
    expect(collect(50, 50)).toEqual(generateRegister({ seed: 3, count: 50, referenceDate }));
  });

  test('later chunks skip the archetypes and use their own seeds', () => {
    const second = collect(100, 50).slice(50);
    const source = generateRegister({ seed: chunkSeed(3, 1), count: 50 + ARCHETYPES, referenceDate }).slice(
      ARCHETYPES,
    );
    expect(second.map((a) => ({ ...a, id: '' }))).toEqual(source.map((a) => ({ ...a, id: '' })));
    expect(chunkSeed(3, 1)).not.toBe(chunkSeed(3, 2));
    expect(chunkSeed(3, 1)).not.toBe(chunkSeed(4, 1));
  });
});
