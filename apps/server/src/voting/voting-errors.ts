// The voter's refusals on the way to ballot access (P-6.1–P-6.9) as API errors: one stable code
// and HTTP status each, Russian first, English second. None is 401/403: the voter is logged in and
// holds the right to call the route; the Procedure's rules say no.
import { EXCLUSION_TEXT, formatLocalRu, type ExclusionReason } from '@opendeg/deg';
import { ApiError, bilingual } from '../errors.ts';

/** P-6.5: not on the list of any region. */
export function notOnList(): ApiError {
  return new ApiError(
    'NOT_ON_LIST',
    422,
    'Вы не включены в список участников дистанционного электронного голосования, поэтому доступ к ' +
      'голосованию не предоставляется (п. 6.5). / You are not on the list of remote e-voting ' +
      'participants, so you get no access to voting (P-6.5).',
  );
}

/** P-3.4: excluded from the list, with the ground. */
export function excluded(reason: ExclusionReason): ApiError {
  const text = EXCLUSION_TEXT[reason];
  return new ApiError(
    'PARTICIPANT_EXCLUDED',
    422,
    `Вы исключены из списка участников ДЭГ: ${text.ru}. / You were excluded from the list of ` +
      `participants: ${text.en}.`,
  );
}

/** P-6.1, P-6.2: before the region's window opens. */
export function notOpenYet(opens: Date, timeZone: string): ApiError {
  const local = formatLocalRu(opens, timeZone);
  return new ApiError(
    'VOTING_NOT_OPEN',
    409,
    `Голосование в вашем регионе начнётся ${local} по местному времени. / ` +
      `Voting in your region opens at ${local} local time.`,
  );
}

/** P-6.1, P-6.8: after the region's window closed (or its list was frozen). */
export function ended(): ApiError {
  return new ApiError(
    'VOTING_ENDED',
    409,
    'Голосование в вашем регионе окончено. / Voting in your region has ended.',
  );
}

/** P-6.10 and "one signature per voter, ever". */
export function alreadyIssued(): ApiError {
  return new ApiError(
    'BALLOT_ALREADY_ISSUED',
    409,
    'Доступ к электронному бюллетеню уже предоставлен; повторное получение бюллетеня невозможно. / ' +
      'Ballot access was already granted; a ballot is issued only once.',
  );
}

/** P-6.6: the conditions first. */
export function conditionsNotConfirmed(): ApiError {
  return new ApiError(
    'CONDITIONS_NOT_CONFIRMED',
    409,
    'Сначала ознакомьтесь с информацией и техническими условиями и подтвердите это. / First read ' +
      'the information and the technical conditions and confirm it.',
  );
}

/** P-6.6: the device showed texts that are not the current ones. */
export function conditionsChanged(): ApiError {
  return new ApiError(
    'CONDITIONS_VERSION_MISMATCH',
    409,
    'Текст условий изменился: обновите страницу и ознакомьтесь с ним снова. / The conditions have ' +
      'changed: reload the page and read them again.',
  );
}

/** P-6.7, P-6.9: anonymisation only after the correct code, in this session. */
export function codeNotConfirmed(): ApiError {
  return new ApiError(
    'CODE_NOT_CONFIRMED',
    409,
    'Сначала введите код подтверждения из SMS. / First enter the confirmation code from the SMS.',
  );
}

/** P-6.7: the code goes to the account's phone; without one there is nowhere to send it. */
export function noPhone(): ApiError {
  return new ApiError(
    'PHONE_NOT_AVAILABLE',
    422,
    'В вашей учётной записи нет подтверждённого номера мобильного телефона для кода подтверждения. / ' +
      'Your account has no confirmed mobile number for the confirmation code.',
  );
}

/** RFC 9474: a blinded message is kLen bytes and below the modulus. */
export function badBlindedMessage(): ApiError {
  return new ApiError(
    'BLINDED_MESSAGE_INVALID',
    422,
    'Запрос анонимизации повреждён; обновите страницу. / The anonymisation request is malformed; ' +
      'reload the page.',
  );
}

/** The region's issuer key was never made: no manifest was published for it. A setup failure. */
export function issuerKeyMissing(): ApiError {
  return new ApiError(
    'ISSUER_KEY_MISSING',
    503,
    'Выдача бюллетеней в регионе ещё не подготовлена. / Ballot issuance in the region is not ready yet.',
  );
}

export const smsFailed = (): ApiError =>
  new ApiError(
    'SMS_GATEWAY_FAILED',
    502,
    bilingual({
      ru: 'Не удалось отправить SMS, попробуйте ещё раз',
      en: 'The SMS could not be sent, try again',
    }),
  );
