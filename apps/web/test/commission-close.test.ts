// The commission's workstation closes a key group in Debian's Chromium against the real API
// (P-5, P-3.4, P-7, P-8, P-11.7.8): the key ceremony with each holder's part file downloaded; a
// participant excluded with a ground; ballots cast through the API as voters' devices would; after
// voting the chairman orders the final lists and the chairman and the secretary sign them with
// their own key files in the browser (keyboard only); the custody of the medium; decryption by K
// holders each loading their part file in the browser (shares with proofs go to the server, never
// the part); a region declared invalid; the protocol signed by every member in the browser and
// published; the observer portal shows it with the region marked. axe-core on every new page,
// screenshots kept in test-artifacts/.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, FileChooser, Page } from 'playwright-core';
import {
  expectAccessible,
  latestCode,
  launchChromium,
  logInThroughPage,
  logTestCost,
  openAs,
  screenshot,
  shapeRegister,
  tabToId,
  withPage,
} from './stack.ts';
import {
  AFTER_VOTING,
  castVote,
  HOLDERS,
  holderPassphrase,
  memberPassphrase,
  prepareVoting,
  startCloseStack,
  VOTING_NOON,
  type CloseStack,
  type MemberId,
} from './close-stack.ts';

let stack: CloseStack;
let browser: Browser;
const register = shapeRegister([{}, {}, {}, {}, {}, {}, {}, {}, {}, {}]);
const [, chairman, secretary, member, v1, v2, v3, v4, novosibirsk, v5] = register as [
  (typeof register)[0],
  (typeof register)[0],
  (typeof register)[0],
  (typeof register)[0],
  (typeof register)[0],
  (typeof register)[0],
  (typeof register)[0],
  (typeof register)[0],
  (typeof register)[0],
  (typeof register)[0],
];
novosibirsk.address.regionCode = '54';
const accounts: Record<MemberId, typeof chairman> = { chair: chairman, secretary, 'member-1': member };
/** The part files as the holders saved them from the ceremony page. */
const partFiles = new Map<number, string>();

beforeAll(async () => {
  stack = await startCloseStack(register);
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser.close();
  await stack.close();
});

logTestCost();

/** Tabs forward until the focused element matches `selector` (and has `text`), at most 80 presses. */
async function tabUntil(page: Page, selector: string, text?: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    const hit = await page.evaluate(
      ([sel, txt]) => {
        const el = document.activeElement;
        return el !== null && el.matches(sel) && (txt === '' || el.textContent.trim() === txt);
      },
      [selector, text ?? ''] as const,
    );
    if (hit) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`nothing matching ${selector} received focus`);
}

/** Keyboard only: the file fields opened with Space, the passphrase typed, Enter submits. */
async function signByKeyboard(page: Page, prefix: string, m: MemberId): Promise<void> {
  const medium = stack.media.get(m);
  if (medium === undefined) throw new Error(`no medium for ${m}`);
  for (const [field, file] of [
    ['key', medium.keyFile],
    ['cert', medium.certificate],
  ] as const) {
    // Space opens the file field's chooser; the file comes from the member's medium. Under heavy
    // load Chromium sometimes drops the first key press's chooser, so the key is pressed again
    // (still by keyboard) before giving up.
    let opened: FileChooser | undefined;
    for (let attempt = 1; opened === undefined; attempt++) {
      await tabToId(page, `${prefix}-${field}`);
      const chooser = page.waitForEvent('filechooser', { timeout: 10_000 });
      await page.keyboard.press('Space');
      opened = await chooser.catch(async (e: unknown) => {
        if (attempt < 3) return undefined;
        const focus = await page.evaluate(() => document.activeElement?.outerHTML ?? 'none');
        throw new Error(`no file chooser for ${prefix}-${field}; focus on ${focus}`, { cause: e });
      });
    }
    await opened.setFiles(file);
  }
  await tabToId(page, `${prefix}-pass`);
  await page.keyboard.type(memberPassphrase(m));
  await page.keyboard.press('Enter');
}

