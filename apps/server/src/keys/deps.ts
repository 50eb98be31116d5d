// What the key ceremony and the election manifest (P-5.2–P-5.6, issue 6) need from outside this
// slice: the election's ledger, where each key group's public key and the manifest are entered; the
// ballot's source data (the ballot store, P-4.2); the issuers' public keys of the blind signatures
// (the identity side, which alone holds their private halves, P-6.9); and the cost of the key part
// files' passphrase derivation.
import type { Backend, ScryptParams } from '@opendeg/crypto';
import type { BallotSource } from '@opendeg/deg';
import type { Ledger } from '@opendeg/ledger';

/** The one thing the keys slice does with the ledger: append an entry and wait for its receipt. */
export type LedgerAppender = Pick<Ledger, 'append'>;

export interface KeysDeps {
  /** The election's ledger (the ballot box's log, signed with the box's note key). */
  ledger: LedgerAppender;
  /** The current ballot source data (packages/deg BallotSource), as loaded by the commission. */
  ballotSource(): Promise<BallotSource>;
  /** Each region's issuer public key, base64 of DER SPKI; every region asked for must be there. */
  issuerKeys(regions: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** scrypt cost of the key part files; default packages/crypto DEFAULT_KEY_PART_SCRYPT (N = 2^17). */
  keyPartScrypt?: ScryptParams;
  /** Group backend for the ceremony and the manifest check; default the one openElection picks. */
  backend?: Backend;
  /** Shortest passphrase accepted, in characters; default 12. */
  minPassphraseLength?: number;
}
