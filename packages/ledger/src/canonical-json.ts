/**
 * JSON Canonicalization Scheme, RFC 8785: the bytes that get hashed into the ledger. The
 * canonicaliser lives in @opendeg/crypto (the voter's browser needs the same bytes); this wraps it
 * in the ledger's Result convention.
 */

import { canonicalJson, CryptoError } from '@opendeg/crypto';
import { fail, ok, type Result } from './errors.ts';

export type { JsonValue } from '@opendeg/crypto';

/** RFC 8785 canonical JSON text of a value, or the failure `ENTRY_INVALID` naming the offending path. */
export function canonicalize(value: unknown): Result<string> {
  try {
    return ok(canonicalJson(value));
  } catch (e) {
    if (e instanceof CryptoError) return fail('ENTRY_INVALID', e.message);
    throw e;
  }
}
