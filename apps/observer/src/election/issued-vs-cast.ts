/**
 * Issued against cast (P-11.10.4, P-10.2): the node fetches the server's published figures
 * (`GET /api/figures`: per region the ballots issued — ballot access granted — and the ballots cast)
 * and holds them against its own replica of the ballot box's log. Per region, with replica counts
 * taken from the node's own verdicts (ballots counted at `idx < size`):
 *
 *   F.1  cast(before) ≤ published cast   — the figures do not lose ballots the log holds;
 *   F.2  published cast ≤ cast(after)    — the figures count no ballot the log does not hold;
 *   F.3  cast(before) ≤ issued           — no more ballots in the log than ballots issued.
 *
 * Exact (`mode: 'exact'`). The server's figures carry the log's tree size the ballots cast are
 * exactly the count of, with the log-signed checkpoint of that size (`ledger`, apps/server
 * figures.ts readCast). The node checks the signature, waits until it has verified that size
 * itself (polling the log, up to `waitMs`; a size the node has not got yet is not an alarm), checks
 * that its tree at that size has the signed root (another root is a split view, which the
 * follower raises as a fork: `Follower.compareForeign`), and compares at that one size: before = after =
 * the figures' size, so F.1 and F.2 together say the published cast EQUALS the replica's count
 * (the names are kept: F.1 one fewer published than the log holds, F.2 one more).
 *
 * Bracket (`mode: 'bracket'`), for a server whose figures carry no tree size: figures and
 * checkpoints are not read atomically, so the comparison brackets the figures between two
 * checkpoints the node verified itself:
 *
 *   before — the node's verified checkpoint, verified at least `settleMs` before the figures were
 *            requested. The box appends a ballot to the log (and checkpoints it) before it adds it
 *            to the region's running tally (apps/server ballot-box/box-writer.ts, steps 2–3), and
 *            the figures are served from a snapshot at most the feed's poll interval old (1 s,
 *            figures-feed.ts). So `settleMs` must exceed that interval plus the append-to-tally
 *            time; the default is 3 s.
 *   after  — the checkpoint the node fetched and verified after the figures arrived (a poll that
 *            found the log unchanged or advanced to it). Whatever the figures count was appended,
 *            and so checkpointed, before they were read: no tolerance is needed on this side.
 *
 * When before and after are the same tree the bracket is exact too (`exact`). A failed check is a
 * `figures-mismatch` alarm with evidence of its own format: the figures document as fetched (URL,
 * times, the exact text: the node's testimony), the log-signed checkpoints (exact: the one at the
 * figures' size; bracket: before and after) and the replica's counts at their sizes (the node's
 * count, which anyone can redo by replicating the log up to the signed size).
 * `verifyIssuedVsCastEvidence` re-checks it offline.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { canonicalJson, equalBytes } from '@opendeg/crypto';
import { fromBase64, openCheckpoint, parseVerifierKey, type NoteVerifier } from '@opendeg/ledger';
import type pg from 'pg';

import { messageText, msg, type Message } from '../errors.ts';
import type { Evidence, EvidenceVerdict } from '../evidence.ts';
import type { Follower } from '../follower.ts';
import { AlarmStore } from '../store/alarm-store.ts';

export const FIGURES_EVIDENCE_FORMAT = 'opendeg-observer-figures-evidence/1';
/** Default bracket tolerance; see the module comment. */
export const DEFAULT_SETTLE_MS = 3000;
/** How long an exact comparison waits for the node to verify the figures' tree size. */
export const DEFAULT_WAIT_MS = 30_000;
/** Between polls of the log while waiting for that size. */
const WAIT_POLL_MS = 200;

export type FiguresCheck = 'F.1' | 'F.2' | 'F.3';

export interface FiguresViolation {
  readonly check: FiguresCheck;
  readonly region: string;
  readonly message: Message;
}

export interface RegionComparison {
  readonly region: string;
  readonly issued: number;
  readonly publishedCast: number;
  readonly castBefore: number;
  readonly castAfter: number;
}

