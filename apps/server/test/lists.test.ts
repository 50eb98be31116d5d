// P-3.3–P-3.9 and P-10.6 through the HTTP API: a real server on port 0, real PostgreSQL, the real
// OIDC stand-in login, roles assigned by the bootstrapped operator as in role-matrix.test.ts, a
// small list loaded through ParticipantListStore.importList, and time from a ManualClock set before
// voting in the training configuration (dev/election.json). Also: no personal data of the list
// reach the server log or audit_events.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ParticipantListStore, type ParticipantRecord } from '@opendeg/db';
import { useTestDatabase } from '@opendeg/db/testing';
import { EXCLUSION_TEXT, ManualClock, precinctRegistersDue, votingWindow } from '@opendeg/deg';
import type { Api, ErrorBody, ListRowView } from '../src/api.ts';
import type { LoadedElection } from '../src/applications/deps.ts';
import { readElectionConfigFile, storeElection } from '../src/elections/load-election.ts';
import { generateRegister, type RegisterAccount } from '../src/identity/register.ts';
import { Browser, logIn, requestJson, startServer, type ApiResult, type Server } from './harness.ts';

const db = useTestDatabase();
const config = readElectionConfigFile(fileURLToPath(new URL('../dev/election.json', import.meta.url)));
// 12:00 Moscow time on 10 September 2026: lists compiled, voting not begun.
const clock = new ManualClock('2026-09-10T09:00:00Z');

const register = generateRegister({ seed: 33, count: 12, referenceDate: new Date('2026-09-20T00:00:00Z') });
const [operator, chairman, secretary, member, observer, observer54, cec, voter] = register as [
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
];

let seq = 0;
function participant(
  lastName: string,
  firstName: string,
  middleName: string,
  precinct: string,
): ParticipantRecord {
  seq++;
  const k = String(seq).padStart(2, '0');
  return {
    id: `p-${k}`,
    lastName,
    firstName,
    middleName,
    birthDate: `19${60 + seq}-0${(seq % 9) + 1}-1${seq % 10}`,
    address: `Республика Татарстан, г. Казань, ул. Тестовая, д. ${seq}, кв. ${100 + seq}`,
    phone: `+7900555${k}${k}`,
    passport: { series: `92 ${k}`, number: `5550${k}` },
    precinct,
  };
}

// Deliberately not in alphabetical order: the list sorts them (P-3.5).
const TATARSTAN = [
  participant('Яковлев', 'Олег', 'Петрович', '1'),
  participant('Иванова', 'Анна', 'Петровна', '1'),
  participant('Абрамов', 'Виктор', 'Ильич', '2'),
  participant('Петров', 'Пётр', 'Сергеевич', '1'),
  participant('Иванов', 'Иван', 'Иванович', '2'),
  participant('Смирнов', 'Денис', 'Олегович', '1'),
  participant('Борисова', 'Елена', 'Андреевна', '2'),
  participant('Кузнецов', 'Роман', 'Юрьевич', '1'),
  participant('Иваненко', 'Тарас', 'Богданович', '1'),
  participant('Сидоров', 'Глеб', 'Игоревич', '2'),
  participant('Васильев', 'Марк', 'Львович', '1'),
  participant('Попов', 'Илья', 'Ильич', '1'),
];
const ALPHABETICAL = [
  'Абрамов Виктор Ильич',
  'Борисова Елена Андреевна',
  'Васильев Марк Львович',
  'Иваненко Тарас Богданович',
  'Иванов Иван Иванович',
  'Иванова Анна Петровна',
  'Кузнецов Роман Юрьевич',
  'Петров Пётр Сергеевич',
  'Попов Илья Ильич',
  'Сидоров Глеб Игоревич',
  'Смирнов Денис Олегович',
  'Яковлев Олег Петрович',
];
const NOVOSIBIRSK = [
  participant('Зайцев', 'Лев', 'Маркович', '1'),
  participant('Орлова', 'Ия', 'Яновна', '2'),
];
const ALL = [...TATARSTAN, ...NOVOSIBIRSK];
const byName = (surname: string): ParticipantRecord => {
  const p = ALL.find((x) => x.lastName === surname);
  if (p === undefined) throw new Error(`no ${surname}`);
  return p;
};
const DOCUMENTS = ['Решение Вахитовского районного суда № 2-1234/2026', 'Акт ТИК ДЭГ № 7 (Сидоров Г. И.)'];

