/**
 * The right edge of a tiled tree (C2SP tlog-tiles): the partial tile at each tile level. It is all
 * the state a sequencer needs to append leaves, emit the tiles that changed, and compute the root.
 */

import { concatBytes } from './bytes.ts';
import { invariant } from './errors.ts';
import { emptyRoot, hashChildren, HASH_SIZE, merkleTreeHash } from './merkle.ts';
import type { StoredTile } from './store.ts';
import { edgeTilesOfTree, hashesAtTileLevel, TILE_WIDTH, tileHashes } from './tiles.ts';

export class TileEdge {
  private constructor(
    private treeSize: number,
    /** partials[level]: hashes of the partial tile at that level (0..255 of them). */
    private readonly partials: Uint8Array[][],
  ) {}

  static empty(): TileEdge {
    return new TileEdge(0, []);
  }

  /**
   * Rebuilds the edge of a tree of `size` leaves from its stored edge tiles (which may be wider than
   * the tree: only the prefix the size covers is used). Returns the missing tile on failure.
   */
  static fromTiles(
    size: number,
    read: (level: number, index: number) => Uint8Array | undefined,
  ): { ok: true; edge: TileEdge } | { ok: false; missing: string } {
    const partials: Uint8Array[][] = [];
    for (let level = 0; hashesAtTileLevel(size, level) > 0; level++) partials.push([]);
    for (const t of edgeTilesOfTree(size)) {
      invariant(typeof t.level === 'number', 'hash tile');
      const bytes = read(t.level, t.index);
      if (bytes === undefined || bytes.length < t.width * HASH_SIZE) {
        return { ok: false, missing: `tile/${t.level}/${t.index} width ${t.width}` };
      }
      partials[t.level] = tileHashes(bytes.subarray(0, t.width * HASH_SIZE));
    }
    return { ok: true, edge: new TileEdge(size, partials) };
  }

  get size(): number {
    return this.treeSize;
  }

  clone(): TileEdge {
    return new TileEdge(
      this.treeSize,
      this.partials.map((p) => p.slice()),
    );
  }

  /** The partial tile at `level` if `index` is the edge tile there. */
  partialTile(level: number, index: number): Uint8Array | undefined {
    const p = this.partials[level];
    if (p === undefined || p.length === 0) return undefined;
    const edgeIndex = Math.floor(hashesAtTileLevel(this.treeSize, level) / TILE_WIDTH);
    return edgeIndex === index ? concatBytes(...p) : undefined;
  }

  /** Appends leaf hashes; returns every tile that changed (newly full tiles and the new edge). */
  append(leafHashes: readonly Uint8Array[]): StoredTile[] {
    const out = new Map<string, StoredTile>();
    for (const leaf of leafHashes) {
      let level = 0;
      let hash = leaf;
      for (;;) {
        const p = (this.partials[level] ??= []);
        p.push(hash);
        if (p.length < TILE_WIDTH) break;
        // A full tile: store it, and its root becomes one hash of the tile level above.
        const index = Math.floor((hashesAtTileLevel(this.treeSize + 1, level) - 1) / TILE_WIDTH);
        out.set(`${level}/${index}`, { level, index, hashes: concatBytes(...p) });
        hash = merkleTreeHash(p);
        this.partials[level] = [];
        level++;
      }
      this.treeSize++;
    }
    for (const t of edgeTilesOfTree(this.treeSize)) {
      invariant(typeof t.level === 'number', 'hash tile');
      const p = this.partials[t.level];
      invariant(p?.length === t.width, 'edge width matches tree size');
      out.set(`${t.level}/${t.index}`, { level: t.level, index: t.index, hashes: concatBytes(...p) });
    }
    return [...out.values()];
  }

  /** RFC 9162 root of the tree, from the edge alone. */
  root(): Uint8Array {
    if (this.treeSize === 0) return emptyRoot();
    // Complete subtrees left to right: higher tile levels first, and within a partial tile its
    // width in binary, largest run first.
    const parts: Uint8Array[] = [];
    for (let level = this.partials.length - 1; level >= 0; level--) {
      const p = this.partials[level] ?? [];
      let offset = 0;
      for (let run = TILE_WIDTH / 2; run >= 1; run /= 2) {
        if (p.length - offset >= run) {
          parts.push(merkleTreeHash(p.slice(offset, offset + run)));
          offset += run;
        }
      }
    }
    let root = parts.pop();
    invariant(root !== undefined, 'non-empty tree has a subtree');
    for (let left = parts.pop(); left !== undefined; left = parts.pop()) root = hashChildren(left, root);
    return root;
  }
}
