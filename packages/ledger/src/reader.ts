/**
 * A read-only view of a log for processes that do not sequence (tile servers, the ballot box's
 * receipt lookups, observer nodes): checkpoint and RFC 9162 proofs from stored C2SP tiles, with a
 * cache of full tiles.
 */

import { fail, ok, type Result } from './errors.ts';
import type { LedgerReadStore, StoredCheckpoint, TileKey } from './store.ts';
import { TileCache } from './tile-cache.ts';
import { proveConsistencyFromTiles, proveInclusionFromTiles, rootFromTiles } from './tile-prover.ts';

export class LedgerReader implements LedgerReadStore {
  private readonly cache: TileCache;
  private knownSize = 0;

  constructor(
    private readonly store: LedgerReadStore,
    options: { tileCacheSize?: number } = {},
  ) {
    this.cache = new TileCache(options.tileCacheSize ?? 4096);
  }

  loadCheckpoint(): Promise<StoredCheckpoint | null> {
    return this.store.loadCheckpoint();
  }

  readEntries(start: number, end: number): Promise<Uint8Array[]> {
    return this.store.readEntries(start, end);
  }

  async readTiles(keys: readonly TileKey[]): Promise<(Uint8Array | undefined)[]> {
    const out = keys.map((k) => this.cache.get(k));
    const missing = keys.flatMap((key, at) => (out[at] === undefined ? [{ at, key }] : []));
    if (missing.length > 0) {
      const got = await this.store.readTiles(missing.map((m) => m.key));
      missing.forEach(({ at, key }, j) => {
        const t = got[j];
        out[at] = t;
        if (t !== undefined) this.cache.offer(key, t);
      });
    }
    return out;
  }

  /**
   * The tree size to prove against: `size` if a checkpoint has covered it (proofs, and the tile
   * prefixes cached for them, never reach beyond a committed checkpoint), else the latest.
   */
  private async committedSize(size: number | undefined): Promise<Result<number>> {
    if (size === undefined || size > this.knownSize) {
      this.knownSize = Math.max(this.knownSize, (await this.store.loadCheckpoint())?.size ?? 0);
    }
    const n = size ?? this.knownSize;
    if (n > this.knownSize) return fail('OUT_OF_RANGE', `reader: no checkpoint covers size ${n}`);
    return ok(n);
  }

  async proveInclusion(index: number, size?: number): Promise<Result<Uint8Array[]>> {
    const n = await this.committedSize(size);
    if (!n.ok) return n;
    return proveInclusionFromTiles(index, n.value, (keys) => this.readTiles(keys));
  }

  async proveConsistency(oldSize: number, newSize?: number): Promise<Result<Uint8Array[]>> {
    const n = await this.committedSize(newSize);
    if (!n.ok) return n;
    return proveConsistencyFromTiles(oldSize, n.value, (keys) => this.readTiles(keys));
  }

  async root(size: number): Promise<Result<Uint8Array>> {
    const n = await this.committedSize(size);
    if (!n.ok) return n;
    return rootFromTiles(n.value, (keys) => this.readTiles(keys));
  }

  /** Forgets cached tiles (e.g. after the store was replaced in a test). */
  clearCache(): void {
    this.cache.clear();
  }
}
