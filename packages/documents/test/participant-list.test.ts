// Appendix 1 (the participant list, P-3.2, P-3.5, P-3.8, P-7.2–P-7.3) and Appendix 2 (an excluded
// participant struck through with the ground, P-3.4), rendered and read back with poppler.
import { beforeAll, describe, expect, test } from 'vitest';
import { documentBytes } from '../src/document.ts';
import { buildParticipantList, renderParticipantList } from '../src/participant-list.ts';
import { renderPdf } from '../src/pdf.ts';
import type { ParticipantListDocument, RenderedPart } from '../src/participant-list.ts';
import { LONG_ADDRESS, config, tatarstanList } from './fixture.ts';
import { Scratch, flat, requireTools, struckThrough } from './tools.ts';

const generatedAt = new Date('2024-03-17T17:05:00Z');
const finalAt = new Date('2024-03-17T17:00:00Z');

function build(extra: { finalAt?: Date; region?: string } = {}): ParticipantListDocument {
  const list = tatarstanList();
  const r = buildParticipantList({
    config: config(),
    region: extra.region ?? '16',
    rows: list.rows(),
    counts: list.counts(),
    ...(extra.finalAt === undefined ? {} : { finalAt: extra.finalAt }),
    generatedAt,
  });
  if (!r.ok) throw new Error(r.code);
  return r.document;
}

async function parts(doc: ParticipantListDocument, rowsPerBook?: number): Promise<RenderedPart[]> {
  const out: RenderedPart[] = [];
  for await (const p of renderParticipantList(doc, rowsPerBook === undefined ? {} : { rowsPerBook }))
    out.push(p);
  return out;
}

