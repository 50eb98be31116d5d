// The workstation's bundle load (P-3.2, P-3.3, P-4.2) in Debian's Chromium against the real API and
// PostgreSQL: the data centre's bundle, made with packages/deg makeBundle under a training CA the
// server trusts and written to a read-only medium, is chosen as a folder by keyboard; the page shows
// the server's verification (signer, role, election, every file's SHA-256 and check) and, after the
// load, each region's rows and the ballot's source data version. A tampered medium chosen file by
// file shows the failed file and no load button. axe-core on each state, screenshots kept in
// test-artifacts/.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  createCommissionCa,
  encodeListCsv,
  generateSigningKeyPair,
  issueDataCentreCertificate,
  makeBundle,
  type Bundle,
  type Participant,
} from '@opendeg/deg';
import { writeBundleDirectory } from '@opendeg/deg/node';
import { Browser as ApiBrowser, logIn, requestJson } from '../../server/test/harness.ts';
import {
  expectAccessible,
  launchChromium,
  logTestCost,
  openAs,
  screenshot,
  shapeRegister,
  type Stack,
  startStack,
  tabToId,
  withPage,
} from './stack.ts';

/** 12:00 Moscow time on 10 September 2026: lists are loaded before voting (P-3.2). */
const SETUP = '2026-09-10T09:00:00Z';
const VALID = { notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2027-12-31T00:00:00Z') };
const ORG = 'Учебная комиссия';
const enc = new TextEncoder();

const register = shapeRegister([{}, {}, {}]);
const [operator, chairman] = register as [(typeof register)[0], (typeof register)[0]];

let n = 0;
function person(lastName: string, region: string): Participant {
  n++;
  const k = String(n).padStart(2, '0');
  return {
    id: `wb-${k}`,
    lastName,
    firstName: 'Ирина',
    middleName: 'Олеговна',
    birthDate: `1975-02-${k}`,
    address: `Субъект ${region}, ул. Носителей, д. ${n}`,
    phone: `+7900888${k}${k}`,
    passport: { series: `45 ${k}`, number: `8880${k}` },
    precinct: '1',
  };
}
const BALLOT = JSON.stringify({
  version: 1,
  title: 'Избирательный бюллетень',
  instructions: 'Поставьте знак в квадрате справа от фамилии одного кандидата.',
  candidates: [
    { id: 'k1', name: 'Кандидат Первый', info: 'самовыдвижение' },
    { id: 'k2', name: 'Кандидат Второй', info: 'партия' },
  ],
});

let stack: Stack;
let browser: Browser;
let bundle: Bundle;
/** A second bundle of the data centre: another list for region 16, refused once 16 is loaded. */
let second: Bundle;
let scratch: string;
const medium = (): string => path.join(scratch, 'medium');

beforeAll(async () => {
  const ca = await createCommissionCa({ commonName: 'Учебный УЦ', organisation: ORG, validity: VALID });
  const keys = await generateSigningKeyPair('ECDSA-P256');
  const cert = await issueDataCentreCertificate(ca, {
    id: 'fci',
    name: 'Центр обработки данных',
    organisation: ORG,
    publicKey: keys.publicKey,
    validity: VALID,
  });
  stack = await startStack(register, {
    start: SETUP,
    extra: ({ election }) =>
      Promise.resolve({
        roles: { election, bootstrapOperatorSub: operator.id },
        bundles: { trustedRoots: [ca.certificate.der] },
      }),
  });
  const admin = new ApiBrowser();
  await logIn(admin, stack.webUrl, operator.id);
  const assigned = await requestJson(admin, stack.webUrl, 'POST', '/api/admin/roles', {
    subject: chairman.id,
    role: 'chairman',
    memberId: 'chair',
  });
  expect(assigned.status, JSON.stringify(assigned.body)).toBe(201);
  bundle = await makeBundle({
    electionId: 'training-2026-09',
    kind: 'list-and-ballot-data',
    createdAt: new Date(SETUP),
    files: new Map([
      [
        'lists/16.csv',
        enc.encode(encodeListCsv(['Хабибуллина', 'Валиев', 'Нуриева'].map((s) => person(s, '16')))),
      ],
      ['lists/54.csv', enc.encode(encodeListCsv(['Сибирцев', 'Обская'].map((s) => person(s, '54'))))],
      ['ballot/source.json', enc.encode(BALLOT)],
    ]),
    signer: { certificate: cert.der, privateKey: keys.privateKey },
  });
  second = await makeBundle({
    electionId: 'training-2026-09',
    kind: 'list-and-ballot-data',
    createdAt: new Date(SETUP),
    files: new Map([['lists/16.csv', enc.encode(encodeListCsv([person('Поздняков', '16')]))]]),
    signer: { certificate: cert.der, privateKey: keys.privateKey },
  });
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'opendeg-web-bundle-'));
  await writeBundleDirectory(medium(), bundle);
  await writeBundleDirectory(path.join(scratch, 'second'), second);
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser.close();
  await stack.close();
  fs.chmodSync(medium(), 0o755);
  for (const d of ['lists', 'ballot']) fs.chmodSync(path.join(medium(), d), 0o755);
  fs.chmodSync(path.join(scratch, 'second'), 0o755);
  fs.chmodSync(path.join(scratch, 'second', 'lists'), 0o755);
  fs.rmSync(scratch, { recursive: true, force: true });
});

