// The identity side of voting (P-6.1–P-6.9, P-3.8) through the HTTP API: a real server on port 0,
// real PostgreSQL, the real OIDC stand-in login, codes read from the development SMS outbox, the
// device's side played with packages/election (requestCredential → finishCredential →
// verifyCredential under the issuer keys the manifest publishes), and time from a ManualClock.
//
// The training configuration (dev/election.json) with Kamchatka (UTC+12) and Kaliningrad (UTC+2)
// added, at 21:00 UTC on the eve of the first voting day: 09:00 on the first day in Kamchatka,
// 23:00 the day before in Kaliningrad.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dealKey, fromBase64, loadGroup, toBase64 } from '@opendeg/crypto';
import { ParticipantListStore, type ParticipantRecord } from '@opendeg/db';
import { useTestDatabase } from '@opendeg/db/testing';
import {
  EXCLUSION_TEXT,
  ManualClock,
  parseElectionConfig,
  RESEND_INTERVAL_MS,
  votingWindow,
  type ElectionConfig,
} from '@opendeg/deg';
import {
  encodeChallengeResponse,
  encodeElementHex,
  finishCredential,
  keyCeremonyContext,
  MANIFEST_FORMAT,
  openElection,
  parseManifest,
  requestCredential,
  verifyCredential,
  type Election,
} from '@opendeg/election';
import type { LoadedElection } from '../src/applications/deps.ts';
import { standInVoterRegister } from '../src/applications/voter-register.ts';
import { readElectionConfigFile, storeElection } from '../src/elections/load-election.ts';
import { generateRegister, type RegisterAccount } from '../src/identity/register.ts';
import { DevOutboxSms } from '../src/sms/dev-outbox.ts';
import { CONDITIONS_VERSION } from '../src/voting/conditions.ts';
import { IssuerKeys } from '../src/voting/issuer-keys.ts';
import type { VotingStatusView } from '../src/voting/routes.ts';
import { Browser, logIn, requestJson, startServer, type Server } from './harness.ts';

const db = useTestDatabase();
const base = readElectionConfigFile(fileURLToPath(new URL('../dev/election.json', import.meta.url)));
const parsed = parseElectionConfig({
  ...structuredClone(base),
  electionId: 'voting-test',
  keyGroups: [...base.keyGroups, { id: 'kaliningrad', closingNotBefore: '21:15' }],
  regions: [
    ...base.regions,
    {
      code: '41',
      name: { ru: 'Камчатский край', en: 'Kamchatka Krai' },
      timeZone: 'Asia/Kamchatka',
      keyGroup: 'main',
      languages: ['ru'],
      mode: 'standard',
      precincts: [{ number: '1', addresses: ['Камчатский край'] }],
    },
    {
      code: '39',
      name: { ru: 'Калининградская область', en: 'Kaliningrad Oblast' },
      timeZone: 'Europe/Kaliningrad',
      keyGroup: 'kaliningrad',
      languages: ['ru'],
      mode: 'standard',
      precincts: [{ number: '1', addresses: ['Калининградская область'] }],
    },
  ],
});
if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
const config: ElectionConfig = parsed.config;

const EVE = new Date('2026-09-17T21:00:00Z');
const clock = new ManualClock(EVE);
const PEPPER = new Uint8Array(32).fill(7);
const SECRET = new Uint8Array(32).fill(11);

const register = generateRegister({
  seed: 61,
  count: 12,
  referenceDate: new Date('2026-09-20T00:00:00Z'),
}).map((a, i) => ({
  ...a,
  accountConfirmed: true,
  phoneConfirmed: i !== 9,
  registerMatched: true,
  phone: `+7913555${String(i).padStart(4, '0')}`,
}));
const [kamchatka, kaliningrad, tatar1, tatar2, tatar3, racer, excludedVoter, outsider, malformed, noPhone] =
  register as [
    RegisterAccount,
    RegisterAccount,
    RegisterAccount,
    RegisterAccount,
    RegisterAccount,
    RegisterAccount,
    RegisterAccount,
    RegisterAccount,
    RegisterAccount,
    RegisterAccount,
  ];

