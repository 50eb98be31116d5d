// What the ballot box needs, and nothing of the identity side: its database pool (its own tables,
// migrations 011–012), the clock, the election's manifest once fixed, each region's voting window
// (P-6.1, from the configuration's schedule) and the log it appends to (packages/ledger, signed with
// the box's own note key). With these alone it runs in the main app or as a process of its own.
import type pg from 'pg';
import type { Backend } from '@opendeg/crypto';
import type { Window } from '@opendeg/deg';
import type { Ledger } from '@opendeg/ledger';
import type { Clock } from '../deps.ts';
import type { ManifestSource } from '../keys/manifest-store.ts';

export interface BallotBoxDeps {
  pool: pg.Pool;
  clock: Clock;
  /** The election, once its manifest is fixed. */
  manifest: ManifestSource;
  /** The ledger the box sequences (it holds the log's lease and its signing key). */
  log: Ledger;
  /** P-6.1: each region's window, in the region's own time zone; a region without one never opens. */
  votingWindows: ReadonlyMap<string, Window>;
  /** Most ballots accepted in one ledger batch and one database transaction (default 512). */
  maxBatch?: number;
  /** Worker threads that check the ballots' proofs; 0 (default) checks them in the request's thread. */
  validationWorkers?: number;
  /** Group backend of the validation workers; default the one openElection picks. */
  backend?: Backend;
  /** Modules each validation worker imports first (e.g. `@opendeg/ristretto-native`, which registers `native`). */
  validationPreload?: readonly string[];
}

/** What the main app's deps give the box; the rest (pool, clock, manifest, windows) it has already. */
export interface BallotBoxAppDeps {
  log: Ledger;
  /** Group backend of ballot validation; default the one openElection picks. */
  backend?: Backend;
  maxBatch?: number;
  /** Worker threads that check the ballots' proofs (default 0: in the request's thread). */
  validationWorkers?: number;
  /** Modules each validation worker imports first (e.g. `@opendeg/ristretto-native`). */
  validationPreload?: readonly string[];
}
