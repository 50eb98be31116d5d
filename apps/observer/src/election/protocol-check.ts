/**
 * The protocol line by line (issue 8, P-7.9, P-10.10 "that the results were established
 * correctly"): for every protocol entry of the close, the node recomputes each line of Appendix 4
 * from its own replica of the log and raises an alarm naming the line that differs:
 *
 *   L.1  line 1, participants on the list at the end of voting   = the final-lists entry's onList
 *   L.2  line 2, ballots to which access was granted             = the final-lists entry's ballotsIssued
 *   L.3  line 3, ballots in the box                              = the region's ballots the node counted
 *   L.4  line 4, invalid ballots (the blank mark included)       = the verified result's blank count
 *   L.5  lines 5…, votes per candidate                           = the verified result's counts, one line
 *                                                                  for each of the ballot's options
 *   L.6  Appendix 4's control relations on the lines themselves: whole counts ≥ 0, line 3 ≤ line 2,
 *        line 4 ≤ line 3, line 4 + the candidates' lines = line 3 (packages/deg
 *        checkControlRelations states the same rules for the server; the observer does not depend on
 *        @opendeg/deg, so they are restated here)
 *
 * "Verified result": the region's result entry passed V.7/V.8 against its decryption's proofs and
 * its tally is the node's own aggregate (E.6) — the checker's record checks found nothing for the
 * region. A result that is not verified cannot back lines 4 and 5: that is itself L.4.
 *
 * Evidence: the manifest, the protocol entry, the final-lists entry, the region's tally, decryption
 * and result entries, and (up to EVIDENCE_BALLOTS) the counted ballots of the region, each with its
 * inclusion proof; the node's recomputation is in each failure's message.
 */

import { createHash } from 'node:crypto';

import type { CheckFailure, Election } from '@opendeg/election';
import type { LedgerEntry } from '@opendeg/ledger';

import { msg } from '../errors.ts';
import type { CheckContext } from '../follower.ts';
import type { IndexedEntry } from './entry-index.ts';

/** Counted ballots of a region whose leaves go into the evidence; beyond this, the count is stated. */
export const EVIDENCE_BALLOTS = 256;

export const PROTOCOL_CHECKS = {
  'L.1': 'line 1 is the final lists’ number of participants on the list',
  'L.2': 'line 2 is the final lists’ number of ballots issued',
  'L.3': 'line 3 is the number of the region’s ballots the node counted',
  'L.4': 'line 4 is the verified result’s invalid (blank) count',
  'L.5': 'each candidate’s line is the verified result’s count',
  'L.6': 'the control relations of Appendix 4 hold',
} as const;

interface Line {
  readonly line: number;
  readonly value: number;
  readonly candidate?: string;
}

interface Seen<T> {
  readonly index: number;
  readonly body: T;
}

interface FinalListRegion {
  readonly region: string;
  readonly onList: number;
  readonly ballotsIssued: number;
}

/** What the checker knows when a protocol entry is checked. */
export interface ProtocolView {
  readonly election: Election<unknown> | undefined;
  readonly manifestIndex: number | undefined;
  /** The node's count of the region's counted ballots (its own running tally). */
  readonly cast: (region: string) => number;
  /** Published tally, decryption and result entries by region (the checker's). */
  readonly published: Readonly<
    Record<'tally' | 'decryption' | 'result', ReadonlyMap<string, { index: number; body: unknown }>>
  >;
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');

function linesOf(v: unknown): Line[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: Line[] = [];
  for (const l of v as unknown[]) {
    const o = l as { line?: unknown; value?: unknown; candidate?: unknown } | null;
    if (typeof o?.line !== 'number' || typeof o.value !== 'number') return undefined;
    if (o.candidate !== undefined && typeof o.candidate !== 'string') return undefined;
    out.push(
      o.candidate === undefined
        ? { line: o.line, value: o.value }
        : { line: o.line, value: o.value, candidate: o.candidate },
    );
  }
  return out;
}

export class ProtocolCheck {
  private readonly protocols: Seen<LedgerEntry>[] = [];
  private readonly finalLists = new Map<string, Seen<FinalListRegion>>();
  /** Regions the record checks found wrong (E.6, E.7, V.7, V.8 with `where: region X`). */
  private suspect = new Set<string>();
  private readonly counted = new Map<string, number[]>();
  private readonly checked = new Set<number>();