let server: Server;
let election: LoadedElection;
let client: Election<unknown>;
let issuerKeys: IssuerKeys;
const outbox = () => new DevOutboxSms(db.pool, clock);
const participantIds = new Map<RegisterAccount, string>();
const browsers = new Map<RegisterAccount, Browser>();

const as = (a: RegisterAccount): Browser => {
  const b = browsers.get(a);
  if (b === undefined) throw new Error('not logged in');
  return b;
};
const call = <T = unknown>(a: RegisterAccount | Browser, method: string, url: string, body?: unknown) =>
  requestJson<T>(a instanceof Browser ? a : as(a), server.baseUrl, method, url, body);

interface Sent {
  sentTo: string;
  expiresAt: string;
  resendAfter: string;
}
interface Issued {
  region: string;
  blindSignature: string;
  issuedAt: string;
}

/** P-2.6: an accepted application, and a list row whose participant id is that application's id. */
function enrol(a: RegisterAccount, region: string): { id: string; participant: ParticipantRecord } {
  const id = randomUUID();
  participantIds.set(a, id);
  return {
    id,
    participant: {
      id,
      lastName: a.familyName,
      firstName: a.givenName,
      middleName: a.middleName,
      birthDate: a.birthDate,
      address: `${region === '41' ? 'Камчатский край' : 'Республика Татарстан'}, ул. Тестовая, д. 1`,
      phone: a.phone,
      passport: { series: a.passport.series, number: a.passport.number },
      precinct: '1',
    },
  };
}

async function acceptApplication(a: RegisterAccount, id: string, region: string): Promise<void> {
  await db.pool.query(
    `INSERT INTO applications (id, election_id, subject, region, precinct, status, full_name, birth_date,
       address, phone, passport_series, passport_number, filed_at, processed_at)
     VALUES ($1, $2, $3, $4, '1', 'accepted', $5, $6, 'адрес', $7, $8, $9, $10, $10)`,
    [
      id,
      election.id,
      a.id,
      region,
      `${a.familyName} ${a.givenName}`,
      a.birthDate,
      a.phone,
      a.passport.series.replace(' ', ''),
      a.passport.number,
      new Date('2026-08-01T10:00:00Z'),
    ],
  );
}

/** The latest code the outbox holds for the account's phone. */
async function latestCode(a: RegisterAccount): Promise<string> {
  const [message] = await outbox().latest(a.phone, 1);
  const code = /: (\d{6})\./.exec(message?.text ?? '')?.[1];
  if (code === undefined) throw new Error('no code in the outbox');
  return code;
}

/** Moves the clock, and logs everyone in again (a session lasts 30 minutes of the clock's time). */
async function moveTo(t: Date | string): Promise<void> {
  clock.set(t);
  for (const a of register) {
    const b = new Browser();
    await logIn(b, server.baseUrl, a.id);
    browsers.set(a, b);
  }
}

const wrong = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

/** Conditions confirmed, a code requested and entered: ready for the anonymisation. */
async function readyToSign(a: RegisterAccount | Browser, account: RegisterAccount): Promise<void> {
  expect((await call(a, 'POST', '/api/voting/conditions', { version: CONDITIONS_VERSION })).status).toBe(200);
  const sent = await call(a, 'POST', '/api/voting/code', {});
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  const confirmed = await call(a, 'POST', '/api/voting/code/confirm', { code: await latestCode(account) });
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
}

async function clientElection(keys: Map<string, string>): Promise<Election<unknown>> {
  const g = await loadGroup('ristretto255');
  const keyGroups = ['main', 'kaliningrad'].map((id) => {
    const { publicKey } = dealKey(g, keyCeremonyContext(config.electionId, 'ristretto255', id), {
      n: 2,
      k: 2,
    });
    return {
      id,
      threshold: publicKey.params,
      publicKey: encodeElementHex(g, publicKey.publicKey),
      commitments: publicKey.commitments.map((v) => v.map((e) => encodeElementHex(g, e))),
      proofs: publicKey.proofs.map((p) => encodeChallengeResponse(g, p)),
    };
  });
  const manifest = parseManifest({
    format: MANIFEST_FORMAT,
    electionId: config.electionId,
    kind: 'training',
    title: { ru: 'Тренировка' },
    suite: 'ristretto255',
    keyGroups,
    ballotStyles: [
      {
        id: 'federal',
        title: { ru: 'Бюллетень' },
        questions: [
          {
            id: 'q',
            text: { ru: 'Отметьте одного кандидата' },
            options: [
              { id: 'a', label: { ru: 'Кандидат А' } },
              { id: 'b', label: { ru: 'Кандидат Б' } },
            ],
            min: 1,
            max: 1,
            blank: false,
          },
        ],
      },
    ],
    regions: [...keys].map(([code, issuerKey]) => ({
      code,
      name: { ru: code },
      timeZone: config.regions.find((r) => r.code === code)?.timeZone ?? 'Europe/Moscow',
      keyGroup: code === '39' ? 'kaliningrad' : 'main',
      ballotStyle: 'federal',
      issuerKey,
    })),
  });
  return openElection(manifest);
}

