// The close of voting through the HTTP API, Procedure P-7 (final lists, decryption, protocol), P-8
// (hand-over) and P-9 (retention): a real server on port 0, real PostgreSQL, the OIDC stand-in login,
// roles assigned by the bootstrapped operator, participant lists loaded with ParticipantListStore,
// and a real election from packages/election's simulation (key ceremony, blind-signed credentials,
// encrypted ballots, running tallies) as the ballot box's closed state. Members sign with keys made
// here and certified by the training CA of packages/deg; the server only ever sees certificates and
// signatures. Time comes from a ManualClock moved through election night.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bytesToHex, canonicalJson, sealKeyPart, type SecretShare } from '@opendeg/crypto';
import { isListStoreError, ParticipantListStore, type ParticipantRecord } from '@opendeg/db';
import { useTestDatabase } from '@opendeg/db/testing';
import {
  createCommissionCa,
  generateSigningKeyPair,
  issueMemberCertificate,
  ManualClock,
  signDetached,
  verifyDetached,
  type BallotSource,
  type CommissionCa,
  type ElectionConfig,
  type IssuedCertificate,
} from '@opendeg/deg';
import {
  encodeChallengeResponse,
  encodeElementHex,
  LocalTrustee,
  recordFromLedgerEntries,
  RegionTally,
  validateBallot,
  verifyRecord,
  type BallotJson,
  type BallotStyleDef,
  type Selection,
} from '@opendeg/election';
import {
  setUpElection,
  vote,
  type SimulatedElection,
} from '../../../packages/election/src/testing/simulate.ts';
import type { LoadedElection } from '../src/applications/deps.ts';
import type { ClosingSources } from '../src/closing/closing-deps.ts';
import { storedClosingSources } from '../src/closing/stored-sources.ts';
import { bundleName } from '../src/closing/bundles.ts';
import { WriteOnceError, WriteOnceStore } from '../src/closing/write-once.ts';
import { readElectionConfigFile, storeElection } from '../src/elections/load-election.ts';
import type { ErrorBody } from '../src/errors.ts';
import { generateRegister, type RegisterAccount } from '../src/identity/register.ts';
import { decodeEntry, type JsonValue } from '@opendeg/ledger';
import { Browser, logIn, requestJson, startServer, type ApiResult, type Server } from './harness.ts';
import { openTestLedger, type TestLedger } from './keys-fixture.ts';

const db = useTestDatabase();
const base = readElectionConfigFile(fileURLToPath(new URL('../dev/election.json', import.meta.url)));
// The training configuration with Kaliningrad alone in the late key group (P-5.2, P-7.1).
const config: ElectionConfig = {
  ...structuredClone(base),
  electionId: 'closing-test',
  keyGroups: [
    { id: 'main', closingNotBefore: '20:15' },
    { id: 'late', closingNotBefore: '21:15' },
  ],
  regions: [
    ...base.regions,
    {
      code: '39',
      name: { ru: 'Калининградская область', en: 'Kaliningrad Oblast' },
      timeZone: 'Europe/Kaliningrad',
      keyGroup: 'late',
      languages: ['ru'],
      mode: 'standard',
      precincts: [{ number: '1', addresses: ['Калининградская область'] }],
    },
  ],
};

/** Moscow wall time on the last day of voting (UTC+3). */
const msk = (hhmm: string): string => {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return new Date(Date.UTC(2026, 8, 20, h - 3, m)).toISOString();
};
const clock = new ManualClock('2026-09-10T09:00:00Z');

const STYLE: BallotStyleDef = {
  id: 'federal',
  title: { ru: 'Выборы депутатов', en: 'Election of deputies' },
  questions: [
    {
      id: 'deputy',
      text: { ru: 'Отметьте одного кандидата', en: 'Mark one candidate' },
      options: [
        { id: 'c1', label: { ru: 'Кандидат 1' } },
        { id: 'c2', label: { ru: 'Кандидат 2' } },
        { id: 'c3', label: { ru: 'Кандидат 3' } },
      ],
      min: 1,
      max: 1,
      blank: true,
    },
  ],
};
const BALLOT: BallotSource = {
  version: 1,
  title: 'Бюллетень',
  instructions: 'Поставьте любой знак в пустом квадрате справа от фамилии одного кандидата.',
  candidates: [
    { id: 'c1', name: 'Алексеев Алексей Алексеевич', info: '1970 года рождения' },
    { id: 'c2', name: 'Борисов Борис Борисович', info: '1975 года рождения' },
    { id: 'c3', name: 'Васильева Вера Васильевна', info: '1980 года рождения' },
  ],
};
// What was cast per region: 77 had no applications, 54 one blank ballot of two issued.
const VOTES: Record<string, Selection[]> = {
  '16': [['c1'], ['c1'], ['c2']],
  '54': ['blank'],
  '39': [['c3'], ['c1']],
};
const PASSPHRASES = ['первая часть ключа 1', 'вторая часть ключа 2', 'третья часть ключа 3'];

const register = generateRegister({ seed: 77, count: 12, referenceDate: new Date('2026-09-20T00:00:00Z') });
const [operator, chairman, secretary, member, observer, rc16, rc54, voter] = register as [
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
];

let seq = 0;
function participant(region: string, precinct: string): ParticipantRecord {
  seq++;
  const k = String(seq).padStart(2, '0');
  return {
    id: `p-${k}`,
    lastName: `Фамилия${'абвгдеж'.charAt(seq % 7)}`,
    firstName: 'Имя',
    middleName: 'Отчество',
    birthDate: `19${60 + seq}-0${(seq % 9) + 1}-1${seq % 10}`,
    address: `Регион ${region}, ул. Тестовая, д. ${seq}`,
    phone: `+7900777${k}${k}`,
    passport: { series: `92 ${k}`, number: `7770${k}` },
    precinct,
  };
}
const LISTS: Record<string, ParticipantRecord[]> = {
  '16': [participant('16', '1'), participant('16', '1'), participant('16', '1'), participant('16', '1')],
  '54': [participant('54', '1'), participant('54', '2')],
  '39': [participant('39', '1'), participant('39', '1'), participant('39', '1')],
};
// Ballot access granted (P-3.8): in 54 one participant got a ballot and did not vote.
const ISSUED: Record<string, number> = { '16': 3, '54': 2, '39': 2 };

