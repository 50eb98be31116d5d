// migrations/006_commission_observers.sql (P-1.4, P-5.4, P-5.6, P-10.4, P-10.5, P-10.9): every CHECK
// rejects a bad row with SQLSTATE 23514 and its name, every CHECK of the three tables is exercised
// here, a fourth observer of one appointer is refused by the trigger, and nothing is changed or deleted.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../src/testing.ts';
import { pgFailure } from './helpers/pg-failure.ts';
import type { PgFailure } from './helpers/pg-failure.ts';

const db = useTestDatabase();

const failure = (sql: string, params: unknown[]): Promise<PgFailure | undefined> =>
  pgFailure(db.pool, sql, params);

async function checksOf(table: string): Promise<string[]> {
  const r = await db.pool.query<{ conname: string }>(
    `SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'c' ORDER BY conname`,
    [table],
  );
  return r.rows.map((x) => x.conname);
}

beforeAll(async () => {
  await db.pool.query(
    "INSERT INTO elections (id, kind, config, config_sha256) VALUES ('e1', 'training', '{}', $1)",
    [Buffer.alloc(32, 1)],
  );
});

const DECISION =
  'INSERT INTO commission_decisions (id, election_id, kind, meeting, payload, votes_for, votes_against, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, now())';
const decision = (kind: string, meeting: number, payload: unknown, votesFor: number, against: number) => [
  randomUUID(),
  'e1',
  kind,
  meeting,
  JSON.stringify(payload),
  votesFor,
  against,
];

const OBSERVER =
  'INSERT INTO commission_observers (id, election_id, candidate_id, full_name, birth_date, address, passport_series, passport_number, entered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())';
const observer = (
  candidate: string,
  fullName: string,
  birth: string,
  address: string,
  s: string,
  n: string,
) => [randomUUID(), 'e1', candidate, fullName, birth, address, s, n];

const PORTAL =
  'INSERT INTO portal_observers (id, election_id, appointer, subject, account_confirmed, appointed_at) VALUES ($1, $2, $3, $4, $5, now())';
const portal = (appointer: string, subject: string, confirmed = true) => [
  randomUUID(),
  'e1',
  appointer,
  subject,
  confirmed,
];

describe('commission_decisions', () => {
  it('P-1.4 P-5.4 P-5.6 accepts good decisions, then refuses bad ones by constraint name', async () => {
    const officer = { office: 'deputy', memberId: 'm-2' };
    const parts = { n: 3, k: 2, holders: ['a', 'b', 'c'] };
    expect(await failure(DECISION, decision('officers', 1, officer, 9, 2))).toBeUndefined();
    expect(await failure(DECISION, decision('key-parts', 2, parts, 7, 0))).toBeUndefined();
    const cases: [unknown[], string][] = [
      [decision('minutes', 1, {}, 7, 0), 'commission_decisions_kind_valid'],
      [decision('observers-list', 0, {}, 7, 0), 'commission_decisions_meeting_positive'],
      [decision('observers-list', 1, [], 7, 0), 'commission_decisions_payload_object'],
      [decision('observers-list', 1, {}, 13, 0), 'commission_decisions_votes_for_range'],
      [decision('observers-list', 1, {}, 7, -1), 'commission_decisions_votes_against_range'],
      [decision('observers-list', 1, {}, 8, 5), 'commission_decisions_votes_total'],
      [decision('observers-list', 1, {}, 6, 0), 'commission_decisions_majority'],
      [
        decision('officers', 2, { office: 'secretary', memberId: 'm-3' }, 7, 0),
        'commission_decisions_officers_shape',
      ],
      [
        decision('officers', 1, { office: 'chairman', memberId: 'm-3' }, 7, 0),
        'commission_decisions_officers_shape',
      ],
      [
        decision('key-parts', 1, { n: 2, k: 3, holders: ['a', 'b'] }, 7, 0),
        'commission_decisions_key_parts_shape',
      ],
      [
        decision('key-parts', 1, { n: 3, k: 2, holders: ['a', 'b'] }, 7, 0),
        'commission_decisions_key_parts_shape',
      ],
    ];
    for (const [params, name] of cases)
      expect(await failure(DECISION, params), name).toEqual({ code: '23514', constraint: name });
    expect(new Set(await checksOf('commission_decisions'))).toEqual(new Set(cases.map(([, n]) => n)));
  });

  it('P-1.4 an office is filled once; the key parts are decided once', async () => {
    expect(
      await failure(DECISION, decision('officers', 1, { office: 'deputy', memberId: 'm-4' }, 7, 0)),
    ).toEqual({ code: '23505', constraint: 'commission_decisions_one_officer' });
    expect(
      await failure(DECISION, decision('key-parts', 3, { n: 2, k: 2, holders: ['a', 'b'] }, 7, 0)),
    ).toEqual({ code: '23505', constraint: 'commission_decisions_one_key_parts' });
  });
});