beforeAll(async () => {
  election = await storeElection(db.pool, config, clock.now());
  issuerKeys = new IssuerKeys({ secret: SECRET, bits: 2048, clock });
  // What the manifest builder does before voting: the issuer keys of every region with a list.
  client = await clientElection(await issuerKeys.issuerPublicKeys(db.pool, election.id, ['16', '39', '41']));
  server = await startServer({
    clock,
    register,
    db: { pool: db.pool },
    applications: (accounts) => ({
      election,
      voterRegister: standInVoterRegister(accounts, config),
      sms: outbox(),
      codePepper: PEPPER,
    }),
    voting: () => ({ election, sms: outbox(), codePepper: PEPPER, issuerKeys }),
  });
  const lists: Record<string, [RegisterAccount, string][]> = {
    '41': [[kamchatka, '41']],
    '39': [[kaliningrad, '39']],
    '16': [tatar1, tatar2, tatar3, racer, excludedVoter, malformed, noPhone].map((a) => [a, '16']),
  };
  const store = new ParticipantListStore(db.pool, election.id);
  for (const [region, members] of Object.entries(lists)) {
    const rows: ParticipantRecord[] = [];
    for (const [a] of members) {
      const { id, participant } = enrol(a, region);
      await acceptApplication(a, id, region);
      rows.push(participant);
    }
    await store.importList(region, rows, { compiledAt: new Date('2026-09-17T10:00:00Z') });
  }
  await moveTo(EVE);
}, 120_000);
afterAll(async () => {
  await server.close();
});

