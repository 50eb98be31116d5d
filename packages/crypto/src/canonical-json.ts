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

/** Thrown by the fast pass; the checked pass then names the path. */
const NOT_CANONICAL = new Error('not canonical JSON (fast pass)');

/**
 * The same rules as `serialize`, without building a path string for every value (the ballot box
 * canonicalises every ballot, and the paths were most of the cost). Any failure is re-run through
 * `serialize`, which names the offending path, so both passes must refuse exactly the same values.
 */
function serializeFast(v: unknown, depth: number): string {
  if (depth > 64) throw NOT_CANONICAL;
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw NOT_CANONICAL;
      return JSON.stringify(v);
    case 'string':
      if (LONE_SURROGATE.test(v)) throw NOT_CANONICAL;
      return JSON.stringify(v);
    case 'object': {
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) out += (i === 0 ? '' : ',') + serializeFast(v[i], depth + 1);
        return out + ']';
      }
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) throw NOT_CANONICAL;
      const keys = Object.keys(v).sort(byCodeUnits);
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i] as string;
        if (LONE_SURROGATE.test(k)) throw NOT_CANONICAL;
        out += `${i === 0 ? '' : ','}${JSON.stringify(k)}:${serializeFast((v as Record<string, unknown>)[k], depth + 1)}`;
      }
      return out + '}';
    }
    default:
      throw NOT_CANONICAL;
  }
}

/** RFC 8785 canonical JSON text; throws `NOT_CANONICAL_JSON` naming the offending path. */
export function canonicalJson(value: unknown): string {
  try {
    return serializeFast(value, 0);
  } catch (e) {
    if (e !== NOT_CANONICAL) throw e;
    return serialize(value, '$', 0);
  }
}

export function canonicalJsonBytes(value: unknown): Uint8Array {
  return utf8(canonicalJson(value));
}
