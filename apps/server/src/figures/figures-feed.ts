// One source of live figures for every reader (P-10.8 "постоянное непрерывное отображение"): the
// public page, the commission room's displays and the Public Chamber's. However many streams are
// open, the database is asked once a poll for the cheap change key (figures.ts figuresKey), and for
// a whole snapshot only when the key changed or the last snapshot is older than `refreshMs` (the
// regions' local times move on). Each subscriber gets every new snapshot; the GET route takes the
// latest one when it is fresh enough, so a crowd of page loads costs no more than one.
// The first snapshot read in each step of the clock is also written as that step's point of the
// figures history (history.ts): a new step forces a read, whatever the cache or the change key say.
import type pg from 'pg';
import type { LoadedElection } from '../applications/deps.ts';
import type { Clock } from '../deps.ts';
import { figuresKey, readFigures, type CastCounts, type FiguresSnapshot } from './figures.ts';
import { recordHistoryPoint, stepStart } from './history.ts';

export interface FiguresFeedOptions {
  pool: pg.Pool;
  election: LoadedElection;
  clock: Clock;
  castCounts?: CastCounts | undefined;
  /** How often the change key is read while someone listens; default 1000 ms. */
  pollMs?: number;
  /** A snapshot at least this often, changed or not; default 5000 ms. */
  refreshMs?: number;
  /**
   * The step of the figures history (history.ts) in ms of the clock: the first snapshot read in
   * each step is written as that step's point. Absent: no history is written.
   */
  historyStepMs?: number | undefined;
  /** Called when a poll fails (the feed keeps polling) or a history point cannot be written. */
  onError?: (error: unknown) => void;
}

export type FiguresListener = (snapshot: FiguresSnapshot, sequence: number) => void;

export class FiguresFeed {
  readonly #options: FiguresFeedOptions;
  readonly #pollMs: number;
  readonly #refreshMs: number;
  readonly #listeners = new Set<FiguresListener>();
  #latest: { snapshot: FiguresSnapshot; key: string; readAt: number } | undefined;
  #reading: Promise<{ snapshot: FiguresSnapshot; key: string; readAt: number }> | undefined;
  #sequence = 0;
  /** The last step whose point this process wrote (or found written). */
  #recordedStep: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: FiguresFeedOptions) {
    this.#options = options;
    this.#pollMs = options.pollMs ?? 1000;
    this.#refreshMs = options.refreshMs ?? 5000;
  }

  /** A snapshot at most `pollMs` old (read now if the latest is older). */
  async current(): Promise<FiguresSnapshot> {
    const latest = this.#latest;
    if (
      latest !== undefined &&
      Date.now() - latest.readAt < this.#pollMs &&
      // A fresh snapshot of an earlier step would leave the new step without its point.
      this.#step(new Date(latest.snapshot.at)) === this.#step(this.#options.clock.now())
    )
      return latest.snapshot;
    return (await this.#read()).snapshot;
  }

  /**
   * Calls `listener` with the current snapshot at once, then with each new one, until the returned
   * function is called. The first subscriber starts the polling, the last one to leave stops it.
   */
  subscribe(listener: FiguresListener): () => void {
    this.#listeners.add(listener);
    void this.current().then(
      (snapshot) => {
        if (this.#listeners.has(listener)) listener(snapshot, this.#sequence);
      },
      (e: unknown) => this.#options.onError?.(e),
    );
    this.#schedule();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#stop();
    };
  }

  /**
   * Writes the current step's point if this process has not (a read of the figures, which records
   * it). A timer calls it, so the history has its points whether or not anybody watches the figures;
   * within a step it costs nothing.
   */
  async recordDue(): Promise<void> {
    const step = this.#step(this.#options.clock.now());
    if (step === undefined || step === this.#recordedStep || this.#closed) return;
    await this.current();
  }

  /** The start (ms since the epoch) of the last step whose point is known written, if any. */
  get recordedStep(): number | undefined {
    return this.#recordedStep;
  }

  /** Stops polling and forgets every listener. */
  close(): void {
    this.#closed = true;
    this.#listeners.clear();
    this.#stop();
  }

  #stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#closed || this.#listeners.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#poll().finally(() => {
        this.#schedule();
      });
    }, this.#pollMs);
  }

  async #poll(): Promise<void> {
    const { pool, election, castCounts } = this.#options;
    try {
      const before = this.#latest;
      const key = await figuresKey(pool, election.id, castCounts);
      if (
        before?.key === key &&
        Date.now() - before.readAt < this.#refreshMs &&
        this.#step(new Date(before.snapshot.at)) === this.#step(this.#options.clock.now())
      )
        return;
      const { snapshot } = await this.#read();
      for (const listener of [...this.#listeners]) listener(snapshot, this.#sequence);
    } catch (e) {
      this.#options.onError?.(e);
    }
  }

  /** The step `at` falls in, as ms since the epoch; undefined without a history. */
  #step(at: Date): number | undefined {
    const stepMs = this.#options.historyStepMs;
    return stepMs === undefined ? undefined : stepStart(at, stepMs).getTime();
  }

  /**
   * Writes the snapshot as its step's point when this process has not written that step yet. A
   * failed write does not fail the figures: it is reported, and the next read of the step tries
   * again.
   */
  async #record(snapshot: FiguresSnapshot): Promise<void> {
    const { pool, historyStepMs } = this.#options;
    const step = this.#step(new Date(snapshot.at));
    if (historyStepMs === undefined || step === undefined || step === this.#recordedStep) return;
    try {
      await recordHistoryPoint(pool, snapshot, historyStepMs);
      this.#recordedStep = step;
    } catch (e) {
      this.#options.onError?.(e);
    }
  }

  /** Reads a whole snapshot; concurrent callers share one read. */
  #read(): Promise<{ snapshot: FiguresSnapshot; key: string; readAt: number }> {
    this.#reading ??= (async () => {
      const { pool, election, clock, castCounts } = this.#options;
      try {
        const key = await figuresKey(pool, election.id, castCounts);
        const snapshot = await readFigures(pool, election, clock.now(), castCounts);
        const read = { snapshot, key, readAt: Date.now() };
        this.#latest = read;
        this.#sequence++;
        await this.#record(snapshot);
        return read;
      } finally {
        this.#reading = undefined;
      }
    })();
    return this.#reading;
  }
}
