/**
 * A bounded LRU cache of full hash tiles. Full tiles never change once written under a committed
 * checkpoint, so they can be cached without invalidation; partial tiles are never cached here.
 */

import { tileKeyString, type TileKey } from './store.ts';
import { TILE_WIDTH } from './tiles.ts';
import { HASH_SIZE } from './merkle.ts';

const FULL_TILE_BYTES = TILE_WIDTH * HASH_SIZE;

export class TileCache {
  private readonly map = new Map<string, Uint8Array>();

  constructor(private readonly capacity: number) {}

  get(key: TileKey): Uint8Array | undefined {
    const k = tileKeyString(key);
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }

  /** Caches the tile if it is full (only the first 8,192 bytes are kept). */
  offer(key: TileKey, bytes: Uint8Array): void {
    if (this.capacity <= 0 || bytes.length < FULL_TILE_BYTES) return;
    const k = tileKeyString(key);
    this.map.delete(k);
    this.map.set(k, bytes.length === FULL_TILE_BYTES ? bytes : bytes.slice(0, FULL_TILE_BYTES));
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
