// The voting portal (P-6) in Debian's Chromium against the real API — identity side, key ceremony,
// manifest and ballot box: log in → conditions → SMS code → anonymisation → ballot → "check my
// encryption" (Benaloh) → cast → receipt → "find my ballot" with the inclusion proof checked in the
// browser. A reload in the middle resumes; a lost connection while casting loses nothing and
// doubles nothing; a second tab cannot vote again, nor another device. axe-core on every step,
// screenshots kept, and the voting bundle's gzipped size measured from what the browser loaded.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  expectAccessible,
  latestCode,
  launchChromium,
  logInThroughPage,
  screenshot,
  shapeRegister,
  WEB_ROOT,
  withPage,
} from './stack.ts';
import { startVotingStack, type VotingStack } from './voting-stack.ts';

let stack: VotingStack;
let browser: Browser;
const register = shapeRegister([{}, {}, {}, {}, {}]);
const [, chairman, voter, lostConnection, outsider] = register as [
  (typeof register)[0],
  (typeof register)[0],
  (typeof register)[0],
  (typeof register)[0],
  (typeof register)[0],
];

beforeAll(async () => {
  stack = await startVotingStack(register, [voter, lostConnection]);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
  await stack.close();
});

/** From the conditions to the ballot: confirm, request and enter the code. */
async function throughIdentity(page: Page, phone: string, shots: boolean): Promise<void> {
  await page.getByRole('heading', { name: 'Информация и технические условия' }).waitFor();
  if (shots) {
    await expectAccessible(page, 'vote, conditions');
    await screenshot(page, 'vote-conditions');
  }
  await page.getByLabel('Я ознакомился(-лась) с информацией и техническими условиями').check();
  await page.getByRole('button', { name: 'Продолжить' }).click();
  await page.getByRole('button', { name: 'Получить код' }).click();
  await page.getByLabel('Код из SMS').waitFor();
  if (shots) {
    await expectAccessible(page, 'vote, code');
    await screenshot(page, 'vote-code');
  }
  await page.getByLabel('Код из SMS').fill(await latestCode(stack, phone));
  await page.getByRole('button', { name: 'Подтвердить' }).click();
}

