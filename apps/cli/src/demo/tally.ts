// What the demo cast against what was counted. The demo knows every voter's choice, so per region it
// has its own tally; the published protocol (P-7.9) and the results handed to the regional
// commission (P-8.1) must say the same, line by line: 1 on the list, 2 ballots issued, 3 ballots
// cast, 4 invalid (blank), then a line per candidate. Receipts, ballots in the record and line 3
// must agree too. Every difference is named, region, line and both numbers.
import { PROTOCOL_LABELS } from '@opendeg/deg';
import type { ProtocolLine } from './commission.ts';
import type { DemoVoter } from './voters.ts';

export interface RegionTally {
  readonly region: string;
  onList: number;
  issued: number;
  cast: number;
  invalid: number;
  readonly candidates: Map<string, number>;
}

/** The demo's own count per region, from its voters and their choices. */
export function ownTally(
  voters: readonly DemoVoter[],
  candidates: readonly string[],
): Map<string, RegionTally> {
  const tallies = new Map<string, RegionTally>();
  for (const v of voters) {
    if (v.applicationId === undefined) continue;
    let t = tallies.get(v.region);
    if (t === undefined) {
      t = {
        region: v.region,
        onList: 0,
        issued: 0,
        cast: 0,
        invalid: 0,
        candidates: new Map(candidates.map((c) => [c, 0])),
      };
      tallies.set(v.region, t);
    }
    t.onList++;
    if (v.tracker === undefined) continue;
    t.issued++;
    t.cast++;
    if (v.choice === 'blank' || v.choice === undefined) t.invalid++;
    else for (const c of v.choice) t.candidates.set(c, (t.candidates.get(c) ?? 0) + 1);
  }
  return tallies;
}

/** The expected lines of a region's protocol. */
export function expectedLines(
  t: RegionTally,
  candidates: readonly string[],
): { line: number; value: number; candidate?: string }[] {
  return [
    { line: 1, value: t.onList },
    { line: 2, value: t.issued },
    { line: 3, value: t.cast },
    { line: 4, value: t.invalid },
    ...candidates.map((c, i) => ({ line: 5 + i, value: t.candidates.get(c) ?? 0, candidate: c })),
  ];
}

/** Differences between the demo's tally and published lines (`source` names where they come from). */
export function compareLines(
  source: string,
  region: string,
  expected: readonly { line: number; value: number; candidate?: string }[],
  published: readonly ProtocolLine[] | undefined,
): string[] {
  if (published === undefined) return [`${source}: субъект ${region} отсутствует / region ${region} missing`];
  const out: string[] = [];
  for (const e of expected) {
    const p = published.find((l) => l.line === e.line);
    if (p?.value !== e.value || p.candidate?.id !== e.candidate) {
      const what =
        e.candidate === undefined ? `строка / line ${String(e.line)}` : `кандидат / candidate ${e.candidate}`;
      out.push(
        `${source}: субъект / region ${region}, ${what}: подано / cast ${String(e.value)}, подсчитано / counted ${p === undefined ? '—' : String(p.value)}`,
      );
    }
  }
  if (published.length !== expected.length) {
    out.push(
      `${source}: субъект / region ${region}: ${String(published.length)} строк / lines, ожидалось / expected ${String(expected.length)}`,
    );
  }
  return out;
}

/** A region's protocol as printed: lines 1–4 and the candidates, Russian labels, English after. */
export function formatProtocol(
  region: string,
  regionName: string,
  lines: readonly ProtocolLine[],
  candidateNames: ReadonlyMap<string, string>,
): string[] {
  const label = (l: ProtocolLine): string => {
    if (l.candidate !== undefined) return candidateNames.get(l.candidate.id) ?? l.candidate.id;
    const key = (['onList', 'issued', 'cast', 'invalid'] as const)[l.line - 1];
    return key === undefined
      ? `строка ${String(l.line)}`
      : `${PROTOCOL_LABELS[key].ru} / ${PROTOCOL_LABELS[key].en}`;
  };
  return [
    `Протокол / Protocol — ${region} ${regionName}`,
    `  (строки 5 и далее / lines 5 on: ${PROTOCOL_LABELS.candidate.ru} / ${PROTOCOL_LABELS.candidate.en})`,
    ...lines.map((l) => `  ${String(l.line).padStart(2)}  ${String(l.value).padStart(7)}  ${label(l)}`),
  ];
}
