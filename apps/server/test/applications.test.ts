// P-2.1–P-2.8 through the HTTP API: a real server on port 0, real PostgreSQL, the real OIDC
// stand-in login, SMS codes read from the development outbox, time from a ManualClock positioned
// in the training configuration's filing window (dev/election.json). Also: the election
// configuration is loaded with its canonical SHA-256, and no personal data reach logs or audit rows.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { useTestDatabase } from '@opendeg/db/testing';
import { canonicalJsonBytes } from '@opendeg/crypto';
import { ManualClock } from '@opendeg/deg';
import type { ApplicationView, ErrorBody, HealthBody } from '../src/api.ts';
import type { ApplicationsDeps, LoadedElection } from '../src/applications/deps.ts';
import { processApplications } from '../src/applications/processing.ts';
import { recordPlaceOfStay } from '../src/applications/store.ts';
import { formatAddress, standInVoterRegister } from '../src/applications/voter-register.ts';
import {
  ElectionConfigError,
  readElectionConfigFile,
  storeElection,
} from '../src/elections/load-election.ts';
import { generateRegister, REGIONS, type RegisterAccount } from '../src/identity/register.ts';
import { DevOutboxSms } from '../src/sms/dev-outbox.ts';
import { SmsGatewayError } from '../src/sms/sms-gateway.ts';
import { Browser, logIn, requestJson, startServer, type ApiResult, type Server } from './harness.ts';

const db = useTestDatabase();
const CONFIG_FILE = fileURLToPath(new URL('../dev/election.json', import.meta.url));
const config = readElectionConfigFile(CONFIG_FILE);
const PEPPER = new Uint8Array(32).fill(7);
const OPERATOR_TOKEN = 'operator-token-for-tests-0123456789';
// 12:00 Moscow time on 10 August 2026: inside the filing window (29 July – 14 September).
const IN_WINDOW = '2026-08-10T09:00:00Z';
const clock = new ManualClock(IN_WINDOW);

// The stand-in's register, shaped so that each test has the voter it needs. All are adults whose
// flags are set unless said otherwise.
const register = generateRegister({ seed: 2026, count: 24, referenceDate: new Date('2026-09-20T00:00:00Z') });
let next = 0;
function voter(
  shape: { region?: string; city?: string; birthDate?: string } & Partial<
    Pick<RegisterAccount, 'accountConfirmed' | 'phoneConfirmed' | 'registerMatched'>
  > = {},
): RegisterAccount {
  const account = register[next++];
  if (account === undefined) throw new Error('register too small');
  const code = shape.region ?? '16';
  const region = REGIONS.find((r) => r.code === code);
  if (region === undefined) throw new Error(`no region ${code}`);
  account.address.regionCode = code;
  account.address.region = region.name;
  account.address.city = shape.city ?? (code === '77' ? region.name : 'Казань');
  account.birthDate = shape.birthDate ?? '1980-05-01';
  account.accountConfirmed = shape.accountConfirmed ?? true;
  account.phoneConfirmed = shape.phoneConfirmed ?? true;
  account.registerMatched = shape.registerMatched ?? true;
  return account;
}

const voters = {
  codes: voter(),
  window: voter(),
  unconfirmedAccount: voter({ accountConfirmed: false }),
  unconfirmedPhone: voter({ phoneConfirmed: false }),
  unmatched: voter({ registerMatched: false }),
  moscow: voter({ region: '77' }),
  noRemoteVoting: voter({ region: '52', city: 'Нижний Новгород' }),
  minor: voter({ birthDate: '2008-09-21' }),
  placeOfStay: voter(),
  withdraws: voter(),
  inside: voter({ region: '54', city: 'Новосибирск' }),
  outside: voter({ region: '54', city: 'Искитим' }),
  racer: voter(),
  gatewayDown: voter(),
};

let server: Server;
let election: LoadedElection;
let outbox: DevOutboxSms;

function applicationsDeps(accounts: RegisterAccount[]): ApplicationsDeps {
  return {
    election,
    voterRegister: standInVoterRegister(accounts, config),
    sms: outbox,
    codePepper: PEPPER,
    operatorToken: OPERATOR_TOKEN,
  };
}

