/**
 * Ledger entries: typed objects encoded as RFC 8785 canonical JSON, each at most 65,535 bytes so it
 * fits a tlog-tiles entry bundle. The election layer defines the `type`s; the log sees bytes.
 * Personal data never goes into an entry.
 */

import { utf8 } from './bytes.ts';
import { canonicalize, type JsonValue } from './canonical-json.ts';
import { fail, ok, type Result } from './errors.ts';
import { MAX_ENTRY_SIZE } from './tiles.ts';

export interface LedgerEntry {
  readonly type: string;
  readonly [field: string]: JsonValue;
}

export { MAX_ENTRY_SIZE };

/** Canonical bytes of an entry, or ENTRY_INVALID / ENTRY_TOO_LARGE. */
export function encodeEntry(entry: LedgerEntry): Result<Uint8Array> {
  if (
    typeof entry !== 'object' ||
    Array.isArray(entry) ||
    typeof entry.type !== 'string' ||
    entry.type === ''
  ) {
    return fail('ENTRY_INVALID', 'entry: an object with a non-empty string `type`');
  }
  const text = canonicalize(entry);
  if (!text.ok) return text;
  const bytes = utf8(text.value);
  if (bytes.length > MAX_ENTRY_SIZE) {
    return fail('ENTRY_TOO_LARGE', `entry: ${bytes.length} bytes, limit ${MAX_ENTRY_SIZE}`);
  }
  return ok(bytes);
}

/** Parses entry bytes back into an entry (for readers; the bytes stay the source of truth). */
export function decodeEntry(bytes: Uint8Array): Result<LedgerEntry> {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return fail('MALFORMED', 'entry: not UTF-8 JSON');
  }
  if (
    typeof v !== 'object' ||
    v === null ||
    Array.isArray(v) ||
    typeof (v as { type?: unknown }).type !== 'string'
  ) {
    return fail('MALFORMED', 'entry: not a typed object');
  }
  return ok(v as LedgerEntry);
}
