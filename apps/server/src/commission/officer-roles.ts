// The commission roles that follow the officers' decision (P-1.4): the deputy chairman and the
// secretary are elected from among the members at the first meeting, so which seat holds which role
// is the configuration's (the chairman, appointed; the members) until that decision, and the
// decision's afterwards. Two ways in (migration 009):
//   - when the chairman records the decision, every seat already held by an account whose role
//     changes is re-assigned in the same transaction (source 'decision', the decision's id), the
//     previous assignment revoked: the elected member becomes deputy or secretary, and a member the
//     configuration had named to an office another won becomes a member;
//   - a seat the operator assigns later takes the role the decision gave it (authz/routes.ts asks
//     `seatRoles` for it).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { ElectionConfig } from '@opendeg/deg';
import { writeAudit } from '../audit.ts';
import type { CommissionRole } from '../authz/roles.ts';

export type Office = 'deputy' | 'secretary';

export interface ElectedOffice {
  memberId: string;
  decisionId: string;
}

type Db = pg.Pool | pg.PoolClient;

/** The offices the commission filled by decision, each with its member and decision. */
export async function electedOffices(db: Db, electionId: string): Promise<Map<Office, ElectedOffice>> {
  const r = await db.query<{ id: string; office: Office; member_id: string }>(
    `SELECT id, payload->>'office' AS office, payload->>'memberId' AS member_id FROM commission_decisions
     WHERE election_id = $1 AND kind = 'officers'`,
    [electionId],
  );
  return new Map(r.rows.map((row) => [row.office, { memberId: row.member_id, decisionId: row.id }]));
}

/**
 * Each configured member's role now: the office the decision gave; 'member' for one the
 * configuration named to an office that the decision gave to another; otherwise the configuration's.
 * With each role, the decision it comes from (none when it is the configuration's).
 */
export function seatRoles(
  config: ElectionConfig,
  elected: ReadonlyMap<Office, ElectedOffice>,
): Map<string, { role: CommissionRole; decisionId: string | null }> {
  const seats = new Map<string, { role: CommissionRole; decisionId: string | null }>();
  for (const m of config.commission.members) {
    let seat: { role: CommissionRole; decisionId: string | null } = { role: m.role, decisionId: null };
    if (m.role === 'deputy' || m.role === 'secretary') {
      const filled = elected.get(m.role);
      if (filled !== undefined && filled.memberId !== m.id)
        seat = { role: 'member', decisionId: filled.decisionId };
    }
    for (const [office, filled] of elected) {
      if (filled.memberId === m.id) seat = { role: office, decisionId: filled.decisionId };
    }
    seats.set(m.id, seat);
  }
  return seats;
}

export interface DecisionGrant {
  assignmentId: string;
  memberId: string;
  role: Exclude<CommissionRole, 'chairman'>;
  revokedAssignmentId: string;
}

/**
 * In the decision's transaction, after its rows are inserted: re-assigns each held seat whose role
 * the decision changed, and audits each change by ids and role names (the account stays in
 * role_assignments). Returns what changed.
 */
export async function applySeatRoles(
  client: pg.PoolClient,
  electionId: string,
  config: ElectionConfig,
  at: Date,
  requestId: string,
): Promise<DecisionGrant[]> {
  const seats = seatRoles(config, await electedOffices(client, electionId));
  const held = await client.query<{ id: string; subject: string; role: CommissionRole; member_id: string }>(
    `SELECT id, subject, role, member_id FROM role_assignments
     WHERE election_id = $1 AND member_id IS NOT NULL AND revoked_at IS NULL
     ORDER BY member_id FOR UPDATE`,
    [electionId],
  );
  const grants: DecisionGrant[] = [];
  for (const a of held.rows) {
    const seat = seats.get(a.member_id);
    // The chairman's seat is the CEC's appointment: no decision of the commission changes it.
    if (seat === undefined || seat.role === a.role || seat.decisionId === null || seat.role === 'chairman')
      continue;
    await client.query('UPDATE role_assignments SET revoked_at = $2 WHERE id = $1', [a.id, at]);
    const id = randomUUID();
    await client.query(
      `INSERT INTO role_assignments (id, election_id, subject, role, member_id, source, decision_id, assigned_at)
       VALUES ($1, $2, $3, $4, $5, 'decision', $6, $7)`,
      [id, electionId, a.subject, seat.role, a.member_id, seat.decisionId, at],
    );
    await writeAudit(client, {
      electionId,
      at,
      actorRole: 'chairman',
      action: 'role.assign_by_decision',
      disposition: 'success',
      details: {
        assignmentId: id,
        revokedAssignmentId: a.id,
        memberId: a.member_id,
        role: seat.role,
        from: a.role,
        decisionId: seat.decisionId,
        requestId,
      },
    });
    grants.push({ assignmentId: id, memberId: a.member_id, role: seat.role, revokedAssignmentId: a.id });
  }
  return grants;
}