let server: Server;
let election: LoadedElection;
const browsers = new Map<RegisterAccount, Browser>();

type Result<T> = ApiResult<T>;

const call = <T = ErrorBody>(b: Browser, method: string, url: string, body?: unknown): Promise<Result<T>> =>
  requestJson<T>(b, server.baseUrl, method, url, body);

async function loggedIn(a: RegisterAccount): Promise<Browser> {
  const b = new Browser();
  await logIn(b, server.baseUrl, a.id);
  browsers.set(a, b);
  return b;
}

const as = (a: RegisterAccount): Browser => {
  const b = browsers.get(a);
  if (b === undefined) throw new Error('not logged in');
  return b;
};

type Page = Api['GET /api/lists/:region']['response'];
type Counts = Api['GET /api/lists/:region/counts']['response'];
type Excluded = Api['POST /api/lists/:region/exclusions']['response'];
type Register = Api['GET /api/lists/:region/precincts/:precinct/register']['response'];

const page = (a: RegisterAccount, query = '', region = '16') =>
  call<Page>(as(a), 'GET', `/api/lists/${region}${query === '' ? '' : `?${query}`}`);
const counts = (a: RegisterAccount) => call<Counts>(as(a), 'GET', '/api/lists/16/counts');
const exclude = (a: RegisterAccount, body: unknown) =>
  call<Excluded>(as(a), 'POST', '/api/lists/16/exclusions', body);

