// The history of the public figures (P-10.2, P-10.8, P-11.10.2; issue 7) through the HTTP API: a
// real server on port 0, real PostgreSQL (migration 021), lists loaded through ParticipantListStore,
// ballot accesses made on them and the ballot box's counts from a fake castCounts (as in
// figures.test.ts), while the scenario clock moves across the 15-minute steps. Each point must equal
// the live figures read first in its step; two server processes on one database write each point
// once.
import { fileURLToPath } from 'node:url';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ParticipantListStore, type ParticipantRecord } from '@opendeg/db';
import { useTestDatabase } from '@opendeg/db/testing';
import { ManualClock } from '@opendeg/deg';
import type { LoadedElection } from '../src/applications/deps.ts';
import { readElectionConfigFile, storeElection } from '../src/elections/load-election.ts';
import type { FiguresSnapshot } from '../src/figures/figures.ts';
import { readFigures } from '../src/figures/figures.ts';
import { recordHistoryPoint } from '../src/figures/history.ts';
import { FiguresHistoryView } from '../src/figures/routes.ts';
import type { Api } from '../src/api.ts';
import { startServer, type Server } from './harness.ts';

type History = Api['GET /api/figures/history']['response'];

const db = useTestDatabase();
const config = readElectionConfigFile(fileURLToPath(new URL('../dev/election.json', import.meta.url)));
const STEP_MS = 15 * 60 * 1000;
// 12:05 Moscow time on the first voting day: the step of 09:00Z.
const clock = new ManualClock('2026-09-18T09:05:00Z');
let cast = new Map<string, number>([['16', 1]]);
const castCounts = (): Promise<Map<string, number>> => Promise.resolve(new Map(cast));

let seq = 0;
function participant(precinct: string): ParticipantRecord {
  seq++;
  const k = String(seq).padStart(2, '0');
  return {
    id: `h-${k}`,
    lastName: 'Историков',
    firstName: `Имя${'абвгдежзиклмн'[seq] ?? 'а'}`,
    middleName: 'Павлович',
    birthDate: `1971-02-${k}`,
    address: `г. Тест, ул. Часов, д. ${seq}`,
    phone: `+7900888${k}${k}`,
    passport: { series: `46 ${k}`, number: `8880${k}` },
    precinct,
  };
}
const TATARSTAN = [participant('1'), participant('1'), participant('2'), participant('2')];
const NOVOSIBIRSK = [participant('1'), participant('1'), participant('2'), participant('2')];

let server: Server;
let second: Server | undefined;
let election: LoadedElection;
let store: ParticipantListStore;

async function get(s: Server, path: string): Promise<{ status: number; body: unknown }> {
  const r = await fetch(`${s.baseUrl}${path}`);
  return { status: r.status, body: await r.json() };
}
const figures = async (query = ''): Promise<FiguresSnapshot> =>
  (await get(server, `/api/figures${query}`)).body as FiguresSnapshot;
const history = async (query = '', s = server): Promise<History> => {
  const r = await get(s, `/api/figures/history${query}`);
  expect(r.status).toBe(200);
  expect(Value.Check(FiguresHistoryView, r.body)).toBe(true);
  return r.body as History;
};

/** The point a snapshot should give: its totals at the start of its step. */
function pointOf(snapshot: FiguresSnapshot, stepStart: string): History['points'][number] {
  const t = snapshot.totals;
  return {
    at: stepStart,
    onList: t.onList,
    ballotsIssued: t.ballotsIssued,
    ...(t.ballotsCast === undefined ? {} : { ballotsCast: t.ballotsCast }),
    turnoutPercent: t.turnoutPercent,
    ...(t.ballotsCast === undefined
      ? {}
      : { castPercent: Math.round((t.ballotsCast / t.onList) * 10_000) / 100 }),
  };
}

