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
import { canonicalJsonBytes, type Group, type JsonValue } from '@opendeg/crypto';
import {
  encodeCiphertextJson,
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
  /** The ballot's RFC 8785 canonical JSON: what its sha256 is of, spliced into its ledger entry. */
  readonly canonical: Uint8Array;
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

const ENTRY_HEAD = Buffer.from('{"ballot":');
const ENTRY_TAIL = Buffer.from('","type":"ballot"}');

/**
 * The ledger entry of a ballot, `{"type":"ballot","sha256":…,"ballot":…}` as RFC 8785 canonical
 * JSON (what Ledger.append would encode), from the ballot's canonical bytes: members in key order
 * (ballot, sha256, type), so the ballot's bytes are spliced in rather than canonicalised again.
 */
export function ballotEntryBytes(canonical: Uint8Array, sha256: string): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('ballot box: sha256 must be 64 hex digits');
  return Buffer.concat([ENTRY_HEAD, canonical, Buffer.from(`,"sha256":"${sha256}`), ENTRY_TAIL]);
}

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

/**
 * The sum of group elements. The native ristretto255 backend adds many at once in one multi-scalar
 * multiplication with every scalar 1 (measured 3–10× faster than one addition at a time, each of
 * which decodes and encodes); the pure-TypeScript backends add one at a time (their MSM is slower).
 */
export function sumOf<E>(g: Group<E>, elements: readonly E[]): E {
  if (g.backend === 'native')
    return g.multiplyMany(
      elements,
      elements.map(() => 1n),
    );
  return elements.reduce((a, b) => g.add(a, b), g.identity);
}

const UPDATE_TALLIES = `UPDATE box_tallies SET ballots = x.ballots, aggregates = x.aggregates::jsonb, updated_at = $2
  FROM unnest($3::text[], $4::bigint[], $5::text[]) AS x(region, ballots, aggregates)
  WHERE box_tallies.election_id = $1 AND box_tallies.region = x.region`;

/**
 * A batch's rows in one statement (one round trip, under load each one is a wait for the database
 * process): the checkpoints, the ballots, the challenged votes, the tallies (computed under their
 * row locks) and box_applied. Data-modifying CTEs all run, whatever the outer statement reads.
 */
const RECORD_BATCH = `WITH checkpoints AS (
    INSERT INTO box_checkpoints (election_id, tree_size, note)
    SELECT $1, x.tree_size, x.note FROM unnest($3::bigint[], $4::text[]) AS x(tree_size, note)
    ON CONFLICT DO NOTHING
  ), ballots AS (
    INSERT INTO box_ballots (election_id, credential_id, tracker, ballot_sha256, region, ledger_index, receipt_size, accepted_at)
    SELECT $1, x.credential_id, x.tracker, x.sha, x.region, x.ledger_index, x.receipt_size, $2
    FROM unnest($5::text[], $6::bytea[], $7::bytea[], $8::text[], $9::bigint[], $10::bigint[])
      AS x(credential_id, tracker, sha, region, ledger_index, receipt_size)
  ), challenged AS (
    INSERT INTO box_challenged (election_id, tracker, ledger_index, receipt_size, published_at)
    SELECT $1, x.tracker, x.ledger_index, x.receipt_size, $2
    FROM unnest($11::bytea[], $12::bigint[], $13::bigint[]) AS x(tracker, ledger_index, receipt_size)
  ), tallies AS (
    UPDATE box_tallies SET ballots = x.ballots, aggregates = x.aggregates::jsonb, updated_at = $2
    FROM unnest($14::text[], $15::bigint[], $16::text[]) AS x(region, ballots, aggregates)
    WHERE box_tallies.election_id = $1 AND box_tallies.region = x.region
  )
  UPDATE box_applied SET ledger_size = GREATEST(ledger_size, $17) WHERE election_id = $1`;

function rootOf(note: string): Uint8Array {
  const body = note.slice(0, note.indexOf('\n\n') + 1);
  const cp = parseCheckpoint(body);
  if (!cp.ok) throw new Error(`ballot box: stored checkpoint does not parse: ${cp.error.message}`);
  return cp.value.root;
}

