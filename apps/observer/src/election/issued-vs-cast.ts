/**
 * Issued against cast (P-11.10.4, P-10.2): the node fetches the server's published figures
 * (`GET /api/figures`: per region the ballots issued — ballot access granted — and the ballots cast)
 * and holds them against its own replica of the ballot box's log.
 *
 * Figures and checkpoints are not read atomically, and the figures carry no tree size, so the
 * comparison brackets the figures between two checkpoints the node verified itself:
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
 * Per region, with replica counts taken from the node's own verdicts (ballots counted at `idx <
 * size`):
 *
 *   F.1  cast(before) ≤ published cast   — the figures do not lose ballots the log holds;
 *   F.2  published cast ≤ cast(after)    — the figures count no ballot the log does not hold;
 *   F.3  cast(before) ≤ issued           — no more ballots in the log than ballots issued.
 *
 * When before and after are the same tree, F.1 and F.2 say that the published cast equals the
 * replica's exactly (`exact`). A failed check is an alarm (stored as `record-invalid`: published
 * figures that differ from what the ledger implies) with evidence of its own format: the figures
 * document as fetched (URL, times, the exact text: the node's testimony), the two log-signed
 * checkpoints and the replica's counts at their sizes (the node's count, which anyone can redo by
 * replicating the log up to the signed size). `verifyIssuedVsCastEvidence` re-checks it offline.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { canonicalJson } from '@opendeg/crypto';
import { openCheckpoint, parseVerifierKey, type NoteVerifier } from '@opendeg/ledger';
import type pg from 'pg';

import { messageText, msg, type Message } from '../errors.ts';
import type { Evidence, EvidenceVerdict } from '../evidence.ts';
import type { Follower } from '../follower.ts';
import { AlarmStore } from '../store/alarm-store.ts';

export const FIGURES_EVIDENCE_FORMAT = 'opendeg-observer-figures-evidence/1';
/** Default bracket tolerance; see the module comment. */
export const DEFAULT_SETTLE_MS = 3000;

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
}

export interface FiguresEvidence {
  readonly format: typeof FIGURES_EVIDENCE_FORMAT;
  /** The node's alarm kind: published figures that differ from what the ledger implies. */
  readonly kind: 'record-invalid';
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
  /** [before, after]. */
  readonly checkpoints: readonly CheckpointRef[];
  /** The node's counted ballots per region at each checkpoint's size. */
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
}

