// Role assignments in PostgreSQL (role_assignments, migration 004): read the active roles of an
// account, assign, revoke, list. The table's CHECKs and unique indexes state the invariants again,
// so a second writer cannot break them either.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { StoredRole } from './roles.ts';

export interface RoleAssignment {
  id: string;
  electionId: string;
  subject: string;
  role: StoredRole;
  region: string | null;
  memberId: string | null;
  source: 'operator' | 'bootstrap' | 'decision';
  assignedBy: string | null;
  assignedAt: Date;
  revokedAt: Date | null;
}

interface Row {
  id: string;
  election_id: string;
  subject: string;
  role: StoredRole;
  region: string | null;
  member_id: string | null;
  source: 'operator' | 'bootstrap' | 'decision';
  assigned_by: string | null;
  assigned_at: Date;
  revoked_at: Date | null;
}

const COLUMNS =
  'id, election_id, subject, role, region, member_id, source, assigned_by, assigned_at, revoked_at';

function fromRow(r: Row): RoleAssignment {
  return {
    id: r.id,
    electionId: r.election_id,
    subject: r.subject,
    role: r.role,
    region: r.region,
    memberId: r.member_id,
    source: r.source,
    assignedBy: r.assigned_by,
    assignedAt: r.assigned_at,
    revokedAt: r.revoked_at,
  };
}

type Db = pg.Pool | pg.PoolClient;

/** The account's active assignments in the election, oldest first. */
export async function activeAssignments(
  db: Db,
  electionId: string,
  subject: string,
): Promise<RoleAssignment[]> {
  const r = await db.query<Row>(
    `SELECT ${COLUMNS} FROM role_assignments
     WHERE election_id = $1 AND subject = $2 AND revoked_at IS NULL ORDER BY assigned_at, id`,
    [electionId, subject],
  );
  return r.rows.map(fromRow);
}

/** Every assignment of the election (revoked ones too when asked), oldest first. */
export async function listAssignments(
  db: Db,
  electionId: string,
  includeRevoked: boolean,
): Promise<RoleAssignment[]> {
  const r = await db.query<Row>(
    `SELECT ${COLUMNS} FROM role_assignments
     WHERE election_id = $1 AND ($2 OR revoked_at IS NULL) ORDER BY assigned_at, id`,
    [electionId, includeRevoked],
  );
  return r.rows.map(fromRow);
}

export interface NewAssignment {
  electionId: string;
  subject: string;
  role: StoredRole;
  region: string | null;
  memberId: string | null;
  /** The operator's account; null for the start-up bootstrap. */
  assignedBy: string | null;
  at: Date;
}

/** Inserts an active assignment; a duplicate raises 23505 (see isAssignmentConflict). */
export async function insertAssignment(db: Db, a: NewAssignment): Promise<RoleAssignment> {
  const r = await db.query<Row>(
    `INSERT INTO role_assignments
       (id, election_id, subject, role, region, member_id, source, assigned_by, assigned_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
    [
      randomUUID(),
      a.electionId,
      a.subject,
      a.role,
      a.region,
      a.memberId,
      a.assignedBy === null ? 'bootstrap' : 'operator',
      a.assignedBy,
      a.at,
    ],
  );
  const row = r.rows[0];
  if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
  return fromRow(row);
}

/** Which unique index refused an assignment: the same role already active, or the member's seat taken. */
export function assignmentConflict(e: unknown): 'role' | 'member' | undefined {
  const err = e as { code?: string; constraint?: string };
  if (err.code !== '23505') return undefined;
  if (err.constraint === 'role_assignments_one_active') return 'role';
  if (err.constraint === 'role_assignments_one_account_per_member') return 'member';
  return undefined;
}

/** Revokes an active assignment of the election; undefined when there is none with that id. */
export async function revokeAssignment(
  db: Db,
  electionId: string,
  id: string,
  revokedBy: string,
  at: Date,
): Promise<RoleAssignment | undefined> {
  const r = await db.query<Row>(
    `UPDATE role_assignments SET revoked_at = $4, revoked_by = $3
     WHERE election_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
    [electionId, id, revokedBy, at],
  );
  const row = r.rows[0];
  return row === undefined ? undefined : fromRow(row);
}
