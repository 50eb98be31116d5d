// The live figures of P-10.2 and P-10.8 (and the ballots issued of P-3.9): per region and per
// precinct, the number on the list and the ballots issued (ballot access granted); per region the
// ballots cast, from the ballot box; turnout = issued / on the list, P-10.2's definition («доля
// участников ДЭГ, … получивших доступ к электронному бюллетеню, от общего числа участников ДЭГ,
// включенных в список»); each region's local time and voting phase in its own zone (P-6.1).
//
// Cheap at national scale: the numbers are the counters the database keeps with every exclusion
// and ballot access (participant_lists, migration 003; precinct_figures, migration 015), never a
// count over the participants. "On the list" leaves out excluded participants, as the lists'
// counts do (P-7.3).
import type pg from 'pg';
import { formatLocalRu, region as regionOf, votingWindow } from '@opendeg/deg';
import type { LoadedElection } from '../applications/deps.ts';

/**
 * The ballot box's ballots cast per region. Contract: resolves to a count for every region with
 * ballots (a region it does not name has none); rejects when the ballot box cannot say.
 */
export type CastCounts = () => Promise<Map<string, number>>;

export interface PrecinctFigures {
  number: string;
  onList: number;
  ballotsIssued: number;
  turnoutPercent: number;
}

export interface RegionFigures {
  code: string;
  name: { ru: string; en: string };
  timeZone: string;
  /** Now in the region: "15.03.2024 08:00 (МСК+9)". */
  localTime: string;
  voting: 'not-started' | 'open' | 'ended';
  onList: number;
  ballotsIssued: number;
  /** Absent while no ballot box is connected. */
  ballotsCast?: number;
  turnoutPercent: number;
  precincts: PrecinctFigures[];
}

export interface FiguresSnapshot {
  electionId: string;
  at: string;
  totals: { onList: number; ballotsIssued: number; ballotsCast?: number; turnoutPercent: number };
  regions: RegionFigures[];
}

/** issued / on the list, in percent with two decimals; 0 for an empty list. */
export function turnoutPercent(issued: number, onList: number): number {
  return onList === 0 ? 0 : Math.round((issued / onList) * 10_000) / 100;
}

interface ListRow {
  region: string;
  on_list: number;
  ballots_issued: number;
}

/**
 * What changes the figures: the lists' counters and the ballots cast. Two snapshots with the same
 * key differ only in the time; comparing keys costs one read of at most a row per region.
 */
export async function figuresKey(
  pool: pg.Pool,
  electionId: string,
  castCounts: CastCounts | undefined,
): Promise<string> {
  const [lists, cast] = await Promise.all([listCounters(pool, electionId), castCounts?.()]);
  return JSON.stringify([lists, cast === undefined ? null : [...cast].sort()]);
}

async function listCounters(pool: pg.Pool, electionId: string): Promise<ListRow[]> {
  const r = await pool.query<ListRow>(
    `SELECT region, participant_count - excluded_count AS on_list, ballots_issued FROM participant_lists
     WHERE election_id = $1 AND compiled_at IS NOT NULL ORDER BY region`,
    [electionId],
  );
  return r.rows;
}

/** The figures now, of every region with a compiled list, in the configuration's order. */
export async function readFigures(
  pool: pg.Pool,
  election: LoadedElection,
  now: Date,
  castCounts: CastCounts | undefined,
): Promise<FiguresSnapshot> {
  const electionId = election.id;
  const [lists, precincts, cast] = await Promise.all([
    listCounters(pool, electionId),
    pool.query<{ region: string; precinct: string; on_list: number; ballots_issued: number }>(
      `SELECT region, precinct, participant_count - excluded_count AS on_list, ballots_issued
       FROM precinct_figures WHERE election_id = $1`,
      [electionId],
    ),
    castCounts?.(),
  ]);
  const byRegion = new Map<string, PrecinctFigures[]>();
  for (const p of precincts.rows) {
    const list = byRegion.get(p.region) ?? [];
    list.push({
      number: p.precinct,
      onList: p.on_list,
      ballotsIssued: p.ballots_issued,
      turnoutPercent: turnoutPercent(p.ballots_issued, p.on_list),
    });
    byRegion.set(p.region, list);
  }
  const counters = new Map(lists.map((l) => [l.region, l]));
  const regions: RegionFigures[] = [];
  for (const r of election.config.regions) {
    const l = counters.get(r.code);
    if (l === undefined) continue;
    const window = votingWindow(election.config, r.code);
    const zone = regionOf(election.config, r.code).timeZone;
    regions.push({
      code: r.code,
      name: { ru: r.name.ru, en: r.name.en ?? r.name.ru },
      timeZone: zone,
      localTime: formatLocalRu(now, zone),
      voting:
        now.getTime() < window.opens.getTime()
          ? 'not-started'
          : now.getTime() < window.closes.getTime()
            ? 'open'
            : 'ended',
      onList: l.on_list,
      ballotsIssued: l.ballots_issued,
      ...(cast === undefined ? {} : { ballotsCast: cast.get(r.code) ?? 0 }),
      turnoutPercent: turnoutPercent(l.ballots_issued, l.on_list),
      precincts: (byRegion.get(r.code) ?? []).sort(
        (a, b) => Number(a.number) - Number(b.number) || a.number.localeCompare(b.number),
      ),
    });
  }
  const onList = regions.reduce((s, r) => s + r.onList, 0);
  const ballotsIssued = regions.reduce((s, r) => s + r.ballotsIssued, 0);
  return {
    electionId,
    at: now.toISOString(),
    totals: {
      onList,
      ballotsIssued,
      ...(cast === undefined ? {} : { ballotsCast: regions.reduce((s, r) => s + (r.ballotsCast ?? 0), 0) }),
      turnoutPercent: turnoutPercent(ballotsIssued, onList),
    },
    regions,
  };
}

/** The snapshot of one region only (its totals are the region's own). */
export function forRegion(snapshot: FiguresSnapshot, code: string): FiguresSnapshot {
  const regions = snapshot.regions.filter((r) => r.code === code);
  const r = regions[0];
  return {
    ...snapshot,
    totals:
      r === undefined
        ? { onList: 0, ballotsIssued: 0, turnoutPercent: 0 }
        : {
            onList: r.onList,
            ballotsIssued: r.ballotsIssued,
            ...(r.ballotsCast === undefined ? {} : { ballotsCast: r.ballotsCast }),
            turnoutPercent: r.turnoutPercent,
          },
    regions,
  };
}
