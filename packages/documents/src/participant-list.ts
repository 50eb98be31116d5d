/**
 * Appendix 1 — the participant list of a region (список участников дистанционного электронного
 * голосования), with excluded participants shown as Appendix 2 prescribes: the row struck through and
 * the ground in «Особые отметки».
 *
 * P-3.2 one list per region in the Appendix 1 form; P-3.4 exclusions with their ground; P-3.5 full
 * name, date of birth, address, mobile phone, alphabetical (footnote <1>); P-3.8 the passport series
 * and number once ballot access was granted (footnote <2>); P-7.2–P-7.3 the list as of the end of
 * voting with its two totals, signed by the chairman and the secretary.
 *
 * A region's list may hold 100 000 rows and more. pdfmake lays out a whole document in memory before
 * writing it (100 000 rows in one table: about 66 s and 2.5 GB), so the PDF comes in books
 * (книги, as paper lists are bound) of `rowsPerBook` rows, rendered one at a time, each with its
 * own «Лист x из y», the row numbers running on from book to book, the totals and signatures at the
 * end of the last. The canonical JSON stays one document for the whole list.
 */

import type { ElectionConfig, ListCounts, ListRow } from '@opendeg/deg';
import type { Content, TableCell } from 'pdfmake';
import type { Built, DocumentHeader } from './document.ts';
import { DocumentError, documentHeader, failure, federalRegion, isCount } from './document.ts';
import { officerNames } from './officers.ts';
import {
  GREY,
  appendixCaption,
  electionHeader,
  formTitle,
  headerCell,
  notes,
  pageFooter,
  renderPdf,
  signatureBlock,
} from './pdf.ts';
import { formatCountRu, formatInstantRu, formatPhoneRu } from './russian-text.ts';
import { pluralRu } from './number-words.ts';

export interface ParticipantListInput {
  readonly config: ElectionConfig;
  /** Region code as in the configuration. */
  readonly region: string;
  /** Rows as `ParticipantList.rows()` gives them: alphabetical, numbered from 1. */
  readonly rows: readonly ListRow[];
  readonly counts: ListCounts;
  /** P-7.2: the moment of the final list (end of voting); absent for the list as loaded (P-3.2). */
  readonly finalAt?: Date;
  /** Surname and initials under the signatures; by default the configuration's chairman and secretary. */
  readonly officers?: { readonly chairman?: string; readonly secretary?: string };
  readonly generatedAt: Date;
}

export interface ParticipantListRow {
  readonly n: number;
  readonly fullName: string;
  readonly birthDate: string;
  readonly address: string;
  readonly phone: string;
  /** P-3.8: passport series and number once ballot access was granted, else empty. */
  readonly ballotAccess: string;
  /** «Особые отметки»: the P-3.4 ground of an exclusion. */
  readonly notes: string;
  /** Appendix 2: the row is struck through. */
  readonly struck: boolean;
}

export interface ParticipantListDocument extends DocumentHeader<'appendix-1'> {
  /** `compiled`: the list as loaded (P-3.2); `final`: as of the end of voting (P-7.2). */
  readonly state: 'compiled' | 'final';
  /** «В список … включено ___ участников»: every row, excluded ones included. */
  readonly included: number;
  readonly rows: readonly ParticipantListRow[];
  /** P-7.3: the two totals of the final list; null before the end of voting. */
  readonly totals: { readonly onList: number; readonly ballotsIssued: number; readonly asOf: string } | null;
  readonly officers: { readonly chairman: string; readonly secretary: string };
}