export interface BallotRow {
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
          const canonical = canonicalJsonBytes(entry.value.ballot);
          ballots.push({
            index: start + i,
            s: {
              kind: 'ballot',
              canonical,
              sha256: createHash('sha256').update(canonical).digest('hex'),
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

  /** Adds ballots to their regions' running tallies in the caller's transaction (talliesAfter). */
  private async addToTallies(
    client: pg.PoolClient,
    ballots: readonly Pick<BallotSubmission, 'region' | 'answers'>[],
    at: Date,
  ): Promise<void> {
    const t = await this.talliesAfter(client, ballots);
    await client.query(UPDATE_TALLIES, [
      this.electionId,
      at,
      t.map((u) => u.region),
      t.map((u) => u.ballots),
      t.map((u) => u.aggregates),
    ]);
  }

  /**
   * The running tallies of the ballots' regions with the ballots added, to be written in the
   * caller's transaction: the touched rows are read under a row lock (one query for the batch), so
   * the stored tally is always the sum of the stored ballots, whatever else holds a tally in memory.
   */
  private async talliesAfter(
    client: pg.PoolClient,
    ballots: readonly Pick<BallotSubmission, 'region' | 'answers'>[],
  ): Promise<{ region: string; ballots: number; aggregates: string }[]> {
    const regions = [...new Set(ballots.map((b) => b.region))].sort();
    if (regions.length === 0) return [];
    const rows = await client.query<{
      region: string;
      ballots: string;
      aggregates: RegionTallyJson['aggregates'];
    }>(
      `SELECT region, ballots, aggregates FROM box_tallies WHERE election_id = $1 AND region = ANY($2::text[])
       ORDER BY region FOR UPDATE`,
      [this.electionId, regions],
    );
    const stored = new Map(rows.rows.map((row) => [row.region, row]));
    const g = this.election.group;
    const updated = regions.map((region) => {
      const r = this.election.regions.get(region);
      if (r === undefined) throw new Error(`ballot box: no region ${region}`);
      const row = stored.get(region);
      if (row === undefined) throw new Error(`ballot box: no tally of region ${region}`);
      // The stored tally, decoded and its shape checked; then each cell plus the batch's ciphertexts
      // of that cell, summed at once (sumOf): ElGamal is additive, so the sum is the same.
      const tally = RegionTally.fromJson(g, r.style, {
        region,
        ballots: Number(row.ballots),
        aggregates: row.aggregates,
      });
      const members = ballots.filter((b) => b.region === region);
      const aggregates = tally.aggregates.map((cells, q) =>
        cells.map((cell, k) => {
          const alphas = [cell.alpha];
          const betas = [cell.beta];
          for (const b of members) {
            const c = b.answers[q]?.choices[k];
            if (
              b.answers.length !== tally.aggregates.length ||
              b.answers[q]?.choices.length !== cells.length ||
              c === undefined
            )
              throw new Error(`ballot box: a ballot of region ${region} does not fit its tally`);
            alphas.push(c.alpha);
            betas.push(c.beta);
          }
          return encodeCiphertextJson(g, { alpha: sumOf(g, alphas), beta: sumOf(g, betas) });
        }),
      );
      return { region, ballots: tally.ballots + members.length, aggregates: JSON.stringify(aggregates) };
    });
    return updated;
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

  /**
   * What the tables hold of a batch of ballots (committed): the receipts of those stored by their
   * SHA-256 and which credentials have voted, in one query.
   */
  async lookup(
    sha256s: readonly string[],
    credentials: readonly string[],
  ): Promise<{ readonly stored: ReadonlyMap<string, BallotRow>; readonly used: ReadonlySet<string> }> {
    const r = await this.pool.query<BallotRow>(
      `SELECT credential_id, tracker, ballot_sha256, region, ledger_index, receipt_size FROM box_ballots
       WHERE election_id = $1 AND (ballot_sha256 = ANY($2::bytea[]) OR credential_id = ANY($3::text[]))`,
      [this.electionId, sha256s.map(bytesOf), credentials],
    );
    return {
      stored: new Map(r.rows.map((row) => [row.ballot_sha256.toString('hex'), row])),
      used: new Set(r.rows.map((row) => row.credential_id)),
    };
  }

  /** The receipt of a stored ballot (a row from `lookup`), exactly as first given. */
  receiptOfRow(row: BallotRow): Promise<BoxReceipt> {
    return this.storedReceipt(
      row.tracker.toString('hex'),
      row.region,
      Number(row.ledger_index),
      Number(row.receipt_size),
    );
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
      this.pool.query<BallotRow>(
        `SELECT credential_id, tracker, ballot_sha256, region, ledger_index, receipt_size FROM box_ballots
         WHERE election_id = $1 AND credential_id = ANY($2::text[])`,
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
    const usedBy = new Map(used.rows.map((r) => [r.credential_id, r]));
    const castSet = new Set(cast.rows.map((r) => r.tracker.toString('hex')));
    const challengedRows = new Map(challenged.rows.map((r) => [r.tracker.toString('hex'), r]));
    const accept: Pending[] = [];
    const newChallenges = new Set<string>();
    /** The same challenge twice in one batch: the second gets the first one's receipt. */
    const repeats = new Map<string, Pending[]>();
    for (const p of batch) {
      const s = p.submission;
      if (s.kind === 'ballot') {
        const stored = usedBy.get(s.credentialId);
        if (stored?.ballot_sha256.toString('hex') === s.sha256) {
          // The same ballot, committed since its sender looked: its receipt, as first given.
          p.resolve({ kind: 'accepted', fresh: false, receipt: await this.receiptOfRow(stored) });
        } else if (stored !== undefined) p.resolve({ kind: 'credential-used' });
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
        return s.kind === 'ballot'
          ? this.log.appendBytes(ballotEntryBytes(s.canonical, s.sha256))
          : this.log.append({ type: 'challenged', vote: s.vote as JsonValue });
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

    // 3. One transaction: the tallies read under their locks, then the rows, the checkpoint, the
    // tallies and box_applied in one statement.
    const at = this.clock.now();
    try {
      const rows = accept.map((p, i) => ({ s: p.submission, r: got[i] as Receipt }));
      const b = rows.filter((x): x is { s: BallotSubmission; r: Receipt } => x.s.kind === 'ballot');
      const c = rows.filter((x): x is { s: ChallengeSubmission; r: Receipt } => x.s.kind === 'challenged');
      const checkpoints = [...new Map(got.map((x) => [x.treeSize, x.checkpoint]))];
      await withTransaction(this.pool, async (client) => {
        const tallies = await this.talliesAfter(
          client,
          b.map((x) => x.s),
        );
        await client.query(RECORD_BATCH, [
          electionId,
          at,
          checkpoints.map(([size]) => size),
          checkpoints.map(([, note]) => note),
          b.map((x) => x.s.credentialId),
          b.map((x) => bytesOf(x.s.tracker)),
          b.map((x) => bytesOf(x.s.sha256)),
          b.map((x) => x.s.region),
          b.map((x) => x.r.index),
          b.map((x) => x.r.treeSize),
          c.map((x) => bytesOf(x.s.tracker)),
          c.map((x) => x.r.index),
          c.map((x) => x.r.treeSize),
          tallies.map((t) => t.region),
          tallies.map((t) => t.ballots),
          tallies.map((t) => t.aggregates),
          last.treeSize,
        ]);
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
