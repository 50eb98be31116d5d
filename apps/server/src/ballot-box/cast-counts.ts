// Figures for others (the public figures page, P-10.2; the protocol, P-7.9): how many ballots the box
// accepted, per region, as its running tallies count them.
import type pg from 'pg';

/** Ballots accepted per region of an election (regions without a tally yet are absent). */
export async function castCounts(pool: pg.Pool, electionId: string): Promise<Map<string, number>> {
  const r = await pool.query<{ region: string; ballots: string }>(
    'SELECT region, ballots FROM box_tallies WHERE election_id = $1 ORDER BY region',
    [electionId],
  );
  return new Map(r.rows.map((row) => [row.region, Number(row.ballots)]));
}
