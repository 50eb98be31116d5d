// Stable API errors of the bundle load at the commission's workstation (P-3.1–P-3.3, P-4.2): each a
// code, a status and a message in Russian then English. The verification's own failures keep
// packages/deg's codes (BUNDLE_SIGNATURE, BUNDLE_FILE_MISMATCH, …) so the CLI and the API say the same.
// Messages name files, regions and codes, never a participant's data.
import type { BundleFailureCode } from '@opendeg/deg';
import { ApiError, bilingual } from '../errors.ts';

/** packages/deg's verification failures, as verifyBundle gives them. */
export const BUNDLE_VERIFY_CODES = [
  'BUNDLE_MALFORMED',
  'BUNDLE_SIGNATURE',
  'BUNDLE_WRONG_SIGNER',
  'BUNDLE_WRONG_ELECTION',
  'BUNDLE_FILE_MISSING',
  'BUNDLE_FILE_MISMATCH',
  'BUNDLE_EXTRA_FILE',
] as const satisfies readonly BundleFailureCode[];

/** Every code these routes answer with besides the common ones (VALIDATION_FAILED, BALLOT_*, …). */
export const BUNDLE_ERROR_CODES = [
  ...BUNDLE_VERIFY_CODES,
  'BUNDLE_ROOT_NOT_CONFIGURED',
  'BUNDLE_PATH_INVALID',
  'BUNDLE_TOO_LARGE',
  'BUNDLE_LISTS_EXIST',
  'BUNDLE_VOTING_STARTED',
  'BUNDLE_CONTENT_INVALID',
] as const;
export type BundleErrorCode = (typeof BUNDLE_ERROR_CODES)[number];

type Refusal = readonly [status: number, ru: string, en: string];

const REFUSALS: Record<Exclude<BundleErrorCode, BundleFailureCode>, Refusal> = {
  BUNDLE_ROOT_NOT_CONFIGURED: [
    503,
    'Корневой сертификат для проверки подписи пакета на сервере не настроен',
    'The server has no trusted root configured to check a bundle’s signature',
  ],
  BUNDLE_PATH_INVALID: [400, 'Недопустимое имя файла пакета', 'A bundle file name is not allowed'],
  BUNDLE_TOO_LARGE: [
    413,
    'Пакет слишком велик для загрузки с рабочего места',
    'The bundle is too large to load from the workstation',
  ],
  BUNDLE_LISTS_EXIST: [
    409,
    'Списки этих субъектов уже составлены, включать в них никого нельзя (п. 3.3)',
    'The lists of these regions are compiled already; nobody may be added (P-3.3)',
  ],
  BUNDLE_VOTING_STARTED: [
    409,
    'Голосование началось: новый пакет данных не загружается',
    'Voting has started: no new bundle is loaded',
  ],
  BUNDLE_CONTENT_INVALID: [
    422,
    'Содержимое пакета не загружено: файл не соответствует формату',
    'The bundle’s content is not loaded: a file does not follow its format',
  ],
};

/** The one place a bundle code becomes an ApiError (each is listed in ERROR_CODES, errors.ts). */
function apiError(code: BundleErrorCode, status: number, message: string): ApiError {
  return new ApiError(code, status, message);
}

/** The detail in both languages: clients show the half of their language (web splitMessage). */
function withDetail(m: { ru: string; en: string }, detail: string | undefined): { ru: string; en: string } {
  return detail === undefined ? m : { ru: `${m.ru} (${detail})`, en: `${m.en} (${detail})` };
}

/** A refusal of these routes; `detail` (a file, a region, a code) is appended after the message. */
export function bundleError(code: Exclude<BundleErrorCode, BundleFailureCode>, detail?: string): ApiError {
  const [status, ru, en] = REFUSALS[code];
  return apiError(code, status, bilingual(withDetail({ ru, en }, detail)));
}

/** verifyBundle's failure as the API says it: 422, deg's message, the file or CMS code concerned. */
export function verifyError(failure: {
  code: BundleFailureCode;
  message: { ru: string; en: string };
  detail?: string;
}): ApiError {
  return apiError(failure.code, 422, bilingual(withDetail(failure.message, failure.detail)));
}
