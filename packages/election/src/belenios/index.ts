/**
 * Belenios 2.0 conventions for OpenDEG elections on the BELENIOS-2048 group (`belenios-2048` suite):
 * the election, ballots and proofs, Pedersen trustees, tally and archive of the Belenios 2.0
 * specification, so such an election can be published as a `.bel` archive that
 * `belenios-tool election verify` accepts.
 */

export * from './errors.ts';
export * from './encoding.ts';
export * from './hash.ts';
export * from './schnorr.ts';
export * from './interval-proof.ts';
export * from './blank-proof.ts';
export * from './election.ts';
export * from './credential.ts';
export * from './ballot.ts';
export * from './channel.ts';
export * from './trustees.ts';
export * from './tally.ts';
export * from './archive.ts';
