// Appendix 5 (results data for the regional commission, P-8.1–P-8.4) filled through the Appendix 6
// line mapping from the protocol (Appendix 4).
import { describe, expect, test } from 'vitest';
import { documentBytes } from '../src/document.ts';
import { APPENDIX_6, CANDIDATE_LINES, mapProtocolLines, resolveLine } from '../src/line-mapping.ts';
import { buildProtocol } from '../src/protocol.ts';
import type { MemberSigning, ProtocolDocument, RegionResults } from '../src/protocol.ts';
import { buildResultsData, handOver, protocolSha256, renderResultsData } from '../src/results-data.ts';
import { createHash } from 'node:crypto';
import { CANDIDATES, config } from './fixture.ts';
import { Scratch, flat, requireTools } from './tools.ts';

const generatedAt = new Date('2024-03-17T18:25:00Z');
// Every line a different number, so that a line sent to the wrong place shows.
const RESULTS: RegionResults = {
  onList: 5000,
  ballotsIssued: 4100,
  ballotsCast: 3900,
  invalid: 37,
  votes: { c1: 1001, c2: 2002, c3: 753, c4: 107 },
};

function protocol(region = '16', invalidated = false, results = RESULTS): ProtocolDocument {
  const members = config().commission.members.map((m): MemberSigning => ({ memberId: m.id, signs: true }));
  const r = buildProtocol({
    config: config(),
    region,
    candidates: CANDIDATES,
    results,
    members,
    generatedAt,
    ...(invalidated ? { invalidated: { decision: 'решение ТИК ДЭГ № 12/45', at: generatedAt } } : {}),
  });
  if (!r.ok) throw new Error(r.code);
  return r.document;
}

describe('Appendix 6: line mapping', () => {
  test('P-8.2 the mapping is the seed’s table: 12 lines, then candidates from 13 ← 5', () => {
    expect(APPENDIX_6.map((m) => [m.resultsLine, m.protocolLine, m.source])).toEqual([
      [1, 1, { kind: 'protocol-line', line: 1 }],
      [2, null, { kind: 'protocol-line', line: 2 }],
      [3, null, { kind: 'zero' }],
      [4, 2, { kind: 'protocol-line', line: 2 }],
      [5, null, { kind: 'zero' }],
      [6, null, { kind: 'zero' }],
      [7, null, { kind: 'zero' }],
      [8, 3, { kind: 'protocol-line', line: 3 }],
      [9, 4, { kind: 'protocol-line', line: 4 }],
      [10, null, { kind: 'difference', minuend: 3, subtrahend: 4 }],
      [11, null, { kind: 'zero' }],
      [12, null, { kind: 'zero' }],
    ]);
    expect(CANDIDATE_LINES).toEqual({ resultsFirst: 13, protocolFirst: 5 });
  });

  test('P-8.2 each Appendix 4 line goes to the right Appendix 5 line', () => {
    const mapped = mapProtocolLines(protocol().lines);
    expect(mapped.map((l) => [l.line, l.value, l.fromProtocolLine])).toEqual([
      [1, 5000, 1],
      [2, 4100, 2],
      [3, 0, null],
      [4, 4100, 2],
      [5, 0, null],
      [6, 0, null],
      [7, 0, null],
      [8, 3900, 3],
      [9, 37, 4],
      [10, 3863, null],
      [11, 0, null],
      [12, 0, null],
      [13, 1001, 5],
      [14, 2002, 6],
      [15, 753, 7],
      [16, 107, 8],
    ]);
    expect(() => resolveLine({ kind: 'protocol-line', line: 9 }, new Map([[1, 1]]))).toThrow(RangeError);
  });
});

describe('Appendix 5: results data', () => {
  const fs = new Scratch();

  test('P-8.2 results data name each line as Appendix 5 does, in figures and words, and the protocol they come from', async () => {
    requireTools();
    const p = protocol();
    const r = buildResultsData({
      protocol: p,
      regionalCommission: 'Центральная избирательная комиссия Республики Татарстан',
      officers: { chairman: 'Нафиков М.Ф.', secretary: '' },
      generatedAt: new Date('2024-03-17T19:00:00Z'),
    });
    if (!r.ok) throw new Error(r.code);
    const d = r.document;
    expect(d.form).toBe('appendix-5');
    expect(d.protocolSha256).toBe(createHash('sha256').update(documentBytes(p)).digest('hex'));
    expect(d.protocolSha256).toBe(protocolSha256(p));
    expect(d.lines.find((l) => l.line === 10)).toEqual({
      line: 10,
      name: 'Число действительных избирательных бюллетеней',
      value: 3863,
      words: 'три тысячи восемьсот шестьдесят три',
      fromProtocolLine: null,
    });
    expect(d.lines.find((l) => l.line === 14)?.name).toBe('Путин Владимир Владимирович');
    const pdf = (await renderResultsData(d)).pdf;
    expect(fs.pageHasInk(pdf)).toBe(true);
    const text = flat(fs.text(pdf));
    for (const s of [
      'Приложение № 5 (форма)',
      'ДАННЫЕ ОБ ИТОГАХ ДИСТАНЦИОННОГО ЭЛЕКТРОННОГО ГОЛОСОВАНИЯ',
      'Центральная избирательная комиссия Республики Татарстан (наименование избирательной комиссии субъекта Российской Федерации) <1>',
      '1 Число избирателей, включенных в списки избирателей на момент окончания голосования 5 000 пять тысяч',
      '4 Число избирательных бюллетеней, выданных участковыми избирательными комиссиями избирателям в помещении для голосования в день голосования 4 100 четыре тысячи сто',
      '10 Число действительных избирательных бюллетеней 3 863 три тысячи восемьсот шестьдесят три',
      '13 Даванков Владислав Андреевич 1 001 одна тысяча один',
      '16 Харитонов Николай Михайлович 107 сто семь',
      'Нафиков М.Ф.',
      d.protocolSha256,
    ]) {
      expect(text).toContain(s);
    }
  });

  test('P-8.4 a region whose results were declared invalid is not handed on', () => {
    const refused = buildResultsData({
      protocol: protocol('16', true),
      regionalCommission: 'ЦИК Республики Татарстан',
      generatedAt,
    });
    expect(!refused.ok && refused.code).toBe('RESULTS_INVALIDATED');
    const r = handOver({
      protocols: [protocol('16', true), protocol('39'), protocol('54')],
      regionalCommissions: {
        '16': 'ЦИК Республики Татарстан',
        '39': 'Избирательная комиссия Калининградской области',
        '54': 'Избирательная комиссия Новосибирской области',
      },
      generatedAt,
    });
    if (!r.ok) throw new Error(r.code);
    expect(r.results.map((d) => d.region?.code)).toEqual(['39', '54']);
    expect(r.excluded).toEqual([{ region: '16', code: 'RESULTS_INVALIDATED' }]);
    expect(r.results[0]?.generatedAt.local).toBe('17 марта 2024 г., 20:25 (МСК−1)');
  });

  test('P-8.2 the regional commission must be named', () => {
    const r = handOver({ protocols: [protocol('39')], regionalCommissions: {}, generatedAt });
    expect(!r.ok && [r.code, r.region]).toEqual(['EMPTY_FIELD', '39']);
  });
});