describe('commission_observers', () => {
  it('P-10.5 accepts Appendix 7 data, then refuses bad rows by constraint name', async () => {
    const good = observer('cand-1', 'Наблюдатель Первый', '1980-01-02', 'г. Казань', '9201', '000001');
    expect(await failure(OBSERVER, good)).toBeUndefined();
    const cases: [unknown[], string][] = [
      [observer('-bad', 'Н', '1980-01-02', 'А', '9201', '000002'), 'commission_observers_candidate_format'],
      [
        observer('cand-2', '   ', '1980-01-02', 'А', '9201', '000003'),
        'commission_observers_full_name_length',
      ],
      [observer('cand-2', 'Н', '1899-12-31', 'А', '9201', '000004'), 'commission_observers_birth_date_range'],
      [observer('cand-2', 'Н', '1980-01-02', '', '9201', '000005'), 'commission_observers_address_length'],
      [
        observer('cand-2', 'Н', '1980-01-02', 'А', '92 01', '000006'),
        'commission_observers_passport_series_format',
      ],
      [
        observer('cand-2', 'Н', '1980-01-02', 'А', '9201', '12345'),
        'commission_observers_passport_number_format',
      ],
    ];
    for (const [params, name] of cases)
      expect(await failure(OBSERVER, params), name).toEqual({ code: '23514', constraint: name });
    expect(await checksOf('commission_observers')).toEqual(cases.map(([, n]) => n).sort());
    expect(await failure(OBSERVER, [randomUUID(), ...good.slice(1)])).toEqual({
      code: '23505',
      constraint: 'commission_observers_one_per_candidate',
    });
  });

  it('P-10.4 a fourth observer of one candidate is refused; another candidate still appoints', async () => {
    for (const n of ['000011', '000012'])
      expect(await failure(OBSERVER, observer('cand-1', 'Н', '1980-01-02', 'А', '9201', n))).toBeUndefined();
    expect(await failure(OBSERVER, observer('cand-1', 'Н', '1980-01-02', 'А', '9201', '000013'))).toEqual({
      code: '23514',
      constraint: 'commission_observers_at_most_three',
    });
    expect(
      await failure(OBSERVER, observer('cand-3', 'Н', '1980-01-02', 'А', '9201', '000013')),
    ).toBeUndefined();
  });
});

describe('portal_observers', () => {
  it('P-10.9 accepts a confirmed account, then refuses bad rows by constraint name', async () => {
    expect(await failure(PORTAL, portal('party:p1', 'sub-1'))).toBeUndefined();
    expect(await failure(PORTAL, portal('party-branch:p1:16', 'sub-1'))).toBeUndefined();
    expect(await failure(PORTAL, portal('public-chamber:16', 'sub-1'))).toBeUndefined();
    const cases: [unknown[], string][] = [
      [portal('union:p1', 'sub-2'), 'portal_observers_appointer_format'],
      [portal('party:p1', ''), 'portal_observers_subject_length'],
      [portal('party:p1', 'sub-3', false), 'portal_observers_account_confirmed'],
    ];
    for (const [params, name] of cases)
      expect(await failure(PORTAL, params), name).toEqual({ code: '23514', constraint: name });
    expect(await checksOf('portal_observers')).toEqual(cases.map(([, n]) => n).sort());
    expect(await failure(PORTAL, portal('party:p1', 'sub-1'))).toEqual({
      code: '23505',
      constraint: 'portal_observers_one_per_appointer',
    });
  });

  it('P-10.9 a fourth observer of one appointer is refused', async () => {
    for (const s of ['sub-4', 'sub-5']) expect(await failure(PORTAL, portal('party:p1', s))).toBeUndefined();
    expect(await failure(PORTAL, portal('party:p1', 'sub-6'))).toEqual({
      code: '23514',
      constraint: 'portal_observers_at_most_three',
    });
  });
});

describe('append-only', () => {
  it('decisions and appointments are never changed or deleted', async () => {
    for (const table of ['commission_decisions', 'commission_observers', 'portal_observers']) {
      expect(await failure(`UPDATE ${table} SET election_id = election_id`, [])).toEqual({
        code: '23001',
        constraint: `${table}_append_only`,
      });
      expect(await failure(`DELETE FROM ${table}`, [])).toEqual({
        code: '23001',
        constraint: `${table}_append_only`,
      });
    }
  });
});
