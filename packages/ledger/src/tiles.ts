/**
 * C2SP tlog-tiles: tile and entry-bundle paths, which tiles describe a tree, how a complete
 * subtree hash is read from a tile, and the entry bundle encoding (big-endian uint16
 * length-prefixed entries). Pure functions of the spec (c2sp.org/tlog-tiles).
 */

import { concatBytes } from './bytes.ts';
import { fail, invariant, ok, type Result } from './errors.ts';
import { HASH_SIZE, hashChildren, type Subtree } from './merkle.ts';

/** A tile is a subtree of height 8: 256 hashes at a level multiple of 8. */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
/** The largest entry an entry bundle can carry (uint16 length prefix). */
export const MAX_ENTRY_SIZE = 0xffff;

/** A hash tile (level 0..63) or an entry bundle (`level: 'entries'`), with its width 1..256. */
export interface TileRef {
  readonly level: number | 'entries';
  readonly index: number;
  /** 256 for a full tile, 1..255 for a partial one. */
  readonly width: number;
}

/** `<N>`: zero-padded 3-digit path elements, all but the last prefixed with `x`. */
export function formatTileIndex(index: number): string {
  invariant(Number.isSafeInteger(index) && index >= 0, 'tile index is a non-negative integer');
  const groups: string[] = [];
  let n = index;
  do {
    groups.unshift(String(n % 1000).padStart(3, '0'));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]`. */
export function formatTilePath(t: TileRef): string {
  invariant(t.width >= 1 && t.width <= TILE_WIDTH, 'tile width 1..256');
  const suffix = t.width === TILE_WIDTH ? '' : `.p/${t.width}`;
  const level = t.level === 'entries' ? 'entries' : String(t.level);
  return `tile/${level}/${formatTileIndex(t.index)}${suffix}`;
}

/** Parses a tile path (without any URL prefix), accepting only the canonical encoding. */
export function parseTilePath(path: string): Result<TileRef> {
  const m = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(
    path,
  );
  if (m === null) return fail('MALFORMED', `not a tile path: ${JSON.stringify(path)}`);
  const [, levelText = '', indexText = '', widthText] = m;
  const level = levelText === 'entries' ? 'entries' : Number(levelText);
  if (level !== 'entries' && level > 63) return fail('MALFORMED', 'tile level above 63');
  const digits = indexText.replaceAll('x', '').replaceAll('/', '');
  const index = Number(digits);
  if (!Number.isSafeInteger(index)) return fail('MALFORMED', 'tile index too large');
  const width = widthText === undefined ? TILE_WIDTH : Number(widthText);
  if (widthText !== undefined && width >= TILE_WIDTH)
    return fail('MALFORMED', 'partial tile width must be 1..255');
  const ref: TileRef = { level, index, width };
  // Non-canonical index encodings (a leading x000/ group) are refused by re-encoding.
  if (formatTilePath(ref) !== path) return fail('MALFORMED', 'non-canonical tile path');
  return ok(ref);
}

/** Number of hashes at tile level `level` (node level 8·level) in a tree of `size` leaves. */
export function hashesAtTileLevel(size: number, level: number): number {
  return Math.floor(size / TILE_WIDTH ** level);
}

/** Whether the tile (a prefix of width `width`) is fully determined by a tree of `size` leaves. */
export function tileWithinTree(t: TileRef, size: number): boolean {
  const level = t.level === 'entries' ? 0 : t.level;
  return t.index * TILE_WIDTH + t.width <= hashesAtTileLevel(size, level);
}

/** All tiles (full and the partial right edge) of a tree of `size` leaves, bottom level first. */
export function tilesOfTree(size: number): TileRef[] {
  const out: TileRef[] = [];
  for (let level = 0; level <= 63; level++) {
    const n = hashesAtTileLevel(size, level);
    if (n === 0) break;
    const full = Math.floor(n / TILE_WIDTH);
    for (let index = 0; index < full; index++) out.push({ level, index, width: TILE_WIDTH });
    if (n % TILE_WIDTH !== 0) out.push({ level, index: full, width: n % TILE_WIDTH });
  }
  return out;
}

/** The right-edge partial tiles of a tree: one per tile level with a non-zero remainder. */
export function edgeTilesOfTree(size: number): TileRef[] {
  const out: TileRef[] = [];
  for (let level = 0; level <= 63; level++) {
    const n = hashesAtTileLevel(size, level);
    if (n === 0) break;
    if (n % TILE_WIDTH !== 0) out.push({ level, index: Math.floor(n / TILE_WIDTH), width: n % TILE_WIDTH });
  }
  return out;
}

/** Where a complete subtree's hash lives: a run of hashes inside one tile. */
export interface TileSlot {
  readonly level: number;
  readonly index: number;
  /** First hash of the run within the tile. */
  readonly offset: number;
  /** Height of the subtree above the tile's hashes (0..7): the run has 2^height hashes. */
  readonly height: number;
}

export function tileSlotOf(node: Subtree): TileSlot {
  const level = Math.floor(node.level / TILE_HEIGHT);
  const height = node.level - level * TILE_HEIGHT;
  const first = node.index * 2 ** height;
  return { level, index: Math.floor(first / TILE_WIDTH), offset: first % TILE_WIDTH, height };
}

/** Minimum width a tile must have to contain a slot. */
export function slotWidth(slot: TileSlot): number {
  return slot.offset + 2 ** slot.height;
}

/** Hash of the perfect subtree over `2^height` tile hashes starting at `offset`. */
export function hashTileSlot(tile: Uint8Array, offset: number, height: number): Uint8Array {
  const count = 2 ** height;
  invariant(tile.length >= (offset + count) * HASH_SIZE, 'tile wide enough for slot');
  let row: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const at = (offset + i) * HASH_SIZE;
    row.push(tile.subarray(at, at + HASH_SIZE));
  }
  while (row.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < row.length; i += 2) {
      const [l, r] = [row[i], row[i + 1]];
      invariant(l !== undefined && r !== undefined, 'pair of hashes');
      next.push(hashChildren(l, r));
    }
    row = next;
  }
  const [h] = row;
  invariant(h !== undefined, 'one hash left');
  return h.slice();
}

/** Entry bundle: each entry as big-endian uint16 length || bytes. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    invariant(e.length <= MAX_ENTRY_SIZE, 'entry fits a uint16 length');
    parts.push(new Uint8Array([e.length >> 8, e.length & 0xff]), e);
  }
  return concatBytes(...parts);
}

export function parseEntryBundle(bundle: Uint8Array): Result<Uint8Array[]> {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < bundle.length) {
    if (at + 2 > bundle.length) return fail('MALFORMED', 'entry bundle: truncated length');
    const n = ((bundle[at] ?? 0) << 8) | (bundle[at + 1] ?? 0);
    at += 2;
    if (at + n > bundle.length) return fail('MALFORMED', 'entry bundle: truncated entry');
    out.push(bundle.slice(at, at + n));
    at += n;
  }
  if (out.length > TILE_WIDTH) return fail('MALFORMED', 'entry bundle: more than 256 entries');
  return ok(out);
}

/** Splits a hash tile into its hashes. */
export function tileHashes(tile: Uint8Array): Uint8Array[] {
  invariant(tile.length % HASH_SIZE === 0, 'tile is whole hashes');
  const out: Uint8Array[] = [];
  for (let at = 0; at < tile.length; at += HASH_SIZE) out.push(tile.slice(at, at + HASH_SIZE));
  return out;
}
