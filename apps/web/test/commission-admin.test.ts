// The commission's workstation for the ballot and for the data after the election, in Debian's
// Chromium against the real API and PostgreSQL (P-4.1–P-4.5, P-9): before voting starts the
// chairman records by keyboard that a candidate withdrew, sees the new version in the history and
// the preview of the region's ballot without the candidate; after the start the same form shows the
// server's refusal; once the protocol is published the retention periods are shown, an act of
// destruction is refused before the period is over and recorded after it, and the operator records
// a workstation wipe. axe-core on both pages, screenshots kept in test-artifacts/.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { canonicalJsonBytes } from '@opendeg/crypto';
import { ballotSourceSha256Hex } from '../../server/src/ballot/ballot-store.ts';
import {
  expectAccessible,
  launchChromium,
  logTestCost,
  openAs,
  screenshot,
  shapeRegister,
  tabToId,
  withPage,
} from './stack.ts';
import { SETUP, startCloseStack, VOTING_NOON, type CloseStack } from './close-stack.ts';
import { BALLOT_SOURCE } from './voting-stack.ts';

let stack: CloseStack;
let browser: Browser;
const register = shapeRegister([{}, {}, {}, {}]);
const [operator, chairman] = register as [(typeof register)[0], (typeof register)[0]];

/** The protocol's publication (P-9.2 counts from it): 13:00 Moscow time on 21 September 2026. */
const PUBLISHED = '2026-09-21T10:00:00Z';
/** The day after: the term (ten days) and the year of retention (P-9.2) are ahead. */
const DAY_AFTER = '2026-09-22T09:00:00Z';
/** A year and a day after publication: the P-9.2 items may be destroyed by act. */
const YEAR_AFTER = '2027-09-23T09:00:00Z';

beforeAll(async () => {
  stack = await startCloseStack(register);
  browser = await launchChromium();
  // The ballot's source data as `opendeg bundle load` leaves them (P-4.2): version 1 from a bundle.
  const bundleHash = '22'.repeat(32);
  await stack.db.pool.query(
    `INSERT INTO loaded_bundles (hash, election_id, kind, manifest, signer, loaded_at)
     VALUES (decode($1, 'hex'), $2, 'list-and-ballot-data', '{}', 'CN=Тестовый ЦОД', $3)`,
    [bundleHash, stack.electionId, new Date(SETUP)],
  );
  await stack.db.pool.query(
    `INSERT INTO ballot_versions (election_id, version, source, sha256, origin, bundle_hash, loaded_at)
     VALUES ($1, 1, $2, decode($3, 'hex'), 'bundle', decode($4, 'hex'), $5)`,
    [
      stack.electionId,
      JSON.stringify(BALLOT_SOURCE),
      ballotSourceSha256Hex(BALLOT_SOURCE),
      bundleHash,
      new Date(SETUP),
    ],
  );
}, 180_000);
afterAll(async () => {
  await browser.close();
  await stack.close();
});

logTestCost();

