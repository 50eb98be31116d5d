/**
 * The log follower: an observer node's replica of the ballot box's log (P-10.7, P-10.10), kept
 * through the C2SP tlog-tiles read API and checked at every step.
 *
 * Each `poll()`:
 *   1. fetches `checkpoint` and opens it with the log's key (C2SP signed-note); a bad signature or
 *      another origin is refused, nothing else happens;
 *   2. a checkpoint of the verified size must have the verified root (else: fork); a smaller one
 *      is a shrink (or a fork, if its root is not our tree's root at that size);
 *   3. a larger one: the new entry bundles are fetched, every entry rehashed (RFC 9162 §2.1.1) and
 *      appended to the node's own tile edge. Because the node extends only its own verified tree,
 *      the new root equals the signed root exactly when the new tree extends the verified one with
 *      the served entries; entries, then tiles, are written to the node's PostgreSQL, and only then
 *      is the checkpoint stored as verified (the ledger store's commit point);
 *   4. if the roots differ, the log's own tiles are fetched to say why: tiles that do not hash to
 *      the signed root; or the first leaf where the log's tree and the node's differ — before the
 *      verified size it is a fork, after it the log serves an entry other than the one it signed;
 *   5. a few bundles of the verified tree are fetched again (a sweep that covers the whole log in
 *      turn), so an entry edited or deleted after the node stored it is found;
 *   6. the entry checker (the election personality) sees every newly verified entry, in order.
 *
 * Every misbehaviour raises an alarm with evidence (`evidence.ts`) saved in the database and to a
 * file. Transient trouble (no connection, 502/503/504) is only reported; the next poll retries.
 */

import { equalBytes } from '@opendeg/crypto';
import {
  emptyRoot,
  formatTilePath,
  hashLeaf,
  HASH_SIZE,
  openCheckpoint,
  parseEntryBundle,
  parseVerifierKey,
  PostgresLedgerStore,
  proveConsistencyFromTiles,
  proveInclusionFromTiles,
  rootFromTiles,
  TILE_WIDTH,
  TileEdge,
  toBase64,
  edgeTilesOfTree,
  type Checkpoint,
  type NoteVerifier,
  type SequencerLease,
  type StoredCheckpoint,
  type TileFetcher,
  type TileKey,
} from '@opendeg/ledger';
import type pg from 'pg';

import { findDivergence, type TileReader } from './divergence.ts';
import { invariant, msg, ObserverError, type AlarmKind, type Message, type RefusalCode } from './errors.ts';
import {
  EVIDENCE_FORMAT,
  leafEvidence,
  saveEvidence,
  type Evidence,
  type EvidenceCheckpoint,
  type ServedBytes,
} from './evidence.ts';
import type { Fetched, LogSource } from './log-source.ts';
import { AlarmStore } from './store/alarm-store.ts';
import { writeReplicaStep } from './store/replica-writer.ts';
import { ensureObserverSchema } from './store/schema.ts';

/** A verified entry handed to the checker. */
export interface VerifiedEntry {
  readonly index: number;
  readonly bytes: Uint8Array;
}

/** A verified entry by its leaf hash (RFC 9162 §2.1.1), from the node's own level-0 tiles. */
export interface VerifiedLeaf {
  readonly index: number;
  readonly leaf: Uint8Array;
}

/** Reads verified entries `[from, to)` from the node's replica. */
export type EntryReader = (from: number, to: number) => Promise<Uint8Array[]>;

/** What the checker may do while it checks. */
export interface CheckContext {
  /** True while the node replays entries verified before a restart: state only, no new alarms. */
  readonly replaying: boolean;
  /** Raises an alarm about entries (`invalid-entry`, `record-invalid`). */
  raise(alarm: EntryAlarm): Promise<void>;
}

export interface EntryAlarm {
  readonly kind: 'invalid-entry' | 'record-invalid';
  readonly fingerprint: string;
  readonly message: Message;
  /** Leaf indices to include with their inclusion proofs and bytes, in this order. */
  readonly indices: readonly number[];
  /** How the indices are to be read (positions in `indices`). */
  readonly election: {
    readonly manifest?: number;
    readonly entry: number;
    readonly prior?: number;
    readonly published?: readonly number[];
    readonly failures: readonly { check: string; message: string; where?: string }[];
  };
}

