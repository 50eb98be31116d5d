/**
 * The election personality of the log follower: re-checks every verified entry as it arrives, while
 * voting runs (P-10.10: "check that choices were kept unaltered, and that the results were
 * established correctly").
 *
 *   - the manifest opens the election (E.2, with its keys checked: V.2) and must agree with the key
 *     ceremonies before it (E.3);
 *   - every ballot passes B.1–B.10 (`validateBallot`, a credential used once, no challenged tracker)
 *     and is added to its region's running tally (RegionTally); a ballot that fails is an invalid
 *     ballot the box accepted: an alarm with the failures as evidence;
 *   - challenged votes must open (C.1–C.2) and never be cast (E.5);
 *   - verification entries (P-11.10.4) are kept, shown, never counted;
 *   - after the close: the published tallies must be the node's own aggregates (E.6), the
 *     decryptions' proofs and the results must hold (V.7, V.8 of the record verifier) and every
 *     region with ballots must have all three once its key group has results (E.7);
 *   - each protocol entry is recomputed line by line from the replica (protocol-check.ts, L.1–L.6).
 */

import { createHash } from 'node:crypto';

import { BatchVerifier, canonicalJsonBytes, type Backend } from '@opendeg/crypto';
import {
  credentialId,
  openElection,
  parseManifest,
  validateBallot,
  verifyChallengedVote,
  verifyRecord,
  type CheckFailure,
  type BallotValidation,
  type Election,
  type EncryptedVoteJson,
  type RegionTallyJson,
} from '@opendeg/election';
import { decodeEntry, hashLeaf, type LedgerEntry } from '@opendeg/ledger';

import { invariant, msg } from '../errors.ts';
import type { CheckContext, EntryChecker, EntryReader, VerifiedEntry, VerifiedLeaf } from '../follower.ts';
import { EntryIndex, type IndexedEntry } from './entry-index.ts';
import { ProtocolCheck } from './protocol-check.ts';
import type { EntryStatus } from './entry-types.ts';
import { jobsOf, JOB_ENTRIES, PooledBallots, type AheadJob, type Passed } from './pooled-ballots.ts';
import { RunningTally } from './running-tally.ts';
import { ValidatePool } from './validate-pool.ts';

/** Entries the workers may hold queued before `prefetch` makes the follower wait. */
const AHEAD_LIMIT = 16_384;

/** Counts of one region, as the node recomputed them. */
export interface RegionCounts {
  readonly region: string;
  /** Ballots cast and counted (line 3 of Appendix 4). */
  readonly cast: number;
  readonly challenged: number;
}

export interface ElectionCounts {
  readonly entries: number;
  readonly counted: number;
  readonly rejected: number;
  readonly challenged: number;
  readonly verification: number;
  readonly published: number;
  readonly other: number;
  readonly regions: RegionCounts[];
}

interface Published {
  readonly index: number;
  readonly body: unknown;
}

const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

export class ElectionChecker implements EntryChecker {
  private election: Election<unknown> | undefined;
  private manifestIndex: number | undefined;
  private readonly ceremonies: { index: number; keyGroup: string; publicKey: unknown }[] = [];
  private readonly used = new Map<string, number>();
  private readonly cast = new Map<string, number>();
  private readonly challengedTrackers = new Map<string, number>();
  private readonly tallies = new Map<string, RunningTally<unknown>>();
  private readonly challengedByRegion = new Map<string, number>();
  private entries = 0;
  private readonly status: Record<EntryStatus, number> = {
    manifest: 0,
    counted: 0,
    rejected: 0,
    challenged: 0,
    verification: 0,
    published: 0,
    other: 0,
  };
  private readonly published = {
    tally: new Map<string, Published>(),
    decryption: new Map<string, Published>(),
    result: new Map<string, Published>(),
  };
  private recordChecked = '';
  /** The protocol line by line (issue 8): L.1–L.6. */
  private readonly protocolCheck = new ProtocolCheck();

