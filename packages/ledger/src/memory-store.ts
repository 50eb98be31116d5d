/**
 * An in-memory `LedgerStore` (for tests, tools and single-process demos) and a fault-injecting
 * wrapper around any store, used by the crash tests: a write can fail before it reaches the store
 * or after it is durable (the caller sees an error either way).
 */

import { LedgerError } from './errors.ts';
import {
  tileKeyString,
  type LedgerStore,
  type SequencerLease,
  type StoredCheckpoint,
  type StoredTile,
  type TileKey,
} from './store.ts';

export class MemoryLedgerStore implements LedgerStore {
  private checkpoint: StoredCheckpoint | null = null;
  private readonly entries = new Map<number, Uint8Array>();
  private readonly tiles = new Map<string, Uint8Array>();
  private token = 0;
  private held = false;

  acquireSequencer(): Promise<SequencerLease | null> {
    if (this.held) return Promise.resolve(null);
    this.held = true;
    const token = ++this.token;
    return Promise.resolve({
      token,
      release: () => {
        if (this.token === token) this.held = false;
        return Promise.resolve();
      },
    });
  }

  /** Simulates the death of the sequencer's process: its lease lapses without a release. */
  expireLease(): void {
    this.held = false;
    this.token++;
  }

  private fence(lease: SequencerLease): void {
    if (lease.token !== this.token || !this.held)
      throw new LedgerError('LOCK_LOST', 'memory store: stale lease');
  }

  loadCheckpoint(): Promise<StoredCheckpoint | null> {
    return Promise.resolve(
      this.checkpoint === null ? null : { ...this.checkpoint, root: this.checkpoint.root.slice() },
    );
  }

  readEntries(start: number, end: number): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (let i = start; i < end; i++) {
      const e = this.entries.get(i);
      if (e === undefined) return Promise.reject(new LedgerError('NOT_FOUND', `memory store: no entry ${i}`));
      out.push(e.slice());
    }
    return Promise.resolve(out);
  }

  readTiles(keys: readonly TileKey[]): Promise<(Uint8Array | undefined)[]> {
    return Promise.resolve(keys.map((k) => this.tiles.get(tileKeyString(k))?.slice()));
  }

  writeEntries(lease: SequencerLease, start: number, entries: readonly Uint8Array[]): Promise<void> {
    this.fence(lease);
    entries.forEach((e, i) => this.entries.set(start + i, e.slice()));
    return Promise.resolve();
  }

  writeTiles(lease: SequencerLease, tiles: readonly StoredTile[]): Promise<void> {
    this.fence(lease);
    for (const t of tiles) this.tiles.set(tileKeyString(t), t.hashes.slice());
    return Promise.resolve();
  }

  setCheckpoint(
    lease: SequencerLease,
    expectedSize: number | null,
    next: StoredCheckpoint,
  ): Promise<boolean> {
    this.fence(lease);
    if ((this.checkpoint?.size ?? null) !== expectedSize) return Promise.resolve(false);
    this.checkpoint = { ...next, root: next.root.slice() };
    return Promise.resolve(true);
  }

  /** Test hook: overwrite a stored entry behind the log's back (tamper simulation). */
  tamperEntry(index: number, bytes: Uint8Array): void {
    this.entries.set(index, bytes.slice());
  }

  /** Test hook: overwrite a stored tile behind the log's back (tamper simulation). */
  tamperTile(key: TileKey, hashes: Uint8Array): void {
    this.tiles.set(tileKeyString(key), hashes.slice());
  }
}

export type FaultPoint = 'entries' | 'tiles' | 'checkpoint';
export type FaultTiming = 'before' | 'after';

export interface Fault {
  readonly point: FaultPoint;
  readonly timing: FaultTiming;
}

/**
 * Wraps a store and fails the next write at an armed fault point: `before` the write reaches the
 * store, or `after` it is durable. Each armed fault fires once.
 */
export class FaultInjectingStore implements LedgerStore {
  private readonly armed: Fault[] = [];
  /** Faults that fired, in order. */
  readonly fired: Fault[] = [];

  constructor(readonly inner: LedgerStore) {}

  arm(fault: Fault): void {
    this.armed.push(fault);
  }

  private take(point: FaultPoint, timing: FaultTiming): boolean {
    const i = this.armed.findIndex((f) => f.point === point && f.timing === timing);
    if (i < 0) return false;
    const [f] = this.armed.splice(i, 1);
    if (f !== undefined) this.fired.push(f);
    return true;
  }

  private async around<T>(point: FaultPoint, write: () => Promise<T>): Promise<T> {
    if (this.take(point, 'before')) throw new Error(`injected fault before ${point}`);
    const r = await write();
    if (this.take(point, 'after')) throw new Error(`injected fault after ${point}`);
    return r;
  }

  acquireSequencer(): Promise<SequencerLease | null> {
    return this.inner.acquireSequencer();
  }
  loadCheckpoint(): Promise<StoredCheckpoint | null> {
    return this.inner.loadCheckpoint();
  }
  readEntries(start: number, end: number): Promise<Uint8Array[]> {
    return this.inner.readEntries(start, end);
  }
  readTiles(keys: readonly TileKey[]): Promise<(Uint8Array | undefined)[]> {
    return this.inner.readTiles(keys);
  }
  writeEntries(lease: SequencerLease, start: number, entries: readonly Uint8Array[]): Promise<void> {
    return this.around('entries', () => this.inner.writeEntries(lease, start, entries));
  }
  writeTiles(lease: SequencerLease, tiles: readonly StoredTile[]): Promise<void> {
    return this.around('tiles', () => this.inner.writeTiles(lease, tiles));
  }
  setCheckpoint(
    lease: SequencerLease,
    expectedSize: number | null,
    next: StoredCheckpoint,
  ): Promise<boolean> {
    return this.around('checkpoint', () => this.inner.setCheckpoint(lease, expectedSize, next));
  }
}