  /** A verified protocol or final-lists entry. */
  take(index: number, e: LedgerEntry): void {
    if (e.type === 'protocol') {
      this.protocols.push({ index, body: e });
      return;
    }
    if (e.type !== 'final-lists' || !Array.isArray(e.regions)) return;
    for (const r of e.regions as unknown[]) {
      const o = r as Partial<FinalListRegion> | null;
      if (typeof o?.region === 'string' && isCount(o.onList) && isCount(o.ballotsIssued))
        this.finalLists.set(o.region, {
          index,
          body: { region: o.region, onList: o.onList, ballotsIssued: o.ballotsIssued },
        });
    }
  }

  /** The record checks' latest failures: regions they name have no verified result. */
  recordFailures(failures: readonly CheckFailure[]): void {
    this.suspect = new Set(
      failures.flatMap((f) => {
        const m = /^region (\S+)$/.exec(f.where ?? '');
        return m?.[1] === undefined ? [] : [m[1]];
      }),
    );
  }

  /**
   * After a batch: notes the counted ballots' leaves (for evidence), then checks each protocol entry
   * not checked yet. While replaying the node only rebuilds its state: nothing is raised again.
   */
  async after(rows: readonly IndexedEntry[], ctx: CheckContext, view: ProtocolView): Promise<void> {
    for (const r of rows) {
      if (r.type !== 'ballot' || r.status !== 'counted' || r.region === null) continue;
      const list = this.counted.get(r.region) ?? [];
      if (list.length < EVIDENCE_BALLOTS) list.push(r.index);
      this.counted.set(r.region, list);
    }
    for (const p of this.protocols) {
      if (this.checked.has(p.index)) continue;
      this.checked.add(p.index);
      const failures = this.checkOne(p.body, view);
      if (failures.length === 0 || ctx.replaying) continue;
      await this.raise(ctx, p, failures, view);
    }
  }

  /** The failures of one protocol entry against the node's recomputation. */
  checkOne(e: LedgerEntry, view: ProtocolView): CheckFailure[] {
    const region = typeof e.region === 'string' ? e.region : '?';
    const where = `region ${region}`;
    const failures: CheckFailure[] = [];
    const fail = (check: keyof typeof PROTOCOL_CHECKS, message: string): void => {
      failures.push({ check, message, where });
    };
    const lines = linesOf(e.lines);
    if (lines === undefined || typeof e.region !== 'string') {
      fail('L.6', 'the protocol entry has no region or no lines of numbers');
      return failures;
    }
    const at = (n: number): number | undefined =>
      lines.find((l) => l.line === n && l.candidate === undefined)?.value;
    const line = { 1: at(1), 2: at(2), 3: at(3), 4: at(4) };
    const candidates = lines.filter((l) => l.candidate !== undefined);
    // L.6: the control relations, on the protocol's own numbers.
    if (!lines.every((l) => isCount(l.value))) fail('L.6', 'every line is a whole number ≥ 0');
    const [l1, l2, l3, l4] = [line[1], line[2], line[3], line[4]];
    if (l1 === undefined || l2 === undefined || l3 === undefined || l4 === undefined) {
      fail('L.6', 'lines 1–4 are not all there');
    } else {
      if (l3 > l2) fail('L.6', `line 3 (${l3}) > line 2 (${l2})`);
      if (l4 > l3) fail('L.6', `line 4 (${l4}) > line 3 (${l3})`);
      const sum = candidates.reduce((s, c) => s + c.value, 0);
      if (l4 + sum !== l3) fail('L.6', `line 4 + the candidates' lines = ${l4 + sum}, line 3 = ${l3}`);
    }
    // L.1, L.2 from the final lists.
    const lists = this.finalLists.get(region)?.body;
    if (lists === undefined) {
      fail('L.1', 'no final-lists entry names the region');
    } else {
      if (l1 !== lists.onList) fail('L.1', `line 1 is ${String(l1)}, the final lists say ${lists.onList}`);
      if (l2 !== lists.ballotsIssued)
        fail('L.2', `line 2 is ${String(l2)}, the final lists say ${lists.ballotsIssued}`);
    }
    // L.3 from the node's own count.
    const cast = view.cast(region);
    if (l3 !== cast) fail('L.3', `line 3 is ${String(l3)}, the node counted ${cast} ballots in the log`);
    // L.4, L.5 from the verified result.
    const result = view.published.result.get(region)?.body as { counts?: unknown } | undefined;
    const style = view.election?.regions.get(region)?.style;
    const question = style?.questions[0];
    const row = Array.isArray(result?.counts) ? (result.counts[0] as unknown) : undefined;
    if (result === undefined || this.suspect.has(region) || question === undefined || !Array.isArray(row)) {
      fail('L.4', 'the region has no verified result to recompute lines 4 and 5 from');
      return failures;
    }
    const counts = row as unknown[];
    const offset = question.blank ? 1 : 0;
    const invalid = question.blank ? counts[0] : 0;
    if (l4 !== invalid) fail('L.4', `line 4 is ${String(l4)}, the verified result says ${String(invalid)}`);
    const options = question.options.map((o) => o.id);
    for (const c of candidates) {
      const i = options.indexOf(c.candidate ?? '');
      if (i < 0) fail('L.5', `line ${c.line}: candidate ${String(c.candidate)} is not on the ballot`);
      else if (counts[offset + i] !== c.value)
        fail(
          'L.5',
          `line ${c.line} (${String(c.candidate)}) is ${c.value}, the verified result says ${String(counts[offset + i])}`,
        );
    }
    for (const id of options) {
      if (!candidates.some((c) => c.candidate === id)) fail('L.5', `no line for candidate ${id}`);
    }
    return failures;
  }

