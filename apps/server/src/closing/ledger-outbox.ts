// The close's entries on their way into the election's ledger (issue 6). A closing step adds its
// entries to the outbox (closing_ledger) in its own transaction, so the step and its entries commit
// together; this forwarder then appends them to the ledger in outbox order and records each one's
// ledger index (closing_ledger_forwarded, migration 020).
//
// Crash safety: before each append the forwarder records its intent with the ledger's size at that
// moment; the ledger index is recorded after the receipt. An intent without an index is a crash (or
// failure) between the two: the forwarder looks for the entry's exact bytes in the ledger from that
// size on, and records the index it finds, or appends when the bytes are not there. Every closing
// entry names its region, key group or part, so equal bytes are the same entry. One forwarder runs
// at a time in a process (a chain) and across processes (a session advisory lock).
import type pg from 'pg';
import type { Clock } from '../deps.ts';
import type { ClosingLedger } from './closing-deps.ts';

interface PendingRow {
  seq: string;
  entry: Buffer;
  size_before: string | null;
}

/** Entries read from the ledger at once while looking for one after a crash. */
const SCAN = 256;
/** Entries forwarded together: one statement for their intents, one ledger batch, one for indices. */
const CHUNK = 256;

const equal = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

export class ClosingOutbox {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pool: pg.Pool,
    private readonly electionId: string,
    private readonly ledger: ClosingLedger | undefined,
    private readonly clock: Clock,
  ) {}

  /** Whether there is a ledger to forward to. */
  get connected(): boolean {
    return this.ledger !== undefined;
  }

  /**
   * Forwards every entry not yet in the ledger, in order; resolves with how many it recorded. A call
   * while another runs waits for it and then looks again. Rejects when the ledger refuses an append:
   * the entry and those after it stay in the outbox for the next call.
   */
  flush(): Promise<number> {
    const run = this.tail.then(() => this.forward());
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async forward(): Promise<number> {
    const ledger = this.ledger;
    if (ledger === undefined) return 0;
    const client = await this.pool.connect();
    const lock = `opendeg-closing-outbox:${this.electionId}`;
    try {
      await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [lock]);
      try {
        const pending = await client.query<PendingRow>(
          `SELECT o.seq, o.entry, f.size_before FROM closing_ledger o
             LEFT JOIN closing_ledger_forwarded f ON f.seq = o.seq
            WHERE o.election_id = $1 AND f.ledger_index IS NULL
            ORDER BY o.seq`,
          [this.electionId],
        );
        let done = 0;
        for (let i = 0; i < pending.rows.length; i += CHUNK) {
          done += await this.forwardChunk(client, ledger, pending.rows.slice(i, i + CHUNK));
        }
        return done;
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lock]);
      }
    } finally {
      client.release();
    }
  }

  /**
   * One chunk, in order: the intents of its new entries in one statement, the ledger's appends
   * together (the ledger sequences them in call order, in one batch when it can), the indices in one
   * statement. Entries of an earlier intent are first looked for in the ledger.
   */
  private async forwardChunk(
    client: pg.PoolClient,
    ledger: ClosingLedger,
    rows: PendingRow[],
  ): Promise<number> {
    const fresh = rows.filter((r) => r.size_before === null).map((r) => r.seq);
    if (fresh.length > 0)
      await client.query(
        'INSERT INTO closing_ledger_forwarded (seq, size_before) SELECT unnest($1::bigint[]), $2',
        [fresh, ledger.checkpoint().size],
      );
    const index = new Map<string, number>();
    for (const r of rows) {
      if (r.size_before === null) continue;
      const found = await this.find(ledger, new Uint8Array(r.entry), Number(r.size_before));
      if (found !== undefined) index.set(r.seq, found);
    }
    const toAppend = rows.filter((r) => !index.has(r.seq));
    const receipts = await Promise.all(toAppend.map((r) => ledger.appendBytes(new Uint8Array(r.entry))));
    let failure: string | undefined;
    toAppend.forEach((r, i) => {
      const receipt = receipts[i];
      if (failure !== undefined || receipt === undefined) return;
      if (receipt.ok) index.set(r.seq, receipt.value.index);
      else failure = `closing outbox: ledger append of entry ${r.seq}: ${receipt.error.message}`;
    });
    // What went in is recorded even when a later append failed; the rest waits for the next flush.
    const seqs = [...index.keys()];
    await client.query(
      `UPDATE closing_ledger_forwarded f SET ledger_index = x.idx, forwarded_at = $3
         FROM unnest($1::bigint[], $2::bigint[]) AS x(seq, idx) WHERE f.seq = x.seq`,
      [seqs, seqs.map((q) => index.get(q)), this.clock.now()],
    );
    if (failure !== undefined) throw new Error(failure);
    return seqs.length;
  }

  /** The index of `bytes` in the ledger at or after `from`, if an append before a crash put it there. */
  private async find(ledger: ClosingLedger, bytes: Uint8Array, from: number): Promise<number | undefined> {
    const size = ledger.checkpoint().size;
    for (let start = from; start < size; start += SCAN) {
      const entries = await ledger.readEntries(start, Math.min(size, start + SCAN));
      const at = entries.findIndex((e) => equal(e, bytes));
      if (at >= 0) return start + at;
    }
    return undefined;
  }
}
