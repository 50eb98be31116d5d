/**
 * The ledger: an RFC 9162 transparency log that publishes C2SP tlog-checkpoint notes and
 * tlog-tiles, is cosigned by observer nodes over C2SP tlog-witness, and keeps typed RFC 8785
 * entries in a `LedgerStore`.
 *
 * One process sequences (it holds the store's sequencer lease). Appends queue up and are
 * integrated in batches:
 *
 *   1. leaf hashes are appended to the in-memory tile edge, giving the changed tiles and the root;
 *   2. the new tree is checked to extend the last checkpoint (consistency proof, verified);
 *   3. entries, then tiles, are written (durable; nothing is acknowledged yet);
 *   4. the checkpoint is signed and stored by compare-and-swap — the commit point;
 *   5. witnesses are asked to cosign; their cosignatures are stored with the checkpoint;
 *   6. every append of the batch resolves with its receipt (index, leaf hash, inclusion proof,
 *      checkpoint).
 *
 * A failure in step 3 fails the batch and leaves the log as it was. Anything that breaks an
 * invariant (a tree that does not extend the last checkpoint, time going backwards, a lost lease)
 * or leaves the commit point in doubt (step 4 errors) stops the log: every later call fails with
 * LOG_STOPPED until it is reopened from the store, which re-verifies the stored tree.
 */

import { equalBytes } from './bytes.ts';
import { formatCheckpoint, openCheckpoint } from './checkpoint.ts';
import { encodeEntry, type LedgerEntry } from './entry.ts';
import { fail, LedgerError, ok, type LedgerErrorCode, type Result } from './errors.ts';
import { hashLeaf, verifyConsistency } from './merkle.ts';
import type { Receipt } from './receipt.ts';
import { addSignatureLines, ed25519NoteVerifier, signNote, type NoteSigner } from './signed-note.ts';
import {
  tileKeyString,
  type LedgerReadStore,
  type LedgerStore,
  type SequencerLease,
  type StoredCheckpoint,
  type StoredTile,
  type TileKey,
} from './store.ts';
import { TileCache } from './tile-cache.ts';
import { TileEdge } from './tile-edge.ts';
import {
  proveConsistencyFromTiles,
  proveInclusionBatch,
  proveInclusionFromTiles,
  type TileFetcher,
} from './tile-prover.ts';
import { edgeTilesOfTree, MAX_ENTRY_SIZE } from './tiles.ts';
import { requestCosignature, type WitnessClient } from './witness-client.ts';

/** The log's own key: an Ed25519 note signer (type 0x01) with its public key. */
export type LogSigner = NoteSigner & { readonly publicKey: Uint8Array };

export type LedgerEvent =
  | { readonly kind: 'checkpoint'; readonly size: number; readonly batch: number; readonly cosigners: number }
  | { readonly kind: 'batch-failed'; readonly error: LedgerError }
  | { readonly kind: 'witness-failed'; readonly witness: string; readonly error: LedgerError }
  | { readonly kind: 'stopped'; readonly error: LedgerError };

export interface LedgerOptions {
  /** Checkpoint origin line, e.g. `opendeg.example/election-2026/ledger`. */
  readonly origin: string;
  readonly signer: LogSigner;
  readonly store: LedgerStore;
  /** Milliseconds since the epoch; injected so tests and training runs move time. */
  readonly clock?: () => number;
  /** Most entries per batch (default 4096). */
  readonly maxBatchSize?: number;
  /** How long the first append of a batch waits for company, in ms (default 0). */
  readonly batchDelayMs?: number;
  /** Observer nodes asked to cosign every checkpoint. */
  readonly witnesses?: readonly WitnessClient[];
  /** Per-witness time limit in ms (default 5000). */
  readonly witnessTimeoutMs?: number;
  /** Full tiles kept in memory for proofs (default 4096 ≈ 32 MiB). */
  readonly tileCacheSize?: number;
  readonly onEvent?: (event: LedgerEvent) => void;
}

