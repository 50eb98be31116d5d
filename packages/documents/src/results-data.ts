/**
 * Appendix 5 — the results data of remote electronic voting for the regional commission (ИКСРФ),
 * P-8.1–P-8.4: filled from the region's protocol (Appendix 4) through the Appendix 6 line mapping,
 * printed by the regional commission and signed by its chairman and secretary (P-8.2), and taken
 * into the regional summary table as the column «Дистанционное электронное голосование» (P-8.3).
 * A region whose results were declared invalid is not handed on (P-8.4).
 *
 * The document names the protocol it was filled from by the SHA-256 of the protocol's canonical JSON,
 * so the regional commission can check that its numbers are the signed protocol's.
 */

import { createHash } from 'node:crypto';
import type { Content, TableCell } from 'pdfmake';
import type { Built, DocumentFailure, DocumentHeader } from './document.ts';
import { DocumentError, documentBytes, failure } from './document.ts';
import { APPENDIX_6, CANDIDATE_LINES, mapProtocolLines } from './line-mapping.ts';
import { numberToRussianWords } from './number-words.ts';
import type { RenderedPart } from './participant-list.ts';
import {
  GREY,
  appendixCaption,
  captioned,
  electionHeader,
  headerCell,
  pageFooter,
  renderPdf,
  signatureBlock,
} from './pdf.ts';
import type { ProtocolDocument } from './protocol.ts';
import { formatCountRu, formatInstantRu } from './russian-text.ts';

export interface ResultsLine {
  readonly line: number;
  readonly name: string;
  readonly value: number;
  readonly words: string;
  /** The protocol line the number comes from; null for the zeros and the difference. */
  readonly fromProtocolLine: number | null;
}

export interface ResultsDataDocument extends DocumentHeader<'appendix-5'> {
  /** The regional commission, in the nominative (footnote <1>). */
  readonly regionalCommission: string;
  readonly lines: readonly ResultsLine[];
  /** SHA-256 (hex) of the canonical JSON of the protocol it was filled from. */
  readonly protocolSha256: string;
  readonly officers: { readonly chairman: string; readonly secretary: string };
}

export interface ResultsDataInput {
  readonly protocol: ProtocolDocument;
  /** e.g. «Центральная избирательная комиссия Республики Татарстан». */
  readonly regionalCommission: string;
  /** The regional commission's chairman and secretary (surname and initials); empty to fill on paper. */
  readonly officers?: { readonly chairman?: string; readonly secretary?: string };
  readonly generatedAt: Date;
}

export function protocolSha256(protocol: ProtocolDocument): string {
  return createHash('sha256').update(documentBytes(protocol)).digest('hex');
}

/** P-8.2 via Appendix 6; P-8.4 refuses a region whose results were declared invalid. */
export function buildResultsData(input: ResultsDataInput): Built<ResultsDataDocument> {
  const p = input.protocol;
  if (p.region === null) {
    throw new DocumentError(failure('UNKNOWN_REGION', { ru: 'Это не протокол', en: 'Not a protocol' }));
  }
  if (p.invalidated !== null) {
    return failure('RESULTS_INVALIDATED', {
      ru: `${p.region.name}: итоги признаны недействительными (${p.invalidated.decision}) и не передаются`,
      en: `${p.region.name}: the results were declared invalid and are not handed on`,
    });
  }
  if (input.regionalCommission.trim() === '') {
    return failure('EMPTY_FIELD', {
      ru: 'Не указана избирательная комиссия субъекта',
      en: 'No regional commission named',
    });
  }
  const names = new Map(APPENDIX_6.map((m) => [m.resultsLine, m.resultsName]));
  const candidates = new Map(p.lines.filter((l) => l.candidateId !== undefined).map((l) => [l.line, l.name]));
  const lines = mapProtocolLines(p.lines).map((l): ResultsLine => ({
    line: l.line,
    name:
      names.get(l.line) ??
      (candidates.get(l.line - CANDIDATE_LINES.resultsFirst + CANDIDATE_LINES.protocolFirst) as string),
    value: l.value,
    words: numberToRussianWords(l.value),
    fromProtocolLine: l.fromProtocolLine,
  }));
  const at = input.generatedAt;
  return {
    ok: true,
    document: {
      form: 'appendix-5',
      version: p.version,
      election: p.election,
      region: p.region,
      generatedAt: { iso: at.toISOString(), local: formatInstantRu(at, p.region.timeZone) },
      regionalCommission: input.regionalCommission.trim(),
      lines,
      protocolSha256: protocolSha256(p),
      officers: { chairman: input.officers?.chairman ?? '', secretary: input.officers?.secretary ?? '' },
    },
  };
}

