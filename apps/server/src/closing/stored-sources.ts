// ClosingSources over the tables of the slices that fill them: the fixed election manifest
// (election_manifests, migration 010, keys/manifest-store.ts), the ballot box's running tallies and
// counts (box_tallies, migration 012, ballot-box/cast-counts.ts) and the ballot's source data
// (ballot_versions, migration 007, ballot/ballot-store.ts). Missing state when the close of voting
// asks for it is a bug of the order of operations (no manifest, yet ballots), so it throws.
import type pg from 'pg';
import type { Backend } from '@opendeg/crypto';
import { RegionTally, type CiphertextJson } from '@opendeg/election';
import { castCounts } from '../ballot-box/cast-counts.ts';
import { currentBallotSource } from '../ballot/ballot-store.ts';
import { storedManifestSource } from '../keys/manifest-store.ts';
import type { ClosingSources } from './closing-deps.ts';

export function storedClosingSources(pool: pg.Pool, electionId: string, backend?: Backend): ClosingSources {
  const manifest = storedManifestSource(pool, electionId, backend);
  const election = async () => {
    const e = await manifest.current();
    if (e === undefined) throw new Error(`election ${electionId}: no fixed manifest`);
    return e;
  };
  return {
    election,
    async regionTally(region) {
      const r = await pool.query<{ ballots: string; aggregates: CiphertextJson[][] }>(
        'SELECT ballots, aggregates FROM box_tallies WHERE election_id = $1 AND region = $2',
        [electionId, region],
      );
      const row = r.rows[0];
      if (row === undefined) return undefined;
      const e = await election();
      const style = e.regions.get(region)?.style;
      if (style === undefined) throw new Error(`region ${region} is not in the manifest`);
      return RegionTally.fromJson(e.group, style, {
        region,
        ballots: Number(row.ballots),
        aggregates: row.aggregates,
      });
    },
    async castCounts() {
      return Object.fromEntries(await castCounts(pool, electionId));
    },
    async ballot() {
      const source = await currentBallotSource(pool, electionId);
      if (source === undefined) throw new Error(`election ${electionId}: no ballot source data`);
      return source;
    },
  };
}