interface Pending {
  readonly bytes: Uint8Array;
  readonly leafHash: Uint8Array;
  readonly resolve: (r: Result<Receipt>) => void;
}

interface Committed {
  readonly edge: TileEdge;
  readonly checkpoint: StoredCheckpoint;
}

export class Ledger implements LedgerReadStore {
  private readonly pending: Pending[] = [];
  private readonly cache: TileCache;
  private readonly witnessSizes = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private loop: Promise<void> | undefined;
  private stoppedBy: LedgerError | undefined;
  private closed = false;

  private constructor(
    private readonly options: LedgerOptions,
    private readonly lease: SequencerLease,
    private committed: Committed,
  ) {
    this.cache = new TileCache(options.tileCacheSize ?? 4096);
  }

  /**
   * Opens the log for sequencing: takes the sequencer lease, loads the checkpoint, verifies its
   * signature and that the stored edge tiles hash to its root, or starts an empty log.
   */
  static async open(options: LedgerOptions): Promise<Result<Ledger>> {
    const { store } = options;
    const clock = options.clock ?? Date.now;
    const lease = await store.acquireSequencer();
    if (lease === null) return fail('LOCK_HELD', 'ledger: another process is sequencing this log');
    const opened = await Ledger.load(options, lease, clock());
    if (!opened.ok) {
      await lease.release();
      return opened;
    }
    return ok(new Ledger(options, lease, opened.value));
  }

  private static async load(
    options: LedgerOptions,
    lease: SequencerLease,
    now: number,
  ): Promise<Result<Committed>> {
    const { store, signer, origin } = options;
    const stored = await store.loadCheckpoint();
    if (stored === null) {
      const edge = TileEdge.empty();
      const checkpoint: StoredCheckpoint = {
        size: 0,
        root: edge.root(),
        timeMs: now,
        note: signNote(formatCheckpoint({ origin, size: 0, root: edge.root(), extensions: [] }), [signer]),
      };
      if (!(await store.setCheckpoint(lease, null, checkpoint))) {
        return fail('LOCK_LOST', 'ledger: a checkpoint appeared while starting the log');
      }
      return ok({ edge, checkpoint });
    }
    const verifier = ed25519NoteVerifier(signer.name, signer.publicKey);
    if (verifier === undefined) throw new RangeError('ledger: signer public key is not valid');
    const cp = openCheckpoint(stored.note, [verifier]);
    if (!cp.ok) return fail('TREE_MISMATCH', `ledger: stored checkpoint does not open: ${cp.error.message}`);
    const { checkpoint } = cp.value;
    if (
      checkpoint.origin !== origin ||
      checkpoint.size !== stored.size ||
      !equalBytes(checkpoint.root, stored.root)
    ) {
      return fail('TREE_MISMATCH', 'ledger: stored checkpoint record and note disagree');
    }
    const keys = edgeTilesOfTree(stored.size).map((t) => ({ level: t.level as number, index: t.index }));
    const tiles = await store.readTiles(keys);
    const byKey = new Map(keys.map((k, i) => [tileKeyString(k), tiles[i]]));
    const rebuilt = TileEdge.fromTiles(stored.size, (level, index) =>
      byKey.get(tileKeyString({ level, index })),
    );
    if (!rebuilt.ok) return fail('TREE_MISMATCH', `ledger: stored tree lacks ${rebuilt.missing}`);
    if (!equalBytes(rebuilt.edge.root(), stored.root)) {
      return fail('TREE_MISMATCH', 'ledger: stored tiles do not hash to the checkpoint root');
    }
    return ok({ edge: rebuilt.edge, checkpoint: stored });
  }

  get origin(): string {
    return this.options.origin;
  }

  /** Size of the latest committed checkpoint. */
  get size(): number {
    return this.committed.checkpoint.size;
  }

  /** Why the log stopped, if it did. */
  get stopped(): LedgerError | undefined {
    return this.stoppedBy;
  }

  /** The latest committed checkpoint (with the cosignatures obtained so far). */
  checkpoint(): StoredCheckpoint {
    return this.committed.checkpoint;
  }