/** The personality of the log: what its entries mean (the election checker). */
export interface EntryChecker {
  check(entries: readonly VerifiedEntry[], ctx: CheckContext): Promise<void>;
  /**
   * Used instead of `check` when present: the verified entries as their leaf hashes, with a reader
   * for the bytes the checker still needs. A checker that judged the bytes at `prefetch` knows them by
   * their hash, and the replica is not read back a second time for them.
   */
  checkLeaves?(leaves: readonly VerifiedLeaf[], ctx: CheckContext, read: EntryReader): Promise<void>;
  /** Resolves once what `check` started (its writes) is done; called at the end of every run of checks. */
  settle?(): Promise<void>;
  /**
   * Entries fetched but not verified yet (their tree's root is checked once the whole step is in):
   * the checker may start work that depends on the bytes alone, but must not count, store or raise
   * anything from them — `check` sees the verified entries later. Resolves when the checker is ready
   * for more (the follower waits, so fetching does not run far ahead of it).
   */
  prefetch?(entries: readonly VerifiedEntry[]): Promise<void>;
}

export type PollResult =
  | { readonly kind: 'unchanged'; readonly size: number }
  | { readonly kind: 'advanced'; readonly from: number; readonly to: number }
  | { readonly kind: 'alarm'; readonly alarm: AlarmKind; readonly message: Message }
  | { readonly kind: 'refused'; readonly code: RefusalCode; readonly message: string }
  | { readonly kind: 'unreachable'; readonly message: string };

export type FollowerEvent =
  | PollResult
  | { readonly kind: 'alarm-raised'; readonly alarm: AlarmKind; readonly id: number; readonly file: string };

export interface FollowerOptions {
  readonly source: LogSource;
  /** Checkpoint origin of the log. */
  readonly origin: string;
  /** The log's C2SP verifier key (`name+keyid+base64`). */
  readonly logKey: string;
  /** The node's own database (its replica and its alarms). */
  readonly pool: pg.Pool;
  /** The node's name, in evidence. */
  readonly name: string;
  /** Where evidence files go. */
  readonly evidenceDir: string;
  readonly clock?: () => number;
  readonly checker?: EntryChecker;
  /** Entry bundles fetched and stored per step of a catch-up (default 64: 16,384 entries). */
  readonly chunkBundles?: number;
  /** Bundles of the verified tree fetched again per poll (default 16). */
  readonly sweepBundles?: number;
  /** Parallel requests to the log (default 8). */
  readonly concurrency?: number;
  readonly onEvent?: (event: FollowerEvent) => void;
}

/** A log-signed checkpoint as the node received it. */
interface Seen {
  readonly note: string;
  readonly checkpoint: Checkpoint;
  readonly url: string;
  readonly at: number;
}

type Outcome = PollResult;

