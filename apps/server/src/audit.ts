// Rows of the audit log (audit_events, migration 001): one per state change or refused attempt,
// each with its own event id, the actor's role and a disposition. Details name things by id and
// carry codes, never personal data (no names, phones, passports, addresses, codes, account ids).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { CommissionRole } from './authz/roles.ts';

/** Who acted, in the column's format (`^[a-z][a-z0-9_]*$`: a stored role's hyphen becomes `_`). */
export type ActorRole =
  | 'voter'
  | 'system'
  | 'operator'
  | CommissionRole
  | 'cec_member'
  | 'commission_observer'
  | 'portal_observer'
  | 'regional_commission';

export interface AuditEvent {
  electionId: string | null;
  at: Date;
  actorRole: ActorRole;
  /** Dotted words: application.submit, confirmation_code.issue, … */
  action: string;
  disposition: 'success' | 'failure';
  details?: Record<string, string | number | boolean | readonly string[] | null>;
}

/** Appends one audit row in the caller's transaction (or on its own); returns its event id. */
export async function writeAudit(db: pg.Pool | pg.PoolClient, event: AuditEvent): Promise<string> {
  const eventId = randomUUID();
  await db.query(
    `INSERT INTO audit_events (event_id, election_id, at, actor_role, action, disposition, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      eventId,
      event.electionId,
      event.at,
      event.actorRole,
      event.action,
      event.disposition,
      JSON.stringify(event.details ?? {}),
    ],
  );
  return eventId;
}