  /** Appends a typed entry (RFC 8785 canonical JSON); resolves once durable and checkpointed. */
  append(entry: LedgerEntry): Promise<Result<Receipt>> {
    const bytes = encodeEntry(entry);
    if (!bytes.ok) return Promise.resolve(bytes);
    return this.appendBytes(bytes.value);
  }

  /** Appends already-encoded entry bytes (≤ 65,535). Most callers want `append`. */
  appendBytes(bytes: Uint8Array): Promise<Result<Receipt>> {
    if (this.closed) return Promise.resolve(fail('LOG_CLOSED', 'ledger: closed'));
    if (this.stoppedBy !== undefined) return Promise.resolve(this.stoppedFailure());
    if (bytes.length > MAX_ENTRY_SIZE) {
      return Promise.resolve(
        fail('ENTRY_TOO_LARGE', `entry: ${bytes.length} bytes, limit ${MAX_ENTRY_SIZE}`),
      );
    }
    const copy = bytes.slice();
    return new Promise((resolve) => {
      this.pending.push({ bytes: copy, leafHash: hashLeaf(copy), resolve });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.loop !== undefined || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.loop = this.run().finally(() => {
        this.loop = undefined;
        if (this.pending.length > 0 && this.stoppedBy === undefined) this.schedule();
      });
    }, this.options.batchDelayMs ?? 0);
  }

  private async run(): Promise<void> {
    const max = this.options.maxBatchSize ?? 4096;
    while (this.pending.length > 0 && this.stoppedBy === undefined) {
      await this.integrate(this.pending.splice(0, max));
    }
  }

  private stoppedFailure(): Result<never> {
    return fail('LOG_STOPPED', `ledger stopped: ${this.stoppedBy?.message ?? ''}`, this.stoppedBy);
  }

  private stop(code: LedgerErrorCode, message: string, cause?: unknown): void {
    if (this.stoppedBy !== undefined) return;
    const error = new LedgerError(code, message, cause === undefined ? undefined : { cause });
    this.stoppedBy = error;
    for (const p of this.pending.splice(0)) p.resolve(this.stoppedFailure());
    this.options.onEvent?.({ kind: 'stopped', error });
    // The lease is given up so that a restart (here or elsewhere) can reload from the store.
    this.lease.release().catch(() => undefined);
  }