  private pool: ValidatePool | undefined;
  /** Workers opened from a manifest the follower fetched but had not verified yet (see `prefetch`). */
  private speculative: { readonly manifest: string; readonly pool: Promise<ValidatePool> } | undefined;
  /** Jobs sent to the workers ahead of verification, by `index / JOB_ENTRIES`. */
  private readonly ahead = new Map<number, AheadJob>();
  /**
   * Ballots the workers have judged so far, how many of their verdicts came from jobs sent ahead, and
   * how many verified entries `checkLeaves` had to read back from the replica.
   */
  private readonly work = { judged: 0, usedAhead: 0, readBack: 0 };
  /** The index rows of the last `check`, being written (`settle`). */
  private indexWriting: Promise<void> | undefined;

  constructor(
    private readonly index: EntryIndex,
    private readonly options: {
      backend?: Backend;
      /** Worker threads that validate ballots in parallel (default 0: on this thread). */
      threads?: number;
    } = {},
  ) {}

  /** Stops the validation workers, if any. */
  async close(): Promise<void> {
    const spec = this.speculative;
    this.speculative = undefined;
    this.ahead.clear();
    if (spec !== undefined) await (await spec.pool.catch(() => undefined))?.close();
    await this.pool?.close();
    this.pool = undefined;
  }

  /**
   * Entries the follower fetched and has not verified yet: the workers start on their ballots' proofs
   * now (pure checks of the bytes; nothing is counted, stored or raised until `check` sees the
   * verified entries, and a verdict is used only for the same bytes). Before the manifest is verified,
   * the workers are opened from the fetched one and kept only if the verified manifest is the same.
   * Resolves when the workers' queue is short enough for the follower to fetch more.
   */
  async prefetch(entries: readonly VerifiedEntry[]): Promise<void> {
    const threads = this.options.threads ?? 0;
    if (threads === 0) return;
    let pool = this.pool;
    if (pool === undefined && this.election === undefined) {
      this.speculative ??= this.speculate(entries, threads);
      pool = await this.speculative?.pool.catch(() => undefined);
    }
    if (pool === undefined) return;
    for (const job of jobsOf(entries)) {
      const from = job[0]?.index ?? 0;
      const reply = pool.submit(job);
      reply.then(
        (r) => {
          this.work.judged += r.verdicts.length;
        },
        () => undefined,
      );
      this.ahead.set(Math.floor(from / JOB_ENTRIES), { from, to: from + job.length, reply });
    }
    await pool.drained(AHEAD_LIMIT);
  }

  /** Workers for the first manifest among fetched entries, if it opens. */
  private speculate(
    entries: readonly VerifiedEntry[],
    threads: number,
  ): { readonly manifest: string; readonly pool: Promise<ValidatePool> } | undefined {
    for (const { bytes } of entries) {
      const d = decodeEntry(bytes);
      if (!d.ok || d.value.type !== 'manifest') continue;
      try {
        const manifest = parseManifest(d.value.manifest);
        if (manifest.suite === 'belenios-2048') return undefined;
        const key = new TextDecoder().decode(canonicalJsonBytes(manifest));
        return { manifest: key, pool: ValidatePool.open(manifest, this.options.backend ?? 'auto', threads) };
      } catch {
        return undefined;
      }
    }
    return undefined;
  }

  /** Progress of the validation workers (for the benchmark and the node's status). */
  workerProgress(): {
    readonly judged: number;
    readonly usedAhead: number;
    readonly readBack: number;
    readonly queued: number;
  } {
    return { ...this.work, queued: this.pool?.queued ?? 0 };
  }

  /** The election once its manifest entry is verified. */
  get openedElection(): Election<unknown> | undefined {
    return this.election;
  }

  counts(): ElectionCounts {
    const regions = new Set([...this.tallies.keys(), ...this.challengedByRegion.keys()]);
    const s = this.status;
    return {
      entries: this.entries,
      counted: s.counted,
      rejected: s.rejected,
      challenged: s.challenged,
      verification: s.verification,
      published: s.published,
      other: s.other + s.manifest,
      regions: [...regions].sort().map((region) => ({
        region,
        cast: this.tallies.get(region)?.ballots ?? 0,
        challenged: this.challengedByRegion.get(region) ?? 0,
      })),
    };
  }

