/**
 * PDF rendering with pdfmake on the server, and the pieces every form shares: the appendix caption,
 * the region / election / voting day header with the form's captions under the lines, the title
 * with its English subtitle, signature blocks and the «Лист x из y» footer.
 *
 * Fonts are the Roboto TTFs shipped inside the installed pdfmake package (they cover Cyrillic,
 * Ё/ё included); nothing is downloaded and pdfmake may read no other file and fetch no URL. The
 * PDF's creation date is the document's `generatedAt`, which makes the bytes a function of the
 * document: the same canonical JSON renders to the same PDF.
 */

import { createRequire } from 'node:module';
import path from 'node:path';
import type * as PdfMake from 'pdfmake';
import type { Content } from 'pdfmake';
import type { ContentStack, TDocumentDefinitions } from 'pdfmake/interfaces';
import type { DocumentHeader, FormId } from './document.ts';

const require = createRequire(import.meta.url);
const pdfmake = require('pdfmake') as typeof PdfMake;
const FONT_DIR = path.join(path.dirname(require.resolve('pdfmake/package.json')), 'build', 'fonts', 'Roboto');

const FONTS = {
  Roboto: {
    normal: path.join(FONT_DIR, 'Roboto-Regular.ttf'),
    bold: path.join(FONT_DIR, 'Roboto-Medium.ttf'),
    italics: path.join(FONT_DIR, 'Roboto-Italic.ttf'),
    bolditalics: path.join(FONT_DIR, 'Roboto-MediumItalic.ttf'),
  },
};

export const GREY = '#555555';

