/**
 * Appendix 3 — the register of voters to remove from their home precinct's list of voters because
 * they are on the participant list (Реестр избирателей, подлежащих исключению из списка избирателей по
 * месту жительства), P-3.6: one per precinct, alphabetical, numbered from 1, with the territorial
 * commission's name and its КСА ТИК number, signed by its chairman and secretary.
 */

import type { ElectionConfig } from '@opendeg/deg';
import type { Content, TableCell } from 'pdfmake';
import type { Built, DocumentHeader } from './document.ts';
import { DocumentError, documentHeader, failure, federalRegion } from './document.ts';
import type { RenderedPart } from './participant-list.ts';
import {
  appendixCaption,
  captioned,
  electionHeader,
  headerCell,
  notes,
  pageFooter,
  renderPdf,
  signatureBlock,
} from './pdf.ts';
import { formatBirthDateRu, surnameWithInitials } from './russian-text.ts';

/** A row as `ParticipantList.precinctRegisters()` gives it. */
export interface RegisterRowInput {
  readonly n: number;
  readonly fullName: string;
  readonly birthDate: string;
  readonly address: string;
  readonly note: string;
}

export interface ExclusionRegisterInput {
  readonly config: ElectionConfig;
  readonly region: string;
  /** Precinct (УИК) number. */
  readonly precinct: string;
  readonly rows: readonly RegisterRowInput[];
  /** The territorial commission (ТИК) whose precinct it is. */
  readonly territorialCommission: {
    readonly name: string;
    /** Number of the ТИК's complex of automation means (КСА ТИК) in ГАС «Выборы». */
    readonly ksaNumber: string;
    /** Full names; the form shows surname and initials. */
    readonly chairman: string;
    readonly secretary: string;
  };
  readonly generatedAt: Date;
}

export interface ExclusionRegisterDocument extends DocumentHeader<'appendix-3'> {
  readonly precinct: string;
  readonly territorialCommission: {
    readonly name: string;
    readonly ksaNumber: string;
    readonly chairman: string;
    readonly secretary: string;
  };
  readonly rows: readonly {
    readonly n: number;
    readonly fullName: string;
    readonly birthDate: string;
    readonly address: string;
    readonly note: string;
  }[];
}

export function buildExclusionRegister(input: ExclusionRegisterInput): Built<ExclusionRegisterDocument> {
  const region = federalRegion(input.config, input.region);
  if ('ok' in region) return region;
  const tik = input.territorialCommission;
  for (const [field, value] of [
    ['precinct', input.precinct],
    ['territorialCommission.name', tik.name],
    ['territorialCommission.ksaNumber', tik.ksaNumber],
  ] as const) {
    if (value.trim() === '') {
      return failure('EMPTY_FIELD', { ru: `Не заполнено поле ${field}`, en: `${field} is empty` });
    }
  }
  for (const [i, r] of input.rows.entries()) {
    if (r.n !== i + 1) {
      return failure('ROWS_NOT_NUMBERED', {
        ru: `Строки реестра должны идти по порядку с 1: на месте ${i + 1} стоит номер ${r.n}`,
        en: `Register rows must be numbered from 1 in order: row ${r.n} is at position ${i + 1}`,
      });
    }
  }
  return {
    ok: true,
    document: {
      ...documentHeader('appendix-3', input.config, region, input.generatedAt),
      precinct: input.precinct,
      territorialCommission: {
        name: tik.name,
        ksaNumber: tik.ksaNumber,
        chairman: surnameWithInitials(tik.chairman),
        secretary: surnameWithInitials(tik.secretary),
      },
      rows: input.rows.map((r) => ({
        n: r.n,
        fullName: r.fullName,
        birthDate: formatBirthDateRu(r.birthDate),
        address: r.address,
        note: r.note,
      })),
    },
  };
}

const center = (text: string): TableCell => ({ text, alignment: 'center', fontSize: 7 });

export async function renderExclusionRegister(doc: ExclusionRegisterDocument): Promise<RenderedPart> {
  if (doc.region === null) {
    throw new DocumentError(failure('UNKNOWN_REGION', { ru: 'Это не реестр', en: 'Not a register' }));
  }
  const tik = doc.territorialCommission;
  const content: Content[] = [
    appendixCaption(3),
    ...electionHeader(doc, '(наименование субъекта Российской Федерации)'),
    {
      stack: [
        { text: 'РЕЕСТР', bold: true, fontSize: 12 },
        {
          text: `избирателей, подлежащих исключению из списка избирателей по месту жительства на избирательном участке № ${doc.precinct} в связи с включением в список участников дистанционного электронного голосования`,
          bold: true,
        },
        {
          text: `Register of voters to be removed from the list of voters of precinct No. ${doc.precinct} as participants in remote electronic voting`,
          italics: true,
          color: '#555555',
          fontSize: 8,
        },
      ],
      alignment: 'center',
      margin: [0, 6, 0, 6],
    },
    captioned(
      `${tik.name}, КСА ТИК № ${tik.ksaNumber}`,
      '(наименование территориальной избирательной комиссии, номер КСА ТИК)',
    ),
    {
      table: {
        headerRows: 3,
        widths: [30, 150, 60, '*', 80],
        body: [
          [
            { ...headerCell('№ п/п', 'No.'), rowSpan: 2 },
            { ...headerCell('Сведения об избирателе', 'Voter'), colSpan: 3 },
            {},
            {},
            { ...headerCell('Примечание', 'Note'), rowSpan: 2 },
          ],
          [
            {},
            headerCell('фамилия, имя, отчество', 'full name'),
            headerCell('дата рождения', 'date of birth'),
            headerCell('адрес места жительства', 'address'),
            {},
          ],
          ['1', '2', '3', '4', '5'].map(center),
          ...doc.rows.map((r) => [String(r.n), r.fullName, r.birthDate, r.address, r.note]),
        ],
      },
      fontSize: 8,
    },
    signatureBlock(
      [
        {
          position: 'Председатель территориальной избирательной комиссии',
          name: tik.chairman,
          mark: '(подпись)',
        },
        {
          position: 'Секретарь территориальной избирательной комиссии',
          name: tik.secretary,
          mark: '(подпись)',
        },
      ],
      { seal: true },
    ),
    notes([
      'Примечания.',
      '1. Сведения об избирателях располагаются в алфавитном порядке.',
      '2. Избиратель, сведения о котором содержатся в настоящем Реестре, исключается из списка избирателей по месту жительства до первого дня голосования.',
    ]),
  ];
  const pdf = await renderPdf(
    {
      pageMargins: [40, 40, 40, 40],
      content,
      footer: pageFooter(`Реестр, УИК № ${doc.precinct}: ${doc.region.name}`, doc.generatedAt.local),
    },
    {
      title: `Реестр избирателей, подлежащих исключению из списка избирателей, УИК № ${doc.precinct}`,
      subject: `${doc.election.title}, ${doc.election.votingDay}`,
      createdAt: new Date(doc.generatedAt.iso),
    },
  );
  return { part: 1, parts: 1, pdf };
}