  /** The node's running tally of a region (for queries and the close). */
  tally(region: string): RegionTallyJson | undefined {
    return this.tallies.get(region)?.toJson();
  }

  async check(entries: readonly VerifiedEntry[], ctx: CheckContext): Promise<void> {
    // The workers need the election: entries up to the manifest first, then the rest with them.
    if (this.election === undefined && (this.options.threads ?? 0) > 0) {
      const at = entries.findIndex((e) => {
        const d = decodeEntry(e.bytes);
        return d.ok && d.value.type === 'manifest';
      });
      if (at >= 0 && at < entries.length - 1) {
        await this.check(entries.slice(0, at + 1), ctx);
        await this.check(entries.slice(at + 1), ctx);
        return;
      }
    }
    const first = entries[0]?.index ?? 0;
    await this.count(
      // The leaf hash is needed only to match a worker's verdict: computed when one is compared.
      entries.map((e) => ({
        index: e.index,
        get leaf() {
          return hashLeaf(e.bytes);
        },
      })),
      ctx,
      (from, to) => Promise.resolve(entries.slice(from - first, to - first).map((e) => e.bytes)),
    );
    await this.settle();
  }

  /**
   * Verified entries by their leaf hashes (`EntryChecker.checkLeaves`): a ballot the workers judged
   * ahead under the same leaf hash is counted from their verdict; only the other entries' bytes are
   * read back from the replica.
   */
  async checkLeaves(leaves: readonly VerifiedLeaf[], ctx: CheckContext, reader: EntryReader): Promise<void> {
    const first = leaves[0]?.index;
    if (first === undefined) return;
    const read: EntryReader = async (from, to) => {
      const bytes = await reader(from, to);
      this.work.readBack += bytes.length;
      return bytes;
    };
    // Without the workers' verdicts (before the manifest, or with no workers) every entry is read.
    if (this.election === undefined || this.pool === undefined) {
      const bytes = await read(first, first + leaves.length);
      await this.check(
        bytes.map((b, k) => ({ index: first + k, bytes: b })),
        ctx,
      );
      return;
    }
    await this.count(leaves, ctx, read);
  }

  /** The index rows of the last `check` are written while the next one runs: awaited here. */
  async settle(): Promise<void> {
    const writing = this.indexWriting;
    this.indexWriting = undefined;
    await writing;
  }

  private async count(leaves: readonly VerifiedLeaf[], ctx: CheckContext, read: EntryReader): Promise<void> {
    const rows: IndexedEntry[] = [];
    let closing = false;
    const election = this.election;
    // Every entry read in this call (for a job sent to the workers now, or to be checked here), once.
    const bytesOf = new Map<number, Uint8Array>();
    const readSome = async (indices: readonly number[]): Promise<VerifiedEntry[]> => {
      const out: VerifiedEntry[] = [];
      for (const [from, to] of runsOf(indices.filter((i) => !bytesOf.has(i)))) {
        (await read(from, to)).forEach((b, k) => bytesOf.set(from + k, b));
      }
      for (const index of indices) {
        const bytes = bytesOf.get(index);
        invariant(bytes !== undefined, `entry ${index} read`);
        out.push({ index, bytes });
      }
      return out;
    };
    const pooled =
      this.pool === undefined || election === undefined
        ? undefined
        : await PooledBallots.of(election.group, this.pool, leaves, this.ahead, this.work, readSome);
    // The bytes of every entry the workers did not pass (all of them without workers).
    const verdicts = await this.prevalidate(
      await readSome(leaves.filter((l) => pooled?.verdict(l.index) === undefined).map((l) => l.index)),
    );
    for (const { index } of leaves) {
      // A ballot the workers passed needs only B.6 and B.10 here; its answers are in its job's sum.
      const passed = pooled?.verdict(index);
      let row: IndexedEntry;
      if (
        passed !== undefined &&
        !this.used.has(passed.credentialId) &&
        !this.challengedTrackers.has(passed.tracker.hash)
      ) {
        row = this.countPassed(index, passed);
      } else {
        const [{ bytes }] = (await readSome([index])) as [VerifiedEntry];
        if (passed !== undefined) pooled?.rejected(index, bytes);
        row = await this.checkOne(index, bytes, ctx, verdicts.get(index));
      }
      this.entries++;
      this.status[row.status]++;
      rows.push(row);
      if (row.type === 'tally' || row.type === 'decryption' || row.type === 'result') closing = true;
    }
    pooled?.addTo(this.tallies);
    if (!ctx.replaying) {
      // One write in flight: the previous one is awaited first, so rows go in log order.
      await this.settle();
      const writing = this.index.add(rows);
      writing.catch(() => undefined);
      this.indexWriting = writing;
    }
    if (closing || (ctx.replaying && this.published.result.size > 0)) await this.checkRecord(ctx);
    await this.protocolCheck.after(rows, ctx, {
      election: this.election,
      manifestIndex: this.manifestIndex,
      cast: (region) => this.tallies.get(region)?.ballots ?? 0,
      published: this.published,
    });
  }