const iso = (ms: number): string => new Date(ms).toISOString();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export class Follower {
  private readonly clock: () => number;
  private readonly alarms: AlarmStore;
  private queue: Promise<unknown> = Promise.resolve();
  private sweepCursor = 0;
  private alarmCount = 0;
  private last: PollResult | undefined;

  private constructor(
    private readonly options: FollowerOptions,
    private readonly verifier: NoteVerifier,
    private readonly store: PostgresLedgerStore,
    private readonly lease: SequencerLease,
    private verified: StoredCheckpoint | null,
    private edge: TileEdge,
  ) {
    this.clock = options.clock ?? Date.now;
    this.alarms = new AlarmStore(options.pool, options.origin);
  }

  /**
   * Opens the node's replica of the log: creates the schema, takes the replica's writer lease (one
   * follower per log and database), re-checks the stored tree against the stored checkpoint and
   * replays the verified entries through the checker.
   */
  static async open(options: FollowerOptions): Promise<Follower> {
    const key = parseVerifierKey(options.logKey);
    if (!key.ok) throw new ObserverError('BAD_LOG_KEY', `log key: ${key.error.message}`);
    if (key.value.type !== 0x01) throw new ObserverError('BAD_LOG_KEY', 'log key: not an Ed25519 note key');
    await ensureObserverSchema(options.pool);
    const store = await PostgresLedgerStore.open(options.pool, options.origin);
    const lease = await store.acquireSequencer();
    if (lease === null) throw new ObserverError('REPLICA_BUSY', 'another follower keeps this replica');
    try {
      const verified = await store.loadCheckpoint();
      let edge = TileEdge.empty();
      if (verified !== null) {
        const opened = openCheckpoint(verified.note, [key.value.verifier]);
        const keys = edgeTilesOfTree(verified.size).map((t) => ({
          level: t.level as number,
          index: t.index,
        }));
        const tiles = await store.readTiles(keys);
        const byKey = new Map(keys.map((k, i) => [`${k.level}/${k.index}`, tiles[i]]));
        const rebuilt = TileEdge.fromTiles(verified.size, (l, i) => byKey.get(`${l}/${i}`));
        if (!opened.ok || !rebuilt.ok || !equalBytes(rebuilt.edge.root(), verified.root)) {
          throw new ObserverError('REPLICA_DAMAGED', 'the stored replica does not match its checkpoint');
        }
        edge = rebuilt.edge;
      }
      const f = new Follower(options, key.value.verifier, store, lease, verified, edge);
      f.alarmCount = await f.alarms.count();
      await f.replay();
      return f;
    } catch (e) {
      await lease.release();
      throw e;
    }
  }

  get origin(): string {
    return this.options.origin;
  }

  get logKey(): string {
    return this.options.logKey;
  }

  /** The latest checkpoint the node verified (the log-signed note), or null before the first. */
  checkpoint(): StoredCheckpoint | null {
    return this.verified;
  }

  get size(): number {
    return this.verified?.size ?? 0;
  }

  /** Alarms raised so far (this database, every run). */
  get alarmTotal(): number {
    return this.alarmCount;
  }

  get lastResult(): PollResult | undefined {
    return this.last;
  }

  listAlarms(): ReturnType<AlarmStore['list']> {
    return this.alarms.list();
  }

  alarmEvidence(id: number): Promise<Evidence | undefined> {
    return this.alarms.evidence(id);
  }

  /** The replica, for queries and for serving tiles to others. */
  get replica(): PostgresLedgerStore {
    return this.store;
  }

  /** Polls once (polls never overlap: a call waits for the one in progress). */
  poll(): Promise<PollResult> {
    const next = this.queue.then(() => this.pollOnce());
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Polls until the checkpoint no longer moves, an alarm, a refusal or an unreachable log. */
  async catchUp(): Promise<PollResult> {
    for (;;) {
      const r = await this.poll();
      if (r.kind !== 'advanced') return r;
    }
  }

  /** The root of the node's verified tree at `size` (≤ the verified size), for the witness. */
  async rootAt(size: number): Promise<Uint8Array | undefined> {
    const v = this.verified;
    if (v === null) return size === 0 ? emptyRoot() : undefined;
    if (size > v.size) return undefined;
    if (size === v.size) return v.root;
    const r = await rootFromTiles(size, this.ourTiles);
    return r.ok ? r.value : undefined;
  }

  /** Inclusion proof of leaf `index` in the verified tree. */
  async proveInclusion(index: number): Promise<Uint8Array[] | undefined> {
    const r = await proveInclusionFromTiles(index, this.size, this.ourTiles);
    return r.ok ? r.value : undefined;
  }

  /**
   * A log-signed checkpoint the node met outside its own follow: the one the server's public
   * figures carry, or one another observer holds. The log shows one tree to everyone or it has
   * forked, so the checkpoint is held against the verified tree: the same root at its size is
   * `consistent`; a size beyond the verified one is `ahead` (nothing to compare until the node
   * has verified that far); another root is a split view — the log showed someone a tree it does
   * not serve the node — raised as a fork whose evidence proves it from the log's signatures
   * alone: two signed roots of one size, or, below the verified size, the verified tree's own
   * RFC 9162 consistency proof that its first entries of that size have another root. A note the
   * log did not sign, or of another log, is refused. Runs between polls, never during one.
   */
  compareForeign(
    note: string,
    url: string,
    atMs: number = this.clock(),
  ): Promise<{ readonly kind: 'consistent' | 'ahead'; readonly size: number } | Outcome> {
    const next = this.queue.then(() => this.foreign(note, url, atMs));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async foreign(
    note: string,
    url: string,
    at: number,
  ): Promise<{ readonly kind: 'consistent' | 'ahead'; readonly size: number } | Outcome> {
    const opened = openCheckpoint(note, [this.verifier]);
    if (!opened.ok) {
      const code: RefusalCode = opened.error.code === 'MALFORMED' ? 'MALFORMED' : 'BAD_SIGNATURE';
      return { kind: 'refused', code, message: `${url}: ${opened.error.message}` };
    }
    const cp = opened.value.checkpoint;
    if (cp.origin !== this.options.origin) {
      return { kind: 'refused', code: 'WRONG_ORIGIN', message: `checkpoint of ${cp.origin}` };
    }
    const s = cp.size;
    const m = this.size;
    if (s > m) return { kind: 'ahead', size: s };
    const ours = await this.rootAt(s);
    invariant(ours !== undefined, 'verified tree has every smaller root');
    if (equalBytes(ours, cp.root)) return { kind: 'consistent', size: s };
    const seen: Seen = { note, checkpoint: cp, url, at };
    if (s === m) return this.sameSizeFork(seen);
    const proof = await proveConsistencyFromTiles(s, m, this.ourTiles);
    invariant(proof.ok, 'the verified tree proves its own prefixes');
    return this.raise('fork', `prefix:${s}:${hex(cp.root)}`, {
      message: msg(
        `журнал подписал дерево размера ${s}, которое не является началом проверенного узлом дерева размера ${m} (${url})`,
        `the log signed a tree of size ${s} that is not the start of the tree of size ${m} the node verified (${url})`,
      ),
      checkpoints: [seenEvidence(seen), this.verifiedEvidence()],
      leaves: [],
      consistency: { older: 0, newer: 1, olderRoot: toBase64(ours), proof: proof.value.map(toBase64) },
    });
  }

  /** Two log-signed trees of the verified size with different roots. */
  private sameSizeFork(seen: Seen): Promise<Outcome> {
    const m = this.size;
    return this.raise('fork', `same-size:${hex(seen.checkpoint.root)}`, {
      message: msg(
        `журнал подписал два разных дерева размера ${m}`,
        `the log signed two different trees of size ${m}`,
      ),
      checkpoints: [this.verifiedEvidence(), seenEvidence(seen)],
      leaves: [],
    });
  }

  /** Gives up the replica's writer lease. */
  async close(): Promise<void> {
    await this.queue;
    await this.lease.release();
  }

  private readonly ourTiles: TileFetcher = (keys) => this.store.readTiles(keys);

  private async pollOnce(): Promise<PollResult> {
    const r = await this.step();
    this.last = r;
    this.options.onEvent?.(r);
    return r;
  }

  private async step(): Promise<Outcome> {
    const got = await this.options.source.checkpoint();
    if (!got.ok) return { kind: 'unreachable', message: `${got.url}: ${got.error}` };
    const opened = openCheckpoint(got.body, [this.verifier]);
    if (!opened.ok) {
      const code: RefusalCode = opened.error.code === 'MALFORMED' ? 'MALFORMED' : 'BAD_SIGNATURE';
      return { kind: 'refused', code, message: `${got.url}: ${opened.error.message}` };
    }
    const cp = opened.value.checkpoint;
    if (cp.origin !== this.options.origin) {
      return { kind: 'refused', code: 'WRONG_ORIGIN', message: `checkpoint of ${cp.origin}` };
    }
    const seen: Seen = { note: new TextDecoder().decode(got.body), checkpoint: cp, url: got.url, at: got.at };
    const m = this.size;
    if (cp.size < m) return this.onSmaller(seen);
    if (cp.size === m) {
      const root = this.verified?.root ?? emptyRoot();
      if (!equalBytes(root, cp.root)) return this.sameSizeFork(seen);
      const swept = await this.sweep();
      return swept ?? { kind: 'unchanged', size: m };
    }
    const extended = await this.extend(seen);
    if (extended.kind !== 'advanced') return extended;
    const swept = await this.sweep();
    return swept ?? extended;
  }

  /** Step 3: fetch, rehash and store the new entries; commit only if the roots agree. */
  private async extend(seen: Seen): Promise<Outcome> {
    const n = seen.checkpoint.size;
    const m = this.size;
    const edge = this.edge.clone();
    const chunk = this.options.chunkBundles ?? 64;
    const first = Math.floor(m / TILE_WIDTH);
    const last = Math.ceil(n / TILE_WIDTH) - 1;
    const bundleUrls = new Map<number, { url: string; at: number }>();
    // The first step is short: the checker gets the first entries (the manifest, on a fresh node)
    // early and makes ready while the next steps are fetched.
    const steps: number[][] = [];
    for (let b0 = first; b0 <= last;) {
      const size = steps.length === 0 ? Math.min(chunk, 4) : chunk;
      steps.push(range(b0, Math.min(last, b0 + size - 1)));
      b0 += size;
    }
    const fetchStep = (indices: readonly number[]): Promise<Fetched[]> =>
      this.mapLimit(indices, (b) =>
        this.options.source.tile({
          level: 'entries',
          index: b,
          width: Math.min(TILE_WIDTH, n - b * TILE_WIDTH),
        }),
      );
    // The steps overlap: while one step's entries are rehashed and handed to the checker, the next
    // step's bundles are being fetched and the last step's rows written (one transaction a step).
    let ahead = steps[0] === undefined ? undefined : fetchStep(steps[0]);
    let writing: Promise<void> = Promise.resolve();
    try {
      for (const [i, indices] of steps.entries()) {
        const got = await (ahead ?? fetchStep(indices));
        const following = steps[i + 1];
        ahead = following === undefined ? undefined : fetchStep(following);
        const fresh: Uint8Array[] = [];
        for (const [j, b] of indices.entries()) {
          const start = b * TILE_WIDTH;
          const width = Math.min(TILE_WIDTH, n - start);
          const res = got[j] as Fetched;
          const entries = await this.bundleEntries(res, start, width, seen);
          if (!Array.isArray(entries)) return entries;
          if (res.ok) bundleUrls.set(b, { url: res.url, at: res.at });
          // Entries the node already holds come again with the partial bundle: they must not change.
          const held = start < m ? await this.store.readEntries(start, m) : [];
          for (const [k, e] of entries.entries()) {
            const mine = held[k];
            if (mine === undefined) fresh.push(e);
            else if (!equalBytes(mine, e)) return await this.heldDiffers(start + k, mine, e, res, seen);
          }
        }
        const start = edge.size;
        const tiles = edge.append(fresh.map(hashLeaf));
        await this.options.checker?.prefetch?.(fresh.map((bytes, k) => ({ index: start + k, bytes })));
        await writing;
        writing = writeReplicaStep(this.options.pool, this.store.logId, this.lease, start, fresh, tiles);
      }
      await writing;
    } finally {
      // An alarm or a failure ends the step early: no write is left running behind it.
      await writing.catch(() => undefined);
    }
    if (!equalBytes(edge.root(), seen.checkpoint.root)) return this.diagnose(seen, bundleUrls);
    const next: StoredCheckpoint = {
      size: n,
      root: seen.checkpoint.root,
      timeMs: this.clock(),
      note: seen.note,
    };
    const swapped = await this.store.setCheckpoint(this.lease, this.verified === null ? null : m, next);
    invariant(swapped, 'the replica is written by this follower only');
    this.verified = next;
    this.edge = edge;
    const raised = await this.runChecker(m, n, false);
    return raised ?? { kind: 'advanced', from: m, to: n };
  }

  /** Entries of one served bundle, or the alarm / transient outcome it amounts to. */
  private async bundleEntries(
    res: Fetched,
    start: number,
    width: number,
    seen: Seen | null,
  ): Promise<Uint8Array[] | Outcome> {
    const checkpoints = [seen === null ? this.verifiedEvidence() : seenEvidence(seen)];
    const size = seen === null ? this.size : seen.checkpoint.size;
    if (!res.ok) {
      if (res.transient) return { kind: 'unreachable', message: `${res.url}: ${res.error}` };
      return this.raise('missing-entry', `bundle:${start}:${size}:${String(res.status)}`, {
        message: msg(
          `журнал подписал дерево размера ${size}, но не отдаёт записи с ${start}: ${res.url} — ${res.error}`,
          `the log signed a tree of size ${size} but does not serve the entries from ${start}: ${res.url} — ${res.error}`,
        ),
        checkpoints,
        leaves: [],
        served: [
          {
            url: res.url,
            fetchedAt: iso(res.at),
            ...(res.status === undefined ? {} : { status: res.status }),
            body: toBase64(res.body ?? new Uint8Array(0)),
            index: start,
          },
        ],
      });
    }
    const parsed = parseEntryBundle(res.body);
    const got = parsed.ok ? parsed.value.length : 0;
    if (!parsed.ok || got !== width) {
      const missing = start + (parsed.ok ? Math.min(got, width) : 0);
      return this.raise('missing-entry', `bundle:${start}:${size}:count:${got}`, {
        message: msg(
          `журнал подписал дерево размера ${size}, но отдал ${got} записей из ${width} с ${start}`,
          `the log signed a tree of size ${size} but served ${got} of ${width} entries from ${start}`,
        ),
        checkpoints,
        leaves: [],
        served: [{ url: res.url, fetchedAt: iso(res.at), body: toBase64(res.body), index: missing }],
      });
    }
    return parsed.value;
  }

  /** Step 4: the new tree's root is not the signed one; find out why, with evidence. */
  private async diagnose(
    seen: Seen,
    bundleUrls: ReadonlyMap<number, { url: string; at: number }>,
  ): Promise<Outcome> {
    const n = seen.checkpoint.size;
    const m = this.size;
    const served = this.servedTiles();
    const theirs = await rootFromTiles(n, served.fetch);
    if (served.transient() !== undefined) return { kind: 'unreachable', message: served.transient() ?? '' };
    if (!theirs.ok || !equalBytes(theirs.value, seen.checkpoint.root)) {
      return this.raise('tiles-invalid', `tiles:${n}:${hex(seen.checkpoint.root)}`, {
        message: msg(
          `плитки журнала не дают подписанный корень дерева размера ${n}`,
          `the log's tiles do not hash to its signed root of the tree of size ${n}`,
        ),
        checkpoints: [seenEvidence(seen)],
        leaves: [],
        tiles: served.evidenceTiles(),
        ...(served.failures.length > 0 ? { served: served.failures } : {}),
      });
    }
    const d = await findDivergence(n, tileReader(this.ourTiles), tileReader(served.fetch));
    if (served.transient() !== undefined) return { kind: 'unreachable', message: served.transient() ?? '' };
    switch (d.kind) {
      case 'leaf': {
        const i = d.index;
        const theirProof = await proveInclusionFromTiles(i, n, served.fetch);
        const theirLeaf = await leafHashAt(served.fetch, i, n);
        invariant(theirProof.ok && theirLeaf !== undefined, 'tiles that hash to the root prove inclusion');
        if (i < m) return this.forkAt(i, seen, theirLeaf, theirProof.value);
        // The log committed leaf i but serves other bytes for it.
        const [bytes] = await this.store.readEntries(i, i + 1);
        invariant(bytes !== undefined, 'served entries were stored');
        const from = bundleUrls.get(Math.floor(i / TILE_WIDTH));
        return this.raise('rewritten-entry', `new:${i}:${hex(theirLeaf)}:${hex(hashLeaf(bytes))}`, {
          message: msg(
            `журнал подписал запись ${i}, а отдаёт другие байты`,
            `the log signed entry ${i} but serves other bytes for it`,
          ),
          checkpoints: [seenEvidence(seen)],
          leaves: [leafEvidence(0, i, theirLeaf, theirProof.value)],
          served: [
            { url: from?.url ?? '', fetchedAt: iso(from?.at ?? seen.at), body: toBase64(bytes), index: i },
          ],
        });
      }
      case 'inconsistent':
      case 'unavailable':
        return this.raise('tiles-invalid', `tiles:${d.kind}:${n}:${hex(seen.checkpoint.root)}`, {
          message: msg(
            `плитки журнала для дерева размера ${n} противоречивы или недоступны`,
            `the log's tiles of the tree of size ${n} are inconsistent or not served`,
          ),
          checkpoints: [seenEvidence(seen)],
          leaves: [],
          tiles: served.evidenceTiles(),
          ...(served.failures.length > 0 ? { served: served.failures } : {}),
        });
      case 'none':
        throw new Error('observer: recomputed root differs although every leaf agrees');
    }
  }

  /**
   * An entry the node holds comes back different with the next tree: either the log serves other
   * bytes than it signed (its tiles still commit to the node's leaf) or the new tree is a fork.
   */
  private async heldDiffers(
    index: number,
    mine: Uint8Array,
    e: Uint8Array,
    res: Fetched,
    seen: Seen,
  ): Promise<Outcome> {
    const n = seen.checkpoint.size;
    const served = this.servedTiles();
    const theirs = await rootFromTiles(n, served.fetch);
    if (served.transient() !== undefined) return { kind: 'unreachable', message: served.transient() ?? '' };
    if (theirs.ok && equalBytes(theirs.value, seen.checkpoint.root)) {
      const theirLeaf = await leafHashAt(served.fetch, index, n);
      const theirProof = await proveInclusionFromTiles(index, n, served.fetch);
      if (theirLeaf !== undefined && theirProof.ok && !equalBytes(theirLeaf, hashLeaf(mine))) {
        return this.forkAt(index, seen, theirLeaf, theirProof.value);
      }
    }
    return this.rewrittenOld(index, mine, e, res);
  }

  /** A signed tree smaller than the verified one: a shrink, or a fork if its root is not ours. */
  private async onSmaller(seen: Seen): Promise<Outcome> {
    const s = seen.checkpoint.size;
    const ours = await this.rootAt(s);
    invariant(ours !== undefined, 'verified tree has every smaller root');
    const base = {
      checkpoints: [this.verifiedEvidence(), seenEvidence(seen)],
      leaves: [],
    };
    if (!equalBytes(ours, seen.checkpoint.root) && s > 0) {
      const served = this.servedTiles();
      const d = await findDivergence(s, tileReader(this.ourTiles), tileReader(served.fetch));
      if (d.kind === 'leaf') {
        const theirProof = await proveInclusionFromTiles(d.index, s, served.fetch);
        const theirLeaf = await leafHashAt(served.fetch, d.index, s);
        if (theirProof.ok && theirLeaf !== undefined) {
          return this.forkAt(d.index, seen, theirLeaf, theirProof.value);
        }
      }
    }
    return this.raise('shrink', `shrink:${s}:${hex(seen.checkpoint.root)}`, {
      ...base,
      message: msg(
        `журнал подал подписанное дерево размера ${s} после проверенного дерева размера ${this.size}`,
        `the log served a signed tree of size ${s} after the verified tree of size ${this.size}`,
      ),
    });
  }

  /** Leaf `i` differs between the verified tree and the log's signed tree `seen`: a fork. */
  private async forkAt(
    i: number,
    seen: Seen,
    theirLeaf: Uint8Array,
    theirProof: Uint8Array[],
  ): Promise<Outcome> {
    const ourProof = await this.proveInclusion(i);
    const [ourBytes] = await this.store.readEntries(i, i + 1);
    invariant(ourProof !== undefined && ourBytes !== undefined, 'verified leaf provable');
    return this.raise('fork', `fork:${i}:${hex(seen.checkpoint.root)}`, {
      message: msg(
        `развилка: запись ${i} в подписанном дереве размера ${seen.checkpoint.size} не та, что в проверенном дереве размера ${this.size}`,
        `fork: entry ${i} of the signed tree of size ${seen.checkpoint.size} is not the one in the verified tree of size ${this.size}`,
      ),
      checkpoints: [this.verifiedEvidence(), seenEvidence(seen)],
      leaves: [
        leafEvidence(0, i, hashLeaf(ourBytes), ourProof, ourBytes),
        leafEvidence(1, i, theirLeaf, theirProof),
      ],
    });
  }

  /** An entry of the verified tree served with other bytes than the node stored. */
  private async rewrittenOld(
    index: number,
    mine: Uint8Array,
    served: Uint8Array,
    res: Fetched,
  ): Promise<Outcome> {
    const proof = await this.proveInclusion(index);
    invariant(proof !== undefined, 'verified leaf provable');
    return this.raise('rewritten-entry', `old:${index}:${hex(hashLeaf(served))}`, {
      message: msg(
        `запись ${index}, уже проверенная узлом, отдаётся журналом изменённой`,
        `entry ${index}, already verified by the node, is served altered by the log`,
      ),
      checkpoints: [this.verifiedEvidence()],
      leaves: [leafEvidence(0, index, hashLeaf(mine), proof, mine)],
      served: [{ url: res.url, fetchedAt: iso(res.at), body: toBase64(served), index }],
    });
  }

  /** Step 5: fetch a few bundles of the verified tree again and compare them with the replica. */
  private async sweep(): Promise<Outcome | undefined> {
    const m = this.size;
    const bundles = Math.ceil(m / TILE_WIDTH);
    const count = Math.min(bundles, this.options.sweepBundles ?? 16);
    if (count === 0) return undefined;
    const indices = range(0, count - 1).map((k) => (this.sweepCursor + k) % bundles);
    this.sweepCursor = (this.sweepCursor + count) % bundles;
    const got = await this.mapLimit(indices, (b) =>
      this.options.source.tile({
        level: 'entries',
        index: b,
        width: Math.min(TILE_WIDTH, m - b * TILE_WIDTH),
      }),
    );
    for (const [j, b] of indices.entries()) {
      const start = b * TILE_WIDTH;
      const width = Math.min(TILE_WIDTH, m - start);
      const res = got[j] as Fetched;
      const entries = await this.bundleEntries(res, start, width, null);
      if (!Array.isArray(entries)) return entries.kind === 'unreachable' ? undefined : entries;
      const mine = await this.store.readEntries(start, start + width);
      for (const [k, e] of entries.entries()) {
        const stored = mine[k];
        invariant(stored !== undefined, 'verified entry stored');
        if (!equalBytes(stored, e)) return this.rewrittenOld(start + k, stored, e, res);
      }
    }
    return undefined;
  }

  /** Step 6; resolves with the first alarm the checker raised, if any. */
  private async runChecker(from: number, to: number, replaying: boolean): Promise<Outcome | undefined> {
    const checker = this.options.checker;
    if (checker === undefined) return undefined;
    let first: Outcome | undefined;
    const ctx: CheckContext = {
      replaying,
      raise: async (a) => {
        const o = await this.raiseEntryAlarm(a, replaying);
        first ??= o;
      },
    };
    // Steps on multiples of `step`, the checker's jobs (one bundle each) whole within a step.
    const step = 4 * TILE_WIDTH;
    const read: EntryReader = (s, e) => this.store.readEntries(s, e);
    try {
      for (let s = from, e = 0; s < to; s = e) {
        e = Math.min(to, (Math.floor(s / step) + 1) * step);
        if (checker.checkLeaves !== undefined) {
          await checker.checkLeaves(await this.leafHashes(s, e), ctx, read);
        } else {
          const bytes = await read(s, e);
          await checker.check(
            bytes.map((b, k) => ({ index: s + k, bytes: b })),
            ctx,
          );
        }
      }
    } finally {
      await checker.settle?.();
    }
    return first;
  }

  /**
   * The leaf hashes of verified entries `[from, to)` from the level-0 tiles the node computed from
   * those entries and stored with them (tiles may be wider than the tree: their prefix is used).
   */
  private async leafHashes(from: number, to: number): Promise<VerifiedLeaf[]> {
    invariant(to <= this.size, 'leaf hashes of verified entries only');
    const first = Math.floor(from / TILE_WIDTH);
    const last = Math.floor((to - 1) / TILE_WIDTH);
    const keys: TileKey[] = [];
    for (let t = first; t <= last; t++) keys.push({ level: 0, index: t });
    const tiles = await this.store.readTiles(keys);
    const out: VerifiedLeaf[] = [];
    for (let i = from; i < to; i++) {
      const tile = tiles[Math.floor(i / TILE_WIDTH) - first];
      const at = (i % TILE_WIDTH) * HASH_SIZE;
      invariant(
        tile !== undefined && tile.length >= at + HASH_SIZE,
        `tile 0/${Math.floor(i / TILE_WIDTH)} stored`,
      );
      out.push({ index: i, leaf: tile.subarray(at, at + HASH_SIZE) });
    }
    return out;
  }

  private async replay(): Promise<void> {
    await this.runChecker(0, this.size, true);
  }

  private async raiseEntryAlarm(a: EntryAlarm, replaying: boolean): Promise<Outcome | undefined> {
    if (replaying) return undefined;
    const leaves = [];
    for (const index of a.indices) {
      const proof = await this.proveInclusion(index);
      const [bytes] = await this.store.readEntries(index, index + 1);
      invariant(proof !== undefined && bytes !== undefined, 'checked entries are verified');
      leaves.push(leafEvidence(0, index, hashLeaf(bytes), proof, bytes));
    }
    return this.raise(a.kind, a.fingerprint, {
      message: a.message,
      checkpoints: [this.verifiedEvidence()],
      leaves,
      election: a.election,
    });
  }

  /** Records an alarm (once per fingerprint) and saves its evidence file. */
  private async raise(
    kind: AlarmKind,
    fingerprint: string,
    body: Omit<Evidence, 'format' | 'kind' | 'origin' | 'logKey' | 'observer' | 'detectedAt'>,
  ): Promise<Outcome> {
    const now = this.clock();
    const evidence: Evidence = {
      format: EVIDENCE_FORMAT,
      kind,
      origin: this.options.origin,
      logKey: this.options.logKey,
      observer: this.options.name,
      detectedAt: iso(now),
      ...body,
    };
    const id = await this.alarms.add(fingerprint, now, evidence);
    if (id !== null) {
      this.alarmCount++;
      const file = await saveEvidence(this.options.evidenceDir, evidence, id);
      await this.alarms.setEvidenceFile(id, file);
      this.options.onEvent?.({ kind: 'alarm-raised', alarm: kind, id, file });
    }
    return { kind: 'alarm', alarm: kind, message: body.message };
  }

  private verifiedEvidence(): EvidenceCheckpoint {
    const v = this.verified;
    invariant(v !== null, 'a verified checkpoint exists');
    return { note: v.note, fetchedAt: iso(v.timeMs) };
  }

  /** A fetcher of the log's hash tiles that remembers what it got, for evidence. */
  private servedTiles(): {
    fetch: TileFetcher;
    /** The first transient failure met, if any. */
    transient: () => string | undefined;
    failures: ServedBytes[];
    evidenceTiles: () => { path: string; hashes: string }[];
  } {
    const got = new Map<string, Uint8Array>();
    let transient: string | undefined;
    const out = {
      transient: () => transient,
      failures: [] as ServedBytes[],
      fetch: async (keys: readonly TileKey[]): Promise<(Uint8Array | undefined)[]> => {
        const res = await this.mapLimit([...keys], (k) =>
          this.options.source.tile({ level: k.level, index: k.index, width: k.width ?? TILE_WIDTH }),
        );
        return res.map((r, i) => {
          const k = keys[i] as TileKey;
          const path = formatTilePath({ level: k.level, index: k.index, width: k.width ?? TILE_WIDTH });
          if (r.ok) {
            got.set(path, r.body);
            return r.body;
          }
          if (r.transient) transient ??= `${r.url}: ${r.error}`;
          else {
            out.failures.push({
              url: r.url,
              fetchedAt: iso(r.at),
              ...(r.status === undefined ? {} : { status: r.status }),
              body: toBase64(r.body ?? new Uint8Array(0)),
            });
          }
          return undefined;
        });
      },
      evidenceTiles: () => [...got].map(([path, bytes]) => ({ path, hashes: toBase64(bytes) })),
    };
    return out;
  }

  private async mapLimit<T, R>(items: readonly T[], f: (x: T) => Promise<R>): Promise<R[]> {
    const out: R[] = new Array<R>(items.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < items.length) {
        const i = next++;
        out[i] = await f(items[i] as T);
      }
    };
    await Promise.all(Array.from({ length: Math.min(items.length, this.options.concurrency ?? 8) }, worker));
    return out;
  }
}

function seenEvidence(s: Seen): EvidenceCheckpoint {
  return { note: s.note, url: s.url, fetchedAt: iso(s.at) };
}

function range(a: number, b: number): number[] {
  return b < a ? [] : Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

function tileReader(fetch: TileFetcher): TileReader {
  return async (level, index, width) => (await fetch([{ level, index, width }]))[0];
}

/** Leaf hash `i` of the tree of `size` leaves from its level-0 tile. */
async function leafHashAt(fetch: TileFetcher, i: number, size: number): Promise<Uint8Array | undefined> {
  const index = Math.floor(i / TILE_WIDTH);
  const width = Math.min(TILE_WIDTH, size - index * TILE_WIDTH);
  const [tile] = await fetch([{ level: 0, index, width }]);
  const at = (i % TILE_WIDTH) * HASH_SIZE;
  return tile === undefined || tile.length < at + HASH_SIZE ? undefined : tile.slice(at, at + HASH_SIZE);
}