/** P-8.1, P-8.4: the results data of every region whose results stand; invalidated regions left out. */
export function handOver(input: {
  readonly protocols: readonly ProtocolDocument[];
  readonly regionalCommissions: Readonly<Record<string, string>>;
  readonly generatedAt: Date;
}):
  | {
      readonly ok: true;
      readonly results: readonly ResultsDataDocument[];
      readonly excluded: readonly { readonly region: string; readonly code: 'RESULTS_INVALIDATED' }[];
    }
  | (DocumentFailure & { readonly region: string }) {
  const results: ResultsDataDocument[] = [];
  const excluded: { region: string; code: 'RESULTS_INVALIDATED' }[] = [];
  for (const protocol of input.protocols) {
    const code = protocol.region?.code ?? '';
    const built = buildResultsData({
      protocol,
      regionalCommission: input.regionalCommissions[code] ?? '',
      generatedAt: input.generatedAt,
    });
    if (built.ok) results.push(built.document);
    else if (built.code === 'RESULTS_INVALIDATED') excluded.push({ region: code, code: built.code });
    else return { ...built, region: code };
  }
  return { ok: true, results, excluded };
}

export async function renderResultsData(doc: ResultsDataDocument): Promise<RenderedPart> {
  if (doc.region === null) {
    throw new DocumentError(
      failure('UNKNOWN_REGION', { ru: 'Это не данные об итогах', en: 'Not results data' }),
    );
  }
  const cells = (l: ResultsLine): TableCell[] => [
    { text: String(l.line), alignment: 'center' },
    l.name,
    { text: formatCountRu(l.value), alignment: 'right', bold: true },
    { text: l.words, italics: true },
  ];
  const general = doc.lines.filter((l) => l.line < CANDIDATE_LINES.resultsFirst);
  const candidates = doc.lines.filter((l) => l.line >= CANDIDATE_LINES.resultsFirst);
  const content: Content[] = [
    appendixCaption(5),
    ...electionHeader(doc),
    {
      stack: [
        { text: 'ДАННЫЕ', bold: true, fontSize: 13 },
        { text: 'ОБ ИТОГАХ ДИСТАНЦИОННОГО ЭЛЕКТРОННОГО ГОЛОСОВАНИЯ', bold: true },
        { text: 'Results data of remote electronic voting', italics: true, color: GREY, fontSize: 8 },
      ],
      alignment: 'center',
      margin: [0, 6, 0, 6],
    },
    captioned(
      doc.regionalCommission,
      '(наименование избирательной комиссии субъекта Российской Федерации) <1>',
      { bold: true },
    ),
    {
      table: {
        headerRows: 1,
        widths: [24, '*', 60, 150],
        body: [
          [
            headerCell('№ строки', 'Line'),
            headerCell('Наименование строки', 'Line'),
            headerCell('Цифрами', 'In figures'),
            headerCell('Прописью', 'In words'),
          ],
          ...general.map(cells),
          [
            { text: '' },
            headerCell(
              'Фамилии, имена, отчества внесенных в избирательный бюллетень зарегистрированных кандидатов',
              'Registered candidates',
            ),
            {
              ...headerCell(
                'Число голосов избирателей, поданных за каждого зарегистрированного кандидата',
                'Votes for each candidate',
              ),
              colSpan: 2,
            },
            {},
          ],
          ...candidates.map(cells),
        ],
      },
      fontSize: 8.5,
    },
    signatureBlock(
      [
        {
          position: 'Председатель комиссии',
          name: doc.officers.chairman,
          mark: '(подпись либо причина отсутствия)',
        },
        {
          position: 'Секретарь комиссии',
          name: doc.officers.secretary,
          mark: '(подпись либо причина отсутствия)',
        },
      ],
      { seal: true },
    ),
    {
      text: `Заполнено по протоколу ТИК ДЭГ (приложение № 4) через таблицу соответствия (приложение № 6); SHA-256 протокола: ${doc.protocolSha256}`,
      fontSize: 6.5,
      color: GREY,
      margin: [0, 10, 0, 0],
    },
    { text: '<1> Указывается в именительном падеже.', fontSize: 7, margin: [0, 4, 0, 0] },
  ];
  const pdf = await renderPdf(
    {
      pageMargins: [40, 40, 40, 40],
      content,
      footer: pageFooter(`Данные об итогах ДЭГ: ${doc.region.name}`, doc.generatedAt.local),
    },
    {
      title: `Данные об итогах дистанционного электронного голосования: ${doc.region.name}`,
      subject: `${doc.election.title}, ${doc.election.votingDay}`,
      createdAt: new Date(doc.generatedAt.iso),
    },
  );
  return { part: 1, parts: 1, pdf };
}
