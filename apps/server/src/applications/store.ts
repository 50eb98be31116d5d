// SQL of the applications slice (migration 002). Personal data (P-2.4) are written to
// `applications` and read back by nobody but processing; the status feed reads no personal data.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { ApplicationStatus, CodeRecord } from '@opendeg/deg';

type Db = pg.Pool | pg.PoolClient;

/** P-2.4: the contents of an application. */
export interface ApplicationContents {
  fullName: string;
  /** YYYY-MM-DD */
  birthDate: string;
  address: string;
  phone: string;
  passport: { series: string; number: string };
}

/** An application as its voter sees it: no personal data. */
export interface ApplicationSummary {
  id: string;
  status: ApplicationStatus;
  region: string;
  precinct: string;
  rejectionReason: 'ADDRESS_OUTSIDE_PRECINCT' | 'UNKNOWN_PRECINCT' | null;
  filedAt: Date;
  processedAt: Date | null;
  withdrawnAt: Date | null;
}

interface SummaryRow {
  id: string;
  status: ApplicationStatus;
  region: string;
  precinct: string;
  rejection_reason: ApplicationSummary['rejectionReason'];
  filed_at: Date;
  processed_at: Date | null;
  withdrawn_at: Date | null;
}

const SUMMARY_COLUMNS =
  'id, status, region, precinct, rejection_reason, filed_at, processed_at, withdrawn_at';

function summary(row: SummaryRow): ApplicationSummary {
  return {
    id: row.id,
    status: row.status,
    region: row.region,
    precinct: row.precinct,
    rejectionReason: row.rejection_reason,
    filedAt: row.filed_at,
    processedAt: row.processed_at,
    withdrawnAt: row.withdrawn_at,
  };
}

/** The voter's applications in the election, newest first (P-2.8). */
export async function listApplications(
  db: Db,
  electionId: string,
  subject: string,
): Promise<ApplicationSummary[]> {
  const r = await db.query<SummaryRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM applications WHERE election_id = $1 AND subject = $2
     ORDER BY filed_at DESC, id`,
    [electionId, subject],
  );
  return r.rows.map(summary);
}

/** The pending or accepted application, locked for the caller's transaction. */
export async function activeApplicationForUpdate(
  client: pg.PoolClient,
  electionId: string,
  subject: string,
): Promise<ApplicationSummary | undefined> {
  const r = await client.query<SummaryRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM applications
     WHERE election_id = $1 AND subject = $2 AND status IN ('submitted', 'accepted') FOR UPDATE`,
    [electionId, subject],
  );
  const row = r.rows[0];
  return row && summary(row);
}

export async function placeOfStayFiled(db: Db, electionId: string, subject: string): Promise<boolean> {
  const r = await db.query(
    'SELECT 1 FROM place_of_stay_applications WHERE election_id = $1 AND subject = $2',
    [electionId, subject],
  );
  return r.rowCount === 1;
}

/**
 * Records a place-of-stay application received from the state system (P-2.7). Idempotent: a
 * voter has one per election. Returns its id.
 */
export async function recordPlaceOfStay(
  db: Db,
  electionId: string,
  subject: string,
  filedAt: Date,
): Promise<string> {
  const r = await db.query<{ id: string }>(
    `INSERT INTO place_of_stay_applications (id, election_id, subject, filed_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (election_id, subject) DO UPDATE SET subject = EXCLUDED.subject
     RETURNING id`,
    [randomUUID(), electionId, subject, filedAt],
  );
  const id = r.rows[0]?.id;
  if (id === undefined) throw new Error('place-of-stay insert returned no row');
  return id;
}

export async function insertApplication(
  client: pg.PoolClient,
  a: { electionId: string; subject: string; region: string; precinct: string; filedAt: Date },
  contents: ApplicationContents,
): Promise<ApplicationSummary> {
  const r = await client.query<SummaryRow>(
    `INSERT INTO applications (id, election_id, subject, region, precinct, status, full_name, birth_date,
       address, phone, passport_series, passport_number, filed_at)
     VALUES ($1, $2, $3, $4, $5, 'submitted', $6, $7, $8, $9, $10, $11, $12)
     RETURNING ${SUMMARY_COLUMNS}`,
    [
      randomUUID(),
      a.electionId,
      a.subject,
      a.region,
      a.precinct,
      contents.fullName,
      contents.birthDate,
      contents.address,
      contents.phone,
      contents.passport.series,
      contents.passport.number,
      a.filedAt,
    ],
  );
  const row = r.rows[0];
  if (!row) throw new Error('application insert returned no row');
  return summary(row);
}

export async function markWithdrawn(
  client: pg.PoolClient,
  id: string,
  at: Date,
): Promise<ApplicationSummary> {
  const r = await client.query<SummaryRow>(
    `UPDATE applications SET status = 'withdrawn', withdrawn_at = $2 WHERE id = $1 RETURNING ${SUMMARY_COLUMNS}`,
    [id, at],
  );
  const row = r.rows[0];
  if (!row) throw new Error('application vanished while locked');
  return summary(row);
}

interface CodeRow {
  purpose: CodeRecord['purpose'];
  salt: string;
  mac: string;
  issued_at: Date;
  expires_at: Date;
  wrong_entries: number;
  used: boolean;
}

/** The current code record of a voter for a purpose, locked for the caller's transaction. */
export async function codeForUpdate(
  client: pg.PoolClient,
  electionId: string,
  subject: string,
  purpose: CodeRecord['purpose'],
): Promise<CodeRecord | undefined> {
  const r = await client.query<CodeRow>(
    `SELECT purpose, encode(salt, 'hex') AS salt, encode(mac, 'hex') AS mac, issued_at, expires_at,
       wrong_entries, used
     FROM confirmation_codes WHERE election_id = $1 AND subject = $2 AND purpose = $3 FOR UPDATE`,
    [electionId, subject, purpose],
  );
  const row = r.rows[0];
  return (
    row && {
      purpose: row.purpose,
      saltHex: row.salt,
      macHex: row.mac,
      issuedAt: row.issued_at.getTime(),
      expiresAt: row.expires_at.getTime(),
      wrongEntries: row.wrong_entries,
      used: row.used,
    }
  );
}

/** Stores a code record, replacing the voter's previous one for that purpose. */
export async function saveCode(
  client: pg.PoolClient,
  electionId: string,
  subject: string,
  record: CodeRecord,
): Promise<void> {
  await client.query(
    `INSERT INTO confirmation_codes (election_id, subject, purpose, salt, mac, issued_at, expires_at, wrong_entries, used)
     VALUES ($1, $2, $3, decode($4, 'hex'), decode($5, 'hex'), $6, $7, $8, $9)
     ON CONFLICT (election_id, subject, purpose) DO UPDATE SET
       salt = EXCLUDED.salt, mac = EXCLUDED.mac, issued_at = EXCLUDED.issued_at, expires_at = EXCLUDED.expires_at,
       wrong_entries = EXCLUDED.wrong_entries, used = EXCLUDED.used`,
    [
      electionId,
      subject,
      record.purpose,
      record.saltHex,
      record.macHex,
      new Date(record.issuedAt),
      new Date(record.expiresAt),
      record.wrongEntries,
      record.used,
    ],
  );
}

/** True for the unique violation of "one pending or accepted application per voter". */
export function isActiveApplicationConflict(e: unknown): boolean {
  const err = e as { code?: unknown; constraint?: unknown };
  return err.code === '23505' && err.constraint === 'applications_one_active_per_voter';
}
