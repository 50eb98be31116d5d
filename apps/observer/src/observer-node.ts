/**
 * An observer node as one object (P-10.7, P-11.10.4): the follower of one log with the election
 * checker, the witness (when it has a cosigning key), the entry index, the observation-room queue,
 * and the poll loop that keeps it all current. `buildObserverApp` serves it over HTTP; the CLI runs it.
 */

import { parseVerifierKey, PostgresWitnessStore, signerFromKey } from '@opendeg/ledger';
import type { Backend } from '@opendeg/crypto';
import type pg from 'pg';

import { ElectionChecker } from './election/election-checker.ts';
import { EntryIndex } from './election/entry-index.ts';
import { IssuedVsCast } from './election/issued-vs-cast.ts';
import { ObserverError } from './errors.ts';
import { Follower, type FollowerEvent, type PollResult } from './follower.ts';
import type { LogSource } from './log-source.ts';
import { ObserverWitness } from './observer-witness.ts';
import { RoomQueue } from './room-queue.ts';

export interface ObserverNodeOptions {
  readonly source: LogSource;
  readonly origin: string;
  readonly logKey: string;
  readonly pool: pg.Pool;
  readonly name: string;
  readonly evidenceDir: string;
  /** The node's cosigning key (`PRIVATE+KEY+…` of type 0x04); no witness without it. */
  readonly witnessKey?: string;
  readonly clock?: () => number;
  readonly onEvent?: (event: FollowerEvent) => void;
  /** Follower tuning, for benchmarks. */
  readonly chunkBundles?: number;
  readonly sweepBundles?: number;
  /** Worker threads that re-check ballots (default 0: the main thread). */
  readonly threads?: number;
  readonly backend?: Backend;
  /** The server's published figures (`…/api/figures`): issued against cast after each catch-up. */
  readonly figuresUrl?: string;
  /** Tolerance of that comparison (issued-vs-cast.ts); default 3 s. */
  readonly figuresSettleMs?: number;
  /** How long an exact comparison waits for the node to verify the figures' tree size; default 30 s. */
  readonly figuresWaitMs?: number;
}

export class ObserverNode {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  private constructor(
    readonly follower: Follower,
    readonly checker: ElectionChecker,
    readonly index: EntryIndex,
    readonly room: RoomQueue,
    readonly witness: ObserverWitness | undefined,
    readonly clock: () => number,
    readonly figures: IssuedVsCast | undefined,
  ) {}

  /** Alarms of the log and the election (the follower's) and of the published figures. */
  get alarmTotal(): number {
    return this.follower.alarmTotal + (this.figures?.raised ?? 0);
  }

  static async open(options: ObserverNodeOptions): Promise<ObserverNode> {
    const clock = options.clock ?? Date.now;
    const index = new EntryIndex(options.pool, options.origin);
    const checker = new ElectionChecker(index, {
      ...(options.backend === undefined ? {} : { backend: options.backend }),
      threads: options.threads ?? 0,
    });
    const follower = await Follower.open({ ...options, clock, checker });
    let witness: ObserverWitness | undefined;
    if (options.witnessKey !== undefined) {
      const signer = signerFromKey(options.witnessKey, clock);
      const key = parseVerifierKey(options.logKey);
      if (!signer.ok || !key.ok) {
        await follower.close();
        throw new ObserverError('BAD_WITNESS_KEY', 'witness key: not a C2SP signer key');
      }
      const store = await PostgresWitnessStore.open(options.pool, signer.value.name);
      witness = new ObserverWitness(follower, key.value.verifier, signer.value, store);
    }
    const figures =
      options.figuresUrl === undefined
        ? undefined
        : new IssuedVsCast({
            follower,
            pool: options.pool,
            figuresUrl: options.figuresUrl,
            name: options.name,
            evidenceDir: options.evidenceDir,
            clock,
            ...(options.figuresSettleMs === undefined ? {} : { settleMs: options.figuresSettleMs }),
            ...(options.figuresWaitMs === undefined ? {} : { waitMs: options.figuresWaitMs }),
          });
    return new ObserverNode(
      follower,
      checker,
      index,
      new RoomQueue(options.pool, clock),
      witness,
      clock,
      figures,
    );
  }

  /** Polls every `intervalMs` until `close()`. */
  run(intervalMs: number): void {
    const tick = (): void => {
      this.timer = undefined;
      void this.follower
        .catchUp()
        .then((r) => (r.kind === 'unchanged' ? this.figures?.check() : undefined))
        .catch(() => undefined)
        .then(() => {
          if (!this.stopped) this.timer = setTimeout(tick, intervalMs);
        });
    };
    tick();
  }

  poll(): Promise<PollResult> {
    return this.follower.poll();
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.follower.close();
    await this.checker.close();
  }
}
