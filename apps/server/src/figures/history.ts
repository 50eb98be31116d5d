// The history of the public figures (P-10.2, P-10.8; issue 7): turnout over time for the observer
// portal's chart. The live feed (figures-feed.ts) writes a point per region at the first snapshot
// it reads in each step of the server's clock (15 minutes by default), so the history costs one
// insert per step, however many people watch. The table is migration 021's.
//
// Only aggregates: on the list, issued and cast per region and step. Nothing per participant and
// no time of a single ballot is kept or shown: a ballot's exact time could be set beside the time
// its credential was issued and help link the ballot to the voter. A step's count does not.
import type pg from 'pg';
import { turnoutPercent, type FiguresSnapshot } from './figures.ts';

/** The default step of the history: 15 minutes. */
export const HISTORY_STEP_MS = 15 * 60 * 1000;

/** The start of the step `at` falls in: a multiple of `stepMs` since the Unix epoch. */
export function stepStart(at: Date, stepMs: number): Date {
  return new Date(Math.floor(at.getTime() / stepMs) * stepMs);
}

/**
 * Writes the point of the step `snapshot.at` falls in, one row per region, unless a point of that
 * step is there already (another process, or this one earlier). Returns the rows written: two
 * writers of the same step together write each region once.
 */
export async function recordHistoryPoint(
  pool: pg.Pool,
  snapshot: FiguresSnapshot,
  stepMs: number,
): Promise<number> {
  if (snapshot.regions.length === 0) return 0;
  const at = new Date(snapshot.at);
  const r = await pool.query(
    `INSERT INTO figures_history
       (election_id, region, step_start, step_ms, read_at, on_list, ballots_issued, ballots_cast)
     SELECT $1, p.region, $2, $3, $4, p.on_list, p.ballots_issued, p.ballots_cast
     FROM unnest($5::text[], $6::int[], $7::int[], $8::int[])
       AS p (region, on_list, ballots_issued, ballots_cast)
     ON CONFLICT (election_id, region, step_start) DO NOTHING`,
    [
      snapshot.electionId,
      stepStart(at, stepMs),
      stepMs,
      at,
      snapshot.regions.map((x) => x.code),
      snapshot.regions.map((x) => x.onList),
      snapshot.regions.map((x) => x.ballotsIssued),
      snapshot.regions.map((x) => x.ballotsCast ?? null),
    ],
  );
  return r.rowCount ?? 0;
}

export interface HistoryPoint {
  /** The start of the step (ISO instant); the figures are those read first in that step. */
  at: string;
  onList: number;
  ballotsIssued: number;
  /** Absent when no ballot box was connected for some region of the point. */
  ballotsCast?: number;
  /** issued / on the list × 100 (P-10.2's turnout). */
  turnoutPercent: number;
  /** cast / on the list × 100. */
  castPercent?: number;
}

/** The points of one region, or of all regions summed, oldest first. */
export async function readHistory(
  pool: pg.Pool,
  electionId: string,
  region: string | undefined,
): Promise<HistoryPoint[]> {
  const r = await pool.query<{
    step_start: Date;
    on_list: string;
    ballots_issued: string;
    ballots_cast: string | null;
  }>(
    `SELECT step_start, sum(on_list) AS on_list, sum(ballots_issued) AS ballots_issued,
       CASE WHEN count(ballots_cast) = count(*) THEN sum(ballots_cast) END AS ballots_cast
     FROM figures_history WHERE election_id = $1 AND ($2::text IS NULL OR region = $2)
     GROUP BY step_start ORDER BY step_start`,
    [electionId, region ?? null],
  );
  return r.rows.map((row) => {
    const onList = Number(row.on_list);
    const ballotsIssued = Number(row.ballots_issued);
    const cast = row.ballots_cast === null ? undefined : Number(row.ballots_cast);
    return {
      at: row.step_start.toISOString(),
      onList,
      ballotsIssued,
      ...(cast === undefined ? {} : { ballotsCast: cast }),
      turnoutPercent: turnoutPercent(ballotsIssued, onList),
      ...(cast === undefined ? {} : { castPercent: turnoutPercent(cast, onList) }),
    };
  });
}
