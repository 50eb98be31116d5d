// The list and ballot data bundle at the workstation (P-3.1–P-3.3, P-4.2) over HTTP: a real server
// on port 0 with real PostgreSQL and the OIDC stand-in, bundles signed by a training CA's data
// centre with packages/deg makeBundle and sent as the browser sends them ({ path, base64 }). What is
// checked: the verification's verdict file by file, the load in one transaction (a refusal at the
// last step leaves no list behind), the same bundle again answered with the earlier load, every
// refusal's stable code, and that nothing already loaded changes on a refused load.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useTestDatabase } from '@opendeg/db/testing';
import {
  createCommissionCa,
  encodeListCsv,
  generateSigningKeyPair,
  issueDataCentreCertificate,
  issueMemberCertificate,
  makeBundle,
  ManualClock,
  type Bundle,
  type CommissionCa,
  type Participant,
  type Signer,
} from '@opendeg/deg';
import type { Api } from '../src/api.ts';
import { buildApp, type App } from '../src/app.ts';
import type { LoadedElection } from '../src/applications/deps.ts';
import type { AppDeps } from '../src/deps.ts';
import { readElectionConfigFile, storeElection } from '../src/elections/load-election.ts';
import { generateRegister, type RegisterAccount } from '../src/identity/register.ts';
import { Sessions, refusal } from './harness.ts';

