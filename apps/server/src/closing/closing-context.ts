// What every route of the close of voting shares: the options it is registered with, the member a
// request acts for, the key group it names, and the slice's entries for the public ledger
// (closing_ledger, migration 017: partial decryptions, results, documents' hashes — no personal data).
import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { canonicalJsonBytes } from '@opendeg/crypto';
import type { ElectionConfig } from '@opendeg/deg';
import type { LoadedElection } from '../applications/deps.ts';
import type { ActorRole } from '../audit.ts';
import { forbidden, type AccessControl } from '../authz/access.ts';
import type { CommissionRole, StoredRole } from '../authz/roles.ts';
import type { Clock } from '../deps.ts';
import type { ClosingDeps } from './closing-deps.ts';
import { refuse } from './closing-errors.ts';

export interface ClosingRoutesOptions {
  clock: Clock;
  pool: pg.Pool;
  election: LoadedElection;
  accessControl: AccessControl;
  closing: ClosingDeps;
}

export interface ActingMember {
  memberId: string;
  role: CommissionRole;
}

const COMMISSION: readonly StoredRole[] = ['chairman', 'deputy', 'secretary', 'member'];

/** The commission member a request acts for, in one of `allow`'s roles; 403 without a seat. */
export async function actingMember(
  accessControl: AccessControl,
  request: FastifyRequest,
  allow: readonly StoredRole[],
): Promise<ActingMember> {
  const access = await accessControl.access(request);
  const seat = access.assignments.find(
    (a) => allow.includes(a.role) && COMMISSION.includes(a.role) && a.memberId !== null,
  );
  if (seat?.memberId == null) throw forbidden();
  return { memberId: seat.memberId, role: seat.role as CommissionRole };
}

/** The role an audit row names for the first of `allow` the request holds. */
export async function actingRole(
  accessControl: AccessControl,
  request: FastifyRequest,
  allow: readonly StoredRole[],
): Promise<ActorRole> {
  const access = await accessControl.access(request);
  const held = allow.find((r) => access.roles.has(r));
  if (held === undefined) throw forbidden();
  if (held === 'cec-member') return 'cec_member';
  if (held === 'commission-observer') return 'commission_observer';
  if (held === 'operator' || COMMISSION.includes(held)) return held as ActorRole;
  return 'system';
}

export type KeyGroup = ElectionConfig['keyGroups'][number];

export function keyGroupOf(election: LoadedElection, id: string): KeyGroup {
  const k = election.config.keyGroups.find((g) => g.id === id);
  if (k === undefined) throw refuse('keyGroupNotFound');
  return k;
}

/** The regions of a key group, in the configuration's order. */
export function regionsOf(election: LoadedElection, keyGroup: string): string[] {
  return election.config.regions.filter((r) => r.keyGroup === keyGroup).map((r) => r.code);
}

export type LedgerKind = 'final-lists' | 'partial-decryption' | 'result' | 'protocol' | 'invalidation';

/** Appends one entry for the public ledger in the caller's transaction. */
export async function appendLedger(
  db: pg.PoolClient,
  electionId: string,
  kind: LedgerKind,
  entry: object,
  at: Date,
): Promise<void> {
  await db.query(`INSERT INTO closing_ledger (election_id, kind, entry, at) VALUES ($1, $2, $3, $4)`, [
    electionId,
    kind,
    canonicalJsonBytes({ kind, ...entry }),
    at,
  ]);
}