/** Builds the Appendix 1 document of a region's list. */
export function buildParticipantList(input: ParticipantListInput): Built<ParticipantListDocument> {
  const region = federalRegion(input.config, input.region);
  if ('ok' in region) return region;
  const rows: ParticipantListRow[] = [];
  for (const [i, r] of input.rows.entries()) {
    if (r.n !== i + 1) {
      return failure('ROWS_NOT_NUMBERED', {
        ru: `Строки списка должны идти по порядку с 1: на месте ${i + 1} стоит номер ${r.n}`,
        en: `List rows must be numbered from 1 in order: row ${r.n} is at position ${i + 1}`,
      });
    }
    if (r.fullName.trim() === '' || r.birthDate.trim() === '' || r.address.trim() === '') {
      return failure('EMPTY_FIELD', {
        ru: `Строка ${r.n}: не указаны фамилия, имя, отчество, дата рождения или адрес`,
        en: `Row ${r.n}: the name, date of birth or address is empty`,
      });
    }
    rows.push({
      n: r.n,
      fullName: r.fullName,
      birthDate: r.birthDate,
      address: r.address,
      phone: formatPhoneRu(r.phone),
      ballotAccess: r.ballotAccess,
      notes: r.notes,
      struck: r.struck,
    });
  }
  if (!isCount(input.counts.onList) || !isCount(input.counts.ballotsIssued)) {
    return failure('BAD_COUNT', {
      ru: 'Итоговые числа списка неверны',
      en: 'The list totals are not counts',
    });
  }
  return {
    ok: true,
    document: {
      ...documentHeader('appendix-1', input.config, region, input.generatedAt),
      state: input.finalAt === undefined ? 'compiled' : 'final',
      included: rows.length,
      rows,
      totals:
        input.finalAt === undefined
          ? null
          : {
              onList: input.counts.onList,
              ballotsIssued: input.counts.ballotsIssued,
              asOf: formatInstantRu(input.finalAt, region.timeZone),
            },
      officers: officerNames(input.config, input.officers),
    },
  };
}

/**
 * Rows per book by default: 100–270 A4 landscape pages (as many names and addresses wrap), laid out
 * in about 2.5 s on a quiet core within about 250 MB; a 100 000-row list is 20 books and, with the
 * heap capped at 1 GB, never rose above 0.7 GB (bench/documents.bench.ts).
 */
export const DEFAULT_ROWS_PER_BOOK = 5000;

export interface RenderedPart {
  /** 1-based number of this file among `parts`. */
  readonly part: number;
  readonly parts: number;
  /** The list rows in this book (Appendix 1 only). */
  readonly rows?: { readonly first: number; readonly last: number };
  readonly pdf: Uint8Array;
}

const COLUMNS: readonly TableCell[] = [
  headerCell('№ п/п', 'No.'),
  headerCell('ФАМИЛИЯ, ИМЯ, ОТЧЕСТВО <1>', 'Full name'),
  headerCell('ДАТА РОЖДЕНИЯ', 'Date of birth'),
  headerCell('АДРЕС МЕСТА ЖИТЕЛЬСТВА', 'Address'),
  headerCell('НОМЕР МОБИЛЬНОГО ТЕЛЕФОНА', 'Mobile phone'),
  headerCell('ДОСТУП К ЭЛЕКТРОННОМУ БЮЛЛЕТЕНЮ ПРЕДОСТАВЛЕН <2>', 'Ballot access granted'),
  headerCell('ОСОБЫЕ ОТМЕТКИ', 'Notes'),
];

function row(r: ParticipantListRow): TableCell[] {
  const cells = [String(r.n), r.fullName, r.birthDate, r.address, r.phone, r.ballotAccess];
  if (!r.struck) return [...cells, r.notes];
  // Appendix 2: every field of an excluded participant struck through, the ground itself not.
  return [
    ...cells.map((text): TableCell => ({ text, decoration: 'lineThrough', decorationThickness: 0.8 })),
    { text: r.notes, italics: true },
  ];
}

function listTitle(doc: ParticipantListDocument): Content[] {
  const included = doc.included;
  const verb = pluralRu(included, ['включён', 'включено', 'включено']);
  const noun = pluralRu(included, ['участник', 'участника', 'участников']);
  return [
    ...electionHeader(doc, '(наименование субъекта Российской Федерации)'),
    formTitle(
      ['СПИСОК', 'УЧАСТНИКОВ ДИСТАНЦИОННОГО ЭЛЕКТРОННОГО ГОЛОСОВАНИЯ'],
      'List of participants in remote electronic voting',
    ),
    {
      text: [
        `В список участников дистанционного электронного голосования ${verb} `,
        { text: formatCountRu(included), bold: true },
        ` ${noun} дистанционного электронного голосования`,
      ],
      margin: [0, 0, 0, 6],
    },
  ];
}

