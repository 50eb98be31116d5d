// The election record from the ledger (issue 6) through the HTTP API: a real server on port 0, real
// PostgreSQL, the election's ledger on PostgreSQL. The manifest of a real election (packages/election
// simulation: key ceremony, issuers) is fixed as the keys slice fixes it (a ledger entry and its
// row); voters' ballots go through the ballot box; the commission closes the key group through the
// closing API (final lists signed by the chairman and the secretary, threshold decryption from two
// key-part files). Then GET /api/election/record gives an archive that `readRecord` reads and
// `verifyRecord` passes, built from the ledger alone; a tampered ballot in it fails check V.3.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { canonicalJson, sealKeyPart, type JsonValue } from '@opendeg/crypto';
import { ParticipantListStore, type ParticipantRecord } from '@opendeg/db';
import { useTestDatabase } from '@opendeg/db/testing';
import {
  createCommissionCa,
  generateSigningKeyPair,
  issueMemberCertificate,
  ManualClock,
  signDetached,
  type BallotSource,
  type ElectionConfig,
  type IssuedCertificate,
} from '@opendeg/deg';
import {
  readRecord,
  verifyRecord,
  writeRecordArchive,
  type BallotJson,
  type BallotStyleDef,
  type ElectionRecord,
  type Selection,
} from '@opendeg/election';
import { decodeEntry } from '@opendeg/ledger';
import {
  setUpElection,
  vote,
  type SimulatedElection,
} from '../../../packages/election/src/testing/simulate.ts';
import { storedClosingSources } from '../src/closing/stored-sources.ts';
import { readElectionConfigFile, storeElection } from '../src/elections/load-election.ts';
import { generateRegister, type RegisterAccount } from '../src/identity/register.ts';
import { Sessions, startServer, type Server } from './harness.ts';
import { openTestLedger, type TestLedger } from './keys-fixture.ts';

const db = useTestDatabase();
const base = readElectionConfigFile(fileURLToPath(new URL('../dev/election.json', import.meta.url)));
const config: ElectionConfig = { ...structuredClone(base), electionId: 'record-test' };
const clock = new ManualClock('2026-09-10T09:00:00Z');
/** Every region open: 12:00 in Moscow on the second day. */
const MIDDAY = '2026-09-19T09:00:00Z';
/** 20:30 in Moscow on the last day: voting over everywhere, the main group may close (20:15). */
const CLOSE = '2026-09-20T17:30:00Z';

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
    { id: 'c1', name: 'Кандидат Первый', info: '1970 года рождения' },
    { id: 'c2', name: 'Кандидат Второй', info: '1975 года рождения' },
    { id: 'c3', name: 'Кандидат Третий', info: '1980 года рождения' },
  ],
};
const VOTES: Record<string, Selection[]> = {
  '16': [['c1'], ['c1'], ['c2']],
  '54': ['blank'],
  '77': [['c3']],
};
const PASSPHRASES = ['первая часть ключа 1', 'вторая часть ключа 2', 'третья часть ключа 3'];

const register = generateRegister({ seed: 91, count: 4, referenceDate: new Date('2026-09-20T00:00:00Z') });
const [operator, chairman, secretary] = register as [RegisterAccount, RegisterAccount, RegisterAccount];

let server: Server;
let sim: SimulatedElection;
let log: TestLedger;
const sessions = new Sessions(() => server.baseUrl, [operator, chairman, secretary]);
const keys = new Map<string, { certificate: IssuedCertificate; privateKey: CryptoKey }>();
let dir: string;

