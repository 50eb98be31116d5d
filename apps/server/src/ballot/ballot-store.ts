// The ballot's source data in PostgreSQL (ballot_versions, migration 007), P-4.2, P-4.3: every
// version kept, the current one the highest. A new version passes packages/deg acceptBallotUpdate
// (the next version, candidates, none twice, and nothing from the moment voting starts in the first
// region) and, for an update entered through the API, the change it names: a candidate who withdrew
// or was deregistered is gone, a candidate the CEC put on the ballot is there. Used by the API
// (ballot-routes.ts) and by `opendeg bundle load`, which reads ballot/source.json (P-4.2).
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { canonicalJsonBytes } from '@opendeg/crypto';
import {
  acceptBallotUpdate,
  type BallotSource,
  type BallotUpdateRefusal,
  type ElectionConfig,
  type Message,
} from '@opendeg/deg';

/** P-4.3: why the source data changed. */
export const BALLOT_UPDATE_REASONS = ['withdrawn', 'deregistered', 'added'] as const;
export type BallotUpdateReason = (typeof BALLOT_UPDATE_REASONS)[number];

export interface StoredBallotVersion {
  version: number;
  source: BallotSource;
  /** SHA-256 of the source's RFC 8785 canonical JSON, hex. */
  sha256Hex: string;
  origin: 'bundle' | 'update';
  /** The bundle's hash (hex) for a version read from a bundle. */
  bundleHash: string | null;
  reason: BallotUpdateReason | null;
  candidateId: string | null;
  loadedAt: Date;
}

/** Refusals: deg's, and an update whose source data do not show the change it names. */
export type BallotLoadRefusal = BallotUpdateRefusal | 'CANDIDATE_MISMATCH';

export type BallotLoadResult =
  { ok: true; version: StoredBallotVersion } | { ok: false; code: BallotLoadRefusal; message: Message };

interface Row {
  version: number;
  source: BallotSource;
  sha256: string;
  origin: 'bundle' | 'update';
  bundle_hash: string | null;
  reason: BallotUpdateReason | null;
  candidate_id: string | null;
  loaded_at: Date;
}

const COLUMNS = `version, source, encode(sha256, 'hex') AS sha256, origin, encode(bundle_hash, 'hex') AS bundle_hash,
  reason, candidate_id, loaded_at`;

function fromRow(r: Row): StoredBallotVersion {
  return {
    version: r.version,
    source: r.source,
    sha256Hex: r.sha256,
    origin: r.origin,
    bundleHash: r.bundle_hash,
    reason: r.reason,
    candidateId: r.candidate_id,
    loadedAt: r.loaded_at,
  };
}

type Db = pg.Pool | pg.PoolClient;

/** SHA-256 of the source data's canonical JSON, hex: the same bytes everyone hashes. */
export function ballotSourceSha256Hex(source: BallotSource): string {
  return createHash('sha256').update(canonicalJsonBytes(source)).digest('hex');
}

/** The election's current ballot version (the highest), or undefined before the bundle is loaded. */
export async function currentBallotVersion(
  db: Db,
  electionId: string,
): Promise<StoredBallotVersion | undefined> {
  const r = await db.query<Row>(
    `SELECT ${COLUMNS} FROM ballot_versions WHERE election_id = $1 ORDER BY version DESC LIMIT 1`,
    [electionId],
  );
  const row = r.rows[0];
  return row === undefined ? undefined : fromRow(row);
}

/**
 * The election's current ballot source data, for the election manifest and the voting routes;
 * undefined until the list and ballot bundle is loaded.
 */
export async function currentBallotSource(
  pool: pg.Pool,
  electionId: string,
): Promise<BallotSource | undefined> {
  return (await currentBallotVersion(pool, electionId))?.source;
}

/** Every version, the first first. */
export async function ballotHistory(db: Db, electionId: string): Promise<StoredBallotVersion[]> {
  const r = await db.query<Row>(
    `SELECT ${COLUMNS} FROM ballot_versions WHERE election_id = $1 ORDER BY version`,
    [electionId],
  );
  return r.rows.map(fromRow);
}

export interface BallotLoad {
  electionId: string;
  config: ElectionConfig;
  source: BallotSource;
  at: Date;
  /** From a loaded bundle (its hash, hex; loaded_bundles must hold it by commit) or an API update. */
  origin:
    | { kind: 'bundle'; bundleHash: string }
    | { kind: 'update'; reason: BallotUpdateReason; candidateId: string };
}

const MISMATCH: Record<BallotUpdateReason, Message> = {
  withdrawn: {
    ru: 'Выбывший кандидат должен быть в действующем бюллетене и отсутствовать в уточнённых данных.',
    en: 'A withdrawn candidate must be on the current ballot and absent from the updated data.',
  },
  deregistered: {
    ru: 'Кандидат, регистрация которого отменена, должен быть в действующем бюллетене и отсутствовать в уточнённых данных.',
    en: 'A deregistered candidate must be on the current ballot and absent from the updated data.',
  },
  added: {
    ru: 'Вносимый кандидат должен отсутствовать в действующем бюллетене и быть в уточнённых данных.',
    en: 'An added candidate must be absent from the current ballot and present in the updated data.',
  },
};

/**
 * Loads a version in the caller's transaction (P-4.2, P-4.3). Takes the election's ballot lock (the
 * one migration 007's trigger takes) before reading the current version, so two loads at once are
 * ordered and the second is checked against the first.
 */
export async function loadBallotVersion(client: pg.PoolClient, load: BallotLoad): Promise<BallotLoadResult> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ballot_versions/${load.electionId}`]);
  const current = await currentBallotVersion(client, load.electionId);
  // 1. deg: before the start, the next version, candidates, none twice.
  const accepted = acceptBallotUpdate(load.config, current?.source, load.source, load.at);
  if (!accepted.ok) return accepted;
  // 2. An API update shows the change it names (P-4.3).
  const { origin } = load;
  if (origin.kind === 'update') {
    const before = current?.source.candidates.some((c) => c.id === origin.candidateId) ?? false;
    const after = load.source.candidates.some((c) => c.id === origin.candidateId);
    const shows = origin.reason === 'added' ? !before && after : before && !after;
    if (!shows) return { ok: false, code: 'CANDIDATE_MISMATCH', message: MISMATCH[origin.reason] };
  }
  const r = await client.query<Row>(
    `INSERT INTO ballot_versions
       (election_id, version, source, sha256, origin, bundle_hash, reason, candidate_id, loaded_at)
     VALUES ($1, $2, $3, decode($4, 'hex'), $5, decode($6, 'hex'), $7, $8, $9)
     RETURNING ${COLUMNS}`,
    [
      load.electionId,
      load.source.version,
      JSON.stringify(load.source),
      ballotSourceSha256Hex(load.source),
      origin.kind,
      origin.kind === 'bundle' ? origin.bundleHash : null,
      origin.kind === 'update' ? origin.reason : null,
      origin.kind === 'update' ? origin.candidateId : null,
      load.at,
    ],
  );
  const row = r.rows[0];
  if (row === undefined) throw new Error('INSERT … RETURNING gave no row');
  return { ok: true, version: fromRow(row) };
}
