/**
 * Framework-free HTTP handlers for the C2SP tlog-tiles read API: `checkpoint`, `tile/<L>/<N>[.p/<W>]`
 * and `tile/entries/<N>[.p/<W>]`, with the caching the spec recommends (the checkpoint is mutable:
 * a few seconds at most; tiles and bundles are immutable: long-lived) and gzip for entry bundles.
 * Only what the current checkpoint covers is ever served.
 */

import { gzipSync } from 'node:zlib';

import { utf8 } from './bytes.ts';
import { assertNever } from './errors.ts';
import { HASH_SIZE } from './merkle.ts';
import type { LedgerReadStore } from './store.ts';
import { encodeEntryBundle, parseTilePath, tileWithinTree, TILE_WIDTH } from './tiles.ts';

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

export const CHECKPOINT_CACHE_CONTROL = 'public, max-age=2, must-revalidate';
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

const text = (status: number, message: string): HttpResponse => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  body: utf8(`${message}\n`),
});

/** `GET <prefix>/checkpoint`. */
export async function serveCheckpoint(source: LedgerReadStore): Promise<HttpResponse> {
  const cp = await source.loadCheckpoint();
  if (cp === null) return text(404, 'no checkpoint yet');
  return {
    status: 200,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': CHECKPOINT_CACHE_CONTROL },
    body: utf8(cp.note),
  };
}

export interface TileRequest {
  /** Path below the log prefix, e.g. `tile/0/x001/234.p/7` or `tile/entries/000`. */
  readonly path: string;
  /** The request's Accept-Encoding header, if any. */
  readonly acceptEncoding?: string;
}

function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(',').some((part) => {
    const [coding = '', ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return (coding.trim() === 'gzip' || coding.trim() === '*') && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/** `GET <prefix>/tile/…` for hash tiles and entry bundles. */
export async function serveTile(source: LedgerReadStore, req: TileRequest): Promise<HttpResponse> {
  const ref = parseTilePath(req.path);
  if (!ref.ok) return text(400, ref.error.message);
  const cp = await source.loadCheckpoint();
  // Empty tiles MUST NOT be served, nor anything beyond the checkpoint.
  if (cp === null || !tileWithinTree(ref.value, cp.size)) return text(404, 'tile not in the tree');
  const { level, index, width } = ref.value;
  switch (level) {
    case 'entries': {
      const start = index * TILE_WIDTH;
      const entries = await source.readEntries(start, start + width);
      const bundle = encodeEntryBundle(entries);
      const gzip = acceptsGzip(req.acceptEncoding);
      return {
        status: 200,
        headers: {
          'content-type': 'application/octet-stream',
          'cache-control': IMMUTABLE_CACHE_CONTROL,
          vary: 'Accept-Encoding',
          ...(gzip ? { 'content-encoding': 'gzip' } : {}),
        },
        body: gzip ? new Uint8Array(gzipSync(bundle)) : bundle,
      };
    }
    default: {
      if (typeof level !== 'number') return assertNever(level);
      const [tile] = await source.readTiles([{ level, index, width }]);
      if (tile === undefined || tile.length < width * HASH_SIZE) return text(404, 'tile not stored');
      return {
        status: 200,
        headers: { 'content-type': 'application/octet-stream', 'cache-control': IMMUTABLE_CACHE_CONTROL },
        body: tile.slice(0, width * HASH_SIZE),
      };
    }
  }
}

/** Dispatches a GET below the log prefix to `checkpoint` or `tile/…`; 404 for anything else. */
export async function serveLog(source: LedgerReadStore, req: TileRequest): Promise<HttpResponse> {
  if (req.path === 'checkpoint') return serveCheckpoint(source);
  if (req.path.startsWith('tile/')) return serveTile(source, req);
  return text(404, 'not found');
}
