// The application portal (P-2) in Debian's Chromium, against the real API: a voter logs in through
// the identity stand-in, files with the SMS code from the development outbox, follows the status,
// withdraws and files again; a refused voter reads every reason in Russian (seed 003); the whole
// filing works from the keyboard alone; axe-core finds no serious or critical WCAG 2.1 violation;
// screenshots of each state, and of a 360-px phone, are kept in test-artifacts/.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  expectAccessible,
  latestCode,
  launchChromium,
  logInThroughPage,
  screenshot,
  shapeRegister,
  type Stack,
  startStack,
  withPage,
} from './stack.ts';

let stack: Stack;
let browser: Browser;
const register = shapeRegister([{}, { accountConfirmed: false, phoneConfirmed: false }, {}]);
const [voter, unconfirmed, keyboardVoter] = register as [
  (typeof register)[0],
  (typeof register)[0],
  (typeof register)[0],
];

beforeAll(async () => {
  stack = await startStack(register);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
  await stack.close();
});

/** Presses Tab until the focused element matches; fails after `max` presses. */
async function tabTo(
  page: Page,
  matches: (el: { tag: string; text: string; id: string }) => boolean,
  max = 60,
) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const el = await page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      return { tag: a?.tagName ?? '', text: a?.textContent.trim() ?? '', id: a?.id ?? '' };
    });
    if (matches(el)) return;
  }
  throw new Error('the element was not reached by Tab');
}