const iso = (ms: number): string => new Date(ms).toISOString();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class IssuedVsCast {
  private last: IssuedVsCastReport | undefined;
  private raisedNow = 0;
  private running: Promise<IssuedVsCastReport> | undefined;
  private readonly alarms: AlarmStore;
  readonly settleMs: number;

  constructor(private readonly options: IssuedVsCastOptions) {
    this.settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
    this.alarms = new AlarmStore(options.pool, options.follower.origin);
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

  private async compare(): Promise<IssuedVsCastReport> {
    const { follower, clock, figuresUrl } = this.options;
    const ref = (): CheckpointRef | null => {
      const v = follower.checkpoint();
      return v === null ? null : { size: v.size, note: v.note, verifiedAt: iso(v.timeMs) };
    };
    const before = ref();
    const base = { figuresUrl, settleMs: this.settleMs, exact: false, regions: [], violations: [] };
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
    const requested = clock();
    let body: string;
    let received: number;
    try {
      const res = await fetch(figuresUrl, { headers: { accept: 'application/json' } });
      body = await res.text();
      received = clock();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return this.keep({
        ...base,
        state: 'unverified',
        requestedAt: iso(requested),
        receivedAt: null,
        before,
        after: null,
        reason: msg(
          `данные о ходе голосования не получены: ${why}`,
          `the figures could not be fetched: ${why}`,
        ),
      });
    }
    const figures = parseFigures(body);
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
    if (typeof figures === 'string')
      return fail(
        msg(`данные о ходе голосования не читаются: ${figures}`, `the figures do not parse: ${figures}`),
      );
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
      state: violations.length === 0 ? 'ok' : 'violation',
      figuresUrl,
      requestedAt: iso(requested),
      receivedAt: iso(received),
      settleMs: this.settleMs,
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
    const evidence: FiguresEvidence = {
      format: FIGURES_EVIDENCE_FORMAT,
      kind: 'record-invalid',
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
      checkpoints: [r.before, r.after].filter((c): c is CheckpointRef => c !== null),
      replica: { before: Object.fromEntries(before), after: Object.fromEntries(after) },
      violations: r.violations,
    };
    // The same violation (check, region, figures, trees) seen at every comparison stays one alarm.
    const fingerprint = `figures:${r.violations
      .map((v) => {
        const c = r.regions.find((x) => x.region === v.region);
        return `${v.check}:${v.region}:${c?.publishedCast ?? 0}:${c?.issued ?? 0}:${c?.castBefore ?? 0}:${c?.castAfter ?? 0}`;
      })
      .join(',')}`;
    // Kept with the node's other alarms as `record-invalid` (its alarm kinds have no figures kind of
    // their own); the evidence's own format tells the two apart.
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

/** Is this (parsed) file figures evidence? */
export function isFiguresEvidence(input: unknown): boolean {
  return (input as { format?: unknown } | null)?.format === FIGURES_EVIDENCE_FORMAT;
}

/**
 * Re-checks figures evidence offline: both checkpoints signed by the log (and of its origin), the
 * bracket's timing (before verified `settleMs` ahead of the request, after verified once the figures
 * arrived), and the violations recomputed from the figures text and the replica's counts.
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
  const [before, after] = Array.isArray(loose.checkpoints) ? ev.checkpoints : [];
  if (
    before === undefined ||
    after === undefined ||
    typeof loose.figures !== 'object' ||
    loose.figures === null ||
    typeof loose.replica !== 'object' ||
    loose.replica === null
  ) {
    problems.push('two checkpoints, the figures and the replica counts are needed');
    return verdict();
  }
  for (const [i, c] of [before, after].entries()) {
    const opened = openCheckpoint(c.note, [verifier]);
    if (!opened.ok) {
      problems.push(`checkpoint ${i}: ${opened.error.message}`);
      return verdict();
    }
    if (opened.value.checkpoint.origin !== ev.origin || opened.value.checkpoint.size !== c.size) {
      problems.push(`checkpoint ${i}: not of ${ev.origin} at size ${c.size}`);
      return verdict();
    }
  }
  findings.push(msg('подписи журнала верны', 'the log signatures verify'));
  if (after.size < before.size) problems.push('the after checkpoint is smaller than the before one');
  const t = (s: string): number => Date.parse(s);
  if (!(t(before.verifiedAt) + ev.settleMs <= t(ev.figures.requestedAt)))
    problems.push(`the before checkpoint was not verified ${ev.settleMs} ms ahead of the figures request`);
  if (!(t(after.verifiedAt) >= t(ev.figures.receivedAt)))
    problems.push('the after checkpoint was not verified after the figures arrived');
  const figures = parseFigures(ev.figures.body);
  if (typeof figures === 'string') {
    problems.push(`figures: ${figures}`);
    return verdict();
  }
  const counts = (o: Readonly<Record<string, number>>): Map<string, number> =>
    new Map(Object.entries(o).filter(([, n]) => Number.isSafeInteger(n) && n >= 0));
  const { violations } = compareFigures(figures, counts(ev.replica.before), counts(ev.replica.after));
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
      msg(
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
        ? 'ТРЕВОГА / ALARM'
        : 'не сравнено / not compared') +
      ` (${r.before?.size ?? '-'} … ${r.after?.size ?? '-'}${r.exact ? ', exact' : ''})`,
    ...r.regions.map(
      (c) =>
        `  ${c.region}: issued ${c.issued}, cast published ${c.publishedCast}, log ${c.castBefore}…${c.castAfter}`,
    ),
    ...r.violations.map((v) => `  ✗ ${v.check} ${messageText(v.message)}`),
    ...(r.reason === undefined ? [] : [`  ${messageText(r.reason)}`]),
  ];
  return `${lines.join('\n')}\n`;
}
