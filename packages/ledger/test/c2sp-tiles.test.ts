// C2SP tlog-tiles: tile paths, partial tiles, entry bundles and hash tiles, against Tessera's
// testdata log (15 entries, a checkpoint at every size) and Sunlight's skylight mirror tiles; our
// log must reproduce both byte for byte.

import { describe, expect, it } from 'vitest';

import {
  edgeTilesOfTree,
  encodeEntryBundle,
  formatTileIndex,
  formatTilePath,
  hashLeaf,
  Ledger,
  MemoryLedgerStore,
  merkleTreeHash,
  openCheckpoint,
  parseEntryBundle,
  parseSignerKey,
  parseTilePath,
  parseVerifierKey,
  proveConsistencyFromTiles,
  proveInclusionFromTiles,
  rootFromTiles,
  serveTile,
  ed25519NoteSigner,
  tileHashes,
  tilesOfTree,
  unwrap,
  verifyConsistency,
  verifyInclusion,
  type Checkpoint,
  type TileFetcher,
} from '../src/index.ts';
import { at, ascii, b64, readVector, readVectorJson, readVectorText, vectorPath } from './helpers/vectors.ts';
import { existsSync } from 'node:fs';

const TESSERA = 'tiles/tessera-testdata-log/log';
const TESSERA_VKEY = 'example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx';
const MIRROR =
  'cosignature/sunlight-skylight/witness/mirror/000de184301123b9278c086a7d9f68c9577e83872224c197058fd90784ea9706';

describe('C2SP tlog-tiles paths', () => {
  it('encodes tile indices in x-prefixed 3-digit groups', () => {
    expect(formatTileIndex(0)).toBe('000');
    expect(formatTileIndex(999)).toBe('999');
    expect(formatTileIndex(1000)).toBe('x001/000');
    expect(formatTileIndex(1234067)).toBe('x001/x234/067');
    expect(formatTilePath({ level: 0, index: 1234067, width: 256 })).toBe('tile/0/x001/x234/067');
    expect(formatTilePath({ level: 2, index: 5, width: 17 })).toBe('tile/2/005.p/17');
    expect(formatTilePath({ level: 'entries', index: 1, width: 44 })).toBe('tile/entries/001.p/44');
  });

  it('parses canonical paths back', () => {
    for (const p of [
      'tile/0/000',
      'tile/63/x001/x234/067.p/255',
      'tile/entries/x999/999',
      'tile/1/000.p/1',
    ]) {
      expect(formatTilePath(unwrap(parseTilePath(p)))).toBe(p);
    }
  });

  it.each([
    'tile/0/0',
    'tile/0/0000',
    'tile/00/000',
    'tile/64/000',
    'tile/0/x000/001',
    'tile/0/001/x002',
    'tile/0/000.p/0',
    'tile/0/000.p/256',
    'tile/0/000.p/007',
    'tile/0/000.p/',
    'tile/entry/000',
    'tile/0/-01',
    '/tile/0/000',
    'tile/0/000/',
  ])('rejects %s', (p) => {
    const r = parseTilePath(p);
    expect(r.ok ? undefined : r.error.code).toBe('MALFORMED');
  });

  it('describes a tree of 70,000 leaves as the spec does', () => {
    const tiles = tilesOfTree(70_000);
    const at = (level: number): typeof tiles => tiles.filter((t) => t.level === level);
    expect(at(0).filter((t) => t.width === 256)).toHaveLength(273);
    expect(at(0).at(-1)).toEqual({ level: 0, index: 273, width: 112 });
    expect(at(1)).toEqual([
      { level: 1, index: 0, width: 256 },
      { level: 1, index: 1, width: 17 },
    ]);
    expect(at(2)).toEqual([{ level: 2, index: 0, width: 1 }]);
    expect(edgeTilesOfTree(256)).toEqual([{ level: 1, index: 0, width: 1 }]);
    expect(tilesOfTree(0)).toEqual([]);
  });

  it('round-trips entry bundles and rejects truncated ones', () => {
    const entries = [ascii(''), ascii('a'), new Uint8Array(65535).fill(7)];
    expect(unwrap(parseEntryBundle(encodeEntryBundle(entries)))).toEqual(entries);
    expect(parseEntryBundle(new Uint8Array([0])).ok).toBe(false);
    expect(parseEntryBundle(new Uint8Array([0, 2, 1])).ok).toBe(false);
  });
});

