/**
 * Errors of the cryptographic core.
 *
 * Every rejection carries a stable `code` so that callers (the ballot box, the verifier, the CLI)
 * can turn it into a clear message without parsing text. Codes are part of the public API.
 */

export type CryptoErrorCode =
  | 'BAD_LENGTH'
  | 'NON_CANONICAL_SCALAR'
  | 'NON_CANONICAL_ELEMENT'
  | 'IDENTITY_ELEMENT'
  | 'WRONG_SUITE'
  | 'BAD_ARGUMENT'
  | 'PROOF_INVALID'
  | 'SIGNATURE_INVALID'
  | 'NOT_ENOUGH_SHARES'
  | 'DUPLICATE_SHARE'
  | 'SHARE_INVALID'
  | 'KEY_MISMATCH'
  | 'DLOG_NOT_FOUND'
  | 'KEYFILE_MALFORMED'
  | 'KEYFILE_WRONG_PASSPHRASE'
  | 'KEYFILE_TAMPERED'
  | 'KEYFILE_WRONG_ELECTION'
  | 'KEYFILE_WRONG_KEY_GROUP'
  | 'BLIND_SIGNATURE_INVALID'
  | 'NOT_CANONICAL_JSON';

export class CryptoError extends Error {
  readonly code: CryptoErrorCode;
  /** Index of the offending share or part, when one is to blame (threshold code). */
  readonly index: number | undefined;

  constructor(code: CryptoErrorCode, message: string, options?: { index?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CryptoError';
    this.code = code;
    this.index = options?.index;
  }
}

/** Throws a `BAD_ARGUMENT` error naming the argument when `cond` is false. */
export function check(cond: boolean, argument: string, what: string): asserts cond {
  if (!cond) throw new CryptoError('BAD_ARGUMENT', `${argument}: ${what}`);
}

/** Exhaustiveness helper for `switch` over unions. */
export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${String(x)}`);
}