let server: Server;
let log: TestLedger;
/** The write-once store of P-7.4 and P-8.1: a directory of this test run. */
const writeOnceDir = mkdtempSync(path.join(tmpdir(), 'opendeg-write-once-'));
let election: LoadedElection;
let sim: SimulatedElection;
let ca: CommissionCa;
const keys = new Map<string, { certificate: IssuedCertificate; privateKey: CryptoKey }>();
const keyFiles = new Map<string, string[]>();
const browsers = new Map<RegisterAccount, Browser>();

const as = (a: RegisterAccount): Browser => {
  const b = browsers.get(a);
  if (b === undefined) throw new Error('not logged in');
  return b;
};
const call = <T = ErrorBody>(a: RegisterAccount | undefined, method: string, url: string, body?: unknown) =>
  requestJson<T>(a === undefined ? new Browser() : as(a), server.baseUrl, method, url, body);
function expectRefused(r: ApiResult<unknown>, status: number, code: string): void {
  expect([r.status, r.body.code], JSON.stringify(r.body)).toEqual([status, code]);
}

async function sign(memberId: string, content: Uint8Array): Promise<string> {
  const k = keys.get(memberId);
  if (k === undefined) throw new Error(`no key for ${memberId}`);
  const s = await signDetached({
    content,
    signer: { certificate: k.certificate.der, privateKey: k.privateKey },
    signingTime: clock.now(),
  });
  return s.pem;
}

const ACCOUNTS = () => [operator, chairman, secretary, member, observer, rc16, rc54, voter];

/** Moves the clock; sessions live 30 minutes of it, so everyone logs in again. */
async function moveClock(to: Date | string): Promise<void> {
  clock.set(to);
  for (const a of ACCOUNTS()) {
    const b = new Browser();
    await logIn(b, server.baseUrl, a.id);
    browsers.set(a, b);
  }
}

const document = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));

interface FinalLists {
  keyGroup: string;
  regions: { region: string; onList: number; ballotsIssued: number }[];
  document: string;
  sha256: string;
  signers: string[];
  signOffs: { memberId: string; signed: boolean }[];
  publishedAt?: string;
}
interface Progress {
  mode?: string;
  k?: number;
  parts: number[];
  total: number;
  decrypted: number;
  percent: number;
  completedAt?: string;
}
interface ProtocolView {
  protocol: {
    present: string[];
    regions: {
      region: string;
      lines: { line: number; value: number; candidate?: { id: string } }[];
      invalidated?: { decision: string };
    }[];
  };
  document: string;
  sha256: string;
  signOffs: { memberId: string; signed: boolean; signature?: string; reason?: string }[];
  publishedAt?: string;
}

async function seal(keyGroup: string, part: SecretShare, n: number, k: number): Promise<string> {
  return sealKeyPart({
    metadata: {
      suite: sim.manifest.suite,
      electionId: sim.manifest.electionId,
      keyGroup,
      partIndex: part.index,
      n,
      k,
      holder: `holder-${part.index}`,
    },
    secret: sim.election.group.encodeScalar(part.secret),
    passphrase: PASSPHRASES[part.index - 1] ?? 'x',
    scrypt: { N: 1024, r: 8, p: 1 },
  });
}

