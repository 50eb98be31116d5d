/**
 * The validation workers' verdicts on one batch of verified entries, as the election checker uses
 * them (`election-checker.ts`, `validate-pool.ts`).
 *
 * Jobs may have been sent to the workers before the log's signed root was checked (the follower hands
 * entries over as it fetches them): a verdict is used only if its leaf hash is the verified entry's,
 * and a job with any other bytes is checked again from the verified ones. A ballot the workers passed
 * is in its job's per-region sum; if the checker rejects it after all (B.6, B.10, in log order), its
 * answers are taken out of that sum, so the sums added to the tallies are exactly the counted ballots'.
 */

import type { Ciphertext, Group } from '@opendeg/crypto';
import { decodeAnswerJson, decodeCiphertextJson, type BallotJson } from '@opendeg/election';
import { decodeEntry } from '@opendeg/ledger';

import type { VerifiedEntry, VerifiedLeaf } from '../follower.ts';
import type { RunningTally } from './running-tally.ts';
import type { JobReply, JobVerdict, ValidatePool } from './validate-pool.ts';

/** Entries per job: one entry bundle, big enough for the batch's multi-scalar multiplication. */
export const JOB_ENTRIES = 256;

export type Passed = Extract<JobVerdict, { ok: true }>;

interface Sum<E> {
  readonly region: string;
  count: number;
  readonly rows: Ciphertext<E>[][];
}

/** A job sent ahead of verification: its entries' range and its reply. */
export interface AheadJob {
  readonly from: number;
  readonly to: number;
  readonly reply: Promise<JobReply>;
}

/** Splits entries (consecutive indices) into jobs on multiples of `JOB_ENTRIES`. */
export function jobsOf<T extends { readonly index: number }>(entries: readonly T[]): T[][] {
  const jobs: T[][] = [];
  let current: T[] = [];
  for (const e of entries) {
    if (current.length > 0 && e.index % JOB_ENTRIES === 0) {
      jobs.push(current);
      current = [];
    }
    current.push(e);
  }
  if (current.length > 0) jobs.push(current);
  return jobs;
}

export class PooledBallots<E> {
  private readonly passed = new Map<number, Passed>();
  private readonly sumOf = new Map<number, Sum<E>>();
  private readonly sums: Sum<E>[] = [];

  private constructor(private readonly g: Group<E>) {}

  /**
   * The verdicts on the verified entries `leaves`: from the jobs sent ahead (`ahead`, by job key)
   * where they checked these very bytes (the same leaf hashes), else from jobs sent now with the
   * bytes `read` returns.
   */
  static async of<E>(
    g: Group<E>,
    pool: ValidatePool,
    leaves: readonly VerifiedLeaf[],
    ahead: Map<number, AheadJob>,
    counts: { judged: number; usedAhead: number },
    read: (indices: readonly number[]) => Promise<VerifiedEntry[]>,
  ): Promise<PooledBallots<E>> {
    const out = new PooledBallots(g);
    const replies = await Promise.all(
      jobsOf(leaves).map(async (job) => {
        const from = job[0]?.index ?? 0;
        const to = from + job.length;
        const key = Math.floor(from / JOB_ENTRIES);
        const sent = ahead.get(key);
        ahead.delete(key);
        // A job sent ahead may have begun before this one (with the manifest, say): its verdicts
        // serve if every ballot it judged is one of these entries, with these bytes.
        if (sent !== undefined && sent.from <= from && sent.to >= to) {
          const reply = await sent.reply.catch(() => undefined);
          if (reply !== undefined && sameLeaves(reply, job)) {
            counts.usedAhead += reply.verdicts.length;
            return reply;
          }
        }
        const reply = await pool.submit(await read(job.map((l) => l.index)));
        counts.judged += reply.verdicts.length;
        return reply;
      }),
    );
    for (const reply of replies) out.take(reply);
    return out;
  }

  private take(reply: JobReply): void {
    for (const v of reply.verdicts) if (v.ok) this.passed.set(v.index, v);
    for (const p of reply.partials) {
      const sum: Sum<E> = {
        region: p.region,
        count: p.count,
        rows: p.aggregates.map((row, q) =>
          row.map((c, k) => decodeCiphertextJson(this.g, c, `partial.${p.region}[${q}][${k}]`, true)),
        ),
      };
      this.sums.push(sum);
      for (const m of p.members) this.sumOf.set(m, sum);
    }
  }

  /** The workers' verdict on a ballot they passed (E.1, E.4, B.1–B.5, B.7–B.9). */
  verdict(index: number): Passed | undefined {
    return this.passed.get(index);
  }

  /** A ballot the workers passed was not counted: its answers leave its sum. */
  rejected(index: number, bytes: Uint8Array): void {
    const sum = this.sumOf.get(index);
    if (sum === undefined) return;
    this.sumOf.delete(index);
    const d = decodeEntry(bytes);
    if (!d.ok) throw new Error(`observer: entry ${index} passed the workers but does not decode`);
    const answers = (d.value.ballot as unknown as BallotJson).vote.answers;
    answers.forEach((a, q) => {
      const row = sum.rows[q];
      decodeAnswerJson(this.g, a, `$.vote.answers[${q}]`).choices.forEach((c, k) => {
        const s = row?.[k];
        if (row === undefined || s === undefined) throw new Error('observer: a sum out of shape');
        row[k] = { alpha: this.g.subtract(s.alpha, c.alpha), beta: this.g.subtract(s.beta, c.beta) };
      });
    });
    sum.count--;
  }

  /** Adds the sums of the counted ballots to the regions' tallies. */
  addTo(tallies: ReadonlyMap<string, RunningTally<E>>): void {
    for (const s of this.sums) {
      if (s.count === 0) continue;
      const t = tallies.get(s.region);
      if (t === undefined) throw new Error(`observer: a sum for region ${s.region}, which has no tally`);
      t.addSum(s.rows, s.count);
    }
  }
}

/** The job's reply is about these bytes: every ballot verdict's leaf hash is the verified entry's. */
function sameLeaves(reply: JobReply, job: readonly VerifiedLeaf[]): boolean {
  const from = job[0]?.index ?? 0;
  for (const v of reply.verdicts) {
    if (v.index < from || v.index >= from + job.length) return false;
    const e = job[v.index - from];
    if (e?.index !== v.index) return false;
    if (e.leaf.length !== v.leaf.length || !e.leaf.every((b, i) => b === v.leaf[i])) return false;
  }
  return true;
}
