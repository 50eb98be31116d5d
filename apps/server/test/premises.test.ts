// P-3.7 (premises equipped for remote voting) through the HTTP API: a real server on port 0, real
// PostgreSQL with migration 008, the real OIDC stand-in login, roles assigned by the bootstrapped
// operator, time from a ManualClock in the training configuration (dev/election.json: published
// from 7 September 2026, the start of that day in each region — 21:00 UTC on the 6th in Tatarstan
// (UTC+3), 17:00 UTC in Novosibirsk (UTC+7); voting 18–20 September).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useTestDatabase } from '@opendeg/db/testing';
import { ManualClock } from '@opendeg/deg';
import type { Api } from '../src/api.ts';
import type { LoadedElection } from '../src/applications/deps.ts';
import { readElectionConfigFile, storeElection } from '../src/elections/load-election.ts';
import { generateRegister, type RegisterAccount } from '../src/identity/register.ts';
import { refusal, Sessions, startServer, type Server } from './harness.ts';

const db = useTestDatabase();
const config = readElectionConfigFile(fileURLToPath(new URL('../dev/election.json', import.meta.url)));
// 12:00 Moscow time on 5 September 2026: before publication.
const START = '2026-09-05T09:00:00Z';
const clock = new ManualClock(START);

const register = generateRegister({ seed: 53, count: 10, referenceDate: new Date('2026-09-20T00:00:00Z') });
const [operator, chairman, secretary, member, observer, voter] = register as [
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
];
const everyone = [operator, chairman, secretary, member, observer, voter];

let server: Server;
let election: LoadedElection;
const sessions = new Sessions(() => server.baseUrl, everyone);
const { call, logInAll } = sessions;
const at = (time: string, fn: () => Promise<void>): Promise<void> => sessions.at(clock, time, START, fn);

type Enter = Api['POST /api/premises/:region'];
type Change = Api['PUT /api/premises/:region/:premisesId'];
type RegionList = Api['GET /api/premises/:region']['response'];

const HOURS = [
  { day: '2026-09-18', opens: '08:00', closes: '20:00' },
  { day: '2026-09-19', opens: '08:00', closes: '20:00' },
  { day: '2026-09-20', opens: '08:00', closes: '20:00' },
];
const KAZAN: Enter['body'] = {
  precinct: '1',
  name: 'Помещение для голосования УИК № 1',
  address: 'Республика Татарстан, г. Казань, ул. Баумана, д. 1',
  equipment: 'Два компьютера с доступом в интернет',
  hours: HOURS,
};
const NSK: Enter['body'] = {
  name: 'Многофункциональный центр',
  address: 'Новосибирская область, г. Новосибирск, Красный пр-т, д. 5',
  equipment: 'Терминал электронного голосования',
  hours: [{ day: '2026-09-19', opens: '09:00', closes: '18:00' }],
};

const enter = (who: RegisterAccount, region: string, body: Enter['body']) =>
  call<Enter['response']>(who, 'POST', `/api/premises/${region}`, body);
const change = (who: RegisterAccount, region: string, id: string, body: Change['body']) =>
  call<Change['response']>(who, 'PUT', `/api/premises/${region}/${id}`, body);

let kazanId = '';
let nskId = '';

