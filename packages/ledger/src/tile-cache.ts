/**
 * A bounded LRU cache of tile prefixes. A prefix of a tile that a committed tree covers never
 * changes, so a cached prefix serves any request for that many hashes or fewer. Only prefixes
 * the caller vouches for (a `width` from its tree size) are cached, never bytes a store may hold
 * beyond the checkpoint.
 */

import { tileKeyString, type TileKey } from './store.ts';
import { HASH_SIZE } from './merkle.ts';

export class TileCache {
  private readonly map = new Map<string, Uint8Array>();

  constructor(private readonly capacity: number) {}

  /** A cached prefix covering `key.width` hashes (required), if any. */
  get(key: TileKey): Uint8Array | undefined {
    if (key.width === undefined) return undefined;
    const k = tileKeyString(key);
    const v = this.map.get(k);
    if (v === undefined || v.length < key.width * HASH_SIZE) return undefined;
    this.map.delete(k);
    this.map.set(k, v);
    return v;
  }

  /** Caches the first `key.width` hashes of a tile (nothing if the width is unknown). */
  offer(key: TileKey, bytes: Uint8Array): void {
    if (this.capacity <= 0 || key.width === undefined || bytes.length < key.width * HASH_SIZE) return;
    const k = tileKeyString(key);
    const old = this.map.get(k);
    if (old !== undefined && old.length >= key.width * HASH_SIZE) return;
    this.map.delete(k);
    this.map.set(k, bytes.length === key.width * HASH_SIZE ? bytes : bytes.slice(0, key.width * HASH_SIZE));
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (oldest.done === true) break;
      this.map.delete(oldest.value);
    }
  }

  clear(): void {
    this.map.clear();
  }
}
