/**
 * Errors and check results of the election layer.
 *
 * Malformed input (a ballot that does not parse, a manifest with a missing field) is an
 * `ElectionError` with a stable code. Verification never throws on bad data: it returns every failed
 * check with its ID (`B.5`, `V.6` …) so the ballot box, the verifier and observers name the same thing.
 */

export type ElectionErrorCode =
  | 'MALFORMED'
  | 'UNKNOWN_REGION'
  | 'UNKNOWN_KEY_GROUP'
  | 'UNKNOWN_BALLOT_STYLE'
  | 'BAD_SELECTION'
  | 'CREDENTIAL_INVALID'
  /** A native vote for a Belenios region, or the other way round. */
  | 'WRONG_BALLOT_FORMAT'
  | 'RECORD_INVALID';

export class ElectionError extends Error {
  readonly code: ElectionErrorCode;
  /** JSON path of the offending field, when there is one. */
  readonly path: string | undefined;

  constructor(code: ElectionErrorCode, message: string, options?: { path?: string; cause?: unknown }) {
    super(options?.path === undefined ? message : `${options.path}: ${message}`, { cause: options?.cause });
    this.name = 'ElectionError';
    this.code = code;
    this.path = options?.path;
  }
}

/** One failed check: its ID, a message, and where (ballot index, region, question …). */
export interface CheckFailure {
  readonly check: string;
  readonly message: string;
  readonly where?: string;
}

export type CheckResult =
  { readonly ok: true } | { readonly ok: false; readonly failures: readonly CheckFailure[] };

export function checkResult(failures: readonly CheckFailure[]): CheckResult {
  return failures.length === 0 ? { ok: true } : { ok: false, failures };
}