  /**
   * The proofs of every ballot of a batch of entries, checked together by random linear combination
   * (one multi-scalar multiplication per key group) when the election is open: the verdicts of a
   * batch that holds are used as they are; if any batch fails, nothing is taken from it and each
   * ballot is validated alone (`checkOne`), which names the failing one. Credential and challenge
   * checks (B.6, B.10) stay in `checkOne`, in log order.
   */
  private async prevalidate(
    entries: readonly VerifiedEntry[],
  ): Promise<Map<number, BallotValidation<unknown>>> {
    const out = new Map<number, BallotValidation<unknown>>();
    const election = this.election;
    // With workers, `PooledBallots` has their verdicts.
    if (election === undefined || entries.length < 2 || this.pool !== undefined) return out;
    const batches = new Map<string, BatchVerifier<unknown>>();
    for (const { index, bytes } of entries) {
      const d = decodeEntry(bytes);
      if (!d.ok || d.value.type !== 'ballot') continue;
      const region = (d.value.ballot as { vote?: { region?: unknown } } | null)?.vote?.region;
      const kg = typeof region === 'string' ? election.regions.get(region)?.def.keyGroup : undefined;
      const key = kg === undefined ? undefined : election.keyGroups.get(kg);
      if (kg === undefined || key === undefined) continue;
      let batch = batches.get(kg);
      if (batch === undefined) {
        batch = new BatchVerifier(election.group, [key.publicKey]);
        batches.set(kg, batch);
      }
      out.set(index, await validateBallot(election, d.value.ballot, { batch }));
    }
    for (const b of batches.values()) if (!b.verify()) return new Map();
    return out;
  }

  /**
   * A ballot the workers passed (E.1, E.4, B.1–B.5, B.7–B.9) whose credential and tracker are new:
   * counted as `checkBallot` counts a valid ballot, its answers added with its job's sum.
   */
  private countPassed(index: number, v: Passed): IndexedEntry {
    this.used.set(v.credentialId, index);
    this.cast.set(v.tracker.hash, index);
    return {
      index,
      type: 'ballot',
      status: 'counted',
      region: v.region,
      tracker: v.tracker.hash,
      trackerCode: v.tracker.code,
    };
  }

