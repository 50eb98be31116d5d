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
import { canonicalJsonBytes } from '@opendeg/crypto';
import { ParticipantListStore } from '@opendeg/db';
import { useTestDatabase } from '@opendeg/db/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import { configSha256Hex } from '@opendeg/server';
import { addDays, trainingTemplate } from '../src/election-template.ts';
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

describe('opendeg bundle load', () => {
  const db = useTestDatabase();
  const load = (medium: string, election = 'president-2024') =>
    run(
      [
        'bundle',
        'load',
        path.join(dir, medium),
        '--election',
        election,
        '--root',
        path.join(dir, 'root.pem'),
      ],
      {
        env: { DATABASE_URL: db.url },
      },
    );

  test('P-3.2 P-3.3 a verified bundle loads its lists, compiled, and is recorded by its hash; once only', async () => {
    // Voting a month from now, so the lists may still be loaded.
    const config = trainingTemplate({
      votingFirstDay: addDays(new Date().toISOString().slice(0, 10), 30),
      electionId: 'president-2024',
    });
    await db.pool.query('INSERT INTO elections (id, kind, config, config_sha256) VALUES ($1, $2, $3, $4)', [
      'president-2024',
      'training',
      JSON.stringify(config),
      createHash('sha256').update(canonicalJsonBytes(config)).digest(),
    ]);
    const made = await run(
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
        path.join(dir, 'to-load'),
      ],
      { env: { OPENDEG_KEY_PASSPHRASE: PASS } },
    );
    expect(made.code, made.stderr).toBe(0);
    const hash = /([0-9a-f]{64})/.exec(made.stdout)?.[1] ?? '';
    const r = await load('to-load');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain(hash);
    const store = new ParticipantListStore(db.pool, 'president-2024');
    expect((await store.counts('54')).onList).toBe(1);
    const recorded = await db.pool.query<{ kind: string }>(
      'SELECT kind FROM loaded_bundles WHERE hash = $1',
      [Buffer.from(hash, 'hex')],
    );
    expect(recorded.rows).toEqual([{ kind: 'list-and-ballot-data' }]);
    expect(r.stdout).toContain('Lists: 54 (1)');
    // The same medium again: the earlier load is reported, nothing is written twice.
    const counts = async (): Promise<unknown> =>
      (
        await db.pool.query(
          `SELECT (SELECT count(*) FROM participants)::int AS people, (SELECT count(*) FROM loaded_bundles)::int AS bundles,
                  (SELECT count(*) FROM audit_events WHERE action = 'bundle.load')::int AS audited`,
        )
      ).rows[0];
    const before = await counts();
    expect(before).toEqual({ people: 1, bundles: 1, audited: 1 });
    const again = await load('to-load');
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(again.stdout).toContain('The bundle was loaded before');
    expect(again.stdout).toContain(hash);
    expect(await counts()).toEqual(before);
  });

  test('P-3.2 a bundle for an election that is not loaded is refused before anything is written', async () => {
    const r = await load('to-load', 'no-such-election');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('election no-such-election is not loaded');
    expectNoStackTrace(r);
  });

  test('P-3.2 a tampered medium loads nothing', async () => {
    const state = async (): Promise<unknown> =>
      (
        await db.pool.query(
          'SELECT (SELECT count(*) FROM participant_lists)::int AS lists, (SELECT count(*) FROM participants)::int AS people, (SELECT count(*) FROM loaded_bundles)::int AS bundles',
        )
      ).rows[0];
    const before = await state();
    const r = await load('tampered');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('BUNDLE_FILE_MISMATCH');
    expect(await state()).toEqual(before);
  });
});

