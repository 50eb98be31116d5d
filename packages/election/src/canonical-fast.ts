/**
 * `canonicalJsonBytes` (RFC 8785) of a ballot's vote, faster for what a vote is made of (issue 4):
 * plain objects, arrays and strings of printable ASCII without `"` or `\` (hex, codes, format
 * tags). Such a string serialises as itself in quotes (JSON.stringify escapes nothing in it, and it
 * has no surrogates), members sort by `Array.prototype.sort`'s UTF-16 code-unit order (§3.2.3, as the
 * reference's comparison), numbers are JSON.stringify's. Anything else — another string, a
 * non-finite number, a class instance, `undefined`, nesting deeper than the reference allows — is
 * left to the reference, so the bytes, and the errors, are always `canonicalJsonBytes`'s.
 */

import { canonicalJsonBytes } from '@opendeg/crypto';

/** Printable ASCII but `"` and `\`: serialised as it is. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const MAX_DEPTH = 64;

export function canonicalVoteBytes(value: unknown): Uint8Array {
  const out: string[] = [];
  if (!write(value, out, 0)) return canonicalJsonBytes(value);
  // Only printable ASCII was written: its UTF-8 is one byte a character.
  return encoder.encode(out.join(''));
}

const encoder = new TextEncoder();

function write(v: unknown, out: string[], depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (v === null) {
    out.push('null');
    return true;
  }
  switch (typeof v) {
    case 'string':
      if (!PLAIN.test(v)) return false;
      out.push(`"${v}"`);
      return true;
    case 'boolean':
      out.push(v ? 'true' : 'false');
      return true;
    case 'number':
      if (!Number.isFinite(v)) return false;
      out.push(JSON.stringify(v));
      return true;
    case 'object': {
      if (Array.isArray(v)) {
        out.push('[');
        for (let i = 0; i < v.length; i++) {
          if (i > 0) out.push(',');
          // A hole (not JSON) goes to the reference too.
          if (!(i in v) || !write(v[i], out, depth + 1)) return false;
        }
        out.push(']');
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return false;
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o).sort();
      out.push('{');
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i] as string;
        // `o.__proto__` would read the prototype, not the member JSON.parse made: the reference's.
        if (!PLAIN.test(k) || k === '__proto__') return false;
        out.push(i > 0 ? `,"${k}":` : `"${k}":`);
        if (!write(o[k], out, depth + 1)) return false;
      }
      out.push('}');
      return true;
    }
    default:
      return false;
  }
}
