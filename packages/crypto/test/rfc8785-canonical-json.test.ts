// RFC 8785 JSON Canonicalization Scheme: the serialisation examples of §3.2.2 and §3.2.3, the
// number table of Appendix B, and inputs that must be rejected (I-JSON, §3.2.1).

import { describe, expect, it } from 'vitest';

import { canonicalJson } from '../src/canonical-json.ts';

const f64 = (hex: string): number => Buffer.from(hex, 'hex').readDoubleBE(0);

describe('RFC 8785 canonical JSON', () => {
  it('§3.2.2: serialises primitives as ECMAScript does', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        '"literals": [null, true, false]}',
    ) as unknown;
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('§3.2.3: sorts member names by UTF-16 code units, recursively', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // (Object.keys would list the integer-like key "1" first, so the order is read off the text.)
    const text = canonicalJson(input);
    const order = ['\\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'].map((k) =>
      text.indexOf(`"${k}":`),
    );
    expect(order.every((p) => p > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(canonicalJson({ b: { d: 1, c: 2 }, a: [{ z: 0, y: 1 }] })).toBe(
      '{"a":[{"y":1,"z":0}],"b":{"c":2,"d":1}}',
    );
  });

  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('Appendix B: %s -> %s', (hex, want) => {
    expect(canonicalJson(f64(hex))).toBe(want);
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate in a key', { '\udc00': 1 }],
    ['undefined', { a: undefined }],
    ['a bigint', 1n],
    ['a function', () => 1],
    ['a Date', new Date(0)],
    ['a Map', new Map()],
    ['a Uint8Array', new Uint8Array(1)],
  ])('rejects %s', (_, v) => {
    expect(() => canonicalJson(v)).toThrow(expect.objectContaining({ code: 'NOT_CANONICAL_JSON' }));
  });

  it('names the path of what it rejects', () => {
    expect(() => canonicalJson({ a: [{ b: NaN }] })).toThrow(/\$\.a\[0\]\.b/);
    // The path is built only on failure (a second, checked pass): deep and wide values still name it.
    const wide = { z: Array.from({ length: 50 }, (_, i) => ({ i, s: 'x'.repeat(i) })), a: 1 };
    expect(() => canonicalJson({ ...wide, m: { '\udc00': 1 } })).toThrow(/\$\.m key: lone surrogate/);
    let deep: unknown = 1;
    for (let i = 0; i < 65; i++) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow(/\$(\[0\]){65}: nested deeper than 64/);
    deep = 1;
    for (let i = 0; i < 64; i++) deep = [deep];
    expect(canonicalJson(deep)).toBe(`${'['.repeat(64)}1${']'.repeat(64)}`);
  });
});
