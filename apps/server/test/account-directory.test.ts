// P-10.9 with an external OIDC provider: a portal observer needs a confirmed account, and an external
// provider says so only in the `trusted` claim at login. Two real servers on port 0: A runs the
// identity stand-in (a real OIDC provider, oidc-provider), B is configured with A as its *external*
// provider, with real PostgreSQL. A browser logs in at B through A's pages; A's redirect to the
// registered callback (A's origin, as the stand-in registers it) is carried to B's callback, as a
// reverse proxy in front of both would. B records each login's claim (LoginAccountDirectory) and
// the operator's appointment reads it.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useTestDatabase } from '@opendeg/db/testing';
import { ManualClock } from '@opendeg/deg';
import { buildApp, type App } from '../src/app.ts';
import { readElectionConfigFile, storeElection } from '../src/elections/load-election.ts';
import {
  chooseAccountDirectory,
  LoginAccountDirectory,
  standInAccountDirectory,
} from '../src/identity/account-directory.ts';
import { STAND_IN_CLIENT_ID } from '../src/identity/config.ts';
import { generateRegister, type RegisterAccount } from '../src/identity/register.ts';
import { Browser, openLoginPage, requestJson, startServer, submitForm, type Server } from './harness.ts';

const db = useTestDatabase();
const config = readElectionConfigFile(fileURLToPath(new URL('../dev/election.json', import.meta.url)));
// Inside the portal observers' appointment window (7–14 September 2026, Moscow).
const clock = new ManualClock('2026-09-10T09:00:00Z');
const register = generateRegister({ seed: 59, count: 12, referenceDate: new Date('2026-09-20T00:00:00Z') });
const confirmed = register.filter((a) => a.accountConfirmed);
const [operator, observer, never] = confirmed as [RegisterAccount, RegisterAccount, RegisterAccount];
const unconfirmed = register.find((a) => !a.accountConfirmed) as RegisterAccount;

let provider: Server;
let app: App;
let base = '';

/** Logs in at B through A's stand-in, carrying A's callback redirect to B. */
async function logInAtB(account: RegisterAccount): Promise<Browser> {
  const browser = new Browser();
  const action = await openLoginPage(browser, base, '/after-login');
  expect(action.origin).toBe(provider.baseUrl);
  const result = await submitForm(
    browser,
    action,
    { account: account.id },
    (l) => l.pathname === '/auth/callback',
  );
  const callback = result.stoppedAt;
  if (callback === undefined) throw new Error(`no callback: ${result.response.status}`);
  const done = await browser.request(`${base}${callback.pathname}${callback.search}`);
  expect(done.status, await done.text()).toBe(303);
  expect(done.headers.get('location')).toBe('/after-login');
  return browser;
}

beforeAll(async () => {
  const election = await storeElection(db.pool, config, clock.now());
  provider = await startServer({ clock, register });
  app = await buildApp({
    clock,
    logger: { level: 'silent' },
    identity: {
      cookieSecret: 'external-test-cookie-secret-0123456789-abcdef',
      // The stand-in registered A's callback; a proxy would serve B there.
      publicUrl: provider.baseUrl,
      provider: {
        kind: 'external',
        issuer: `${provider.baseUrl}/esia`,
        clientId: STAND_IN_CLIENT_ID,
        clientSecret: 'test-client-secret',
      },
    },
    db: { pool: db.pool },
    roles: { election, bootstrapOperatorSub: operator.id },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = app.listeningOrigin;
}, 60_000);
afterAll(async () => {
  await app.close();
  await provider.close();
});

describe('P-10.9 confirmed accounts with an external identity provider', () => {
  test('P-10.9 each login records the provider’s trusted claim; a confirmed account is appointed, an unconfirmed or never-seen one refused', async () => {
    const op = await logInAtB(operator);
    await logInAtB(observer);
    await logInAtB(unconfirmed);
    const seen = await db.pool.query<{ subject: string; account_confirmed: boolean }>(
      'SELECT subject, account_confirmed FROM identity_account_confirmations ORDER BY seen_at, subject',
    );
    expect(new Map(seen.rows.map((r) => [r.subject, r.account_confirmed]))).toEqual(
      new Map([
        [operator.id, true],
        [observer.id, true],
        [unconfirmed.id, false],
      ]),
    );
    const appoint = (subject: string) =>
      requestJson(op, base, 'POST', '/api/observers/portal', {
        appointer: { kind: 'party', id: 'p-ext' },
        subject,
      });
    expect((await appoint(observer.id)).status).toBe(201);
    for (const subject of [unconfirmed.id, never.id]) {
      const r = await appoint(subject);
      expect([r.status, r.body.code]).toEqual([422, 'OBSERVER_ACCOUNT_NOT_CONFIRMED']);
    }
    // Once the never-seen account logs in, it is known and appointed.
    await logInAtB(never);
    expect((await appoint(never.id)).status).toBe(201);
  });

  test('P-10.9 the last login wins, and the directory knows nothing else of the person', async () => {
    const directory = new LoginAccountDirectory(db.pool, clock);
    await directory.record({
      subject: 'acc-x',
      phoneConfirmed: true,
      accountConfirmed: true,
      registerMatched: true,
    });
    expect(await directory.confirmed('acc-x')).toBe(true);
    await directory.record({
      subject: 'acc-x',
      phoneConfirmed: true,
      accountConfirmed: false,
      registerMatched: true,
    });
    expect(await directory.confirmed('acc-x')).toBe(false);
    expect(await directory.confirmed('acc-unknown')).toBeUndefined();
    const columns = await db.pool.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'identity_account_confirmations' ORDER BY 1",
    );
    expect(columns.rows.map((r) => r.column_name)).toEqual(['account_confirmed', 'seen_at', 'subject']);
  });

  test('the directory buildApp chooses: given, the stand-in’s register, logins with an external provider, nobody without a database', async () => {
    const standIn = {
      kind: 'stand-in' as const,
      register,
      clientSecret: 's',
      cookieKeys: ['k'],
    };
    const external = {
      kind: 'external' as const,
      issuer: 'https://esia.example',
      clientId: 'c',
      clientSecret: 's',
    };
    const given = { confirmed: () => Promise.resolve(true) };
    expect(chooseAccountDirectory(external, { given, pool: db.pool, clock }).accounts).toBe(given);
    expect(await chooseAccountDirectory(standIn, { clock }).accounts.confirmed(unconfirmed.id)).toBe(false);
    expect(await standInAccountDirectory(standIn).confirmed(observer.id)).toBe(true);
    const fromLogins = chooseAccountDirectory(external, { pool: db.pool, clock });
    expect(fromLogins.accounts).toBeInstanceOf(LoginAccountDirectory);
    expect(fromLogins.onLogin).toBeDefined();
    expect(await chooseAccountDirectory(external, { clock }).accounts.confirmed(observer.id)).toBeUndefined();
  });
});
