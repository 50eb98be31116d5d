/**
 * @opendeg/ledger — the ballot box's transparency log: RFC 9162 Merkle tree and proofs, C2SP
 * signed notes, checkpoints, cosignatures, tlog-witness and tlog-tiles, over a `LedgerStore`
 * (in memory or PostgreSQL).
 */

export * from './errors.ts';
export { bytesToHex, fromBase64, hexToBytes, toBase64 } from './bytes.ts';
export * from './merkle.ts';
export * from './tiles.ts';
export * from './signed-note.ts';
export * from './cosignature.ts';
export * from './note-keys.ts';
export * from './checkpoint.ts';
export * from './canonical-json.ts';
export { encodeEntry, decodeEntry, type LedgerEntry } from './entry.ts';
export * from './store.ts';
export * from './memory-store.ts';
export * from './postgres-store.ts';
export * from './tile-prover.ts';
export { TileEdge } from './tile-edge.ts';
export * from './log.ts';
export * from './reader.ts';
export * from './receipt.ts';
export * from './audit.ts';
export * from './witness.ts';
export * from './witness-client.ts';
export * from './http-handlers.ts';