beforeAll(async () => {
  election = await storeElection(db.pool, config, clock.now());
  server = await startServer({
    clock,
    register,
    db: { pool: db.pool },
    roles: { election, bootstrapOperatorSub: operator.id },
  });
  await logInAll();
  const roles: [RegisterAccount, Record<string, string>][] = [
    [chairman, { role: 'chairman', memberId: 'chair' }],
    [secretary, { role: 'secretary', memberId: 'secretary' }],
    [member, { role: 'member', memberId: 'member-1' }],
    [observer, { role: 'commission-observer' }],
  ];
  for (const [a, role] of roles) {
    const r = await call(operator, 'POST', '/api/admin/roles', { subject: a.id, ...role });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
}, 60_000);
afterAll(async () => {
  await server.close();
});

describe('P-3.7 premises equipped for remote voting', () => {
  test('P-3.7 the secretary and the operator enter premises with equipment and hours in the region’s own time zone; nobody else', async () => {
    const kazan = await enter(secretary, '16', KAZAN);
    expect(kazan.status, JSON.stringify(kazan.body)).toBe(201);
    kazanId = kazan.body.premises.id;
    expect(kazan.body.premises).toMatchObject({
      version: 1,
      region: '16',
      precinct: '1',
      timeZone: 'Europe/Moscow',
      closed: false,
    });
    expect(kazan.body.premises.hours[0]).toEqual({
      day: '2026-09-18',
      opens: '08:00',
      closes: '20:00',
      opensAt: '2026-09-18T05:00:00.000Z',
      closesAt: '2026-09-18T17:00:00.000Z',
    });
    const nsk = await enter(operator, '54', NSK);
    expect(nsk.status, JSON.stringify(nsk.body)).toBe(201);
    nskId = nsk.body.premises.id;
    expect(nsk.body.premises.timeZone).toBe('Asia/Novosibirsk');
    expect(nsk.body.premises.hours[0]?.opensAt).toBe('2026-09-19T02:00:00.000Z');
    for (const who of [chairman, member, observer, voter])
      expect(refusal(await enter(who, '16', KAZAN))).toBe('403 FORBIDDEN');
    expect(refusal(await call('anonymous', 'POST', '/api/premises/16', KAZAN))).toBe('401 UNAUTHENTICATED');
  });

  test('P-3.7 refused: a day that is not a voting day, a day twice, closing before opening, a precinct or region that does not exist', async () => {
    const day = (d: string, opens = '08:00', closes = '20:00') => ({ day: d, opens, closes });
    const cases: [string, Enter['body'], string][] = [
      ['16', { ...KAZAN, hours: [day('2026-09-17')] }, '422 PREMISES_INVALID'],
      ['16', { ...KAZAN, hours: [day('2026-09-18'), day('2026-09-18')] }, '422 PREMISES_INVALID'],
      ['16', { ...KAZAN, hours: [day('2026-09-18', '20:00', '08:00')] }, '422 PREMISES_INVALID'],
      ['16', { ...KAZAN, precinct: '2' }, '422 PREMISES_INVALID'],
      ['16', { ...KAZAN, hours: [day('2026-09-18', '8:00')] }, '400 VALIDATION_FAILED'],
      ['16', { ...KAZAN, equipment: '   ' }, '400 VALIDATION_FAILED'],
      ['99', KAZAN, '404 REGION_NOT_FOUND'],
    ];
    for (const [region, body, expected] of cases)
      expect(refusal(await enter(secretary, region, body)), JSON.stringify(body)).toBe(expected);
    const messages = await enter(secretary, '16', { ...KAZAN, hours: [day('2026-09-17')] });
    expect(messages.body.message).toContain('дней голосования');
  });

  test('P-3.7 before the publication date only the commission and the operator see them; from the start of that day, in each region’s own zone, everyone', async () => {
    // 20:59 UTC on 6 September: 7 September already in Novosibirsk (03:59), not yet in Kazan (23:59).
    await at('2026-09-06T20:59:00Z', async () => {
      expect(refusal(await call('anonymous', 'GET', '/api/premises/16'))).toBe('409 PREMISES_NOT_PUBLISHED');
      expect(refusal(await call(voter, 'GET', '/api/premises/16/history'))).toBe(
        '409 PREMISES_NOT_PUBLISHED',
      );
      for (const who of [member, secretary, operator]) {
        const r = await call<RegionList>(who, 'GET', '/api/premises/16');
        expect([r.status, r.body.published]).toEqual([200, false]);
      }
      const nsk = await call<RegionList>('anonymous', 'GET', '/api/premises/54');
      expect(nsk.status).toBe(200);
      expect(nsk.body).toMatchObject({ published: true, publishedFrom: '2026-09-06T17:00:00.000Z' });
      expect(nsk.body.premises.map((p) => p.id)).toEqual([nskId]);
    });
    await at('2026-09-06T21:00:00Z', async () => {
      const kazan = await call<RegionList>('anonymous', 'GET', '/api/premises/16');
      expect(kazan.status).toBe(200);
      expect(kazan.body.premises.map((p) => [p.id, p.version, p.address])).toEqual([
        [kazanId, 1, KAZAN.address],
      ]);
    });
  });

  test('P-3.7 a change after publication is a new version: the published one stays in the history; a closed premises leaves the list', async () => {
    await at('2026-09-10T09:00:00Z', async () => {
      const moved = await change(secretary, '16', kazanId, {
        ...KAZAN,
        hours: [{ day: '2026-09-20', opens: '10:00', closes: '18:00' }],
      });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      expect(moved.body.premises).toMatchObject({ id: kazanId, version: 2, afterPublication: true });
      const second = await enter(secretary, '16', {
        ...KAZAN,
        name: 'Второе помещение',
        precinct: undefined,
      });
      expect(second.status).toBe(201);
      const closed = await change(operator, '16', second.body.premises.id, { ...KAZAN, closed: true });
      expect(closed.body.premises).toMatchObject({ version: 2, closed: true });

      const now = await call<RegionList>('anonymous', 'GET', '/api/premises/16');
      expect(now.body.premises.map((p) => [p.id, p.version, p.hours.length])).toEqual([[kazanId, 2, 1]]);
      const history = await call<RegionList>('anonymous', 'GET', '/api/premises/16/history');
      const kazan = history.body.premises.filter((p) => p.id === kazanId);
      expect(kazan.map((p) => [p.version, p.afterPublication, p.hours.length])).toEqual([
        [1, false, 3],
        [2, true, 1],
      ]);
      expect(history.body.premises).toHaveLength(4);

      expect(refusal(await change(secretary, '16', second.body.premises.id, KAZAN))).toBe(
        '404 PREMISES_NOT_FOUND',
      );
      expect(refusal(await change(secretary, '54', kazanId, NSK))).toBe('404 PREMISES_NOT_FOUND');
      expect(refusal(await change(secretary, '16', '00000000-0000-4000-8000-000000000000', KAZAN))).toBe(
        '404 PREMISES_NOT_FOUND',
      );
    });
  });

  test('P-3.7 once the region’s voting has ended its premises no longer change', async () => {
    // 20:00 in Novosibirsk on 20 September is 13:00 UTC; Tatarstan still votes.
    await at('2026-09-20T13:00:00Z', async () => {
      expect(refusal(await change(operator, '54', nskId, NSK))).toBe('409 VOTING_ENDED');
      expect(refusal(await enter(operator, '54', NSK))).toBe('409 VOTING_ENDED');
      expect((await enter(operator, '16', KAZAN)).status).toBe(201);
    });
  });

  test('P-3.7 every change and refusal is audited by premises id, version and region, with no account', async () => {
    const r = await db.pool.query<{
      action: string;
      actor_role: string;
      disposition: string;
      details: Record<string, unknown>;
    }>(
      "SELECT action, actor_role, disposition, details FROM audit_events WHERE action LIKE 'premises.%' ORDER BY id",
    );
    const kinds = new Set(r.rows.map((a) => `${a.action} ${a.actor_role} ${a.disposition}`));
    expect(kinds).toEqual(
      new Set([
        'premises.enter secretary success',
        'premises.enter operator success',
        'premises.enter secretary failure',
        'premises.enter operator failure',
        'premises.change secretary success',
        'premises.change operator success',
        'premises.change secretary failure',
        'premises.change operator failure',
      ]),
    );
    const text = JSON.stringify(r.rows);
    for (const a of register) expect(text).not.toContain(a.id);
  });
});

describe('migration 008 premises_versions', () => {
  test('versions are never changed or deleted, follow each other, stay in their region, and end with a closing', async () => {
    const fail = async (sql: string, params: unknown[]) => {
      try {
        await db.pool.query(sql, params);
        return undefined;
      } catch (e) {
        return (e as { constraint?: string }).constraint;
      }
    };
    expect(await fail('UPDATE premises_versions SET name = $1', ['x'])).toBe('premises_versions_append_only');
    expect(await fail('DELETE FROM premises_versions', [])).toBe('premises_versions_append_only');
    const insert = (id: string, version: number, region: string, closed = false, hours: unknown = HOURS) =>
      fail(
        `INSERT INTO premises_versions (election_id, premises_id, version, region, name, address, equipment, hours, closed, entered_at)
         VALUES ($1, $2, $3, $4, 'Зал', 'Адрес', 'Терминал', $5, $6, now())`,
        [election.id, id, version, region, JSON.stringify(hours), closed],
      );
    const fresh = '11111111-1111-4111-8111-111111111111';
    expect(await insert(fresh, 2, '16')).toBe('premises_versions_consecutive');
    expect(await insert(fresh, 1, '16', true)).toBe('premises_versions_consecutive');
    expect(await insert(fresh, 1, '16', false, [])).toBe('premises_versions_hours_array');
    expect(await insert(fresh, 1, '16')).toBeUndefined();
    expect(await insert(fresh, 2, '54')).toBe('premises_versions_same_region');
    expect(await insert(fresh, 3, '16')).toBe('premises_versions_consecutive');
    expect(await insert(fresh, 2, '16', true)).toBeUndefined();
    expect(await insert(fresh, 3, '16')).toBe('premises_versions_closed_final');
  });
});
