// P-6.4 / P-6.3: login through the identity provider (here the built-in ESIA stand-in on
// oidc-provider) with the authorization code flow, PKCE, state and nonce, driven as a browser
// drives it; P-2.3: the account's confirmation and register-match flags reach the API.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AccountClaims, ErrorBody } from '../src/api.ts';
import { Browser, logIn, openLoginPage, startServer, submitForm, type Server } from './harness.ts';

let server: Server;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

function account(predicate: (a: Server['register'][number]) => boolean) {
  const found = server.register.find(predicate);
  if (!found) throw new Error('no such account in the register');
  return found;
}

async function me(browser: Browser): Promise<{ status: number; body: unknown }> {
  const response = await browser.request(`${server.baseUrl}/api/me`);
  return { status: response.status, body: await response.json() };
}

describe('P-6.4 identification and authentication through the identity provider', () => {
  test('P-6.4 a confirmed, matched account logs in with code + PKCE and /api/me shows its claims', async () => {
    const voter = account((a) => a.accountConfirmed && a.phoneConfirmed && a.registerMatched);
    const browser = new Browser();
    const login = await browser.request(`${server.baseUrl}/auth/login`);
    expect(login.status).toBe(303);
    const authorize = new URL(login.headers.get('location')!);
    expect(authorize.pathname).toBe('/esia/auth');
    expect(authorize.searchParams.get('response_type')).toBe('code');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    const sessionCookie = login.headers.getSetCookie().find((c) => c.startsWith('opendeg_session='))!;
    expect(sessionCookie).toMatch(/HttpOnly/);
    expect(sessionCookie).toMatch(/SameSite=Lax/);
    expect(sessionCookie).not.toMatch(/Secure/); // plain http in tests; https sets Secure

    const fresh = new Browser();
    await logIn(fresh, server.baseUrl, voter.id);
    const { status, body } = await me(fresh);
    expect(status).toBe(200);
    expect(body).toEqual({
      subject: voter.id,
      familyName: voter.familyName,
      givenName: voter.givenName,
      middleName: voter.middleName,
      birthDate: voter.birthDate,
      phone: voter.phone,
      phoneConfirmed: true,
      accountConfirmed: true,
      registerMatched: true,
      regionCode: voter.address.regionCode,
    } satisfies AccountClaims);
    // The cookie holds an opaque signed id, none of the claims.
    const cookie = fresh.cookies.get('opendeg_session')!.value;
    expect(decodeURIComponent(cookie)).not.toContain(voter.id);
    expect(decodeURIComponent(cookie)).not.toContain(voter.familyName);
  });

  test('P-2.3 an unconfirmed account logs in and /api/me shows accountConfirmed false', async () => {
    const voter = account((a) => !a.accountConfirmed);
    const browser = new Browser();
    await logIn(browser, server.baseUrl, voter.id);
    const { status, body } = await me(browser);
    expect(status).toBe(200);
    expect(body).toMatchObject({ subject: voter.id, accountConfirmed: false });
  });

  test('P-2.3 an account not matched to the register logs in and /api/me shows registerMatched false', async () => {
    const voter = account((a) => !a.registerMatched && a.accountConfirmed);
    const browser = new Browser();
    await logIn(browser, server.baseUrl, voter.id);
    const { body } = await me(browser);
    expect(body).toMatchObject({ subject: voter.id, accountConfirmed: true, registerMatched: false });
  });

  test('P-2.3 an unconfirmed phone shows as phoneConfirmed false', async () => {
    const voter = account((a) => !a.phoneConfirmed);
    const browser = new Browser();
    await logIn(browser, server.baseUrl, voter.id);
    const { body } = await me(browser);
    expect(body).toMatchObject({ subject: voter.id, phone: voter.phone, phoneConfirmed: false });
  });

  test('P-6.4 a tampered state is refused with AUTH_STATE_MISMATCH and no session is opened', async () => {
    const browser = new Browser();
    const action = await openLoginPage(browser, server.baseUrl);
    const { stoppedAt } = await submitForm(browser, action, { account: server.register[0]!.id }, (l) =>
      l.pathname.startsWith('/auth/callback'),
    );
    const callback = new URL(stoppedAt!);
    expect(callback.searchParams.get('code')).toBeTruthy();
    callback.searchParams.set('state', `${callback.searchParams.get('state')!}x`);
    const response = await browser.request(callback);
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.code).toBe('AUTH_STATE_MISMATCH');
    expect(body.eventId).toBe(response.headers.get('x-request-id'));
    expect((await me(browser)).status).toBe(401);
  });

  test('P-6.4 a callback without a login in progress, or replayed, is refused', async () => {
    const stranger = new Browser();
    const response = await stranger.request(`${server.baseUrl}/auth/callback?code=abc&state=def`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).code).toBe('AUTH_NO_LOGIN_IN_PROGRESS');

    const browser = new Browser();
    const action = await openLoginPage(browser, server.baseUrl);
    const { stoppedAt } = await submitForm(browser, action, { account: server.register[0]!.id }, (l) =>
      l.pathname.startsWith('/auth/callback'),
    );
    const first = await browser.request(stoppedAt!);
    expect(first.status).toBe(303);
    const again = await browser.request(stoppedAt!);
    expect(again.status).toBe(400);
    expect(((await again.json()) as ErrorBody).code).toBe('AUTH_NO_LOGIN_IN_PROGRESS');
  });

  test('P-6.4 an authorization code cannot be used from another browser (PKCE and session bound)', async () => {
    const victim = new Browser();
    const action = await openLoginPage(victim, server.baseUrl);
    const { stoppedAt } = await submitForm(victim, action, { account: server.register[0]!.id }, (l) =>
      l.pathname.startsWith('/auth/callback'),
    );
    // The attacker has a login transaction of their own but not the victim's verifier.
    const attacker = new Browser();
    await attacker.request(`${server.baseUrl}/auth/login`);
    const response = await attacker.request(stoppedAt!);
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).code).toBe('AUTH_STATE_MISMATCH');
  });

  test('an unknown account id re-displays the login page with an alert; /api/me needs a session', async () => {
    const browser = new Browser();
    const action = await openLoginPage(browser, server.baseUrl);
    const { response } = await submitForm(browser, action, { account: '999' }, () => false);
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('Учётная запись не найдена');
    const anonymous = await me(browser);
    expect(anonymous.status).toBe(401);
    expect((anonymous.body as ErrorBody).code).toBe('UNAUTHENTICATED');
  });

  test('a forged session cookie is not a session; logout ends the session', async () => {
    const browser = new Browser();
    await logIn(browser, server.baseUrl, server.register[0]!.id);
    const genuine = browser.cookies.get('opendeg_session')!;
    browser.cookies.set('opendeg_session', {
      ...genuine,
      value: genuine.value.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
    });
    expect((await me(browser)).status).toBe(401);
    browser.cookies.set('opendeg_session', genuine);
    expect((await me(browser)).status).toBe(200);
    const logout = await browser.request(`${server.baseUrl}/auth/logout`, { method: 'POST' });
    expect(logout.status).toBe(303);
    expect(browser.cookies.has('opendeg_session')).toBe(false);
    browser.cookies.set('opendeg_session', genuine);
    expect((await me(browser)).status).toBe(401);
  });

  test('the stand-in publishes standard OIDC discovery with PKCE S256 at its issuer', async () => {
    const response = await fetch(`${server.baseUrl}/esia/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata.issuer).toBe(`${server.baseUrl}/esia`);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.claims_supported).toEqual(
      expect.arrayContaining(['trusted', 'register_matched', 'region_code']),
    );
  });
});