/** Renders a document definition; the PDF's dates come from `createdAt`, not from the wall clock. */
export async function renderPdf(
  definition: TDocumentDefinitions,
  meta: { title: string; subject: string; createdAt: Date },
): Promise<Uint8Array> {
  // pdfmake keeps fonts and policies on one module-wide instance: set them on every call so that no
  // other user of the instance can widen what a form render may read.
  pdfmake.setFonts(FONTS);
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((p) => path.dirname(p) === FONT_DIR);
  const created = pdfmake.createPdf({
    pageSize: 'A4',
    defaultStyle: { font: 'Roboto', fontSize: 9 },
    ...definition,
    info: {
      title: meta.title,
      subject: meta.subject,
      creator: 'OpenDEG',
      producer: 'OpenDEG (pdfmake)',
      creationDate: meta.createdAt,
      modDate: meta.createdAt,
    },
  });
  const buffer = await created.getBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** «Приложение № 1 (форма) к Порядку дистанционного электронного голосования», top right. */
export function appendixCaption(n: number, isForm = true): Content {
  return {
    stack: [
      `Приложение № ${n}${isForm ? ' (форма)' : ''}`,
      'к Порядку дистанционного электронного голосования',
      { text: `Appendix ${n} to the Procedure of remote electronic voting`, color: GREY, italics: true },
    ],
    alignment: 'right',
    fontSize: 7,
    margin: [0, 0, 0, 8],
  };
}

/** A value on a line with the form's caption under it, e.g. «(наименование субъекта Российской Федерации)». */
export function captioned(value: string, caption: string, options: { bold?: boolean } = {}): Content {
  return {
    stack: [
      {
        table: { widths: ['*'], body: [[{ text: value, alignment: 'center', bold: options.bold ?? false }]] },
        layout: {
          hLineWidth: (i: number) => (i === 1 ? 0.5 : 0),
          vLineWidth: () => 0,
        },
      },
      { text: caption, alignment: 'center', fontSize: 6.5, color: GREY, margin: [0, 1, 0, 4] },
    ],
  };
}

/** Region, election title and voting day as the top of Appendices 1, 3, 4 and 5 show them. */
export function electionHeader(doc: DocumentHeader<FormId>, regionCaption?: string): Content[] {
  const out: Content[] = [];
  if (doc.region !== null && regionCaption !== undefined) {
    out.push(captioned(doc.region.name, regionCaption));
  }
  out.push({ text: doc.election.title, alignment: 'center', bold: true, margin: [0, 2, 0, 2] });
  out.push(captioned(doc.election.votingDay, '(дата голосования)'));
  return out;
}

/** The form's title in capitals with an English subtitle line in grey. */
export function formTitle(ru: readonly string[], en: string): Content {
  return {
    stack: [
      ...ru.map((line, i) => ({ text: line, bold: true, fontSize: i === 0 ? 12 : 10 })),
      { text: en, italics: true, color: GREY, fontSize: 8, margin: [0, 2, 0, 0] },
    ],
    alignment: 'center',
    margin: [0, 6, 0, 8],
  };
}

/** Column headers of a table, bold and centred, with an optional English line under each. */
export function headerCell(ru: string, en?: string): ContentStack {
  return {
    stack: en === undefined ? [ru] : [ru, { text: en, italics: true, color: GREY, fontSize: 6, bold: false }],
    bold: true,
    alignment: 'center',
    fontSize: 7,
  };
}

/** «Лист x из y» and what the document is, at the foot of every page. */
export function pageFooter(label: string, generatedAt: string) {
  return (current: number, count: number): Content => ({
    columns: [
      { text: `${label} · сформировано ${generatedAt}`, alignment: 'left', width: '*' },
      {
        text: `Лист ${current} из ${count} / Page ${current} of ${count}`,
        alignment: 'right',
        width: 'auto',
      },
    ],
    fontSize: 7,
    color: GREY,
    margin: [40, 10, 40, 0],
  });
}

export interface SignatureLine {
  /** «Председатель территориальной избирательной комиссии …» */
  readonly position: string;
  /** «Иванова А.Ё.»; empty leaves the line blank to be filled on paper. */
  readonly name: string;
  /** «ЭЛЕКТРОННАЯ ПОДПИСЬ», or the caption of a line signed on paper: «(подпись)». */
  readonly mark: string;
}

/** Signature block: position, the signature's place, then surname and initials over the caption. */
export function signatureBlock(lines: readonly SignatureLine[], options: { seal?: boolean } = {}): Content {
  return {
    table: {
      widths: ['*', 150, 130],
      dontBreakRows: true,
      body: lines.map((l, i) => [
        { text: l.position, fontSize: 8 },
        {
          // A mark in brackets captions a line signed on paper; «ЭЛЕКТРОННАЯ ПОДПИСЬ» stands as is.
          stack: [
            ...(l.mark.startsWith('(')
              ? [
                  { text: ' ' },
                  { canvas: [{ type: 'line' as const, x1: 10, y1: 0, x2: 140, y2: 0, lineWidth: 0.5 }] },
                  { text: l.mark, alignment: 'center' as const, fontSize: 6.5, color: GREY },
                ]
              : [{ text: l.mark, alignment: 'center' as const, fontSize: 8 }]),
            ...(options.seal === true && i === 0
              ? [{ text: 'МП', alignment: 'center' as const, fontSize: 7 }]
              : []),
          ],
        },
        {
          stack: [
            {
              table: {
                widths: ['*'],
                body: [[{ text: l.name === '' ? ' ' : l.name, alignment: 'center' as const }]],
              },
              layout: { hLineWidth: (k: number) => (k === 1 ? 0.5 : 0), vLineWidth: () => 0 },
            },
            { text: '(фамилия, инициалы)', alignment: 'center', fontSize: 6.5, color: GREY },
          ],
        },
      ]),
    },
    layout: 'noBorders',
    margin: [0, 12, 0, 0],
  };
}

/** Footnotes (<1>, <2>) or numbered notes at the end of a form. */
export function notes(lines: readonly string[]): Content {
  return {
    stack: [
      { canvas: [{ type: 'line', x1: 0, y1: 0, x2: 120, y2: 0, lineWidth: 0.5 }], margin: [0, 8, 0, 2] },
      ...lines.map((t) => ({ text: t, fontSize: 7 })),
    ],
  };
}