  private async raise(
    ctx: CheckContext,
    p: Seen<LedgerEntry>,
    failures: readonly CheckFailure[],
    view: ProtocolView,
  ): Promise<void> {
    const region = typeof p.body.region === 'string' ? p.body.region : '';
    const m = view.manifestIndex;
    const published = [
      this.finalLists.get(region)?.index,
      view.published.tally.get(region)?.index,
      view.published.decryption.get(region)?.index,
      view.published.result.get(region)?.index,
      ...(failures.some((f) => f.check === 'L.3') ? (this.counted.get(region) ?? []) : []),
    ].filter((i): i is number => i !== undefined);
    const indices = [...(m === undefined ? [] : [m]), p.index, ...published];
    const first = m === undefined ? 0 : 1;
    const list = failures.map((f) => `${f.check} ${f.message}`).join('; ');
    await ctx.raise({
      kind: 'record-invalid',
      fingerprint: `protocol:${p.index}:${sha256Hex(JSON.stringify(failures))}`,
      message: msg(
        `протокол (запись ${p.index}, субъект ${region}) не сходится с журналом: ${list}`,
        `the protocol (entry ${p.index}, region ${region}) does not agree with the ledger: ${list}`,
      ),
      indices,
      election: {
        ...(m === undefined ? {} : { manifest: 0 }),
        entry: first,
        published: published.map((_, i) => first + 1 + i),
        failures,
      },
    });
  }
}

/**
 * Offline re-check of a protocol alarm's evidence (for `verify-evidence`): the protocol entry's
 * failures recomputed from the entries the evidence holds — the final lists, the region's result
 * (whose decryption the caller checks with V.7/V.8 of the record verifier) and the counted ballots.
 * Line 3 is recomputed only when the alarm claimed L.3 (then the evidence holds the region's counted
 * ballots) and holds all of them (fewer than EVIDENCE_BALLOTS); otherwise L.3 needs the replicated
 * log and is left out.
 */
export function recheckProtocolEvidence(
  election: Election<unknown>,
  protocol: LedgerEntry,
  published: readonly LedgerEntry[],
  claimed: readonly CheckFailure[],
): CheckFailure[] {
  const check = new ProtocolCheck();
  const region = typeof protocol.region === 'string' ? protocol.region : '';
  const results = new Map<string, { index: number; body: unknown }>();
  let ballots = 0;
  for (const e of published) {
    if (e.type === 'final-lists') check.take(-1, e);
    const body = e[e.type] as { region?: unknown } | null | undefined;
    if (e.type === 'result' && typeof body?.region === 'string')
      results.set(body.region, { index: -1, body });
    const vote = (e.ballot as { vote?: { region?: unknown } } | null | undefined)?.vote;
    if (e.type === 'ballot' && vote?.region === region) ballots++;
  }
  const complete = ballots < EVIDENCE_BALLOTS && claimed.some((f) => f.check === 'L.3');
  const failures = check.checkOne(protocol, {
    election,
    manifestIndex: undefined,
    cast: () => ballots,
    published: { tally: new Map(), decryption: new Map(), result: results },
  });
  return complete ? failures : failures.filter((f) => f.check !== 'L.3');
}