describe('commission workstation: the close of a key group', () => {
  test('P-5.4 P-5.5 P-5.6 key ceremony: N and K from the decision, each holder types a passphrase and downloads their own part file', async () => {
    await withPage(browser, 'close-keys', async (page) => {
      await openAs(page, stack.webUrl, chairman.id, '/commission/keys');
      await page
        .getByText('По решению комиссии: частей ключа N = 3, для расшифрования нужно K = 2.')
        .waitFor();
      for (const [i] of HOLDERS.entries())
        await page
          .getByLabel(`Часть ${String(i + 1)}: держатель ${HOLDERS[i] ?? ''}`)
          .fill(holderPassphrase(i + 1));
      await page.getByLabel('Идентификатор члена комиссии').fill('chair');
      // 11:30 Moscow time on the set-up day: before the ceremony opens (P-5.5).
      await page.getByLabel('Время прибытия').fill('2026-09-10T11:30');
      await expectAccessible(page, 'keys, form');
      await screenshot(page, 'commission-keys');
      await page.getByRole('button', { name: 'Сформировать ключи' }).click();
      await page.getByText(/Ключи группы main сформированы/).waitFor({ timeout: 60_000 });
      for (const [i, holder] of HOLDERS.entries()) {
        const saved = page.waitForEvent('download');
        await page
          .getByRole('button', { name: `Скачать файл части ${String(i + 1)} (держатель ${holder})` })
          .click();
        const file = await saved;
        const filePath = await file.path();
        partFiles.set(i + 1, fs.readFileSync(filePath, 'utf8'));
      }
      await expectAccessible(page, 'keys, files');
      await screenshot(page, 'commission-keys-files');
    });
    expect(partFiles.size).toBe(3);
    // Each file is a sealed part for its own index; no file carries a passphrase.
    for (const [i, text] of partFiles) {
      expect(text).toContain(`"partIndex":${String(i)}`);
      for (const j of [1, 2, 3]) expect(text).not.toContain(holderPassphrase(j));
    }
    // Voting: the manifest fixed, lists compiled; v4 stays on Tatarstan's list without voting.
    await prepareVoting(stack, chairman, { '16': [v1, v2, v3, v4, v5], '54': [novosibirsk] });
    stack.clock.set(VOTING_NOON);
    await castVote(stack, v1, '16', ['c1']);
    await castVote(stack, v2, '16', ['c1']);
    await castVote(stack, v3, '16', ['c2']);
    await castVote(stack, novosibirsk, '54', ['c3']);
  });

  test('P-3.4 the chairman excludes a participant with a ground and a document; the row stays, struck through, with the ground shown', async () => {
    await withPage(browser, 'close-exclude', async (page) => {
      await openAs(page, stack.webUrl, chairman.id, '/commission');
      await page.getByLabel('Код региона').fill('16');
      await page.getByRole('button', { name: 'Показать' }).click();
      await page.getByRole('table').waitFor();
      const row = page.locator('tr', { hasText: v4.familyName });
      const n = (await row.locator('td').first().textContent()) ?? '';
      await page.getByRole('button', { name: `Исключить участника № ${n}` }).click();
      await page.getByLabel('Основание (п. 3.4 Порядка)').selectOption('LOST_SUFFRAGE');
      await page.getByLabel(/Официальный документ/).fill('Решение суда № 2-123/2026');
      await expectAccessible(page, 'lists, exclusion form');
      await page.getByRole('button', { name: 'Исключить из списка' }).click();
      await row.locator('del').waitFor();
      await expect(row.locator('td.reason').first().textContent()).resolves.toBe(
        'Утратил активное избирательное право',
      );
      expect(await row.getByRole('button').count()).toBe(0);
      await page.getByText(/В списке: 4;/).waitFor();
      await expectAccessible(page, 'lists, excluded');
      await screenshot(page, 'commission-exclusion');
    });
  });

  test('P-11.4.4 the ballot for the visually impaired: reached from the voting portal, very large print and high contrast, filled and cast by keyboard', async () => {
    await withPage(browser, 'close-large-ballot', async (page) => {
      await page.goto(`${stack.webUrl}/vote`);
      await page.getByRole('link', { name: /Бюллетень для слабовидящих/ }).click();
      await page.waitForURL(`${stack.webUrl}/vote/large`);
      await logInThroughPage(page, v5.id);
      await page.waitForURL(`${stack.webUrl}/vote/large`);
      await page.getByLabel('Я ознакомился(-лась) с информацией и техническими условиями').check();
      await page.getByRole('button', { name: 'Продолжить' }).click();
      await page.getByRole('button', { name: 'Получить код' }).click();
      await page.getByLabel('Код из SMS').waitFor();
      await page.getByLabel('Код из SMS').fill(await latestCode(stack, v5.phone));
      await page.getByRole('button', { name: 'Подтвердить' }).click();
      await page
        .getByRole('heading', { name: 'Разъяснение порядка заполнения' })
        .waitFor({ timeout: 60_000 });
      await page
        .getByRole('heading', { name: 'Голосование: бюллетень для слабовидящих', level: 1 })
        .waitFor();
      // Very large print and high contrast whatever the display settings: 28 px text, black on white,
      // squares of 3.5 rem.
      const look = await page.evaluate(() => {
        const root = getComputedStyle(document.documentElement);
        const square = document.querySelector('.option input')?.getBoundingClientRect();
        const label = document.querySelector('.option label');
        return {
          fontSize: parseFloat(root.fontSize),
          color: label ? getComputedStyle(label).color : '',
          square: square?.width ?? 0,
        };
      });
      expect(look.fontSize).toBeGreaterThanOrEqual(28);
      expect(look.color).toBe('rgb(0, 0, 0)');
      expect(look.square).toBeGreaterThanOrEqual(90);
      await expectAccessible(page, 'large ballot');
      await screenshot(page, 'vote-ballot-large');
      // Keyboard only: the first square, then the arrow to the second candidate, Далее, Проголосовать.
      await page.locator('#main h1').focus();
      await tabUntil(page, 'input[type="radio"]');
      await page.keyboard.press('Space');
      await page.keyboard.press('ArrowDown');
      await expect(page.getByLabel('Петрова Мария Сергеевна').isChecked()).resolves.toBe(true);
      await tabUntil(page, 'button', 'Далее');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Проверьте выбор' }).waitFor();
      await page.locator('#main h1').focus();
      await tabUntil(page, 'button', 'Проголосовать');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Ваш голос принят' }).waitFor({ timeout: 60_000 });
      // The large version is reached from the standard page and leads back to it.
      await page.getByRole('link', { name: 'Обычная версия бюллетеня' }).click();
      await page.waitForURL(`${stack.webUrl}/vote`);
      expect(await page.evaluate(() => 'ballotLarge' in document.documentElement.dataset)).toBe(false);
    });
  });

  test('P-7.1 P-7.2 P-7.3 P-7.5 final lists: the chairman orders them, chairman and secretary each sign with their own key file by keyboard only, then the medium goes into custody', async () => {
    stack.clock.set(AFTER_VOTING);
    await withPage(browser, 'close-final-chair', async (page) => {
      await openAs(page, stack.webUrl, chairman.id, '/commission/final-lists');
      await page.getByText('Итоговые списки группы main ещё не сформированы.').waitFor();
      await expectAccessible(page, 'final lists, none');
      await page.getByRole('button', { name: 'Сформировать итоговые списки' }).click();
      const table = page.getByRole('table', { name: /Итоговые списки группы main/ });
      await table.waitFor();
      // Lines 1 and 2: Tatarstan 4 on the list (one of five excluded) and 4 ballots issued; Novosibirsk 1 and 1.
      await expect(table.getByRole('row', { name: /^16 / }).textContent()).resolves.toBe('1644');
      await expect(table.getByRole('row', { name: /^54 / }).textContent()).resolves.toBe('5411');
      await page.getByRole('heading', { name: 'Подписать своим ключом' }).waitFor();
      await expectAccessible(page, 'final lists, to sign');
      await screenshot(page, 'commission-final-lists');
      // A wrong passphrase: refused in the browser, nothing sent.
      await page
        .getByLabel('Файл ключа подписи (.pem)')
        .setInputFiles(stack.media.get('chair')?.keyFile ?? '');
      await page
        .getByLabel('Сертификат ключа (.pem)')
        .setInputFiles(stack.media.get('chair')?.certificate ?? '');
      await page.getByLabel('Парольная фраза ключа').fill('не та фраза');
      await page.getByRole('button', { name: 'Подписать' }).click();
      await page.getByRole('alert').getByText('Неверный пароль к файлу ключа').waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Подписать своим ключом' }).waitFor();
      await page.locator('#main h1').focus();
      await signByKeyboard(page, 'final-sign', 'chair');
      await page.locator('tr[data-member="chair"]', { hasText: 'подписано' }).waitFor();
      await page.getByText('Ожидаются подписи председателя и секретаря.').waitFor();
      expect(await page.getByRole('heading', { name: 'Подписать своим ключом' }).count()).toBe(0);
    });
    await withPage(browser, 'close-final-secretary', async (page) => {
      await openAs(page, stack.webUrl, secretary.id, '/commission/final-lists');
      await page.getByRole('heading', { name: 'Подписать своим ключом' }).waitFor();
      await page.locator('#main h1').focus();
      await signByKeyboard(page, 'final-sign', 'secretary');
      await page.getByText(/Итоговые списки подписаны/).waitFor();
      await page.getByLabel('Носитель (метка или номер)').fill('CD-R № 1');
      await page.getByLabel('Место хранения').fill('сейф № 2');
      await page.getByLabel('SHA-256 записанного пакета').fill('ab'.repeat(32));
      await page.getByRole('button', { name: 'Записать передачу' }).click();
      await page.getByText('Записано: носитель CD-R № 1 помещён в сейф № 2', { exact: false }).waitFor();
      await expectAccessible(page, 'final lists, signed');
      await screenshot(page, 'commission-final-lists-signed');
    });
  });

  test('P-7.6 P-7.7 P-11.7.8 decryption: K holders each load their part file in the browser; progress shows total, decrypted and percent; a wrong passphrase is refused in the browser', async () => {
    await withPage(browser, 'close-decrypt', async (page) => {
      await openAs(page, stack.webUrl, chairman.id, '/commission/decryption');
      await page.getByRole('button', { name: 'Начать расшифрование' }).click();
      const fact = (name: string) => page.locator(`dd[data-fact="${name}"]`);
      await expect(fact('total').textContent()).resolves.toBe('5');
      await expect(fact('decrypted').textContent()).resolves.toBe('0');
      await expect(fact('percent').textContent()).resolves.toBe('0 %');
      await expectAccessible(page, 'decryption, started');
      const requests: string[] = [];
      page.on('request', (r) => {
        requests.push(r.postData() ?? '');
      });
      const load = async (index: number, passphrase: string) => {
        await page.getByLabel('Файл части ключа').setInputFiles({
          name: `part-${String(index)}.txt`,
          mimeType: 'text/plain',
          buffer: Buffer.from(partFiles.get(index) ?? ''),
        });
        await page.getByLabel('Парольная фраза держателя').fill(passphrase);
        await page.getByRole('button', { name: 'Расшифровать своей частью' }).click();
      };
      await load(1, 'не та фраза');
      await page
        .getByRole('alert')
        .getByText(/KEYFILE_WRONG_PASSPHRASE/)
        .waitFor({ timeout: 60_000 });
      await load(1, holderPassphrase(1));
      await page.getByText('Частичные расшифровки части 1 приняты и проверены.').waitFor({ timeout: 60_000 });
      await expect(fact('decrypted').textContent()).resolves.toBe('0');
      await screenshot(page, 'commission-decryption');
      // The third holder (not a commission member) at the same workstation.
      await load(3, holderPassphrase(3));
      await page.getByText(/Расшифрование завершено/).waitFor({ timeout: 60_000 });
      await expect(fact('total').textContent()).resolves.toBe('5');
      await expect(fact('decrypted').textContent()).resolves.toBe('5');
      await expect(fact('percent').textContent()).resolves.toBe('100 %');
      await expectAccessible(page, 'decryption, complete');
      await screenshot(page, 'commission-decryption-complete');
      // Nothing of the parts went to the server: no file, no passphrase in any request.
      const sent = requests.join('\n');
      expect(sent).toContain('"regions"');
      for (const i of [1, 3]) {
        expect(sent).not.toContain(holderPassphrase(i));
        expect(sent).not.toContain((partFiles.get(i) ?? '').split('\n')[3] ?? 'unreachable');
      }
    });
    const results = await stack.db.pool.query<{ region: string; counts: number[][] }>(
      `SELECT region, counts FROM decryption_results ORDER BY region`,
    );
    expect(results.rows.map((r) => [r.region, r.counts[0]?.slice(-3)])).toEqual([
      ['16', [2, 2, 0]],
      ['54', [0, 0, 1]],
    ]);
  });

  test('P-7.10 P-7.9 the chairman declares Novosibirsk invalid, compiles the protocol; every member signs it with their own key; it is published with the region marked', async () => {
    await withPage(browser, 'close-protocol-chair', async (page) => {
      await openAs(page, stack.webUrl, chairman.id, '/commission/protocol');
      await page.getByText('Протокол ещё не составлен.').waitFor();
      await page.getByRole('textbox', { name: 'Субъект РФ (код)' }).fill('54');
      await page.getByLabel('Решение комиссии (номер)').fill('Решение № 12/3');
      await page.getByLabel('Причина', { exact: true }).fill('Нарушения при голосовании');
      await expectAccessible(page, 'protocol, before');
      await page.getByRole('button', { name: 'Признать недействительными' }).click();
      await page.getByText('Итоги признаны недействительными: 54.').waitFor();
      for (const m of ['chair', 'secretary', 'member-1'])
        await expect(page.getByLabel(m).isChecked()).resolves.toBe(true);
      await page.getByRole('button', { name: 'Составить протокол' }).click();
      const region54 = page.locator('.protocol-region[data-region="54"]');
      await region54
        .getByText('Итоги признаны недействительными: Решение № 12/3. Причина: Нарушения при голосовании.')
        .waitFor();
      await expect(region54.getByRole('table').getAttribute('aria-describedby')).resolves.toBe('invalid-54');
      expect(await page.locator('.protocol-region[data-region="16"].invalidated').count()).toBe(0);
      // Tatarstan: lines 1–4, then the candidates c1 2, c2 2, c3 0.
      const t16 = page.getByRole('table', { name: 'Субъект РФ 16' });
      const values = await t16.locator('tbody tr td:last-child').allTextContents();
      expect(values).toEqual(['4', '4', '4', '0', '2', '2', '0']);
      await page.locator('#main h1').focus();
      await signByKeyboard(page, 'protocol-sign', 'chair');
      await page.locator('tr[data-member="chair"]', { hasText: 'подписано' }).waitFor();
      await page.getByText('Ожидаются подписи или причины их отсутствия: 2.').waitFor();
      await page.getByRole('heading', { name: 'Причина отсутствия подписи' }).waitFor();
      await expectAccessible(page, 'protocol, signing');
      await screenshot(page, 'commission-protocol');
    });
    for (const m of ['secretary', 'member-1'] as const) {
      await withPage(browser, `close-protocol-${m}`, async (page) => {
        await openAs(page, stack.webUrl, accounts[m].id, '/commission/protocol');
        await page.getByRole('heading', { name: 'Подписать своим ключом' }).waitFor();
        await page.getByLabel('Файл ключа подписи (.pem)').setInputFiles(stack.media.get(m)?.keyFile ?? '');
        await page.getByLabel('Сертификат ключа (.pem)').setInputFiles(stack.media.get(m)?.certificate ?? '');
        await page.getByLabel('Парольная фраза ключа').fill(memberPassphrase(m));
        await page.getByRole('button', { name: 'Подписать' }).click();
        await page.locator(`tr[data-member="${m}"]`, { hasText: 'подписано' }).waitFor();
        if (m === 'member-1') {
          await page.getByText(/Протокол опубликован/).waitFor();
          // Hand-over exports: the signed JSON as served, each signature, the PDFs of valid regions.
          const saved = page.waitForEvent('download');
          await page.getByRole('button', { name: /Скачать протокол \(JSON/ }).click();
          const json = JSON.parse(fs.readFileSync(await (await saved).path(), 'utf8')) as {
            regions: { region: string; invalidated?: { decision: string } }[];
          };
          expect(json.regions.find((r) => r.region === '54')?.invalidated?.decision).toBe('Решение № 12/3');
          expect(await page.getByRole('button', { name: /Скачать подпись:/ }).count()).toBe(3);
          expect(await page.getByRole('link', { name: /PDF, приложение 4/ }).count()).toBe(1);
          const pdf = await fetch(`${stack.webUrl}/api/closing/protocol/regions/16/pdf`);
          expect(pdf.headers.get('content-type')).toBe('application/pdf');
          await expectAccessible(page, 'protocol, published');
          await screenshot(page, 'commission-protocol-published');
        }
      });
    }
  });

  test('P-7.9 P-7.10 the observer portal shows the signed protocol per region, the invalidated region marked, every member signed', async () => {
    await withPage(browser, 'close-observe', async (page) => {
      await page.goto(`${stack.webUrl}/observe`);
      await page.getByRole('link', { name: 'Протокол' }).click();
      await page.getByRole('heading', { name: 'Подписанный протокол об итогах ДЭГ' }).waitFor();
      await page.getByRole('table', { name: 'Субъект РФ 16' }).waitFor();
      await page.getByRole('table', { name: /Субъект РФ 54 — итоги признаны недействительными/ }).waitFor();
      await expect(page.locator('.protocol-region.invalidated').count()).resolves.toBe(1);
      for (const m of ['chair', 'secretary', 'member-1'])
        await page.locator(`tr[data-member="${m}"]`, { hasText: 'подписано' }).waitFor();
      await expectAccessible(page, 'observe, protocol');
      await screenshot(page, 'observe-protocol');
    });
  });
});
