/**
 * One entry point for every form: the document's PDF file(s), dispatched on `form`.
 */

import { renderExclusionRegister } from './exclusion-register.ts';
import type { ExclusionRegisterDocument } from './exclusion-register.ts';
import { renderObserverList } from './observer-list.ts';
import type { ObserverListDocument } from './observer-list.ts';
import { renderParticipantList } from './participant-list.ts';
import type { ParticipantListDocument, RenderedPart } from './participant-list.ts';
import { renderProtocol } from './protocol.ts';
import type { ProtocolDocument } from './protocol.ts';
import { renderResultsData } from './results-data.ts';
import type { ResultsDataDocument } from './results-data.ts';

export type FormDocument =
  | ParticipantListDocument
  | ExclusionRegisterDocument
  | ProtocolDocument
  | ResultsDataDocument
  | ObserverListDocument;

/** The PDF file(s) of a form: one, or one per book for a participant list longer than a book. */
export async function* renderDocument(
  doc: FormDocument,
  options: { rowsPerBook?: number } = {},
): AsyncGenerator<RenderedPart> {
  switch (doc.form) {
    case 'appendix-1':
      yield* renderParticipantList(doc, options);
      return;
    case 'appendix-3':
      yield await renderExclusionRegister(doc);
      return;
    case 'appendix-4':
      yield await renderProtocol(doc);
      return;
    case 'appendix-5':
      yield await renderResultsData(doc);
      return;
    case 'appendix-7':
      yield await renderObserverList(doc);
      return;
    default:
      assertNever(doc);
  }
}

function assertNever(x: never): never {
  throw new TypeError(`unknown form ${JSON.stringify((x as { form?: unknown }).form)}`);
}

/** All PDF files of a form at once; for long lists prefer iterating `renderDocument`. */
export async function renderDocumentPdfs(
  doc: FormDocument,
  options: { rowsPerBook?: number } = {},
): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const part of renderDocument(doc, options)) out.push(part.pdf);
  return out;
}