const db = useTestDatabase();
const config = readElectionConfigFile(fileURLToPath(new URL('../dev/election.json', import.meta.url)));
// 12:00 Moscow time on 10 September 2026: before voting, when the list data are loaded (P-3.2).
const BEFORE_VOTING = '2026-09-10T09:00:00Z';
// 12:00 Moscow time on 18 September 2026: voting has started everywhere.
const DURING_VOTING = '2026-09-18T09:00:00Z';
const clock = new ManualClock(BEFORE_VOTING);
// Certificates valid around the training run's dates (the scenario clock, not the machine's).
const VALID = { notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2027-12-31T00:00:00Z') };
const ORG = 'Учебная комиссия';
const enc = new TextEncoder();

const register = generateRegister({ seed: 71, count: 6, referenceDate: new Date('2026-09-20T00:00:00Z') });
const [operator, chairman, member] = register as [RegisterAccount, RegisterAccount, RegisterAccount];
const sessions = new Sessions(() => baseUrl, [operator, chairman, member]);

let n = 0;
function person(lastName: string, precinct: string): Participant {
  n++;
  const k = String(n).padStart(2, '0');
  return {
    id: `bp-${k}`,
    lastName,
    firstName: 'Анна',
    middleName: 'Петровна',
    birthDate: `1970-01-${k}`,
    address: `г. Казань, ул. Пакетная, д. ${n}`,
    phone: `+7900777${k}${k}`,
    passport: { series: `92 ${k}`, number: `7770${k}` },
    precinct,
  };
}
const TATARSTAN = [person('Шамсутдинова', '1'), person('Ахметов', '2'), person('Галиева', '1')];
const NOVOSIBIRSK = [person('Зырянов', '1'), person('Обская', '2')];
const MOSCOW = [person('Москвина', '1')];

const ballotJson = (version: number): Uint8Array =>
  enc.encode(
    JSON.stringify({
      version,
      title: 'Избирательный бюллетень',
      instructions: 'Поставьте знак в квадрате справа от фамилии одного кандидата.',
      candidates: [
        { id: 'k1', name: 'Кандидат Первый', info: 'самовыдвижение' },
        { id: 'k2', name: 'Кандидат Второй', info: 'партия' },
      ],
    }),
  );

let ca: CommissionCa;
let dataCentre: Signer;
let memberSigner: Signer;
let foreignCentre: Signer;
let election: LoadedElection;
let app: App;
let baseUrl = '';

type Report = Api['POST /api/bundles/verify']['response'];
type Loaded = Api['POST /api/bundles/load']['response'];

async function bundle(
  files: Record<string, Uint8Array>,
  options: { signer?: Signer; electionId?: string } = {},
): Promise<Bundle> {
  return makeBundle({
    electionId: options.electionId ?? config.electionId,
    kind: 'list-and-ballot-data',
    createdAt: clock.now(),
    files: new Map(Object.entries(files)),
    signer: options.signer ?? dataCentre,
  });
}

/** The body the workstation sends: every file of the medium, manifest and signature included. */
const body = (files: ReadonlyMap<string, Uint8Array>) => ({
  files: [...files].map(([path, bytes]) => ({ path, base64: Buffer.from(bytes).toString('base64') })),
});
const verify = (b: Bundle | { files: ReadonlyMap<string, Uint8Array> }, who = chairman) =>
  sessions.call<Report>(who, 'POST', '/api/bundles/verify', body(b.files));
const load = (b: Bundle | { files: ReadonlyMap<string, Uint8Array> }, who = chairman) =>
  sessions.call<Loaded>(who, 'POST', '/api/bundles/load', body(b.files));

/** Everything a load writes, to show that a refused load changed none of it. */
async function snapshot(): Promise<unknown> {
  const r = await db.pool.query(
    `SELECT (SELECT json_agg(json_build_object('region', region, 'count', participant_count, 'compiled', compiled_at)
                             ORDER BY region) FROM participant_lists) AS lists,
            (SELECT count(*) FROM participants)::int AS participants,
            (SELECT json_agg(encode(hash, 'hex') ORDER BY loaded_at) FROM loaded_bundles) AS bundles,
            (SELECT json_agg(version ORDER BY version) FROM ballot_versions) AS ballot`,
  );
  return r.rows[0];
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

async function startApp(trustedRoots: AppDeps['bundles']): Promise<App> {
  const deps: AppDeps = {
    clock,
    logger: { level: 'silent' },
    identity: {
      cookieSecret: 'bundle-test-cookie-secret-bundle-test-cookie-secret',
      provider: {
        kind: 'stand-in',
        register,
        clientSecret: 'bundle-test-client-secret',
        cookieKeys: ['bundle-test-stand-in-cookie-key'],
      },
    },
    db: { pool: db.pool },
    roles: { election, bootstrapOperatorSub: operator.id },
    ...(trustedRoots === undefined ? {} : { bundles: trustedRoots }),
  };
  const made = await buildApp(deps);
  await made.listen({ port: 0, host: '127.0.0.1' });
  return made;
}

beforeAll(async () => {
  ca = await createCommissionCa({ commonName: 'Учебный УЦ', organisation: ORG, validity: VALID });
  const dk = await generateSigningKeyPair('ECDSA-P256');
  const dc = await issueDataCentreCertificate(ca, {
    id: 'fci',
    name: 'Центр обработки данных',
    organisation: ORG,
    publicKey: dk.publicKey,
    validity: VALID,
  });
  dataCentre = { certificate: dc.der, privateKey: dk.privateKey };
  const mk = await generateSigningKeyPair('ECDSA-P256');
  const mc = await issueMemberCertificate(ca, {
    member: { id: 'chair', fullName: 'Председателева Анна Петровна', role: 'chairman' },
    organisation: ORG,
    publicKey: mk.publicKey,
    validity: VALID,
  });
  memberSigner = { certificate: mc.der, privateKey: mk.privateKey };
  // A data centre certified by a CA the server does not trust.
  const other = await createCommissionCa({ commonName: 'Чужой УЦ', organisation: ORG, validity: VALID });
  const ok = await generateSigningKeyPair('ECDSA-P256');
  const oc = await issueDataCentreCertificate(other, {
    id: 'fci',
    name: 'Центр обработки данных',
    organisation: ORG,
    publicKey: ok.publicKey,
    validity: VALID,
  });
  foreignCentre = { certificate: oc.der, privateKey: ok.privateKey };

  election = await storeElection(db.pool, config, clock.now());
  app = await startApp({ trustedRoots: [ca.certificate.pem] });
  baseUrl = app.listeningOrigin;
  await sessions.logInAll();
  for (const [a, role] of [
    [chairman, { role: 'chairman', memberId: 'chair' }],
    [member, { role: 'member', memberId: 'member-1' }],
  ] as const) {
    const r = await sessions.call(operator, 'POST', '/api/admin/roles', { subject: a.id, ...role });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  await sessions.logInAll();
}, 120_000);

afterAll(async () => {
  await app.close();
});

const GOOD = () =>
  bundle({
    'lists/16.csv': enc.encode(encodeListCsv(TATARSTAN)),
    'lists/54.csv': enc.encode(encodeListCsv(NOVOSIBIRSK)),
    'ballot/source.json': ballotJson(1),
  });

describe('bundle verification at the workstation (P-3.2)', () => {
  test('P-3.2 a good bundle verifies: the data centre signed it for this election, every file matches, nothing is written', async () => {
    const good = await GOOD();
    const before = await snapshot();
    const r = await verify(good);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.ok).toBe(true);
    expect(r.body.failure).toBeUndefined();
    expect(r.body.hash).toBe(good.hash);
    expect(r.body.electionId).toBe(config.electionId);
    expect(r.body.kind).toBe('list-and-ballot-data');
    expect(r.body.signer?.role).toBe('data-centre');
    expect(r.body.signer?.subject).toContain('Центр обработки данных');
    expect(r.body.files).toEqual(
      ['ballot/source.json', 'lists/16.csv', 'lists/54.csv'].map((path) => {
        const bytes = good.files.get(path) ?? new Uint8Array();
        return { path, size: bytes.length, sha256: sha256(bytes), status: 'ok' };
      }),
    );
    expect(r.body.loadedAt).toBeUndefined();
    expect(await snapshot()).toEqual(before);
  });

  test('P-3.2 only the chairman and the operator may verify or load a bundle', async () => {
    const good = await GOOD();
    expect(refusal(await verify(good, member))).toBe('403 FORBIDDEN');
    expect(refusal(await load(good, member))).toBe('403 FORBIDDEN');
    expect(refusal(await sessions.call('anonymous', 'POST', '/api/bundles/load', body(good.files)))).toBe(
      '401 UNAUTHENTICATED',
    );
    expect((await verify(good, operator)).status).toBe(200);
  });

  test('P-3.2 a tampered file: the report marks that file, the load is refused BUNDLE_FILE_MISMATCH', async () => {
    const good = await GOOD();
    const files = new Map(good.files);
    const tampered = encodeListCsv([...TATARSTAN, person('Подлогов', '1')]);
    files.set('lists/16.csv', enc.encode(tampered));
    const before = await snapshot();
    const r = await verify({ files });
    expect(r.status).toBe(200);
    expect(r.body.ok).toBe(false);
    expect(r.body.failure?.code).toBe('BUNDLE_FILE_MISMATCH');
    expect(r.body.failure?.detail).toBe('lists/16.csv');
    expect(r.body.files.map((f) => [f.path, f.status])).toEqual([
      ['ballot/source.json', 'ok'],
      ['lists/16.csv', 'mismatch'],
      ['lists/54.csv', 'ok'],
    ]);
    const l = await load({ files });
    expect(refusal(l)).toBe('422 BUNDLE_FILE_MISMATCH');
    expect(l.body.message).toContain('lists/16.csv');
    expect(await snapshot()).toEqual(before);
    const audit = await db.pool.query<{ actor_role: string; details: { failure: string } }>(
      "SELECT actor_role, details FROM audit_events WHERE action = 'bundle.load' AND disposition = 'failure'",
    );
    expect(audit.rows.map((a) => [a.actor_role, a.details.failure])).toContainEqual([
      'chairman',
      'BUNDLE_FILE_MISMATCH',
    ]);
  });

  test('P-3.2 signed by a member instead of the data centre, or under an untrusted root: refused with the code', async () => {
    const files = { 'lists/16.csv': enc.encode(encodeListCsv(TATARSTAN)) };
    const byMember = await bundle(files, { signer: memberSigner });
    const v = await verify(byMember);
    expect(v.body.ok).toBe(false);
    expect(v.body.failure?.code).toBe('BUNDLE_WRONG_SIGNER');
    expect(v.body.files.map((f) => f.status)).toEqual(['unchecked']);
    expect(refusal(await load(byMember))).toBe('422 BUNDLE_WRONG_SIGNER');
    const foreign = await bundle(files, { signer: foreignCentre });
    expect((await verify(foreign)).body.failure?.code).toBe('BUNDLE_SIGNATURE');
    expect(refusal(await load(foreign))).toBe('422 BUNDLE_SIGNATURE');
    expect(await snapshot()).toMatchObject({ lists: null, bundles: null });
  });

  test('P-3.2 a bundle for another election is refused BUNDLE_WRONG_ELECTION', async () => {
    const other = await bundle(
      { 'lists/16.csv': enc.encode(encodeListCsv(TATARSTAN)) },
      { electionId: 'another-election' },
    );
    const v = await verify(other);
    expect(v.body.failure?.code).toBe('BUNDLE_WRONG_ELECTION');
    expect(v.body.electionId).toBe('another-election');
    expect(refusal(await load(other))).toBe('422 BUNDLE_WRONG_ELECTION');
  });

  test('P-3.2 path traversal, absolute paths and a name twice are refused BUNDLE_PATH_INVALID; bad base64 fails validation', async () => {
    const good = await GOOD();
    const sent = body(good.files);
    for (const path of [
      'lists/../../etc/passwd',
      '/etc/passwd',
      'lists\\16.csv',
      'C:/bundle/x.csv',
      'lists//16.csv',
    ]) {
      const files = [...sent.files, { path, base64: 'AAAA' }];
      for (const route of ['verify', 'load']) {
        const r = await sessions.call(chairman, 'POST', `/api/bundles/${route}`, { files });
        expect(refusal(r), `${route} ${path}`).toBe('400 BUNDLE_PATH_INVALID');
      }
    }
    const twice = { files: [...sent.files, sent.files[0]] };
    expect(refusal(await sessions.call(chairman, 'POST', '/api/bundles/load', twice))).toBe(
      '400 BUNDLE_PATH_INVALID',
    );
    const bad = { files: [{ path: 'manifest.json', base64: '!!not base64!!' }] };
    expect(refusal(await sessions.call(chairman, 'POST', '/api/bundles/verify', bad))).toBe(
      '400 VALIDATION_FAILED',
    );
    const extra = { files: [{ path: 'manifest.json', base64: '', owner: 'x' }] };
    expect(refusal(await sessions.call(chairman, 'POST', '/api/bundles/verify', extra))).toBe(
      '400 VALIDATION_FAILED',
    );
  });

  test('P-3.2 without a trusted root configured the server answers BUNDLE_ROOT_NOT_CONFIGURED', async () => {
    const bare = await startApp(undefined);
    try {
      const s = new Sessions(() => bare.listeningOrigin, [chairman]);
      await s.logInAll();
      const r = await s.call(chairman, 'POST', '/api/bundles/verify', body((await GOOD()).files));
      expect(refusal(r)).toBe('503 BUNDLE_ROOT_NOT_CONFIGURED');
    } finally {
      await bare.close();
    }
  });
});

describe('bundle load at the workstation (P-3.2, P-3.3, P-4.2)', () => {
  test('P-3.2 P-3.3 P-4.2 one transaction: a ballot refused at the last step, or a bad list after a good one, leaves no list behind', async () => {
    const before = await snapshot();
    const wrongBallot = await bundle({
      'lists/16.csv': enc.encode(encodeListCsv(TATARSTAN)),
      'ballot/source.json': ballotJson(2),
    });
    expect(refusal(await load(wrongBallot))).toBe('409 BALLOT_BAD_VERSION');
    expect(await snapshot()).toEqual(before);
    // lists/16.csv imports first (the manifest is sorted), then lists/77.csv has one person twice.
    const duplicate = await bundle({
      'lists/16.csv': enc.encode(encodeListCsv(TATARSTAN)),
      'lists/77.csv': enc.encode(encodeListCsv([...MOSCOW, ...MOSCOW])),
    });
    const r = await load(duplicate);
    expect(refusal(r)).toBe('422 BUNDLE_CONTENT_INVALID');
    expect(r.body.message).toContain('DUPLICATE_PARTICIPANT');
    expect(r.body.message).not.toContain('Москвина');
    expect(await snapshot()).toEqual(before);
  });

  test('P-3.2 P-3.3 P-4.2 a good bundle loads: each region’s list compiled, the ballot as version 1, audited without personal data', async () => {
    const good = await GOOD();
    const r = await load(good);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      hash: good.hash,
      kind: 'list-and-ballot-data',
      alreadyLoaded: false,
      regions: [
        { region: '16', participants: 3 },
        { region: '54', participants: 2 },
      ],
      ballotVersion: 1,
    });
    expect(r.body.signer).toContain('Центр обработки данных');
    // The rows appear in the list (P-3.5 order) for those who may see it.
    const page = await sessions.call<Api['GET /api/lists/:region']['response']>(
      member,
      'GET',
      '/api/lists/16?limit=10',
    );
    expect(page.status).toBe(200);
    expect(page.body.rows.map((x) => x.fullName)).toEqual([
      'Ахметов Анна Петровна',
      'Галиева Анна Петровна',
      'Шамсутдинова Анна Петровна',
    ]);
    const versions = await sessions.call<Api['GET /api/ballot/versions']['response']>(
      chairman,
      'GET',
      '/api/ballot/versions',
    );
    expect(versions.body.versions.map((v) => [v.version, v.origin, v.bundleHash])).toEqual([
      [1, 'bundle', good.hash],
    ]);
    const audit = await db.pool.query<{ action: string; actor_role: string; details: unknown }>(
      "SELECT action, actor_role, details FROM audit_events WHERE disposition = 'success' AND action IN ('bundle.load', 'ballot.load') ORDER BY at, action",
    );
    expect(audit.rows.map((a) => [a.action, a.actor_role])).toEqual([
      ['ballot.load', 'chairman'],
      ['bundle.load', 'chairman'],
    ]);
    expect(audit.rows[1]?.details).toMatchObject({
      bundleHash: good.hash,
      regions: ['16', '54'],
      participants: 5,
    });
    const all = JSON.stringify((await db.pool.query('SELECT details FROM audit_events')).rows);
    for (const p of [...TATARSTAN, ...NOVOSIBIRSK]) {
      expect(all).not.toContain(p.lastName);
      expect(all).not.toContain(p.passport.number);
    }
  });

  test('P-3.2 the same bundle again is idempotent: the earlier load is returned and nothing is written', async () => {
    const good = await GOOD();
    // makeBundle stamps the same createdAt (the test clock): the same manifest, the same hash.
    const before = await snapshot();
    const r = await load(good);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      hash: good.hash,
      alreadyLoaded: true,
      regions: [
        { region: '16', participants: 3 },
        { region: '54', participants: 2 },
      ],
      ballotVersion: 1,
    });
    expect(await snapshot()).toEqual(before);
    const v = await verify(good);
    expect(v.body.ok).toBe(true);
    expect(v.body.loadedAt).toBe(new Date(BEFORE_VOTING).toISOString());
  });

  test('P-3.3 a different bundle for a region whose list is compiled is refused BUNDLE_LISTS_EXIST, its other regions not loaded', async () => {
    const before = await snapshot();
    const again = await bundle({
      'lists/16.csv': enc.encode(encodeListCsv([person('Добавленный', '1')])),
      'lists/77.csv': enc.encode(encodeListCsv(MOSCOW)),
    });
    const r = await load(again);
    expect(refusal(r)).toBe('409 BUNDLE_LISTS_EXIST');
    expect(r.body.message).toContain('16');
    expect(await snapshot()).toEqual(before);
  });

  test('P-4.3 P-3.2 after voting started a different bundle is refused BUNDLE_VOTING_STARTED; the loaded one still answers', async () => {
    const before = await snapshot();
    const good = await GOOD();
    const moscow = await bundle({ 'lists/77.csv': enc.encode(encodeListCsv(MOSCOW)) });
    await sessions.at(clock, DURING_VOTING, BEFORE_VOTING, async () => {
      expect(refusal(await load(moscow))).toBe('409 BUNDLE_VOTING_STARTED');
      const same = await load(good);
      expect(same.status).toBe(200);
      expect(same.body.alreadyLoaded).toBe(true);
    });
    expect(await snapshot()).toEqual(before);
  });
});
