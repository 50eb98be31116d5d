// What every end-to-end test stands on: a real API server (buildApp, real PostgreSQL, the OIDC
// stand-in with a generated register, the development SMS outbox, a ManualClock inside the training
// configuration's filing window), the web server of server/serve.ts in front of it (one origin, so
// the session cookie works), and Debian's Chromium driven by playwright-core.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterEach, beforeEach, expect } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@opendeg/db/testing';
import { ManualClock } from '@opendeg/deg';
import {
  buildApp,
  DevOutboxSms,
  generateRegister,
  readElectionConfigFile,
  standInVoterRegister,
  storeElection,
  type App,
  type AppDeps,
  type LoadedElection,
  type RegisterAccount,
} from '@opendeg/server';
import { createWebServer } from '../server/serve.ts';

export const WEB_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ARTIFACTS = path.join(WEB_ROOT, 'test-artifacts');
const CONFIG_FILE = fileURLToPath(new URL('../../server/dev/election.json', import.meta.url));

/** 12:00 Moscow time on 10 August 2026: inside the training run's filing window. */
export const IN_FILING_WINDOW = '2026-08-10T09:00:00Z';

export interface Stack {
  readonly webUrl: string;
  readonly api: App;
  readonly clock: ManualClock;
  readonly register: RegisterAccount[];
  readonly db: TestDatabase;
  close(): Promise<void>;
}

/** Registered adults in Tatarstan (a region with remote voting), flags set unless said otherwise. */
export function shapeRegister(
  shapes: readonly Partial<
    Pick<RegisterAccount, 'accountConfirmed' | 'phoneConfirmed' | 'registerMatched'>
  >[],
): RegisterAccount[] {
  const register = generateRegister({ seed: 7, count: shapes.length, referenceDate: new Date('2026-09-20') });
  return register.map((a, i) => {
    a.address.regionCode = '16';
    a.address.region = 'Республика Татарстан';
    a.address.city = 'Казань';
    a.birthDate = '1980-05-01';
    a.accountConfirmed = shapes[i]?.accountConfirmed ?? true;
    a.phoneConfirmed = shapes[i]?.phoneConfirmed ?? true;
    a.registerMatched = shapes[i]?.registerMatched ?? true;
    return a;
  });
}

/** What a test adds to the API beyond applications and roles (voting, keys, the ballot box). */
export type ExtraDeps = (context: {
  db: TestDatabase;
  election: LoadedElection;
  clock: ManualClock;
}) => Promise<Partial<AppDeps>>;

export async function startStack(
  register: RegisterAccount[],
  options: {
    start?: string;
    extra?: ExtraDeps;
    prepare?: (db: TestDatabase) => Promise<void>;
    /** After the API has closed, before the database goes (a ledger's own pool, say). */
    cleanup?: () => Promise<void>;
  } = {},
): Promise<Stack> {
  const db = await createTestDatabase();
  await options.prepare?.(db);
  const config = readElectionConfigFile(CONFIG_FILE);
  const clock = new ManualClock(options.start ?? IN_FILING_WINDOW);
  const election = await storeElection(db.pool, config, clock.now());
  let apiBase = '';
  const web = createWebServer({ distDir: path.join(WEB_ROOT, 'dist'), apiBase: () => apiBase });
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  const webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  const deps: AppDeps = {
    clock,
    logger: { level: 'silent' },
    identity: {
      publicUrl: webUrl,
      cookieSecret: 'web-test-cookie-secret-web-test-cookie-secret-0123',
      provider: {
        kind: 'stand-in',
        register,
        clientSecret: 'web-test-client-secret',
        cookieKeys: ['web-test-stand-in-cookie-key'],
      },
    },
    db: { pool: db.pool },
    applications: {
      election,
      voterRegister: standInVoterRegister(register, config),
      sms: new DevOutboxSms(db.pool, clock),
      codePepper: new Uint8Array(32).fill(9),
    },
    roles: { election },
    ...(await options.extra?.({ db, election, clock })),
  };
  const api = await buildApp(deps);
  await api.listen({ port: 0, host: '127.0.0.1' });
  apiBase = api.listeningOrigin;
  return {
    webUrl,
    api,
    clock,
    register,
    db,
    close: async () => {
      await new Promise<void>((resolve) => {
        web.close(() => {
          resolve();
        });
        web.closeAllConnections();
      });
      await api.close();
      await options.cleanup?.();
      await db.drop();
    },
  };
}

