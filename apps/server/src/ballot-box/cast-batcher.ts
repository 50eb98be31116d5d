// Casting in batches (P-6.10 at load): ballots that arrive while the validation slots are busy wait
// and then go on together, so that the box pays once per batch what it used to pay per ballot — one
// database query for the resends and the used credentials, one validateBallots call (the proofs in
// one multi-scalar multiplication), and one ledger append and one transaction in the sequencer
// (box-writer.ts). A ballot that arrives with a slot free goes at once: no waiting at low load.
//
// Each ballot gets exactly the answer it got on its own, in the same order of checks: a resent
// ballot its stored receipt (even after its region closed), then the region's window (P-6.1), then
// the checks (B.1–B.10, a credential that has voted being B.6), then the sequencer. The query and
// the validation overlap (each is a wait on another thread or process, so latency at low load). A batch never
// holds two ballots of one credential: the later one waits for the next batch, where the sequencer
// (or the table) finds the first — the same ballot shares its receipt, another one is refused.
import type { Window } from '@opendeg/deg';
import type { Election } from '@opendeg/election';
import type { ApiError } from '../errors.ts';
import { boxErrors, refusal } from './box-errors.ts';
import type { BallotBoxWriter, BoxReceipt } from './box-writer.ts';
import type { BallotValidator, Validation, ValidationRequest } from './validation-pool.ts';

export interface CastRequest {
  /** The ballot as parsed. */
  readonly ballot: Record<string, unknown>;
  /** Its RFC 8785 canonical JSON and that JSON's SHA-256 (hex): the ballot's identity. */
  readonly canonical: Uint8Array;
  readonly sha256: string;
  /** When it arrived, by the box's clock (the window is checked at this instant). */
  readonly at: Date;
}

export type CastResult =
  | { readonly kind: 'receipt'; readonly fresh: boolean; readonly receipt: BoxReceipt }
  | { readonly kind: 'refused'; readonly error: ApiError };

interface Waiting {
  readonly request: CastRequest;
  readonly credential: unknown;
  readonly resolve: (r: CastResult) => void;
  readonly reject: (e: unknown) => void;
}

export class CastBatcher {
  private readonly queue: Waiting[] = [];
  private busy = 0;

  constructor(
    private readonly election: Election<unknown>,
    private readonly writer: BallotBoxWriter,
    private readonly validator: BallotValidator,
    private readonly windows: ReadonlyMap<string, Window>,
    /** Most ballots validated in one batch. */
    private readonly maxBatch = 64,
  ) {}

  /** Casts a ballot; resolves with its receipt or its refusal, rejects on a failure of the box. */
  cast(request: CastRequest): Promise<CastResult> {
    return new Promise<CastResult>((resolve, reject) => {
      const credential = (request.ballot.credential as { publicKey?: unknown } | undefined)?.publicKey;
      this.queue.push({ request, credential, resolve, reject });
      this.pump();
    });
  }

  /** Starts batches while slots are free: the queue shared among the free slots, in arrival order. */
  private pump(): void {
    while (this.busy < this.validator.slots && this.queue.length > 0) {
      const free = this.validator.slots - this.busy;
      const size = Math.min(this.maxBatch, Math.ceil(this.queue.length / free));
      const batch: Waiting[] = [];
      const credentials = new Set<unknown>();
      for (let i = 0; i < this.queue.length && batch.length < size;) {
        const w = this.queue[i] as Waiting;
        // A second ballot of a credential waits for a later batch.
        if (typeof w.credential === 'string' && credentials.has(w.credential)) {
          i++;
          continue;
        }
        credentials.add(w.credential);
        batch.push(w);
        this.queue.splice(i, 1);
      }
      this.busy++;
      void this.run(batch).finally(() => {
        this.busy--;
        this.pump();
      });
    }
  }

  private async run(batch: readonly Waiting[]): Promise<void> {
    // The region's window needs no database: a ballot of a closed region is not validated (unless
    // it is a resend, it is refused). The lookup and the validation of the others run at once.
    const open = batch.filter((w) => this.closedWindow(w.request) === undefined);
    const request = (w: Waiting, credentialUsed: boolean): ValidationRequest => ({
      ballot: w.request.ballot,
      canonical: w.request.canonical,
      credentialUsed,
    });
    const checked: { w: Waiting; v: Validation }[] = [];
    try {
      const [known, validations] = await Promise.all([
        this.writer.lookup(
          batch.map((w) => w.request.sha256),
          batch.flatMap((w) => (typeof w.credential === 'string' ? [w.credential] : [])),
        ),
        this.validator.validate(open.map((w) => request(w, false))),
      ]);
      const verdicts = new Map(open.map((w, i) => [w, validations[i]]));
      const used: Waiting[] = [];
      for (const w of batch) {
        // A resent ballot gets its receipt, even after its region closed: it was cast in time.
        const row = known.stored.get(w.request.sha256);
        if (row !== undefined) {
          this.writer.receiptOfRow(row).then((receipt) => {
            w.resolve({ kind: 'receipt', fresh: false, receipt });
          }, w.reject);
          continue;
        }
        const closed = this.closedWindow(w.request);
        if (closed !== undefined) {
          w.resolve({ kind: 'refused', error: closed });
          continue;
        }
        const v = verdicts.get(w);
        if (v === undefined) throw new Error('ballot box: a validation is missing');
        // P-6.10: a credential that has voted is B.6, with whatever else the ballot fails: such a
        // ballot (rare: a voter's second attempt) is validated again knowing it, for the exact answer.
        if (typeof w.credential === 'string' && known.used.has(w.credential)) used.push(w);
        else checked.push({ w, v });
      }
      const again = await this.validator.validate(used.map((w) => request(w, true)));
      used.forEach((w, i) => {
        const v = again[i];
        if (v === undefined) throw new Error('ballot box: a validation is missing');
        checked.push({ w, v });
      });
    } catch (e) {
      for (const w of batch) w.reject(e);
      return;
    }
    for (const { w, v } of checked) {
      if (!v.ok) {
        const error = v.failures.every((f) => f.check === 'B.6')
          ? boxErrors.credentialUsed()
          : boxErrors.rejected(v.failures);
        w.resolve({ kind: 'refused', error });
        continue;
      }
      // The sequencer: its batch, the ledger, the transaction. Not awaited: the slot is free for
      // the next validation while this batch is committed.
      this.writer
        .submit({ kind: 'ballot', canonical: w.request.canonical, sha256: w.request.sha256, ...v.ballot })
        .then((o) => {
          w.resolve(
            o.kind === 'accepted'
              ? { kind: 'receipt', fresh: o.fresh, receipt: o.receipt }
              : { kind: 'refused', error: refusal(o) },
          );
        }, w.reject);
    }
  }

  /** P-6.1: the refusal of a ballot whose region is not open at its arrival, by the region's own window. */
  private closedWindow(request: CastRequest): ApiError | undefined {
    const region = (request.ballot.vote as { region?: unknown } | undefined)?.region;
    if (typeof region !== 'string' || !this.election.regions.has(region)) return undefined;
    const at = request.at.getTime();
    const window = this.windows.get(region);
    if (window === undefined) return boxErrors.notOpen(region, request.at, request.at);
    if (at < window.opens.getTime() || at >= window.closes.getTime())
      return boxErrors.notOpen(region, window.opens, window.closes);
    return undefined;
  }
}
