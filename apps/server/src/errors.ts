// Error format of the whole API: every failure is `{ code, message, eventId, details? }` with a
// stable `code`. Expected failures are ApiErrors; anything else is a bug and becomes INTERNAL,
// logged with its event id and never shown to the client (DESIGN: "Nothing internal leaks").
import { Type, type Static } from 'typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** Stable error codes; clients switch on these, so a code is never renamed. */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'BAD_REQUEST',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'AUTH_NO_LOGIN_IN_PROGRESS',
  'AUTH_STATE_MISMATCH',
  'AUTH_DENIED',
  'AUTH_FAILED',
  'IDENTITY_PROVIDER_UNAVAILABLE',
  'STAND_IN_UNKNOWN_ACCOUNT',
  'STAND_IN_INTERACTION_EXPIRED',
  'APPLICATION_REFUSED',
  'APPLICATIONS_UNAVAILABLE',
  'NO_APPLICATION',
  'NOT_WITHDRAWABLE',
  'WITHDRAWAL_CLOSED',
  'RESEND_TOO_SOON',
  'NO_CODE',
  'CODE_WRONG',
  'CODE_EXPIRED',
  'CODE_TOO_MANY_WRONG',
  'CODE_USED',
  'SMS_GATEWAY_FAILED',
  'OPERATOR_UNAUTHORIZED',
  'ROLE_ASSIGNMENT_INVALID',
  'ROLE_ALREADY_ASSIGNED',
  'COMMISSION_SEAT_TAKEN',
  'ROLE_ASSIGNMENT_NOT_FOUND',
  'LIST_NOT_FOUND',
  'LIST_REQUEST_INVALID',
  'NOT_ON_LIST',
  'ALREADY_EXCLUDED',
  'VOTING_ENDED',
  'LIST_FROZEN',
  'LIST_TIME_ORDER',
  'COMMISSION_NOT_A_MEMBER',
  'COMMISSION_NOT_FIRST_MEETING',
  'COMMISSION_CHAIRMAN_NOT_ELIGIBLE',
  'COMMISSION_SAME_PERSON',
  'COMMISSION_NO_MAJORITY',
  'COMMISSION_BAD_VOTE_COUNT',
  'KEY_PARTS_INVALID',
  'KEY_PART_HOLDERS_INVALID',
  'COMMISSION_AFTER_DEADLINE',
  'COMMISSION_DECISION_EXISTS',
  'OBSERVER_LIMIT_REACHED',
  'OBSERVER_APPOINTMENT_CLOSED',
  'OBSERVER_ACCOUNT_NOT_CONFIRMED',
  'OBSERVER_ALREADY_APPOINTED',
  'REGION_NOT_FOUND',
  'BALLOT_NOT_FOUND',
  'BALLOT_NOT_AVAILABLE',
  'BALLOT_LANGUAGE_NOT_OFFERED',
  'BALLOT_FIXED',
  'BALLOT_BAD_VERSION',
  'BALLOT_NO_CANDIDATES',
  'BALLOT_DUPLICATE_CANDIDATE',
  'BALLOT_CANDIDATE_MISMATCH',
  'PREMISES_NOT_PUBLISHED',
  'PREMISES_NOT_FOUND',
  'PREMISES_INVALID',
  'COMMISSION_OBSERVERS_UNKNOWN',
  'VOTING_NOT_OPEN',
  'PARTICIPANT_EXCLUDED',
  'CONDITIONS_NOT_CONFIRMED',
  'CONDITIONS_VERSION_MISMATCH',
  'CODE_NOT_CONFIRMED',
  'PHONE_NOT_AVAILABLE',
  'BALLOT_ALREADY_ISSUED',
  'BLINDED_MESSAGE_INVALID',
  'ISSUER_KEY_MISSING',
  'KEY_GROUP_NOT_FOUND',
  'KEY_CEREMONY_NO_DECISION',
  'KEY_CEREMONY_DONE',
  'KEY_CEREMONY_HOLDERS_MISMATCH',
  'KEY_CEREMONY_PASSPHRASE_WEAK',
  'KEY_CEREMONY_ATTENDANCE_INVALID',
  'KEY_CEREMONY_AFTER_DEADLINE',
  'KEY_CEREMONY_SUITE_UNSUPPORTED',
  'MANIFEST_KEYS_MISSING',
  'MANIFEST_SOURCE_INVALID',
  'MANIFEST_FIXED',
  'MANIFEST_NOT_FIXED',
  'BALLOT_REJECTED',
  'CREDENTIAL_USED',
  'CHALLENGE_REJECTED',
  'TRACKER_ALREADY_CAST',
  'RECEIPT_NOT_FOUND',
  'BLOCK_NOT_FOUND',
  'BALLOT_BOX_UNAVAILABLE',
  'CLOCK_BACKWARDS',
  // The close of voting (closing/closing-errors.ts): P-7, P-8, P-9.
  'CLOSING_TOO_EARLY',
  'FINAL_LISTS_EXIST',
  'FINAL_LISTS_NOT_FOUND',
  'FINAL_LISTS_NOT_SIGNED',
  'CLOSING_COUNTS_INCONSISTENT',
  'CERTIFICATE_INVALID',
  'CERTIFICATE_MEMBER_MISMATCH',
  'SIGNATURE_INVALID',
  'SIGNATURE_NOT_MEMBERS',
  'SIGN_OFF_NOT_EXPECTED',
  'SIGN_OFF_EXISTS',
  'DECRYPTION_NOT_STARTED',
  'DECRYPTION_EXISTS',
  'DECRYPTION_WRONG_MODE',
  'DECRYPTION_COMPLETE',
  'DECRYPTION_SUITE_UNSUPPORTED',
  'KEY_PART_REFUSED',
  'SHARE_INVALID',
  'SHARE_EXISTS',
  'KEY_ASSEMBLY_FAILED',
  'PROTOCOL_NOT_READY',
  'PROTOCOL_EXISTS',
  'PROTOCOL_NOT_FOUND',
  'PROTOCOL_NOT_PUBLISHED',
  'PROTOCOL_INCONSISTENT',
  'REGION_ALREADY_INVALIDATED',
  'RESULTS_NOT_AVAILABLE',
  'DESTRUCTION_REFUSED',
  'DESTRUCTION_ACT_EXISTS',
  'WIPE_EXISTS',
  'BUNDLE_MALFORMED',
  'BUNDLE_SIGNATURE',
  'BUNDLE_WRONG_SIGNER',
  'BUNDLE_WRONG_ELECTION',
  'BUNDLE_FILE_MISSING',
  'BUNDLE_FILE_MISMATCH',
  'BUNDLE_EXTRA_FILE',
  'BUNDLE_ROOT_NOT_CONFIGURED',
  'BUNDLE_PATH_INVALID',
  'BUNDLE_TOO_LARGE',
  'BUNDLE_LISTS_EXIST',
  'BUNDLE_VOTING_STARTED',
  'BUNDLE_CONTENT_INVALID',
  'KEY_CEREMONY_NOT_FOUND',
  'KEY_CEREMONY_TOKEN_INVALID',
  'KEY_CEREMONY_WRONG_ROUND',
  'KEY_CEREMONY_ALREADY_POSTED',
  'KEY_CEREMONY_MESSAGE_INVALID',
  'KEY_CEREMONY_IN_PROGRESS',
  'KEY_CEREMONY_COMPLAINT_UNFOUNDED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ValidationIssue = Type.Object({
  in: Type.String({ description: 'body, querystring, params or headers' }),
  path: Type.String({ description: 'JSON pointer into that part' }),
  message: Type.String(),
});

