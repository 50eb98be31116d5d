// SQL of the voting slice (migration 014): the voter's steps, the participant's state on the list
// and the one issuance. Reads the participants table of migration 003 for exclusion and access.
import type pg from 'pg';
import type { ExclusionReason } from '@opendeg/deg';
import type { ParticipantRef } from './participant-directory.ts';

type Db = pg.Pool | pg.PoolClient;

/** A participant's row as the identity side needs it, with its issuance if there is one. */
export interface ParticipantState {
  readonly exclusion: ExclusionReason | null;
  readonly ballotAccessAt: Date | null;
  /** P-7.4: the list was frozen; nothing changes on it any more. */
  readonly frozen: boolean;
  readonly issuance: Issuance | undefined;
}

export interface Issuance {
  readonly blindedMessage: Uint8Array;
  readonly blindSignature: Uint8Array;
  readonly issuedAt: Date;
}

export interface VotingSteps {
  /** Hex SHA-256 of the texts confirmed (P-6.6), when confirmed. */
  readonly conditionsVersion: string | undefined;
  readonly conditionsConfirmedAt: Date | undefined;
  readonly codeConfirmedAt: Date | undefined;
  /** The session the code was entered in (its store key). */
  readonly codeSession: string | undefined;
}

interface StateRow {
  exclusion_reason: ExclusionReason | null;
  ballot_access_at: Date | null;
  frozen: boolean;
  blinded_message: Buffer | null;
  blind_signature: Buffer | null;
  issued_at: Date | null;
}

/** The participant's row; `lock` takes it FOR UPDATE (in the caller's transaction). */
export async function participantState(
  db: Db,
  electionId: string,
  ref: ParticipantRef,
  lock = false,
): Promise<ParticipantState | undefined> {
  const r = await db.query<StateRow>(
    `SELECT p.exclusion_reason, p.ballot_access_at, l.frozen_at IS NOT NULL AS frozen,
       i.blinded_message, i.blind_signature, i.issued_at
     FROM participants p
     JOIN participant_lists l ON l.election_id = p.election_id AND l.region = p.region
     LEFT JOIN ballot_issuances i
       ON i.election_id = p.election_id AND i.region = p.region AND i.participant_id = p.participant_id
     WHERE p.election_id = $1 AND p.region = $2 AND p.participant_id = $3
     ${lock ? 'FOR UPDATE OF p' : ''}`,
    [electionId, ref.region, ref.participantId],
  );
  const row = r.rows[0];
  if (row === undefined) return undefined;
  return {
    exclusion: row.exclusion_reason,
    ballotAccessAt: row.ballot_access_at,
    frozen: row.frozen,
    issuance:
      row.blinded_message !== null && row.blind_signature !== null && row.issued_at !== null
        ? {
            blindedMessage: new Uint8Array(row.blinded_message),
            blindSignature: new Uint8Array(row.blind_signature),
            issuedAt: row.issued_at,
          }
        : undefined,
  };
}

export async function votingSteps(db: Db, electionId: string, subject: string): Promise<VotingSteps> {
  const r = await db.query<{
    conditions_version: string | null;
    conditions_confirmed_at: Date | null;
    code_confirmed_at: Date | null;
    code_session: string | null;
  }>(
    `SELECT encode(conditions_version, 'hex') AS conditions_version, conditions_confirmed_at,
       code_confirmed_at, code_session
     FROM voting_steps WHERE election_id = $1 AND subject = $2`,
    [electionId, subject],
  );
  const row = r.rows[0];
  return {
    conditionsVersion: row?.conditions_version ?? undefined,
    conditionsConfirmedAt: row?.conditions_confirmed_at ?? undefined,
    codeConfirmedAt: row?.code_confirmed_at ?? undefined,
    codeSession: row?.code_session ?? undefined,
  };
}

/** P-6.6: records the confirmation of the texts of `versionHex` (a later one replaces it). */
export async function confirmConditions(
  db: Db,
  electionId: string,
  subject: string,
  versionHex: string,
  at: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO voting_steps (election_id, subject, conditions_version, conditions_confirmed_at)
     VALUES ($1, $2, decode($3, 'hex'), $4)
     ON CONFLICT (election_id, subject) DO UPDATE SET
       conditions_version = EXCLUDED.conditions_version,
       conditions_confirmed_at = EXCLUDED.conditions_confirmed_at,
       code_confirmed_at = NULL, code_session = NULL`,
    [electionId, subject, versionHex, at],
  );
}

/** P-6.7: the code was entered correctly in the session `sessionKey`. */
export async function confirmCode(
  db: Db,
  electionId: string,
  subject: string,
  sessionKey: string,
  at: Date,
): Promise<void> {
  const r = await db.query(
    `UPDATE voting_steps SET code_confirmed_at = $4, code_session = $3
     WHERE election_id = $1 AND subject = $2 AND conditions_confirmed_at IS NOT NULL`,
    [electionId, subject, sessionKey, at],
  );
  if (r.rowCount !== 1) throw new Error('code confirmed before the conditions');
}

/**
 * P-3.8, P-6.9: ballot access on the list and the issuance, in the caller's transaction (the
 * participant's row locked by `participantState(…, true)` first). The list's triggers move its
 * counters and refuse a frozen list or an excluded participant.
 */
export async function recordIssuance(
  client: pg.PoolClient,
  electionId: string,
  ref: ParticipantRef,
  issuance: Issuance,
): Promise<void> {
  const updated = await client.query(
    `UPDATE participants SET ballot_access_at = $4
     WHERE election_id = $1 AND region = $2 AND participant_id = $3
       AND ballot_access_at IS NULL AND excluded_at IS NULL`,
    [electionId, ref.region, ref.participantId, issuance.issuedAt],
  );
  if (updated.rowCount !== 1) throw new Error('ballot access changed under the row lock');
  await client.query(
    `INSERT INTO ballot_issuances (election_id, region, participant_id, blinded_message, blind_signature, issued_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      electionId,
      ref.region,
      ref.participantId,
      issuance.blindedMessage,
      issuance.blindSignature,
      issuance.issuedAt,
    ],
  );
}