describe('voting portal', () => {
  test('P-6.3–P-6.10 log in, conditions, code, anonymisation, ballot, challenge, reload, cast, receipt, find my ballot', async () => {
    await withPage(browser, 'vote-1', async (page, context) => {
      const scripts = new Set<string>();
      page.on('response', (r) => {
        const u = new URL(r.url());
        if (u.pathname.startsWith('/assets/')) scripts.add(u.pathname);
      });
      await page.goto(`${stack.webUrl}/vote`);
      await expectAccessible(page, 'vote, anonymous');
      await logInThroughPage(page, voter.id);
      await page.waitForURL(`${stack.webUrl}/vote`);
      await throughIdentity(page, voter.phone, true);

      // P-6.9: anonymisation, then the ballot with its filling rules.
      await page
        .getByRole('heading', { name: 'Разъяснение порядка заполнения' })
        .waitFor({ timeout: 60_000 });
      // P-4.1: candidate information, and the ballot in the region's state language.
      await page.getByText('1970 г. р., инженер').waitFor();
      await page.getByLabel('Язык бюллетеня').selectOption('tt');
      await page.getByLabel('Иванов Иван Иван улы').waitFor();
      await expectAccessible(page, 'vote, ballot in Tatar');
      await page.getByLabel('Язык бюллетеня').selectOption('ru');
      await page.getByLabel('Иванов Иван Иванович').waitFor();
      await expectAccessible(page, 'vote, ballot');
      await screenshot(page, 'vote-ballot');
      const credential = await page.evaluate(() =>
        Object.keys(localStorage).filter((k) => k.startsWith('opendeg.vote.')),
      );
      expect(credential).toHaveLength(1);

      // Benaloh: the encryption of a choice is opened and checked on the device, then discarded.
      await page.getByLabel('Иванов Иван Иванович').check();
      await page.getByRole('button', { name: 'Далее' }).click();
      await page.getByRole('heading', { name: 'Проверьте выбор' }).waitFor();
      const challengedCode = await page.locator('.tracker').textContent();
      await page.getByRole('button', { name: 'Проверить шифрование' }).click();
      await page
        .getByText(`Проверка пройдена: зашифрованный бюллетень с кодом ${challengedCode ?? ''} содержит`)
        .waitFor();
      await expect(page.locator('.panel li strong').textContent()).resolves.toBe('Иванов Иван Иванович');
      await page.getByText(/Раскрытый бюллетень опубликован в цепочке блоков/).waitFor();
      await expectAccessible(page, 'vote, challenged');
      await screenshot(page, 'vote-challenged');
      await page.getByRole('button', { name: 'Вернуться к бюллетеню' }).click();

      // A reload in the middle: the credential stays on the device, the ballot comes back.
      await page.getByLabel('Петрова Мария Сергеевна').check();
      await page.getByRole('button', { name: 'Далее' }).click();
      await page.getByRole('heading', { name: 'Проверьте выбор' }).waitFor();
      await page.reload();
      await page
        .getByRole('heading', { name: 'Разъяснение порядка заполнения' })
        .waitFor({ timeout: 60_000 });
      await page.getByLabel('Петрова Мария Сергеевна').check();
      await page.getByRole('button', { name: 'Далее' }).click();
      await page.getByRole('heading', { name: 'Проверьте выбор' }).waitFor();
      const trackerCode = await page.locator('.tracker').textContent();
      expect(trackerCode).not.toBe(challengedCode);
      await expectAccessible(page, 'vote, review');
      await screenshot(page, 'vote-review');
      await page.getByRole('button', { name: 'Проголосовать' }).click();

      // The receipt: the same tracker code the device showed before casting.
      await page.getByRole('heading', { name: 'Ваш голос принят' }).waitFor();
      await expect(page.getByTestId('tracker-code').textContent()).resolves.toBe(trackerCode);
      await expectAccessible(page, 'vote, receipt');
      await screenshot(page, 'vote-receipt');
      const stored = await page.evaluate(() => {
        const key = Object.keys(localStorage).find((k) => k.startsWith('opendeg.vote.'));
        return key === undefined ? '' : (localStorage.getItem(key) ?? '');
      });
      // Only the receipt stays on the device: no credential key, no ballot.
      expect(Object.keys(JSON.parse(stored) as object).sort()).toEqual(['receipt', 'region', 'version']);

      // The voting bundle: every script and style the browser loaded for this path, gzipped.
      let gzipped = 0;
      for (const asset of scripts) {
        gzipped += gzipSync(fs.readFileSync(path.join(WEB_ROOT, 'dist', asset)), { level: 9 }).length;
      }
      console.log(`voting bundle: ${scripts.size} assets, ${(gzipped / 1024).toFixed(1)} KiB gzipped`);
      expect(gzipped).toBeLessThanOrEqual(300 * 1024);

      // A second tab of the same browser sees the receipt, not a ballot.
      const second = await context.newPage();
      await second.goto(`${stack.webUrl}/vote`);
      await second.getByRole('heading', { name: 'Ваш голос принят' }).waitFor();
      await expect(second.getByTestId('tracker-code').textContent()).resolves.toBe(trackerCode);
      expect(await second.getByRole('button', { name: 'Проголосовать' }).count()).toBe(0);

      // "Find my ballot": the receipt checked in the browser, the log's signature too with its key.
      await page.locator('.receipt').getByRole('link', { name: 'Найти мой бюллетень' }).click();
      await page.waitForURL(/\/verify\?tracker=[0-9a-f]{64}/);
      await page.getByRole('heading', { name: /найден в цепочке блоков/ }).waitFor();
      const checks = await page
        .locator('.checks li')
        .evaluateAll((els) => els.map((e) => [e.getAttribute('data-check'), e.getAttribute('data-ok')]));
      expect(checks).toEqual([
        ['code', 'true'],
        ['checkpoint', 'true'],
        ['inclusion', 'true'],
        ['entry', 'true'],
        ['signature', 'undefined'],
      ]);
      await expectAccessible(page, 'verify');
      await screenshot(page, 'verify-found');
      const tracker = new URL(page.url()).searchParams.get('tracker') ?? '';
      await page.goto(
        `${stack.webUrl}/verify?tracker=${tracker}&vkey=${encodeURIComponent(stack.verifierKey)}`,
      );
      await page.getByRole('heading', { name: /найден в цепочке блоков/ }).waitFor();
      await expect(page.locator('[data-check="signature"]').getAttribute('data-ok')).resolves.toBe('true');
    });

    // Another device of the same voter: the ballot was issued once, and only there.
    await withPage(browser, 'vote-other-device', async (otherPage) => {
      await otherPage.goto(`${stack.webUrl}/vote`);
      await logInThroughPage(otherPage, voter.id);
      await otherPage
        .getByText('Электронный бюллетень вам уже выдан. Повторно получить бюллетень нельзя.')
        .waitFor();
      await expectAccessible(otherPage, 'vote, issued elsewhere');
    });
  });

  test('seeds 002/003: a connection lost while casting loses nothing and doubles nothing', async () => {
    await withPage(
      browser,
      'vote-2',
      async (page) => {
        await page.goto(`${stack.webUrl}/vote`);
        await logInThroughPage(page, lostConnection.id);
        await throughIdentity(page, lostConnection.phone, false);
        await page
          .getByRole('heading', { name: 'Разъяснение порядка заполнения' })
          .waitFor({ timeout: 60_000 });
        await screenshot(page, 'vote-ballot-phone-360');
        await page.getByLabel('Сидоров Пётр Алексеевич').check();
        await page.getByRole('button', { name: 'Далее' }).click();
        const trackerCode = await page.locator('.tracker').textContent();
        // The ballot box answers, but the answer never reaches the page.
        await page.route('**/api/box/ballots', async (route) => {
          await route.fetch();
          await route.abort('connectionreset');
        });
        await page.getByRole('button', { name: 'Проголосовать' }).click();
        await page.getByText('Нет связи с сервером', { exact: false }).waitFor();
        await page.unroute('**/api/box/ballots');
        // Reloaded: the stored ballot is sent again and its receipt arrives — the same one.
        await page.reload();
        await page.getByRole('heading', { name: 'Ваш голос принят' }).waitFor();
        await expect(page.getByTestId('tracker-code').textContent()).resolves.toBe(trackerCode);
        // One ballot counted for this voter: the box holds the two cast so far in this file, not three.
        const figures = (await (await fetch(`${stack.webUrl}/api/figures`)).json()) as {
          totals: { ballotsCast?: number };
        };
        expect(figures.totals.ballotsCast).toBe(2);
      },
      { width: 360, height: 740 },
    );
  });

  test('P-6.5 a voter not on the list gets no access, told so in plain words', async () => {
    await withPage(browser, 'vote-3', async (page) => {
      await page.goto(`${stack.webUrl}/vote`);
      await logInThroughPage(page, outsider.id);
      await page.getByText('Вы не включены в список участников ДЭГ', { exact: false }).waitFor();
      await expectAccessible(page, 'vote, not on the list');
      await screenshot(page, 'vote-not-on-list');
    });
  });

  test('P-10.2 P-10.8 P-10.10 P-11.10.2 observer portal: live figures, the ledger explorer, downloads; every page accessible', async () => {
    await withPage(browser, 'vote-4', async (page) => {
      await page.goto(`${stack.webUrl}/`);
      await expectAccessible(page, 'home');
      await screenshot(page, 'home');

      await page.goto(`${stack.webUrl}/observe`);
      const tatarstan = page.getByRole('row', { name: /Республика Татарстан/ });
      await tatarstan.waitFor();
      // Two participants on the list, both given ballot access, both ballots cast: turnout 100 %.
      await expect(tatarstan.locator('td.number').allTextContents()).resolves.toEqual([
        '2',
        '2',
        '2',
        '100,00 %',
      ]);
      await page.getByRole('img', { name: 'Явка по регионам' }).waitFor();
      await expectAccessible(page, 'observe, figures');
      await screenshot(page, 'observe-figures');

      await page.getByRole('link', { name: 'Цепочка блоков' }).click();
      await page.getByRole('table').waitFor();
      const types = await page.locator('tbody tr td:nth-child(2)').allTextContents();
      expect(types).toEqual(expect.arrayContaining(['ballot', 'challenged']));
      await expectAccessible(page, 'observe, ledger');
      await screenshot(page, 'observe-ledger');

      await page.getByRole('link', { name: 'Загрузка и проверка' }).click();
      await page.getByRole('heading', { name: 'Как проверить самостоятельно' }).waitFor();
      await expectAccessible(page, 'observe, verify');
      await screenshot(page, 'observe-verify');

      await page.goto(`${stack.webUrl}/verify`);
      await expectAccessible(page, 'verify, empty');
    });
  });

  test('P-3.5 P-3.8 P-3.9 commission workstation: the list with ballot access marked, decisions, observers', async () => {
    await withPage(browser, 'vote-5', async (page) => {
      await page.goto(`${stack.webUrl}/commission`);
      await logInThroughPage(page, chairman.id);
      await page.getByText(/Ваши роли: Председатель/).waitFor();
      await page.getByLabel('Код региона').fill('16');
      await page.getByRole('button', { name: 'Показать' }).click();
      await page.getByText('В списке: 2; выдано бюллетеней: 2.').waitFor();
      const rows = page.locator('tbody tr');
      await expect.poll(() => rows.count()).toBe(2);
      // P-3.8: once ballot access was granted, the row shows the passport.
      for (const cell of await page.locator('tbody tr td:nth-child(6)').allTextContents())
        expect(cell).not.toBe('');
      await expectAccessible(page, 'commission, lists');
      await screenshot(page, 'commission-lists');
      await page.getByRole('link', { name: 'Решения' }).click();
      await page.getByText(/Части ключа и порог/).waitFor();
      await expectAccessible(page, 'commission, decisions');
      await screenshot(page, 'commission-decisions');
      await page.getByRole('link', { name: 'Наблюдатели' }).click();
      await page.getByRole('heading', { name: 'Наблюдатели', level: 2 }).waitFor();
      await expectAccessible(page, 'commission, observers');
    });
  });
});