  private async checkOne(
    index: number,
    bytes: Uint8Array,
    ctx: CheckContext,
    prevalidated?: BallotValidation<unknown>,
  ): Promise<IndexedEntry> {
    const row = (type: string, status: EntryStatus, extra: Partial<IndexedEntry> = {}): IndexedEntry => ({
      index,
      type,
      status,
      region: null,
      tracker: null,
      trackerCode: null,
      ...extra,
    });
    const decoded = decodeEntry(bytes);
    if (!decoded.ok) {
      await this.alarm(ctx, index, `entry:${index}`, [{ check: 'E.1', message: decoded.error.message }]);
      return row('?', 'rejected');
    }
    const e = decoded.value;
    switch (e.type) {
      case 'key-ceremony': {
        if (typeof e.keyGroup === 'string')
          this.ceremonies.push({ index, keyGroup: e.keyGroup, publicKey: e.publicKey });
        return row(e.type, 'published');
      }
      case 'manifest':
        return this.checkManifest(index, e, ctx, row);
      case 'ballot':
        return this.checkBallot(index, e, ctx, row, prevalidated);
      case 'challenged':
        return this.checkChallenged(index, e, ctx, row);
      case 'verification':
        return row(e.type, 'verification');
      case 'tally':
      case 'decryption':
      case 'result': {
        const body = e[e.type];
        const region = (body as { region?: unknown } | null | undefined)?.region;
        if (typeof region === 'string') this.published[e.type].set(region, { index, body });
        return row(e.type, 'published', typeof region === 'string' ? { region } : {});
      }
      case 'protocol':
      case 'final-lists':
        this.protocolCheck.take(index, e);
        return row(e.type, 'published');
      case 'partial-decryption':
      case 'invalidation':
        return row(e.type, 'published');
      default:
        return row(e.type, 'other');
    }
  }

  private async checkManifest(
    index: number,
    e: LedgerEntry,
    ctx: CheckContext,
    row: (type: string, status: EntryStatus) => IndexedEntry,
  ): Promise<IndexedEntry> {
    if (this.election !== undefined) {
      await this.alarm(ctx, index, `manifest:${index}`, [
        { check: 'E.2', message: `a second manifest (the first is entry ${this.manifestIndex ?? '?'})` },
      ]);
      return row(e.type, 'rejected');
    }
    const failures: CheckFailure[] = [];
    try {
      const manifest = parseManifest(e.manifest);
      if (e.sha256 !== undefined && e.sha256 !== sha256Hex(canonicalJsonBytes(manifest))) {
        failures.push({ check: 'E.4', message: 'sha256 is not the hash of the manifest' });
      }
      for (const c of this.ceremonies) {
        const kg = manifest.keyGroups.find((k) => k.id === c.keyGroup);
        if (kg !== undefined && kg.publicKey !== c.publicKey) {
          failures.push({
            check: 'E.3',
            message: `key group ${c.keyGroup}: not the key of the ceremony at entry ${c.index}`,
          });
        }
      }
      const election = await openElection(manifest, {
        checkKeys: true,
        ...(this.options.backend === undefined ? {} : { backend: this.options.backend }),
      });
      this.election = election;
      this.manifestIndex = index;
      for (const [code, r] of election.regions)
        this.tallies.set(code, new RunningTally(election.group, code, r.style));
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      failures.push({ check: 'V.1', message: err.message });
    }
    // The workers are the node's own: failing to start them is a fault of the node, not of the log.
    const threads = this.options.threads ?? 0;
    if (this.election !== undefined && threads > 0 && this.election.manifest.suite !== 'belenios-2048') {
      this.pool ??= await this.adoptPool(this.election, threads);
    }
    if (failures.length > 0) {
      await this.alarm(ctx, index, `manifest:${index}`, failures);
      return row(e.type, this.election === undefined ? 'rejected' : 'manifest');
    }
    return row(e.type, 'manifest');
  }

  /** The workers opened ahead from this very manifest, or new ones (and nothing sent ahead is kept). */
  private async adoptPool(election: Election<unknown>, threads: number): Promise<ValidatePool> {
    const spec = this.speculative;
    this.speculative = undefined;
    const key = new TextDecoder().decode(canonicalJsonBytes(election.manifest));
    const pool = await spec?.pool.catch(() => undefined);
    if (pool !== undefined && spec?.manifest === key) return pool;
    this.ahead.clear();
    await pool?.close();
    return ValidatePool.open(election.manifest, this.options.backend ?? 'auto', threads);
  }