/** Every row of the region's list, walking the cursor `limit` rows at a time. */
async function walk(a: RegisterAccount, limit: number): Promise<{ rows: ListRowView[]; pages: number }> {
  const rows: ListRowView[] = [];
  let after: string | undefined;
  let pages = 0;
  for (;;) {
    const r = await page(a, `limit=${limit}${after === undefined ? '' : `&after=${after}`}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    pages++;
    rows.push(...r.body.rows);
    after = r.body.next;
    if (after === undefined) return { rows, pages };
  }
}

beforeAll(async () => {
  election = await storeElection(db.pool, config, clock.now());
  server = await startServer({
    clock,
    register,
    db: { pool: db.pool },
    roles: { election, bootstrapOperatorSub: operator.id },
  });
  for (const a of [operator, chairman, secretary, member, observer, observer54, cec, voter])
    await loggedIn(a);
  const roles: [RegisterAccount, Record<string, string>][] = [
    [chairman, { role: 'chairman', memberId: 'chair' }],
    [secretary, { role: 'secretary', memberId: 'secretary' }],
    [member, { role: 'member', memberId: 'member-1' }],
    [observer, { role: 'commission-observer' }],
    [observer54, { role: 'commission-observer', region: '54' }],
    [cec, { role: 'cec-member' }],
  ];
  for (const [a, role] of roles) {
    const r = await call(as(operator), 'POST', '/api/admin/roles', { subject: a.id, ...role });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  const store = new ParticipantListStore(db.pool, election.id);
  await store.importList('16', TATARSTAN, { compiledAt: clock.now() });
  await store.importList('54', NOVOSIBIRSK, { compiledAt: clock.now() });
}, 60_000);
afterAll(async () => {
  await server.close();
});

describe('viewing the list', () => {
  test('P-3.5 rows in alphabetical order with full name, birth date, address and phone, page by page along the cursor', async () => {
    const { rows, pages } = await walk(chairman, 5);
    expect(pages).toBe(3);
    expect(rows.map((r) => r.fullName)).toEqual(ALPHABETICAL);
    expect(rows.map((r) => r.n)).toEqual(ALPHABETICAL.map((_, i) => i + 1));
    const ivanov = byName('Иванов');
    expect(rows[4]).toEqual({
      n: 5,
      participantId: ivanov.id,
      fullName: 'Иванов Иван Иванович',
      birthDate: ivanov.birthDate.split('-').reverse().join('.'),
      address: ivanov.address,
      phone: ivanov.phone,
      ballotAccess: '',
      struck: false,
    });
    // A page that ends the list exactly still says so by having no `next`.
    const whole = await page(chairman, 'limit=12');
    expect(whole.body.rows).toHaveLength(12);
    const after = await page(chairman, `limit=12&after=${whole.body.next ?? ''}`);
    expect(after.body).toEqual({ region: '16', rows: [] });
  });

  test('P-3.5 search by the beginning of the full name keeps the list numbers; bad requests are refused', async () => {
    const ivanov = await page(chairman, `q=${encodeURIComponent('Иванов')}`);
    expect(ivanov.body.rows.map((r) => [r.n, r.fullName])).toEqual([
      [5, 'Иванов Иван Иванович'],
      [6, 'Иванова Анна Петровна'],
    ]);
    const exact = await page(chairman, `q=${encodeURIComponent('иванов ив')}`);
    expect(exact.body.rows.map((r) => r.fullName)).toEqual(['Иванов Иван Иванович']);
    const paged = await page(chairman, `q=${encodeURIComponent('Иван')}&limit=2`);
    expect(paged.body.rows.map((r) => r.n)).toEqual([4, 5]);
    const rest = await page(
      chairman,
      `q=${encodeURIComponent('Иван')}&limit=2&after=${paged.body.next ?? ''}`,
    );
    expect(rest.body.rows.map((r) => r.n)).toEqual([6]);
    expect((await page(chairman, 'q=%3Cscript%3E')).body.rows).toEqual([]);

    const words = await page(chairman, `q=${encodeURIComponent('а б в г д е ж з и')}`);
    expect([words.status, words.body.code]).toEqual([400, 'LIST_REQUEST_INVALID']);
    const big = await page(chairman, 'limit=201');
    expect([big.status, big.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const unknownCursor = await page(chairman, 'after=nobody');
    expect([unknownCursor.status, unknownCursor.body.code]).toEqual([404, 'NOT_ON_LIST']);
    const noList = await page(chairman, '', '77');
    expect([noList.status, noList.body.code]).toEqual([404, 'LIST_NOT_FOUND']);
    const noRegion = await page(chairman, '', '99');
    expect([noRegion.status, noRegion.body.code]).toEqual([404, 'LIST_NOT_FOUND']);
  });

  test('P-3.3 P-10.6 commission members, CEC members and commission observers view the list; a voter gets 403, anonymous 401', async () => {
    for (const a of [chairman, secretary, member, cec, observer]) {
      const r = await page(a, 'limit=1');
      expect(r.status).toBe(200);
      expect(r.body.rows[0]?.fullName).toBe(ALPHABETICAL[0]);
    }
    const v = await page(voter);
    expect([v.status, v.body.code]).toEqual([403, 'FORBIDDEN']);
    expect(v.body.rows).toBeUndefined();
    const anonymous = await call(new Browser(), 'GET', '/api/lists/16');
    expect([anonymous.status, anonymous.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect((await call(as(voter), 'GET', '/api/lists/16/counts')).status).toBe(403);
  });

  test('P-10.6 an observer appointed for one region views that region only', async () => {
    const own = await page(observer54, '', '54');
    expect(own.body.rows.map((r) => r.fullName)).toEqual(['Зайцев Лев Маркович', 'Орлова Ия Яновна']);
    const other = await page(observer54, '', '16');
    expect([other.status, other.body.code]).toEqual([403, 'FORBIDDEN']);
    expect((await call(as(observer54), 'GET', '/api/lists/16/counts')).status).toBe(403);
  });

  test('P-10.6 view but not copy: no-store on every answer, pages of at most 200, no export route', async () => {
    const ok = await page(observer, 'limit=200');
    expect(ok.headers.get('cache-control')).toBe('no-store');
    const refused = await page(voter);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect((await counts(observer)).headers.get('cache-control')).toBe('no-store');
    const lists = server.app.routeCatalogue.filter((r) => r.url.startsWith('/api/lists'));
    expect(lists.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      'GET /api/lists/:region',
      'GET /api/lists/:region/counts',
      'GET /api/lists/:region/precincts/:precinct/register',
      'POST /api/lists/:region/exclusions',
    ]);
    const csv = await call(as(observer), 'GET', '/api/lists/16.csv');
    expect(csv.status).not.toBe(200);
  });
});

describe('ballot access and counts', () => {
  test('P-3.8 P-3.9 once ballot access is granted the row shows the passport and the ballots issued count grows', async () => {
    const before = await counts(observer);
    expect(before.body).toEqual({ region: '16', onList: 12, ballotsIssued: 0 });
    const popov = byName('Попов');
    await new ParticipantListStore(db.pool, election.id).grantBallotAccess('16', popov.id, clock.now());
    const row = (await page(cec, `q=${encodeURIComponent('Попов')}`)).body.rows[0];
    expect(row?.ballotAccess).toBe(`${popov.passport.series} ${popov.passport.number}`);
    expect((await counts(cec)).body).toEqual({ region: '16', onList: 12, ballotsIssued: 1 });
  });
});

describe('exclusion', () => {
  test('P-3.4 an excluded participant is struck through with the Appendix 2 wording, and the counts change', async () => {
    const petrov = byName('Петров');
    const r = await exclude(secretary, {
      participantId: petrov.id,
      reason: 'VOTED_EARLY',
      document: DOCUMENTS[0],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toEqual({
      exclusion: {
        participantId: petrov.id,
        reason: 'VOTED_EARLY',
        notes: { ru: 'Проголосовал досрочно', en: 'Voted early' },
        at: clock.now().toISOString(),
      },
      counts: { onList: 11, ballotsIssued: 1 },
    });
    const row = (await page(observer, `q=${encodeURIComponent('Петров')}`)).body.rows[0];
    expect(row).toMatchObject({
      n: 8,
      fullName: 'Петров Пётр Сергеевич',
      struck: true,
      exclusion: 'VOTED_EARLY',
    });
    expect(row?.notes).toEqual(EXCLUSION_TEXT.VOTED_EARLY);

    const sidorov = byName('Сидоров');
    const byChair = await exclude(chairman, {
      participantId: sidorov.id,
      reason: 'CONDITIONS_NOT_MET',
      document: DOCUMENTS[1],
    });
    expect(byChair.status).toBe(201);
    expect(byChair.body.exclusion.notes.ru).toBe(
      'Перестал соответствовать условиям участия в дистанционном электронном голосовании',
    );
    expect((await counts(chairman)).body).toEqual({ region: '16', onList: 10, ballotsIssued: 1 });
    // Struck rows stay in the list with their numbers: nobody is removed from Appendix 1.
    const { rows } = await walk(member, 200);
    expect(rows.map((r) => r.fullName)).toEqual(ALPHABETICAL);
    expect(rows.filter((r) => r.struck).map((r) => r.n)).toEqual([8, 10]);
  });

  test('P-3.4 refusals: already excluded 409, not on the list 404, unknown ground 400; only the chairman and the secretary exclude', async () => {
    const petrov = byName('Петров').id;
    const again = await exclude(chairman, {
      participantId: petrov,
      reason: 'LOST_SUFFRAGE',
      document: 'Другой документ',
    });
    expect([again.status, again.body.code]).toEqual([409, 'ALREADY_EXCLUDED']);
    const nobody = await exclude(chairman, {
      participantId: 'p-99',
      reason: 'LOST_SUFFRAGE',
      document: 'Решение',
    });
    expect([nobody.status, nobody.body.code]).toEqual([404, 'NOT_ON_LIST']);
    const ground = await exclude(chairman, {
      participantId: byName('Попов').id,
      reason: 'MOVED',
      document: 'x',
    });
    expect([ground.status, ground.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const blank = await exclude(chairman, {
      participantId: byName('Попов').id,
      reason: 'VOTED_EARLY',
      document: '   ',
    });
    expect([blank.status, blank.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    for (const a of [member, observer, cec, voter]) {
      const r = await exclude(a, {
        participantId: byName('Попов').id,
        reason: 'VOTED_EARLY',
        document: 'Решение',
      });
      expect([r.status, r.body.code]).toEqual([403, 'FORBIDDEN']);
    }
    expect(again.body.message).toMatch(
      /^Участник уже исключён из списка \/ The participant is already excluded$/,
    );
    expect((await counts(chairman)).body.onList).toBe(10);
  });
});

describe('precinct exclusion register', () => {
  test('P-3.6 Appendix 3: the precinct voters, alphabetical, numbered from 1, for the commission roles only', async () => {
    const r = await call<Register>(as(secretary), 'GET', '/api/lists/16/precincts/2/register');
    expect(r.status).toBe(200);
    const abramov = byName('Абрамов');
    expect(r.body.due).toBe(precinctRegistersDue(config, '16').toISOString());
    expect(r.body.rows.map((x) => [x.n, x.fullName])).toEqual([
      [1, 'Абрамов Виктор Ильич'],
      [2, 'Борисова Елена Андреевна'],
      [3, 'Иванов Иван Иванович'],
      [4, 'Сидоров Глеб Игоревич'],
    ]);
    expect(r.body.rows[0]).toEqual({
      n: 1,
      fullName: 'Абрамов Виктор Ильич',
      birthDate: abramov.birthDate.split('-').reverse().join('.'),
      address: abramov.address,
      note: '',
    });
    expect(r.headers.get('cache-control')).toBe('no-store');
    const empty = await call<Register>(as(member), 'GET', '/api/lists/16/precincts/3/register');
    expect(empty.body.rows).toEqual([]);
    for (const a of [observer, cec, voter]) {
      expect((await call(as(a), 'GET', '/api/lists/16/precincts/2/register')).status).toBe(403);
    }
  });
});

describe('after voting ends', () => {
  test('P-3.4 no exclusion once the region has stopped voting: 409 VOTING_ENDED, audited', async () => {
    const closes = votingWindow(config, '16').closes;
    clock.set(new Date(closes.getTime() - 60_000));
    // Sessions live on the server's clock: ten days on, log in again.
    await loggedIn(secretary);
    const last = await exclude(secretary, {
      participantId: byName('Кузнецов').id,
      reason: 'LOST_SUFFRAGE',
      document: 'Решение суда № 3',
    });
    expect(last.status).toBe(201);
    clock.set(closes);
    const ended = await exclude(secretary, {
      participantId: byName('Смирнов').id,
      reason: 'VOTED_EARLY',
      document: 'Решение № 4',
    });
    expect([ended.status, ended.body.code]).toEqual([409, 'VOTING_ENDED']);
    expect(ended.body.message).toMatch(/^Голосование в регионе окончено.* \/ Voting in the region has ended/);
    const audit = await db.pool.query<{
      disposition: string;
      actor_role: string;
      details: { failure?: string };
    }>(
      "SELECT disposition, actor_role, details FROM audit_events WHERE action = 'participant_list.exclude' ORDER BY id DESC LIMIT 1",
    );
    expect(audit.rows[0]).toMatchObject({
      disposition: 'failure',
      actor_role: 'secretary',
      details: { failure: 'VOTING_ENDED' },
    });
    const row = (await page(secretary, `q=${encodeURIComponent('Смирнов')}`)).body.rows[0];
    expect(row?.struck).toBe(false);
  });
});

describe('personal data', () => {
  test('no name, birth date, address, phone, passport or exclusion document of the list in the server log or audit_events', async () => {
    const audit = await db.pool.query<{
      action: string;
      actor_role: string;
      disposition: string;
      details: unknown;
    }>(
      "SELECT action, actor_role, disposition, details FROM audit_events WHERE action LIKE 'participant_list.%'",
    );
    const kinds = new Set(audit.rows.map((r) => `${r.action} ${r.actor_role} ${r.disposition}`));
    expect(kinds).toContain('participant_list.view commission_observer success');
    expect(kinds).toContain('participant_list.view cec_member success');
    expect(kinds).toContain('participant_list.exclude secretary success');
    expect(kinds).toContain('participant_list.exclude chairman failure');
    const texts = { log: server.logs.join('\n'), audit: JSON.stringify(audit.rows) };
    expect(texts.log).toContain('participant_list.view');
    for (const [where, text] of Object.entries(texts)) {
      for (const p of ALL) {
        const secrets = [
          p.lastName,
          p.firstName,
          p.birthDate,
          p.birthDate.split('-').reverse().join('.'),
          p.address,
          p.phone,
          p.passport.number,
        ];
        for (const s of secrets) expect(text, `${where}: ${s}`).not.toContain(s);
      }
      for (const d of DOCUMENTS) expect(text, where).not.toContain(d);
      // The search text is a name too: a query string never reaches the log.
      expect(text, where).not.toMatch(/[?&]q=/);
      expect(text, where).not.toContain(encodeURIComponent('Иванов'));
    }
  });
});
