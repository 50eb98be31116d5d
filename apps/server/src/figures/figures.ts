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
//
// The ballots cast come with the ballot box log's tree size they are exactly the count of
// (`ledger`, readCast below), so an observer compares them with its replica at that size instead of
// between two checkpoints (P-11.10.4; apps/observer issued-vs-cast.ts).
import type pg from 'pg';
import { formatLocalRu, region as regionOf, votingWindow } from '@opendeg/deg';
import { parseCheckpoint, toBase64 } from '@opendeg/ledger';
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

/** Where in the ballot box's log the ballots cast were counted (see readCast). */
export interface LedgerPosition {
  /** The ballots cast are exactly the ballot entries at leaf index < treeSize. */
  treeSize: number;
  /** The tree's RFC 9162 root, base64, as in the checkpoint. */
  rootHash: string;
  /** The log-signed checkpoint (C2SP signed note) of that tree, as the box's receipts carry it. */
  checkpoint: string;
}

export interface FiguresSnapshot {
  electionId: string;
  at: string;
  totals: { onList: number; ballotsIssued: number; ballotsCast?: number; turnoutPercent: number };
  /** Absent without a ballot box, before its first ballot, or when the box moved on every try. */
  ledger?: LedgerPosition;
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
 * What changes the figures: the lists' counters, the ballots cast and how far the box has applied
 * the log. Two snapshots with the same key differ only in the time; comparing keys costs one read
 * of at most a row per region.
 */
export async function figuresKey(
  pool: pg.Pool,
  electionId: string,
  castCounts: CastCounts | undefined,
): Promise<string> {
  const [lists, cast, applied] = await Promise.all([
    listCounters(pool, electionId),
    castCounts?.(),
    castCounts === undefined ? undefined : appliedSize(pool, electionId),
  ]);
  return JSON.stringify([lists, cast === undefined ? null : [...cast].sort(), applied ?? null]);
}

/** box_applied.ledger_size: every log entry below it is in the box's tables and tallies. */
async function appliedSize(pool: pg.Pool, electionId: string): Promise<number | undefined> {
  const r = await pool.query<{ ledger_size: string }>(
    'SELECT ledger_size FROM box_applied WHERE election_id = $1',
    [electionId],
  );
  const size = r.rows[0]?.ledger_size;
  return size === undefined ? undefined : Number(size);
}

/** Tries of readCast before the figures go out without a tree size. */
const CAST_TRIES = 5;

/**
 * The ballots cast and the tree size they are exactly the count of.
 *
 * Why this is consistent: the box appends a batch to the log first, then in ONE transaction adds
 * its ballots to box_tallies (what castCounts reads, ballot-box/cast-counts.ts) and moves
 * box_applied.ledger_size to the batch's checkpoint size, storing that checkpoint in
 * box_checkpoints (box-writer.ts, steps 2–3). ledger_size only moves forward (a trigger,
 * migration 011), and every commit that changes a tally moves it (the batch's entries lengthen the
 * log). So: read ledger_size (with its checkpoint), then the counts, then ledger_size again — each
 * a statement of its own, after the one before; when the two sizes are equal no tally changed
 * between the reads, and the counts are those of the transaction that set that size: exactly the
 * ballot entries at index < size. When the box moved in between, read again. A sequence check
 * rather than one REPEATABLE READ transaction because the counts come from the injected
 * `castCounts` on a connection of its own; the box's locks are untouched (nothing here waits on
 * the box, nor the box on this). After CAST_TRIES moves the counts go out without a size, and an
 * observer falls back to bracketing them.
 */
export async function readCast(
  pool: pg.Pool,
  electionId: string,
  castCounts: CastCounts,
): Promise<{ counts: Map<string, number>; ledger?: LedgerPosition }> {
  for (let attempt = 1; ; attempt++) {
    const r = await pool.query<{ ledger_size: string; note: string | null }>(
      `SELECT a.ledger_size, c.note FROM box_applied a
       LEFT JOIN box_checkpoints c ON c.election_id = a.election_id AND c.tree_size = a.ledger_size
       WHERE a.election_id = $1`,
      [electionId],
    );
    const counts = await castCounts();
    const row = r.rows[0];
    // No ballot box tables for this election (the box runs elsewhere) or no ballot yet.
    if (row?.note === undefined || row.note === null) return { counts };
    const size = Number(row.ledger_size);
    if ((await appliedSize(pool, electionId)) === size) {
      const body = parseCheckpoint(row.note.slice(0, row.note.indexOf('\n\n') + 1));
      if (!body.ok || body.value.size !== size) return { counts };
      return {
        counts,
        ledger: { treeSize: size, rootHash: toBase64(body.value.root), checkpoint: row.note },
      };
    }
    if (attempt >= CAST_TRIES) return { counts };
  }
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
  // The ballots cast first, the lists after: a ballot in the log had its ballot access granted
  // before it was cast, so the issued figures read later count it too (F.3 of the observer holds).
  const box = castCounts === undefined ? undefined : await readCast(pool, electionId, castCounts);
  const cast = box?.counts;
  const [lists, precincts] = await Promise.all([
    listCounters(pool, electionId),
    pool.query<{ region: string; precinct: string; on_list: number; ballots_issued: number }>(
      `SELECT region, precinct, participant_count - excluded_count AS on_list, ballots_issued
       FROM precinct_figures WHERE election_id = $1`,
      [electionId],
    ),
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
    ...(box?.ledger === undefined ? {} : { ledger: box.ledger }),
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