  private async checkBallot(
    index: number,
    e: LedgerEntry,
    ctx: CheckContext,
    row: (type: string, status: EntryStatus, extra?: Partial<IndexedEntry>) => IndexedEntry,
    prevalidated: BallotValidation<unknown> | undefined,
  ): Promise<IndexedEntry> {
    const election = this.election;
    if (election === undefined) {
      await this.alarm(ctx, index, `ballot:${index}`, [
        { check: 'E.2', message: 'a ballot before the manifest' },
      ]);
      return row(e.type, 'rejected');
    }
    // A ballot whose batch held needs only its credential and tracker checked against the log so far.
    const r =
      prevalidated?.ok === true &&
      !this.used.has(prevalidated.ballot.credentialId) &&
      !this.challengedTrackers.has(prevalidated.ballot.tracker.hash)
        ? prevalidated
        : await validateBallot(election, e.ballot, {
            isCredentialUsed: (id) => this.used.has(id),
            isChallenged: (t) => this.challengedTrackers.has(t),
          });
    const failures: CheckFailure[] = r.ok ? [] : [...r.failures];
    if (e.sha256 !== undefined && e.sha256 !== sha256Hex(canonicalJsonBytes(e.ballot))) {
      failures.push({ check: 'E.4', message: 'sha256 is not the hash of the ballot' });
    }
    const tracker = r.ok ? r.ballot.tracker : r.tracker;
    const extra = tracker === undefined ? {} : { tracker: tracker.hash, trackerCode: tracker.code };
    if (r.ok && failures.length === 0) {
      this.used.set(r.ballot.credentialId, index);
      this.cast.set(r.ballot.tracker.hash, index);
      const region = r.ballot.region.def.code;
      this.tallies.get(region)?.add(r.ballot.answers);
      return row(e.type, 'counted', { ...extra, region });
    }
    const prior = this.priorUse(e.ballot);
    await this.alarm(ctx, index, `ballot:${index}`, failures, prior);
    return row(e.type, 'rejected', extra);
  }

  /** The entry where this ballot's credential was first used, if any. */
  private priorUse(ballot: unknown): number | undefined {
    try {
      const c = (ballot as { credential: Parameters<typeof credentialId>[0] }).credential;
      return this.used.get(credentialId(c));
    } catch {
      return undefined;
    }
  }

  private async checkChallenged(
    index: number,
    e: LedgerEntry,
    ctx: CheckContext,
    row: (type: string, status: EntryStatus, extra?: Partial<IndexedEntry>) => IndexedEntry,
  ): Promise<IndexedEntry> {
    const election = this.election;
    if (election === undefined) {
      await this.alarm(ctx, index, `challenged:${index}`, [
        { check: 'E.2', message: 'a challenge before the manifest' },
      ]);
      return row(e.type, 'rejected');
    }
    const r = verifyChallengedVote(election, e.vote);
    if (!r.ok) {
      await this.alarm(ctx, index, `challenged:${index}`, r.failures);
      return row(e.type, 'rejected');
    }
    const extra = { tracker: r.tracker.hash, trackerCode: r.tracker.code };
    const castAt = this.cast.get(r.tracker.hash);
    if (castAt !== undefined) {
      await this.alarm(
        ctx,
        index,
        `challenged:${index}`,
        [{ check: 'E.5', message: `this vote was cast as entry ${castAt}` }],
        castAt,
      );
      return row(e.type, 'rejected', extra);
    }
    this.challengedTrackers.set(r.tracker.hash, index);
    const region = ((e.vote as { vote?: EncryptedVoteJson } | null)?.vote ?? undefined)?.region;
    if (typeof region === 'string')
      this.challengedByRegion.set(region, (this.challengedByRegion.get(region) ?? 0) + 1);
    return row(e.type, 'challenged', { ...extra, ...(typeof region === 'string' ? { region } : {}) });
  }