describe('ballot access, end to end', () => {
  test('P-6.3 P-6.4 P-6.6 P-6.7 P-6.9 P-3.8 login → conditions → SMS code → blind signature; the credential verifies under the published issuer key', async () => {
    const status = await call<VotingStatusView>(kamchatka, 'GET', '/api/voting/status');
    expect(status.status).toBe(200);
    expect(status.body.access.code).toBe('ON_LIST');
    expect(status.body.region).toMatchObject({ code: '41', voting: 'open', timeZone: 'Asia/Kamchatka' });
    expect(status.body.region?.localTime).toBe('18.09.2026 09:00 (МСК+9)');
    expect(status.body.steps).toEqual({
      conditionsConfirmed: false,
      codeConfirmed: false,
      ballotIssued: false,
    });

    // P-6.6: the texts come Russian first; nothing goes on before they are confirmed.
    const conditions = await call<{ version: string; sections: { title: { ru: string; en: string } }[] }>(
      kamchatka,
      'GET',
      '/api/voting/conditions',
    );
    expect(conditions.body.version).toBe(CONDITIONS_VERSION);
    expect(conditions.body.sections.length).toBeGreaterThanOrEqual(3);
    expect(Object.keys(conditions.body.sections[0]?.title ?? {})).toEqual(['ru', 'en']);
    const early = await call(kamchatka, 'POST', '/api/voting/code', {});
    expect([early.status, early.body.code]).toEqual([409, 'CONDITIONS_NOT_CONFIRMED']);
    const stale = await call(kamchatka, 'POST', '/api/voting/conditions', { version: '0'.repeat(64) });
    expect([stale.status, stale.body.code]).toEqual([409, 'CONDITIONS_VERSION_MISMATCH']);
    const confirmed = await call(kamchatka, 'POST', '/api/voting/conditions', {
      version: CONDITIONS_VERSION,
    });
    expect(confirmed.status).toBe(200);

    // P-6.9 only after the code.
    const { blindedMessage, pending } = await requestCredential(client, '41');
    const body = { blindedMessage: toBase64(blindedMessage) };
    const noCode = await call(kamchatka, 'POST', '/api/voting/credential', body);
    expect([noCode.status, noCode.body.code]).toEqual([409, 'CODE_NOT_CONFIRMED']);

    // P-6.7: six digits by SMS to the account's phone, stored only as a MAC.
    const sent = await call<Sent>(kamchatka, 'POST', '/api/voting/code', {});
    expect(sent.status).toBe(200);
    expect(sent.body.sentTo).toBe(`+7 *** ***-**-${kamchatka.phone.slice(-2)}`);
    const code = await latestCode(kamchatka);
    expect(code).toMatch(/^\d{6}$/);
    const stored = await db.pool.query<{ row: string }>(
      "SELECT row_to_json(c)::text AS row FROM confirmation_codes c WHERE subject = $1 AND purpose = 'ballot-access'",
      [kamchatka.id],
    );
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0]?.row).not.toContain(code);
    const entered = await call(kamchatka, 'POST', '/api/voting/code/confirm', { code });
    expect(entered.status).toBe(200);
    expect((await call<VotingStatusView>(kamchatka, 'GET', '/api/voting/status')).body.steps).toEqual({
      conditionsConfirmed: true,
      codeConfirmed: true,
      ballotIssued: false,
    });

    // P-6.9: the blind signature unblinds into a credential the ballot box accepts.
    const issued = await call<Issued>(kamchatka, 'POST', '/api/voting/credential', body);
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    expect(issued.body.region).toBe('41');
    const credential = await finishCredential(client, pending, fromBase64(issued.body.blindSignature));
    expect(await verifyCredential(client, '41', credential.certificate)).toBe(true);
    // …in its own region only.
    expect(await verifyCredential(client, '16', credential.certificate)).toBe(false);

    // P-3.8: the list now shows the passport series and number; the counts moved.
    const store = new ParticipantListStore(db.pool, election.id);
    const row = (await store.page('41', { limit: 10 })).rows[0];
    expect(row?.ballotAccess).toContain(kamchatka.passport.number);
    expect(await store.counts('41')).toEqual({ onList: 1, ballotsIssued: 1 });

    // A reloaded page sends the same blinded message and gets the same signature; another is refused.
    const again = await call<Issued>(kamchatka, 'POST', '/api/voting/credential', body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(issued.body);
    const second = await requestCredential(client, '41');
    const other = await call(kamchatka, 'POST', '/api/voting/credential', {
      blindedMessage: toBase64(second.blindedMessage),
    });
    expect([other.status, other.body.code]).toEqual([409, 'BALLOT_ALREADY_ISSUED']);
    expect((await call<VotingStatusView>(kamchatka, 'GET', '/api/voting/status')).body.access.code).toBe(
      'BALLOT_ISSUED',
    );
    const moreCode = await call(kamchatka, 'POST', '/api/voting/code', {});
    expect([moreCode.status, moreCode.body.code]).toEqual([409, 'BALLOT_ALREADY_ISSUED']);
    expect(await store.counts('41')).toEqual({ onList: 1, ballotsIssued: 1 });

    // P-1.2: the identity side holds the blinded message and the blind signature, neither of which
    // is the credential the ballot box will see.
    const kept = await db.pool.query<{ row: string }>(
      'SELECT row_to_json(i)::text AS row FROM ballot_issuances i WHERE region = $1',
      ['41'],
    );
    expect(kept.rows).toHaveLength(1);
    const text = kept.rows[0]?.row ?? '';
    expect(text).not.toContain(credential.certificate.publicKey);
    expect(Buffer.from(fromBase64(credential.certificate.signature)).toString('hex')).not.toBe(
      Buffer.from(fromBase64(issued.body.blindSignature)).toString('hex'),
    );
  });

  test('P-6.1 P-6.2 at the same instant a voter in Kamchatka may get ballot access and one in Kaliningrad may not yet; after 20:00 local time nobody may', async () => {
    const k = await call<VotingStatusView>(kaliningrad, 'GET', '/api/voting/status');
    expect(k.body.region).toMatchObject({
      code: '39',
      voting: 'not-started',
      localTime: '17.09.2026 23:00 (МСК−1)',
      opensLocal: '18.09.2026 08:00 (МСК−1)',
      closesLocal: '20.09.2026 20:00 (МСК−1)',
    });
    const refused = await call(kaliningrad, 'POST', '/api/voting/conditions', {
      version: CONDITIONS_VERSION,
    });
    expect([refused.status, refused.body.code]).toEqual([409, 'VOTING_NOT_OPEN']);
    expect(refused.body.message).toContain('18.09.2026 08:00');
    // Kamchatka, the same instant: open (its voter got ballot access in the test above).
    expect((await call<VotingStatusView>(kamchatka, 'GET', '/api/voting/status')).body.region?.voting).toBe(
      'open',
    );

    // Kaliningrad opens at 08:00 its own time; one minute before it is still closed.
    const opens = votingWindow(config, '39').opens;
    expect(opens.toISOString()).toBe('2026-09-18T06:00:00.000Z');
    await moveTo(new Date(opens.getTime() - 60_000));
    expect(
      (await call(kaliningrad, 'POST', '/api/voting/conditions', { version: CONDITIONS_VERSION })).status,
    ).toBe(409);
    await moveTo(opens);
    expect(
      (await call(kaliningrad, 'POST', '/api/voting/conditions', { version: CONDITIONS_VERSION })).status,
    ).toBe(200);
    // P-6.8: tries end with the window, 20:00 local time on the last day.
    await moveTo(votingWindow(config, '39').closes);
    const late = await call(kaliningrad, 'POST', '/api/voting/code', {});
    expect([late.status, late.body.code]).toEqual([409, 'VOTING_ENDED']);
    expect((await call<VotingStatusView>(kaliningrad, 'GET', '/api/voting/status')).body.region?.voting).toBe(
      'ended',
    );
  });

  test('P-6.5 a voter not on the list gets no access, told so in Russian and English', async () => {
    const status = await call<VotingStatusView>(outsider, 'GET', '/api/voting/status');
    expect(status.status).toBe(200);
    expect(status.body.access.code).toBe('NOT_ON_LIST');
    expect(status.body.access.message.ru).toContain('не включены в список');
    expect(status.body.access.message.en).toContain('not on the list');
    expect(status.body.region).toBeUndefined();
    const { blindedMessage } = await requestCredential(client, '16');
    const attempts = [
      ['POST', '/api/voting/conditions', { version: CONDITIONS_VERSION }],
      ['POST', '/api/voting/code', {}],
      ['POST', '/api/voting/code/confirm', { code: '123456' }],
      ['POST', '/api/voting/credential', { blindedMessage: toBase64(blindedMessage) }],
    ] as const;
    for (const [method, url, body] of attempts) {
      const r = await call(outsider, method, url, body);
      expect([r.status, r.body.code], url).toEqual([422, 'NOT_ON_LIST']);
      expect(r.body.message).toMatch(/п\. 6\.5.*P-6\.5/);
    }
    // A voter on the list at the same moment is let in: the refusal is the list's, not the time's.
    await moveTo('2026-09-18T09:00:00Z');
    const onList = await call(tatar3, 'POST', '/api/voting/conditions', { version: CONDITIONS_VERSION });
    expect(onList.status).toBe(200);
  });

  test('P-3.4 P-6.5 an excluded participant is told the ground and gets no access', async () => {
    await moveTo('2026-09-18T09:00:00Z');
    const store = new ParticipantListStore(db.pool, election.id);
    await store.exclude('16', participantIds.get(excludedVoter) ?? '', {
      reason: 'LOST_SUFFRAGE',
      document: 'Решение суда № 2-1/2026',
      at: clock.now(),
      votingEnds: votingWindow(config, '16').closes,
    });
    const status = await call<VotingStatusView>(excludedVoter, 'GET', '/api/voting/status');
    expect(status.body.access.code).toBe('EXCLUDED');
    expect(status.body.exclusion).toEqual({ reason: 'LOST_SUFFRAGE', message: EXCLUSION_TEXT.LOST_SUFFRAGE });
    const r = await call(excludedVoter, 'POST', '/api/voting/conditions', { version: CONDITIONS_VERSION });
    expect([r.status, r.body.code]).toEqual([422, 'PARTICIPANT_EXCLUDED']);
    expect(r.body.message).toContain(EXCLUSION_TEXT.LOST_SUFFRAGE.ru);
    expect(r.body.message).toContain(EXCLUSION_TEXT.LOST_SUFFRAGE.en);
  });
});