beforeAll(async () => {
  election = await storeElection(db.pool, config, clock.now());
  outbox = new DevOutboxSms(db.pool, clock);
  server = await startServer({ clock, register, db: { pool: db.pool }, applications: applicationsDeps });
});
afterAll(async () => {
  await server.close();
});

type Result<T> = ApiResult<T>;

const call = <T = ErrorBody>(
  browser: Browser,
  method: string,
  url: string,
  body?: unknown,
): Promise<Result<T>> => requestJson<T>(browser, server.baseUrl, method, url, body);

async function session(account: RegisterAccount): Promise<Browser> {
  const browser = new Browser();
  await logIn(browser, server.baseUrl, account.id);
  return browser;
}

/** The code of the latest SMS to the voter's phone, as the development route shows it. */
async function lastCode(account: RegisterAccount): Promise<string> {
  const response = await fetch(`${server.baseUrl}/dev/sms?phone=${encodeURIComponent(account.phone)}`);
  expect(response.status).toBe(200);
  const { messages } = (await response.json()) as { messages: { text: string }[] };
  const code = /\b(\d{6})\b/.exec(messages[0]?.text ?? '')?.[1];
  if (code === undefined) throw new Error('no code in the outbox');
  return code;
}

const requestCode = (b: Browser) =>
  call<{ sentTo: string; resendAfter: string }>(b, 'POST', '/api/applications/code', {});
const file = (b: Browser, code: string) =>
  call<{ application: ApplicationView }>(b, 'POST', '/api/applications', { code });
const statusOf = (b: Browser) =>
  call<{ electionId: string; applications: ApplicationView[] }>(b, 'GET', '/api/applications/status');

/** Code and filing, the voter's whole path to a submitted application. */
async function fileApplication(b: Browser, account: RegisterAccount): Promise<ApplicationView> {
  const sent = await requestCode(b);
  expect(sent.status).toBe(200);
  const filed = await file(b, await lastCode(account));
  expect(filed.status).toBe(201);
  return filed.body.application;
}

function otherCode(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

describe('election configuration', () => {
  test('the configuration is stored with the SHA-256 of its RFC 8785 canonical JSON, once', async () => {
    const expected = createHash('sha256').update(canonicalJsonBytes(config)).digest('hex');
    expect(election.sha256Hex).toBe(expected);
    const row = await db.pool.query<{ kind: string; sha: string }>(
      "SELECT kind, encode(config_sha256, 'hex') AS sha FROM elections WHERE id = $1",
      [config.electionId],
    );
    expect(row.rows).toEqual([{ kind: 'training', sha: expected }]);
    // Loading the same file again changes nothing; a changed configuration under the id is refused.
    await storeElection(db.pool, config, clock.now());
    const changed = { ...config, title: { ru: 'Другая тренировка' } };
    await expect(storeElection(db.pool, changed, clock.now())).rejects.toBeInstanceOf(ElectionConfigError);
    const audit = await db.pool.query<{ disposition: string }>(
      "SELECT disposition FROM audit_events WHERE action = 'election.load' ORDER BY id",
    );
    expect(audit.rows.map((r) => r.disposition)).toEqual(['success', 'failure']);
  });

  test('an invalid configuration file is refused with every problem listed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opendeg-config-'));
    const bad = path.join(dir, 'bad.json');
    const broken = structuredClone(config) as unknown as {
      schedule: { applications: { closes: string } };
      regions: { timeZone: string }[];
    };
    broken.schedule.applications.closes = '2026-07-01T00:00';
    broken.regions[2]!.timeZone = 'Asia/Atlantis';
    fs.writeFileSync(bad, JSON.stringify(broken));
    const notJson = path.join(dir, 'not.json');
    fs.writeFileSync(notJson, '{');
    try {
      let error: unknown;
      try {
        readElectionConfigFile(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ElectionConfigError);
      const problems = (error as ElectionConfigError).problems;
      expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('/regions/2/timeZone')]));
      expect((error as Error).message).toContain('/regions/2/timeZone');
      expect(() => readElectionConfigFile(notJson)).toThrow(/not JSON/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('/health checks the database', async () => {
    const response = await fetch(`${server.baseUrl}/health`);
    const body = (await response.json()) as HealthBody;
    expect(body.checks.db?.status).toBe('ok');
  });
});