beforeAll(async () => {
  election = await storeElection(db.pool, config, clock.now());
  // pollMs 1: every request reads the figures afresh, so each read below is one of "that time";
  // historyTickMs 0: only reads write points here (the timer has its own test below).
  const figuresDeps = { castCounts, pollMs: 1, refreshMs: 10_000, historyStepMs: STEP_MS, historyTickMs: 0 };
  server = await startServer({ clock, db: { pool: db.pool }, roles: { election }, figures: figuresDeps });
  store = new ParticipantListStore(db.pool, election.id);
  await store.importList('16', TATARSTAN, { compiledAt: new Date('2026-09-17T10:00:00Z') });
  await store.importList('54', NOVOSIBIRSK, { compiledAt: new Date('2026-09-17T10:00:00Z') });
}, 60_000);
afterAll(async () => {
  await server.close();
  await second?.close();
});

describe('the figures history', () => {
  const snapshots: { step: string; snapshot: FiguresSnapshot }[] = [];

  test('P-10.2 P-10.8 each point equals the figures read first in its step, as the clock moves across the steps', async () => {
    await store.grantBallotAccess('16', 'h-01', clock.now());
    snapshots.push({ step: '2026-09-18T09:00:00.000Z', snapshot: await figures() });
    // Later in the same step the figures move on, the point of the step stays as it was read.
    clock.set(new Date('2026-09-18T09:14:00Z'));
    await store.grantBallotAccess('54', 'h-05', clock.now());
    const later = await figures();
    expect(later.totals.ballotsIssued).toBe(2);
    let h = await history();
    expect(h.points).toEqual([
      pointOf(snapshots[0]?.snapshot as FiguresSnapshot, '2026-09-18T09:00:00.000Z'),
    ]);
    expect(h.points[0]).toMatchObject({ onList: 8, ballotsIssued: 1, ballotsCast: 1, turnoutPercent: 12.5 });

    // The next step: ballots cast and issued change while the clock moves.
    clock.set(new Date('2026-09-18T09:16:30Z'));
    await store.grantBallotAccess('16', 'h-02', clock.now());
    cast = new Map([
      ['16', 2],
      ['54', 1],
    ]);
    snapshots.push({ step: '2026-09-18T09:15:00.000Z', snapshot: await figures() });
    // Two steps go by unread: no point is made up for them.
    clock.set(new Date('2026-09-18T10:01:00Z'));
    await store.grantBallotAccess('54', 'h-06', clock.now());
    await store.grantBallotAccess('54', 'h-07', clock.now());
    cast = new Map([
      ['16', 2],
      ['54', 3],
    ]);
    snapshots.push({ step: '2026-09-18T10:00:00.000Z', snapshot: await figures() });

    h = await history();
    expect(h.timeZone).toBe('Europe/Moscow');
    expect(h.stepMinutes).toBe(15);
    expect(h.region).toBeUndefined();
    expect(h.points).toEqual(snapshots.map((s) => pointOf(s.snapshot, s.step)));
    expect(h.points.map((p) => [p.ballotsIssued, p.ballotsCast])).toEqual([
      [1, 1],
      [3, 3],
      [5, 5],
    ]);
  });

  test('P-10.2 P-6.1 one region: its own numbers and its own time zone', async () => {
    const h = await history('?region=54');
    expect(h.region).toBe('54');
    expect(h.timeZone).toBe('Asia/Novosibirsk');
    expect(h.points).toEqual(
      snapshots.map((s) => {
        const r = s.snapshot.regions.find((x) => x.code === '54');
        if (r === undefined) throw new Error('no region 54');
        return {
          at: s.step,
          onList: r.onList,
          ballotsIssued: r.ballotsIssued,
          ballotsCast: r.ballotsCast,
          turnoutPercent: r.turnoutPercent,
          castPercent: Math.round(((r.ballotsCast ?? 0) / r.onList) * 10_000) / 100,
        };
      }),
    );
    expect(h.points.map((p) => p.ballotsIssued)).toEqual([0, 1, 3]);
    expect((await history('?region=99')).points).toEqual([]);
  });

  test('P-11.10.2 the history alone writes the point of a step nobody has read the figures in', async () => {
    clock.set(new Date('2026-09-18T10:20:00Z'));
    const h = await history();
    expect(h.points.at(-1)).toMatchObject({
      at: '2026-09-18T10:15:00.000Z',
      ballotsIssued: 5,
      ballotsCast: 5,
    });
  });

  test('two server processes on one database write each point once', async () => {
    second = await startServer({
      clock,
      db: { pool: db.newPool() },
      roles: { election },
      figures: { castCounts, pollMs: 1, refreshMs: 10_000, historyStepMs: STEP_MS, historyTickMs: 0 },
    });
    const other = second;
    clock.set(new Date('2026-09-18T10:31:00Z'));
    const answers = await Promise.all([
      history('', server),
      history('', other),
      history('?region=16', server),
      history('?region=16', other),
    ]);
    expect(answers[0].points).toEqual(answers[1].points);
    const rows = await db.pool.query<{ step_start: Date; n: string }>(
      `SELECT step_start, count(*) AS n FROM figures_history WHERE election_id = $1
       GROUP BY step_start ORDER BY step_start`,
      [election.id],
    );
    expect(rows.rows.map((r) => [r.step_start.toISOString(), Number(r.n)])).toEqual(
      ['09:00', '09:15', '10:00', '10:15', '10:30'].map((t) => [`2026-09-18T${t}:00.000Z`, 2]),
    );
    // Two writers of a step nobody wrote yet, at once: together they write each region once.
    clock.set(new Date('2026-09-18T11:00:00Z'));
    const snapshot = await readFigures(db.pool, election, clock.now(), castCounts);
    const written = await Promise.all([
      recordHistoryPoint(db.pool, snapshot, STEP_MS),
      recordHistoryPoint(db.newPool(), snapshot, STEP_MS),
    ]);
    expect(written[0] + written[1]).toBe(2);
    expect(await recordHistoryPoint(db.pool, snapshot, STEP_MS)).toBe(0);
  });

  test('P-10.2 the server writes the point of a new step by itself, though nobody reads the figures', async () => {
    const ticking = await startServer({
      clock,
      db: { pool: db.newPool() },
      roles: { election },
      figures: { castCounts, pollMs: 1, refreshMs: 10_000, historyStepMs: STEP_MS, historyTickMs: 50 },
    });
    try {
      const count = async (): Promise<number> =>
        Number(
          (
            await db.pool.query<{ n: string }>(
              `SELECT count(*) AS n FROM figures_history WHERE election_id = $1 AND step_start = $2`,
              [election.id, new Date('2026-09-18T11:30:00Z')],
            )
          ).rows[0]?.n,
        );
      expect(await count()).toBe(0);
      clock.set(new Date('2026-09-18T11:31:00Z'));
      const until = Date.now() + 10_000;
      while ((await count()) < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(await count()).toBe(2);
    } finally {
      await ticking.close();
    }
  });

  test('a point is never rewritten; nothing personal is kept or shown', async () => {
    const update = await db.pool
      .query('UPDATE figures_history SET ballots_issued = ballots_issued + 1')
      .catch((e: unknown) => e as { constraint?: string });
    expect(update).toMatchObject({ constraint: 'figures_history_fixed' });
    const columns = await db.pool.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'figures_history'
       ORDER BY ordinal_position`,
    );
    expect(columns.rows.map((c) => c.column_name)).toEqual([
      'election_id',
      'region',
      'step_start',
      'step_ms',
      'read_at',
      'on_list',
      'ballots_issued',
      'ballots_cast',
    ]);
    const text = JSON.stringify(await history());
    for (const p of [...TATARSTAN, ...NOVOSIBIRSK]) {
      expect(text).not.toContain(p.lastName);
      expect(text).not.toContain(p.id);
    }
  });

  test('a bad query is refused with VALIDATION_FAILED; the OpenAPI document describes the route', async () => {
    for (const query of ['?region=%20x', '?other=1', '?region=' + 'a'.repeat(65)]) {
      const r = await get(server, `/api/figures/history${query}`);
      expect(r.status).toBe(400);
      expect((r.body as { code: string }).code).toBe('VALIDATION_FAILED');
    }
    const doc = (await get(server, '/openapi.json')).body as {
      paths: Record<string, { get?: { tags?: string[] } }>;
    };
    expect(doc.paths['/api/figures/history']?.get?.tags).toEqual(['public']);
  });
});
