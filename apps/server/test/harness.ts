// Test harness: a real server on port 0 with the identity stand-in, captured log lines, and a
// browser-like HTTP client (manual redirects, a cookie jar, form submission).
import { Type } from 'typebox';
import type pg from 'pg';
import { buildApp, type App } from '../src/app.ts';
import type { ApplicationsDeps } from '../src/applications/deps.ts';
import type { AppDeps, Clock, HealthCheck, RolesDeps } from '../src/deps.ts';
import type { ErrorBody } from '../src/errors.ts';
import type { ScenarioClock } from '@opendeg/deg';
import { generateRegister, type RegisterAccount } from '../src/identity/register.ts';
import type { VotingDeps } from '../src/voting/deps.ts';
import type { FiguresDeps } from '../src/figures/deps.ts';
import type { KeysDeps } from '../src/keys/deps.ts';
import type { BallotBoxAppDeps } from '../src/ballot-box/deps.ts';
import type { ClosingDeps } from '../src/closing/closing-deps.ts';

export interface Server {
  app: App;
  baseUrl: string;
  register: RegisterAccount[];
  logs: string[];
  close: () => Promise<void>;
}

export interface ServerOptions {
  healthChecks?: Record<string, HealthCheck>;
  clock?: Clock;
  /** Adds routes before the server starts (they follow the same conventions). */
  extraRoutes?: (app: App) => void;
  /** Replaces the generated register (tests shape accounts to their needs). */
  register?: RegisterAccount[];
  db?: { pool: pg.Pool };
  /** The applications slice, given the register the stand-in serves. */
  applications?: (register: RegisterAccount[]) => ApplicationsDeps;
  /** Role assignments of an election; needs `db`. */
  roles?: RolesDeps;
  /** The identity side of voting, given the register the stand-in serves; needs `db`. */
  voting?: (register: RegisterAccount[]) => VotingDeps;
  /** The public figures' outside inputs (the ballot box's counts, poll intervals). */
  figures?: FiguresDeps;
  /** The scenario clock of a training run, served at /dev/clock (pass it as `clock` too). */
  devClock?: ScenarioClock;
  /** The key ceremony and the manifest (the ledger, ballot source, issuer keys); needs `db` and `roles`. */
  keys?: KeysDeps;
  /** The ballot box in this server; needs `keys`. */
  ballotBox?: BallotBoxAppDeps;
  /** The close of voting (P-7–P-9): its sources and the roots of members' certificates. */
  closing?: ClosingDeps;
}

export const REFERENCE_DATE = new Date('2024-03-17T00:00:00Z');

export async function startServer(options: ServerOptions = {}): Promise<Server> {
  const logs: string[] = [];
  const register =
    options.register ?? generateRegister({ seed: 2024, count: 50, referenceDate: REFERENCE_DATE });
  const deps: AppDeps = {
    clock: options.clock ?? { now: () => new Date() },
    logger: { level: 'info', destination: { write: (line) => void logs.push(line) } },
    identity: {
      cookieSecret: 'test-cookie-secret-test-cookie-secret-0123456789',
      provider: {
        kind: 'stand-in',
        register,
        clientSecret: 'test-client-secret',
        cookieKeys: ['test-stand-in-cookie-key'],
      },
    },
    ...(options.healthChecks ? { healthChecks: options.healthChecks } : {}),
    ...(options.db ? { db: options.db } : {}),
    ...(options.applications ? { applications: options.applications(register) } : {}),
    ...(options.roles ? { roles: options.roles } : {}),
    ...(options.voting ? { voting: options.voting(register) } : {}),
    ...(options.figures ? { figures: options.figures } : {}),
    ...(options.devClock ? { devClock: options.devClock } : {}),
    ...(options.keys ? { keys: options.keys } : {}),
    ...(options.ballotBox ? { ballotBox: options.ballotBox } : {}),
    ...(options.closing ? { closing: options.closing } : {}),
  };
  const app = await buildApp(deps);
  options.extraRoutes?.(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, baseUrl: app.listeningOrigin, register, logs, close: () => app.close() };
}

interface StoredCookie {
  value: string;
  path: string;
}

/** A cookie jar for one origin, enough for the flows under test. */
export class Browser {
  readonly cookies = new Map<string, StoredCookie>();

  cookieHeader(url: URL): string {
    return [...this.cookies.entries()]
      .filter(([, c]) => url.pathname.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }

  #store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const attr = new Map(
        attributes.map((a) => {
          const i = a.indexOf('=');
          return i < 0 ? [a.toLowerCase(), ''] : [a.slice(0, i).toLowerCase(), a.slice(i + 1)];
        }),
      );
      const expires = attr.get('expires');
      const expired =
        attr.get('max-age') === '0' || (expires !== undefined && new Date(expires).getTime() <= Date.now());
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, { value, path: attr.get('path') ?? '/' });
    }
  }

  async request(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookie = this.cookieHeader(target);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    this.#store(response);
    return response;
  }

  /** Follows redirects until a non-redirect, or until `stop` says the next location is the goal. */
  async follow(
    url: string | URL,
    init: RequestInit = {},
    stop: (location: URL) => boolean = () => false,
  ): Promise<{ response: Response; url: URL; stoppedAt?: URL }> {
    let current = new URL(url);
    let response = await this.request(current, init);
    for (let hops = 0; hops < 20; hops++) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null)
        return { response, url: current };
      const next = new URL(location, current);
      await response.arrayBuffer();
      if (stop(next)) return { response, url: current, stoppedAt: next };
      current = next;
      response = await this.request(current);
    }
    throw new Error('too many redirects');
  }
}

