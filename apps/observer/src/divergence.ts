/**
 * Where two views of a log first differ: the smallest leaf index at which two trees of at least
 * `size` leaves, each described by its C2SP tlog-tiles hash tiles, hold different leaf hashes.
 *
 * If one tree extends the other, their first `size` leaves are equal (RFC 9162 §2.1.4), so a
 * leaf index found here, with an inclusion proof in each tree, proves that two signed checkpoints
 * are a fork. The search is top-down: a hash at tile level L is the root of a full tile at level
 * L-1, so one differing hash leads to the tile below it, and a whole log is searched in a few tile
 * reads per level (no leaf is rehashed).
 */

import { equalBytes } from '@opendeg/crypto';
import { hashesAtTileLevel, HASH_SIZE, TILE_WIDTH } from '@opendeg/ledger';

/** Reads the first `width` hashes of tile (level, index) of one view; undefined when unavailable. */
export type TileReader = (level: number, index: number, width: number) => Promise<Uint8Array | undefined>;

export type Divergence =
  /** The first `size` leaves agree. */
  | { readonly kind: 'none' }
  /** The first leaf whose hash differs. */
  | { readonly kind: 'leaf'; readonly index: number }
  /** A hash differs but the full tile below it agrees: one view's tiles are not a tree. */
  | { readonly kind: 'inconsistent'; readonly level: number; readonly index: number }
  /** A tile that the search needs could not be read from one view. */
  | {
      readonly kind: 'unavailable';
      readonly side: 'a' | 'b';
      readonly level: number;
      readonly index: number;
      readonly width: number;
    };

export async function findDivergence(size: number, a: TileReader, b: TileReader): Promise<Divergence> {
  if (size === 0) return { kind: 'none' };
  let level = 0;
  while (hashesAtTileLevel(size, level + 1) > 0) level++;
  // Positions [from, to) at `level` are still to compare.
  let from = 0;
  let to = hashesAtTileLevel(size, level);
  let descended = false;
  for (;;) {
    let found: number | undefined;
    const count = hashesAtTileLevel(size, level);
    for (let t = Math.floor(from / TILE_WIDTH); t * TILE_WIDTH < to && found === undefined; t++) {
      const width = Math.min(TILE_WIDTH, count - t * TILE_WIDTH);
      const [ta, tb] = await Promise.all([a(level, t, width), b(level, t, width)]);
      if (ta === undefined || ta.length < width * HASH_SIZE)
        return { kind: 'unavailable', side: 'a', level, index: t, width };
      if (tb === undefined || tb.length < width * HASH_SIZE)
        return { kind: 'unavailable', side: 'b', level, index: t, width };
      const end = Math.min(to, t * TILE_WIDTH + width);
      for (let p = Math.max(from, t * TILE_WIDTH); p < end; p++) {
        const at = (p - t * TILE_WIDTH) * HASH_SIZE;
        if (!equalBytes(ta.subarray(at, at + HASH_SIZE), tb.subarray(at, at + HASH_SIZE))) {
          found = p;
          break;
        }
      }
    }
    if (found !== undefined) {
      if (level === 0) return { kind: 'leaf', index: found };
      // The differing hash is the root of full tile (level - 1, found): search inside it.
      level--;
      from = found * TILE_WIDTH;
      to = from + TILE_WIDTH;
      descended = true;
      continue;
    }
    if (descended) return { kind: 'inconsistent', level: level + 1, index: Math.floor(from / TILE_WIDTH) };
    if (level === 0) return { kind: 'none' };
    // Leaves past this level's complete subtrees are covered by the levels below.
    from = count * TILE_WIDTH;
    level--;
    to = hashesAtTileLevel(size, level);
  }
}
