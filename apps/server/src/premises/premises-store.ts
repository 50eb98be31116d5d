// Premises for remote voting in PostgreSQL (premises_versions, migration 008), P-3.7: each premises
// a sequence of versions, the current one its highest; entering a premises writes version 1, every
// change the next version, a closing a last version. Nothing is updated or deleted.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { PremisesHours } from './premises-rules.ts';

export interface PremisesContents {
  precinct: string | null;
  name: string;
  address: string;
  equipment: string;
  hours: PremisesHours[];
}

export interface PremisesVersion extends PremisesContents {
  premisesId: string;
  version: number;
  region: string;
  closed: boolean;
  enteredAt: Date;
}

interface Row {
  premises_id: string;
  version: number;
  region: string;
  precinct: string | null;
  name: string;
  address: string;
  equipment: string;
  hours: PremisesHours[];
  closed: boolean;
  entered_at: Date;
}

const COLUMNS = 'premises_id, version, region, precinct, name, address, equipment, hours, closed, entered_at';

function fromRow(r: Row): PremisesVersion {
  return {
    premisesId: r.premises_id,
    version: r.version,
    region: r.region,
    precinct: r.precinct,
    name: r.name,
    address: r.address,
    equipment: r.equipment,
    hours: r.hours,
    closed: r.closed,
    enteredAt: r.entered_at,
  };
}

type Db = pg.Pool | pg.PoolClient;

/** Every version in a region, by premises and version; `until` keeps those entered up to then. */
export async function premisesHistory(
  db: Db,
  electionId: string,
  region: string,
  until?: Date,
): Promise<PremisesVersion[]> {
  const r = await db.query<Row>(
    `SELECT ${COLUMNS} FROM premises_versions
     WHERE election_id = $1 AND region = $2 AND ($3::timestamptz IS NULL OR entered_at <= $3)
     ORDER BY premises_id, version`,
    [electionId, region, until ?? null],
  );
  return r.rows.map(fromRow);
}

/** The current version of each premises of the region that is not closed, oldest premises first. */
export function currentPremises(history: readonly PremisesVersion[]): PremisesVersion[] {
  const last = new Map<string, PremisesVersion>();
  const first = new Map<string, Date>();
  for (const v of history) {
    last.set(v.premisesId, v);
    if (v.version === 1) first.set(v.premisesId, v.enteredAt);
  }
  return [...last.values()]
    .filter((v) => !v.closed)
    .sort(
      (a, b) =>
        (first.get(a.premisesId)?.getTime() ?? 0) - (first.get(b.premisesId)?.getTime() ?? 0) ||
        a.premisesId.localeCompare(b.premisesId),
    );
}

/** The current version of one premises, locked for the caller's change; undefined when unknown. */
export async function latestForUpdate(
  client: pg.PoolClient,
  electionId: string,
  premisesId: string,
): Promise<PremisesVersion | undefined> {
  // The lock migration 008's trigger takes: two changes of one premises are ordered.
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`premises_versions/${premisesId}`]);
  const r = await client.query<Row>(
    `SELECT ${COLUMNS} FROM premises_versions WHERE election_id = $1 AND premises_id = $2
     ORDER BY version DESC LIMIT 1`,
    [electionId, premisesId],
  );
  const row = r.rows[0];
  return row === undefined ? undefined : fromRow(row);
}

export async function insertPremisesVersion(
  client: pg.PoolClient,
  electionId: string,
  v: PremisesContents & { premisesId?: string; version: number; region: string; closed: boolean; at: Date },
): Promise<PremisesVersion> {
  const r = await client.query<Row>(
    `INSERT INTO premises_versions
       (election_id, premises_id, version, region, precinct, name, address, equipment, hours, closed, entered_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${COLUMNS}`,
    [
      electionId,
      v.premisesId ?? randomUUID(),
      v.version,
      v.region,
      v.precinct,
      v.name,
      v.address,
      v.equipment,
      JSON.stringify(v.hours),
      v.closed,
      v.at,
    ],
  );
  const row = r.rows[0];
  if (row === undefined) throw new Error('INSERT … RETURNING gave no row');
  return fromRow(row);
}
