// Appendix 4: the protocol of the commission on the results in a region (P-7.9, P-7.10), its lines in
// figures and in words, the members' signatures or recorded reasons, and the set of protocols.
import { beforeAll, describe, expect, test } from 'vitest';
import { DocumentError, documentBytes } from '../src/document.ts';
import { buildProtocol, buildProtocolSet, renderProtocol } from '../src/protocol.ts';
import type { MemberSigning, ProtocolDocument, RegionResults } from '../src/protocol.ts';
import { CANDIDATES, config } from './fixture.ts';
import { Scratch, flat, requireTools } from './tools.ts';

const generatedAt = new Date('2024-03-17T18:25:00Z'); // 21:25 Moscow

export const RESULTS: RegionResults = {
  onList: 1_234_567,
  ballotsIssued: 1_100_021,
  ballotsCast: 1_000_000,
  invalid: 2_001,
  votes: { c1: 41_234, c2: 901_765, c3: 30_000, c4: 25_000 },
};

/** Every member signs but two: one ill, one on leave. */
export function members(): MemberSigning[] {
  return config().commission.members.map((m): MemberSigning => {
    if (m.id === 'm07')
      return { memberId: m.id, signs: false, reason: 'болезнь (листок нетрудоспособности)' };
    if (m.id === 'm11') return { memberId: m.id, signs: false, reason: 'служебная командировка' };
    return { memberId: m.id, signs: true };
  });
}

function protocol(extra: Partial<Parameters<typeof buildProtocol>[0]> = {}): ProtocolDocument {
  const r = buildProtocol({
    config: config(),
    region: '16',
    candidates: CANDIDATES,
    results: RESULTS,
    members: members(),
    generatedAt,
    ...extra,
  });
  if (!r.ok) throw new Error(`${r.code}: ${r.message.en}`);
  return r.document;
}