let seq = 0;
function participant(precinct: string): ParticipantRecord {
  seq++;
  const k = String(seq).padStart(2, '0');
  return {
    id: `r-${k}`,
    lastName: 'Фамилия',
    firstName: 'Имя',
    middleName: 'Отчество',
    birthDate: `19${60 + seq}-01-1${seq % 10}`,
    address: `ул. Тестовая, д. ${seq}`,
    phone: `+7900555${k}${k}`,
    passport: { series: `93 ${k}`, number: `5550${k}` },
    precinct,
  };
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

async function getRecord(): Promise<{ status: number; size: string | null; file: string }> {
  const response = await fetch(`${server.baseUrl}/api/election/record`);
  const file = path.join(dir, `record-${Date.now()}-${Math.random()}.tar`);
  await writeFile(file, new Uint8Array(await response.arrayBuffer()));
  return { status: response.status, size: response.headers.get('x-ledger-size'), file };
}

/** The ledger's entries of a type, decoded. */
async function entries(type: string): Promise<Record<string, unknown>[]> {
  const size = log.ledger.checkpoint().size;
  const all = await log.ledger.readEntries(0, size);
  return all
    .map((b) => decodeEntry(b))
    .flatMap((d) => (d.ok && d.value.type === type ? [d.value as Record<string, unknown>] : []));
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'opendeg-record-test-'));
  const election = await storeElection(db.pool, config, clock.now());
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
  // The manifest fixed as the keys slice fixes it: its ledger entry first, then its row.
  log = await openTestLedger(db.newPool(), config.electionId);
  const canonical = canonicalJson(sim.manifest);
  const sha256 = createHash('sha256').update(canonical).digest('hex');
  const fixed = await log.ledger.append({
    type: 'manifest',
    sha256,
    manifest: sim.manifest as unknown as JsonValue,
  });
  if (!fixed.ok) throw new Error(fixed.error.message);
  await db.pool.query(
    `INSERT INTO election_manifests (election_id, manifest, sha256, ledger_index, fixed_at)
     VALUES ($1, $2, decode($3, 'hex'), $4, $5)`,
    [election.id, canonical, sha256, fixed.value.index, clock.now()],
  );
  const ca = await createCommissionCa({
    commonName: 'Учебный удостоверяющий центр',
    organisation: 'ЦИК России',
    validity: { notBefore: new Date('2026-09-01T00:00:00Z'), notAfter: new Date('2028-12-31T00:00:00Z') },
  });
  for (const m of config.commission.members) {
    const pair = await generateSigningKeyPair('ECDSA-P256');
    const certificate = await issueMemberCertificate(ca, {
      member: { id: m.id, fullName: m.fullName, role: m.role },
      organisation: 'ТИК ДЭГ',
      publicKey: pair.publicKey,
      validity: { notBefore: new Date('2026-09-01T00:00:00Z'), notAfter: new Date('2028-12-31T00:00:00Z') },
    });
    keys.set(m.id, { certificate, privateKey: pair.privateKey });
  }
  server = await startServer({
    clock,
    register,
    db: { pool: db.pool },
    roles: { election, bootstrapOperatorSub: operator.id },
    ballotBox: { log: log.ledger },
    closing: {
      sources: { ...storedClosingSources(db.pool, election.id), ballot: () => Promise.resolve(BALLOT) },
      trustedRoots: [ca.certificate.der],
    },
  });
  await sessions.logInAll();
  for (const [a, memberId, role] of [
    [chairman, 'chair', 'chairman'],
    [secretary, 'secretary', 'secretary'],
  ] as const) {
    const r = await sessions.call(operator, 'POST', '/api/admin/roles', { subject: a.id, role, memberId });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const c = await sessions.call(operator, 'POST', '/api/closing/certificates', {
      memberId,
      certificate: keys.get(memberId)?.certificate.pem,
    });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
  }
  // Lists with ballot access for every voter (P-3.8); the close checks cast ≤ issued.
  const store = new ParticipantListStore(db.pool, election.id);
  for (const [region, selections] of Object.entries(VOTES)) {
    const rows = selections.map(() => participant('1'));
    await store.importList(region, rows, { compiledAt: clock.now() });
    for (const p of rows) await store.grantBallotAccess(region, p.id, new Date('2026-09-18T09:00:00Z'));
  }
}, 180_000);

afterAll(async () => {
  await server.close();
  await log.ledger.close();
  await rm(dir, { recursive: true, force: true });
});

