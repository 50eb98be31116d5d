/**
 * The witness side of C2SP tlog-witness `add-checkpoint` (c2sp.org/tlog-witness): an observer
 * node checks that each checkpoint a log submits extends the last one it cosigned, records it
 * atomically, and returns a C2SP tlog-cosignature v1.
 *
 * The handler is framework-free: it takes the request body and returns status, headers and body.
 */

import { decodeUtf8, equalBytes, fromBase64, parseDecimal } from './bytes.ts';
import { parseCheckpoint } from './checkpoint.ts';
import { HASH_SIZE, verifyConsistency } from './merkle.ts';
import {
  formatSignatureLine,
  openNote,
  splitNote,
  type NoteSigner,
  type NoteVerifier,
} from './signed-note.ts';
import { utf8 } from './bytes.ts';

/** What a witness remembers per log: the latest checkpoint it cosigned. */
export interface WitnessState {
  readonly size: number;
  readonly root: Uint8Array;
  /** The checkpoint note as submitted, kept as evidence. */
  readonly checkpoint: string;
}

/**
 * Witness state storage. `compareAndSwap` MUST be atomic: it stores `next` only if the current
 * state still has `expectedSize` (null: no state yet) and returns whether it did; it resolves only
 * once `next` is durable.
 */
export interface WitnessStore {
  load(origin: string): Promise<WitnessState | null>;
  compareAndSwap(origin: string, expectedSize: number | null, next: WitnessState): Promise<boolean>;
}

export class MemoryWitnessStore implements WitnessStore {
  private readonly states = new Map<string, WitnessState>();

  load(origin: string): Promise<WitnessState | null> {
    return Promise.resolve(this.states.get(origin) ?? null);
  }

  compareAndSwap(origin: string, expectedSize: number | null, next: WitnessState): Promise<boolean> {
    // Synchronous check-and-set: atomic with respect to every other call on this event loop.
    if ((this.states.get(origin)?.size ?? null) !== expectedSize) return Promise.resolve(false);
    this.states.set(origin, next);
    return Promise.resolve(true);
  }
}

export interface WitnessResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface WitnessOptions {
  /** The witness's cosigning key(s) (type 0x04). */
  readonly signers: readonly NoteSigner[];
  /** Trusted log keys, by origin. */
  readonly logs: ReadonlyMap<string, readonly NoteVerifier[]>;
  readonly store: WitnessStore;
}

const TEXT = { 'content-type': 'text/plain; charset=utf-8' } as const;
const reply = (status: number, body: string, headers: Record<string, string> = TEXT): WitnessResponse => ({
  status,
  headers,
  body: body.endsWith('\n') || body === '' ? body : `${body}\n`,
});
const conflict = (size: number): WitnessResponse =>
  reply(409, `${size}\n`, { 'content-type': 'text/x.tlog.size' });

interface AddCheckpointRequest {
  readonly oldSize: number;
  readonly proof: Uint8Array[];
  readonly checkpoint: string;
}

/** Parses `old <N>\n`, ≤ 63 base64 hash lines, an empty line, then the signed checkpoint. */
export function parseAddCheckpointRequest(body: string): AddCheckpointRequest | undefined {
  let rest = body;
  const next = (): string | undefined => {
    const i = rest.indexOf('\n');
    if (i < 0) return undefined;
    const line = rest.slice(0, i);
    rest = rest.slice(i + 1);
    return line;
  };
  const first = next();
  if (first?.startsWith('old ') !== true) return undefined;
  const oldSize = parseDecimal(first.slice(4));
  if (oldSize === undefined) return undefined;
  const proof: Uint8Array[] = [];
  for (let line = next(); line !== ''; line = next()) {
    if (line === undefined || proof.length === 63) return undefined;
    const h = fromBase64(line);
    if (h?.length !== HASH_SIZE) return undefined;
    proof.push(h);
  }
  return { oldSize, proof, checkpoint: rest };
}

export class Witness {
  constructor(private readonly options: WitnessOptions) {}

  /** `POST <submission prefix>/add-checkpoint`. */
  async addCheckpoint(requestBody: string | Uint8Array): Promise<WitnessResponse> {
    const text = typeof requestBody === 'string' ? requestBody : decodeUtf8(requestBody);
    if (text === undefined) return reply(400, 'request is not UTF-8');
    const req = parseAddCheckpointRequest(text);
    if (req === undefined) return reply(400, 'malformed add-checkpoint request');
    const split = splitNote(req.checkpoint);
    if (!split.ok) return reply(400, `malformed checkpoint: ${split.error.message}`);
    const origin = split.value.text.slice(0, split.value.text.indexOf('\n'));
    // If the checkpoint origin is unknown, the witness MUST respond with 404.
    const verifiers = this.options.logs.get(origin);
    if (verifiers === undefined) return reply(404, 'unknown log');
    // If none of the signatures verify against a trusted public key: 403.
    const note = openNote(req.checkpoint, verifiers);
    if (!note.ok) {
      return note.error.code === 'MALFORMED'
        ? reply(400, note.error.message)
        : reply(403, 'invalid signature');
    }
    const parsed = parseCheckpoint(note.value.text);
    if (!parsed.ok) return reply(400, `malformed checkpoint: ${parsed.error.message}`);
    const cp = parsed.value;
    // The old size MUST be equal to or lower than the checkpoint size: 400.
    if (req.oldSize > cp.size) return reply(400, 'old size is larger than the checkpoint size');
    // The old size MUST match the latest cosigned size (or zero): 409 with that size.
    const state = await this.options.store.load(origin);
    const current = state?.size ?? 0;
    if (req.oldSize !== current) return conflict(current);
    if (req.oldSize === 0) {
      // The proof MUST be empty if the old size is zero.
      if (req.proof.length !== 0) return reply(400, 'consistency proof from size 0 must be empty');
    } else if (req.oldSize === cp.size) {
      // Same size: the root hashes MUST be identical, else 409.
      if (state === null || !equalBytes(state.root, cp.root) || req.proof.length !== 0)
        return conflict(current);
    } else {
      const v = verifyConsistency(req.oldSize, cp.size, req.proof, state?.root ?? new Uint8Array(0), cp.root);
      if (!v.ok) return reply(422, `consistency proof does not verify: ${v.error.message}`);
    }
    // Check-and-persist atomically; a concurrent request that got there first wins.
    const next: WitnessState = { size: cp.size, root: cp.root, checkpoint: req.checkpoint };
    if (!(await this.options.store.compareAndSwap(origin, state === null ? null : current, next))) {
      const now = await this.options.store.load(origin);
      return conflict(now?.size ?? 0);
    }
    const textBytes = utf8(note.value.text);
    const lines = this.options.signers.map(
      (s) => `${formatSignatureLine(s.name, s.keyId, s.sign(textBytes))}\n`,
    );
    return reply(200, lines.join(''));
  }
}
