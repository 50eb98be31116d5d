/**
 * Errors and results of the ledger.
 *
 * Expected failures (a malformed note, a proof that does not verify, a full store) are values:
 * `{ ok: false, error }` where `error.code` is stable and part of the public API. Broken invariants
 * and programming errors throw.
 */

export type LedgerErrorCode =
  /** Input does not follow the wire format (note, checkpoint, tile path, request body). */
  | 'MALFORMED'
  /** A verifier or signer key string is not acceptable. */
  | 'BAD_KEY'
  /** A signature by a known key failed to verify. */
  | 'INVALID_SIGNATURE'
  /** No signature by a known key was found. */
  | 'UNVERIFIED'
  /** A Merkle inclusion or consistency proof does not verify. */
  | 'PROOF_INVALID'
  /** An index or size is outside the tree. */
  | 'OUT_OF_RANGE'
  /** A ledger entry is not canonical-JSON-able or lacks a `type`. */
  | 'ENTRY_INVALID'
  /** A ledger entry is larger than 65,535 bytes once encoded. */
  | 'ENTRY_TOO_LARGE'
  /** The requested object does not exist (yet). */
  | 'NOT_FOUND'
  /** A storage call failed; the operation was not acknowledged. */
  | 'STORE_FAILED'
  /** Another process holds the sequencer lock. */
  | 'LOCK_HELD'
  /** This process no longer holds the sequencer lock (fencing token is stale). */
  | 'LOCK_LOST'
  /** The stored tree does not match its checkpoint, or a new tree does not extend the last one. */
  | 'TREE_MISMATCH'
  /** The clock went backwards between two checkpoints. */
  | 'TIME_WENT_BACKWARDS'
  /** The log stopped after a broken invariant or an unknown-outcome write; reopen it from the store. */
  | 'LOG_STOPPED'
  /** The log is closed. */
  | 'LOG_CLOSED'
  /** A witness refused or failed to cosign. */
  | 'WITNESS_FAILED';

export class LedgerError extends Error {
  readonly code: LedgerErrorCode;

  constructor(code: LedgerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LedgerError';
    this.code = code;
  }
}

export type Result<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: LedgerError };

export interface Failure {
  readonly ok: false;
  readonly error: LedgerError;
}

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function fail(code: LedgerErrorCode, message: string, cause?: unknown): Failure {
  return { ok: false, error: new LedgerError(code, message, cause === undefined ? undefined : { cause }) };
}

/** Unwraps a result, throwing its error; for callers that treat failure as a bug. */
export function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw r.error;
  return r.value;
}

/** Throws (a bug) when an internal invariant does not hold. */
export function invariant(cond: boolean, what: string): asserts cond {
  if (!cond) throw new Error(`ledger invariant violated: ${what}`);
}

/** Exhaustiveness helper for `switch` over unions. */
export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${String(x)}`);
}
