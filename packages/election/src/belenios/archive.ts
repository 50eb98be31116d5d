/**
 * The Belenios public data archive, `<uuid>.bel` (Belenios 2.0 specification §4.4 public data, with
 * the payloads of §4.7, §4.8, §4.10, §4.15, §4.16, §4.18, §4.19).
 *
 * An old-style tar file that only grows: a `BELENIOS` header {version, timestamp}, then data files
 * `<sha256 hex>.data.json` and events `<sha256 hex>.event.json` {parent, height, type, payload}, each
 * event naming its parent event's hash (a hash chain). The sequence is
 *   election, trustees, public_credentials, setup_data → Setup;
 *   ballot → Ballot (each); EndBallots;
 *   encrypted_tally, sized_encrypted_tally → EncryptedTally;
 *   partial_decryption, owned_partial_decryption → PartialDecryption (each);
 *   result → Result.
 * As in belenios-tool's own archives there is no end-of-archive block: appending is the format.
 *
 * The writer repackages what the election already holds (the published election bytes, the ballots
 * exactly as cast, the tally and decryptions); it recomputes nothing.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asInteger, asObject, asString, parseJson, sha256Hex } from './encoding.ts';
import type { Decimal } from './encoding.ts';
import type { BeleniosElection } from './election.ts';
import { BeleniosError } from './errors.ts';
import { encodeEncryptedTally } from './tally.ts';
import type { EncryptedTally, PartialDecryptionJson, ResultJson } from './tally.ts';
import type { TrusteesJson } from './trustees.ts';

export type BeleniosEventType =
  | 'Setup'
  | 'Ballot'
  | 'EndBallots'
  | 'EncryptedTally'
  | 'Shuffle'
  | 'EndShuffles'
  | 'PartialDecryption'
  | 'Result';

/** The tally phase: present once voting has ended. */
export interface BeleniosArchiveTally {
  readonly encryptedTally: EncryptedTally;
  /** Number of ballots in the tally (after last(B)) and their total weight (= count, weights of 1). */
  readonly numTallied: number;
  readonly totalWeight: number;
  /** owner = the trustee's 1-based position in the trustees structure. */
  readonly partialDecryptions: readonly {
    readonly owner: number;
    readonly partialDecryption: PartialDecryptionJson;
  }[];
  /** Absent while decryptions are still being collected. */
  readonly result?: ResultJson;
}

export interface BeleniosArchiveInput {
  readonly election: BeleniosElection;
  readonly trustees: TrusteesJson;
  /** §4.8: the public credentials g^s, in the order published. */
  readonly publicCredentials: readonly Decimal[];
  /** Every accepted ballot, exactly as cast (its bytes are hashed), in order. */
  readonly ballots: readonly string[];
  readonly tally?: BeleniosArchiveTally;
  /** Unix time of the start of the election (the header's timestamp). */
  readonly timestamp: number;
}

export interface ArchiveEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

const BLOCK = 512;
const utf8 = new TextEncoder();

function octal(n: number, digits: number): string {
  return n.toString(8).padStart(digits, '0') + '\0';
}

/** One old-style (v7) tar header: name, mode, uid, gid, size, mtime, checksum, type '0'. */
function tarHeader(name: string, size: number, mtime: number): Uint8Array {
  const h = new Uint8Array(BLOCK);
  const n = utf8.encode(name);
  if (n.length > 100) throw new BeleniosError('MALFORMED', `archive: name too long: ${name}`);
  h.set(n, 0);
  h.set(utf8.encode('0000644\0'), 100);
  h.set(utf8.encode('0000000\0'), 108);
  h.set(utf8.encode('0000000\0'), 116);
  h.set(utf8.encode(octal(size, 11)), 124);
  h.set(utf8.encode(octal(mtime, 11)), 136);
  h.set(utf8.encode('        '), 148);
  h[156] = 0x30;
  let sum = 0;
  for (const b of h) sum += b;
  h.set(utf8.encode(octal(sum, 6) + ' '), 148);
  return h;
}