describe('Appendix 4: protocol', () => {
  const fs = new Scratch();
  let doc: ProtocolDocument;
  let text: string;
  let pdf: Uint8Array;

  beforeAll(async () => {
    requireTools();
    doc = protocol();
    pdf = (await renderProtocol(doc)).pdf;
    text = flat(fs.text(pdf));
  });

  test('P-7.9 lines 1–4 then the candidates in ballot order, each in figures and in words', () => {
    expect(doc.lines.map((l) => [l.line, l.value, l.candidateId ?? null])).toEqual([
      [1, 1_234_567, null],
      [2, 1_100_021, null],
      [3, 1_000_000, null],
      [4, 2_001, null],
      [5, 41_234, 'c1'],
      [6, 901_765, 'c2'],
      [7, 30_000, 'c3'],
      [8, 25_000, 'c4'],
    ]);
    expect(doc.lines[0]!.words).toBe('один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь');
    expect(doc.lines[3]!.words).toBe('две тысячи один');
  });

  test('P-7.9 the PDF shows the title, region, every line in figures and words, the candidates', () => {
    for (const s of [
      'Приложение № 4 (форма)',
      'ПРОТОКОЛ территориальной избирательной комиссии дистанционного электронного голосования об итогах дистанционного электронного голосования',
      'Республика Татарстан (наименование субъекта Российской Федерации)',
      '17 марта 2024 г. (дата голосования)',
      '1 Число участников дистанционного электронного голосования, включенных в список участников дистанционного электронного голосования на момент окончания голосования 1 234 567 один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь',
      '2 Число электронных бюллетеней, доступ к которым предоставлен участникам дистанционного электронного голосования 1 100 021 один миллион сто тысяч двадцать один',
      '3 Число электронных бюллетеней, по которым участники дистанционного электронного голосования приняли участие в голосовании 1 000 000 один миллион',
      '4 Число недействительных электронных бюллетеней 2 001 две тысячи один',
      'Фамилии, имена, отчества внесенных в электронный бюллетень зарегистрированных кандидатов',
      '5 Даванков Владислав Андреевич 41 234 сорок одна тысяча двести тридцать четыре',
      '6 Путин Владимир Владимирович 901 765 девятьсот одна тысяча семьсот шестьдесят пять',
      '8 Харитонов Николай Михайлович 25 000 двадцать пять тысяч',
      '«17» марта 2024 года в 21 час 25 минут (МСК)',
    ]) {
      expect(text).toContain(s);
    }
    expect(text).not.toContain('НЕДЕЙСТВИТЕЛЬН');
    expect(fs.pageHasInk(pdf, 1)).toBe(true);
  });

  test('P-7.9 every member: electronic signature, or the recorded reason for not signing', () => {
    expect(doc.members.map((m) => [m.role, m.name, m.signs, m.reason])).toEqual([
      ['chairman', 'Ёлкин-Сосновский П.А.', true, null],
      ['deputy', 'Щербакова А.С.', true, null],
      ['secretary', 'Семёнова А.В.', true, null],
      ['member', 'Абдуллаев Р.Ф.', true, null],
      ['member', 'Белоусова-Кох О.И.', true, null],
      ['member', 'Воробьёв И.П.', true, null],
      ['member', 'Гарипова Г.Р.', false, 'болезнь (листок нетрудоспособности)'],
      ['member', 'Дёмин С.Ю.', true, null],
      ['member', 'Ершова Н.О.', true, null],
      ['member', 'Жуков А.Д.', true, null],
      ['member', 'Зайцева Ю.М.', false, 'служебная командировка'],
      ['member', 'Ильин Ф.К.', true, null],
    ]);
    expect(text).toContain(
      'Председатель территориальной избирательной комиссии дистанционного электронного голосования ЭЛЕКТРОННАЯ ПОДПИСЬ Ёлкин-Сосновский П.А.',
    );
    expect(text).toContain('Не подписал(а): болезнь (листок нетрудоспособности) Гарипова Г.Р.');
    expect(text).toContain('Не подписал(а): служебная командировка Зайцева Ю.М.');
    expect(text.match(/ЭЛЕКТРОННАЯ ПОДПИСЬ/g)).toHaveLength(10);
  });

  test('P-7.9 refused when a member neither signs nor has a reason', async () => {
    const c = config();
    const missing = buildProtocol({
      config: c,
      region: '16',
      candidates: CANDIDATES,
      results: RESULTS,
      members: members().filter((m) => m.memberId !== 'm05'),
      generatedAt,
    });
    expect(!missing.ok && missing.code).toBe('MEMBER_NOT_ACCOUNTED');
    expect(!missing.ok && missing.message.ru).toContain('Белоусова-Кох Ольга Ивановна');
    const blank = members().map((m): MemberSigning =>
      m.memberId === 'm05' ? { memberId: 'm05', signs: false, reason: '  ' } : m,
    );
    const noReason = buildProtocol({
      config: c,
      region: '16',
      candidates: CANDIDATES,
      results: RESULTS,
      members: blank,
      generatedAt,
    });
    expect(!noReason.ok && noReason.code).toBe('MEMBER_NOT_ACCOUNTED');
    const stranger = buildProtocol({
      config: c,
      region: '16',
      candidates: CANDIDATES,
      results: RESULTS,
      members: [...members(), { memberId: 'x99', signs: true }],
      generatedAt,
    });
    expect(!stranger.ok && stranger.code).toBe('UNKNOWN_MEMBER');
    const twice = buildProtocol({
      config: c,
      region: '16',
      candidates: CANDIDATES,
      results: RESULTS,
      members: [...members(), { memberId: 'm01', signs: true }],
      generatedAt,
    });
    expect(!twice.ok && twice.code).toBe('DUPLICATE_MEMBER');
    // A document altered after it was built (or read from elsewhere) does not render either.
    const altered: ProtocolDocument = {
      ...doc,
      members: doc.members.map((m) => (m.memberId === 'm07' ? { ...m, reason: '' } : m)),
    };
    await expect(renderProtocol(altered)).rejects.toThrow(DocumentError);
    await expect(renderProtocol(altered)).rejects.toMatchObject({ code: 'MEMBER_NOT_ACCOUNTED' });
  });

  test('P-7.9 control relations: cast ≤ issued, invalid ≤ cast, votes add up to cast − invalid', () => {
    const bad = (results: RegionResults): string | false => {
      const r = buildProtocol({
        config: config(),
        region: '16',
        candidates: CANDIDATES,
        results,
        members: members(),
        generatedAt,
      });
      return !r.ok && r.code;
    };
    expect(bad({ ...RESULTS, ballotsCast: RESULTS.ballotsIssued + 1 })).toBe('CONTROL_RELATION');
    expect(bad({ ...RESULTS, invalid: RESULTS.ballotsCast + 1 })).toBe('CONTROL_RELATION');
    expect(bad({ ...RESULTS, votes: { ...RESULTS.votes, c4: 25_001 } })).toBe('CONTROL_RELATION');
    expect(bad({ ...RESULTS, invalid: -1 })).toBe('BAD_COUNT');
    expect(bad({ ...RESULTS, onList: 1.5 })).toBe('BAD_COUNT');
    expect(bad({ ...RESULTS, votes: { c1: 41_234, c2: 901_765, c3: 55_000 } })).toBe('CANDIDATES_MISMATCH');
    expect(bad({ ...RESULTS, votes: { ...RESULTS.votes, c9: 0 } })).toBe('CANDIDATES_MISMATCH');
    expect(bad(RESULTS)).toBe(false);
  });

  test('P-7.10 a region whose results were declared invalid is marked on its protocol', async () => {
    const invalid = protocol({
      invalidated: {
        decision: 'решение ТИК ДЭГ от 17.03.2024 № 12/45',
        at: new Date('2024-03-17T18:20:00Z'),
      },
    });
    expect(invalid.invalidated).toEqual({
      decision: 'решение ТИК ДЭГ от 17.03.2024 № 12/45',
      at: '17 марта 2024 г., 21:20 (МСК)',
    });
    expect(doc.invalidated).toBeNull();
    const t = flat(fs.text((await renderProtocol(invalid)).pdf));
    expect(t).toContain('ИТОГИ ДИСТАНЦИОННОГО ЭЛЕКТРОННОГО ГОЛОСОВАНИЯ ПРИЗНАНЫ НЕДЕЙСТВИТЕЛЬНЫМИ');
    expect(t).toContain('Основание: решение ТИК ДЭГ от 17.03.2024 № 12/45, 17 марта 2024 г., 21:20 (МСК)');
    const noDecision = buildProtocol({
      config: config(),
      region: '16',
      candidates: CANDIDATES,
      results: RESULTS,
      members: members(),
      generatedAt,
      invalidated: { decision: ' ', at: generatedAt },
    });
    expect(!noDecision.ok && noDecision.code).toBe('EMPTY_FIELD');
  });

  test('P-7.9 a region’s protocol moment is in its own zone', () => {
    const kaliningrad = protocol({ region: '39' });
    expect(kaliningrad.moment).toBe('«17» марта 2024 года в 20 часов 25 минут (МСК−1)');
    expect(kaliningrad.generatedAt.local).toBe('17 марта 2024 г., 20:25 (МСК−1)');
    expect(new TextDecoder().decode(documentBytes(kaliningrad))).toContain('"form":"appendix-4"');
  });
});