logTestCost();

/** Space on the focused file field opens its chooser; pressed again if Chromium drops the first. */
async function chooseByKeyboard(page: Page, id: string, files: string | string[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await tabToId(page, id);
    const chooser = page.waitForEvent('filechooser', { timeout: 10_000 });
    await page.keyboard.press('Space');
    const opened = await chooser.catch((e: unknown) => {
      if (attempt < 3) return undefined;
      throw e;
    });
    if (opened !== undefined) {
      await opened.setFiles(files);
      return;
    }
  }
}

const sha256 = (bytes: Uint8Array | undefined): string =>
  createHash('sha256')
    .update(bytes ?? new Uint8Array())
    .digest('hex');

describe('commission workstation: the list and ballot data bundle', () => {
  test('P-3.2 a tampered medium chosen file by file: the failed file is shown, nothing can be loaded', async () => {
    // The medium's files saved flat, by their own names (16.csv, manifest.json, …), one changed:
    // the page names each by the manifest's path with that name.
    const tampered = path.join(scratch, 'tampered');
    fs.mkdirSync(tampered);
    for (const [name, bytes] of bundle.files) {
      const data = name === 'lists/54.csv' ? enc.encode(new TextDecoder().decode(bytes) + '\r\n') : bytes;
      fs.writeFileSync(path.join(tampered, path.posix.basename(name)), data);
    }
    await withPage(browser, 'bundle-tampered', async (page) => {
      await openAs(page, stack.webUrl, chairman.id, '/commission/bundle');
      await chooseByKeyboard(
        page,
        'bundle-files',
        fs.readdirSync(tampered).map((f) => path.join(tampered, f)),
      );
      await page.getByText('Пакет не прошёл проверку').waitFor();
      await page.getByText('Файл не совпадает с контрольной суммой в перечне.').waitFor();
      const row = page.locator('tr[data-status="mismatch"]');
      await expect.poll(() => row.locator('th').innerText()).toBe('lists/54.csv');
      await expect.poll(() => row.locator('td').last().innerText()).toBe('не совпадает');
      expect(await page.locator('tr[data-status="ok"]').count()).toBe(2);
      expect(await page.getByRole('button', { name: 'Загрузить пакет' }).count()).toBe(0);
      await expectAccessible(page, 'tampered bundle');
      await screenshot(page, 'commission-bundle-tampered');
    });
    const lists = await stack.db.pool.query('SELECT 1 FROM participant_lists');
    expect(lists.rowCount).toBe(0);
  });

  test('P-3.2 P-3.3 P-4.2 the chairman chooses the medium’s folder by keyboard, sees the verification and loads the lists and the ballot', async () => {
    await withPage(browser, 'bundle-load', async (page) => {
      await openAs(page, stack.webUrl, chairman.id, '/commission/bundle');
      await expectAccessible(page, 'bundle page');
      await chooseByKeyboard(page, 'bundle-folder', medium());
      await page
        .getByText('Пакет проверен: подпись центра обработки данных верна, все файлы совпадают с перечнем.')
        .waitFor({ timeout: 60_000 });
      const facts = await page.locator('dl.facts').innerText();
      expect(facts).toContain('Центр обработки данных');
      expect(facts).toContain('training-2026-09');
      expect(facts).toContain(bundle.hash);
      for (const name of ['ballot/source.json', 'lists/16.csv', 'lists/54.csv']) {
        const row = page.locator('tr', { has: page.locator('th', { hasText: name }) });
        await expect.poll(() => row.innerText()).toContain(sha256(bundle.files.get(name)));
        expect(await row.innerText()).toContain('совпадает');
      }
      await expectAccessible(page, 'verified bundle');
      await screenshot(page, 'commission-bundle-verified');
      // Keyboard only: Tab to the load button, Enter.
      for (let i = 0; i < 80; i++) {
        const text = await page.evaluate(() => document.activeElement?.textContent ?? '');
        if (text === 'Загрузить пакет') break;
        await page.keyboard.press('Tab');
      }
      await page.keyboard.press('Enter');
      await page.getByText(/^Пакет загружен/).waitFor({ timeout: 60_000 });
      const regions = page.locator('section[aria-labelledby="bundle-loaded-heading"] tbody tr');
      expect(await regions.allInnerTexts()).toEqual(['16\t3', '54\t2']);
      await page.getByText('Исходные данные бюллетеня: версия 1.').waitFor();
      await expectAccessible(page, 'loaded bundle');
      await screenshot(page, 'commission-bundle-loaded');
    });
    const lists = await stack.db.pool.query<{ region: string; participant_count: number }>(
      'SELECT region, participant_count FROM participant_lists ORDER BY region',
    );
    expect(lists.rows).toEqual([
      { region: '16', participant_count: 3 },
      { region: '54', participant_count: 2 },
    ]);
  });
  test('P-3.2 P-3.3 the same medium again answers with the earlier load; another list for a loaded region is refused in the server’s words', async () => {
    await withPage(browser, 'bundle-again', async (page) => {
      await openAs(page, stack.webUrl, chairman.id, '/commission/bundle');
      await chooseByKeyboard(page, 'bundle-folder', medium());
      await page.getByText(/^Этот пакет уже загружен 10\.09\.2026 12:00/).waitFor({ timeout: 60_000 });
      await page.getByRole('button', { name: 'Загрузить пакет' }).press('Enter');
      await page.getByText('Пакет был загружен ранее (10.09.2026 12:00); ничего не изменено.').waitFor();
      await chooseByKeyboard(page, 'bundle-folder', path.join(scratch, 'second'));
      await page.getByRole('button', { name: 'Загрузить пакет' }).press('Enter');
      const alert = page.getByRole('alert');
      await alert
        .getByText(/^Списки этих субъектов уже составлены, включать в них никого нельзя \(п\. 3\.3\) \(16\)$/)
        .waitFor();
      expect(await alert.innerText()).toContain('Номер обращения для службы поддержки');
      await expectAccessible(page, 'refused bundle');
      await screenshot(page, 'commission-bundle-refused');
    });
    const rows = await stack.db.pool.query('SELECT count(*)::int AS n FROM participants');
    expect(rows.rows).toEqual([{ n: 5 }]);
  });
});
