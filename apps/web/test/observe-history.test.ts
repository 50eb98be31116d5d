// Turnout over time on the observer portal (P-10.2, P-10.8, P-11.10.2; issue 7) in Debian's
// Chromium against the real API and PostgreSQL: lists loaded, ballot access granted and the ballot
// box's counts (a fake castCounts, as the server's figures tests use) changing while the scenario
// clock moves across the history's 15-minute steps; the figures read at each step write its point.
// The portal must draw one point per step, its table must show the API's numbers, in Moscow time
// for all regions and in the region's own zone for one; axe-core clean; screenshots kept.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { ParticipantListStore, type ParticipantRecord } from '@opendeg/db';
import type { Api } from '@opendeg/server';
import {
  launchChromium,
  screenshot,
  seriousViolations,
  shapeRegister,
  startStack,
  withPage,
  type Stack,
} from './stack.ts';

type History = Api['GET /api/figures/history']['response'];

let stack: Stack;
let browser: Browser;
let cast = new Map<string, number>();

function participant(n: number): ParticipantRecord {
  const k = String(n).padStart(2, '0');
  return {
    id: `oh-${k}`,
    lastName: 'Наблюдаев',
    firstName: 'Иван',
    middleName: 'Петрович',
    birthDate: `1975-03-${k}`,
    address: `г. Тест, ул. Графиков, д. ${n}`,
    phone: `+7900555${k}${k}`,
    passport: { series: `47 ${k}`, number: `5550${k}` },
    precinct: '1',
  };
}
const TATARSTAN = [1, 2, 3, 4].map(participant);
const NOVOSIBIRSK = [5, 6, 7, 8, 9].map(participant);
/** The steps the figures are read in (first voting day; 12:05 Moscow time onwards). */
const STEPS = [
  '2026-09-18T09:05:00Z',
  '2026-09-18T09:20:00Z',
  '2026-09-18T09:35:00Z',
  '2026-09-18T10:10:00Z',
];

beforeAll(async () => {
  let electionId = '';
  stack = await startStack(shapeRegister([{}]), {
    start: STEPS[0],
    extra: ({ election }) => {
      electionId = election.id;
      return Promise.resolve({
        figures: { castCounts: () => Promise.resolve(new Map(cast)), pollMs: 1, refreshMs: 60_000 },
      });
    },
  });
  const store = new ParticipantListStore(stack.db.pool, electionId);
  await store.importList('16', TATARSTAN, { compiledAt: new Date('2026-09-17T10:00:00Z') });
  await store.importList('54', NOVOSIBIRSK, { compiledAt: new Date('2026-09-17T10:00:00Z') });
  // Each step: more ballot access and ballots cast, then the figures are read (the point is written).
  const grants = [
    [['16', 'oh-01']],
    [
      ['54', 'oh-05'],
      ['16', 'oh-02'],
    ],
    [['54', 'oh-06']],
    [
      ['54', 'oh-07'],
      ['16', 'oh-03'],
    ],
  ] as const;
  for (const [i, at] of STEPS.entries()) {
    stack.clock.set(new Date(at));
    for (const [region, id] of grants[i] ?? []) await store.grantBallotAccess(region, id, stack.clock.now());
    cast = new Map([
      ['16', i],
      ['54', Math.max(0, i - 1)],
    ]);
    const r = await fetch(`${stack.webUrl}/api/figures`);
    expect(r.status).toBe(200);
  }
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
  await stack.close();
});

async function api(query: string): Promise<History> {
  return (await (await fetch(`${stack.webUrl}/api/figures/history${query}`)).json()) as History;
}

describe('turnout over time', () => {
  test('P-10.2 P-10.8 P-11.10.2 the observer portal draws a point per step, and its table shows the API’s numbers', async () => {
    const all = await api('');
    expect(all.points).toHaveLength(STEPS.length);
    // The numbers moved between the steps (the chart is not flat), and the last one is now's.
    expect(new Set(all.points.map((p) => p.ballotsIssued)).size).toBeGreaterThan(2);
    await withPage(browser, 'observe-history', async (page) => {
      await page.goto(`${stack.webUrl}/observe`);
      const chart = page.getByRole('img', { name: /Выданные и принятые бюллетени по времени/ });
      await chart.waitFor();
      await expect(chart.getAttribute('data-points')).resolves.toBe(String(STEPS.length));
      await expect(page.locator('svg.history-chart circle.point-issued').count()).resolves.toBe(STEPS.length);
      await page.getByText('Таблица данных графика').click();
      const table = page.locator('table.history-table');
      await table.waitFor();
      const rows = await Promise.all(
        (await table.locator('tbody tr').all()).map(async (tr) =>
          (await tr.locator('th, td').allTextContents()).map((c) => c.replace(/\s/g, ' ')),
        ),
      );
      const pct = (p: number | undefined) =>
        p === undefined
          ? '—'
          : `${p.toLocaleString('ru-RU', { minimumFractionDigits: 2 })} %`.replace(/\s/g, ' ');
      const moscow = (iso: string) => {
        const d = new Date(new Date(iso).getTime() + 3 * 3600_000);
        const two = (n: number) => String(n).padStart(2, '0');
        return `${two(d.getUTCDate())}.${two(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
      };
      expect(rows).toEqual(
        all.points.map((p) => [
          moscow(p.at),
          String(p.onList),
          String(p.ballotsIssued),
          String(p.ballotsCast),
          pct(p.turnoutPercent),
          pct(p.castPercent),
        ]),
      );
      await expect(page.getByRole('columnheader', { name: /время московское/ }).count()).resolves.toBe(1);
      const violations = await seriousViolations(page);
      expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
      await screenshot(page, 'observe-history');

      // One region: its own numbers, its times in its own zone (Novosibirsk, Moscow + 4).
      const one = await api('?region=54');
      await page.getByLabel('Регион', { exact: true }).selectOption('54');
      await page.getByRole('columnheader', { name: /Asia\/Novosibirsk/ }).waitFor();
      const regionRows = await table
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => (tr.querySelectorAll('td')[1]?.textContent ?? '').trim()));
      expect(regionRows).toEqual(one.points.map((p) => String(p.ballotsIssued)));
      const firstTime = await table.locator('tbody tr th').first().textContent();
      const novosibirsk = new Date(new Date(one.points[0]?.at ?? '').getTime() + 7 * 3600_000);
      expect(firstTime).toContain(`${String(novosibirsk.getUTCHours()).padStart(2, '0')}:`);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'observe-history-region');
    });
  });
});