/** Debian's Chromium, headless, with a fresh profile. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function newPage(
  browser: Browser,
  options: { width?: number; height?: number } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    locale: 'ru-RU',
    timezoneId: 'Europe/Moscow',
  });
  const page = await context.newPage();
  return { context, page };
}

/**
 * A fresh context and page for one test; if the test fails, every page of the context is kept as a
 * screenshot and its text (`FAILED-<name>-<n>.png/.txt` in test-artifacts/), so a CI failure shows
 * what the browser showed.
 */
export async function withPage(
  browser: Browser,
  name: string,
  fn: (page: Page, context: BrowserContext) => Promise<void>,
  options: { width?: number; height?: number } = {},
): Promise<void> {
  const { context, page } = await newPage(browser, options);
  try {
    await fn(page, context);
  } catch (e) {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    for (const [i, p] of context.pages().entries()) {
      const base = path.join(ARTIFACTS, `FAILED-${name}-${i}`);
      await p.screenshot({ path: `${base}.png`, fullPage: true }).catch(() => undefined);
      const text = await p
        .locator('body')
        .innerText()
        .catch(() => '');
      fs.writeFileSync(`${base}.txt`, `${p.url()}\n\n${text}\n`);
    }
    throw e;
  } finally {
    await context.close();
  }
}

/** The latest six-digit code the development outbox holds for a phone. */
export async function latestCode(stack: Stack, phone: string): Promise<string> {
  const r = await fetch(`${stack.webUrl}/dev/sms?phone=${encodeURIComponent(phone)}`);
  const { messages } = (await r.json()) as { messages: { text: string }[] };
  const code = /\b(\d{6})\b/.exec(messages[0]?.text ?? '')?.[1];
  if (code === undefined) throw new Error('no code in the outbox');
  return code;
}

/** Logs in through the stand-in's page from a page showing the app's login link. */
export async function logInThroughPage(page: Page, accountId: string): Promise<void> {
  await page.getByRole('link', { name: 'Войти через Госуслуги' }).click();
  await page.locator('#account').fill(accountId);
  await page.getByRole('button', { name: /Войти/ }).click();
}

/** Fails the test with axe's findings when the page has a serious or critical violation. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const violations = await seriousViolations(page);
  expect(violations, `${what}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
}

/** Opens a workstation page, logs in through the identity stand-in and waits for the member's roles. */
export async function openAs(page: Page, webUrl: string, accountId: string, pagePath: string): Promise<void> {
  await page.goto(`${webUrl}${pagePath}`);
  await logInThroughPage(page, accountId);
  await page.waitForURL(`${webUrl}${pagePath}`);
  await page.getByText(/Ваши роли:/).waitFor();
}

/** Tabs forward until the element with `id` has focus (keyboard only), at most 80 presses. */
export async function tabToId(page: Page, id: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    if ((await page.evaluate(() => document.activeElement?.id ?? '')) === id) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`#${id} never received focus`);
}

/**
 * Figures for the issue notes: logs each test's wall time and this process's CPU time (the API
 * server and the test; Chromium's own processes are not counted), with the load average beside them.
 */
export function logTestCost(): void {
  let started = { wall: 0, cpu: process.cpuUsage() };
  beforeEach(() => {
    started = { wall: performance.now(), cpu: process.cpuUsage() };
  });
  afterEach((context) => {
    const cpu = process.cpuUsage(started.cpu);
    const load = os.loadavg()[0]?.toFixed(2) ?? '?';
    console.log(
      `${context.task.name.slice(0, 40)}…: wall ${((performance.now() - started.wall) / 1000).toFixed(1)} s, ` +
        `cpu ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, load ${load}`,
    );
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core in the page, WCAG 2.1 A and AA rules: the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: unknown, o: unknown) => Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
