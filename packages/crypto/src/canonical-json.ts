/**
 * JSON Canonicalization Scheme, RFC 8785: the bytes that get hashed and signed (ballots, manifests,
 * ledger entries, key-part headers). Pure, so the voter's browser signs exactly what the ballot box
 * and every verifier hash.
 *
 * §3.2.1 I-JSON only (no lone surrogates, finite numbers); §3.2.2 primitives serialised as
 * ECMAScript JSON.stringify does (numbers by Number::toString, strings with the minimal escapes);
 * §3.2.3 object members sorted by their names as arrays of UTF-16 code units.
 */

import { utf8 } from './bytes.ts';
import { CryptoError } from './errors.ts';

export type JsonValue =
  null | boolean | number | string | readonly JsonValue[] | { readonly [k: string]: JsonValue };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** §3.2.3: compare by UTF-16 code units, which is what `<` on JavaScript strings does. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function serializeString(s: string, where: string): string {
  if (LONE_SURROGATE.test(s)) throw new CryptoError('NOT_CANONICAL_JSON', `${where}: lone surrogate`);
  return JSON.stringify(s);
}

function serialize(v: unknown, where: string, depth: number): string {
  if (depth > 64) throw new CryptoError('NOT_CANONICAL_JSON', `${where}: nested deeper than 64`);
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new CryptoError('NOT_CANONICAL_JSON', `${where}: non-finite number`);
      // §3.2.2.3: ECMAScript Number serialisation; -0 becomes 0.
      return JSON.stringify(v);
    case 'string':
      return serializeString(v, where);
    case 'object': {
      if (Array.isArray(v)) {
        return `[${v.map((x: unknown, i) => serialize(x, `${where}[${i}]`, depth + 1)).join(',')}]`;
      }
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        throw new CryptoError('NOT_CANONICAL_JSON', `${where}: only plain objects and arrays`);
      }
      const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => byCodeUnits(a, b));
      const members = entries.map(
        ([k, x]) => `${serializeString(k, `${where} key`)}:${serialize(x, `${where}.${k}`, depth + 1)}`,
      );
      return `{${members.join(',')}}`;
    }
    default:
      throw new CryptoError('NOT_CANONICAL_JSON', `${where}: ${typeof v} is not JSON`);
  }
}

/** RFC 8785 canonical JSON text; throws `NOT_CANONICAL_JSON` naming the offending path. */
export function canonicalJson(value: unknown): string {
  return serialize(value, '$', 0);
}

export function canonicalJsonBytes(value: unknown): Uint8Array {
  return utf8(canonicalJson(value));
}