describe('P-2.3 confirmation code', () => {
  test('P-2.3 filing needs a code: none, wrong (CODE_WRONG), five wrong (CODE_TOO_MANY_WRONG), resend within a minute refused', async () => {
    clock.set(IN_WINDOW);
    const account = voters.codes;
    const b = await session(account);
    expect((await file(b, '123456')).body.code).toBe('NO_CODE');

    const sent = await requestCode(b);
    expect(sent.status).toBe(200);
    expect(sent.body.sentTo).toBe(`+7 *** ***-**-${account.phone.slice(-2)}`);
    const again = await requestCode(b);
    expect(again.status).toBe(429);
    expect(again.body).toMatchObject({ code: 'RESEND_TOO_SOON', retryAfterSeconds: 60 });
    expect(again.headers.get('retry-after')).toBe('60');

    const code = await lastCode(account);
    const wrong = otherCode(code);
    for (const attemptsLeft of [4, 3, 2, 1]) {
      const r = await file(b, wrong);
      expect(r.status).toBe(422);
      expect(r.body).toMatchObject({ code: 'CODE_WRONG', attemptsLeft });
      expect(r.body.message).toMatch(/^Неверный код.* \/ Wrong confirmation code/);
    }
    expect((await file(b, wrong)).body.code).toBe('CODE_TOO_MANY_WRONG');
    // Spent: even the right code no longer helps; only a new code does, a minute later.
    expect((await file(b, code)).body.code).toBe('CODE_TOO_MANY_WRONG');
    clock.advance(30_000);
    expect((await requestCode(b)).body).toMatchObject({ code: 'RESEND_TOO_SOON', retryAfterSeconds: 30 });
    clock.advance(30_000);
    expect((await requestCode(b)).status).toBe(200);
    const fresh = await lastCode(account);
    const filed = await file(b, fresh);
    expect(filed.status).toBe(201);
    expect(filed.body.application).toMatchObject({
      status: 'submitted',
      electionId: config.electionId,
      region: '16',
      precinct: '1',
    });
    // A used code is not a second filing.
    expect((await file(b, fresh)).body.code).toBe('APPLICATION_REFUSED');
    const codes = await db.pool.query<{ wrong_entries: number; used: boolean }>(
      'SELECT wrong_entries, used FROM confirmation_codes WHERE subject = $1',
      [account.id],
    );
    expect(codes.rows).toEqual([{ wrong_entries: 0, used: true }]);
  });
});

describe('P-2.2 filing window', () => {
  test('P-2.2 before the window opens and after it closes (Moscow time) filing is refused with FILING_CLOSED', async () => {
    // 23:59 on 28 July in Moscow is still before the window.
    clock.set('2026-07-28T20:59:00Z');
    const before = await session(voters.window);
    const early = await requestCode(before);
    expect(early.status).toBe(422);
    expect(early.body.refusals?.map((r) => r.code)).toEqual(['FILING_CLOSED']);
    // 00:00 on 15 September in Moscow: the window (until 14 September 24:00) has closed.
    clock.set('2026-09-14T21:00:00Z');
    const after = await session(voters.window);
    const late = await file(after, '123456');
    expect(late.status).toBe(422);
    expect(late.body.refusals?.map((r) => r.code)).toEqual(['FILING_CLOSED']);
    // One minute earlier it is open.
    clock.set('2026-09-14T20:59:00Z');
    const inTime = await session(voters.window);
    expect((await requestCode(inTime)).status).toBe(200);
  });
});

