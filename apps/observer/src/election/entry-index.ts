/**
 * The node's index of verified entries (P-11.10.4 queries): per leaf index its type, the node's
 * verdict, the region and the tracker, so an entry is found by index or by tracker without
 * rereading the log. Nothing personal: only what the public ledger shows.
 */

import type pg from 'pg';

import type { EntryStatus } from './entry-types.ts';

export interface IndexedEntry {
  readonly index: number;
  readonly type: string;
  readonly status: EntryStatus;
  readonly region: string | null;
  readonly tracker: string | null;
  readonly trackerCode: string | null;
}

interface Row {
  idx: string;
  type: string;
  status: EntryStatus;
  region: string | null;
  tracker: string | null;
  tracker_code: string | null;
}

const toEntry = (r: Row): IndexedEntry => ({
  index: Number(r.idx),
  type: r.type,
  status: r.status,
  region: r.region,
  tracker: r.tracker,
  trackerCode: r.tracker_code,
});

export class EntryIndex {
  constructor(
    private readonly pool: pg.Pool,
    private readonly origin: string,
  ) {}

  async add(entries: readonly IndexedEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.pool.query(
      `INSERT INTO observer_entry (origin, idx, type, status, region, tracker, tracker_code)
       SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
       ON CONFLICT (origin, idx) DO NOTHING`,
      [
        this.origin,
        entries.map((e) => e.index),
        entries.map((e) => e.type),
        entries.map((e) => e.status),
        entries.map((e) => e.region),
        entries.map((e) => e.tracker),
        entries.map((e) => e.trackerCode),
      ],
    );
  }

  async byIndex(index: number): Promise<IndexedEntry | undefined> {
    const r = await this.pool.query<Row>(
      'SELECT idx, type, status, region, tracker, tracker_code FROM observer_entry WHERE origin = $1 AND idx = $2',
      [this.origin, index],
    );
    const row = r.rows[0];
    return row === undefined ? undefined : toEntry(row);
  }

  /** Entries with a tracker (hex hash or the 20-digit code); a ballot and its challenges may share one. */
  async byTracker(tracker: string): Promise<IndexedEntry[]> {
    const r = await this.pool.query<Row>(
      `SELECT idx, type, status, region, tracker, tracker_code FROM observer_entry
       WHERE origin = $1 AND (tracker = $2 OR tracker_code = $2) ORDER BY idx`,
      [this.origin, tracker.toLowerCase()],
    );
    return r.rows.map(toEntry);
  }
}
