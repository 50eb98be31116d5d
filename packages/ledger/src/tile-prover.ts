/**
 * RFC 9162 §2.1 proofs computed from C2SP tlog-tiles hash tiles: every complete subtree hash is
 * either a tile hash (levels 0, 8, 16, …) or is rebuilt from the ≤ 128 tile hashes below it. Only
 * stored tiles are read; leaves are never rehashed. Tile fetches for one proof (or a batch of
 * proofs) go to the store in one call.
 */

import { fail, invariant, ok, type Result } from './errors.ts';
import {
  consistencyProofRanges,
  emptyRoot,
  hashChildren,
  hashRange,
  HASH_SIZE,
  inclusionProofRanges,
  subtreesForRanges,
  type LeafRange,
  type NodeReader,
  type Subtree,
} from './merkle.ts';
import { tileKeyString, type TileKey } from './store.ts';
import { hashesAtTileLevel, slotWidth, TILE_HEIGHT, TILE_WIDTH, tileSlotOf } from './tiles.ts';

/** Reads tiles (bytes possibly wider than needed; undefined when absent). */
export type TileFetcher = (keys: readonly TileKey[]) => Promise<(Uint8Array | undefined)[]>;

/**
 * Fetches the tiles that a set of leaf ranges of the tree of `size` leaves needs and returns a
 * memoising node reader. Each request carries the width of the tile that the tree covers.
 */
export async function nodeReaderFor(
  ranges: readonly LeafRange[],
  size: number,
  fetch: TileFetcher,
): Promise<Result<NodeReader>> {
  const need = new Map<string, { key: TileKey; width: number }>();
  for (const node of subtreesForRanges(ranges)) {
    const slot = tileSlotOf(node);
    const covered = Math.min(TILE_WIDTH, hashesAtTileLevel(size, slot.level) - slot.index * TILE_WIDTH);
    invariant(covered >= slotWidth(slot), 'proof node lies within the tree');
    const key = { level: slot.level, index: slot.index, width: covered };
    const k = tileKeyString(key);
    const width = Math.max(need.get(k)?.width ?? 0, slotWidth(slot));
    need.set(k, { key, width });
  }
  const wanted = [...need.values()];
  const got = await fetch(wanted.map((w) => w.key));
  const tiles = new Map<string, Uint8Array>();
  for (const [i, w] of wanted.entries()) {
    const t = got[i];
    if (t === undefined || t.length < w.width * HASH_SIZE) {
      return fail('NOT_FOUND', `tile ${tileKeyString(w.key)} (width ${w.width}) is not stored`);
    }
    tiles.set(tileKeyString(w.key), t);
  }
  const memo = new Map<string, Uint8Array>();
  const read: NodeReader = (node: Subtree): Uint8Array => {
    const mk = `${node.level}/${node.index}`;
    const hit = memo.get(mk);
    if (hit !== undefined) return hit;
    let h: Uint8Array;
    if (node.level % TILE_HEIGHT === 0) {
      const slot = tileSlotOf(node);
      const tile = tiles.get(tileKeyString(slot));
      invariant(tile !== undefined, 'planned tile fetched');
      h = tile.subarray(slot.offset * HASH_SIZE, (slot.offset + 1) * HASH_SIZE);
    } else {
      h = hashChildren(
        read({ level: node.level - 1, index: node.index * 2 }),
        read({ level: node.level - 1, index: node.index * 2 + 1 }),
      );
    }
    memo.set(mk, h);
    return h;
  };
  return ok(read);
}

export async function proveInclusionFromTiles(
  index: number,
  size: number,
  fetch: TileFetcher,
): Promise<Result<Uint8Array[]>> {
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    return fail('OUT_OF_RANGE', `inclusion: index ${index} not in a tree of ${size}`);
  }
  const ranges = inclusionProofRanges(index, size);
  const read = await nodeReaderFor(ranges, size, fetch);
  if (!read.ok) return read;
  return ok(ranges.map(([s, e]) => hashRange(s, e, read.value)));
}

export async function proveConsistencyFromTiles(
  oldSize: number,
  newSize: number,
  fetch: TileFetcher,
): Promise<Result<Uint8Array[]>> {
  if (!Number.isSafeInteger(oldSize) || oldSize < 0 || oldSize > newSize) {
    return fail('OUT_OF_RANGE', `consistency: ${oldSize} -> ${newSize}`);
  }
  if (oldSize === 0 || oldSize === newSize) return ok([]);
  const ranges = consistencyProofRanges(oldSize, newSize);
  const read = await nodeReaderFor(ranges, newSize, fetch);
  if (!read.ok) return read;
  return ok(ranges.map(([s, e]) => hashRange(s, e, read.value)));
}

export async function rootFromTiles(size: number, fetch: TileFetcher): Promise<Result<Uint8Array>> {
  if (size === 0) return ok(emptyRoot());
  const read = await nodeReaderFor([[0, size]], size, fetch);
  if (!read.ok) return read;
  return ok(hashRange(0, size, read.value));
}

/**
 * Inclusion proofs for many leaves of one tree with one tile fetch and shared hashing: what a batch
 * of receipts needs.
 */
export async function proveInclusionBatch(
  indices: readonly number[],
  size: number,
  fetch: TileFetcher,
): Promise<Result<Uint8Array[][]>> {
  const perLeaf = indices.map((i) => inclusionProofRanges(i, size));
  const read = await nodeReaderFor(perLeaf.flat(), size, fetch);
  if (!read.ok) return read;
  return ok(perLeaf.map((ranges) => ranges.map(([s, e]) => hashRange(s, e, read.value))));
}
