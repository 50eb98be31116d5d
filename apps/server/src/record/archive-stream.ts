// The election record archive streamed from the ledger (issue 6): the same bytes as packages/election
// recordArchiveBytes(recordFromLedgerEntries(entries)), without ever holding the entries. A ustar
// header names its member's size before the data, so the archive takes passes over the ledger,
// each reading it in pages of CHUNK entries:
//   1. the plan: every entry decoded and checked as recordFromLedgerEntries checks it (same errors),
//      the small members kept (manifest, tallies, decryptions, results: a few per region), the
//      ballots and challenged votes only counted and measured (their canonical JSON lines' bytes);
//   2. ballots.jsonl streamed, a page at a time;
//   3. challenged.jsonl streamed the same way, when there is any.
// Memory is one page (~1.2 MB of 4.6 KB ballots) and the small members, whatever the number of
// ballots; the price is the CPU of decoding every entry twice (three times with challenges). The
// entries below a checkpoint never change, so the plan of a size is kept and every pass agrees with
// it; a pass that does not (a store that broke that rule) fails the stream rather than send a
// malformed archive.
import { canonicalJson } from '@opendeg/crypto';
import { ElectionError, RECORD_FILES } from '@opendeg/election';
import { decodeEntry, type Ledger } from '@opendeg/ledger';
import { USTAR_END, ustarHeader, ustarMemberLength, ustarPadding } from './ustar.ts';

/** What the record needs of the ledger: its checkpoint's size and its entries. */
export type RecordLedger = Pick<Ledger, 'readEntries' | 'checkpoint'>;

/** Entries read from the ledger at once: the streaming passes hold one page. */
export const CHUNK = 256;

/** The streamed members: the entry type and the member holding the value. */
const STREAMED = { ballot: 'ballot', challenged: 'vote' } as const;
/** The kept members: the entry type, the member holding the value, and its file. */
const KEPT = {
  tally: ['tally', 'tallies.json'],
  decryption: ['decryption', 'decryptions.json'],
  result: ['result', 'results.json'],
} as const;

type StreamedType = keyof typeof STREAMED;