describe("C2SP tlog-tiles: Tessera's testdata log", () => {
  const verifier = unwrap(parseVerifierKey(TESSERA_VKEY)).verifier;
  const entries = unwrap(parseEntryBundle(readVector(TESSERA, 'tile/entries/000.p/15')));
  const checkpoints: Checkpoint[] = Array.from({ length: 16 }, (_, n) => {
    return unwrap(openCheckpoint(readVectorText(TESSERA, `checkpoint.${n}`), [verifier])).checkpoint;
  });
  const fetchFor =
    (size: number): TileFetcher =>
    (keys) =>
      Promise.resolve(
        keys.map((k) => {
          const file = vectorPath(TESSERA, 'tile', String(k.level), `${formatTileIndex(k.index)}.p/${size}`);
          return existsSync(file)
            ? readVector(TESSERA, 'tile', String(k.level), `${formatTileIndex(k.index)}.p/${size}`)
            : undefined;
        }),
      );

  it('has 15 entries, "one" … "fivten"', () => {
    expect(entries).toHaveLength(15);
    expect(Buffer.from(entries[0] ?? []).toString()).toBe('one');
    expect(Buffer.from(entries[14] ?? []).toString()).toBe('fivten');
    expect(readVectorText(TESSERA, 'checkpoint')).toBe(readVectorText(TESSERA, 'checkpoint.15'));
  });

  it('every partial bundle and level-0 tile matches the entries, and hashes to its checkpoint', () => {
    for (let n = 1; n <= 15; n++) {
      expect(unwrap(parseEntryBundle(readVector(TESSERA, `tile/entries/000.p/${n}`)))).toEqual(
        entries.slice(0, n),
      );
      const tile = readVector(TESSERA, `tile/0/000.p/${n}`);
      expect(tileHashes(tile)).toEqual(entries.slice(0, n).map(hashLeaf));
      expect(merkleTreeHash(tileHashes(tile))).toEqual(checkpoints[n]?.root);
    }
    expect(checkpoints[0]?.size).toBe(0);
  });

  it('proves inclusion and consistency between every pair of checkpoints from the tiles', async () => {
    for (let n = 1; n <= 15; n++) {
      const cpN = at(checkpoints, n);
      expect(unwrap(await rootFromTiles(n, fetchFor(n)))).toEqual(cpN.root);
      for (let i = 0; i < n; i++) {
        const proof = unwrap(await proveInclusionFromTiles(i, n, fetchFor(n)));
        expect(verifyInclusion(hashLeaf(at(entries, i)), i, n, proof, cpN.root).ok).toBe(true);
      }
      for (let m = 1; m <= n; m++) {
        const proof = unwrap(await proveConsistencyFromTiles(m, n, fetchFor(n)));
        expect(verifyConsistency(m, n, proof, at(checkpoints, m).root, cpN.root).ok).toBe(true);
      }
    }
  });

  it('our log, fed the same entries one by one, signs the same checkpoints and serves the same tiles', async () => {
    const skey = readVectorJson<{ keys: { vkey: string; skey: string }[] }>(
      'signed-note/extra-keys.json',
    ).keys.find((k) => k.vkey === TESSERA_VKEY)?.skey;
    const k = unwrap(parseSignerKey(skey ?? ''));
    const store = new MemoryLedgerStore();
    const ledger = unwrap(
      await Ledger.open({ origin: k.name, signer: ed25519NoteSigner(k.name, k.seed), store, clock: () => 1 }),
    );
    expect(ledger.checkpoint().note).toBe(readVectorText(TESSERA, 'checkpoint.0'));
    for (const [i, e] of entries.entries()) {
      const receipt = unwrap(await ledger.appendBytes(e));
      const n = i + 1;
      expect(receipt.index).toBe(i);
      expect(receipt.checkpoint).toBe(readVectorText(TESSERA, `checkpoint.${n}`));
      for (const path of [`tile/0/000.p/${n}`, `tile/entries/000.p/${n}`]) {
        const res = await serveTile(ledger, { path });
        expect(res.status).toBe(200);
        expect(res.body).toEqual(readVector(TESSERA, path));
      }
    }
    await ledger.close();
  });
});

describe("C2SP tlog-tiles: Sunlight skylight mirror tiles (300 leaves 'record <i>')", () => {
  it('our log produces the same full and partial tiles and root', async () => {
    const cp = readVectorText(MIRROR, 'checkpoint').split('\n');
    const store = new MemoryLedgerStore();
    const ledger = unwrap(
      await Ledger.open({
        origin: 'rome2026h1.example.org',
        signer: ed25519NoteSigner('rome2026h1.example.org', new Uint8Array(32)),
        store,
      }),
    );
    const receipts = await Promise.all(
      Array.from({ length: 300 }, (_, i) => ledger.appendBytes(ascii(`record ${i}`))),
    );
    expect(receipts.every((r) => r.ok)).toBe(true);
    expect(ledger.checkpoint().root).toEqual(b64(cp[2] ?? ''));
    for (const path of ['tile/0/000', 'tile/0/001.p/44', 'tile/1/000.p/1']) {
      const res = await serveTile(ledger, { path });
      expect(res.status, path).toBe(200);
      expect(res.body, path).toEqual(readVector(MIRROR, path));
    }
    await ledger.close();
  });
});