  private async integrate(batch: Pending[]): Promise<void> {
    const { store, signer, origin } = this.options;
    const failAll = (r: Result<never>): void => {
      for (const p of batch) p.resolve(r);
    };
    const now = (this.options.clock ?? Date.now)();
    const prev = this.committed;
    if (now < prev.checkpoint.timeMs) {
      this.stop('TIME_WENT_BACKWARDS', `ledger: clock went from ${prev.checkpoint.timeMs} to ${now}`);
      failAll(this.stoppedFailure());
      return;
    }

    // 1. Extend the tile edge.
    const oldSize = prev.checkpoint.size;
    const edge = prev.edge.clone();
    const tiles = edge.append(batch.map((p) => p.leafHash));
    const root = edge.root();
    const newSize = edge.size;

    // 2. The new tree must extend the last checkpoint.
    const overlay = new Map(tiles.map((t) => [tileKeyString(t), t.hashes]));
    const fetchNew: TileFetcher = (keys) => this.fetchTiles(keys, overlay);
    if (oldSize > 0) {
      const proof = await proveConsistencyFromTiles(oldSize, newSize, fetchNew);
      const verified = proof.ok
        ? verifyConsistency(oldSize, newSize, proof.value, prev.checkpoint.root, root)
        : proof;
      if (!verified.ok) {
        this.stop(
          'TREE_MISMATCH',
          `ledger: new tree does not extend checkpoint ${oldSize}: ${verified.error.message}`,
        );
        failAll(this.stoppedFailure());
        return;
      }
    }

    // 3. Entries, then tiles: durable before anything refers to them.
    try {
      await store.writeEntries(
        this.lease,
        oldSize,
        batch.map((p) => p.bytes),
      );
      await store.writeTiles(this.lease, tiles);
    } catch (e) {
      if (e instanceof LedgerError && e.code === 'LOCK_LOST') {
        this.stop('LOCK_LOST', 'ledger: sequencer lease lost', e);
        failAll(this.stoppedFailure());
        return;
      }
      const error = new LedgerError('STORE_FAILED', 'ledger: writing the batch failed; not appended', {
        cause: e,
      });
      this.options.onEvent?.({ kind: 'batch-failed', error });
      failAll({ ok: false, error });
      return;
    }

    // 4. Sign and commit the checkpoint.
    const body = formatCheckpoint({ origin, size: newSize, root, extensions: [] });
    const next: StoredCheckpoint = { size: newSize, root, timeMs: now, note: signNote(body, [signer]) };
    let swapped: boolean;
    try {
      swapped = await store.setCheckpoint(this.lease, oldSize, next);
    } catch (e) {
      this.stop('STORE_FAILED', 'ledger: storing the checkpoint failed with unknown outcome', e);
      failAll(this.stoppedFailure());
      return;
    }
    if (!swapped) {
      this.stop('LOCK_LOST', `ledger: checkpoint ${oldSize} was replaced by someone else`);
      failAll(this.stoppedFailure());
      return;
    }
    this.committed = { edge, checkpoint: next };
    for (const t of tiles)
      this.cache.offer({ level: t.level, index: t.index, width: t.hashes.length / 32 }, t.hashes);

    // 5. Witness cosignatures.
    const cosigners = await this.witness(next);

    // 6. Receipts.
    const indices = batch.map((_, i) => oldSize + i);
    const proofs = await proveInclusionBatch(indices, newSize, (keys) => this.fetchTiles(keys));
    const cp = this.committed.checkpoint;
    batch.forEach((p, i) => {
      if (!proofs.ok) {
        p.resolve(
          fail('STORE_FAILED', `ledger: entry ${oldSize + i} is durable but its proof failed`, proofs.error),
        );
        return;
      }
      p.resolve(
        ok({
          index: oldSize + i,
          leafHash: p.leafHash,
          inclusionProof: proofs.value[i] ?? [],
          checkpoint: cp.note,
          treeSize: cp.size,
          rootHash: cp.root,
        }),
      );
    });
    this.options.onEvent?.({ kind: 'checkpoint', size: newSize, batch: batch.length, cosigners });
  }