export interface CheckpointRef {
  readonly size: number;
  /** The log-signed note. */
  readonly note: string;
  /**
   * When the node held it as verified (ISO 8601). Before: when it was verified (after its fetch).
   * After: when the poll that fetched the log's latest checkpoint and found this tree began — the
   * log served it no earlier.
   */
  readonly verifiedAt: string;
}

export interface IssuedVsCastReport {
  /** `unverified`: nothing compared (no verified checkpoint after the figures, unreadable figures). */
  readonly state: 'ok' | 'violation' | 'unverified';
  /** `exact`: at the tree size the figures carry; `bracket`: figures without one. */
  readonly mode: 'exact' | 'bracket';
  /** The tree size the figures carry (exact mode), else null. */
  readonly treeSize: number | null;
  readonly figuresUrl: string;
  readonly requestedAt: string;
  readonly receivedAt: string | null;
  readonly settleMs: number;
  readonly before: CheckpointRef | null;
  readonly after: CheckpointRef | null;
  /** Before and after are one tree: the published cast must equal the replica's. */
  readonly exact: boolean;
  readonly regions: readonly RegionComparison[];
  readonly violations: readonly FiguresViolation[];
  readonly reason?: Message;
  readonly alarmId?: number;
  readonly evidenceFile?: string;
}

/** The published figures as this check reads them (apps/server figures.ts FiguresSnapshot). */
interface FiguresDocument {
  readonly regions: readonly { code: string; ballotsIssued: number; ballotsCast?: number }[];
  readonly totals: { readonly ballotsCast?: number };
  /** The log's tree the ballots cast are exactly the count of (servers that send it). */
  readonly ledger?: { readonly treeSize: number; readonly rootHash: string; readonly checkpoint: string };
}

export interface FiguresEvidence {
  readonly format: typeof FIGURES_EVIDENCE_FORMAT;
  /**
   * The node's alarm kind: published figures that differ from what the ledger implies. Files of
   * earlier nodes say `record-invalid`; the verifier takes both.
   */
  readonly kind: 'figures-mismatch' | 'record-invalid';
  /** Absent in files of earlier nodes: `bracket`. */
  readonly mode?: 'exact' | 'bracket';
  /** Exact: the tree size the figures carry; `checkpoints` holds the log-signed one of that size. */
  readonly treeSize?: number;
  readonly origin: string;
  readonly logKey: string;
  readonly observer: string;
  readonly detectedAt: string;
  readonly message: Message;
  readonly settleMs: number;
  readonly figures: {
    readonly url: string;
    readonly requestedAt: string;
    readonly receivedAt: string;
    /** The response body exactly as received (the node's testimony: it carries no signature). */
    readonly body: string;
  };
  /** Bracket: [before, after]. Exact: [the checkpoint at `treeSize`]. */
  readonly checkpoints: readonly CheckpointRef[];
  /** The node's counted ballots per region at each checkpoint's size (exact: both at `treeSize`). */
  readonly replica: {
    readonly before: Readonly<Record<string, number>>;
    readonly after: Readonly<Record<string, number>>;
  };
  readonly violations: readonly FiguresViolation[];
}

function parseFigures(text: string): FiguresDocument | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return `not JSON: ${e instanceof Error ? e.message : String(e)}`;
  }
  const d = doc as { regions?: unknown; totals?: unknown } | null;
  const count = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
  const region = (r: unknown): boolean => {
    const x = r as { code?: unknown; ballotsIssued?: unknown; ballotsCast?: unknown } | null;
    return (
      typeof x?.code === 'string' &&
      count(x.ballotsIssued) &&
      (x.ballotsCast === undefined || count(x.ballotsCast))
    );
  };
  if (
    d === null ||
    typeof d !== 'object' ||
    !Array.isArray(d.regions) ||
    typeof d.totals !== 'object' ||
    d.totals === null ||
    !d.regions.every(region)
  ) {
    return 'not a figures document (regions with code, ballotsIssued, ballotsCast)';
  }
  const ledger = (d as { ledger?: unknown }).ledger as
    { treeSize?: unknown; rootHash?: unknown; checkpoint?: unknown } | null | undefined;
  if (
    ledger !== undefined &&
    (ledger === null ||
      typeof ledger !== 'object' ||
      !Number.isSafeInteger(ledger.treeSize) ||
      (ledger.treeSize as number) < 1 ||
      typeof ledger.rootHash !== 'string' ||
      typeof ledger.checkpoint !== 'string')
  ) {
    return 'ledger: a tree size, a root hash and a checkpoint are needed';
  }
  return d as FiguresDocument;
}