describe('the confirmation code', () => {
  test('P-6.8 a new code at most once a minute, by the injected clock; the new code replaces the old one', async () => {
    await moveTo('2026-09-18T09:00:00Z');
    expect(
      (await call(tatar1, 'POST', '/api/voting/conditions', { version: CONDITIONS_VERSION })).status,
    ).toBe(200);
    expect((await call(tatar1, 'POST', '/api/voting/code', {})).status).toBe(200);
    const first = await latestCode(tatar1);
    const soon = await call(tatar1, 'POST', '/api/voting/code', {});
    expect([soon.status, soon.body.code, soon.body.retryAfterSeconds]).toEqual([429, 'RESEND_TOO_SOON', 60]);
    expect(soon.headers.get('retry-after')).toBe('60');
    clock.advance(RESEND_INTERVAL_MS - 1000);
    const still = await call(tatar1, 'POST', '/api/voting/code', {});
    expect([still.status, still.body.retryAfterSeconds]).toEqual([429, 1]);
    clock.advance(1000);
    const next = await call<Sent>(tatar1, 'POST', '/api/voting/code', {});
    expect(next.status).toBe(200);
    expect(next.body.resendAfter).toBe(new Date(clock.now().getTime() + RESEND_INTERVAL_MS).toISOString());
    const second = await latestCode(tatar1);
    if (second !== first) {
      const old = await call(tatar1, 'POST', '/api/voting/code/confirm', { code: first });
      expect([old.status, old.body.code]).toEqual([422, 'CODE_WRONG']);
    }
    expect((await call(tatar1, 'POST', '/api/voting/code/confirm', { code: second })).status).toBe(200);
  });

  test('P-6.8 five wrong entries kill a code; a new one can be requested a minute later and works', async () => {
    await moveTo('2026-09-18T09:00:00Z');
    expect(
      (await call(tatar2, 'POST', '/api/voting/conditions', { version: CONDITIONS_VERSION })).status,
    ).toBe(200);
    expect((await call(tatar2, 'POST', '/api/voting/code', {})).status).toBe(200);
    const code = await latestCode(tatar2);
    for (let left = 4; left >= 1; left--) {
      const r = await call(tatar2, 'POST', '/api/voting/code/confirm', { code: wrong(code) });
      expect([r.status, r.body.code, r.body.attemptsLeft]).toEqual([422, 'CODE_WRONG', left]);
    }
    const fifth = await call(tatar2, 'POST', '/api/voting/code/confirm', { code: wrong(code) });
    expect([fifth.status, fifth.body.code]).toEqual([422, 'CODE_TOO_MANY_WRONG']);
    const dead = await call(tatar2, 'POST', '/api/voting/code/confirm', { code });
    expect([dead.status, dead.body.code]).toEqual([422, 'CODE_TOO_MANY_WRONG']);
    expect((await call<VotingStatusView>(tatar2, 'GET', '/api/voting/status')).body.steps.codeConfirmed).toBe(
      false,
    );
    // Tries are limited only by the end of voting: a new code (after the minute), five more tries.
    clock.advance(RESEND_INTERVAL_MS);
    expect((await call(tatar2, 'POST', '/api/voting/code', {})).status).toBe(200);
    const fresh = await latestCode(tatar2);
    const miss = await call(tatar2, 'POST', '/api/voting/code/confirm', { code: wrong(fresh) });
    expect([miss.status, miss.body.attemptsLeft]).toEqual([422, 4]);
    expect((await call(tatar2, 'POST', '/api/voting/code/confirm', { code: fresh })).status).toBe(200);
  });

  test('P-6.8 an expired code is refused; a new one is sent on request and works', async () => {
    await moveTo('2026-09-18T09:00:00Z');
    // tatar3 confirmed the conditions in the P-6.5 test; a confirmation outlasts the login.
    const sent = await call<Sent>(tatar3, 'POST', '/api/voting/code', {});
    expect(sent.status).toBe(200);
    const code = await latestCode(tatar3);
    clock.set(sent.body.expiresAt);
    const late = await call(tatar3, 'POST', '/api/voting/code/confirm', { code });
    expect([late.status, late.body.code]).toEqual([422, 'CODE_EXPIRED']);
    expect((await call(tatar3, 'POST', '/api/voting/code', {})).status).toBe(200);
    expect(
      (await call(tatar3, 'POST', '/api/voting/code/confirm', { code: await latestCode(tatar3) })).status,
    ).toBe(200);
  });

  test('P-6.7 the code goes only to a confirmed phone of the account', async () => {
    await moveTo('2026-09-18T09:00:00Z');
    expect(
      (await call(noPhone, 'POST', '/api/voting/conditions', { version: CONDITIONS_VERSION })).status,
    ).toBe(200);
    const r = await call(noPhone, 'POST', '/api/voting/code', {});
    expect([r.status, r.body.code]).toEqual([422, 'PHONE_NOT_AVAILABLE']);
    expect(await outbox().latest(noPhone.phone)).toEqual([]);
  });
});