describe('P-10.10 the election record from the ledger (issue 6)', () => {
  test('before the manifest is in the ledger there is no record: 409 MANIFEST_NOT_FIXED, in Russian then English', async () => {
    const other = { ...structuredClone(config), electionId: 'record-test-empty' };
    const row = await storeElection(db.pool, other, clock.now());
    const empty = await openTestLedger(db.newPool(), other.electionId);
    const s = await startServer({
      clock,
      register,
      db: { pool: db.pool },
      roles: { election: row },
      ballotBox: { log: empty.ledger },
    });
    try {
      const r = await fetch(`${s.baseUrl}/api/election/record`);
      const body = (await r.json()) as { code: string; message: string };
      expect([r.status, body.code]).toEqual([409, 'MANIFEST_NOT_FIXED']);
      expect(body.message).toMatch(/^Запись о выборах .+ \/ The election record /);
    } finally {
      await s.close();
      await empty.ledger.close();
    }
  });

  test('with the manifest in the ledger and no ballot yet, the record is the manifest and nothing else', async () => {
    const r = await getRecord();
    expect(r.status).toBe(200);
    const record = await readRecord(r.file);
    expect(record.manifest).toEqual(JSON.parse(canonicalJson(sim.manifest)));
    expect(record.ballots).toEqual([]);
  });

  test('P-6.10 P-7.8 a closed election: GET the record, readRecord reads it, verifyRecord passes on it', async () => {
    await sessions.at(clock, MIDDAY, MIDDAY, async () => {
      for (const [region, selections] of Object.entries(VOTES)) {
        for (const s of selections) {
          const { ballot }: { ballot: BallotJson } = await vote(sim, region, [s]);
          const r = await fetch(`${server.baseUrl}/api/box/ballots`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(ballot),
          });
          expect(r.status, await r.text()).toBe(201);
        }
      }
    });
    // The close: final lists ordered and signed, threshold decryption with two parts of three.
    clock.set(CLOSE);
    await sessions.logInAll();
    const ordered = await sessions.call<{ document: string }>(
      chairman,
      'POST',
      '/api/closing/key-groups/main/final-lists',
    );
    expect(ordered.status, JSON.stringify(ordered.body)).toBe(201);
    const bytes = new Uint8Array(Buffer.from(ordered.body.document, 'base64'));
    const url = '/api/closing/key-groups/main/final-lists/signatures';
    for (const [a, id] of [
      [chairman, 'chair'],
      [secretary, 'secretary'],
    ] as const) {
      const s = await sessions.call(a, 'POST', url, { signature: await sign(id, bytes) });
      expect(s.status, JSON.stringify(s.body)).toBe(201);
    }
    const started = await sessions.call(chairman, 'POST', '/api/closing/key-groups/main/decryption', {
      mode: 'threshold',
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const parts = sim.parts.get('main') ?? [];
    for (const part of parts.slice(0, 2)) {
      const file = await sealKeyPart({
        metadata: {
          suite: sim.manifest.suite,
          electionId: sim.manifest.electionId,
          keyGroup: 'main',
          partIndex: part.index,
          n: 3,
          k: 2,
          holder: `holder-${part.index}`,
        },
        secret: sim.election.group.encodeScalar(part.secret),
        passphrase: PASSPHRASES[part.index - 1] ?? 'x',
        scrypt: { N: 1024, r: 8, p: 1 },
      });
      const r = await sessions.call(chairman, 'POST', '/api/closing/key-groups/main/decryption/key-parts', {
        file,
        passphrase: PASSPHRASES[part.index - 1],
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    // The close's entries are in the ledger, in the formats the observer node reads.
    expect((await entries('tally')).map((e) => (e.tally as { region: string }).region).sort()).toEqual([
      '16',
      '54',
      '77',
    ]);
    expect((await entries('final-lists'))[0]).toMatchObject({
      keyGroup: 'main',
      regions: [
        { region: '77', onList: 1, ballotsIssued: 1 },
        { region: '16', onList: 3, ballotsIssued: 3 },
        { region: '54', onList: 1, ballotsIssued: 1 },
      ],
    });
    expect(await entries('partial-decryption')).toHaveLength(2 * 3);
    expect(await entries('decryption')).toHaveLength(3);

    const r = await getRecord();
    expect(r.status).toBe(200);
    expect(Number(r.size)).toBe(log.ledger.checkpoint().size);
    const record = await readRecord(r.file);
    expect(record.ballots).toHaveLength(5);
    const report = await verifyRecord(record);
    expect(
      report.checks.filter((c) => !c.ok),
      JSON.stringify(report.checks),
    ).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.ballots).toBe(5);
    // The verified counts are what was cast: 16 has two votes for c1 and one for c2 (blank first).
    const r16 = report.verifiedResults.find((x) => x.region === '16');
    expect(r16?.counts).toEqual([[0, 2, 1, 0]]);
    const r54 = report.verifiedResults.find((x) => x.region === '54');
    expect(r54?.counts).toEqual([[1, 0, 0, 0]]);
  });

  test('V.3 one ballot of the archive tampered with: the verifier fails naming V.3 and the ballot', async () => {
    const record = await readRecord((await getRecord()).file);
    interface Mutable {
      ballots: { vote: { answers: { choices: { alpha: string }[] }[] } }[];
    }
    const tampered = structuredClone(record) as ElectionRecord & Mutable;
    const b = tampered.ballots[2];
    if (b === undefined) throw new Error('fixture: no third ballot');
    const other = tampered.ballots[0]?.vote.answers[0]?.choices[0]?.alpha;
    const choice = b.vote.answers[0]?.choices[0];
    if (other === undefined || choice === undefined) throw new Error('fixture: ballot shape');
    choice.alpha = other;
    const file = path.join(dir, 'tampered.tar');
    await writeRecordArchive(file, tampered);
    const report = await verifyRecord(await readRecord(file));
    expect(report.ok).toBe(false);
    const v3 = report.checks.find((c) => c.id === 'V.3');
    expect(v3?.ok).toBe(false);
    expect(v3?.failures.map((f) => f.where)).toContain('ballot #2');
    // The untampered archive still passes: the failure is the tampering's.
    expect((await verifyRecord(record)).ok).toBe(true);
  });
});