describe('seed 003 refusals through the API', () => {
  const cases: [string, () => RegisterAccount, string][] = [
    ['unconfirmed account', () => voters.unconfirmedAccount, 'ACCOUNT_NOT_CONFIRMED'],
    ['unconfirmed phone', () => voters.unconfirmedPhone, 'PHONE_NOT_CONFIRMED'],
    ['data not matched to the register', () => voters.unmatched, 'NOT_MATCHED_TO_REGISTER'],
    ['Moscow (its own mode)', () => voters.moscow, 'MOSCOW_NO_APPLICATION_NEEDED'],
    ['region without remote voting', () => voters.noRemoteVoting, 'REGION_WITHOUT_REMOTE_VOTING'],
    ['under 18 on the last voting day', () => voters.minor, 'UNDER_18'],
  ];
  test.each(cases)('P-2.3 seed 003: %s is refused with its own reason', async (_name, who, reason) => {
    clock.set(IN_WINDOW);
    const account = who();
    const b = await session(account);
    for (const r of [await requestCode(b), await file(b, '123456')]) {
      expect(r.status).toBe(422);
      expect(r.body.code).toBe('APPLICATION_REFUSED');
      expect(r.body.refusals?.map((x) => x.code)).toEqual([reason]);
      expect(r.body.refusals?.[0]?.message.ru).toMatch(/[а-я]/);
      expect(r.body.refusals?.[0]?.message.en).toMatch(/[a-z]/);
    }
    // No code went out for a filing the rules refuse.
    const sms = await db.pool.query('SELECT 1 FROM sms_outbox WHERE phone = $1', [account.phone]);
    expect(sms.rowCount).toBe(0);
  });

  test('seed 003: several reasons at once are all returned', async () => {
    clock.set('2026-09-15T12:00:00Z');
    const b = await session(voters.unconfirmedAccount);
    const r = await file(b, '123456');
    expect(r.body.refusals?.map((x) => x.code)).toEqual(['ACCOUNT_NOT_CONFIRMED', 'FILING_CLOSED']);
  });

  test('seed 003: an application already pending is refused with APPLICATION_EXISTS', async () => {
    clock.set(IN_WINDOW);
    const b = await session(voters.codes);
    const r = await requestCode(b);
    expect(r.status).toBe(422);
    expect(r.body.refusals?.map((x) => x.code)).toEqual(['APPLICATION_EXISTS']);
  });

  test('seed 003: a place-of-stay application already filed is refused with PLACE_OF_STAY_FILED', async () => {
    clock.set(IN_WINDOW);
    await recordPlaceOfStay(db.pool, config.electionId, voters.placeOfStay.id, clock.now());
    const b = await session(voters.placeOfStay);
    const r = await file(b, '123456');
    expect(r.status).toBe(422);
    expect(r.body.refusals?.map((x) => x.code)).toEqual(['PLACE_OF_STAY_FILED']);
  });

  test('P-2.3 filing needs a logged-in voter', async () => {
    const r = await file(new Browser(), '123456');
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('UNAUTHENTICATED');
    // Access is checked before the body is read: an anonymous caller learns nothing of the schema.
    expect((await call(new Browser(), 'POST', '/api/applications', { code: '12' })).body.code).toBe(
      'UNAUTHENTICATED',
    );
    const b = await session(voters.placeOfStay);
    expect((await call(b, 'POST', '/api/applications', { code: '12' })).body.code).toBe('VALIDATION_FAILED');
  });
});