/** A user-facing message in both languages, for clients that show one of them. */
export const Message = Type.Object(
  { ru: Type.String(), en: Type.String() },
  { title: 'Message', additionalProperties: false },
);

/** One reason a filing is refused (seed 003), as packages/deg checkFiling gives it. */
export const Refusal = Type.Object(
  { code: Type.String({ description: 'UNDER_18, ACCOUNT_NOT_CONFIRMED, …' }), message: Message },
  { title: 'Refusal', additionalProperties: false },
);

/** Facts some errors carry beside their code, so clients need not parse messages. */
export const ErrorFacts = {
  /** APPLICATION_REFUSED: every applicable reason, in the portal's order. */
  refusals: Type.Optional(Type.Array(Refusal)),
  /** RESEND_TOO_SOON: seconds until a new code may be requested (also in Retry-After). */
  retryAfterSeconds: Type.Optional(Type.Integer({ minimum: 1 })),
  /** CODE_WRONG: wrong entries left before the code is spent. */
  attemptsLeft: Type.Optional(Type.Integer({ minimum: 0 })),
  /** BALLOT_REJECTED, CREDENTIAL_USED, CHALLENGE_REJECTED: each failed check by its ID (B.1–B.10, C.1–C.2). */
  failures: Type.Optional(
    Type.Array(
      Type.Object(
        { check: Type.String(), message: Type.String() },
        { title: 'CheckFailure', additionalProperties: false },
      ),
    ),
  ),
};
export type ErrorFacts = { [K in keyof typeof ErrorFacts]?: Static<(typeof ErrorFacts)[K]> };

