// The ballot box's sequencer (P-6.10): one per election and process, as the log it appends to has one
// sequencer. Validated ballots and challenged votes queue up and are accepted in batches:
//
//   1. within the batch and against box_ballots / box_challenged: one ballot per credential (the same
//      ballot again shares the first one's receipt; another ballot with that credential is refused,
//      B.6), no ballot whose tracker was challenged (B.10), no challenge of a cast tracker;
//   2. every accepted entry is appended to the ledger (durable and checkpointed when it resolves);
//   3. one transaction records the ballots, the checkpoint of their receipts, adds them to the
//      running tallies of their regions (box_tallies) and moves box_applied past them;
//   4. each request resolves with its receipt.
//
// A failure after step 2 leaves entries in the ledger that the tables lack: the writer stops (every
// later call fails BALLOT_BOX_UNAVAILABLE) and the next start applies the ledger's entries beyond
// box_applied (`open`), so a crash loses no vote and counts none twice. The ledger is the truth.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { canonicalJsonBytes, type JsonValue } from '@opendeg/crypto';
import {
  RegionTally,
  validateBallot,
  type RegionTallyJson,
  verifyChallengedVote,
  type Election,
  type TalliedAnswer,
} from '@opendeg/election';
import { decodeEntry, hashLeaf, parseCheckpoint, toBase64, type Ledger, type Receipt } from '@opendeg/ledger';
import type { Clock } from '../deps.ts';
import { withTransaction } from '../transaction.ts';

/** A receipt as the voter gets it: the tracker, the region, and the ledger's proof of inclusion. */
export interface BoxReceipt {
  readonly tracker: string;
  readonly region: string | null;
  readonly index: number;
  readonly leafHash: string;
  readonly inclusionProof: readonly string[];
  readonly checkpoint: string;
  readonly treeSize: number;
  readonly rootHash: string;
}

export interface BallotSubmission {
  readonly kind: 'ballot';
  readonly ballot: unknown;
  readonly sha256: string;
  readonly credentialId: string;
  readonly tracker: string;
  readonly region: string;
  readonly answers: readonly TalliedAnswer<unknown>[];
}

export interface ChallengeSubmission {
  readonly kind: 'challenged';
  readonly vote: unknown;
  readonly tracker: string;
}

export type Submission = BallotSubmission | ChallengeSubmission;

export type Outcome =
  | { readonly kind: 'accepted'; readonly fresh: boolean; readonly receipt: BoxReceipt }
  | { readonly kind: 'credential-used' }
  | { readonly kind: 'tracker-challenged' }
  | { readonly kind: 'tracker-cast' }
  | { readonly kind: 'unavailable' };

interface Pending {
  readonly submission: Submission;
  readonly resolve: (o: Outcome) => void;
}

const bytesOf = (hex: string): Buffer => Buffer.from(hex, 'hex');

function toBoxReceipt(tracker: string, region: string | null, r: Receipt): BoxReceipt {
  return {
    tracker,
    region,
    index: r.index,
    leafHash: toBase64(r.leafHash),
    inclusionProof: r.inclusionProof.map(toBase64),
    checkpoint: r.checkpoint,
    treeSize: r.treeSize,
    rootHash: toBase64(r.rootHash),
  };
}

function rootOf(note: string): Uint8Array {
  const body = note.slice(0, note.indexOf('\n\n') + 1);
  const cp = parseCheckpoint(body);
  if (!cp.ok) throw new Error(`ballot box: stored checkpoint does not parse: ${cp.error.message}`);
  return cp.value.root;
}

interface BallotRow {
  credential_id: string;
  tracker: Buffer;
  ballot_sha256: Buffer;
  region: string;
  ledger_index: string;
  receipt_size: string;
}

