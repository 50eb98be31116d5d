// migrations/004_roles.sql: every CHECK constraint of role_assignments rejects a bad row with
// SQLSTATE 23514 and its name; one active assignment per account, role and region; one account per
// commission member's seat.

import { randomUUID } from 'node:crypto';

import { beforeAll, describe, expect, it } from 'vitest';

import { useTestDatabase } from '../src/testing.ts';
import { pgFailure } from './helpers/pg-failure.ts';
import type { PgFailure } from './helpers/pg-failure.ts';

const db = useTestDatabase();

const failure = (sql: string, params: unknown[]): Promise<PgFailure | undefined> =>
  pgFailure(db.pool, sql, params);

interface Row {
  id?: string;
  subject?: string;
  role?: string;
  region?: string | null;
  memberId?: string | null;
  source?: string;
  assignedBy?: string | null;
  assignedAt?: string;
  revokedAt?: string | null;
  revokedBy?: string | null;
}

const insert = (row: Row): Promise<PgFailure | undefined> =>
  failure(
    `INSERT INTO role_assignments (id, election_id, subject, role, region, member_id, source, assigned_by,
       assigned_at, revoked_at, revoked_by)
     VALUES ($1, 'deg-2026', $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      row.id ?? randomUUID(),
      row.subject ?? `sub-${randomUUID()}`,
      row.role ?? 'operator',
      row.region ?? null,
      row.memberId ?? null,
      row.source ?? 'operator',
      row.assignedBy === undefined ? 'operator-sub' : row.assignedBy,
      row.assignedAt ?? '2026-08-01T10:00:00Z',
      row.revokedAt ?? null,
      row.revokedBy ?? null,
    ],
  );

const check = (constraint: string): PgFailure => ({ code: '23514', constraint });

// Every CHECK constraint of 004 with rows it must reject.
const cases: [constraint: string, bad: () => Promise<PgFailure | undefined>][] = [
  ['role_assignments_subject_length', () => insert({ subject: '' })],
  ['role_assignments_subject_length', () => insert({ subject: 'x'.repeat(256) })],
  ['role_assignments_role_valid', () => insert({ role: 'voter' })],
  ['role_assignments_role_valid', () => insert({ role: 'public' })],
  ['role_assignments_role_valid', () => insert({ role: 'Chairman' })],
  ['role_assignments_region_format', () => insert({ role: 'regional-commission', region: 'no spaces' })],
  ['role_assignments_member_id_format', () => insert({ role: 'chairman', memberId: '-chair' })],
  ['role_assignments_source_valid', () => insert({ source: 'import', assignedBy: null })],
  ['role_assignments_assigned_by_length', () => insert({ assignedBy: '' })],
  ['role_assignments_revoked_by_length', () => insert({ revokedAt: '2026-08-02T10:00:00Z', revokedBy: '' })],
  ['role_assignments_region_by_role', () => insert({ role: 'regional-commission' })],
  ['role_assignments_region_by_role', () => insert({ role: 'operator', region: '16' })],
  ['role_assignments_region_by_role', () => insert({ role: 'cec-member', region: '16' })],
  ['role_assignments_region_by_role', () => insert({ role: 'secretary', memberId: 'sec', region: '16' })],
  ['role_assignments_member_id_iff_commission', () => insert({ role: 'chairman' })],
  ['role_assignments_member_id_iff_commission', () => insert({ role: 'member' })],
  ['role_assignments_member_id_iff_commission', () => insert({ role: 'operator', memberId: 'chair' })],
  ['role_assignments_assigned_by_iff_operator', () => insert({ assignedBy: null })],
  ['role_assignments_assigned_by_iff_operator', () => insert({ source: 'bootstrap' })],
  ['role_assignments_revoked_by_needs_revoked_at', () => insert({ revokedBy: 'operator-sub' })],
  ['role_assignments_time_order', () => insert({ revokedAt: '2026-07-31T10:00:00Z' })],
  // 009: an assignment by the commission's decision names it, and is a deputy's, secretary's or member's.
  [
    'role_assignments_decision_iff_source',
    () => insert({ source: 'decision', assignedBy: null, role: 'member', memberId: 'm1' }),
  ],
  [
    'role_assignments_decision_roles',
    async () => {
      const decision = randomUUID();
      await db.pool.query(
        `INSERT INTO commission_decisions (id, election_id, kind, meeting, payload, votes_for, votes_against, decided_at)
         VALUES ($1, 'deg-2026', 'observers-list', 1, '{}', 7, 0, now())`,
        [decision],
      );
      return failure(
        `INSERT INTO role_assignments (id, election_id, subject, role, member_id, source, decision_id, assigned_at)
         VALUES ($1, 'deg-2026', 'sub-d', 'chairman', 'chair', 'decision', $2, now())`,
        [randomUUID(), decision],
      );
    },
  ],
];

beforeAll(async () => {
  await db.pool.query(
    `INSERT INTO elections (id, kind, config, config_sha256) VALUES ('deg-2026', 'election', '{}', $1)`,
    [Buffer.alloc(32, 7)],
  );
});

describe('004_roles', () => {
  it('accepts good rows', async () => {
    expect(await insert({})).toBeUndefined();
    expect(await insert({ source: 'bootstrap', assignedBy: null })).toBeUndefined();
    expect(await insert({ role: 'chairman', memberId: 'chair' })).toBeUndefined();
    expect(await insert({ role: 'regional-commission', region: '16' })).toBeUndefined();
    expect(await insert({ role: 'portal-observer' })).toBeUndefined();
    expect(await insert({ role: 'commission-observer', region: '54' })).toBeUndefined();
    expect(await insert({ revokedAt: '2026-08-01T10:00:00Z', revokedBy: 'operator-sub' })).toBeUndefined();
    expect(await insert({ revokedAt: '2026-08-03T10:00:00Z' })).toBeUndefined();
  });

  it.each(cases)('CHECK %s rejects a bad row with 23514', async (constraint, bad) => {
    expect(await bad()).toEqual(check(constraint));
  });

  it('the cases above cover every CHECK constraint of role_assignments', async () => {
    const r = await db.pool.query<{ conname: string }>(
      `SELECT conname FROM pg_constraint WHERE contype = 'c' AND conrelid = 'role_assignments'::regclass`,
    );
    expect(r.rows.map((row) => row.conname).sort()).toEqual([...new Set(cases.map(([c]) => c))].sort());
  });

  it('one active assignment per election, account, role and region; revoked ones do not count', async () => {
    const conflict = { code: '23505', constraint: 'role_assignments_one_active' };
    expect(await insert({ subject: 'op-a' })).toBeUndefined();
    expect(await insert({ subject: 'op-a' })).toEqual(conflict);
    // A missing region is one value here, not a wildcard that lets duplicates in.
    expect(await insert({ subject: 'obs-a', role: 'portal-observer' })).toBeUndefined();
    expect(await insert({ subject: 'obs-a', role: 'portal-observer' })).toEqual(conflict);
    expect(await insert({ subject: 'rc-a', role: 'regional-commission', region: '16' })).toBeUndefined();
    expect(await insert({ subject: 'rc-a', role: 'regional-commission', region: '54' })).toBeUndefined();
    expect(await insert({ subject: 'rc-a', role: 'regional-commission', region: '16' })).toEqual(conflict);
    await db.pool.query(
      "UPDATE role_assignments SET revoked_at = assigned_at, revoked_by = 'x' WHERE subject = 'op-a'",
    );
    expect(await insert({ subject: 'op-a' })).toBeUndefined();
  });

  it("P-1.4 a commission member's seat is held by one account at a time", async () => {
    expect(await insert({ subject: 'm-a', role: 'member', memberId: 'member-7' })).toBeUndefined();
    expect(await insert({ subject: 'm-b', role: 'member', memberId: 'member-7' })).toEqual({
      code: '23505',
      constraint: 'role_assignments_one_account_per_member',
    });
  });

  it('refers to a loaded election', async () => {
    expect(
      await failure(
        `INSERT INTO role_assignments (id, election_id, subject, role, source, assigned_by, assigned_at)
         VALUES ($1, 'no-such-election', 's', 'operator', 'operator', 'o', now())`,
        [randomUUID()],
      ),
    ).toEqual({ code: '23503', constraint: 'role_assignments_election_id_fkey' });
  });
});