  /** Asks every witness to cosign `cp`; stores the cosigned note. Returns the cosigner count. */
  private async witness(cp: StoredCheckpoint): Promise<number> {
    const witnesses = this.options.witnesses ?? [];
    if (witnesses.length === 0) return 0;
    const timeoutMs = this.options.witnessTimeoutMs ?? 5000;
    const results = await Promise.all(
      witnesses.map(async (w) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<Result<never>>((resolve) => {
          timer = setTimeout(() => {
            resolve(fail('WITNESS_FAILED', `${w.name}: no answer in ${timeoutMs} ms`));
          }, timeoutMs);
        });
        const attempt = requestCosignature(w, cp.note, cp.size, this.witnessSizes.get(w.name) ?? 0, (old) =>
          this.proveConsistency(old, cp.size),
        ).catch((e: unknown) => fail('WITNESS_FAILED', `${w.name}: ${String(e)}`));
        const r = await Promise.race([attempt, timeout]);
        clearTimeout(timer);
        if (r.ok) {
          this.witnessSizes.set(w.name, r.value.size);
          return r.value.lines;
        }
        this.options.onEvent?.({ kind: 'witness-failed', witness: w.name, error: r.error });
        return [];
      }),
    );
    const lines = results.flat();
    if (lines.length === 0) return 0;
    const cosigned: StoredCheckpoint = { ...cp, note: addSignatureLines(cp.note, lines) };
    try {
      if (await this.options.store.setCheckpoint(this.lease, cp.size, cosigned)) {
        if (this.committed.checkpoint === cp) this.committed = { ...this.committed, checkpoint: cosigned };
      }
    } catch (e) {
      // The log-signed checkpoint is committed; only the cosignatures are not stored this time.
      const error = new LedgerError('STORE_FAILED', 'ledger: storing cosignatures failed', { cause: e });
      this.options.onEvent?.({ kind: 'batch-failed', error });
      return 0;
    }
    return results.filter((r) => r.length > 0).length;
  }

  /** Tiles for proofs: batch overlay, then the committed edge, the cache, and the store. */
  private async fetchTiles(
    keys: readonly TileKey[],
    overlay?: ReadonlyMap<string, Uint8Array>,
  ): Promise<(Uint8Array | undefined)[]> {
    const out: (Uint8Array | undefined)[] = [];
    const missing: { at: number; key: TileKey }[] = [];
    keys.forEach((key, at) => {
      const hit =
        overlay?.get(tileKeyString(key)) ??
        this.committed.edge.partialTile(key.level, key.index) ??
        this.cache.get(key);
      out.push(hit);
      if (hit === undefined) missing.push({ at, key });
    });
    if (missing.length > 0) {
      const got = await this.options.store.readTiles(missing.map((m) => m.key));
      missing.forEach(({ at, key }, j) => {
        const t = got[j];
        out[at] = t;
        if (t !== undefined) this.cache.offer(key, t);
      });
    }
    return out;
  }

  /** Inclusion proof of leaf `index` in the tree of `size` (default: the latest checkpoint). */
  proveInclusion(index: number, size = this.size): Promise<Result<Uint8Array[]>> {
    if (size > this.size) return Promise.resolve(fail('OUT_OF_RANGE', `ledger: no tree of size ${size} yet`));
    return proveInclusionFromTiles(index, size, (keys) => this.fetchTiles(keys));
  }

  /** Consistency proof between two tree sizes (default new size: the latest checkpoint). */
  proveConsistency(oldSize: number, newSize = this.size): Promise<Result<Uint8Array[]>> {
    if (newSize > this.size)
      return Promise.resolve(fail('OUT_OF_RANGE', `ledger: no tree of size ${newSize} yet`));
    return proveConsistencyFromTiles(oldSize, newSize, (keys) => this.fetchTiles(keys));
  }

  /** A receipt for an entry already in the log, against the latest checkpoint. */
  async receipt(index: number): Promise<Result<Receipt>> {
    const cp = this.committed.checkpoint;
    if (!Number.isSafeInteger(index) || index < 0 || index >= cp.size) {
      return fail('OUT_OF_RANGE', `ledger: no entry ${index}`);
    }
    const [entry] = await this.options.store.readEntries(index, index + 1);
    if (entry === undefined) return fail('NOT_FOUND', `ledger: entry ${index} missing`);
    const proof = await proveInclusionFromTiles(index, cp.size, (keys) => this.fetchTiles(keys));
    if (!proof.ok) return proof;
    return ok({
      index,
      leafHash: hashLeaf(entry),
      inclusionProof: proof.value,
      checkpoint: cp.note,
      treeSize: cp.size,
      rootHash: cp.root,
    });
  }

  // LedgerReadStore, so the tile handlers can serve from the sequencing process.
  loadCheckpoint(): Promise<StoredCheckpoint | null> {
    return Promise.resolve(this.committed.checkpoint);
  }

  readEntries(start: number, end: number): Promise<Uint8Array[]> {
    if (end > this.size)
      return Promise.reject(new LedgerError('OUT_OF_RANGE', 'ledger: beyond the checkpoint'));
    return this.options.store.readEntries(start, end);
  }

  readTiles(keys: readonly TileKey[]): Promise<(Uint8Array | undefined)[]> {
    return this.fetchTiles(keys);
  }

  /** Finishes queued appends, then gives up the sequencer lease. */
  async close(): Promise<void> {
    if (this.closed) return;
    while (this.timer !== undefined || this.loop !== undefined) {
      if (this.timer !== undefined) {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.loop = this.run().finally(() => {
          this.loop = undefined;
        });
      }
      await this.loop;
    }
    this.closed = true;
    await this.lease.release();
  }
}

export type { StoredTile };
