// `opendeg bundle make` and `bundle verify`: the data centre signs a list and ballot bundle onto a
// read-only medium (P-3.1), the commission checks it before loading (P-3.2).
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createCommissionCa,
  encodeListCsv,
  encryptKeyFile,
  generateSigningKeyPair,
  issueDataCentreCertificate,
} from '@opendeg/deg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectNoStackTrace, run } from './run-cli.ts';

const DAY = 86_400_000;
const VALID = { notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 365 * DAY) };
const PASS = 'пароль центра данных';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'opendeg-cli-bundle-'));
  const ca = await createCommissionCa({
    commonName: 'Учебный УЦ',
    organisation: 'Учебная комиссия',
    validity: VALID,
  });
  const keys = await generateSigningKeyPair('ECDSA-P256', { extractable: true });
  const cert = await issueDataCentreCertificate(ca, {
    id: 'fci',
    name: 'Центр обработки данных',
    organisation: 'Учебная комиссия',
    publicKey: keys.publicKey,
    validity: VALID,
  });
  await writeFile(path.join(dir, 'root.pem'), ca.certificate.pem);
  await writeFile(path.join(dir, 'dc.pem'), cert.pem);
  await writeFile(
    path.join(dir, 'dc.key'),
    (await encryptKeyFile(keys.privateKey, PASS, { iterations: 10_000 })).pem,
  );
  await mkdir(path.join(dir, 'source', 'lists'), { recursive: true });
  await writeFile(
    path.join(dir, 'source', 'lists', '54.csv'),
    encodeListCsv([
      {
        id: 'p1',
        lastName: 'Ёлкина',
        firstName: 'Вера',
        birthDate: '1980-01-02',
        address: 'г. Новосибирск, Красный пр-т, д. 1',
        phone: '+7 (913) 000-00-01',
        passport: { series: '50 12', number: '345671' },
        precinct: '1',
      },
    ]),
  );
  await writeFile(path.join(dir, 'source', 'ballot.json'), '{"version":1}');
});
afterAll(async () => {
  spawnSync('chmod', ['-R', 'u+w', dir]);
  await rm(dir, { recursive: true, force: true });
});

describe('opendeg bundle', () => {
  const make = (out: string, env: Record<string, string> = { OPENDEG_KEY_PASSPHRASE: PASS }) =>
    run(
      [
        'bundle',
        'make',
        path.join(dir, 'source'),
        '--election',
        'president-2024',
        '--cert',
        path.join(dir, 'dc.pem'),
        '--key',
        path.join(dir, 'dc.key'),
        '--out',
        path.join(dir, out),
      ],
      { env },
    );
  const verify = (medium: string, election = 'president-2024') =>
    run([
      'bundle',
      'verify',
      path.join(dir, medium),
      '--election',
      election,
      '--root',
      path.join(dir, 'root.pem'),
    ]);

  test('P-3.1 P-3.2 make then verify: the same bundle hash; a second write to the medium is refused', async () => {
    const made = await make('medium');
    expect(made.code, made.stderr).toBe(0);
    const hash = /([0-9a-f]{64})/.exec(made.stdout)?.[1];
    expect(hash).toBeDefined();
    const checked = await verify('medium');
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout).toContain(hash);
    expect(checked.stdout).toContain('Центр обработки данных');
    const again = await make('medium');
    expect(again.code).toBe(2);
    expectNoStackTrace(again);
  });

  test('P-3.2 a file changed on the medium, or another election: exit 1 with the reason', async () => {
    expect((await make('tampered')).code).toBe(0);
    const file = path.join(dir, 'tampered', 'lists', '54.csv');
    spawnSync('chmod', ['u+w', path.dirname(file), file]);
    await writeFile(file, 'id,last_name\r\n');
    const r = await verify('tampered');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('BUNDLE_FILE_MISMATCH');
    expect(r.stdout).toContain('lists/54.csv');
    const other = await verify('medium', 'another-election');
    expect(other.code).toBe(1);
    expect(other.stdout).toContain('BUNDLE_WRONG_ELECTION');
  });

  test('the key passphrase comes from the environment; a wrong one is a clear error', async () => {
    const none = await make('m2', { OPENDEG_KEY_PASSPHRASE: '' });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('OPENDEG_KEY_PASSPHRASE');
    const wrong = await make('m3', { OPENDEG_KEY_PASSPHRASE: 'не тот пароль' });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('KEY_FILE_WRONG_PASSPHRASE');
    expectNoStackTrace(wrong);
  });
});
