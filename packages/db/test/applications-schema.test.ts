// migrations/002_applications.sql: every CHECK constraint rejects a bad row with SQLSTATE 23514 and
// its name; the database itself keeps a voter to one pending or accepted application (seed 003).

import { randomUUID } from 'node:crypto';

import { beforeAll, describe, expect, it } from 'vitest';

import { useTestDatabase } from '../src/testing.ts';
import { pgFailure } from './helpers/pg-failure.ts';
import type { PgFailure } from './helpers/pg-failure.ts';

const db = useTestDatabase();

const ELECTION = 'deg-2026';

const failure = (sql: string, params: unknown[]): Promise<PgFailure | undefined> =>
  pgFailure(db.pool, sql, params);

beforeAll(async () => {
  await db.pool.query('INSERT INTO elections (id, kind, config, config_sha256) VALUES ($1, $2, $3, $4)', [
    ELECTION,
    'training',
    '{}',
    Buffer.alloc(32, 1),
  ]);
});

interface ApplicationRow {
  id: string;
  subject: string;
  region: string;
  precinct: string;
  status: string;
  rejection_reason: string | null;
  full_name: string;
  birth_date: string;
  address: string;
  phone: string;
  passport_series: string;
  passport_number: string;
  filed_at: string;
  processed_at: string | null;
  withdrawn_at: string | null;
}

const insertApplication = (row: Partial<ApplicationRow> = {}): Promise<PgFailure | undefined> => {
  const r: ApplicationRow = {
    id: randomUUID(),
    subject: `voter-${randomUUID()}`,
    region: '16',
    precinct: '1',
    status: 'submitted',
    rejection_reason: null,
    full_name: 'Иванов Иван Иванович',
    birth_date: '1980-05-01',
    address: 'Республика Татарстан, г. Казань, ул. Баумана, д. 1, кв. 2',
    phone: '+79001234567',
    passport_series: '9204',
    passport_number: '123456',
    filed_at: '2026-08-01T10:00:00Z',
    processed_at: null,
    withdrawn_at: null,
    ...row,
  };
  return failure(
    `INSERT INTO applications (id, election_id, subject, region, precinct, status, rejection_reason,
       full_name, birth_date, address, phone, passport_series, passport_number, filed_at, processed_at, withdrawn_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [
      r.id,
      ELECTION,
      r.subject,
      r.region,
      r.precinct,
      r.status,
      r.rejection_reason,
      r.full_name,
      r.birth_date,
      r.address,
      r.phone,
      r.passport_series,
      r.passport_number,
      r.filed_at,
      r.processed_at,
      r.withdrawn_at,
    ],
  );
};

const insertCode = (
  row: Partial<{
    subject: string;
    purpose: string;
    salt: Buffer;
    mac: Buffer;
    issued: string;
    expires: string;
    wrong: number;
  }> = {},
): Promise<PgFailure | undefined> =>
  failure(
    `INSERT INTO confirmation_codes (election_id, subject, purpose, salt, mac, issued_at, expires_at, wrong_entries)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      ELECTION,
      row.subject ?? `voter-${randomUUID()}`,
      row.purpose ?? 'application',
      row.salt ?? Buffer.alloc(16, 2),
      row.mac ?? Buffer.alloc(32, 3),
      row.issued ?? '2026-08-01T10:00:00Z',
      row.expires ?? '2026-08-01T10:05:00Z',
      row.wrong ?? 0,
    ],
  );

const insertPlaceOfStay = (subject = `voter-${randomUUID()}`, id = randomUUID()) =>
  failure(
    'INSERT INTO place_of_stay_applications (id, election_id, subject, filed_at) VALUES ($1, $2, $3, $4)',
    [id, ELECTION, subject, '2026-08-01T09:00:00Z'],
  );

const insertSms = (phone: string, text: string) =>
  failure('INSERT INTO sms_outbox (phone, text, sent_at) VALUES ($1, $2, now())', [phone, text]);

const check = (constraint: string): PgFailure => ({ code: '23514', constraint });
const processed = '2026-08-02T10:00:00Z';