describe('P-7.9 the set of protocols', () => {
  const zero: RegionResults = {
    onList: 0,
    ballotsIssued: 0,
    ballotsCast: 0,
    invalid: 0,
    votes: { c1: 0, c2: 0, c3: 0, c4: 0 },
  };

  test('P-7.9 regions without applications are left out; the Moscow mode keeps its own protocol', () => {
    const r = buildProtocolSet({
      config: config(),
      candidates: CANDIDATES,
      members: members(),
      generatedAt,
      regions: [
        { region: '16', applications: 1_300_000, results: RESULTS },
        { region: '39', applications: 0, results: zero },
        {
          region: '41',
          applications: 12,
          results: { onList: 12, ballotsIssued: 0, ballotsCast: 0, invalid: 0, votes: zero.votes },
        },
        { region: '77', applications: 5, results: zero },
      ],
    });
    if (!r.ok) throw new Error(r.code);
    expect(r.set.protocols.map((p) => p.region?.code)).toEqual(['16', '41']);
    expect(r.set.omitted).toEqual([
      { region: '39', code: 'NO_APPLICATIONS' },
      { region: '54', code: 'NO_APPLICATIONS' },
      { region: '77', code: 'REGION_OWN_SYSTEM' },
    ]);
  });

  test('P-7.9 one region’s refused protocol refuses the set, naming the region', () => {
    const r = buildProtocolSet({
      config: config(),
      candidates: CANDIDATES,
      members: members(),
      generatedAt,
      regions: [
        { region: '16', applications: 10, results: RESULTS },
        { region: '54', applications: 10, results: { ...RESULTS, invalid: RESULTS.ballotsCast + 1 } },
      ],
    });
    expect(!r.ok && [r.code, r.region]).toEqual(['CONTROL_RELATION', '54']);
    const unknown = buildProtocolSet({
      config: config(),
      candidates: CANDIDATES,
      members: members(),
      generatedAt,
      regions: [{ region: '98', applications: 1, results: RESULTS }],
    });
    expect(!unknown.ok && unknown.code).toBe('UNKNOWN_REGION');
  });
});