describe('the anonymisation', () => {
  test('P-6.9 one signature per participant, also when two requests race', async () => {
    await moveTo('2026-09-18T09:00:00Z');
    await readyToSign(racer, racer);
    const [a, b] = await Promise.all([requestCredential(client, '16'), requestCredential(client, '16')]);
    const results = await Promise.all(
      [a, b].map((x) =>
        call<Issued>(racer, 'POST', '/api/voting/credential', { blindedMessage: toBase64(x.blindedMessage) }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const winner = results.findIndex((r) => r.status === 201);
    const pending = [a, b][winner]?.pending;
    const won = results[winner];
    if (pending === undefined || won === undefined) throw new Error('no winner');
    const credential = await finishCredential(client, pending, fromBase64(won.body.blindSignature));
    expect(await verifyCredential(client, '16', credential.certificate)).toBe(true);
    const rows = await db.pool.query('SELECT 1 FROM ballot_issuances WHERE participant_id = $1', [
      participantIds.get(racer),
    ]);
    expect(rows.rowCount).toBe(1);
  });

  test('P-6.9 the code holds for the login session it was entered in; a malformed blinded message is refused and spends nothing', async () => {
    await moveTo('2026-09-18T09:00:00Z');
    await readyToSign(malformed, malformed);
    const { blindedMessage } = await requestCredential(client, '16');
    // Another login of the same account has not entered the code.
    const elsewhere = new Browser();
    await logIn(elsewhere, server.baseUrl, malformed.id);
    const other = await call(elsewhere, 'POST', '/api/voting/credential', {
      blindedMessage: toBase64(blindedMessage),
    });
    expect([other.status, other.body.code]).toEqual([409, 'CODE_NOT_CONFIRMED']);
    // Too short, and a representative not below the modulus (RFC 9474 §4.3 RSASP1 step 1).
    for (const bad of [blindedMessage.subarray(1), new Uint8Array(256).fill(0xff)]) {
      const r = await call(malformed, 'POST', '/api/voting/credential', { blindedMessage: toBase64(bad) });
      expect([r.status, r.body.code]).toEqual([422, 'BLINDED_MESSAGE_INVALID']);
    }
    const notBase64 = await call(malformed, 'POST', '/api/voting/credential', { blindedMessage: 'A' });
    expect([notBase64.status, notBase64.body.code]).toEqual([422, 'BLINDED_MESSAGE_INVALID']);
    expect((await call<VotingStatusView>(malformed, 'GET', '/api/voting/status')).body.access.code).toBe(
      'ON_LIST',
    );
    const ok = await call(malformed, 'POST', '/api/voting/credential', {
      blindedMessage: toBase64(blindedMessage),
    });
    expect(ok.status).toBe(201);
  });

  test('P-3.8 the database keeps an issuance only together with its ballot access (migration 014)', async () => {
    const c = await db.pool.connect();
    try {
      await c.query('BEGIN');
      await c.query(
        `INSERT INTO ballot_issuances (election_id, region, participant_id, blinded_message, blind_signature, issued_at)
         VALUES ($1, '16', $2, $3, $3, now())`,
        [election.id, participantIds.get(tatar3), Buffer.alloc(256, 1)],
      );
      const e = await c.query('COMMIT').catch((x: unknown) => x as { constraint?: string });
      expect((e as { constraint?: string }).constraint).toBe('ballot_issuances_access_recorded');
    } finally {
      c.release();
    }
    const update = await db.pool
      .query('UPDATE ballot_issuances SET issued_at = now()')
      .catch((x: unknown) => x);
    expect((update as { constraint?: string }).constraint).toBe('ballot_issuances_append_only');
  });

  test('P-6.6 migration 014: no code confirmation before the conditions, and each step complete', async () => {
    const insert = (values: unknown[]) =>
      db.pool
        .query(
          `INSERT INTO voting_steps (election_id, subject, conditions_version, conditions_confirmed_at,
             code_confirmed_at, code_session) VALUES ($1, $2, $3, $4, $5, $6)`,
          [election.id, `steps-${randomUUID()}`, ...values],
        )
        .then(
          () => 'ok',
          (e: unknown) => (e as { constraint?: string }).constraint,
        );
    const version = Buffer.alloc(32, 1);
    const session = 'A'.repeat(43);
    const t0 = new Date('2026-09-18T09:00:00Z');
    const t1 = new Date('2026-09-18T09:01:00Z');
    expect(await insert([null, null, t1, session])).toBe('voting_steps_conditions_before_code');
    expect(await insert([version, t1, t0, session])).toBe('voting_steps_conditions_before_code');
    expect(await insert([version, null, null, null])).toBe('voting_steps_conditions_complete');
    expect(await insert([version, t0, t1, null])).toBe('voting_steps_code_complete');
    expect(await insert([version, t0, t1, 'short'])).toBe('voting_steps_code_session_format');
    expect(await insert([Buffer.alloc(31), t0, null, null])).toBe('voting_steps_conditions_version_length');
    expect(await insert([version, t0, t1, session])).toBe('ok');
  });

  test('the OpenAPI document lists every voting route', async () => {
    const doc = (await (await fetch(`${server.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(
      Object.keys(doc.paths)
        .filter((p) => p.startsWith('/api/voting/'))
        .sort(),
    ).toEqual([
      '/api/voting/code',
      '/api/voting/code/confirm',
      '/api/voting/conditions',
      '/api/voting/credential',
      '/api/voting/status',
    ]);
  });

  test('no account id, phone, code or blinded message reaches the log or an audit row', async () => {
    const audit = await db.pool.query<{ action: string; disposition: string; details: unknown }>(
      "SELECT action, disposition, details FROM audit_events WHERE action LIKE 'voting.%' OR action LIKE 'ballot.%'",
    );
    const actions = new Set(audit.rows.map((r) => `${r.action} ${r.disposition}`));
    for (const a of ['ballot.issue success', 'voting.code.issue success', 'voting.code.check failure'])
      expect(actions, a).toContain(a);
    // The lines of the voting requests, without pino's clock fields (digits an account id may match).
    const requests = new Set(
      server.logs
        .filter((l) => l.includes('/api/voting/'))
        .map((l) => (JSON.parse(l) as { reqId?: string }).reqId),
    );
    const lines = server.logs
      .filter((l) => requests.has((JSON.parse(l) as { reqId?: string }).reqId))
      .map((l) => l.replace(/"(time|responseTime)":[0-9.]+/g, ''));
    expect(lines.some((l) => l.includes('"event":"ballot.issued"'))).toBe(true);
    const text = `${JSON.stringify(audit.rows)}\n${lines.join('\n')}`;
    for (const a of register) {
      const at = text.indexOf(a.id);
      expect(at, text.slice(Math.max(0, at - 200), at + 100)).toBe(-1);
      expect(text).not.toContain(a.phone);
      expect(text).not.toContain(a.phone.slice(1));
    }
    const codes = await db.pool.query<{ text: string }>('SELECT text FROM sms_outbox');
    for (const { text: sms } of codes.rows) {
      const code = /: (\d{6})\./.exec(sms)?.[1] ?? '';
      expect(text).not.toContain(`"${code}"`);
    }
    const issued = await db.pool.query<{ b: Buffer }>('SELECT blinded_message AS b FROM ballot_issuances');
    for (const { b } of issued.rows) expect(text).not.toContain(b.toString('base64').slice(0, 40));
  });
});