  /** After the close: published tallies, decryptions and results against the node's own tallies. */
  private async checkRecord(ctx: CheckContext): Promise<void> {
    const election = this.election;
    if (election === undefined || this.manifestIndex === undefined) return;
    const failures: CheckFailure[] = [];
    // E.6: the published tallies are the node's aggregates.
    for (const [region, p] of this.published.tally) {
      const mine = this.tallies.get(region)?.toJson();
      const theirs = p.body as RegionTallyJson;
      if (mine === undefined) {
        failures.push({ check: 'E.6', message: 'a tally of an unknown region', where: `region ${region}` });
      } else if (
        mine.ballots !== theirs.ballots ||
        JSON.stringify(mine.aggregates) !== JSON.stringify(theirs.aggregates)
      ) {
        failures.push({
          check: 'E.6',
          message: `published tally (${theirs.ballots} ballots) is not the node's (${mine.ballots} ballots)`,
          where: `region ${region}`,
        });
      }
    }
    // V.7, V.8: the record verifier on the published parts (its V.3–V.6 need the ballots: E.6 did that).
    const report = await verifyRecord({
      manifest: election.manifest,
      ballots: [],
      challenged: [],
      tallies: [...this.published.tally.values()].map((p) => p.body),
      decryptions: [...this.published.decryption.values()].map((p) => p.body),
      results: [...this.published.result.values()].map((p) => p.body),
    });
    for (const c of report.checks) {
      if (c.id === 'V.7' || c.id === 'V.8') failures.push(...c.failures);
    }
    // E.7: completeness, once any result of the region's key group is out (key groups close at
    // their own times, P-7.1: the late group still votes when the main group's results are out).
    const closedGroups = new Set(
      [...this.published.result.keys()].map((r) => election.regions.get(r)?.def.keyGroup),
    );
    for (const [region, t] of this.tallies) {
      if (t.ballots === 0 || !closedGroups.has(election.regions.get(region)?.def.keyGroup)) continue;
      for (const kind of ['tally', 'decryption', 'result'] as const) {
        if (!this.published[kind].has(region)) {
          failures.push({ check: 'E.7', message: `no published ${kind}`, where: `region ${region}` });
        }
      }
    }
    this.protocolCheck.recordFailures(failures);
    const key = JSON.stringify(failures);
    if (failures.length === 0 || key === this.recordChecked || ctx.replaying) {
      this.recordChecked = key;
      return;
    }
    this.recordChecked = key;
    const published = [
      ...this.published.tally.values(),
      ...this.published.decryption.values(),
      ...this.published.result.values(),
    ].map((p) => p.index);
    const indices = [this.manifestIndex, ...published];
    await ctx.raise({
      kind: 'record-invalid',
      fingerprint: `record:${sha256Hex(new TextEncoder().encode(key))}`,
      message: msg(
        `опубликованные итоги не сходятся с журналом: ${failures.map((f) => `${f.check} ${f.where ?? ''}`).join('; ')}`,
        `the published results do not agree with the ledger: ${failures.map((f) => `${f.check} ${f.where ?? ''}`).join('; ')}`,
      ),
      indices,
      election: {
        manifest: 0,
        entry: indices.length > 1 ? 1 : 0,
        published: published.map((_, i) => i + 1),
        failures,
      },
    });
  }

  private async alarm(
    ctx: CheckContext,
    index: number,
    fingerprint: string,
    failures: readonly CheckFailure[],
    prior?: number,
  ): Promise<void> {
    const m = this.manifestIndex;
    const indices = [
      ...(m === undefined || m === index ? [] : [m]),
      index,
      ...(prior === undefined ? [] : [prior]),
    ];
    const entryAt = m === undefined || m === index ? 0 : 1;
    const list = failures.map((f) => `${f.check}: ${f.message}`).join('; ');
    await ctx.raise({
      kind: 'invalid-entry',
      fingerprint,
      message: msg(
        `журнал принял недопустимую запись ${index}: ${list}`,
        `the log accepted an invalid entry ${index}: ${list}`,
      ),
      indices,
      election: {
        ...(m === undefined || m === index ? {} : { manifest: 0 }),
        entry: entryAt,
        ...(prior === undefined ? {} : { prior: entryAt + 1 }),
        failures,
      },
    });
  }
}

/** Sorted indices as half-open runs of consecutive ones: [1, 2, 3, 7] → [1, 4), [7, 8). */
function runsOf(indices: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const i of indices) {
    const last = runs[runs.length - 1];
    if (last?.[1] === i) last[1] = i + 1;
    else runs.push([i, i + 1]);
  }
  return runs;
}
