// The observer portal's blocks for portal observers (P-10.10, appointed per P-10.9) in Debian's
// Chromium against the real API and PostgreSQL, the election's ledger on PostgreSQL with 300 entries
// (a full block of 256 and a partial one of 44): an anonymous visitor gets the sign-in with its
// explanation; a portal observer signs in, sees the blocks, checks each in the browser (verified),
// downloads one (the public tile's bytes, and an audit row); an account without the role sees the
// server's refusal. axe-core on each page, screenshots kept in test-artifacts/.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { ed25519NoteSigner, Ledger, PostgresLedgerStore, unwrap } from '@opendeg/ledger';
import { insertAssignment } from '../../server/src/authz/store.ts';
import {
  expectAccessible,
  launchChromium,
  logInThroughPage,
  logTestCost,
  screenshot,
  shapeRegister,
  type Stack,
  startStack,
  withPage,
} from './stack.ts';

const ENTRIES = 300;
let stack: Stack;
let browser: Browser;
const register = shapeRegister([{}, {}]);
const [observer, outsider] = register as [(typeof register)[0], (typeof register)[0]];

beforeAll(async () => {
  let closeLedger = (): Promise<void> => Promise.resolve();
  stack = await startStack(register, {
    cleanup: () => closeLedger(),
    extra: async ({ db, election, clock }) => {
      const origin = 'opendeg.test/web-blocks/ledger';
      const signer = ed25519NoteSigner(origin, new Uint8Array(32).fill(6));
      const store = await PostgresLedgerStore.open(db.newPool(), origin);
      const ledger = unwrap(await Ledger.open({ origin, signer, store }));
      closeLedger = () => ledger.close();
      // Entries of any content: a block is the ledger's bytes, whatever its entries hold.
      await Promise.all(
        Array.from({ length: ENTRIES }, async (_, i) => {
          const r = await ledger.appendBytes(new TextEncoder().encode(`{"type":"test","i":${String(i)}}`));
          if (!r.ok) throw new Error(r.error.message);
        }),
      );
      await insertAssignment(db.pool, {
        electionId: election.id,
        subject: observer.id,
        role: 'portal-observer',
        region: null,
        memberId: null,
        assignedBy: null,
        at: clock.now(),
      });
      return { ballotBox: { log: ledger } };
    },
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
  await stack.close();
});

logTestCost();

describe('observer portal: ledger blocks for portal observers', () => {
  test('P-10.10: an anonymous visitor is asked to sign in, with the reason in Russian', async () => {
    await withPage(browser, 'observe-blocks-anonymous', async (page) => {
      await page.goto(`${stack.webUrl}/observe/blocks`);
      await page.getByRole('heading', { name: 'Вход' }).waitFor();
      await page.getByText(/Наблюдатели на портале наблюдения, назначенные по п\. 10\.9/).waitFor();
      expect(await page.getByRole('table').count()).toBe(0);
      await expectAccessible(page, 'blocks, anonymous');
      await screenshot(page, 'observe-blocks-anonymous');
    });
  });

  test('P-10.9 P-10.10: a portal observer signs in, sees the blocks, checks one in the browser and downloads it', async () => {
    await withPage(browser, 'observe-blocks-observer', async (page) => {
      await page.goto(`${stack.webUrl}/observe/blocks`);
      await logInThroughPage(page, observer.id);
      await page.waitForURL(`${stack.webUrl}/observe/blocks`);
      const table = page.getByRole('table');
      await table.waitFor();
      expect(await table.locator('caption').innerText()).toMatch(/размера 300: 2$/);
      const rows = table.locator('tbody tr');
      expect(await rows.count()).toBe(2);
      expect(await rows.nth(0).innerText()).toContain('0–255');
      expect(await rows.nth(1).innerText()).toContain('256–299');

      for (const n of [1, 0]) {
        await page.getByRole('button', { name: `Проверить блок ${String(n)} в браузере` }).click();
        const verified = page.locator('[data-check="verified"]', { hasText: `Блок ${String(n)} проверен` });
        await verified.waitFor();
        expect(await verified.innerText()).toContain(
          `Блок ${String(n)} проверен: его ${n === 0 ? '256' : '44'} записей входят в дерево подписанной контрольной точки размера 300.`,
        );
      }
      await expectAccessible(page, 'blocks, observer');
      await screenshot(page, 'observe-blocks-observer');

      const saved = page.waitForEvent('download');
      await page.getByRole('link', { name: 'Скачать блок 0' }).click();
      const download = await saved;
      const file = await download.path();
      const bytes = fs.readFileSync(file);
      const tile = Buffer.from(await (await fetch(`${stack.webUrl}/log/tile/entries/000`)).arrayBuffer());
      expect(bytes.length).toBeGreaterThan(256 * 2);
      expect(bytes.equals(tile)).toBe(true);
      const audit = await stack.db.pool.query<{ actor_role: string; details: Record<string, unknown> }>(
        `SELECT actor_role, details FROM audit_events WHERE action = 'ledger_block.download' ORDER BY id`,
      );
      expect(audit.rows.map((r) => [r.actor_role, r.details.block])).toContainEqual(['portal_observer', 0]);
      expect(JSON.stringify(audit.rows)).not.toContain(observer.id);
    });
  });

  test('P-10.10: a block altered on the way fails the check in the browser, even with a matching SHA-256', async () => {
    await withPage(browser, 'observe-blocks-tampered', async (page) => {
      // The last entry of block 0 changed by one byte; the header's hash made to match the change,
      // so only the leaves against the inclusion proof can tell.
      await page.route('**/api/observers/blocks/0', async (route) => {
        const response = await route.fetch();
        const body = Buffer.from(await response.body());
        body[body.length - 2] = (body[body.length - 2] ?? 0) ^ 1;
        await route.fulfill({
          response,
          body,
          headers: {
            ...response.headers(),
            'x-block-sha256': createHash('sha256').update(body).digest('hex'),
          },
        });
      });
      await page.goto(`${stack.webUrl}/observe/blocks`);
      await logInThroughPage(page, observer.id);
      await page.waitForURL(`${stack.webUrl}/observe/blocks`);
      await page.getByRole('button', { name: 'Проверить блок 0 в браузере' }).click();
      const failed = page.locator('[data-check="failed"]');
      await failed.waitFor();
      expect(await failed.innerText()).toBe('Блок 0 не прошёл проверку: записи блока не входят в дерево');
      expect(await page.locator('[data-check="verified"]').count()).toBe(0);
    });
  });

  test('P-10.10: an account without the role sees the server’s refusal in its words', async () => {
    await withPage(browser, 'observe-blocks-outsider', async (page) => {
      await page.goto(`${stack.webUrl}/observe/blocks`);
      await logInThroughPage(page, outsider.id);
      await page.waitForURL(`${stack.webUrl}/observe/blocks`);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.innerText()).toContain('Недостаточно прав для этого действия');
      expect(await page.getByRole('table').count()).toBe(0);
      await expectAccessible(page, 'blocks, outsider');
    });
  });
});
