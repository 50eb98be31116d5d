// Stable API errors for the refusals of packages/deg's commission rules (CommissionError codes,
// P-1.4, P-5.4, P-5.6), its observer rules (ObserverRefusal, P-10.4, P-10.5, P-10.9) and the
// constraints of migration 006 that back them when two requests race.
import type { CommissionErrorCode, Message as DegMessage, ObserverRefusal } from '@opendeg/deg';
import { ApiError, bilingual, type ErrorCode } from '../errors.ts';

function commissionApiCode(code: CommissionErrorCode): [ErrorCode, number] {
  switch (code) {
    case 'NOT_A_MEMBER':
      return ['COMMISSION_NOT_A_MEMBER', 422];
    case 'NOT_FIRST_MEETING':
      return ['COMMISSION_NOT_FIRST_MEETING', 409];
    case 'CHAIRMAN_NOT_ELIGIBLE':
      return ['COMMISSION_CHAIRMAN_NOT_ELIGIBLE', 422];
    case 'SAME_PERSON':
      return ['COMMISSION_SAME_PERSON', 422];
    case 'NO_MAJORITY':
      return ['COMMISSION_NO_MAJORITY', 422];
    case 'BAD_VOTE_COUNT':
      return ['COMMISSION_BAD_VOTE_COUNT', 422];
    case 'BAD_KEY_PARTS':
      return ['KEY_PARTS_INVALID', 422];
    case 'BAD_HOLDERS':
      return ['KEY_PART_HOLDERS_INVALID', 422];
    case 'AFTER_DEADLINE':
      return ['COMMISSION_AFTER_DEADLINE', 409];
    default:
      return unknownCode(code);
  }
}

/** A deg CommissionError as the API says it; the message is deg's, in both languages. */
export function commissionApiError(code: CommissionErrorCode, message: string): ApiError {
  const [apiCode, status] = commissionApiCode(code);
  return new ApiError(apiCode, status, message);
}

function observerApiCode(code: ObserverRefusal): [ErrorCode, number] {
  switch (code) {
    case 'LIMIT_REACHED':
      return ['OBSERVER_LIMIT_REACHED', 409];
    case 'OUTSIDE_WINDOW':
      return ['OBSERVER_APPOINTMENT_CLOSED', 409];
    case 'ACCOUNT_NOT_CONFIRMED':
      return ['OBSERVER_ACCOUNT_NOT_CONFIRMED', 422];
    case 'ALREADY_APPOINTED':
      return ['OBSERVER_ALREADY_APPOINTED', 409];
    default:
      return unknownCode(code);
  }
}

/** A deg observer refusal as the API says it. */
export function observerApiError(code: ObserverRefusal, message: DegMessage): ApiError {
  const [apiCode, status] = observerApiCode(code);
  return new ApiError(apiCode, status, bilingual(message));
}

export const DECISION_EXISTS = (): ApiError =>
  new ApiError(
    'COMMISSION_DECISION_EXISTS',
    409,
    'Это решение комиссией уже принято / The commission has already taken this decision',
  );

/** The constraint a PostgreSQL error names, when it is a unique or check violation. */
export function violatedConstraint(e: unknown): string | undefined {
  const err = e as { code?: unknown; constraint?: unknown };
  if ((err.code === '23505' || err.code === '23514') && typeof err.constraint === 'string')
    return err.constraint;
  return undefined;
}

function unknownCode(code: never): never {
  throw new Error(`unknown code ${String(code)}`);
}
