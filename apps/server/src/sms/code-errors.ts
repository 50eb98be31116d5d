// The API errors of SMS confirmation codes (packages/deg confirmation-codes.ts), shared by the
// applications (P-2.3) and voting (P-6.7, P-6.8): a resend too soon is 429 with Retry-After, a wrong
// code says how many tries are left, the rest are 422 with their own stable codes.
import { CODE_MESSAGES, type CodeFailure } from '@opendeg/deg';
import { ApiError, bilingual, type ErrorCode } from '../errors.ts';

export function codeError(failure: CodeFailure): ApiError {
  const message = bilingual(CODE_MESSAGES[failure.code]);
  switch (failure.code) {
    case 'RESEND_TOO_SOON':
      return new ApiError('RESEND_TOO_SOON', 429, message, { retryAfterSeconds: failure.retryAfterSeconds });
    case 'CODE_WRONG':
      return new ApiError('CODE_WRONG', 422, message, { attemptsLeft: failure.attemptsLeft });
    case 'CODE_EXPIRED':
    case 'CODE_TOO_MANY_WRONG':
    case 'CODE_USED':
    case 'NO_CODE':
      return new ApiError(failure.code satisfies ErrorCode, 422, message);
    default:
      return assertNever(failure);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected ${JSON.stringify(x)}`);
}
