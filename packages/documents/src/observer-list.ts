/**
 * Appendix 7 — the list of observers in the commission (Список наблюдателей в ТИК ДЭГ), P-10.4–P-10.5:
 * the observers a registered candidate (or the candidate's proxy) sends, at most three, each with
 * full name, date of birth, address and passport series and number, signed by the person who sends
 * them. A commission-wide form: no region, times in the reference zone.
 */

import type { ElectionConfig } from '@opendeg/deg';
import { MAX_OBSERVERS_PER_APPOINTER } from '@opendeg/deg';
import type { Content } from 'pdfmake';
import type { Built, DocumentHeader } from './document.ts';
import { documentHeader, failure } from './document.ts';
import type { RenderedPart } from './participant-list.ts';
import { GREY, appendixCaption, headerCell, pageFooter, renderPdf } from './pdf.ts';
import { formatBirthDateRu } from './russian-text.ts';

export interface CommissionObserver {
  readonly fullName: string;
  /** YYYY-MM-DD */
  readonly birthDate: string;
  readonly address: string;
  readonly passport: { readonly series: string; readonly number: string };
}

export interface ObserverListInput {
  readonly config: ElectionConfig;
  /** Who sends the observers: the candidate or the candidate's proxy, full name. */
  readonly appointedBy: { readonly fullName: string; readonly capacity: string };
  readonly observers: readonly CommissionObserver[];
  readonly generatedAt: Date;
}

export interface ObserverListDocument extends DocumentHeader<'appendix-7'> {
  readonly appointedBy: { readonly fullName: string; readonly capacity: string };
  readonly observers: readonly {
    readonly n: number;
    readonly fullName: string;
    readonly birthDate: string;
    readonly address: string;
    readonly passport: string;
  }[];
}

export function buildObserverList(input: ObserverListInput): Built<ObserverListDocument> {
  const n = input.observers.length;
  if (n === 0) {
    return failure('NO_OBSERVERS', { ru: 'В списке нет наблюдателей', en: 'The list names no observers' });
  }
  if (n > MAX_OBSERVERS_PER_APPOINTER) {
    return failure('TOO_MANY_OBSERVERS', {
      ru: `Зарегистрированный кандидат направляет не более ${MAX_OBSERVERS_PER_APPOINTER} наблюдателей, в списке ${n}`,
      en: `A registered candidate sends at most ${MAX_OBSERVERS_PER_APPOINTER} observers; the list has ${n}`,
    });
  }
  const fields = input.observers.flatMap((o) => [
    o.fullName,
    o.birthDate,
    o.address,
    o.passport.series,
    o.passport.number,
  ]);
  if (input.appointedBy.fullName.trim() === '' || fields.some((f) => f.trim() === '')) {
    return failure('EMPTY_FIELD', {
      ru: 'У наблюдателя указаны не все сведения: ФИО, дата рождения, адрес, паспорт',
      en: "An observer's name, date of birth, address or passport is missing",
    });
  }
  return {
    ok: true,
    document: {
      ...documentHeader('appendix-7', input.config, null, input.generatedAt),
      appointedBy: {
        fullName: input.appointedBy.fullName.trim(),
        capacity: input.appointedBy.capacity.trim(),
      },
      observers: input.observers.map((o, i) => ({
        n: i + 1,
        fullName: o.fullName,
        birthDate: formatBirthDateRu(o.birthDate),
        address: o.address,
        passport: `${o.passport.series} ${o.passport.number}`,
      })),
    },
  };
}

export async function renderObserverList(doc: ObserverListDocument): Promise<RenderedPart> {
  const content: Content[] = [
    appendixCaption(7, false),
    { text: doc.election.title, alignment: 'center', bold: true },
    { text: doc.election.votingDay, alignment: 'center', margin: [0, 0, 0, 6] },
    {
      stack: [
        { text: 'Список наблюдателей в ТИК ДЭГ', bold: true, fontSize: 12 },
        {
          text: 'List of observers in the commission of remote electronic voting',
          italics: true,
          color: GREY,
          fontSize: 8,
        },
      ],
      alignment: 'center',
      margin: [0, 4, 0, 8],
    },
    {
      table: {
        headerRows: 1,
        widths: [30, 130, 60, '*', 90],
        body: [
          [
            headerCell('№ строки', 'Line'),
            headerCell('ФИО наблюдателя в ТИК ДЭГ', 'Observer'),
            headerCell('Дата рождения наблюдателя', 'Date of birth'),
            headerCell('Адрес места жительства', 'Address'),
            headerCell('Серия и номер паспорта гражданина Российской Федерации', 'Passport'),
          ],
          ...doc.observers.map((o) => [String(o.n), o.fullName, o.birthDate, o.address, o.passport]),
        ],
      },
      fontSize: 8.5,
    },
    {
      columns: [
        {
          stack: [
            {
              text: `${doc.appointedBy.fullName}${doc.appointedBy.capacity === '' ? '' : `, ${doc.appointedBy.capacity}`}`,
              alignment: 'center',
            },
            { canvas: [{ type: 'line', x1: 0, y1: 0, x2: 280, y2: 0, lineWidth: 0.5 }] },
            { text: '(ФИО лица, направившего наблюдателя)', alignment: 'center', fontSize: 6.5, color: GREY },
          ],
          width: 280,
        },
        { text: '', width: '*' },
        {
          stack: [
            { text: ' ' },
            { canvas: [{ type: 'line', x1: 0, y1: 0, x2: 120, y2: 0, lineWidth: 0.5 }] },
            { text: '(подпись)', alignment: 'center', fontSize: 6.5, color: GREY },
          ],
          width: 120,
        },
      ],
      margin: [0, 24, 0, 0],
    },
  ];
  const pdf = await renderPdf(
    {
      pageMargins: [40, 40, 40, 40],
      content,
      footer: pageFooter('Список наблюдателей в ТИК ДЭГ', doc.generatedAt.local),
    },
    {
      title: 'Список наблюдателей в ТИК ДЭГ',
      subject: `${doc.election.title}, ${doc.election.votingDay}`,
      createdAt: new Date(doc.generatedAt.iso),
    },
  );
  return { part: 1, parts: 1, pdf };
}
