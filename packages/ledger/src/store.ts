/**
 * The ledger's storage contract: the only thing the log core needs from a database.
 *
 * A store keeps, for one log: the entries, the C2SP tlog-tiles hash tiles, and one checkpoint
 * record (the commit point). One sequencer writes; any number of readers read.
 *
 * CONTRACT
 *
 * 1. Durability. A write method resolves only once what it wrote is durable (it survives a crash of
 *    the process and of the machine). If it rejects, the write may or may not have happened; the
 *    caller assumes neither.
 *
 * 2. Commit point and compare-and-swap. `setCheckpoint(lease, expectedSize, next)` atomically
 *    replaces the checkpoint record if and only if the stored size equals `expectedSize` (`null`:
 *    no record yet) and the lease is current; it resolves `false`, writing nothing, otherwise.
 *    An entry is acknowledged only after the checkpoint covering it is stored: entries and tiles
 *    are written first, so everything a stored checkpoint covers is already durable.
 *
 * 3. Fencing. `acquireSequencer` hands out a lease with a token that increases on every grant.
 *    Every write MUST be rejected (error code LOCK_LOST) unless the lease is the current one,
 *    atomically with the write, so a paused or partitioned former sequencer can never overwrite
 *    anything. At most one live lease exists; a second `acquireSequencer` resolves `null` while it
 *    is held.
 *
 * 4. Overwrites. Entries and tiles at or beyond the checkpoint's tree size belong to no
 *    acknowledged checkpoint (a failed batch may have left them) and are overwritten by the next
 *    batch. A tile is written whole: a reader sees the old or the new bytes, never a mix. Readers
 *    therefore use only the prefix of each tile and the entries that the checkpoint size covers.
 */

export interface StoredCheckpoint {
  readonly size: number;
  /** RFC 9162 root hash of the tree of `size` leaves. */
  readonly root: Uint8Array;
  /** Sequencer clock (milliseconds) when the checkpoint was made; never decreases. */
  readonly timeMs: number;
  /** The signed checkpoint note (log signature, then any witness cosignatures). */
  readonly note: string;
}

/** A hash tile as stored: tile level (0..63), index, and 32·width bytes. */
export interface StoredTile {
  readonly level: number;
  readonly index: number;
  readonly hashes: Uint8Array;
}

export interface TileKey {
  readonly level: number;
  readonly index: number;
  /**
   * How many hashes of the tile the caller's tree covers (1..256). Stores ignore it and return
   * what they hold; caches use it to serve and to keep only committed prefixes.
   */
  readonly width?: number;
}

export interface SequencerLease {
  /** Fencing token: increases with every grant. */
  readonly token: number;
  /** Gives up the lease (idempotent). */
  release(): Promise<void>;
}

/** The read half of a store: what tile servers, provers and auditors use. */
export interface LedgerReadStore {
  /** The current checkpoint record, or null for a log that was never started. */
  loadCheckpoint(): Promise<StoredCheckpoint | null>;
  /** Entries [start, end); rejects with NOT_FOUND if any is missing. */
  readEntries(start: number, end: number): Promise<Uint8Array[]>;
  /** The stored bytes of each tile, or undefined when absent; may be wider than a caller needs. */
  readTiles(keys: readonly TileKey[]): Promise<(Uint8Array | undefined)[]>;
}

export interface LedgerStore extends LedgerReadStore {
  /** A sequencer lease, or null when another live holder has it. */
  acquireSequencer(): Promise<SequencerLease | null>;
  /** Writes entries [start, start + entries.length); see contract items 1, 3 and 4. */
  writeEntries(lease: SequencerLease, start: number, entries: readonly Uint8Array[]): Promise<void>;
  /** Writes whole tiles; see contract items 1, 3 and 4. */
  writeTiles(lease: SequencerLease, tiles: readonly StoredTile[]): Promise<void>;
  /** The commit point: compare-and-swap on the tree size; see contract item 2. */
  setCheckpoint(lease: SequencerLease, expectedSize: number | null, next: StoredCheckpoint): Promise<boolean>;
}

export function tileKeyString(k: TileKey): string {
  return `${k.level}/${k.index}`;
}