describe('application portal', () => {
  test('P-2.1 P-2.3 P-2.5 P-2.8 log in, file with the SMS code, see the status, withdraw, file again', async () => {
    await withPage(browser, 'apply-1', async (page) => {
      await page.goto(`${stack.webUrl}/apply`);
      await expect
        .poll(() => page.getByRole('heading', { level: 1 }).textContent())
        .toBe('Заявление на участие в ДЭГ');
      await expectAccessible(page, 'apply, anonymous');
      await screenshot(page, 'apply-login');

      await logInThroughPage(page, voter.id);
      await page.waitForURL(`${stack.webUrl}/apply`);
      await page.getByRole('heading', { name: 'Ваши данные' }).waitFor();
      await expect.poll(() => page.locator('.facts dd').first().textContent()).toContain(voter.familyName);
      await page.getByText('Вы ещё не подавали заявление.').waitFor();
      await expectAccessible(page, 'apply, logged in');
      await screenshot(page, 'apply-data');

      await page.getByRole('button', { name: 'Получить код по SMS' }).click();
      await page.getByText(`Код отправлен на номер +7 *** ***-**-${voter.phone.slice(-2)}`).waitFor();
      // P-6.8's minute applies to filing too: the resend button waits, its timer is announced politely.
      await expect(page.getByRole('button', { name: 'Получить новый код' }).isDisabled()).resolves.toBe(true);
      await expectAccessible(page, 'apply, code sent');
      await screenshot(page, 'apply-code');

      // A wrong code is refused in plain words, with the tries left.
      const code = await latestCode(stack, voter.phone);
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      await page.getByLabel('Код из SMS').fill(wrong);
      await page.getByRole('button', { name: 'Подать заявление' }).click();
      await page.getByRole('alert').getByText('Неверный код', { exact: false }).waitFor();
      await page.getByText(/Осталось попыток ввода: \d/).waitFor();

      await page.getByLabel('Код из SMS').fill(code);
      await page.getByRole('button', { name: 'Подать заявление' }).click();
      await page.locator('[data-status="submitted"]').waitFor();
      await expect(page.locator('[data-status="submitted"] .status-badge').textContent()).resolves.toBe(
        'Принято к рассмотрению',
      );
      await expectAccessible(page, 'apply, submitted');
      await screenshot(page, 'apply-submitted');

      // P-2.5: withdraw, confirming first.
      await page.getByRole('button', { name: 'Отозвать заявление' }).click();
      await page.getByRole('button', { name: 'Да, отозвать' }).click();
      await page.locator('[data-status="withdrawn"]').waitFor();
      await expect(page.locator('[data-status="withdrawn"] .status-badge').textContent()).resolves.toBe(
        'Отозвано',
      );

      // P-2.5: a withdrawn voter files again within the window (a new code a minute later).
      stack.clock.advance(61_000);
      await page.getByRole('button', { name: 'Получить код по SMS' }).click();
      await page.getByLabel('Код из SMS').waitFor();
      await page.getByLabel('Код из SMS').fill(await latestCode(stack, voter.phone));
      await page.getByRole('button', { name: 'Подать заявление' }).click();
      await page.locator('[data-status="submitted"]').waitFor();
      expect(await page.locator('.application').count()).toBe(2);

      // P-2.8: the status survives a reload; the page is the same in English.
      await page.reload();
      await page.locator('[data-status="submitted"]').waitFor();
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { level: 1, name: 'Application to vote remotely' }).waitFor();
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
      await expect(page.locator('[data-status="submitted"] .status-badge').textContent()).resolves.toBe(
        'Submitted, being processed',
      );
      await page.getByRole('button', { name: 'Русский' }).click();
    });
  });

  test('seed 003: every refusal reason is shown in plain Russian words, English on request', async () => {
    await withPage(browser, 'apply-2', async (page) => {
      await page.goto(`${stack.webUrl}/apply`);
      await logInThroughPage(page, unconfirmed.id);
      await page.getByRole('button', { name: 'Получить код по SMS' }).click();
      await page.getByText('Заявление не может быть подано. Причины:').waitFor();
      const reasons = page.locator('.refusals li');
      await expect.poll(() => reasons.count()).toBeGreaterThanOrEqual(2);
      const codes = await reasons.evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
      expect(codes).toEqual(expect.arrayContaining(['ACCOUNT_NOT_CONFIRMED', 'PHONE_NOT_CONFIRMED']));
      for (const text of await reasons.allTextContents()) expect(text).toMatch(/^[А-ЯЁ][^A-Za-z]*$/u);
      await expectAccessible(page, 'apply, refused');
      await screenshot(page, 'apply-refused');
      await page.getByRole('button', { name: 'English' }).click();
      for (const text of await reasons.allTextContents()) expect(text).toMatch(/^[A-Z][^А-Яа-яЁё]*$/u);
      await page.getByRole('button', { name: 'Русский' }).click();
    });
  });

  test('WCAG 2.1.1: the whole filing by keyboard alone, from the skip link to the status', async () => {
    await withPage(browser, 'apply-3', async (page) => {
      await page.goto(`${stack.webUrl}/apply`);
      await page.getByRole('link', { name: 'Войти через Госуслуги' }).waitFor();
      // The skip link is the first stop and moves focus to the main content.
      await page.keyboard.press('Tab');
      await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe(
        'Перейти к основному содержанию',
      );
      await page.keyboard.press('Enter');
      await tabTo(page, (el) => el.tag === 'A' && el.text === 'Войти через Госуслуги');
      await page.keyboard.press('Enter');
      await page.locator('#account').waitFor();
      await tabTo(page, (el) => el.id === 'account');
      await page.keyboard.type(keyboardVoter.id);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${stack.webUrl}/apply`);
      await page.getByRole('button', { name: 'Получить код по SMS' }).waitFor();
      await tabTo(page, (el) => el.tag === 'BUTTON' && el.text === 'Получить код по SMS');
      await page.keyboard.press('Enter');
      // The code field receives focus once the code is sent.
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('sms-code');
      await page.keyboard.type(await latestCode(stack, keyboardVoter.phone));
      await page.keyboard.press('Enter');
      await page.locator('[data-status="submitted"]').waitFor();
      // Withdrawing by keyboard: the confirmation button takes focus.
      await tabTo(page, (el) => el.tag === 'BUTTON' && el.text === 'Отозвать заявление');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Да, отозвать');
      await page.keyboard.press('Enter');
      await page.locator('[data-status="withdrawn"]').waitFor();
    });
  });

  test('P-4.4 a 360-px phone: no horizontal scrolling, large print and high contrast remembered', async () => {
    await withPage(
      browser,
      'apply-4',
      async (page) => {
        await page.goto(`${stack.webUrl}/apply`);
        await logInThroughPage(page, voter.id);
        await page.locator('[data-status="submitted"]').waitFor();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        await screenshot(page, 'apply-phone-360');
        await page.getByRole('button', { name: 'Крупный шрифт' }).click();
        await page.getByRole('button', { name: 'Высокая контрастность' }).click();
        await page.reload();
        await page.locator('[data-status="submitted"]').waitFor();
        await expect(page.locator('html').getAttribute('data-large-print')).resolves.toBe('');
        await expect(page.locator('html').getAttribute('data-high-contrast')).resolves.toBe('');
        await expect(
          page.getByRole('button', { name: 'Крупный шрифт' }).getAttribute('aria-pressed'),
        ).resolves.toBe('true');
        await expectAccessible(page, 'apply, phone, large print, high contrast');
        await screenshot(page, 'apply-phone-360-large-contrast');
      },
      { width: 360, height: 740 },
    );
  });
});