export function writeTar(entries: readonly ArchiveEntry[], mtime: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const e of entries) {
    const padded = Math.ceil(e.data.length / BLOCK) * BLOCK;
    const body = new Uint8Array(padded);
    body.set(e.data);
    parts.push(tarHeader(e.name, e.data.length, mtime), body);
    total += BLOCK + padded;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Reads the entries of a tar file (old-style or ustar), stopping at its end or a zero block. */
export function readTar(bytes: Uint8Array): ArchiveEntry[] {
  const out: ArchiveEntry[] = [];
  const text = new TextDecoder();
  for (let o = 0; o + BLOCK <= bytes.length;) {
    const h = bytes.subarray(o, o + BLOCK);
    if (h.every((b) => b === 0)) break;
    const name = text.decode(h.subarray(0, 100)).replace(/\0.*$/s, '');
    const size = parseInt(text.decode(h.subarray(124, 136)).replace(/[\0 ]/g, ''), 8);
    if (!Number.isSafeInteger(size) || o + BLOCK + size > bytes.length) {
      throw new BeleniosError('MALFORMED', `archive: bad entry ${name}`);
    }
    out.push({ name, data: bytes.slice(o + BLOCK, o + BLOCK + size) });
    o += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return out;
}

/** Builds the archive entries: data files named by their hash, events chained by their parents. */
class EventLog {
  readonly entries: ArchiveEntry[] = [];
  #parent: string | undefined;
  #height = 0;

  constructor(timestamp: number) {
    this.#add('BELENIOS', JSON.stringify({ version: 1, timestamp: String(timestamp) }));
  }

  #add(name: string, text: string): void {
    this.entries.push({ name, data: utf8.encode(text) });
  }

  data(text: string): string {
    const hash = sha256Hex(text);
    this.#add(`${hash}.data.json`, text);
    return hash;
  }

  event(type: BeleniosEventType, payload?: string): void {
    const text = JSON.stringify({
      ...(this.#parent === undefined ? {} : { parent: this.#parent }),
      height: this.#height,
      type,
      ...(payload === undefined ? {} : { payload }),
    });
    const hash = sha256Hex(text);
    this.#add(`${hash}.event.json`, text);
    this.#parent = hash;
    this.#height++;
  }
}

/** §4.4: the archive of an election, as far as it has gone (voting, tally, result). */
export function buildBeleniosArchive(input: BeleniosArchiveInput): Uint8Array {
  const log = new EventLog(input.timestamp);
  const election = log.data(input.election.raw);
  const trustees = log.data(JSON.stringify(input.trustees));
  const credentials = log.data(JSON.stringify(input.publicCredentials));
  log.event('Setup', log.data(JSON.stringify({ election, trustees, credentials })));
  for (const b of input.ballots) log.event('Ballot', log.data(b));
  const t = input.tally;
  if (t !== undefined) {
    log.event('EndBallots');
    const tally = log.data(JSON.stringify(encodeEncryptedTally(t.encryptedTally)));
    log.event(
      'EncryptedTally',
      log.data(
        JSON.stringify({ num_tallied: t.numTallied, total_weight: t.totalWeight, encrypted_tally: tally }),
      ),
    );
    for (const pd of t.partialDecryptions) {
      const payload = log.data(JSON.stringify(pd.partialDecryption));
      log.event('PartialDecryption', log.data(JSON.stringify({ owner: pd.owner, payload })));
    }
    if (t.result !== undefined) log.event('Result', log.data(JSON.stringify(t.result)));
  }
  return writeTar(log.entries, input.timestamp);
}

/** Writes `<dir>/<uuid>.bel` (where `belenios-tool election verify --dir <dir>` looks) and returns its path. */
export async function writeBeleniosArchive(dir: string, input: BeleniosArchiveInput): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${input.election.uuid}.bel`);
  await writeFile(path, buildBeleniosArchive(input));
  return path;
}

export interface BeleniosArchiveEvent {
  readonly hash: string;
  readonly parent: string | undefined;
  readonly height: number;
  readonly type: BeleniosEventType;
  /** The payload's text, if the event has one. */
  readonly payload: string | undefined;
}

/**
 * Reads an archive back: checks that every entry is named by its hash and that events form one
 * chain, and returns the events in order with their payloads; `data` resolves nested payload hashes.
 */
export function readBeleniosArchive(bytes: Uint8Array): {
  header: { version: number; timestamp: string };
  events: BeleniosArchiveEvent[];
  data: (hash: string) => string;
} {
  const text = new TextDecoder('utf-8', { fatal: true });
  const [first, ...rest] = readTar(bytes);
  if (first?.name !== 'BELENIOS') throw new BeleniosError('MALFORMED', 'archive: no BELENIOS header');
  const h = asObject(parseJson(text.decode(first.data), 'header'), 'header');
  const header = {
    version: asInteger(h.version, 'header.version'),
    timestamp: asString(h.timestamp, 'header.timestamp'),
  };
  const files = new Map<string, string>();
  const events: BeleniosArchiveEvent[] = [];
  let parent: string | undefined;
  for (const e of rest) {
    const m = /^([0-9a-f]{64})\.(data|event)\.json$/.exec(e.name);
    const content = text.decode(e.data);
    if (m?.[1] !== sha256Hex(content))
      throw new BeleniosError('MALFORMED', `archive: ${e.name} is not named by its hash`);
    files.set(m[1], content);
    if (m[2] !== 'event') continue;
    const o = asObject(parseJson(content, e.name), e.name);
    const height = asInteger(o.height, `${e.name}.height`);
    const p = o.parent === undefined ? undefined : asString(o.parent, `${e.name}.parent`);
    if (p !== parent || height !== events.length)
      throw new BeleniosError('MALFORMED', `archive: ${e.name} breaks the chain`);
    const payloadHash = o.payload === undefined ? undefined : asString(o.payload, `${e.name}.payload`);
    const payload = payloadHash === undefined ? undefined : files.get(payloadHash);
    if (payloadHash !== undefined && payload === undefined) {
      throw new BeleniosError('MALFORMED', `archive: ${e.name} names a payload that precedes nothing`);
    }
    events.push({
      hash: m[1],
      parent: p,
      height,
      type: asString(o.type, `${e.name}.type`) as BeleniosEventType,
      payload,
    });
    parent = m[1];
  }
  const data = (hash: string): string => {
    const d = files.get(hash);
    if (d === undefined) throw new BeleniosError('MALFORMED', `archive: no data ${hash}`);
    return d;
  };
  return { header, events, data };
}