/** Keyboard only: the reason and the candidate chosen with the arrow keys, Enter on the button. */
async function updateByKeyboard(page: Page, reasonDowns: number, candidateDowns: number): Promise<void> {
  await page.locator('#main h1').focus();
  await tabToId(page, 'ballot-reason');
  for (let i = 0; i < reasonDowns; i++) await page.keyboard.press('ArrowDown');
  await tabToId(page, 'ballot-candidate');
  for (let i = 0; i < candidateDowns; i++) await page.keyboard.press('ArrowDown');
  for (let i = 0; i < 10; i++) {
    const text = await page.evaluate(() => document.activeElement?.textContent.trim() ?? '');
    if (text === 'Записать уточнение') break;
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Enter');
}

const versions = async () =>
  (
    await stack.db.pool.query<{ version: number; reason: string | null; candidate_id: string | null }>(
      `SELECT version, reason, candidate_id FROM ballot_versions ORDER BY version`,
    )
  ).rows;

describe('commission workstation: the ballot (P-4) and the data after the election (P-9)', () => {
  test('P-4.2 P-4.3 P-4.1 P-4.5 before the start the chairman records by keyboard that a candidate withdrew; the history and the region preview show the new version', async () => {
    await withPage(browser, 'admin-ballot', async (page) => {
      await openAs(page, stack.webUrl, chairman.id, '/commission/ballot');
      const current = page.getByRole('table', { name: /Текущая версия 1/ });
      await current.waitFor();
      expect(await current.locator('tbody tr').count()).toBe(3);
      await page.getByText('Бюллетень может уточняться до 18.09.2026', { exact: false }).waitFor();
      const history = page.getByRole('table', { name: 'История версий исходных данных' });
      await expect(history.locator('tr[data-version="1"]').textContent()).resolves.toContain(
        'Загружена с данными для списков',
      );
      // The preview of Tatarstan's ballot, as its participants will see it: three candidates, and
      // the Tatar text where the region decided so (P-4.1).
      await page.getByLabel('Субъект РФ (код)').fill('16');
      await page.getByRole('button', { name: 'Показать бюллетень' }).click();
      const preview = page.locator('.ballot-preview[data-region="16"]');
      await preview.locator('li[data-candidate="c3"]').waitFor();
      await expect(preview.locator('li').count()).resolves.toBe(3);
      await page.getByLabel('Язык бюллетеня').selectOption('tt');
      await preview.getByText('Иванов Иван Иван улы').waitFor();
      await page.getByLabel('Язык бюллетеня').selectOption('ru');
      await preview.getByText('Иванов Иван Иванович').waitFor();
      await expectAccessible(page, 'ballot, version 1');
      await screenshot(page, 'commission-ballot');

      // Withdrawn (the first reason), candidate c3 (two arrows down from c1).
      await updateByKeyboard(page, 0, 2);
      await page.getByText('Записана версия 2.').waitFor();
      await page.getByRole('table', { name: /Текущая версия 2/ }).waitFor();
      await expect(history.locator('tr[data-version="2"]').textContent()).resolves.toContain(
        'Выбытие кандидата: кандидат c3',
      );
      await preview.getByText(/^Версия 2\./).waitFor();
      await expect(preview.locator('li').count()).resolves.toBe(2);
      expect(await preview.getByText('Сидоров Пётр Алексеевич').count()).toBe(0);
      // P-4.5: what the commission previews, a participant may not fetch before the voting period.
      const early = await fetch(`${stack.webUrl}/api/ballot/16`);
      expect(early.status).toBe(409);
      await expectAccessible(page, 'ballot, version 2');
      await screenshot(page, 'commission-ballot-updated');
    });
    expect(await versions()).toEqual([
      { version: 1, reason: null, candidate_id: null },
      { version: 2, reason: 'withdrawn', candidate_id: 'c3' },
    ]);
  });

  test('P-4.3 P-4.5 after voting starts the same form shows the server’s refusal and the ballot stays as it was', async () => {
    stack.clock.set(VOTING_NOON);
    await withPage(browser, 'admin-ballot-fixed', async (page) => {
      await openAs(page, stack.webUrl, chairman.id, '/commission/ballot');
      await page.getByRole('table', { name: /Текущая версия 2/ }).waitFor();
      // Deregistered (one arrow down), candidate c2 (one arrow down).
      await updateByKeyboard(page, 1, 1);
      await page
        .getByRole('alert')
        .getByText('Голосование началось: электронный бюллетень больше не изменяется.')
        .waitFor();
      await expect(page.locator('#ballot-candidate').inputValue()).resolves.toBe('c2');
      await page.getByRole('table', { name: /Текущая версия 2/ }).waitFor();
      await expectAccessible(page, 'ballot, refused');
      await screenshot(page, 'commission-ballot-fixed');
    });
    expect((await versions()).map((v) => v.version)).toEqual([1, 2]);
    // P-4.5: during the voting period the ballot is public, and it is the version the commission saw.
    const open = await fetch(`${stack.webUrl}/api/ballot/16`);
    expect(open.status).toBe(200);
    const shown = (await open.json()) as { version: number; candidates: { id: string }[] };
    expect([shown.version, shown.candidates.map((c) => c.id)]).toEqual([2, ['c1', 'c2']]);
  });

  test('P-9.1 P-9.2 P-9.3 the retention periods from the publication; a destruction act refused before the period in the server’s words, recorded and listed after it', async () => {
    // The protocol published (the close itself is commission-close.test.ts's): the periods run from here.
    const body = { electionId: stack.electionId, regions: [] };
    const content = canonicalJsonBytes(body);
    await stack.db.pool.query(
      `INSERT INTO closing_documents (election_id, kind, scope, content, sha256, signers, created_at, published_at)
       VALUES ($1, 'protocol', 'protocol', $2, $3, $4, $5, $5)`,
      [
        stack.electionId,
        Buffer.from(content),
        createHash('sha256').update(content).digest(),
        ['chair', 'secretary', 'member-1'],
        new Date(PUBLISHED),
      ],
    );
    stack.clock.set(DAY_AFTER);
    const fillAct = async (page: Page, at: string) => {
      await page.getByLabel('Номер акта').fill('А-1');
      await page.getByLabel('Данные для составления списков участников ДЭГ', { exact: false }).check();
      await page.getByLabel('Ключ зашифрования и ключ расшифрования').check();
      await page.getByLabel('Когда уничтожены (МСК)', { exact: true }).fill(at);
      await page.getByLabel(/Кто уничтожил и подписал акт/).fill('chair, secretary');
      await page.getByLabel('Способ уничтожения', { exact: true }).fill('перезапись носителя');
      await page.getByRole('button', { name: 'Записать акт' }).click();
    };
    await withPage(browser, 'admin-retention', async (page) => {
      await openAs(page, stack.webUrl, chairman.id, '/commission/retention');
      const schedule = page.getByRole('table', { name: 'Сроки хранения (пп. 9.1, 9.2)' });
      await schedule.waitFor();
      await expect(page.locator('dd[data-fact="published"]').textContent()).resolves.toBe('21.09.2026 13:00');
      await expect(page.locator('dd[data-fact="term-ends"]').textContent()).resolves.toBe('01.10.2026 13:00');
      expect(await schedule.locator('tbody tr').count()).toBe(6);
      await expect(
        schedule.locator('tr[data-item="minutes-and-decisions"]').textContent(),
      ).resolves.toContain('передаются в ЦИК России 01.10.2026 13:00');
      await expect(schedule.locator('tr[data-item="list-data"]').textContent()).resolves.toContain(
        'уничтожаются по акту не ранее 22.09.2027 00:00',
      );
      await page.getByText('Актов об уничтожении нет.').waitFor();
      // Only the operator records wipes (P-9.4).
      expect(await page.getByRole('button', { name: 'Записать уничтожение' }).count()).toBe(0);
      await expectAccessible(page, 'retention, before the period');
      await fillAct(page, '2026-09-22T11:00');
      await page
        .getByRole('alert')
        .getByText(
          /^Срок хранения ещё не истёк: уничтожение не допускается \(RETENTION_NOT_OVER: list-data\)$/,
        )
        .waitFor();
      await screenshot(page, 'commission-retention-refused');
    });
    expect((await stack.db.pool.query('SELECT 1 FROM destruction_acts')).rowCount).toBe(0);

    stack.clock.set(YEAR_AFTER);
    await withPage(browser, 'admin-retention-act', async (page) => {
      await openAs(page, stack.webUrl, chairman.id, '/commission/retention');
      await page.getByRole('heading', { name: 'Записать акт об уничтожении' }).waitFor();
      await fillAct(page, '2027-09-23T11:30');
      await page.getByText('Акт № А-1 записан.').waitFor();
      const act = page
        .getByRole('table', { name: 'Акты об уничтожении (п. 9.3)' })
        .locator('tr[data-act="А-1"]');
      await expect(act.textContent()).resolves.toContain('23.09.2027 11:30');
      await expect(act.textContent()).resolves.toContain('chair, secretary');
      await expect(act.textContent()).resolves.toContain('Ключ зашифрования и ключ расшифрования');
      const schedule = page.getByRole('table', { name: 'Сроки хранения (пп. 9.1, 9.2)' });
      for (const item of ['list-data', 'keys'])
        await expect(schedule.locator(`tr[data-item="${item}"]`).textContent()).resolves.toContain(
          'уничтожены по акту № А-1',
        );
      await expect(schedule.locator('tr[data-item="ledger"]').textContent()).resolves.toContain('хранятся');
      // What an act destroyed is no longer offered for another act.
      expect(await page.getByLabel('Ключ зашифрования и ключ расшифрования').count()).toBe(0);
      await expectAccessible(page, 'retention, act recorded');
      await screenshot(page, 'commission-retention');
    });
    const acts = await stack.db.pool.query<{ number: string; items: string[]; destroyed_at: Date }>(
      'SELECT number, items, destroyed_at FROM destruction_acts',
    );
    expect(acts.rows).toEqual([
      { number: 'А-1', items: ['list-data', 'keys'], destroyed_at: new Date('2027-09-23T08:30:00Z') },
    ]);
  });

  test('P-9.4 the operator records a workstation wipe; one after the due date is marked late', async () => {
    await withPage(browser, 'admin-wipe', async (page) => {
      await openAs(page, stack.webUrl, operator.id, '/commission/retention');
      // Term ends 1 October 2026 (Thursday): three working days → by the end of 6 October.
      await expect(page.locator('dd[data-fact="wipe-due"]').textContent()).resolves.toBe('07.10.2026 00:00');
      await page.getByLabel('Рабочее место').fill('АРМ ТИК ДЭГ № 1');
      await page.getByLabel('Когда данные на рабочем месте уничтожены (МСК)').fill('2027-09-23T10:00');
      await page.getByLabel('Способ уничтожения данных на рабочем месте').fill('гарантированное удаление');
      await page.getByRole('button', { name: 'Записать уничтожение' }).click();
      await page.getByText('Записано: АРМ ТИК ДЭГ № 1.').waitFor();
      const row = page.locator('tr[data-workstation="АРМ ТИК ДЭГ № 1"]');
      await expect(row.textContent()).resolves.toContain('23.09.2027 10:00 (с нарушением срока)');
      await expectAccessible(page, 'retention, wipe');
      await screenshot(page, 'commission-retention-wipe');
    });
  });
});