// Every CHECK constraint of 002 with rows it must reject.
const cases: [constraint: string, bad: () => Promise<PgFailure | undefined>][] = [
  ['applications_subject_length', () => insertApplication({ subject: '' })],
  ['applications_subject_length', () => insertApplication({ subject: 'x'.repeat(256) })],
  ['applications_region_format', () => insertApplication({ region: 'no region' })],
  ['applications_precinct_format', () => insertApplication({ precinct: 'УИК 1' })],
  ['applications_precinct_format', () => insertApplication({ precinct: '123456' })],
  ['applications_status_valid', () => insertApplication({ status: 'pending' })],
  [
    'applications_rejection_reason_valid',
    () => insertApplication({ status: 'rejected', rejection_reason: 'BAD_LUCK', processed_at: processed }),
  ],
  ['applications_full_name_format', () => insertApplication({ full_name: '' })],
  ['applications_full_name_format', () => insertApplication({ full_name: ' Иванов' })],
  ['applications_address_format', () => insertApplication({ address: 'x'.repeat(501) })],
  ['applications_phone_format', () => insertApplication({ phone: '89001234567' })],
  ['applications_phone_format', () => insertApplication({ phone: '+7900123456' })],
  ['applications_passport_series_format', () => insertApplication({ passport_series: '92 04' })],
  ['applications_passport_number_format', () => insertApplication({ passport_number: '12345' })],
  ['applications_birth_date_range', () => insertApplication({ birth_date: '1899-12-31' })],
  ['applications_birth_date_range', () => insertApplication({ birth_date: '2026-08-02' })],
  [
    'applications_rejection_reason_iff_rejected',
    () => insertApplication({ status: 'rejected', processed_at: processed }),
  ],
  [
    'applications_rejection_reason_iff_rejected',
    () =>
      insertApplication({
        status: 'accepted',
        rejection_reason: 'UNKNOWN_PRECINCT',
        processed_at: processed,
      }),
  ],
  ['applications_withdrawn_at_iff_withdrawn', () => insertApplication({ status: 'withdrawn' })],
  ['applications_withdrawn_at_iff_withdrawn', () => insertApplication({ withdrawn_at: processed })],
  ['applications_processed_at_by_status', () => insertApplication({ status: 'accepted' })],
  ['applications_processed_at_by_status', () => insertApplication({ processed_at: processed })],
  [
    'applications_time_order',
    () => insertApplication({ status: 'accepted', processed_at: '2026-07-31T10:00:00Z' }),
  ],
  [
    'applications_time_order',
    () =>
      insertApplication({
        status: 'withdrawn',
        processed_at: processed,
        withdrawn_at: '2026-08-01T12:00:00Z',
      }),
  ],
  ['place_of_stay_applications_subject_length', () => insertPlaceOfStay('')],
  [
    'unaccounted_place_of_stay_note',
    async () => {
      const applicationId = randomUUID();
      const placeId = randomUUID();
      await insertApplication({ id: applicationId });
      await insertPlaceOfStay(undefined, placeId);
      return failure(
        `INSERT INTO unaccounted_place_of_stay (place_of_stay_id, application_id, note, recorded_at)
         VALUES ($1, $2, $3, now())`,
        [placeId, applicationId, 'учтено'],
      );
    },
  ],
  ['confirmation_codes_subject_length', () => insertCode({ subject: '' })],
  ['confirmation_codes_purpose_valid', () => insertCode({ purpose: 'login' })],
  ['confirmation_codes_salt_length', () => insertCode({ salt: Buffer.alloc(15) })],
  ['confirmation_codes_mac_length', () => insertCode({ mac: Buffer.alloc(31) })],
  ['confirmation_codes_wrong_entries_range', () => insertCode({ wrong: 6 })],
  ['confirmation_codes_wrong_entries_range', () => insertCode({ wrong: -1 })],
  ['confirmation_codes_expiry_after_issue', () => insertCode({ expires: '2026-08-01T10:00:00Z' })],
  ['sms_outbox_phone_format', () => insertSms('79001234567', 'Код: 123456')],
  ['sms_outbox_text_length', () => insertSms('+79001234567', '')],
];