beforeAll(async () => {
  election = await storeElection(db.pool, config, clock.now());
  // The ballot box's side: a real election, its ballots validated and tallied per region.
  sim = await setUpElection({
    electionId: config.electionId,
    regions: config.regions.map((r) => ({
      code: r.code,
      name: r.name.ru,
      timeZone: r.timeZone,
      keyGroup: r.keyGroup,
    })),
    ballotStyle: STYLE,
    threshold: { n: 3, k: 2 },
  });
  const tallies = new Map<string, RegionTally<unknown>>();
  const used = new Set<string>();
  const ballots: BallotJson[] = [];
  for (const [region, selections] of Object.entries(VOTES)) {
    const style = sim.election.regions.get(region)?.style ?? STYLE;
    const tally = new RegionTally(sim.election.group, region, style);
    for (const s of selections) {
      const { ballot }: { ballot: BallotJson } = await vote(sim, region, [s]);
      const r = await validateBallot(sim.election, ballot, { isCredentialUsed: (id) => used.has(id) });
      if (!r.ok) throw new Error('ballot rejected');
      used.add(r.ballot.credentialId);
      tally.add(r.ballot.answers);
      ballots.push(ballot);
    }
    tallies.set(region, tally);
  }
  // As the key ceremony and the ballot box leave them: the fixed manifest and the running tallies,
  // and the election's ledger with the manifest and the ballots (entry formats of keys/ and ballot-box/).
  const canonical = canonicalJson(sim.manifest);
  log = await openTestLedger(db.newPool(), config.electionId);
  const appended = await log.ledger.append({
    type: 'manifest',
    sha256: createHash('sha256').update(canonical).digest('hex'),
    manifest: sim.manifest as unknown as JsonValue,
  });
  if (!appended.ok || appended.value.index !== 0) throw new Error('manifest entry');
  for (const b of ballots) {
    const r = await log.ledger.append({
      type: 'ballot',
      sha256: createHash('sha256').update(canonicalJson(b)).digest('hex'),
      ballot: b as unknown as JsonValue,
    });
    if (!r.ok) throw new Error(r.error.message);
  }
  await db.pool.query(
    `INSERT INTO election_manifests (election_id, manifest, sha256, ledger_index, fixed_at) VALUES ($1, $2, $3, 0, $4)`,
    [election.id, canonical, createHash('sha256').update(canonical).digest(), clock.now()],
  );
  for (const t of tallies.values()) {
    await db.pool.query(
      `INSERT INTO box_tallies (election_id, region, ballots, aggregates, updated_at) VALUES ($1, $2, $3, $4, $5)`,
      [election.id, t.region, t.ballots, JSON.stringify(t.toJson().aggregates), clock.now()],
    );
  }
  // The ballot's source data come from a loaded bundle, not made here.
  const sources: ClosingSources = {
    ...storedClosingSources(db.pool, election.id),
    ballot: () => Promise.resolve(BALLOT),
  };
  for (const [id, parts] of sim.parts)
    keyFiles.set(id, await Promise.all(parts.map((p) => seal(id, p, 3, 2))));
  // The training CA certifies members' keys; the private keys stay here, with the "members".
  const validity = {
    notBefore: new Date('2026-09-01T00:00:00Z'),
    notAfter: new Date('2028-12-31T00:00:00Z'),
  };
  ca = await createCommissionCa({
    commonName: 'Учебный удостоверяющий центр',
    organisation: 'ЦИК России',
    validity,
  });
  for (const m of config.commission.members) {
    const pair = await generateSigningKeyPair('ECDSA-P256');
    const certificate = await issueMemberCertificate(ca, {
      member: { id: m.id, fullName: m.fullName, role: m.role },
      organisation: 'ТИК ДЭГ',
      publicKey: pair.publicKey,
      validity,
    });
    keys.set(m.id, { certificate, privateKey: pair.privateKey });
  }

  server = await startServer({
    clock,
    register,
    db: { pool: db.pool },
    roles: { election, bootstrapOperatorSub: operator.id },
    closing: { sources, trustedRoots: [ca.certificate.der], ledger: log.ledger, writeOnceDir },
  });
  await moveClock(clock.now());
  const roles: [RegisterAccount, Record<string, string>][] = [
    [chairman, { role: 'chairman', memberId: 'chair' }],
    [secretary, { role: 'secretary', memberId: 'secretary' }],
    [member, { role: 'member', memberId: 'member-1' }],
    [observer, { role: 'commission-observer' }],
    [rc16, { role: 'regional-commission', region: '16' }],
    [rc54, { role: 'regional-commission', region: '54' }],
  ];
  for (const [a, role] of roles) {
    const r = await call(operator, 'POST', '/api/admin/roles', { subject: a.id, ...role });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  const store = new ParticipantListStore(db.pool, election.id);
  for (const [region, rows] of Object.entries(LISTS)) {
    await store.importList(region, rows, { compiledAt: clock.now() });
    for (const p of rows.slice(0, ISSUED[region]))
      await store.grantBallotAccess(region, p.id, new Date('2026-09-19T09:00:00Z'));
  }
}, 120_000);
afterAll(async () => {
  if (process.env.CLOSING_DEBUG) for (const l of server.logs) if (l.includes('"level":50')) console.log(l);
  await server.close();
  await log.ledger.close();
  rmSync(writeOnceDir, { recursive: true, force: true });
});

describe("members' certificates", () => {
  test('P-7.3 a certificate is imported only when it chains to the trusted root and names the member it is registered for', async () => {
    for (const m of config.commission.members) {
      const k = keys.get(m.id);
      const r = await call(operator, 'POST', '/api/closing/certificates', {
        memberId: m.id,
        certificate: k?.certificate.pem,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    // The secretary's certificate offered for the chairman's seat.
    const wrongSeat = await call(operator, 'POST', '/api/closing/certificates', {
      memberId: 'chair',
      certificate: keys.get('secretary')?.certificate.pem,
    });
    expectRefused(wrongSeat, 422, 'CERTIFICATE_MEMBER_MISMATCH');
    // A certificate of another CA.
    const other = await createCommissionCa({
      commonName: 'Посторонний УЦ',
      organisation: 'Никто',
      validity: { notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2030-01-01T00:00:00Z') },
    });
    const stray = await call(operator, 'POST', '/api/closing/certificates', {
      memberId: 'chair',
      certificate: other.certificate.pem,
    });
    expectRefused(stray, 422, 'CERTIFICATE_INVALID');
    const list = await call<{ certificates: { memberId: string }[] }>(
      chairman,
      'GET',
      '/api/closing/certificates',
    );
    expect(list.body.certificates.map((c) => c.memberId).sort()).toEqual(['chair', 'member-1', 'secretary']);
  });
});

describe('final lists (P-7.1–P-7.5)', () => {
  test('P-7.1 the main key group not before 20:15 Moscow time, the late group not before 21:15: at 20:30 the late group is refused while the main group is accepted', async () => {
    await moveClock(msk('20:14'));
    expectRefused(
      await call(chairman, 'POST', '/api/closing/key-groups/main/final-lists'),
      409,
      'CLOSING_TOO_EARLY',
    );
    await moveClock(msk('20:30'));
    expectRefused(
      await call(chairman, 'POST', '/api/closing/key-groups/late/final-lists'),
      409,
      'CLOSING_TOO_EARLY',
    );
    const main = await call<FinalLists>(chairman, 'POST', '/api/closing/key-groups/main/final-lists');
    expect(main.status, JSON.stringify(main.body)).toBe(201);
    expectRefused(
      await call(chairman, 'POST', '/api/closing/key-groups/main/final-lists'),
      409,
      'FINAL_LISTS_EXIST',
    );
    expectRefused(
      await call(chairman, 'POST', '/api/closing/key-groups/nowhere/final-lists'),
      404,
      'KEY_GROUP_NOT_FOUND',
    );
  });

  test('P-7.2 P-7.3 only the chairman orders them; lines 1 and 2 per region are the lists frozen at the end of voting', async () => {
    expect((await call(secretary, 'POST', '/api/closing/key-groups/late/final-lists')).status).toBe(403);
    const r = await call<FinalLists>(observer, 'GET', '/api/closing/key-groups/main/final-lists');
    expect(r.status).toBe(200);
    expect(r.body.regions).toEqual([
      { region: '77', onList: 0, ballotsIssued: 0 },
      { region: '16', onList: 4, ballotsIssued: 3 },
      { region: '54', onList: 2, ballotsIssued: 2 },
    ]);
    expect(r.body.signers).toEqual(['chair', 'secretary']);
    // The signed bytes are the canonical JSON of those numbers, and name no participant.
    const text = Buffer.from(r.body.document, 'base64').toString('utf8');
    expect(JSON.parse(text)).toMatchObject({ keyGroup: 'main', regions: r.body.regions });
    for (const p of [...(LISTS['16'] ?? []), ...(LISTS['54'] ?? [])]) expect(text).not.toContain(p.lastName);
    expect((await call(voter, 'GET', '/api/closing/key-groups/main/final-lists')).status).toBe(403);
  });

  test('P-7.4 after the final lists nothing on them changes: no ballot access, no exclusion', async () => {
    const store = new ParticipantListStore(db.pool, election.id);
    const last = LISTS['16']?.[3];
    if (last === undefined) throw new Error('fixture');
    await expect(store.grantBallotAccess('16', last.id, clock.now())).rejects.toSatisfy((e) =>
      isListStoreError(e, 'LIST_FROZEN'),
    );
    // The late group's lists are not frozen yet.
    const k = await db.pool.query(`SELECT frozen_at FROM participant_lists WHERE region = '39'`);
    expect(k.rows[0]).toEqual({ frozen_at: null });
  });

  test('P-7.3 the chairman and the secretary each sign the served bytes on their own workstation; a wrong signature is refused', async () => {
    const lists = await call<FinalLists>(chairman, 'GET', '/api/closing/key-groups/main/final-lists');
    const bytes = document(lists.body.document);
    const url = '/api/closing/key-groups/main/final-lists/signatures';
    const chair = await call<FinalLists>(chairman, 'POST', url, { signature: await sign('chair', bytes) });
    expect(chair.status, JSON.stringify(chair.body)).toBe(201);
    expect(chair.body.publishedAt).toBeUndefined();
    expectRefused(
      await call(chairman, 'POST', url, { signature: await sign('chair', bytes) }),
      409,
      'SIGN_OFF_EXISTS',
    );
    // Not yet signed by both: no decryption, no custody of the medium.
    expectRefused(
      await call(chairman, 'POST', '/api/closing/key-groups/main/decryption', { mode: 'threshold' }),
      409,
      'FINAL_LISTS_NOT_SIGNED',
    );
    // The secretary with the chairman's key, and over other bytes: both refused.
    expectRefused(
      await call(secretary, 'POST', url, { signature: await sign('chair', bytes) }),
      422,
      'SIGNATURE_NOT_MEMBERS',
    );
    const altered = new TextEncoder().encode(
      Buffer.from(bytes).toString('utf8').replace('"onList":4', '"onList":5'),
    );
    expectRefused(
      await call(secretary, 'POST', url, { signature: await sign('secretary', altered) }),
      422,
      'SIGNATURE_INVALID',
    );
    // A member does not sign the final lists.
    expect((await call(member, 'POST', url, { signature: await sign('member-1', bytes) })).status).toBe(403);
    const both = await call<FinalLists>(secretary, 'POST', url, {
      signature: await sign('secretary', bytes),
    });
    expect(both.status, JSON.stringify(both.body)).toBe(201);
    expect(both.body.publishedAt).toBe(clock.now().toISOString());
    expect(both.body.signOffs.map((s) => [s.memberId, s.signed])).toEqual([
      ['chair', true],
      ['secretary', true],
    ]);
  });

  test('P-7.4 P-7.5 the signed final lists are written once to the write-once store; the custody record holds that bundle’s SHA-256 and path', async () => {
    const file = path.join(writeOnceDir, bundleName('final-lists', 'main'));
    const bytes = readFileSync(file);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    // Read-only, and the document with both members' signatures, which verify over its bytes.
    expect(statSync(file).mode & 0o777).toBe(0o444);
    const bundle = JSON.parse(bytes.toString('utf8')) as {
      content: string;
      document: { sha256: string; base64: string };
      signOffs: { memberId: string; signature: string }[];
    };
    const lists = await call<FinalLists>(chairman, 'GET', '/api/closing/key-groups/main/final-lists');
    expect(bundle.content).toBe('final-lists');
    expect(bundle.document).toEqual({ sha256: lists.body.sha256, base64: lists.body.document });
    expect(bundle.signOffs.map((x) => x.memberId)).toEqual(['chair', 'secretary']);
    for (const so of bundle.signOffs) {
      const v = await verifyDetached({
        signature: new Uint8Array(Buffer.from(so.signature, 'base64')),
        content: document(lists.body.document),
        trustedRoots: [ca.certificate.der],
        at: clock.now(),
      });
      expect(v.ok && v.signer.memberId).toBe(so.memberId);
    }
    const url = '/api/closing/key-groups/main/final-lists/custody';
    const body = {
      medium: 'CD-R № 1',
      place: 'сейф № 2',
      bundleSha256: sha256,
      placedAt: clock.now().toISOString(),
    };
    // A hash that is not the written bundle's is refused: the record names what was written.
    expectRefused(
      await call(secretary, 'POST', url, { ...body, bundleSha256: 'ab'.repeat(32) }),
      422,
      'VALIDATION_FAILED',
    );
    const r = await call<{ memberId: string; place: string; bundlePath: string }>(
      secretary,
      'POST',
      url,
      body,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ memberId: 'secretary', place: 'сейф № 2', bundlePath: file });
    const row = await db.pool.query<{ bundle_sha256: string; bundle_path: string }>(
      `SELECT bundle_sha256, bundle_path FROM custody_records WHERE content = 'final-lists' AND scope = 'main'`,
    );
    expect(row.rows).toEqual([{ bundle_sha256: sha256, bundle_path: file }]);
    expect(
      createHash('sha256')
        .update(readFileSync(row.rows[0]?.bundle_path ?? ''))
        .digest('hex'),
    ).toBe(row.rows[0]?.bundle_sha256);
    const bad = await call(secretary, 'POST', url, { ...body, medium: ' ' });
    expectRefused(bad, 400, 'VALIDATION_FAILED');
  });

  test('P-7.4 a bundle is never written twice: a second write is refused, whatever its bytes, and the first stays as it was', async () => {
    const store = new WriteOnceStore(writeOnceDir);
    const name = bundleName('final-lists', 'main');
    const before = readFileSync(path.join(writeOnceDir, name));
    await expect(store.write(name, new TextEncoder().encode('{"forged":true}'))).rejects.toSatisfy(
      (e) => e instanceof WriteOnceError && e.code === 'BUNDLE_EXISTS',
    );
    await expect(store.write(name, before)).rejects.toSatisfy(
      (e) => e instanceof WriteOnceError && e.code === 'BUNDLE_EXISTS',
    );
    // `ensure` (a retry after a crash) accepts exactly the same bytes and nothing else.
    expect((await store.ensure(name, before)).created).toBe(false);
    await expect(store.ensure(name, new Uint8Array([1]))).rejects.toThrow(WriteOnceError);
    expect(readFileSync(path.join(writeOnceDir, name)).equals(before)).toBe(true);
    await expect(store.write('../escape.json', before)).rejects.toSatisfy(
      (e) => e instanceof WriteOnceError && e.code === 'BUNDLE_NAME_INVALID',
    );
  });
});

describe('decryption (P-7.6–P-7.8)', () => {
  const progress = () => call<Progress>(undefined, 'GET', '/api/closing/key-groups/main/decryption');

  test('P-7.6 P-11.7.8 the commission starts threshold decryption; progress shows total, decrypted and percent', async () => {
    const r = await call<Progress>(chairman, 'POST', '/api/closing/key-groups/main/decryption', {
      mode: 'threshold',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect((await progress()).body).toEqual({
      keyGroup: 'main',
      mode: 'threshold',
      k: 2,
      parts: [],
      total: 4,
      decrypted: 0,
      percent: 0,
    });
    expectRefused(
      await call(chairman, 'POST', '/api/closing/key-groups/main/decryption', { mode: 'assembled' }),
      409,
      'DECRYPTION_EXISTS',
    );
  });

  test('P-7.6 a holder presents the key-part file with the passphrase at the workstation: a wrong passphrase is refused, the right one gives checked partial decryptions', async () => {
    const file = keyFiles.get('main')?.[0] ?? '';
    const url = '/api/closing/key-groups/main/decryption/key-parts';
    const wrong = await call(member, 'POST', url, { file, passphrase: 'не та фраза' });
    expectRefused(wrong, 422, 'KEY_PART_REFUSED');
    expect(wrong.body.message).toContain('KEYFILE_WRONG_PASSPHRASE');
    // Another key group's part is not this group's.
    const late = await call(member, 'POST', url, {
      file: keyFiles.get('late')?.[0],
      passphrase: PASSPHRASES[0],
    });
    expectRefused(late, 422, 'KEY_PART_REFUSED');
    const ok = await call<Progress>(member, 'POST', url, { file, passphrase: PASSPHRASES[0] });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body).toMatchObject({ parts: [1], decrypted: 0, percent: 0 });
    expectRefused(await call(member, 'POST', url, { file, passphrase: PASSPHRASES[0] }), 409, 'SHARE_EXISTS');
  });

  test('P-7.7 a holder decrypting on their own machine sends shares with proofs; a bad share is refused naming the holder, a good one completes the key group', async () => {
    const tallies = await call<{ electionHash: string; tallies: { region: string; ballots: number }[] }>(
      undefined,
      'GET',
      '/api/closing/key-groups/main/decryption/tallies',
    );
    expect(tallies.status).toBe(200);
    expect(tallies.body.electionHash).toBe(sim.election.hashHex);
    expect(tallies.body.tallies.map((t) => [t.region, t.ballots])).toEqual([
      ['16', 3],
      ['54', 1],
    ]);
    // The holder's machine: its own trustee over the published tallies.
    const g = sim.election.group;
    const part = sim.parts.get('main')?.[1];
    if (part === undefined) throw new Error('fixture');
    const trustee = new LocalTrustee(g, part);
    const regions: Record<string, { share: string; proof: { c: string; z: string } }[][]> = {};
    for (const t of tallies.body.tallies) {
      const style = sim.election.regions.get(t.region)?.style ?? STYLE;
      const tally = RegionTally.fromJson(g, style, t as never);
      const shares = await trustee.decrypt(sim.election.hash, tally.aggregates.flat());
      let i = 0;
      regions[t.region] = tally.aggregates.map((row) =>
        row.map(() => {
          const s = shares[i++];
          if (s === undefined) throw new Error('share missing');
          return { share: encodeElementHex(g, s.share), proof: encodeChallengeResponse(g, s.proof) };
        }),
      );
    }
    const url = '/api/closing/key-groups/main/decryption/shares';
    // Tampered: the first share of region 16 replaced by another of its shares.
    const tampered = structuredClone(regions);
    const row = tampered['16']?.[0];
    if (row?.[0] === undefined || row[1] === undefined) throw new Error('fixture');
    row[0] = { ...row[0], share: row[1].share };
    const bad = await call(secretary, 'POST', url, { index: 2, regions: tampered });
    expectRefused(bad, 422, 'SHARE_INVALID');
    expect(bad.body.message).toContain('2');
    // The right shares claimed for another part.
    expectRefused(await call(secretary, 'POST', url, { index: 3, regions }), 422, 'SHARE_INVALID');
    const good = await call<Progress>(secretary, 'POST', url, { index: 2, regions });
    expect(good.status, JSON.stringify(good.body)).toBe(201);
    expect(good.body).toMatchObject({ parts: [1, 2], total: 4, decrypted: 4, percent: 100 });
    expect(good.body.completedAt).toBe(clock.now().toISOString());
    const results = await db.pool.query<{ region: string; counts: number[][] }>(
      `SELECT region, counts FROM decryption_results ORDER BY region`,
    );
    expect(results.rows).toEqual([
      { region: '16', counts: [[0, 2, 1, 0]] },
      { region: '54', counts: [[1, 0, 0, 0]] },
    ]);
    const third = await call(member, 'POST', '/api/closing/key-groups/main/decryption/key-parts', {
      file: keyFiles.get('main')?.[2],
      passphrase: PASSPHRASES[2],
    });
    expectRefused(third, 409, 'DECRYPTION_COMPLETE');
  });

  test('P-7.6 key parts are never stored or logged: no passphrase, file or secret in the logs or anywhere in the database', async () => {
    const secrets = [
      ...PASSPHRASES,
      ...[...sim.parts.values()].flat().map((p) => bytesToHex(sim.election.group.encodeScalar(p.secret))),
      ...[...keyFiles.values()].flat().map((f) => f.split('\n')[3] ?? 'unreachable'),
    ];
    const logs = server.logs.join('\n');
    const tables = await db.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    let dump = '';
    for (const { table_name } of tables.rows) {
      const r = await db.pool.query<{ t: string }>(`SELECT t::text AS t FROM "${table_name}" t`);
      dump += r.rows.map((x) => x.t).join('\n');
    }
    const ledger = await db.pool.query<{ entry: Buffer }>(`SELECT entry FROM closing_ledger`);
    dump += ledger.rows.map((x) => x.entry.toString('utf8')).join('\n');
    expect(dump).toContain('partial-decryption');
    for (const s of secrets) {
      expect(logs.includes(s), 'in the logs').toBe(false);
      expect(dump.includes(s), 'in the database').toBe(false);
    }
  });

  test('P-7.4 P-7.6 two orders of the late group at once: one makes the lists, the other is told they exist; assemble mode: K parts rebuild the key in memory, checked against the public key; too few parts are refused; proofs are still published', async () => {
    await moveClock(msk('21:20'));
    const both = await Promise.all([
      call<FinalLists>(chairman, 'POST', '/api/closing/key-groups/late/final-lists'),
      call<FinalLists>(chairman, 'POST', '/api/closing/key-groups/late/final-lists'),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    const order = both.find((r) => r.status === 201) ?? both[0];
    expectRefused(both.find((r) => r.status === 409) ?? both[1], 409, 'FINAL_LISTS_EXIST');
    expect(order.body.regions).toEqual([{ region: '39', onList: 3, ballotsIssued: 2 }]);
    const bytes = document(order.body.document);
    const url = '/api/closing/key-groups/late/final-lists/signatures';
    expect((await call(chairman, 'POST', url, { signature: await sign('chair', bytes) })).status).toBe(201);
    expect((await call(secretary, 'POST', url, { signature: await sign('secretary', bytes) })).status).toBe(
      201,
    );
    const start = await call<Progress>(chairman, 'POST', '/api/closing/key-groups/late/decryption', {
      mode: 'assembled',
    });
    expect(start.status, JSON.stringify(start.body)).toBe(201);
    const files = keyFiles.get('late') ?? [];
    expectRefused(
      await call(member, 'POST', '/api/closing/key-groups/late/decryption/key-parts', {
        file: files[0],
        passphrase: PASSPHRASES[0],
      }),
      409,
      'DECRYPTION_WRONG_MODE',
    );
    const assemble = (parts: number[]) =>
      call<Progress>(chairman, 'POST', '/api/closing/key-groups/late/decryption/assembled', {
        parts: parts.map((i) => ({ file: files[i], passphrase: PASSPHRASES[i] })),
      });
    expectRefused(await assemble([0]), 422, 'KEY_ASSEMBLY_FAILED');
    const done = await assemble([0, 2]);
    expect(done.status, JSON.stringify(done.body)).toBe(201);
    expect(done.body).toMatchObject({ mode: 'assembled', total: 2, decrypted: 2, percent: 100 });
    const r = await db.pool.query<{
      counts: number[][];
      decryption: { mode: string; shares: { index: number }[] };
    }>(`SELECT counts, decryption FROM decryption_results WHERE region = '39'`);
    expect(r.rows[0]?.counts).toEqual([[0, 1, 0, 1]]);
    expect(r.rows[0]?.decryption.mode).toBe('assembled');
    expect(r.rows[0]?.decryption.shares.map((s) => s.index)).toEqual([0]);
  });
});

describe('protocol (P-7.9, P-7.10)', () => {
  test('P-7.10 the commission declares a region invalid once, by a decision with its reason', async () => {
    const url = '/api/closing/protocol/invalidations';
    const body = { region: '54', decision: 'Решение № 12/3', reason: 'Нарушения при голосовании' };
    const r = await call(chairman, 'POST', url, body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expectRefused(await call(chairman, 'POST', url, body), 409, 'REGION_ALREADY_INVALIDATED');
    expectRefused(await call(chairman, 'POST', url, { ...body, region: '99' }), 404, 'REGION_NOT_FOUND');
    expect((await call(member, 'POST', url, body)).status).toBe(403);
  });

  test('P-7.9 the protocol: lines 1–4 and the candidates per region, a region without applications left out, the invalidated region marked', async () => {
    expectRefused(
      await call(chairman, 'POST', '/api/closing/protocol', { present: ['nobody'] }),
      422,
      'PROTOCOL_INCONSISTENT',
    );
    const r = await call<ProtocolView>(chairman, 'POST', '/api/closing/protocol', {
      present: ['chair', 'secretary', 'member-1'],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const lines = (region: string) =>
      r.body.protocol.regions
        .find((x) => x.region === region)
        ?.lines.map((l) => [l.line, l.value, l.candidate?.id]);
    expect(r.body.protocol.regions.map((x) => x.region)).toEqual(['16', '54', '39']);
    expect(lines('16')).toEqual([
      [1, 4, undefined],
      [2, 3, undefined],
      [3, 3, undefined],
      [4, 0, undefined],
      [5, 2, 'c1'],
      [6, 1, 'c2'],
      [7, 0, 'c3'],
    ]);
    // A blank ballot is invalid (line 4).
    expect(lines('54')?.slice(0, 4)).toEqual([
      [1, 2, undefined],
      [2, 2, undefined],
      [3, 1, undefined],
      [4, 1, undefined],
    ]);
    expect(r.body.protocol.regions.find((x) => x.region === '54')?.invalidated?.decision).toBe(
      'Решение № 12/3',
    );
    expect(lines('39')?.slice(4)).toEqual([
      [5, 1, 'c1'],
      [6, 0, 'c2'],
      [7, 1, 'c3'],
    ]);
    expectRefused(
      await call(chairman, 'POST', '/api/closing/protocol', { present: ['chair'] }),
      409,
      'PROTOCOL_EXISTS',
    );
    // P-7.10 the mark is decided before the protocol is signed.
    expectRefused(
      await call(chairman, 'POST', '/api/closing/protocol/invalidations', {
        region: '16',
        decision: '№ 13',
        reason: 'Поздно',
      }),
      409,
      'PROTOCOL_EXISTS',
    );
  });

  test('P-7.9 every present member signs or the chairman records why not; only then is it published', async () => {
    const doc = await call<ProtocolView>(member, 'GET', '/api/closing/protocol/document');
    const bytes = document(doc.body.document);
    expectRefused(await call(undefined, 'GET', '/api/closing/protocol'), 404, 'PROTOCOL_NOT_PUBLISHED');
    const url = '/api/closing/protocol/signatures';
    expect((await call(member, 'POST', url, { signature: await sign('member-1', bytes) })).status).toBe(201);
    expectRefused(
      await call(member, 'POST', url, { signature: await sign('member-1', bytes) }),
      409,
      'SIGN_OFF_EXISTS',
    );
    expectRefused(
      await call(secretary, 'POST', url, { signature: await sign('member-1', bytes) }),
      422,
      'SIGNATURE_NOT_MEMBERS',
    );
    expect((await call(chairman, 'POST', url, { signature: await sign('chair', bytes) })).status).toBe(201);
    expectRefused(await call(undefined, 'GET', '/api/closing/protocol'), 404, 'PROTOCOL_NOT_PUBLISHED');
    // The secretary cannot sign: the chairman records the reason; a member not present has no sign-off.
    expect(
      (await call(secretary, 'POST', '/api/closing/protocol/reasons', { memberId: 'secretary', reason: 'x' }))
        .status,
    ).toBe(403);
    expectRefused(
      await call(chairman, 'POST', '/api/closing/protocol/reasons', {
        memberId: 'deputy',
        reason: 'Болезнь',
      }),
      409,
      'SIGN_OFF_NOT_EXPECTED',
    );
    const reason = await call<ProtocolView>(chairman, 'POST', '/api/closing/protocol/reasons', {
      memberId: 'secretary',
      reason: 'Отсутствие электронной подписи',
    });
    expect(reason.status, JSON.stringify(reason.body)).toBe(201);
    expect(reason.body.publishedAt).toBe(clock.now().toISOString());
    // Public, with the members' signatures, which anyone verifies against the CA.
    const pub = await call<ProtocolView>(undefined, 'GET', '/api/closing/protocol');
    expect(pub.status).toBe(200);
    expect(pub.body.signOffs.map((s) => [s.memberId, s.signed, s.reason])).toEqual([
      ['chair', true, undefined],
      ['secretary', false, 'Отсутствие электронной подписи'],
      ['member-1', true, undefined],
    ]);
    for (const s of pub.body.signOffs.filter((x) => x.signed)) {
      const v = await verifyDetached({
        content: document(pub.body.document),
        signature: document(s.signature ?? ''),
        trustedRoots: [ca.certificate.der],
        at: clock.now(),
      });
      expect(v.ok && v.signer.memberId).toBe(s.memberId);
    }
  });
});

describe('protocol as a form (Appendix 4)', () => {
  test('P-7.9 a region of the published protocol renders as the Appendix 4 PDF; a region left out has none', async () => {
    const response = await fetch(`${server.baseUrl}/api/closing/protocol/regions/16/pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await response.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // 77 had no applications: no protocol for it (P-7.9).
    expectRefused(
      await call(undefined, 'GET', '/api/closing/protocol/regions/77/pdf'),
      404,
      'RESULTS_NOT_AVAILABLE',
    );
  });
});

describe('hand-over (P-8) and retention (P-9)', () => {
  test("P-8.1 P-8.4 a regional commission gets its region's results, none for an invalidated region, none of another region", async () => {
    const r = await call<{ region: { region: string; lines: { value: number }[] }; protocolSha256: string }>(
      rc16,
      'GET',
      '/api/closing/results/16',
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.region.lines.map((l) => l.value)).toEqual([4, 3, 3, 0, 2, 1, 0]);
    expectRefused(await call(rc54, 'GET', '/api/closing/results/54'), 404, 'RESULTS_NOT_AVAILABLE');
    expect((await call(rc16, 'GET', '/api/closing/results/39')).status).toBe(403);
    expect((await call(chairman, 'GET', '/api/closing/results/16')).status).toBe(403);
  });

  test('P-8.1 the results medium handed to the data centre is recorded, once the protocol is published', async () => {
    // The published protocol with every sign-off was written once to the store (P-8.1).
    const file = path.join(writeOnceDir, bundleName('protocol', 'protocol'));
    expect(statSync(file).mode & 0o777).toBe(0o444);
    const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
    const body = {
      medium: 'DVD-R № 7',
      place: 'ЦОД',
      bundleSha256: sha256,
      placedAt: clock.now().toISOString(),
    };
    const r = await call<{ memberId: string; bundlePath: string }>(
      secretary,
      'POST',
      '/api/closing/results/custody',
      body,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ memberId: 'secretary', bundlePath: file });
    const row = await db.pool.query<{ bundle_sha256: string }>(
      `SELECT bundle_sha256 FROM custody_records WHERE content = 'results'`,
    );
    expect(row.rows).toEqual([{ bundle_sha256: sha256 }]);
    expectRefused(
      await call(secretary, 'POST', '/api/closing/results/custody', {
        ...body,
        bundleSha256: 'cd'.repeat(32),
      }),
      422,
      'VALIDATION_FAILED',
    );
    expectRefused(
      await call(secretary, 'POST', '/api/closing/results/custody', { ...body, bundleSha256: 'x' }),
      400,
      'VALIDATION_FAILED',
    );
    expect((await call(observer, 'POST', '/api/closing/results/custody', body)).status).toBe(403);
  });

  test('P-9.2 P-9.3 destruction by act only after a year from publication, each item once; minutes and decisions go to the CEC', async () => {
    const url = '/api/closing/destruction-acts';
    const act = {
      number: 'А-1',
      items: ['list-data', 'keys'],
      destroyedAt: clock.now().toISOString(),
      by: ['chair', 'secretary'],
      method: 'перезапись носителя',
    };
    const early = await call(chairman, 'POST', url, act);
    expectRefused(early, 409, 'DESTRUCTION_REFUSED');
    expect(early.body.message).toContain('RETENTION_NOT_OVER');
    const schedule = await call<{
      schedule: { item: string; disposal: { kind: string; notBefore?: string } }[];
    }>(chairman, 'GET', '/api/closing/retention');
    const keysEntry = schedule.body.schedule.find((e) => e.item === 'keys');
    expect(keysEntry?.disposal.kind).toBe('destroy');
    await moveClock(new Date(new Date(keysEntry?.disposal.notBefore ?? '').getTime() + 3_600_000));
    const done = await call(chairman, 'POST', url, { ...act, destroyedAt: clock.now().toISOString() });
    expect(done.status, JSON.stringify(done.body)).toBe(201);
    const again = await call(operator, 'POST', url, {
      ...act,
      number: 'А-2',
      items: ['keys'],
      destroyedAt: clock.now().toISOString(),
    });
    expectRefused(again, 409, 'DESTRUCTION_REFUSED');
    expect(again.body.message).toContain('ALREADY_DESTROYED');
    const minutes = await call(chairman, 'POST', url, {
      ...act,
      number: 'А-3',
      items: ['minutes-and-decisions'],
      destroyedAt: clock.now().toISOString(),
    });
    expectRefused(minutes, 422, 'DESTRUCTION_REFUSED');
    expect(minutes.body.message).toContain('NOT_DESTROYABLE');
    expectRefused(
      await call(chairman, 'POST', url, { ...act, destroyedAt: clock.now().toISOString() }),
      409,
      'DESTRUCTION_REFUSED',
    );
    const after = await call<{
      acts: { number: string }[];
      schedule: { item: string; destroyedBy?: string }[];
    }>(chairman, 'GET', '/api/closing/retention');
    expect(after.body.acts.map((a) => a.number)).toEqual(['А-1']);
    expect(after.body.schedule.find((e) => e.item === 'list-data')?.destroyedBy).toBe('А-1');
  });

  test('P-9.4 a workstation wipe is recorded with its due date, three working days after the end of the term', async () => {
    const r = await call<{ due: string; late: boolean }>(operator, 'POST', '/api/closing/workstation-wipes', {
      workstation: 'АРМ ТИК ДЭГ № 1',
      wipedAt: clock.now().toISOString(),
      method: 'гарантированное удаление',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    // Published on 20 September 2026 → term ends 30 September (Wednesday) → due by the end of 5 October.
    expect(r.body.due).toBe('2026-10-05T21:00:00.000Z');
    expect(r.body.late).toBe(true);
    expectRefused(
      await call(operator, 'POST', '/api/closing/workstation-wipes', {
        workstation: 'АРМ ТИК ДЭГ № 1',
        wipedAt: clock.now().toISOString(),
        method: 'повторно',
      }),
      409,
      'WIPE_EXISTS',
    );
    expect(
      (
        await call(chairman, 'POST', '/api/closing/workstation-wipes', {
          workstation: 'x',
          wipedAt: clock.now().toISOString(),
          method: 'y',
        })
      ).status,
    ).toBe(403);
  });
});

describe('the close in the ledger (issue 6)', () => {
  test('P-7.8 P-7.9 every public entry of the close is in the ledger exactly once, in order, in the formats observers read, and none names a participant', async () => {
    const outbox = await db.pool.query<{ seq: string; kind: string; entry: Buffer; ledger_index: string }>(
      `SELECT o.seq, o.kind, o.entry, f.ledger_index FROM closing_ledger o
         JOIN closing_ledger_forwarded f ON f.seq = o.seq ORDER BY o.seq`,
    );
    const all = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM closing_ledger');
    expect(outbox.rows.length).toBe(Number(all.rows[0]?.n));
    const size = log.ledger.checkpoint().size;
    const bytes = await log.ledger.readEntries(0, size);
    const text = bytes.map((b) => Buffer.from(b).toString('utf8'));
    let last = -1;
    for (const row of outbox.rows) {
      const index = Number(row.ledger_index);
      expect(index).toBeGreaterThan(last);
      last = index;
      expect(text[index]).toBe(row.entry.toString('utf8'));
      expect(text.filter((t) => t === row.entry.toString('utf8'))).toHaveLength(1);
    }
    const entries = bytes.map((b) => {
      const d = decodeEntry(b);
      if (!d.ok) throw new Error(d.error.message);
      return d.value;
    });
    const count = (type: string) => entries.filter((e) => e.type === type).length;
    // Three regions had ballots (16, 54 in main; 39 in late): a tally, a decryption, a result each.
    expect([count('tally'), count('decryption'), count('result'), count('final-lists')]).toEqual([
      3, 3, 3, 2,
    ]);
    expect(count('invalidation')).toBe(1);
    const protocol = entries.filter((e) => e.type === 'protocol');
    expect(protocol.map((e) => e.region).sort()).toEqual(['16', '39', '54']);
    const p16 = protocol.find((e) => e.region === '16');
    expect(p16?.lines).toEqual([
      { line: 1, value: 4 },
      { line: 2, value: 3 },
      { line: 3, value: 3 },
      { line: 4, value: 0 },
      { line: 5, value: 2, candidate: 'c1' },
      { line: 6, value: 1, candidate: 'c2' },
      { line: 7, value: 0, candidate: 'c3' },
    ]);
    for (const e of entries.filter((x) => x.type === 'result'))
      expect(Object.keys(e).sort()).toEqual(['result', 'type']);
    // Counts and public values only: no participant of any list is named.
    const ledgerText = text.join('\n');
    for (const p of Object.values(LISTS).flat()) {
      for (const value of [p.lastName, p.phone, p.passport.number, p.address, p.birthDate])
        expect(ledgerText.includes(value), value).toBe(false);
    }
    // The ledger alone gives the record, and it verifies.
    const report = await verifyRecord(recordFromLedgerEntries(entries));
    expect(
      report.checks.filter((c) => !c.ok),
      JSON.stringify(report.checks),
    ).toEqual([]);
    expect(report.ballots).toBe(6);
  });
});