export const ErrorBody = Type.Object(
  {
    code: Type.Enum(ERROR_CODES),
    message: Type.String({ description: 'Russian first, then English' }),
    eventId: Type.String({ description: 'The request id also found in the server logs' }),
    details: Type.Optional(Type.Array(ValidationIssue)),
    ...ErrorFacts,
  },
  { title: 'ErrorBody' },
);
export type ErrorBody = Static<typeof ErrorBody>;

/** An expected failure with its HTTP status. Messages are user-facing: Russian / English. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly facts: ErrorFacts;

  constructor(code: ErrorCode, status: number, message: string, facts: ErrorFacts = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.facts = facts;
  }
}

/** "Russian / English", the one-string form of a two-language message. */
export function bilingual(message: { ru: string; en: string }): string {
  return `${message.ru} / ${message.en}`;
}

const FIXED_MESSAGES = {
  VALIDATION_FAILED: 'Запрос не прошёл проверку / Request validation failed',
  BAD_REQUEST: 'Некорректный запрос / Bad request',
  UNSUPPORTED_MEDIA_TYPE: 'Неподдерживаемый тип содержимого / Unsupported media type',
  PAYLOAD_TOO_LARGE: 'Слишком большой запрос / Payload too large',
  NOT_FOUND: 'Не найдено / Not found',
  INTERNAL: 'Внутренняя ошибка / Internal error',
} as const satisfies Partial<Record<ErrorCode, string>>;

function body(request: FastifyRequest, code: ErrorCode, message: string): ErrorBody {
  return { code, message, eventId: request.id };
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as Partial<FastifyError>).code === 'string';
}

/** The single error handler: maps every thrown value to the API error format. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ApiError) {
    request.log.info({ code: error.code, status: error.status }, 'request refused');
    if (error.facts.retryAfterSeconds !== undefined)
      reply.header('retry-after', String(error.facts.retryAfterSeconds));
    return reply.status(error.status).send({ ...body(request, error.code, error.message), ...error.facts });
  }
  if (isFastifyError(error) && error.validation) {
    const where = error.validationContext ?? 'request';
    const details = error.validation.map((issue) => ({
      in: where,
      path: issue.instancePath,
      message: issue.message ?? 'invalid',
    }));
    request.log.info({ code: 'VALIDATION_FAILED', details }, 'request refused');
    return reply
      .status(400)
      .send({ ...body(request, 'VALIDATION_FAILED', FIXED_MESSAGES.VALIDATION_FAILED), details });
  }
  // Fastify's own client errors (bad JSON, wrong content type, body too large) carry a status;
  // their messages are replaced by fixed ones so nothing of the request is echoed back.
  if (isFastifyError(error) && error.code.startsWith('FST_') && (error.statusCode ?? 500) < 500) {
    const status = error.statusCode ?? 400;
    const code: ErrorCode =
      status === 415
        ? 'UNSUPPORTED_MEDIA_TYPE'
        : status === 413
          ? 'PAYLOAD_TOO_LARGE'
          : status === 404
            ? 'NOT_FOUND'
            : 'BAD_REQUEST';
    request.log.info({ code, status, fastifyCode: error.code }, 'request refused');
    return reply.status(status).send(body(request, code, FIXED_MESSAGES[code]));
  }
  request.log.error({ err: error }, 'internal error');
  return reply.status(500).send(body(request, 'INTERNAL', FIXED_MESSAGES.INTERNAL));
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.status(404).send(body(request, 'NOT_FOUND', FIXED_MESSAGES.NOT_FOUND));
}
