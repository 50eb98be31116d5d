// What the close of voting (P-7, P-8, P-9) needs from the rest of the platform, as narrow interfaces:
// the election manifest opened for decryption, the ballot box's closed tallies and cast counts, the
// ballot's candidates for the protocol, and the roots that members' certificates must chain to.
// The key ceremony (manifest) and the ballot box (tallies, counts) implement `ClosingSources` over
// their own tables; tests build one from a simulated election (packages/election testing).
import type { BallotSource, CertificateInput } from '@opendeg/deg';
import type { Election, RegionTally } from '@opendeg/election';
import type { Ledger } from '@opendeg/ledger';

/**
 * What the close does with the election's ledger: append its entries, and after a crash read what
 * was appended (ledger-outbox.ts) so that nothing is appended twice.
 */
export type ClosingLedger = Pick<Ledger, 'appendBytes' | 'readEntries' | 'checkpoint'>;

/** Contract: every method reads state that no longer changes once the region's voting has ended. */
export interface ClosingSources {
  /** The election manifest with its threshold public keys, opened (packages/election openElection). */
  election(): Promise<Election<unknown>>;
  /**
   * The region's running tally as the ballot box closed it; undefined when no ballot was cast there.
   * Called only after the region's voting has ended (P-7.1).
   */
  regionTally(region: string): Promise<RegionTally<unknown> | undefined>;
  /** Line 3 of Appendix 4: ballots cast (counted in the ledger) per region; a missing region cast none. */
  castCounts(): Promise<Readonly<Record<string, number>>>;
  /** The ballot as fixed for voting (P-4.3): the candidates of the protocol's lines 5… (P-7.9). */
  ballot(): Promise<BallotSource>;
}

export interface ClosingDeps {
  sources: ClosingSources;
  /**
   * Roots members' certificates must chain to (PEM or DER): the training CA of packages/deg
   * signatures, or the accredited CA's root in a real election.
   */
  trustedRoots: readonly CertificateInput[];
  /**
   * The election's ledger (the ballot box's log), where the close's public entries go; buildApp
   * passes the ballot box's log when this is not set. Without either, the entries wait in the
   * outbox (closing_ledger) and go out at the first start that has one.
   */
  ledger?: ClosingLedger | undefined;
  /**
   * The write-once store of P-7.4 and P-8.1: a directory where the signed final lists and the
   * published results are written as bundles (created exclusively, read-only, never replaced).
   * Without it the commission writes its media elsewhere and only their hashes are recorded.
   */
  writeOnceDir?: string | undefined;
}