function totalsAndSignatures(doc: ParticipantListDocument): Content[] {
  const out: Content[] = [
    ...electionHeader(doc, '(наименование субъекта Российской Федерации)'),
    formTitle(
      ['ИТОГО ПО СПИСКУ УЧАСТНИКОВ ДИСТАНЦИОННОГО ЭЛЕКТРОННОГО ГОЛОСОВАНИЯ'],
      'Totals of the list of participants',
    ),
  ];
  if (doc.totals === null) {
    out.push({
      text: 'Итоговые числа вносятся на момент окончания голосования (список сформирован до его начала).',
      italics: true,
    });
  } else {
    out.push({
      table: {
        widths: ['*', 90],
        body: [
          [
            'Число участников дистанционного электронного голосования, включенных в список участников дистанционного электронного голосования на момент окончания голосования',
            { text: formatCountRu(doc.totals.onList), alignment: 'right', bold: true },
          ],
          [
            'Число электронных бюллетеней, доступ к которым предоставлен участникам дистанционного электронного голосования',
            { text: formatCountRu(doc.totals.ballotsIssued), alignment: 'right', bold: true },
          ],
        ],
      },
    });
    out.push({
      text: `На момент окончания голосования: ${doc.totals.asOf}`,
      fontSize: 7,
      color: GREY,
      margin: [0, 2, 0, 0],
    });
  }
  out.push(
    signatureBlock([
      {
        position:
          'ПРЕДСЕДАТЕЛЬ ТЕРРИТОРИАЛЬНОЙ ИЗБИРАТЕЛЬНОЙ КОМИССИИ ДИСТАНЦИОННОГО ЭЛЕКТРОННОГО ГОЛОСОВАНИЯ',
        name: doc.officers.chairman,
        mark: 'ЭЛЕКТРОННАЯ ПОДПИСЬ',
      },
      {
        position: 'СЕКРЕТАРЬ ТЕРРИТОРИАЛЬНОЙ ИЗБИРАТЕЛЬНОЙ КОМИССИИ ДИСТАНЦИОННОГО ЭЛЕКТРОННОГО ГОЛОСОВАНИЯ',
        name: doc.officers.secretary,
        mark: 'ЭЛЕКТРОННАЯ ПОДПИСЬ',
      },
    ]),
  );
  return out;
}

const FOOTNOTES = [
  '<1> Сведения об участниках дистанционного электронного голосования располагаются в алфавитном порядке.',
  '<2> В случае предоставления доступа к электронному бюллетеню отображаются серия и номер паспорта гражданина Российской Федерации.',
];

/**
 * The list's PDF, one book at a time: a caller writes (and signs) each book before the next is laid
 * out, so memory holds one book, whatever the size of the list.
 */
export async function* renderParticipantList(
  doc: ParticipantListDocument,
  options: { rowsPerBook?: number } = {},
): AsyncGenerator<RenderedPart> {
  if (doc.region === null) {
    throw new DocumentError(
      failure('UNKNOWN_REGION', { ru: 'Это не список участников', en: 'Not a participant list' }),
    );
  }
  const perBook = options.rowsPerBook ?? DEFAULT_ROWS_PER_BOOK;
  if (!Number.isSafeInteger(perBook) || perBook < 1) throw new RangeError('rowsPerBook: a positive integer');
  const books = Math.max(1, Math.ceil(doc.rows.length / perBook));
  const region = doc.region.name;
  for (let book = 1; book <= books; book++) {
    const slice = doc.rows.slice((book - 1) * perBook, book * perBook);
    const first = slice[0]?.n ?? 0;
    const last = slice[slice.length - 1]?.n ?? 0;
    const bookLabel =
      books === 1 ? '' : `Книга ${book} из ${books}, строки ${formatCountRu(first)}–${formatCountRu(last)}`;
    const content: Content[] = [appendixCaption(1)];
    if (book === 1) content.push(...listTitle(doc));
    else
      content.push({
        text: `${region}. ${doc.election.title}. ${doc.election.votingDay}`,
        bold: true,
        alignment: 'center',
      });
    if (bookLabel !== '')
      content.push({ text: bookLabel, alignment: 'center', italics: true, margin: [0, 2, 0, 6] });
    content.push({
      table: {
        headerRows: 1,
        widths: [30, 120, 50, '*', 80, 70, 100],
        body: [[...COLUMNS], ...slice.map(row)],
      },
      fontSize: 8,
    });
    content.push(notes(FOOTNOTES));
    if (book === books) content.push({ text: '', pageBreak: 'after' }, ...totalsAndSignatures(doc));
    const pdf = await renderPdf(
      {
        pageOrientation: 'landscape',
        pageMargins: [40, 40, 40, 40],
        content,
        footer: pageFooter(
          `Список участников ДЭГ: ${region}${books === 1 ? '' : `, книга ${book} из ${books}`}`,
          doc.generatedAt.local,
        ),
      },
      {
        title: `Список участников дистанционного электронного голосования: ${region}`,
        subject: `${doc.election.title}, ${doc.election.votingDay}`,
        createdAt: new Date(doc.generatedAt.iso),
      },
    );
    yield { part: book, parts: books, rows: { first, last }, pdf };
  }
}
