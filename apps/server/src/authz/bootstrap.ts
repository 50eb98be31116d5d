// The first operator (BOOTSTRAP_OPERATOR_SUB): nobody can assign roles before an operator exists,
// so the server's start-up assigns 'operator' to the configured account of the identity provider.
// Idempotent: an account already holding an active 'operator' assignment is left as it is. A revoked
// one is made again at the next start while the variable is set: unset it once operators exist.
import type pg from 'pg';
import { writeAudit } from '../audit.ts';
import { withTransaction } from '../transaction.ts';
import { activeAssignments, assignmentConflict, insertAssignment } from './store.ts';

/** Returns true when an assignment was made, false when the account already was an operator. */
export async function bootstrapOperator(
  pool: pg.Pool,
  electionId: string,
  subject: string,
  now: Date,
): Promise<boolean> {
  try {
    return await withTransaction(pool, async (client) => {
      const held = await activeAssignments(client, electionId, subject);
      if (held.some((a) => a.role === 'operator')) return false;
      const assignment = await insertAssignment(client, {
        electionId,
        subject,
        role: 'operator',
        region: null,
        memberId: null,
        assignedBy: null,
        at: now,
      });
      await writeAudit(client, {
        electionId,
        at: now,
        actorRole: 'system',
        action: 'role.bootstrap',
        disposition: 'success',
        details: { assignmentId: assignment.id, role: 'operator' },
      });
      return true;
    });
  } catch (e) {
    // Two processes starting at once: the other one made the assignment.
    if (assignmentConflict(e) === 'role') return false;
    throw e;
  }
}