/** Starts login and stops at the stand-in's login page; returns the form's action URL. */
export async function openLoginPage(
  browser: Browser,
  baseUrl: string,
  returnTo = '/after-login',
): Promise<URL> {
  const { response, url } = await browser.follow(
    `${baseUrl}/auth/login?returnTo=${encodeURIComponent(returnTo)}`,
  );
  if (response.status !== 200) throw new Error(`login page: ${response.status} at ${url.href}`);
  const html = await response.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (action === undefined) throw new Error('no login form');
  return new URL(action.replace(/&amp;/g, '&'), url);
}

export function submitForm(
  browser: Browser,
  action: URL,
  fields: Record<string, string>,
  stop: (l: URL) => boolean,
) {
  return browser.follow(
    action,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    },
    stop,
  );
}

/** The whole login, as a browser does it, ending at the redirect back to `returnTo`. */
export async function logIn(browser: Browser, baseUrl: string, accountId: string, returnTo = '/after-login') {
  const action = await openLoginPage(browser, baseUrl, returnTo);
  const result = await submitForm(browser, action, { account: accountId }, (l) => l.pathname === returnTo);
  if (result.stoppedAt?.pathname !== returnTo) {
    throw new Error(`login did not return: ${result.response.status} ${await result.response.text()}`);
  }
  return result;
}

/** Test-only routes exercising the error format and logging with personal data. */
export function testRoutes(app: App): void {
  app.post(
    '/test/echo',
    {
      schema: {
        body: Type.Object(
          {
            fullName: Type.String(),
            birthDate: Type.String(),
            phone: Type.String(),
            passport: Type.Object({ series: Type.String(), number: Type.String() }),
            snils: Type.String(),
            email: Type.String(),
            address: Type.String(),
            age: Type.Integer({ minimum: 0 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ ok: Type.Boolean() }) },
      },
      config: { allow: 'public' },
    },
    (request) => {
      // A careless developer logs a whole body: the logger must still keep personal data out.
      request.log.info({ body: request.body, nested: { voter: request.body } }, 'echo');
      return { ok: true };
    },
  );
  const boom = {
    schema: { response: { 200: Type.Object({ ok: Type.Boolean() }) } },
    config: { allow: 'public' },
  } as const;
  app.get('/test/boom', boom, () => {
    throw new Error('secret internal detail at /var/lib/opendeg/keys');
  });
}

/** A JSON API answer as the tests read it: the success body, or an ErrorBody on failure. */
export interface ApiResult<T> {
  status: number;
  body: T & Partial<ErrorBody>;
  headers: Headers;
}

/** One JSON request through a browser (its session cookie included). */
export async function requestJson<T = ErrorBody>(
  browser: Browser,
  baseUrl: string,
  method: string,
  url: string,
  body?: unknown,
): Promise<ApiResult<T>> {
  const response = await browser.request(`${baseUrl}${url}`, {
    method,
    ...(body !== undefined
      ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
      : {}),
  });
  return {
    status: response.status,
    body: (await response.json()) as T & Partial<ErrorBody>,
    headers: response.headers,
  };
}

/** "status CODE" of a refused call, for assertions that name both. */
export const refusal = (r: ApiResult<unknown>): string => `${r.status} ${r.body.code ?? ''}`;

/**
 * The logged-in browsers of a test's accounts, and an anonymous one, against one server: each test
 * file calls the API as the account whose rights it checks.
 */
export class Sessions {
  readonly #browsers = new Map<RegisterAccount | 'anonymous', Browser>();
  readonly #baseUrl: () => string;
  readonly #accounts: readonly RegisterAccount[];

  /** `baseUrl` is read at each call: the server starts after the file's constants are made. */
  constructor(baseUrl: () => string, accounts: readonly RegisterAccount[]) {
    this.#baseUrl = baseUrl;
    this.#accounts = accounts;
  }

  /** Fresh sessions for every account (and a fresh anonymous browser). */
  readonly logInAll = async (): Promise<void> => {
    this.#browsers.set('anonymous', new Browser());
    for (const a of this.#accounts) {
      const b = new Browser();
      await logIn(b, this.#baseUrl(), a.id);
      this.#browsers.set(a, b);
    }
  };

  readonly call = <T = ErrorBody>(
    who: RegisterAccount | 'anonymous',
    method: string,
    url: string,
    body?: unknown,
  ): Promise<ApiResult<T>> => {
    const b = this.#browsers.get(who);
    if (b === undefined) throw new Error('not logged in');
    return requestJson<T>(b, this.#baseUrl(), method, url, body);
  };

  /**
   * Runs `fn` with `clock` at `time`, then sets it back to `start`; sessions live 30 minutes of that
   * clock, so everyone logs in again each way.
   */
  async at(
    clock: { set(to: string): void },
    time: string,
    start: string,
    fn: () => Promise<void>,
  ): Promise<void> {
    clock.set(time);
    try {
      await this.logInAll();
      await fn();
    } finally {
      clock.set(start);
      await this.logInAll();
    }
  }
}
