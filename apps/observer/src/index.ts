/**
 * @opendeg/observer — the observer node (P-10.7, P-10.10, P-11.10.4): follows the ballot box's log
 * through its C2SP tiles, verifies and stores every entry, cosigns what it verified (C2SP
 * tlog-witness), re-checks every ballot and the published results, raises alarms with evidence
 * anyone can re-check, and answers queries.
 */

export * from './errors.ts';
export * from './log-source.ts';
export * from './divergence.ts';
export * from './evidence.ts';
export * from './follower.ts';
export * from './observer-witness.ts';
export * from './room-queue.ts';
export * from './observer-node.ts';
export { ElectionChecker, type ElectionCounts, type RegionCounts } from './election/election-checker.ts';
export { checkElectionEvidence } from './election/election-evidence.ts';
export { EntryIndex, type IndexedEntry } from './election/entry-index.ts';
export * from './election/entry-types.ts';
export { buildObserverApp, type ObserverAppOptions } from './http/app.ts';
export { main } from './cli/main.ts';
