// What every route of the close of voting shares: the options it is registered with, the member a
// request acts for, the key group it names, and the slice's entries for the public ledger: added to
// the outbox (closing_ledger, migrations 017 and 020) in the step's own transaction, then forwarded
// to the election's ledger in order (ledger-outbox.ts). Tallies, decryptions, results, final lists'
// and protocol's numbers and hashes — counts and public values only, never personal data.
import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { encodeEntry, type JsonValue } from '@opendeg/ledger';
import type { ElectionConfig } from '@opendeg/deg';
import type { LoadedElection } from '../applications/deps.ts';
import type { ActorRole } from '../audit.ts';
import { forbidden, type AccessControl } from '../authz/access.ts';
import type { CommissionRole, StoredRole } from '../authz/roles.ts';
import type { Clock } from '../deps.ts';
import type { ClosingDeps } from './closing-deps.ts';
import { refuse } from './closing-errors.ts';
import type { ClosingBundles } from './bundles.ts';
import type { ClosingOutbox } from './ledger-outbox.ts';

export interface ClosingRoutesOptions {
  clock: Clock;
  pool: pg.Pool;
  election: LoadedElection;
  accessControl: AccessControl;
  closing: ClosingDeps;
  /** Set by closingRoutes: forwards the outbox to the ledger after each step. */
  outbox?: ClosingOutbox;
  /** Set by closingRoutes when a write-once store is configured (P-7.4, P-8.1). */
  bundles?: ClosingBundles | undefined;
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

/**
 * The entry types of the close, as the observer node reads them (apps/observer entry-types.ts):
 *   tally               { tally: RegionTallyJson }, a region's closed aggregates, with the final lists
 *   final-lists         { keyGroup, sha256, regions: [{ region, onList, ballotsIssued }] }: lines 1–2
 *   partial-decryption  { keyGroup, region, index, values }: one holder's checked shares (threshold)
 *   decryption          { decryption: RegionDecryptionJson }
 *   result              { result: RegionResultJson }
 *   protocol            { sha256, publishedAt, region, lines, invalidated? }: one per region
 *   invalidation        { region, decision, at }
 */
export type LedgerKind =
  'tally' | 'final-lists' | 'partial-decryption' | 'decryption' | 'result' | 'protocol' | 'invalidation';

/**
 * The outbox row's `kind` (migration 017's five): the publication of the close an entry belongs to.
 * A region's tally is published with its key group's final lists, its decryption with its result.
 */
const PUBLICATION: Record<LedgerKind, string> = {
  tally: 'final-lists',
  'final-lists': 'final-lists',
  'partial-decryption': 'partial-decryption',
  decryption: 'result',
  result: 'result',
  protocol: 'protocol',
  invalidation: 'invalidation',
};

/**
 * Adds one entry for the public ledger to the outbox in the caller's transaction. An entry the
 * ledger would refuse (over 65,535 bytes) fails the step here, before anything commits.
 */
export async function appendLedger(
  db: pg.PoolClient,
  electionId: string,
  kind: LedgerKind,
  entry: object,
  at: Date,
): Promise<void> {
  const bytes = encodeEntry({ ...(entry as Record<string, JsonValue>), type: kind });
  if (!bytes.ok) throw new Error(`closing: ${kind} entry for the ledger: ${bytes.error.message}`);
  await db.query(`INSERT INTO closing_ledger (election_id, kind, entry, at) VALUES ($1, $2, $3, $4)`, [
    electionId,
    PUBLICATION[kind],
    Buffer.from(bytes.value),
    at,
  ]);
}
