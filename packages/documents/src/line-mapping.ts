/**
 * Appendix 6 — the table that maps the lines of the commission's protocol (Appendix 4) onto the lines
 * of the results data for the regional commission (Appendix 5), P-8.2, as data taken from the seed.
 *
 * Lines 1–12 of Appendix 5 are those of a precinct protocol; remote voting fills them from protocol
 * lines 1–4, with 0 where paper has no counterpart (early voting, home voting, cancelled, lost …),
 * the number of line 2 for ballots received, and 3 − 4 for valid ballots. Lines 13 and on take the
 * candidates' votes from lines 5 and on, in ballot order.
 */

/** Where a results line takes its number from. */
export type LineSource =
  | { readonly kind: 'protocol-line'; readonly line: number }
  | { readonly kind: 'zero' }
  | { readonly kind: 'difference'; readonly minuend: number; readonly subtrahend: number };

export interface LineMapping {
  /** Line of Appendix 5. */
  readonly resultsLine: number;
  /** Its wording in Appendix 5. */
  readonly resultsName: string;
  /** The protocol line named in Appendix 6's third column; null where it shows «-». */
  readonly protocolLine: number | null;
  /** Appendix 6's fourth column. */
  readonly protocolText: string;
  readonly source: LineSource;
}

const line = (n: number): LineSource => ({ kind: 'protocol-line', line: n });
const ZERO: LineSource = { kind: 'zero' };

/** Appendix 6, lines 1–12. */
export const APPENDIX_6: readonly LineMapping[] = [
  {
    resultsLine: 1,
    resultsName: 'Число избирателей, включенных в списки избирателей на момент окончания голосования',
    protocolLine: 1,
    protocolText:
      'Число участников дистанционного электронного голосования, включенных в список участников дистанционного электронного голосования на момент окончания голосования',
    source: line(1),
  },
  {
    resultsLine: 2,
    resultsName: 'Число избирательных бюллетеней, полученных участковыми избирательными комиссиями',
    protocolLine: null,
    protocolText: 'Число, равное числу в строке 2',
    source: line(2),
  },
  {
    resultsLine: 3,
    resultsName: 'Число избирательных бюллетеней, выданных избирателям, проголосовавшим досрочно',
    protocolLine: null,
    protocolText: '0',
    source: ZERO,
  },
  {
    resultsLine: 4,
    resultsName:
      'Число избирательных бюллетеней, выданных участковыми избирательными комиссиями избирателям в помещении для голосования в день голосования',
    protocolLine: 2,
    protocolText:
      'Число электронных бюллетеней, доступ к которым предоставлен участникам дистанционного электронного голосования',
    source: line(2),
  },
  {
    resultsLine: 5,
    resultsName:
      'Число избирательных бюллетеней, выданных избирателям, проголосовавшим вне помещения для голосования в день голосования',
    protocolLine: null,
    protocolText: '0',
    source: ZERO,
  },
  {
    resultsLine: 6,
    resultsName: 'Число погашенных избирательных бюллетеней',
    protocolLine: null,
    protocolText: '0',
    source: ZERO,
  },
  {
    resultsLine: 7,
    resultsName: 'Число избирательных бюллетеней, содержащихся в переносных ящиках для голосования',
    protocolLine: null,
    protocolText: '0',
    source: ZERO,
  },
  {
    resultsLine: 8,
    resultsName: 'Число избирательных бюллетеней, содержащихся в стационарных ящиках для голосования',
    protocolLine: 3,
    protocolText:
      'Число электронных бюллетеней, по которым участники дистанционного электронного голосования приняли участие в голосовании',
    source: line(3),
  },
  {
    resultsLine: 9,
    resultsName: 'Число недействительных избирательных бюллетеней',
    protocolLine: 4,
    protocolText: 'Число недействительных электронных бюллетеней',
    source: line(4),
  },
  {
    resultsLine: 10,
    resultsName: 'Число действительных избирательных бюллетеней',
    protocolLine: null,
    protocolText: 'Число, равное разнице между числом в строке 3 и числом в строке 4',
    source: { kind: 'difference', minuend: 3, subtrahend: 4 },
  },
  {
    resultsLine: 11,
    resultsName: 'Число утраченных избирательных бюллетеней',
    protocolLine: null,
    protocolText: '0',
    source: ZERO,
  },
  {
    resultsLine: 12,
    resultsName: 'Число избирательных бюллетеней, не учтенных при получении',
    protocolLine: null,
    protocolText: '0',
    source: ZERO,
  },
];

/** «13 и последующие строки» ← «5 и последующие строки»: the candidates, in ballot order. */
export const CANDIDATE_LINES = { resultsFirst: 13, protocolFirst: 5 } as const;

/** The number of `source` from the protocol's lines (line number → value). */
export function resolveLine(source: LineSource, protocol: ReadonlyMap<number, number>): number {
  const get = (n: number): number => {
    const v = protocol.get(n);
    if (v === undefined) throw new RangeError(`protocol line ${n} is missing`);
    return v;
  };
  switch (source.kind) {
    case 'protocol-line':
      return get(source.line);
    case 'zero':
      return 0;
    case 'difference':
      return get(source.minuend) - get(source.subtrahend);
    default:
      return assertNever(source);
  }
}

function assertNever(x: never): never {
  throw new TypeError(`unexpected line source ${JSON.stringify(x)}`);
}

/** Appendix 6: the Appendix 5 line each Appendix 4 line lands on, and the number it carries there. */
export function mapProtocolLines(
  protocol: readonly { readonly line: number; readonly value: number }[],
): { readonly line: number; readonly value: number; readonly fromProtocolLine: number | null }[] {
  const values = new Map(protocol.map((l) => [l.line, l.value]));
  const out = APPENDIX_6.map((m) => ({
    line: m.resultsLine,
    value: resolveLine(m.source, values),
    fromProtocolLine: m.source.kind === 'protocol-line' ? m.source.line : null,
  }));
  const candidates = protocol
    .filter((l) => l.line >= CANDIDATE_LINES.protocolFirst)
    .sort((a, b) => a.line - b.line);
  for (const c of candidates) {
    const offset = c.line - CANDIDATE_LINES.protocolFirst;
    out.push({ line: CANDIDATE_LINES.resultsFirst + offset, value: c.value, fromProtocolLine: c.line });
  }
  return out;
}
