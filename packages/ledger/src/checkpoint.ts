/**
 * C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the note text of a log's signed tree head.
 *
 *     <origin>\n
 *     <tree size, decimal, no leading zeroes>\n
 *     <base64 root hash>\n
 *     [<extension line>\n ...]
 */

import { fromBase64, parseDecimal, toBase64 } from './bytes.ts';
import { fail, ok, type Result } from './errors.ts';
import { HASH_SIZE } from './merkle.ts';
import { openNote, type Note, type NoteVerifier } from './signed-note.ts';

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
  /** Optional, opaque, non-empty lines after the root (NOT RECOMMENDED by the spec). */
  readonly extensions: readonly string[];
}

export function formatCheckpoint(c: Checkpoint): string {
  if (c.origin.length === 0 || c.origin.includes('\n'))
    throw new RangeError('checkpoint origin: one non-empty line');
  if (!Number.isSafeInteger(c.size) || c.size < 0)
    throw new RangeError('checkpoint size: non-negative integer');
  if (c.root.length !== HASH_SIZE) throw new RangeError('checkpoint root: 32 bytes');
  for (const e of c.extensions) {
    if (e.length === 0 || e.includes('\n')) throw new RangeError('checkpoint extension: one non-empty line');
  }
  return [c.origin, String(c.size), toBase64(c.root), ...c.extensions].map((l) => `${l}\n`).join('');
}

/** Parses a checkpoint body strictly (32-byte canonical root, canonical size, non-empty lines). */
export function parseCheckpoint(text: string): Result<Checkpoint> {
  if (!text.endsWith('\n')) return fail('MALFORMED', 'checkpoint: missing final newline');
  const lines = text.slice(0, -1).split('\n');
  const [origin, sizeLine, rootLine, ...extensions] = lines;
  if (origin === undefined || sizeLine === undefined || rootLine === undefined) {
    return fail('MALFORMED', 'checkpoint: fewer than three lines');
  }
  if (origin.length === 0) return fail('MALFORMED', 'checkpoint: empty origin');
  const size = parseDecimal(sizeLine);
  if (size === undefined) return fail('MALFORMED', 'checkpoint: size is not a canonical decimal below 2^53');
  const root = fromBase64(rootLine);
  if (root?.length !== HASH_SIZE) return fail('MALFORMED', 'checkpoint: root is not a 32-byte base64 hash');
  if (extensions.some((e) => e.length === 0)) return fail('MALFORMED', 'checkpoint: empty extension line');
  return ok({ origin, size, root, extensions });
}

export interface OpenedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly note: Note;
}

/** Opens a signed checkpoint: the note must verify and its text must be a checkpoint. */
export function openCheckpoint(
  signed: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
): Result<OpenedCheckpoint> {
  const note = openNote(signed, verifiers);
  if (!note.ok) return note;
  const checkpoint = parseCheckpoint(note.value.text);
  if (!checkpoint.ok) return checkpoint;
  return ok({ checkpoint: checkpoint.value, note: note.value });
}
