// The lists store's refusals (packages/db ListStoreError) as API errors: one stable API code and
// HTTP status per store code that a list route can meet, Russian then English. A store code that no
// route here can cause (an import's, a ballot issuance's) is a bug if it appears, and stays one:
// it passes through to the error handler as INTERNAL.
import { isListStoreError, type ListStoreErrorCode } from '@opendeg/db';
import { ApiError } from '../errors.ts';

/** The API error for a store refusal, or undefined when a list route should never meet it. */
export function listApiError(code: ListStoreErrorCode): ApiError | undefined {
  switch (code) {
    case 'LIST_NOT_FOUND':
      return new ApiError(
        'LIST_NOT_FOUND',
        404,
        'Список участников ДЭГ этого региона не составлен / No compiled participant list for this region',
      );
    case 'INVALID_REQUEST':
      return new ApiError(
        'LIST_REQUEST_INVALID',
        400,
        'Некорректный запрос к списку (поиск не длиннее 8 слов) / Invalid list request (a search has at most 8 words)',
      );
    case 'NOT_ON_LIST':
      return new ApiError(
        'NOT_ON_LIST',
        404,
        'Такого участника нет в списке / No such participant on the list',
      );
    case 'ALREADY_EXCLUDED':
      return new ApiError(
        'ALREADY_EXCLUDED',
        409,
        'Участник уже исключён из списка / The participant is already excluded',
      );
    case 'VOTING_ENDED':
      return new ApiError(
        'VOTING_ENDED',
        409,
        'Голосование в регионе окончено: исключать из списка больше нельзя (п. 3.4) / Voting in the region has ended: no more exclusions (P-3.4)',
      );
    case 'LIST_FROZEN':
      return new ApiError(
        'LIST_FROZEN',
        409,
        'Список окончательный и больше не изменяется (п. 7.4) / The final list never changes (P-7.4)',
      );
    case 'TIME_ORDER':
      return new ApiError(
        'LIST_TIME_ORDER',
        409,
        'Исключение не может предшествовать уже выданному доступу к бюллетеню / An exclusion cannot precede the ballot access already granted',
      );
    case 'ELECTION_NOT_FOUND':
    case 'LIST_EXISTS':
    case 'LIST_COMPILED':
    case 'DUPLICATE_PARTICIPANT':
    case 'INVALID_PARTICIPANT':
    case 'EXCLUDED':
    case 'ALREADY_ISSUED':
    case 'REFUSED':
      return undefined;
    default:
      return unknownCode(code);
  }
}

function unknownCode(code: never): never {
  throw new Error(`unknown list store code ${String(code)}`);
}

/** Runs a store call; its expected refusals become ApiErrors, anything else is rethrown. */
export async function fromStore<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (isListStoreError(e)) {
      const mapped = listApiError(e.code);
      if (mapped !== undefined) throw mapped;
    }
    throw e;
  }
}