describe('opendeg bundle load: the ballot source data (P-4.2)', () => {
  const db = useTestDatabase();
  // Voting a month from now: the ballot may still change (P-4.3).
  const config = trainingTemplate({
    votingFirstDay: addDays(new Date().toISOString().slice(0, 10), 30),
    electionId: 'ballot-bundle',
  });
  const ballot = (version: number, ids: string[]) =>
    JSON.stringify({
      version,
      title: 'Избирательный бюллетень',
      instructions: 'Поставьте знак в квадрате справа от фамилии одного кандидата.',
      candidates: ids.map((id) => ({ id, name: `Кандидат ${id}`, info: 'самовыдвижение' })),
    });
  let n = 0;
  /** A signed bundle of the election with one list row and the given ballot file (if any). */
  async function bundle(ballotJson: string | undefined, region = '16'): Promise<string> {
    n++;
    const source = path.join(dir, `ballot-source-${n}`);
    await mkdir(path.join(source, 'lists'), { recursive: true });
    await writeFile(
      path.join(source, 'lists', `${region}.csv`),
      encodeListCsv([
        {
          id: `b${n}`,
          lastName: 'Гарипова',
          firstName: 'Алсу',
          birthDate: '1985-05-05',
          address: 'г. Казань, ул. Баумана, д. 1',
          phone: '+7 (917) 000-00-01',
          passport: { series: '92 10', number: String(100000 + n) },
          precinct: '1',
        },
      ]),
    );
    if (ballotJson !== undefined) {
      await mkdir(path.join(source, 'ballot'), { recursive: true });
      await writeFile(path.join(source, 'ballot', 'source.json'), ballotJson);
    }
    const out = `ballot-medium-${n}`;
    const made = await run(
      [
        'bundle',
        'make',
        source,
        '--election',
        'ballot-bundle',
        '--cert',
        path.join(dir, 'dc.pem'),
        '--key',
        path.join(dir, 'dc.key'),
        '--out',
        path.join(dir, out),
      ],
      { env: { OPENDEG_KEY_PASSPHRASE: PASS } },
    );
    expect(made.code, made.stderr).toBe(0);
    return out;
  }
  const load = (medium: string) =>
    run(
      [
        'bundle',
        'load',
        path.join(dir, medium),
        '--election',
        'ballot-bundle',
        '--root',
        path.join(dir, 'root.pem'),
      ],
      { env: { DATABASE_URL: db.url } },
    );
  const state = async (): Promise<unknown> =>
    (
      await db.pool.query(
        `SELECT (SELECT count(*) FROM participant_lists)::int AS lists,
                (SELECT count(*) FROM loaded_bundles)::int AS bundles,
                (SELECT coalesce(max(version), 0) FROM ballot_versions)::int AS ballot`,
      )
    ).rows[0];

  test('P-4.2 P-3.2 the ballot’s source data load with the lists and are recorded with the bundle’s hash, as version 1', async () => {
    await db.pool.query('INSERT INTO elections (id, kind, config, config_sha256) VALUES ($1, $2, $3, $4)', [
      config.electionId,
      config.kind,
      JSON.stringify(config),
      Buffer.from(configSha256Hex(config), 'hex'),
    ]);
    const medium = await bundle(ballot(1, ['k1', 'k2', 'k3']));
    const r = await load(medium);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain('версия / version 1');
    const rows = await db.pool.query<{ version: number; origin: string; same: boolean }>(
      `SELECT v.version, v.origin, v.bundle_hash = b.hash AS same
       FROM ballot_versions v JOIN loaded_bundles b ON b.hash = v.bundle_hash`,
    );
    expect(rows.rows).toEqual([{ version: 1, origin: 'bundle', same: true }]);
    const audit = await db.pool.query<{ actor_role: string; details: { version: number } }>(
      "SELECT actor_role, details FROM audit_events WHERE action = 'ballot.load'",
    );
    expect(audit.rows).toMatchObject([{ actor_role: 'system', details: { version: 1 } }]);
  });

  test('P-4.3 a bundle whose ballot does not follow the loaded version, or is not a ballot, loads nothing at all', async () => {
    const before = await state();
    expect(before).toEqual({ lists: 1, bundles: 1, ballot: 1 });
    // Each run is a real process (two a case): two cases, one per kind of refusal.
    for (const file of [ballot(3, ['k1']), '{"version": 2}']) {
      const r = await load(await bundle(file, '54'));
      expect(r.code, r.stdout).toBe(1);
      expect(r.stdout).toContain('ballot/source.json');
      expect(r.stderr).toContain('nothing was written');
      expectNoStackTrace(r);
      expect(await state()).toEqual(before);
    }
  }, 240_000);

  test('P-4.3 updated source data in a later bundle (a candidate withdrew) become version 2', async () => {
    const r = await load(await bundle(ballot(2, ['k1', 'k3']), '54'));
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(await state()).toEqual({ lists: 2, bundles: 2, ballot: 2 });
  });
});