describe('Appendix 1: participant list', () => {
  const fs = new Scratch();
  let doc: ParticipantListDocument;
  let pdf: Uint8Array;
  let text: string;

  beforeAll(async () => {
    requireTools();
    doc = build({ finalAt });
    const rendered = await parts(doc);
    expect(rendered).toHaveLength(1);
    pdf = (rendered[0] as RenderedPart).pdf;
    text = flat(fs.text(pdf));
  });

  test('P-3.2 the canonical document: form, version, election, region, time in the region’s zone', () => {
    expect(doc.form).toBe('appendix-1');
    expect(doc.version).toBe(1);
    expect(doc.election).toEqual({
      id: 'president-2024',
      title: 'Выборы Президента Российской Федерации',
      votingDay: '17 марта 2024 г.',
    });
    expect(doc.region).toEqual({ code: '16', name: 'Республика Татарстан', timeZone: 'Europe/Moscow' });
    expect(doc.generatedAt).toEqual({
      iso: '2024-03-17T17:05:00.000Z',
      local: '17 марта 2024 г., 20:05 (МСК)',
    });
    const json = new TextDecoder().decode(documentBytes(doc));
    // RFC 8785: members sorted, no whitespace; the text round-trips to the same object.
    expect(json.startsWith('{"election":{"id":"president-2024"')).toBe(true);
    expect(JSON.parse(json)).toEqual(doc);
  });

  test('P-3.2 P-3.5 the PDF shows the form title, header, Cyrillic names with Ё and hyphens, long addresses', () => {
    for (const s of [
      'Приложение № 1 (форма)',
      'Республика Татарстан',
      '(наименование субъекта Российской Федерации)',
      'Выборы Президента Российской Федерации',
      '17 марта 2024 г. (дата голосования)',
      'СПИСОК УЧАСТНИКОВ ДИСТАНЦИОННОГО ЭЛЕКТРОННОГО ГОЛОСОВАНИЯ',
      'В список участников дистанционного электронного голосования включено 6 участников',
      'ФАМИЛИЯ, ИМЯ, ОТЧЕСТВО <1>',
      'ДОСТУП К ЭЛЕКТРОННОМУ БЮЛЛЕТЕНЮ ПРЕДОСТАВЛЕН <2>',
      'Ёлкина Алёна Игоревна',
      'Щукин-Водкин Эдуард Юрьевич',
      'Абрамова-Ильина Дарья Фёдоровна',
      flat(LONG_ADDRESS),
      '29.02.1988',
      '+7 (900) 111-01-01',
      'Лист 1 из 2',
    ]) {
      expect(text).toContain(s);
    }
  });

  test('P-3.5 rows are alphabetical and numbered from 1 (Ё sorts as Е)', () => {
    expect(doc.rows.map((r) => `${r.n} ${r.fullName}`)).toEqual([
      '1 Абрамова-Ильина Дарья Фёдоровна',
      '2 Гарифуллин Ильдар',
      '3 Егоров Андрей Васильевич',
      '4 Ёлкина Алёна Игоревна',
      '5 Семёнов Пётр Ильич',
      '6 Щукин-Водкин Эдуард Юрьевич',
    ]);
    const at = doc.rows.map((r) => text.indexOf(r.fullName));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  test('P-3.8 the passport is shown only where ballot access was granted', () => {
    const byName = new Map(doc.rows.map((r) => [r.fullName, r.ballotAccess]));
    expect(byName.get('Щукин-Водкин Эдуард Юрьевич')).toBe('92 00 123450');
    expect(byName.get('Ёлкина Алёна Игоревна')).toBe('92 01 123451');
    expect(byName.get('Абрамова-Ильина Дарья Фёдоровна')).toBe('');
    expect(text).toContain('92 00 123450');
    expect(text).toContain('92 05 123455');
    expect(text).not.toContain('92 02 123452'); // Абрамова-Ильина: no access
    expect(text).not.toContain('92 04 123454'); // Гарифуллин: no access
  });

  test('P-7.3 the final list carries both totals and the chairman’s and secretary’s signature places', () => {
    expect(doc.state).toBe('final');
    expect(doc.totals).toEqual({ onList: 5, ballotsIssued: 3, asOf: '17 марта 2024 г., 20:00 (МСК)' });
    expect(text).toContain('ИТОГО ПО СПИСКУ УЧАСТНИКОВ ДИСТАНЦИОННОГО ЭЛЕКТРОННОГО ГОЛОСОВАНИЯ');
    expect(text).toMatch(
      /на момент окончания голосования 5 Число электронных бюллетеней, доступ к которым предоставлен участникам дистанционного электронного голосования 3/,
    );
    expect(text).toContain(
      'ПРЕДСЕДАТЕЛЬ ТЕРРИТОРИАЛЬНОЙ ИЗБИРАТЕЛЬНОЙ КОМИССИИ ДИСТАНЦИОННОГО ЭЛЕКТРОННОГО ГОЛОСОВАНИЯ',
    );
    expect(text).toContain('Ёлкин-Сосновский П.А.');
    expect(text).toContain('Семёнова А.В.');
  });

  test('P-3.2 the list as loaded has no totals yet', async () => {
    const loaded = build();
    expect(loaded.state).toBe('compiled');
    expect(loaded.totals).toBeNull();
    const t = flat(fs.text((await parts(loaded))[0]!.pdf));
    expect(t).toContain('Итоговые числа вносятся на момент окончания голосования');
    expect(t).not.toMatch(/окончания голосования 5 /);
  });

  test('pdftoppm -r 50 -png renders non-blank pages', async () => {
    expect(fs.pageHasInk(pdf, 1)).toBe(true);
    expect(fs.pageHasInk(pdf, 2)).toBe(true);
    const blank = await renderPdf({ content: [] }, { title: '', subject: '', createdAt: generatedAt });
    expect(fs.pageHasInk(blank, 1)).toBe(false);
  });

  test('the PDF is a function of the document: the JSON read back renders the same bytes', async () => {
    const again = JSON.parse(new TextDecoder().decode(documentBytes(doc))) as ParticipantListDocument;
    const second = (await parts(again))[0]!.pdf;
    expect(Buffer.from(second).equals(Buffer.from(pdf))).toBe(true);
    const other = (
      await parts({ ...doc, generatedAt: { ...doc.generatedAt, iso: '2024-03-17T17:06:00.000Z' } })
    )[0]!.pdf;
    expect(Buffer.from(other).equals(Buffer.from(pdf))).toBe(false);
  });
});

describe('Appendix 2: an excluded participant', () => {
  const fs = new Scratch();

  beforeAll(() => {
    requireTools();
  });

  test('P-3.4 the excluded row is marked struck with the ground in «Особые отметки»', () => {
    const doc = build({ finalAt });
    const struck = doc.rows.filter((r) => r.struck);
    expect(struck).toEqual([
      expect.objectContaining({
        fullName: 'Семёнов Пётр Ильич',
        notes: 'Проголосовал досрочно',
        struck: true,
      }),
    ]);
    expect(doc.rows.filter((r) => !r.struck).every((r) => r.notes === '')).toBe(true);
  });

  test('P-3.4 the PDF draws a line through the excluded row and through no other', async () => {
    const doc = build({ finalAt });
    const pdf = (await parts(doc))[0]!.pdf;
    const dpi = 100;
    const img = fs.pageImage(pdf, 1, dpi);
    const words = fs.words(pdf).filter((w) => w.page === 1);
    const phoneBox = (digits: string): { xMin: number; yMin: number; xMax: number; yMax: number } => {
      const last = words.findIndex((w) => w.text === digits);
      expect(last).toBeGreaterThan(2);
      const run = words.slice(last - 2, last + 1); // «+7» «(900)» «111-04-04»
      expect(run.map((w) => w.text).join(' ')).toMatch(/^\+7 \(900\) /);
      return {
        xMin: Math.min(...run.map((w) => w.xMin)),
        yMin: Math.min(...run.map((w) => w.yMin)),
        xMax: Math.max(...run.map((w) => w.xMax)),
        yMax: Math.max(...run.map((w) => w.yMax)),
      };
    };
    expect(struckThrough(img, dpi, phoneBox('111-04-04'))).toBe(true); // Семёнов, excluded
    expect(struckThrough(img, dpi, phoneBox('111-06-06'))).toBe(false); // Егоров, on the list
    expect(struckThrough(img, dpi, phoneBox('111-01-01'))).toBe(false);
    expect(flat(fs.text(pdf))).toContain('Проголосовал досрочно');

    // The same row without the decoration has no line: the check sees the strike, not the text.
    const plain = { ...doc, rows: doc.rows.map((r) => ({ ...r, struck: false })) };
    const plainPdf = (await parts(plain))[0]!.pdf;
    const plainImg = fs.pageImage(plainPdf, 1, dpi);
    expect(struckThrough(plainImg, dpi, phoneBox('111-04-04'))).toBe(false);
  });
});

describe('Appendix 1: refusals and long lists', () => {
  const fs = new Scratch();

  test('P-3.2 a list of an unknown region, or of the Moscow mode, is refused', () => {
    const list = tatarstanList();
    const base = { config: config(), rows: list.rows(), counts: list.counts(), generatedAt };
    const unknown = buildParticipantList({ ...base, region: '99' });
    expect(!unknown.ok && unknown.code).toBe('UNKNOWN_REGION');
    const moscow = buildParticipantList({ ...base, region: '77' });
    expect(!moscow.ok && moscow.code).toBe('REGION_OWN_SYSTEM');
    expect(buildParticipantList({ ...base, region: '16' }).ok).toBe(true);
  });

  test('P-3.5 rows out of sequence or without a name are refused', () => {
    const list = tatarstanList();
    const rows = list.rows();
    const base = { config: config(), region: '16', counts: list.counts(), generatedAt };
    const gap = buildParticipantList({ ...base, rows: [rows[0]!, { ...rows[2]!, n: 3 }] });
    expect(!gap.ok && gap.code).toBe('ROWS_NOT_NUMBERED');
    const empty = buildParticipantList({ ...base, rows: [{ ...rows[0]!, fullName: ' ' }] });
    expect(!empty.ok && empty.code).toBe('EMPTY_FIELD');
    const counts = buildParticipantList({ ...base, rows, counts: { onList: -1, ballotsIssued: 0 } });
    expect(!counts.ok && counts.code).toBe('BAD_COUNT');
  });

  test('a list longer than a book comes in books with row numbers running on and totals at the end', async () => {
    const doc = build({ finalAt });
    const books = await parts(doc, 4);
    expect(books.map((b) => [b.part, b.parts, b.rows])).toEqual([
      [1, 2, { first: 1, last: 4 }],
      [2, 2, { first: 5, last: 6 }],
    ]);
    const first = flat(fs.text(books[0]!.pdf));
    const second = flat(fs.text(books[1]!.pdf));
    expect(first).toContain('Книга 1 из 2, строки 1–4');
    expect(first).toContain('Ёлкина Алёна Игоревна');
    expect(first).not.toContain('Щукин-Водкин');
    expect(first).not.toContain('ИТОГО ПО СПИСКУ');
    expect(second).toContain('Книга 2 из 2, строки 5–6');
    expect(second).toMatch(/ 6 Щукин-Водкин Эдуард Юрьевич/);
    expect(second).toContain('ИТОГО ПО СПИСКУ');
    await expect(parts(doc, 0)).rejects.toThrow(RangeError);
  });
});
