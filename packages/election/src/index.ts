/**
 * @opendeg/election — the verifiable election: manifest, ballots and credentials, validation,
 * running tallies, threshold decryption, the election record and its verifier.
 */

export * from './errors.ts';
export * from './codec.ts';
export * from './manifest.ts';
export * from './credential.ts';
export * from './ballot.ts';
export * from './validate.ts';
export * from './tally.ts';
export * from './trustee.ts';
export * from './decrypt.ts';
export * from './record.ts';
export * from './record-from-ledger.ts';
export * from './verify.ts';
export * from './belenios-election.ts';
export * from './belenios-vote.ts';
export * from './belenios-export.ts';
export * as belenios from './belenios/index.ts';
