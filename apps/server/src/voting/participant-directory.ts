// P-6.5: which participant list row, if any, belongs to a logged-in account. The list data carry
// no account identifier (P-3.1, packages/deg list-data.ts); the data centre makes them from the
// accepted applications (P-2.6), and the participant id of each row is the id of the application
// it came from. So an account's row is the one whose id is the account's accepted application's,
// in that application's region. Another identity provider or data centre plugs in its own rule.
import type pg from 'pg';

export interface ParticipantRef {
  readonly region: string;
  readonly participantId: string;
}

/** Contract: resolves to the account's row on a compiled list, or undefined when it is on none. */
export interface ParticipantDirectory {
  find(db: pg.Pool | pg.PoolClient, electionId: string, subject: string): Promise<ParticipantRef | undefined>;
}

export const applicationParticipants: ParticipantDirectory = {
  async find(db, electionId, subject) {
    const r = await db.query<{ region: string; participant_id: string }>(
      `SELECT p.region, p.participant_id
       FROM applications a
       JOIN participant_lists l
         ON l.election_id = a.election_id AND l.region = a.region AND l.compiled_at IS NOT NULL
       JOIN participants p
         ON p.election_id = a.election_id AND p.region = a.region AND p.participant_id = a.id::text
       WHERE a.election_id = $1 AND a.subject = $2 AND a.status = 'accepted'`,
      [electionId, subject],
    );
    const row = r.rows[0];
    return row && { region: row.region, participantId: row.participant_id };
  },
};
