// migrations/001_foundation.sql: every CHECK constraint rejects a bad row with SQLSTATE 23514 and
// its name, and the audit log only grows.

import { randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { useTestDatabase } from '../src/testing.ts';
import { pgFailure } from './helpers/pg-failure.ts';
import type { PgFailure } from './helpers/pg-failure.ts';

const db = useTestDatabase();

const HASH = Buffer.alloc(32, 7);

const failure = (sql: string, params: unknown[]): Promise<PgFailure | undefined> =>
  pgFailure(db.pool, sql, params);

const insertElection = (row: {
  id?: string;
  kind?: string;
  config?: unknown;
  sha?: Buffer;
}): Promise<PgFailure | undefined> =>
  failure('INSERT INTO elections (id, kind, config, config_sha256) VALUES ($1, $2, $3, $4)', [
    row.id ?? `e-${randomUUID()}`,
    row.kind ?? 'election',
    JSON.stringify(row.config ?? { regions: [] }),
    row.sha ?? HASH,
  ]);

const insertEvent = (row: {
  election?: string | null;
  role?: string;
  action?: string;
  disposition?: string;
  details?: unknown;
  eventId?: string;
}): Promise<PgFailure | undefined> =>
  failure(
    `INSERT INTO audit_events (event_id, election_id, at, actor_role, action, disposition, details)
     VALUES ($1, $2, now(), $3, $4, $5, $6)`,
    [
      row.eventId ?? randomUUID(),
      row.election === undefined ? 'deg-2026' : row.election,
      row.role ?? 'commission_chair',
      row.action ?? 'election.load',
      row.disposition ?? 'success',
      JSON.stringify(row.details ?? { keyGroup: 'kg-1' }),
    ],
  );

const check = (constraint: string): PgFailure => ({ code: '23514', constraint });

// Every CHECK constraint of 001 with rows it must reject.
const cases: [constraint: string, bad: () => Promise<PgFailure | undefined>][] = [
  ['elections_id_format', () => insertElection({ id: 'bad id' })],
  ['elections_id_format', () => insertElection({ id: '' })],
  ['elections_id_format', () => insertElection({ id: '-leading-dash' })],
  ['elections_id_format', () => insertElection({ id: 'x'.repeat(65) })],
  ['elections_kind_valid', () => insertElection({ kind: 'referendum' })],
  ['elections_config_object', () => insertElection({ config: [1, 2] })],
  ['elections_config_object', () => insertElection({ config: 'text' })],
  ['elections_config_sha256_length', () => insertElection({ sha: Buffer.alloc(31) })],
  ['elections_config_sha256_length', () => insertElection({ sha: Buffer.alloc(33) })],
  ['audit_events_election_id_format', () => insertEvent({ election: 'no spaces please' })],
  ['audit_events_actor_role_format', () => insertEvent({ role: 'Commission Chair' })],
  ['audit_events_actor_role_format', () => insertEvent({ role: '' })],
  ['audit_events_action_format', () => insertEvent({ action: 'Election Load' })],
  ['audit_events_action_format', () => insertEvent({ action: 'election..load' })],
  ['audit_events_action_format', () => insertEvent({ action: `a.${'b'.repeat(127)}` })],
  ['audit_events_disposition_valid', () => insertEvent({ disposition: 'ok' })],
  ['audit_events_details_object', () => insertEvent({ details: ['a'] })],
  ['audit_events_details_size', () => insertEvent({ details: { blob: 'x'.repeat(16_400) } })],
];

describe('001_foundation', () => {
  it('accepts good rows', async () => {
    expect(await insertElection({ id: 'deg-2026', kind: 'election' })).toBeUndefined();
    expect(await insertElection({ id: 'Training.2026_09', kind: 'training' })).toBeUndefined();
    expect(await insertEvent({})).toBeUndefined();
    expect(
      await insertEvent({ election: null, role: 'system', action: 'server.start', details: {} }),
    ).toBeUndefined();
    expect(
      await insertEvent({ action: 'key_ceremony.share_written', disposition: 'failure' }),
    ).toBeUndefined();
  });

  it.each(cases)('CHECK %s rejects a bad row with 23514', async (constraint, bad) => {
    expect(await bad()).toEqual(check(constraint));
  });

  it('the cases above cover every CHECK constraint of the foundation tables', async () => {
    const r = await db.pool.query<{ conname: string }>(
      `SELECT conname FROM pg_constraint
       WHERE contype = 'c' AND conrelid IN ('elections'::regclass, 'audit_events'::regclass)`,
    );
    expect(r.rows.map((row) => row.conname).sort()).toEqual([...new Set(cases.map(([c]) => c))].sort());
  });

  it('requires the election configuration and a unique event id', async () => {
    expect(
      await failure('INSERT INTO elections (id, kind, config, config_sha256) VALUES ($1, $2, NULL, $3)', [
        'deg-null',
        'election',
        HASH,
      ]),
    ).toEqual({ code: '23502', constraint: undefined });
    const eventId = randomUUID();
    expect(await insertEvent({ eventId })).toBeUndefined();
    expect(await insertEvent({ eventId })).toEqual({
      code: '23505',
      constraint: 'audit_events_event_id_unique',
    });
  });

  it('keeps the audit log append-only: no UPDATE, DELETE or TRUNCATE', async () => {
    expect(await insertEvent({})).toBeUndefined();
    const refused = { code: '23001', constraint: 'audit_events_append_only' };
    expect(await failure("UPDATE audit_events SET disposition = 'failure'", [])).toEqual(refused);
    expect(await failure('DELETE FROM audit_events', [])).toEqual(refused);
    expect(await failure('TRUNCATE audit_events', [])).toEqual(refused);
    const count = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM audit_events');
    expect(Number(count.rows[0]?.n)).toBeGreaterThan(0);
  });
});
