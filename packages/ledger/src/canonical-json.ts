/**
 * JSON Canonicalization Scheme, RFC 8785: the bytes that get hashed into the ledger.
 *
 * §3.2.1 I-JSON only (no lone surrogates, finite numbers); §3.2.2 primitives serialised as
 * ECMAScript JSON.stringify does (numbers by Number::toString, strings with the minimal escapes);
 * §3.2.3 object members sorted by their names as arrays of UTF-16 code units.
 */

import { fail, ok, type Result } from './errors.ts';

export type JsonValue =
  null | boolean | number | string | readonly JsonValue[] | { readonly [k: string]: JsonValue };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

class NotCanonicalizable extends Error {}

/** §3.2.3: compare by UTF-16 code units, which is what `<` on JavaScript strings does. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function serializeString(s: string, where: string): string {
  if (LONE_SURROGATE.test(s)) throw new NotCanonicalizable(`${where}: lone surrogate`);
  return JSON.stringify(s);
}

function serialize(v: unknown, where: string, depth: number): string {
  if (depth > 64) throw new NotCanonicalizable(`${where}: nested deeper than 64`);
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new NotCanonicalizable(`${where}: non-finite number`);
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
        throw new NotCanonicalizable(`${where}: only plain objects and arrays`);
      }
      const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => byCodeUnits(a, b));
      const members = entries.map(
        ([k, x]) => `${serializeString(k, `${where} key`)}:${serialize(x, `${where}.${k}`, depth + 1)}`,
      );
      return `{${members.join(',')}}`;
    }
    default:
      throw new NotCanonicalizable(`${where}: ${typeof v} is not JSON`);
  }
}

/** RFC 8785 canonical JSON text of a value, or MALFORMED-free failure `ENTRY_INVALID`. */
export function canonicalize(value: unknown): Result<string> {
  try {
    return ok(serialize(value, '$', 0));
  } catch (e) {
    if (e instanceof NotCanonicalizable) return fail('ENTRY_INVALID', e.message);
    throw e;
  }
}
