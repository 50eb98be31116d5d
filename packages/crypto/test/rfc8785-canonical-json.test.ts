// RFC 8785 JSON Canonicalization Scheme: member order by UTF-16 code units, ECMAScript number and
// string serialisation, and rejection of what I-JSON forbids.
import { describe, expect, test } from 'vitest';
import { canonicalJson } from '../src/canonical-json.ts';

describe('RFC 8785 canonical JSON', () => {
  test('§3.2.3 sorts members by UTF-16 code units, recursively; arrays keep their order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: null } })).toBe('{"a":{"c":null,"d":[3,1]},"b":1}');
    // Appendix: "\u20ac" (€) sorts after "\r" and the surrogate pair of 😀 before "\ufb33".
    expect(canonicalJson({ '\u20ac': 1, '\r': 2, '\ufb33': 3, '\ud83d\ude00': 4, '1': 5 })).toBe(
      '{"\\r":2,"1":5,"\u20ac":1,"\ud83d\ude00":4,"\ufb33":3}',
    );
  });

  test('§3.2.2.3 numbers as ECMAScript serialises them', () => {
    expect(canonicalJson([1e21, 1e-7, 0.1, -0, 333333333.3333333, 4.5, 2 ** 53])).toBe(
      '[1e+21,1e-7,0.1,0,333333333.3333333,4.5,9007199254740992]',
    );
  });

  test('§3.2.2.2 strings with minimal escapes; Cyrillic stays as it is', () => {
    expect(canonicalJson({ s: 'Иванов\n"\u0001' })).toBe('{"s":"Иванов\\n\\"\\u0001"}');
  });

  test('rejects what I-JSON forbids, naming the path', () => {
    for (const bad of [
      { x: NaN },
      { x: Infinity },
      { x: 'a\ud800' },
      { x: undefined },
      { x: 1n },
      { x: new Date(0) },
    ]) {
      expect(() => canonicalJson(bad)).toThrow(expect.objectContaining({ code: 'NOT_CANONICAL_JSON' }));
    }
    expect(() => canonicalJson({ a: [{ b: NaN }] })).toThrow(/\$\.a\[0\]\.b/);
  });
});