const TABLES = [
  'applications',
  'place_of_stay_applications',
  'unaccounted_place_of_stay',
  'confirmation_codes',
  'sms_outbox',
];

describe('002_applications', () => {
  it('accepts good rows in every status', async () => {
    expect(await insertApplication()).toBeUndefined();
    expect(await insertApplication({ status: 'accepted', processed_at: processed })).toBeUndefined();
    expect(
      await insertApplication({
        status: 'rejected',
        rejection_reason: 'ADDRESS_OUTSIDE_PRECINCT',
        processed_at: processed,
      }),
    ).toBeUndefined();
    expect(await insertApplication({ status: 'withdrawn', withdrawn_at: processed })).toBeUndefined();
    expect(
      await insertApplication({
        status: 'withdrawn',
        processed_at: processed,
        withdrawn_at: '2026-08-03T10:00:00Z',
      }),
    ).toBeUndefined();
    expect(await insertCode({ purpose: 'ballot-access', wrong: 5 })).toBeUndefined();
    expect(await insertPlaceOfStay()).toBeUndefined();
    expect(await insertSms('+79001234567', 'Код подтверждения: 123456')).toBeUndefined();
  });

  it.each(cases)('CHECK %s rejects a bad row with 23514', async (constraint, bad) => {
    expect(await bad()).toEqual(check(constraint));
  });

  it('the cases above cover every CHECK constraint of the application tables', async () => {
    const r = await db.pool.query<{ conname: string }>(
      `SELECT conname FROM pg_constraint WHERE contype = 'c' AND conrelid::regclass::text = ANY ($1)`,
      [TABLES],
    );
    expect(r.rows.map((row) => row.conname).sort()).toEqual([...new Set(cases.map(([c]) => c))].sort());
  });

  it('seed 003: a voter has at most one pending or accepted application per election', async () => {
    const subject = `voter-${randomUUID()}`;
    const duplicate = { code: '23505', constraint: 'applications_one_active_per_voter' };
    expect(await insertApplication({ subject })).toBeUndefined();
    expect(await insertApplication({ subject })).toEqual(duplicate);
    expect(await insertApplication({ subject, status: 'accepted', processed_at: processed })).toEqual(
      duplicate,
    );
    // Rejected and withdrawn ones do not count: the voter may file again (P-2.3, P-2.5).
    expect(
      await insertApplication({
        subject,
        status: 'rejected',
        rejection_reason: 'UNKNOWN_PRECINCT',
        processed_at: processed,
      }),
    ).toBeUndefined();
    expect(
      await insertApplication({ subject, status: 'withdrawn', withdrawn_at: processed }),
    ).toBeUndefined();
  });

  it('P-2.7 one place-of-stay application per voter; the unaccounted register takes the note', async () => {
    const subject = `voter-${randomUUID()}`;
    const placeId = randomUUID();
    const applicationId = randomUUID();
    expect(await insertPlaceOfStay(subject, placeId)).toBeUndefined();
    expect(await insertPlaceOfStay(subject)).toEqual({
      code: '23505',
      constraint: 'place_of_stay_applications_one_per_voter',
    });
    expect(await insertApplication({ id: applicationId, subject })).toBeUndefined();
    expect(
      await failure(
        `INSERT INTO unaccounted_place_of_stay (place_of_stay_id, application_id, note, recorded_at)
         VALUES ($1, $2, 'подано заявление ДЭГ', now())`,
        [placeId, applicationId],
      ),
    ).toBeUndefined();
  });

  it('refers to an existing election', async () => {
    expect(
      await failure(
        'INSERT INTO place_of_stay_applications (id, election_id, subject, filed_at) VALUES ($1, $2, $3, now())',
        [randomUUID(), 'no-such-election', 'voter'],
      ),
    ).toEqual({ code: '23503', constraint: 'place_of_stay_applications_election_id_fkey' });
  });
});
