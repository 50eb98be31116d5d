// Ledger entries are RFC 8785 canonical JSON (the canonicaliser itself is tested in
// @opendeg/crypto): typed objects, at most 65,535 bytes, and anything not canonicalisable is
// ENTRY_INVALID.

import { describe, expect, it } from 'vitest';

import { canonicalize, encodeEntry, unwrap } from '../src/index.ts';

describe('RFC 8785 ledger entries', () => {
  it('canonicalize sorts members and reports failures as ENTRY_INVALID', () => {
    expect(unwrap(canonicalize({ b: { d: 1, c: 2 }, a: [1] }))).toBe('{"a":[1],"b":{"c":2,"d":1}}');
    for (const v of [Number.NaN, 'a\ud800b', { a: undefined }, 1n]) {
      const r = canonicalize(v);
      expect(r.ok ? undefined : r.error.code).toBe('ENTRY_INVALID');
    }
  });

  it('ledger entries: typed objects, at most 65,535 bytes', () => {
    expect(Buffer.from(unwrap(encodeEntry({ type: 't', b: 2, a: 1 }))).toString()).toBe(
      '{"a":1,"b":2,"type":"t"}',
    );
    const codes = [
      encodeEntry({ type: '' }),
      encodeEntry({ kind: 'x' } as never),
      encodeEntry({ type: 'x', v: 'é'.repeat(40_000) }),
    ].map((r) => (r.ok ? undefined : r.error.code));
    expect(codes).toEqual(['ENTRY_INVALID', 'ENTRY_INVALID', 'ENTRY_TOO_LARGE']);
  });
});
