/**
 * What every form document shares: the header fields, the failures a form can be refused with, and
 * the bytes that are signed.
 *
 * A form is built from domain data into a plain document object — `{ form, version, election,
 * region, generatedAt, … }` — that holds exactly what the form shows, already worded and formatted
 * (dates in the region's zone, numbers in words). Its RFC 8785 canonical JSON is the signed record;
 * the PDF is rendered from the document object alone, so anyone holding the JSON can render the
 * same PDF again and compare. Documents of Appendices 1, 3 and 7 hold personal data: they go to the
 * commission's screens, signed files and write-once media (P-3.3, P-10.6), never to logs or the ledger.
 */

import { canonicalJsonBytes } from '@opendeg/crypto';
import type { ElectionConfig, Message, RegionConfig } from '@opendeg/deg';
import { formatDayRu, formatInstantRu } from './russian-text.ts';

/** The forms: participant list (with Appendix 2 rows), register, protocol, results data, observers. */
export type FormId = 'appendix-1' | 'appendix-3' | 'appendix-4' | 'appendix-5' | 'appendix-7';

/** Version of the document layout; a change to any field's meaning raises it. */
export const FORM_VERSION = 1;

export interface DocumentHeader<F extends FormId> {
  readonly form: F;
  readonly version: typeof FORM_VERSION;
  readonly election: {
    readonly id: string;
    /** «Выборы Президента Российской Федерации». */
    readonly title: string;
    /** The voting day the forms name, the last day of voting: «17 марта 2024 г.». */
    readonly votingDay: string;
  };
  /** The region (субъект Российской Федерации); null for the commission's own forms (Appendix 7). */
  readonly region: {
    readonly code: string;
    readonly name: string;
    readonly timeZone: string;
  } | null;
  readonly generatedAt: {
    readonly iso: string;
    /** In the region's zone (the reference zone for the commission's forms): «17 марта 2024 г., 20:15 (МСК)». */
    readonly local: string;
  };
}

export type DocumentFailureCode =
  | 'UNKNOWN_REGION'
  | 'REGION_OWN_SYSTEM'
  | 'ROWS_NOT_NUMBERED'
  | 'UNKNOWN_MEMBER'
  | 'DUPLICATE_MEMBER'
  | 'MEMBER_NOT_ACCOUNTED'
  | 'NO_OFFICER'
  | 'CANDIDATES_MISMATCH'
  | 'BAD_COUNT'
  | 'CONTROL_RELATION'
  | 'NO_APPLICATIONS'
  | 'RESULTS_INVALIDATED'
  | 'NO_OBSERVERS'
  | 'TOO_MANY_OBSERVERS'
  | 'EMPTY_FIELD';

export interface DocumentFailure {
  readonly ok: false;
  readonly code: DocumentFailureCode;
  readonly message: Message;
}

export type Built<T> = { readonly ok: true; readonly document: T } | DocumentFailure;

export function failure(code: DocumentFailureCode, message: Message): DocumentFailure {
  return { ok: false, code, message };
}

/** Thrown when a document object handed to a renderer breaks a rule its builder enforces. */
export class DocumentError extends Error {
  readonly code: DocumentFailureCode;
  constructor(f: DocumentFailure) {
    super(`${f.message.ru} / ${f.message.en}`);
    this.name = 'DocumentError';
    this.code = f.code;
  }
}

export function findRegion(config: ElectionConfig, code: string): RegionConfig | DocumentFailure {
  const region = config.regions.find((r) => r.code === code);
  if (region === undefined) {
    return failure('UNKNOWN_REGION', {
      ru: `Субъект Российской Федерации с кодом ${code} не участвует в выборах`,
      en: `Region ${code} is not in this election`,
    });
  }
  return region;
}

/** The Moscow mode keeps its own lists and protocols (Appendices 8–10, P-11). */
export function federalRegion(config: ElectionConfig, code: string): RegionConfig | DocumentFailure {
  const region = findRegion(config, code);
  if ('ok' in region) return region;
  if (region.mode === 'moscow') {
    return failure('REGION_OWN_SYSTEM', {
      ru: `${region.name.ru}: дистанционное электронное голосование проводится в региональной системе (приложения 8–10)`,
      en: `${region.name.en ?? region.name.ru}: remote voting runs on the region's own system (Appendices 8–10)`,
    });
  }
  return region;
}

export function documentHeader<F extends FormId>(
  form: F,
  config: ElectionConfig,
  region: RegionConfig | null,
  at: Date,
): DocumentHeader<F> {
  if (Number.isNaN(at.getTime())) throw new TypeError('generatedAt must be a valid Date');
  const tz = region?.timeZone ?? config.schedule.referenceTimeZone;
  return {
    form,
    version: FORM_VERSION,
    election: {
      id: config.electionId,
      title: config.title.ru,
      votingDay: formatDayRu(config.schedule.voting.lastDay),
    },
    region: region === null ? null : { code: region.code, name: region.name.ru, timeZone: region.timeZone },
    generatedAt: { iso: at.toISOString(), local: formatInstantRu(at, tz) },
  };
}

/** The signed bytes of a document: its RFC 8785 canonical JSON in UTF-8. */
export function documentBytes(document: DocumentHeader<FormId>): Uint8Array {
  return canonicalJsonBytes(document);
}

/** A count on a form: a non-negative safe integer. */
export function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}
