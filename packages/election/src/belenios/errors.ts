/**
 * Errors and check results of the Belenios conventions (Belenios 2.0 specification §3.5, audit).
 *
 * Malformed Belenios JSON is a `BeleniosError` with a stable code; verification never throws on bad
 * data but returns every failed check named after the specification section that requires it
 * ("4.15 signature", "4.13 blank_proof" …), so a failure reads like the clause it breaks.
 */

export type BeleniosErrorCode =
  'MALFORMED' | 'WRONG_ELECTION' | 'CHANNEL_INVALID' | 'TRUSTEE_INVALID' | 'NOT_ENOUGH_DECRYPTIONS';

export class BeleniosError extends Error {
  readonly code: BeleniosErrorCode;

  constructor(code: BeleniosErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BeleniosError';
    this.code = code;
  }
}

/** One failed check: the specification section and what failed there. */
export interface BeleniosCheckFailure {
  readonly check: string;
  readonly message: string;
}

export type BeleniosCheck =
  { readonly ok: true } | { readonly ok: false; readonly failures: readonly BeleniosCheckFailure[] };

export function beleniosCheck(failures: readonly BeleniosCheckFailure[]): BeleniosCheck {
  return failures.length === 0 ? { ok: true } : { ok: false, failures };
}
