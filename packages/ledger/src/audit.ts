/**
 * A full audit of a stored log, as an observer node or a restarted sequencer runs it: every entry
 * is rehashed (RFC 9162 §2.1.1), every C2SP tile the checkpoint covers is rebuilt and compared with
 * the stored prefix, the root must match, and the checkpoint must be signed by the log.
 */

import { equalBytes } from './bytes.ts';
import { openCheckpoint } from './checkpoint.ts';
import { fail, ok, type Result } from './errors.ts';
import { HASH_SIZE, hashLeaf } from './merkle.ts';
import type { NoteVerifier } from './signed-note.ts';
import type { LedgerReadStore, StoredCheckpoint } from './store.ts';
import { TileEdge } from './tile-edge.ts';
import { TILE_WIDTH } from './tiles.ts';

export interface AuditReport {
  readonly checkpoint: StoredCheckpoint;
  readonly entries: number;
  readonly tiles: number;
}

/** Re-verifies the whole tree a store holds against its checkpoint. */
export async function auditStoredLog(
  store: LedgerReadStore,
  logVerifier: NoteVerifier,
  origin: string,
  options: { chunk?: number } = {},
): Promise<Result<AuditReport>> {
  const cp = await store.loadCheckpoint();
  if (cp === null) return fail('NOT_FOUND', 'audit: no checkpoint');
  const opened = openCheckpoint(cp.note, [logVerifier]);
  if (!opened.ok) return fail('TREE_MISMATCH', `audit: checkpoint does not open: ${opened.error.message}`);
  const c = opened.value.checkpoint;
  if (c.origin !== origin || c.size !== cp.size || !equalBytes(c.root, cp.root)) {
    return fail('TREE_MISMATCH', 'audit: checkpoint note and record disagree');
  }
  const edge = TileEdge.empty();
  const produced = new Map<string, Uint8Array>();
  const chunk = options.chunk ?? 16 * TILE_WIDTH;
  for (let start = 0; start < cp.size; start += chunk) {
    const end = Math.min(cp.size, start + chunk);
    let entries: Uint8Array[];
    try {
      entries = await store.readEntries(start, end);
    } catch (e) {
      return fail('TREE_MISMATCH', `audit: entries [${start}, ${end}) unreadable`, e);
    }
    for (const t of edge.append(entries.map(hashLeaf))) produced.set(`${t.level}/${t.index}`, t.hashes);
  }
  if (!equalBytes(edge.root(), cp.root))
    return fail('TREE_MISMATCH', 'audit: entries do not hash to the root');
  const keys = [...produced.keys()].map((k) => {
    const [level = 0, index = 0] = k.split('/').map(Number);
    return { level, index };
  });
  let checked = 0;
  for (let i = 0; i < keys.length; i += 1024) {
    const batch = keys.slice(i, i + 1024);
    const stored = await store.readTiles(batch);
    for (const [j, key] of batch.entries()) {
      const want = produced.get(`${key.level}/${key.index}`);
      const got = stored[j];
      if (want === undefined) continue;
      if (got === undefined || got.length < want.length) {
        return fail('TREE_MISMATCH', `audit: tile ${key.level}/${key.index} missing`);
      }
      if (!equalBytes(got.subarray(0, want.length), want)) {
        return fail('TREE_MISMATCH', `audit: tile ${key.level}/${key.index} differs`);
      }
      if (want.length % HASH_SIZE !== 0) return fail('TREE_MISMATCH', 'audit: ragged tile');
      checked++;
    }
  }
  return ok({ checkpoint: cp, entries: cp.size, tiles: checked });
}