describe('seed 003 in the database', () => {
  test('seed 003: two filings at once with the same code give one application', async () => {
    clock.set(IN_WINDOW);
    const b = await session(voters.racer);
    expect((await requestCode(b)).status).toBe(200);
    const code = await lastCode(voters.racer);
    const results = await Promise.all([file(b, code), file(b, code), file(b, code)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 422, 422]);
    const rows = await db.pool.query(
      "SELECT 1 FROM applications WHERE subject = $1 AND status = 'submitted'",
      [voters.racer.id],
    );
    expect(rows.rowCount).toBe(1);
  });

  test('the application routes are in the OpenAPI document with their response schemas', async () => {
    const doc = (await (await fetch(`${server.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(Object.keys(doc.paths['/api/applications']?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(['201', '4XX', '5XX']),
    );
    for (const path of [
      '/api/applications/code',
      '/api/applications/withdraw',
      '/api/applications/status',
      '/api/operator/applications/process',
      '/dev/sms',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });
});

describe('P-2.5 withdrawal', () => {
  test('P-2.5 withdraw, then file again within the window; after the deadline withdrawal is refused', async () => {
    clock.set(IN_WINDOW);
    const account = voters.withdraws;
    const b = await session(account);
    const first = await fileApplication(b, account);
    const withdrawn = await call<{ application: ApplicationView }>(
      b,
      'POST',
      '/api/applications/withdraw',
      {},
    );
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.application).toMatchObject({ id: first.id, status: 'withdrawn' });
    const nothing = await call(b, 'POST', '/api/applications/withdraw', {});
    expect(nothing.status).toBe(404);
    expect(nothing.body.code).toBe('NO_APPLICATION');

    clock.advance(60_000);
    const second = await fileApplication(b, account);
    expect(second.id).not.toBe(first.id);

    clock.set('2026-09-15T09:00:00Z');
    const late = await session(account);
    const refused = await call(late, 'POST', '/api/applications/withdraw', {});
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('WITHDRAWAL_CLOSED');

    const feed = await statusOf(late);
    expect(feed.body.applications.map((a) => [a.id, a.status])).toEqual([
      [second.id, 'submitted'],
      [first.id, 'withdrawn'],
    ]);
  });
});

describe('P-2.6 / P-2.7 processing and P-2.8 status', () => {
  test('P-2.6 processing accepts an address inside the recorded precinct and rejects one outside; P-2.7 the place-of-stay application goes to the unaccounted register with the note', async () => {
    clock.set(IN_WINDOW);
    const inside = await session(voters.inside);
    const outside = await session(voters.outside);
    const accepted = await fileApplication(inside, voters.inside);
    const rejected = await fileApplication(outside, voters.outside);
    // The inside voter's place-of-stay application arrives after the remote-voting one (P-2.7).
    const placeId = await recordPlaceOfStay(db.pool, config.electionId, voters.inside.id, clock.now());

    const denied = await fetch(`${server.baseUrl}/api/operator/applications/process`, {
      method: 'POST',
      headers: { authorization: 'Bearer wrong' },
    });
    expect(denied.status).toBe(401);
    expect(((await denied.json()) as ErrorBody).code).toBe('OPERATOR_UNAUTHORIZED');

    const submitted = await db.pool.query("SELECT 1 FROM applications WHERE status = 'submitted'");
    clock.set('2026-08-11T00:00:00Z');
    const run = await fetch(`${server.baseUrl}/api/operator/applications/process`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    expect(run.status).toBe(200);
    const report = (await run.json()) as {
      processed: number;
      rejected: number;
      unaccountedPlaceOfStay: number;
    };
    expect(report.processed).toBe(submitted.rowCount);
    expect(report.rejected).toBe(1);
    expect(report.unaccountedPlaceOfStay).toBe(1);
    // The next daily run finds nothing left.
    expect(await processApplications(db.pool, election, clock.now())).toEqual({
      processed: 0,
      accepted: 0,
      rejected: 0,
      unaccountedPlaceOfStay: 0,
    });

    const register = await db.pool.query<{ application_id: string; note: string }>(
      'SELECT application_id, note FROM unaccounted_place_of_stay WHERE place_of_stay_id = $1',
      [placeId],
    );
    expect(register.rows).toEqual([{ application_id: accepted.id, note: 'подано заявление ДЭГ' }]);

    // P-2.8: each voter sees the outcome in their account.
    const insideFeed = await statusOf(await session(voters.inside));
    expect(insideFeed.status).toBe(200);
    expect(insideFeed.body.applications).toEqual([
      expect.objectContaining({
        id: accepted.id,
        status: 'accepted',
        statusText: { ru: 'Учтено', en: 'Accepted' },
        processedAt: '2026-08-11T00:00:00.000Z',
      }),
    ]);
    const outsideFeed = await statusOf(await session(voters.outside));
    const seen = outsideFeed.body.applications[0];
    expect(seen).toMatchObject({
      id: rejected.id,
      status: 'rejected',
      rejection: { code: 'ADDRESS_OUTSIDE_PRECINCT' },
    });
    expect(seen?.rejection?.message.ru).toContain('вне границ');
    expect(seen).not.toHaveProperty('address');
  });

  test('P-3.7 P-2.8 an accepted voter is told they may vote only remotely; a rejected one is not', async () => {
    const inside = await statusOf(await session(voters.inside));
    const notice = inside.body.applications[0]?.notice;
    expect(notice?.ru).toContain('только дистанционно');
    expect(notice?.ru).toContain('на бумажном носителе');
    expect(notice?.en).toContain('only remotely');
    const outside = await statusOf(await session(voters.outside));
    expect(outside.body.applications[0]?.status).toBe('rejected');
    expect(outside.body.applications[0]).not.toHaveProperty('notice');
  });

  test('P-2.8 the status feed needs a login and is empty for a voter who never filed', async () => {
    clock.set(IN_WINDOW);
    expect((await statusOf(new Browser())).status).toBe(401);
    const feed = await statusOf(await session(voters.moscow));
    expect(feed.body).toEqual({ electionId: config.electionId, applications: [] });
  });
});

describe('personal data', () => {
  test('P-2.4 the application holds the personal data; the server log and audit_events hold none of it', async () => {
    const filed = [voters.codes, voters.withdraws, voters.inside, voters.outside];
    const stored = await db.pool.query<{
      full_name: string;
      phone: string;
      passport_number: string;
      address: string;
    }>('SELECT full_name, phone, passport_number, address FROM applications WHERE subject = $1 LIMIT 1', [
      voters.inside.id,
    ]);
    expect(stored.rows[0]).toEqual({
      full_name: `${voters.inside.familyName} ${voters.inside.givenName} ${voters.inside.middleName}`,
      phone: voters.inside.phone,
      passport_number: voters.inside.passport.number,
      address: formatAddress(voters.inside.address),
    });
    const audit = await db.pool.query<{ details: unknown }>('SELECT details FROM audit_events');
    const auditText = JSON.stringify(audit.rows);
    const logText = server.logs.join('\n');
    expect(logText).toContain('"event":"application.submitted"');
    for (const account of filed) {
      const secrets = [
        account.familyName,
        `${account.familyName} ${account.givenName}`,
        account.phone,
        account.phone.slice(1),
        `${account.passport.series}${account.passport.number}`,
        account.passport.number,
        account.address.street,
      ];
      for (const secret of secrets) {
        expect(logText, 'server log').not.toContain(secret);
        expect(auditText, 'audit_events').not.toContain(secret);
      }
      expect(auditText, 'audit_events').not.toContain(`"${account.id}"`);
    }
  });
});

describe('SMS delivery', () => {
  test('P-2.3 a gateway that fails gives SMS_GATEWAY_FAILED and records no code, so the voter may ask again at once', async () => {
    clock.set(IN_WINDOW);
    const failing = await startServer({
      clock,
      register,
      db: { pool: db.pool },
      applications: (accounts) => ({
        ...applicationsDeps(accounts),
        sms: { send: () => Promise.reject(new SmsGatewayError('SMS gateway answered 503')) },
      }),
    });
    try {
      const b = new Browser();
      await logIn(b, failing.baseUrl, voters.gatewayDown.id);
      const response = await b.request(`${failing.baseUrl}/api/applications/code`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(response.status).toBe(502);
      expect(((await response.json()) as ErrorBody).code).toBe('SMS_GATEWAY_FAILED');
      const codes = await db.pool.query('SELECT 1 FROM confirmation_codes WHERE subject = $1', [
        voters.gatewayDown.id,
      ]);
      expect(codes.rowCount).toBe(0);
      expect((await requestCode(await session(voters.gatewayDown))).status).toBe(200);
    } finally {
      await failing.close();
    }
  });

  test('the development SMS route does not exist in production', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    try {
      const production = await startServer({
        clock,
        register,
        db: { pool: db.pool },
        applications: applicationsDeps,
      });
      try {
        const r = await fetch(
          `${production.baseUrl}/dev/sms?phone=${encodeURIComponent(voters.codes.phone)}`,
        );
        expect(r.status).toBe(404);
      } finally {
        await production.close();
      }
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