export class BallotBoxWriter {
  private readonly pending: Pending[] = [];
  /** In flight: credential → the first submission's sha256 and outcome. */
  private readonly inFlight = new Map<string, { sha256: string; outcome: Promise<Outcome> }>();
  private loop: Promise<void> | undefined;
  private stopped = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly clock: Clock,
    private readonly log: Ledger,
    private readonly election: Election<unknown>,
    private readonly maxBatch: number,
    private readonly onError: (e: unknown) => void,
  ) {}

  get electionId(): string {
    return this.election.manifest.electionId;
  }

  /**
   * Opens the box of `election`: creates its tallies, applies the ledger's entries beyond
   * box_applied (crash recovery).
   */
  static async open(options: {
    pool: pg.Pool;
    clock: Clock;
    log: Ledger;
    election: Election<unknown>;
    maxBatch?: number;
    /** Called with what stopped the writer (a failed ledger append or transaction). */
    onError?: (e: unknown) => void;
  }): Promise<BallotBoxWriter> {
    const { pool, log, election } = options;
    const electionId = election.manifest.electionId;
    const g = election.group;
    const now = options.clock.now();
    await pool.query(
      'INSERT INTO box_applied (election_id, ledger_size) VALUES ($1, 0) ON CONFLICT DO NOTHING',
      [electionId],
    );
    for (const [code, r] of election.regions) {
      const zero = new RegionTally(g, code, r.style).toJson();
      await pool.query(
        `INSERT INTO box_tallies (election_id, region, ballots, aggregates, updated_at) VALUES ($1, $2, 0, $3, $4)
         ON CONFLICT DO NOTHING`,
        [electionId, code, JSON.stringify(zero.aggregates), now],
      );
    }
    const writer = new BallotBoxWriter(
      pool,
      options.clock,
      log,
      election,
      options.maxBatch ?? 512,
      options.onError ?? ((): void => undefined),
    );
    await writer.recover();
    return writer;
  }

  /** Applies the ledger's entries the tables do not reflect yet (after a crash between the two). */
  private async recover(): Promise<void> {
    const electionId = this.electionId;
    const applied = await this.pool.query<{ ledger_size: string }>(
      'SELECT ledger_size FROM box_applied WHERE election_id = $1',
      [electionId],
    );
    const from = Number(applied.rows[0]?.ledger_size ?? 0);
    const cp = this.log.checkpoint();
    if (from >= cp.size) return;
    const ballots: { s: BallotSubmission; index: number }[] = [];
    const challenged: { s: ChallengeSubmission; index: number }[] = [];
    for (let start = from; start < cp.size; start += 256) {
      const entries = await this.log.readEntries(start, Math.min(cp.size, start + 256));
      for (const [i, bytes] of entries.entries()) {
        const entry = decodeEntry(bytes);
        if (!entry.ok) continue;
        if (entry.value.type === 'ballot') {
          const v = await validateBallot(this.election, entry.value.ballot);
          if (!v.ok)
            throw new Error(`ballot box: ledger entry ${start + i} is a ballot that fails validation`);
          ballots.push({
            index: start + i,
            s: {
              kind: 'ballot',
              ballot: entry.value.ballot,
              sha256: createHash('sha256').update(canonicalJsonBytes(entry.value.ballot)).digest('hex'),
              credentialId: v.ballot.credentialId,
              tracker: v.ballot.tracker.hash,
              region: v.ballot.region.def.code,
              answers: v.ballot.answers,
            },
          });
        } else if (entry.value.type === 'challenged') {
          const v = verifyChallengedVote(this.election, entry.value.vote);
          if (!v.ok)
            throw new Error(`ballot box: ledger entry ${start + i} is a challenge that fails its check`);
          challenged.push({
            index: start + i,
            s: { kind: 'challenged', vote: entry.value.vote, tracker: v.tracker.hash },
          });
        }
      }
    }
    await withTransaction(this.pool, async (client) => {
      const at = this.clock.now();
      await client.query(
        'INSERT INTO box_checkpoints (election_id, tree_size, note) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [electionId, cp.size, cp.note],
      );
      const added: BallotSubmission[] = [];
      for (const { s, index } of ballots) {
        const r = await client.query(
          `INSERT INTO box_ballots (election_id, credential_id, tracker, ballot_sha256, region, ledger_index, receipt_size, accepted_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
          [electionId, s.credentialId, bytesOf(s.tracker), bytesOf(s.sha256), s.region, index, cp.size, at],
        );
        if (r.rowCount === 1) added.push(s);
      }
      for (const { s, index } of challenged) {
        await client.query(
          `INSERT INTO box_challenged (election_id, tracker, ledger_index, receipt_size, published_at)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
          [electionId, bytesOf(s.tracker), index, cp.size, at],
        );
      }
      await this.addToTallies(client, added, at);
      await client.query('UPDATE box_applied SET ledger_size = $2 WHERE election_id = $1', [
        electionId,
        cp.size,
      ]);
    });
  }

  /**
   * Adds ballots to their regions' running tallies in the caller's transaction: each touched row is
   * read under a row lock, added to and written back, so the stored tally is always the sum of the
   * stored ballots, whatever else holds a tally in memory.
   */
  private async addToTallies(
    client: pg.PoolClient,
    ballots: readonly Pick<BallotSubmission, 'region' | 'answers'>[],
    at: Date,
  ): Promise<void> {
    const regions = [...new Set(ballots.map((b) => b.region))].sort();
    for (const region of regions) {
      const r = this.election.regions.get(region);
      if (r === undefined) throw new Error(`ballot box: no region ${region}`);
      const row = await client.query<{ ballots: string; aggregates: RegionTallyJson['aggregates'] }>(
        'SELECT ballots, aggregates FROM box_tallies WHERE election_id = $1 AND region = $2 FOR UPDATE',
        [this.electionId, region],
      );
      const stored = row.rows[0];
      if (stored === undefined) throw new Error(`ballot box: no tally of region ${region}`);
      const tally = RegionTally.fromJson(this.election.group, r.style, {
        region,
        ballots: Number(stored.ballots),
        aggregates: stored.aggregates,
      });
      for (const b of ballots) if (b.region === region) tally.add(b.answers);
      const t = tally.toJson();
      await client.query(
        'UPDATE box_tallies SET ballots = $3, aggregates = $4, updated_at = $5 WHERE election_id = $1 AND region = $2',
        [this.electionId, region, t.ballots, JSON.stringify(t.aggregates), at],
      );
    }
  }

  /** A receipt stored for this ballot (by the SHA-256 of its canonical JSON), exactly as first given. */
  async receiptOfBallot(sha256: string): Promise<BoxReceipt | undefined> {
    const r = await this.pool.query<BallotRow>(
      `SELECT credential_id, tracker, ballot_sha256, region, ledger_index, receipt_size FROM box_ballots
       WHERE election_id = $1 AND ballot_sha256 = $2`,
      [this.electionId, bytesOf(sha256)],
    );
    const row = r.rows[0];
    if (row === undefined) return undefined;
    return this.storedReceipt(
      row.tracker.toString('hex'),
      row.region,
      Number(row.ledger_index),
      Number(row.receipt_size),
    );
  }

  private async storedReceipt(
    tracker: string,
    region: string | null,
    index: number,
    size: number,
  ): Promise<BoxReceipt> {
    const cp = await this.pool.query<{ note: string }>(
      'SELECT note FROM box_checkpoints WHERE election_id = $1 AND tree_size = $2',
      [this.electionId, size],
    );
    const note = cp.rows[0]?.note;
    if (note === undefined) throw new Error(`ballot box: no checkpoint of size ${size}`);
    const [entry] = await this.log.readEntries(index, index + 1);
    const proof = await this.log.proveInclusion(index, size);
    if (entry === undefined || !proof.ok)
      throw new Error(`ballot box: no inclusion proof for entry ${index}`);
    return toBoxReceipt(tracker, region, {
      index,
      leafHash: hashLeaf(entry),
      inclusionProof: proof.value,
      checkpoint: note,
      treeSize: size,
      rootHash: rootOf(note),
    });
  }

  /** A receipt for a tracker (cast or challenged), against the latest checkpoint. */
  async freshReceipt(tracker: string): Promise<BoxReceipt | undefined> {
    const r = await this.pool.query<{ region: string | null; ledger_index: string }>(
      `SELECT region, ledger_index FROM box_ballots WHERE election_id = $1 AND tracker = $2
       UNION ALL
       SELECT NULL, ledger_index FROM box_challenged WHERE election_id = $1 AND tracker = $2`,
      [this.electionId, bytesOf(tracker)],
    );
    const row = r.rows[0];
    if (row === undefined) return undefined;
    const receipt = await this.log.receipt(Number(row.ledger_index));
    if (!receipt.ok)
      throw new Error(`ballot box: receipt of entry ${row.ledger_index}: ${receipt.error.message}`);
    return toBoxReceipt(tracker, row.region, receipt.value);
  }

  /** Whether a credential has voted (committed). */
  async credentialUsed(credentialId: string): Promise<boolean> {
    const r = await this.pool.query(
      'SELECT 1 FROM box_ballots WHERE election_id = $1 AND credential_id = $2',
      [this.electionId, credentialId],
    );
    return r.rowCount !== 0;
  }

  /** Queues a validated ballot or challenge; resolves with its outcome once committed. */
  submit(submission: Submission): Promise<Outcome> {
    if (this.stopped) return Promise.resolve({ kind: 'unavailable' });
    if (submission.kind === 'ballot') {
      const first = this.inFlight.get(submission.credentialId);
      if (first !== undefined) {
        // The same ballot sent twice at once shares the first one's receipt (not fresh); another
        // ballot with the credential is refused once the first is in.
        const same = first.sha256 === submission.sha256;
        return first.outcome.then((o): Outcome => {
          if (o.kind !== 'accepted') return o;
          return same ? { ...o, fresh: false } : { kind: 'credential-used' };
        });
      }
    }
    const outcome = new Promise<Outcome>((resolve) => {
      this.pending.push({ submission, resolve });
    });
    if (submission.kind === 'ballot') {
      const key = submission.credentialId;
      const entry = { sha256: submission.sha256, outcome };
      this.inFlight.set(key, entry);
      void outcome.finally(() => {
        if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
      });
    }
    this.schedule();
    return outcome;
  }

  private schedule(): void {
    if (this.loop !== undefined) return;
    this.loop = (async () => {
      while (this.pending.length > 0 && !this.stopped) {
        const batch = this.pending.splice(0, this.maxBatch);
        try {
          await this.integrate(batch);
        } catch (e) {
          this.stop(batch);
          this.onError(e);
        }
      }
    })().finally(() => {
      this.loop = undefined;
      if (this.pending.length > 0 && !this.stopped) this.schedule();
    });
  }

  private async integrate(batch: Pending[]): Promise<void> {
    const electionId = this.electionId;
    const ballots = batch.filter((p) => p.submission.kind === 'ballot') as (Pending & {
      submission: BallotSubmission;
    })[];
    // 1. What the tables already hold.
    const trackers = batch.map((p) => bytesOf(p.submission.tracker));
    const [used, cast, challenged] = await Promise.all([
      this.pool.query<{ credential_id: string }>(
        'SELECT credential_id FROM box_ballots WHERE election_id = $1 AND credential_id = ANY($2::text[])',
        [electionId, ballots.map((b) => b.submission.credentialId)],
      ),
      this.pool.query<{ tracker: Buffer; region: string; ledger_index: string; receipt_size: string }>(
        'SELECT tracker, region, ledger_index, receipt_size FROM box_ballots WHERE election_id = $1 AND tracker = ANY($2::bytea[])',
        [electionId, trackers],
      ),
      this.pool.query<{ tracker: Buffer; ledger_index: string; receipt_size: string }>(
        'SELECT tracker, ledger_index, receipt_size FROM box_challenged WHERE election_id = $1 AND tracker = ANY($2::bytea[])',
        [electionId, trackers],
      ),
    ]);
    const usedSet = new Set(used.rows.map((r) => r.credential_id));
    const castSet = new Set(cast.rows.map((r) => r.tracker.toString('hex')));
    const challengedRows = new Map(challenged.rows.map((r) => [r.tracker.toString('hex'), r]));
    const accept: Pending[] = [];
    const newChallenges = new Set<string>();
    /** The same challenge twice in one batch: the second gets the first one's receipt. */
    const repeats = new Map<string, Pending[]>();
    for (const p of batch) {
      const s = p.submission;
      if (s.kind === 'ballot') {
        if (usedSet.has(s.credentialId)) p.resolve({ kind: 'credential-used' });
        else if (challengedRows.has(s.tracker) || newChallenges.has(s.tracker))
          p.resolve({ kind: 'tracker-challenged' });
        else accept.push(p);
      } else if (castSet.has(s.tracker) || ballots.some((b) => b.submission.tracker === s.tracker)) {
        p.resolve({ kind: 'tracker-cast' });
      } else {
        const row = challengedRows.get(s.tracker);
        if (row !== undefined) {
          // Published before: the same publication again gets its receipt.
          const receipt = await this.storedReceipt(
            s.tracker,
            null,
            Number(row.ledger_index),
            Number(row.receipt_size),
          );
          p.resolve({ kind: 'accepted', fresh: false, receipt });
        } else if (newChallenges.has(s.tracker)) {
          repeats.set(s.tracker, [...(repeats.get(s.tracker) ?? []), p]);
        } else {
          newChallenges.add(s.tracker);
          accept.push(p);
        }
      }
    }
    if (accept.length === 0) return;

    // 2. The ledger: durable and checkpointed when each append resolves.
    const receipts = await Promise.all(
      accept.map((p) => {
        const s = p.submission;
        return this.log.append(
          s.kind === 'ballot'
            ? { type: 'ballot', sha256: s.sha256, ballot: s.ballot as JsonValue }
            : { type: 'challenged', vote: s.vote as JsonValue },
        );
      }),
    );
    for (const r of receipts) {
      if (r.ok) continue;
      // Nothing acknowledged; entries of this batch that did land are applied at the next start.
      this.stop([...accept, ...[...repeats.values()].flat()]);
      throw r.error;
    }
    const got = receipts.flatMap((r) => (r.ok ? [r.value] : []));
    const last = got.reduce((a, r) => (r.treeSize > a.treeSize ? r : a));

    // 3. One transaction: the rows, the checkpoint, the tallies, box_applied.
    const at = this.clock.now();
    try {
      await withTransaction(this.pool, async (client) => {
        for (const r of new Map(got.map((x) => [x.treeSize, x.checkpoint]))) {
          await client.query(
            'INSERT INTO box_checkpoints (election_id, tree_size, note) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
            [electionId, r[0], r[1]],
          );
        }
        const rows = accept.map((p, i) => ({ s: p.submission, r: got[i] as Receipt }));
        const b = rows.filter((x): x is { s: BallotSubmission; r: Receipt } => x.s.kind === 'ballot');
        const c = rows.filter((x): x is { s: ChallengeSubmission; r: Receipt } => x.s.kind === 'challenged');
        if (b.length > 0) {
          await client.query(
            `INSERT INTO box_ballots (election_id, credential_id, tracker, ballot_sha256, region, ledger_index, receipt_size, accepted_at)
             SELECT $1, x.credential_id, x.tracker, x.sha, x.region, x.ledger_index, x.receipt_size, $2
             FROM unnest($3::text[], $4::bytea[], $5::bytea[], $6::text[], $7::bigint[], $8::bigint[])
               AS x(credential_id, tracker, sha, region, ledger_index, receipt_size)`,
            [
              electionId,
              at,
              b.map((x) => x.s.credentialId),
              b.map((x) => bytesOf(x.s.tracker)),
              b.map((x) => bytesOf(x.s.sha256)),
              b.map((x) => x.s.region),
              b.map((x) => x.r.index),
              b.map((x) => x.r.treeSize),
            ],
          );
          await this.addToTallies(
            client,
            b.map((x) => x.s),
            at,
          );
        }
        if (c.length > 0) {
          await client.query(
            `INSERT INTO box_challenged (election_id, tracker, ledger_index, receipt_size, published_at)
             SELECT $1, x.tracker, x.ledger_index, x.receipt_size, $2
             FROM unnest($3::bytea[], $4::bigint[], $5::bigint[]) AS x(tracker, ledger_index, receipt_size)`,
            [
              electionId,
              at,
              c.map((x) => bytesOf(x.s.tracker)),
              c.map((x) => x.r.index),
              c.map((x) => x.r.treeSize),
            ],
          );
        }
        await client.query(
          'UPDATE box_applied SET ledger_size = GREATEST(ledger_size, $2) WHERE election_id = $1',
          [electionId, last.treeSize],
        );
      });
    } catch (e) {
      this.stop([...accept, ...[...repeats.values()].flat()]);
      throw e;
    }

    // 4. Receipts.
    accept.forEach((p, i) => {
      const r = got[i];
      if (r === undefined) return;
      const s = p.submission;
      const receipt = toBoxReceipt(s.tracker, s.kind === 'ballot' ? s.region : null, r);
      p.resolve({ kind: 'accepted', fresh: true, receipt });
      for (const q of repeats.get(s.tracker) ?? []) q.resolve({ kind: 'accepted', fresh: false, receipt });
    });
  }

  /** Fatal: the ledger and the tables may disagree until the next start reconciles them. */
  private stop(batch: readonly Pending[]): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const p of [...batch, ...this.pending.splice(0)]) p.resolve({ kind: 'unavailable' });
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Waits for the queued submissions. */
  async close(): Promise<void> {
    while (this.loop !== undefined) await this.loop.catch(() => undefined);
  }
}
