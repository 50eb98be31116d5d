// `opendeg keyfile inspect`: which election, key group and part a key part file holds (P-5.5), read
// without the passphrase; a damaged file is a failed check (exit 1), a file of another kind bad input.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sealKeyPart } from '@opendeg/crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectNoStackTrace, run } from './run-cli.ts';

let dir: string;
let sealed: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'opendeg-cli-keyfile-'));
  sealed = await sealKeyPart({
    metadata: {
      suite: 'ristretto255',
      electionId: 'training-2030-09-13',
      keyGroup: 'kaliningrad',
      partIndex: 2,
      n: 5,
      k: 3,
      holder: 'Иванова Мария Петровна',
    },
    secret: new Uint8Array(32).fill(7),
    passphrase: 'правильный пароль',
    // The smallest scrypt the format allows: the test is about the file, not the KDF's cost.
    scrypt: { N: 2 ** 10, r: 8, p: 1 },
  });
  await writeFile(path.join(dir, 'part-2.key'), sealed);
  await writeFile(path.join(dir, 'edited.key'), sealed.replace('part 2 of 5', 'part 1 of 5'));
  await writeFile(path.join(dir, 'notes.txt'), 'not a key part\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('opendeg keyfile inspect', () => {
  test('P-5.5 shows election, key group, part, threshold and holder without the passphrase', async () => {
    const r = await run(['keyfile', 'inspect', path.join(dir, 'part-2.key')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Выборы \/ Election: +training-2030-09-13/);
    expect(r.stdout).toMatch(/Комплект ключей \/ Key group: +kaliningrad/);
    expect(r.stdout).toMatch(/Часть \/ Part: +2 из \/ of 5/);
    expect(r.stdout).toContain('любые 3 расшифровывают / any 3 decrypt');
    expect(r.stdout).toContain('Иванова Мария Петровна');
    expect(r.stdout).toMatch(/metadata is not\s+authenticated/);
    expect(r.stdout).not.toContain('правильный пароль');

    const json = await run(['keyfile', 'inspect', '--json', path.join(dir, 'part-2.key')]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      authenticated: false,
      metadata: { electionId: 'training-2030-09-13', keyGroup: 'kaliningrad', partIndex: 2, n: 5, k: 3 },
    });
  });

  test('an edited file fails its integrity check: exit 1; a file of another kind: exit 2', async () => {
    const edited = await run(['keyfile', 'inspect', path.join(dir, 'edited.key')]);
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain('файл повреждён или изменён / the file is damaged or was modified');
    expect(edited.stderr).toContain('KEYFILE_TAMPERED');
    const other = await run(['keyfile', 'inspect', path.join(dir, 'notes.txt')]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('не файл части ключа / not a key part file');
    expectNoStackTrace(edited);
    expectNoStackTrace(other);
  });
});