/**
 * The comparison itself, pure: figures against the replica's counts at the two checkpoints. A region
 * the figures do not name has published nothing (0 issued, 0 cast). Without `ballotsCast` (no ballot
 * box connected to the figures) only F.3 is checked.
 */
export function compareFigures(
  figures: FiguresDocument,
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): { regions: RegionComparison[]; violations: FiguresViolation[] } {
  const published = new Map(figures.regions.map((r) => [r.code, r]));
  const hasCast = figures.totals.ballotsCast !== undefined;
  const codes = [...new Set([...published.keys(), ...before.keys(), ...after.keys()])].sort();
  const regions: RegionComparison[] = [];
  const violations: FiguresViolation[] = [];
  for (const region of codes) {
    const p = published.get(region);
    const issued = p?.ballotsIssued ?? 0;
    const publishedCast = p?.ballotsCast ?? 0;
    const castBefore = before.get(region) ?? 0;
    const castAfter = after.get(region) ?? 0;
    regions.push({ region, issued, publishedCast, castBefore, castAfter });
    if (hasCast && castBefore > publishedCast) {
      violations.push({
        check: 'F.1',
        region,
        message: msg(
          `регион ${region}: опубликовано ${publishedCast} отданных голосов, в журнале их уже ${castBefore}`,
          `region ${region}: ${publishedCast} ballots cast published, the log already holds ${castBefore}`,
        ),
      });
    }
    if (hasCast && publishedCast > castAfter) {
      violations.push({
        check: 'F.2',
        region,
        message: msg(
          `регион ${region}: опубликовано ${publishedCast} отданных голосов, в журнале только ${castAfter}`,
          `region ${region}: ${publishedCast} ballots cast published, the log holds only ${castAfter}`,
        ),
      });
    }
    if (castBefore > issued) {
      violations.push({
        check: 'F.3',
        region,
        message: msg(
          `регион ${region}: в журнале ${castBefore} голосов, а выдано бюллетеней ${issued}`,
          `region ${region}: the log holds ${castBefore} ballots, but only ${issued} ballots were issued`,
        ),
      });
    }
  }
  return { regions, violations };
}

export interface IssuedVsCastOptions {
  readonly follower: Follower;
  readonly pool: pg.Pool;
  /** The server's figures, e.g. `http://host/api/figures`. */
  readonly figuresUrl: string;
  readonly name: string;
  readonly evidenceDir: string;
  readonly clock: () => number;
  readonly settleMs?: number;
  /** How long an exact comparison waits for the node to verify the figures' size. */
  readonly waitMs?: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The figures as fetched: the body and its times, or why there is none. */
type Fetched =
  | { readonly ok: true; readonly requested: number; readonly received: number; readonly body: string }
  | { readonly ok: false; readonly requested: number; readonly why: string };

export class IssuedVsCast {
  private last: IssuedVsCastReport | undefined;
  private raisedNow = 0;
  private running: Promise<IssuedVsCastReport> | undefined;
  private readonly alarms: AlarmStore;
  private readonly verifier: NoteVerifier;
  /** Did the server's last figures carry a tree size? Then the next ones are fetched at once. */
  private sized = true;
  readonly settleMs: number;
  readonly waitMs: number;

  constructor(private readonly options: IssuedVsCastOptions) {
    this.settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
    this.waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
    this.alarms = new AlarmStore(options.pool, options.follower.origin);
    const key = parseVerifierKey(options.follower.logKey);
    // The follower opened with this key: it parses.
    if (!key.ok) throw new Error(`issued vs cast: log key: ${key.error.message}`);
    this.verifier = key.value.verifier;
  }

