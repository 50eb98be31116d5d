// The fixed election manifest as stored (election_manifests, migration 010): read by the public route,
// by the ballot box (which needs nothing else of this slice) and by anyone building the record.
// Immutable once fixed, so a reader caches it after the first time it finds it.
import type pg from 'pg';
import type { Backend } from '@opendeg/crypto';
import { openElection, parseManifest, type Election, type ElectionManifest } from '@opendeg/election';

export interface StoredManifest {
  readonly manifest: ElectionManifest;
  /** RFC 8785 canonical JSON: the bytes hashed, entered into the ledger and served. */
  readonly canonical: string;
  readonly sha256Hex: string;
  readonly ledgerIndex: number;
  readonly fixedAt: Date;
}

export async function loadManifest(
  db: pg.Pool | pg.PoolClient,
  electionId: string,
): Promise<StoredManifest | undefined> {
  const r = await db.query<{ manifest: string; sha256: Buffer; ledger_index: string; fixed_at: Date }>(
    'SELECT manifest, sha256, ledger_index, fixed_at FROM election_manifests WHERE election_id = $1',
    [electionId],
  );
  const row = r.rows[0];
  if (row === undefined) return undefined;
  return {
    manifest: parseManifest(JSON.parse(row.manifest)),
    canonical: row.manifest,
    sha256Hex: row.sha256.toString('hex'),
    ledgerIndex: Number(row.ledger_index),
    fixedAt: row.fixed_at,
  };
}

/** Where the ballot box gets its election: undefined until the manifest is fixed. */
export interface ManifestSource {
  current(): Promise<Election<unknown> | undefined>;
}

/** A ManifestSource over election_manifests, opening the election once with the given backend. */
export function storedManifestSource(pool: pg.Pool, electionId: string, backend?: Backend): ManifestSource {
  let opened: Promise<Election<unknown>> | undefined;
  return {
    async current() {
      if (opened !== undefined) return opened;
      const stored = await loadManifest(pool, electionId);
      if (stored === undefined) return undefined;
      opened ??= openElection(stored.manifest, backend === undefined ? {} : { backend });
      return opened;
    },
  };
}