/** The archive of a ledger size, before any of its bytes are written. */
export interface RecordPlan {
  /** The ledger size the plan covers. */
  readonly size: number;
  /** The small files' text, by name. */
  readonly files: ReadonlyMap<string, string>;
  /** Entries and bytes of ballots.jsonl and challenged.jsonl. */
  readonly streamed: Readonly<Record<StreamedType, { readonly count: number; readonly bytes: number }>>;
  /** The archive's length in bytes. */
  readonly length: number;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A record line: the canonical JSON of a value and a newline, as recordArchiveBytes writes it. */
const line = (value: unknown): string => canonicalJson(value) + '\n';

/** Every entry of [0, size), decoded (an undecodable one as null), a page at a time. */
async function* pages(
  ledger: RecordLedger,
  size: number,
): AsyncGenerator<{ start: number; entries: unknown[] }> {
  for (let start = 0; start < size; start += CHUNK) {
    const raw = await ledger.readEntries(start, Math.min(size, start + CHUNK));
    yield {
      start,
      entries: raw.map((bytes) => {
        const d = decodeEntry(bytes);
        return d.ok ? d.value : null;
      }),
    };
  }
}

/**
 * The plan of the record of the ledger's first `size` entries; undefined when no entry is a
 * manifest (the record is not available yet). Throws RECORD_INVALID as recordFromLedgerEntries
 * does, for the first entry it would refuse.
 */
export async function planRecord(ledger: RecordLedger, size: number): Promise<RecordPlan | undefined> {
  let manifest: unknown;
  let manifestAt = -1;
  let sawManifestType = false;
  let refusal: ElectionError | undefined;
  const kept: Record<keyof typeof KEPT, unknown[]> = { tally: [], decryption: [], result: [] };
  const streamed = { ballot: { count: 0, bytes: 0 }, challenged: { count: 0, bytes: 0 } };
  /** What recordFromLedgerEntries would refuse of entry `index`, or undefined. */
  const check = (e: unknown, index: number): string | undefined => {
    if (!isObject(e) || typeof e.type !== 'string') return `ledger entry ${index} is not a typed object`;
    if (e.type === 'manifest') {
      if (manifestAt >= 0)
        return `ledger entry ${index} is a second manifest (the first is entry ${manifestAt})`;
      if (!isObject(e.manifest)) return `ledger entry ${index}: a manifest entry without its manifest`;
      manifest = e.manifest;
      manifestAt = index;
      return undefined;
    }
    const type = e.type;
    const field = Object.hasOwn(STREAMED, type)
      ? STREAMED[type as StreamedType]
      : Object.hasOwn(KEPT, type)
        ? KEPT[type as keyof typeof KEPT][0]
        : undefined;
    if (field === undefined) return undefined;
    if (manifestAt < 0) return `ledger entry ${index}: a ${type} entry before the manifest`;
    if (!Object.hasOwn(e, field)) return `ledger entry ${index}: a ${type} entry without ${field}`;
    if (Object.hasOwn(STREAMED, type)) {
      const s = streamed[type as StreamedType];
      s.count++;
      s.bytes += Buffer.byteLength(line(e[field]), 'utf8');
    } else kept[type as keyof typeof KEPT].push(e[field]);
    return undefined;
  };
  for await (const page of pages(ledger, size)) {
    for (const [i, e] of page.entries.entries()) {
      if (isObject(e) && e.type === 'manifest') sawManifestType = true;
      // After a refusal only whether a manifest exists still matters (409 before 500).
      if (refusal !== undefined) continue;
      const message = check(e, page.start + i);
      if (message !== undefined) refusal = new ElectionError('RECORD_INVALID', message);
    }
  }
  if (!sawManifestType) return undefined;
  if (refusal !== undefined) throw refusal;
  if (manifestAt < 0) throw new ElectionError('RECORD_INVALID', 'the ledger has no manifest entry');
  const files = new Map<string, string>([['manifest.json', line(manifest)]]);
  for (const [type, [, file]] of Object.entries(KEPT)) files.set(file, line(kept[type as keyof typeof KEPT]));
  const sizes = RECORD_FILES.map((name) =>
    name === 'ballots.jsonl'
      ? streamed.ballot.bytes
      : name === 'challenged.jsonl'
        ? streamed.challenged.bytes
        : Buffer.byteLength(files.get(name) ?? '', 'utf8'),
  );
  const length = sizes.reduce((n, s) => n + ustarMemberLength(s), USTAR_END.length);
  return { size, files, streamed, length };
}

/** The lines of one streamed member, a page per chunk, checked against the plan. */
async function* streamMember(
  ledger: RecordLedger,
  plan: RecordPlan,
  type: StreamedType,
): AsyncGenerator<Uint8Array> {
  const expected = plan.streamed[type];
  let count = 0;
  let bytes = 0;
  if (expected.count > 0) {
    for await (const page of pages(ledger, plan.size)) {
      let text = '';
      for (const e of page.entries) {
        if (!isObject(e) || e.type !== type) continue;
        text += line(e[STREAMED[type]]);
        count++;
      }
      if (text === '') continue;
      const chunk = Buffer.from(text, 'utf8');
      bytes += chunk.length;
      if (bytes > expected.bytes) break;
      yield chunk;
    }
  }
  if (count !== expected.count || bytes !== expected.bytes)
    throw new Error(
      `record: the ledger's ${type} entries below ${String(plan.size)} changed while the archive was written`,
    );
}

/** The archive's bytes, in order, as recordArchiveBytes lays them out. */
export async function* recordArchiveChunks(
  ledger: RecordLedger,
  plan: RecordPlan,
): AsyncGenerator<Uint8Array> {
  for (const name of RECORD_FILES) {
    const member: StreamedType | undefined =
      name === 'ballots.jsonl' ? 'ballot' : name === 'challenged.jsonl' ? 'challenged' : undefined;
    if (member === undefined) {
      const data = Buffer.from(plan.files.get(name) ?? '', 'utf8');
      yield ustarHeader(name, data.length);
      yield data;
      yield ustarPadding(data.length);
    } else {
      const { bytes } = plan.streamed[member];
      yield ustarHeader(name, bytes);
      yield* streamMember(ledger, plan, member);
      yield ustarPadding(bytes);
    }
  }
  yield USTAR_END;
}