  /** The latest comparison, if any. */
  get latest(): IssuedVsCastReport | undefined {
    return this.last;
  }

  /** Alarms this comparison raised since the node started (the follower counts earlier ones). */
  get raised(): number {
    return this.raisedNow;
  }

  /** Compares now (one comparison at a time: a caller during one gets its report). */
  check(): Promise<IssuedVsCastReport> {
    this.running ??= this.compare().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Counted ballots per region among the first `size` entries, as the node's checker judged them. */
  private async castAt(size: number): Promise<Map<string, number>> {
    const r = await this.options.pool.query<{ region: string; n: string }>(
      `SELECT region, count(*) AS n FROM observer_entry
       WHERE origin = $1 AND idx < $2 AND status = 'counted' AND region IS NOT NULL GROUP BY region`,
      [this.options.follower.origin, size],
    );
    return new Map(r.rows.map((row) => [row.region, Number(row.n)]));
  }

  private async fetchFigures(): Promise<Fetched> {
    const { clock, figuresUrl } = this.options;
    const requested = clock();
    try {
      const res = await fetch(figuresUrl, { headers: { accept: 'application/json' } });
      const body = await res.text();
      const received = clock();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return { ok: true, requested, received, body };
    } catch (e) {
      return { ok: false, requested, why: e instanceof Error ? e.message : String(e) };
    }
  }

  private async compare(): Promise<IssuedVsCastReport> {
    // A server that sent a tree size last time is asked at once; one that did not gets the bracket
    // (its settle wait comes before the request).
    if (!this.sized) return this.bracket();
    const fetched = await this.fetchFigures();
    const figures = fetched.ok ? parseFigures(fetched.body) : undefined;
    if (fetched.ok && typeof figures === 'object' && figures.ledger !== undefined)
      return this.exactly(fetched, figures, figures.ledger);
    if (fetched.ok && typeof figures === 'object') {
      this.sized = false;
      return this.bracket();
    }
    return this.keep({
      ...this.base('exact'),
      state: 'unverified',
      requestedAt: iso(fetched.requested),
      receivedAt: fetched.ok ? iso(fetched.received) : null,
      before: null,
      after: null,
      reason: fetched.ok
        ? notParsed(typeof figures === 'string' ? figures : 'no document')
        : notFetched(fetched.why),
    });
  }

  private base(
    mode: 'exact' | 'bracket',
  ): Pick<
    IssuedVsCastReport,
    'mode' | 'treeSize' | 'figuresUrl' | 'settleMs' | 'exact' | 'regions' | 'violations'
  > {
    return {
      mode,
      treeSize: null,
      figuresUrl: this.options.figuresUrl,
      settleMs: this.settleMs,
      exact: false,
      regions: [],
      violations: [],
    };
  }

  /** The comparison at the tree size the figures carry (module comment, "Exact"). */
  private async exactly(
    fetched: Fetched & { ok: true },
    figures: FiguresDocument,
    ledger: NonNullable<FiguresDocument['ledger']>,
  ): Promise<IssuedVsCastReport> {
    const { follower, clock } = this.options;
    const size = ledger.treeSize;
    const fail = (reason: Message, held: CheckpointRef | null = null): IssuedVsCastReport =>
      this.keep({
        ...this.base('exact'),
        treeSize: size,
        state: 'unverified',
        requestedAt: iso(fetched.requested),
        receivedAt: iso(fetched.received),
        before: held,
        after: held,
        reason,
      });
    // The size is the log's own statement, or nothing is compared.
    const opened = openCheckpoint(ledger.checkpoint, [this.verifier]);
    const root = fromBase64(ledger.rootHash);
    if (
      !opened.ok ||
      opened.value.checkpoint.origin !== follower.origin ||
      opened.value.checkpoint.size !== size ||
      root === undefined ||
      !equalBytes(opened.value.checkpoint.root, root)
    ) {
      return fail(
        msg(
          `контрольная точка в данных о ходе голосования не подписана журналом для размера ${size}`,
          `the checkpoint in the figures is not the log's signed checkpoint of size ${size}`,
        ),
      );
    }
    // Wait for the node to verify that size itself: the figures may be ahead of its last poll.
    const deadline = clock() + this.waitMs;
    let polled = follower.lastResult?.kind ?? 'none';
    while (follower.size < size) {
      polled = (await follower.catchUp()).kind;
      if (follower.size >= size) break;
      const left = deadline - clock();
      if (left <= 0) {
        return fail(
          msg(
            `узел ещё не проверил дерево размера ${size} (проверено ${follower.size}, ${polled}); сравнение отложено`,
            `the node has not verified the tree of size ${size} yet (verified ${follower.size}, ${polled}); not compared`,
          ),
        );
      }
      await sleep(Math.min(WAIT_POLL_MS, left));
    }
    const verifiedAt = iso(clock());
    // Another root at that size is a split view: the follower raises it as a fork, with evidence
    // proven by the log's signatures alone; the counts are then not compared.
    const held = await follower.compareForeign(ledger.checkpoint, this.options.figuresUrl, fetched.received);
    if (held.kind !== 'consistent') {
      return fail(
        msg(
          `корень журнала размера ${size} в данных о ходе голосования не тот, что проверил узел: журнал показывает разным сторонам разные деревья (${held.kind === 'alarm' ? 'тревога «развилка»' : held.kind})`,
          `the log root of size ${size} in the figures is not the one the node verified: the log shows different trees to different parties (${held.kind === 'alarm' ? 'fork alarm' : held.kind})`,
        ),
      );
    }
    const ref: CheckpointRef = { size, note: ledger.checkpoint, verifiedAt };
    const counts = await this.castAt(size);
    const { regions, violations } = compareFigures(figures, counts, counts);
    const report: IssuedVsCastReport = {
      ...this.base('exact'),
      state: violations.length === 0 ? 'ok' : 'violation',
      treeSize: size,
      requestedAt: iso(fetched.requested),
      receivedAt: iso(fetched.received),
      before: ref,
      after: ref,
      exact: true,
      regions,
      violations,
    };
    if (violations.length === 0) return this.keep(report);
    const raised = await this.raise(report, fetched.body, counts, counts);
    return this.keep({ ...report, ...raised });
  }

  /** The comparison between two verified checkpoints (module comment, "Bracket"). */
  private async bracket(): Promise<IssuedVsCastReport> {
    const { follower, clock } = this.options;
    const ref = (): CheckpointRef | null => {
      const v = follower.checkpoint();
      return v === null ? null : { size: v.size, note: v.note, verifiedAt: iso(v.timeMs) };
    };
    const before = ref();
    const base = this.base('bracket');
    if (before === null) {
      return this.keep({
        ...base,
        state: 'unverified',
        requestedAt: iso(clock()),
        receivedAt: null,
        before: null,
        after: null,
        reason: msg(
          'узел ещё не проверил ни одной контрольной точки',
          'the node has verified no checkpoint yet',
        ),
      });
    }
    const wait = Date.parse(before.verifiedAt) + this.settleMs - clock();
    if (wait > 0) await sleep(wait);
    const fetched = await this.fetchFigures();
    if (!fetched.ok) {
      return this.keep({
        ...base,
        state: 'unverified',
        requestedAt: iso(fetched.requested),
        receivedAt: null,
        before,
        after: null,
        reason: notFetched(fetched.why),
      });
    }
    const { requested, received, body } = fetched;
    const figures = parseFigures(body);
    // The server has started to send a tree size: compare at it.
    if (typeof figures === 'object' && figures.ledger !== undefined) {
      this.sized = true;
      return this.exactly(fetched, figures, figures.ledger);
    }
    // The after side: a poll that starts now fetches a checkpoint newer than the figures.
    const pollStart = clock();
    const polled = await follower.catchUp();
    const held = ref();
    const after =
      held === null ? null : { ...held, verifiedAt: iso(Math.max(Date.parse(held.verifiedAt), pollStart)) };
    const fail = (reason: Message): IssuedVsCastReport =>
      this.keep({
        ...base,
        state: 'unverified',
        requestedAt: iso(requested),
        receivedAt: iso(received),
        before,
        after,
        reason,
      });
    if (typeof figures === 'string') return fail(notParsed(figures));
    if (polled.kind !== 'unchanged' || after === null) {
      return fail(
        msg(
          `контрольная точка после получения данных не проверена (${polled.kind})`,
          `no checkpoint verified after the figures arrived (${polled.kind})`,
        ),
      );
    }
    const [castBefore, castAfter] = await Promise.all([this.castAt(before.size), this.castAt(after.size)]);
    const { regions, violations } = compareFigures(figures, castBefore, castAfter);
    const report: IssuedVsCastReport = {
      ...base,
      state: violations.length === 0 ? 'ok' : 'violation',
      requestedAt: iso(requested),
      receivedAt: iso(received),
      before,
      after,
      exact: before.size === after.size,
      regions,
      violations,
    };
    if (violations.length === 0) return this.keep(report);
    const raised = await this.raise(report, body, castBefore, castAfter);
    return this.keep({ ...report, ...raised });
  }

  private keep(r: IssuedVsCastReport): IssuedVsCastReport {
    this.last = r;
    return r;
  }

  /** Records the alarm (once per distinct violation) and saves its evidence file. */
  private async raise(
    r: IssuedVsCastReport,
    body: string,
    before: ReadonlyMap<string, number>,
    after: ReadonlyMap<string, number>,
  ): Promise<{ alarmId?: number; evidenceFile?: string }> {
    const { follower, clock, name, evidenceDir } = this.options;
    const now = clock();
    const list = r.violations.map((v) => `${v.check} ${v.region}`).join('; ');
    const exact = r.mode === 'exact' && r.treeSize !== null && r.before !== null;
    const evidence: FiguresEvidence = {
      format: FIGURES_EVIDENCE_FORMAT,
      kind: 'figures-mismatch',
      mode: r.mode,
      ...(exact ? { treeSize: r.treeSize } : {}),
      origin: follower.origin,
      logKey: follower.logKey,
      observer: name,
      detectedAt: iso(now),
      message: msg(
        `опубликованные данные о ходе голосования не сходятся с журналом: ${list}`,
        `the published figures do not agree with the ledger: ${list}`,
      ),
      settleMs: r.settleMs,
      figures: {
        url: r.figuresUrl,
        requestedAt: r.requestedAt,
        receivedAt: r.receivedAt ?? r.requestedAt,
        body,
      },
      checkpoints: exact ? [r.before] : [r.before, r.after].filter((c): c is CheckpointRef => c !== null),
      replica: { before: Object.fromEntries(before), after: Object.fromEntries(after) },
      violations: r.violations,
    };
    // The same violation (check, region, figures, trees) seen at every comparison stays one alarm.
    const fingerprint = `figures:${exact ? `${String(r.treeSize)}:` : ''}${r.violations
      .map((v) => {
        const c = r.regions.find((x) => x.region === v.region);
        return `${v.check}:${v.region}:${c?.publishedCast ?? 0}:${c?.issued ?? 0}:${c?.castBefore ?? 0}:${c?.castAfter ?? 0}`;
      })
      .join(',')}`;
    // Stored with the node's other alarms (its own kind); the evidence's own format is checked by
    // verifyIssuedVsCastEvidence, not by evidence.ts.
    const id = await this.alarms.add(fingerprint, now, evidence as unknown as Evidence);
    if (id === null) return {};
    this.raisedNow++;
    await mkdir(evidenceDir, { recursive: true });
    const file = path.join(
      evidenceDir,
      `${evidence.detectedAt.replace(/[:.]/g, '-')}-issued-vs-cast-${id}.json`,
    );
    await writeFile(file, `${canonicalJson(evidence)}\n`, { flag: 'wx' });
    await this.alarms.setEvidenceFile(id, file);
    return { alarmId: id, evidenceFile: file };
  }
}

const notFetched = (why: string): Message =>
  msg(`данные о ходе голосования не получены: ${why}`, `the figures could not be fetched: ${why}`);
const notParsed = (why: string): Message =>
  msg(`данные о ходе голосования не читаются: ${why}`, `the figures do not parse: ${why}`);

/** Is this (parsed) file figures evidence? */
export function isFiguresEvidence(input: unknown): boolean {
  return (input as { format?: unknown } | null)?.format === FIGURES_EVIDENCE_FORMAT;
}

/**
 * Re-checks figures evidence offline: the checkpoints signed by the log (and of its origin), the
 * violations recomputed from the figures text and the replica's counts, and
 *   exact   — the figures name the evidence's tree size with that very signed checkpoint (the
 *             server's own statement of the size its counts are at); no timing is involved;
 *   bracket — the timing (before verified `settleMs` ahead of the request, after verified once the
 *             figures arrived).
 */
export function verifyIssuedVsCastEvidence(
  input: unknown,
  options: { trustedLogKey?: string } = {},
): EvidenceVerdict {
  const findings: Message[] = [];
  const problems: string[] = [];
  const verdict = (): EvidenceVerdict => ({ proven: problems.length === 0, findings, problems });
  const e = input as Partial<FiguresEvidence> | null;
  if (e?.format !== FIGURES_EVIDENCE_FORMAT) {
    problems.push(`not figures evidence (format ${FIGURES_EVIDENCE_FORMAT})`);
    return verdict();
  }
  if (e.kind !== 'figures-mismatch' && e.kind !== 'record-invalid') {
    problems.push(`figures evidence of kind ${String(e.kind)}`);
    return verdict();
  }
  if (options.trustedLogKey !== undefined && options.trustedLogKey !== e.logKey) {
    problems.push('the evidence names another log key than the trusted one');
    return verdict();
  }
  const key = parseVerifierKey(typeof e.logKey === 'string' ? e.logKey : '');
  if (!key.ok) {
    problems.push(`log key: ${key.error.message}`);
    return verdict();
  }
  const verifier: NoteVerifier = key.value.verifier;
  const loose = e as { checkpoints?: unknown; figures?: unknown; replica?: unknown; violations?: unknown };
  const ev = e as FiguresEvidence;
  const exact = ev.mode === 'exact';
  const [before, second] = Array.isArray(loose.checkpoints) ? ev.checkpoints : [];
  const after = exact ? before : second;
  if (
    before === undefined ||
    after === undefined ||
    (exact && !Number.isSafeInteger(ev.treeSize)) ||
    typeof loose.figures !== 'object' ||
    loose.figures === null ||
    typeof loose.replica !== 'object' ||
    loose.replica === null
  ) {
    problems.push(
      exact
        ? 'the tree size, its checkpoint, the figures and the replica counts are needed'
        : 'two checkpoints, the figures and the replica counts are needed',
    );
    return verdict();
  }
  const roots: Uint8Array[] = [];
  for (const [i, c] of (exact ? [before] : [before, after]).entries()) {
    const opened = openCheckpoint(c.note, [verifier]);
    if (!opened.ok) {
      problems.push(`checkpoint ${i}: ${opened.error.message}`);
      return verdict();
    }
    if (opened.value.checkpoint.origin !== ev.origin || opened.value.checkpoint.size !== c.size) {
      problems.push(`checkpoint ${i}: not of ${ev.origin} at size ${c.size}`);
      return verdict();
    }
    roots.push(opened.value.checkpoint.root);
  }
  findings.push(msg('подписи журнала верны', 'the log signatures verify'));
  const figures = parseFigures(ev.figures.body);
  if (typeof figures === 'string') {
    problems.push(`figures: ${figures}`);
    return verdict();
  }
  if (exact) {
    // The figures themselves say at which signed tree their counts are: the one of the evidence.
    const ledger = figures.ledger;
    const named = ledger === undefined ? undefined : openCheckpoint(ledger.checkpoint, [verifier]);
    const root = ledger === undefined ? undefined : fromBase64(ledger.rootHash);
    if (
      ledger?.treeSize !== ev.treeSize ||
      before.size !== ev.treeSize ||
      named?.ok !== true ||
      named.value.checkpoint.size !== ev.treeSize ||
      root === undefined ||
      !equalBytes(named.value.checkpoint.root, roots[0] ?? new Uint8Array()) ||
      !equalBytes(root, roots[0] ?? new Uint8Array())
    ) {
      problems.push(`the figures do not name the signed tree of size ${String(ev.treeSize)}`);
      return verdict();
    }
  } else {
    if (after.size < before.size) problems.push('the after checkpoint is smaller than the before one');
    const t = (s: string): number => Date.parse(s);
    if (!(t(before.verifiedAt) + ev.settleMs <= t(ev.figures.requestedAt)))
      problems.push(`the before checkpoint was not verified ${ev.settleMs} ms ahead of the figures request`);
    if (!(t(after.verifiedAt) >= t(ev.figures.receivedAt)))
      problems.push('the after checkpoint was not verified after the figures arrived');
  }
  const counts = (o: Readonly<Record<string, number>>): Map<string, number> =>
    new Map(Object.entries(o).filter(([, n]) => Number.isSafeInteger(n) && n >= 0));
  const atBefore = counts(ev.replica.before);
  // Exact: one count, at the one size.
  const { violations } = compareFigures(figures, atBefore, exact ? atBefore : counts(ev.replica.after));
  const key2 = (v: readonly FiguresViolation[]): string =>
    v
      .map((x) => `${x.check}:${x.region}`)
      .sort()
      .join(',');
  if (violations.length === 0) problems.push('the figures and the replica counts show no violation');
  else if (key2(violations) !== key2(Array.isArray(loose.violations) ? ev.violations : []))
    problems.push(`the violations recomputed (${key2(violations)}) are not the ones claimed`);
  else {
    for (const v of violations) findings.push(v.message);
    findings.push(
      exact
        ? msg(
            `данные получены с ${ev.figures.url} в ${ev.figures.receivedAt} (свидетельство наблюдателя) и сами называют подписанное дерево размера ${before.size}; подсчёт по журналу до этого размера может повторить любой`,
            `the figures were fetched from ${ev.figures.url} at ${ev.figures.receivedAt} (the observer's testimony) and name the signed tree of size ${before.size} themselves; anyone can redo the count over the log up to that size`,
          )
        : msg(
            `данные получены с ${ev.figures.url} в ${ev.figures.receivedAt} (свидетельство наблюдателя); подсчёт по журналу до размеров ${before.size} и ${after.size} может повторить любой`,
            `the figures were fetched from ${ev.figures.url} at ${ev.figures.receivedAt} (the observer's testimony); anyone can redo the count over the log up to sizes ${before.size} and ${after.size}`,
          ),
    );
  }
  return verdict();
}

/** One line per region, for the CLI. */
export function describeReport(r: IssuedVsCastReport): string {
  const lines = [
    (r.state === 'ok'
      ? 'в порядке / ok'
      : r.state === 'violation'
        ? 'ТРЕВОГА / ALARM figures-mismatch'
        : 'не сравнено / not compared') +
      (r.mode === 'exact'
        ? ` (точно при размере / exact at size ${r.treeSize ?? '-'})`
        : ` (${r.before?.size ?? '-'} … ${r.after?.size ?? '-'}${r.exact ? ', exact' : ''})`),
    ...r.regions.map(
      (c) =>
        `  ${c.region}: issued ${c.issued}, cast published ${c.publishedCast}, log ${c.castBefore}…${c.castAfter}`,
    ),
    ...r.violations.map((v) => `  ✗ ${v.check} ${messageText(v.message)}`),
    ...(r.reason === undefined ? [] : [`  ${messageText(r.reason)}`]),
  ];
  return `${lines.join('\n')}\n`;
}
