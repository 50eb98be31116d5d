// SMS confirmation codes (P-2.3, P-6.7, P-6.8): six digits, at most one a minute, stored only as a
// keyed hash, five wrong entries per code, tries otherwise unlimited.
import { describe, expect, test } from 'vitest';
import { checkCode, issueCode, MAX_WRONG_ENTRIES, randomCode } from '../src/confirmation-codes.ts';
import type { CodeRecord } from '../src/confirmation-codes.ts';

const PEPPER = new Uint8Array(32).fill(9);
const T0 = 1_710_000_000_000;

function issue(previous?: CodeRecord, now = T0): { code: string; record: CodeRecord } {
  const r = issueCode(PEPPER, 'ballot-access', previous, now);
  if (!r.ok) throw new Error(JSON.stringify(r.failure));
  return r;
}
const wrong = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('confirmation codes', () => {
  test('P-6.7 a code has at least 5 digits (6 here), uniformly drawn', () => {
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 2000; i++) {
      const c = randomCode();
      expect(c).toMatch(/^\d{6}$/);
      counts[Number(c[0])]! += 1;
    }
    // Each leading digit appears about 200 times; a biased generator would skew this.
    for (const n of counts) expect(n).toBeGreaterThan(120);
  });

  test('the code is stored only as a keyed hash: the record does not contain it, another pepper fails', () => {
    const { code, record } = issue();
    expect(JSON.stringify(record)).not.toContain(code);
    expect(checkCode(new Uint8Array(32).fill(1), record, code, T0 + 1).ok).toBe(false);
    expect(checkCode(PEPPER, record, code, T0 + 1).ok).toBe(true);
  });

  test('P-6.8 a new code at most once a minute; it replaces the previous one', () => {
    const first = issue();
    const early = issueCode(PEPPER, 'ballot-access', first.record, T0 + 59_000);
    expect(early).toEqual({ ok: false, failure: { code: 'RESEND_TOO_SOON', retryAfterSeconds: 1 } });
    const second = issue(first.record, T0 + 60_000);
    if (second.code !== first.code) {
      expect(checkCode(PEPPER, second.record, first.code, T0 + 61_000).ok).toBe(false);
    }
    expect(checkCode(PEPPER, second.record, second.code, T0 + 61_000).ok).toBe(true);
  });

  test('P-6.8 a wrong or expired code: a new one on request; a used code cannot be reused', () => {
    const { code, record } = issue();
    const bad = checkCode(PEPPER, record, wrong(code), T0 + 1000);
    expect(bad).toMatchObject({ ok: false, failure: { code: 'CODE_WRONG', attemptsLeft: 4 } });
    const late = checkCode(PEPPER, record, code, record.expiresAt);
    expect(late).toMatchObject({ ok: false, failure: { code: 'CODE_EXPIRED' } });
    const good = checkCode(PEPPER, record, code, T0 + 2000);
    if (!good.ok) throw new Error('expected success');
    expect(checkCode(PEPPER, good.record, code, T0 + 3000)).toMatchObject({
      ok: false,
      failure: { code: 'CODE_USED' },
    });
    expect(checkCode(PEPPER, undefined, code, T0)).toMatchObject({ ok: false, failure: { code: 'NO_CODE' } });
  });

  test('at most 5 wrong entries per code, then even the right code is refused; a new code restores tries', () => {
    let { code, record } = issue();
    for (let i = 1; i <= MAX_WRONG_ENTRIES; i++) {
      const r = checkCode(PEPPER, record, wrong(code), T0 + i);
      expect(r.ok).toBe(false);
      record = r.record ?? record;
    }
    expect(record.wrongEntries).toBe(MAX_WRONG_ENTRIES);
    expect(checkCode(PEPPER, record, code, T0 + 10)).toMatchObject({
      ok: false,
      failure: { code: 'CODE_TOO_MANY_WRONG' },
    });
    ({ code, record } = issue(record, T0 + 60_000));
    expect(checkCode(PEPPER, record, code, T0 + 60_001).ok).toBe(true);
  });

  test('the pepper must be a real secret', () => {
    expect(() => issueCode(new Uint8Array(8), 'application', undefined, T0)).toThrow(RangeError);
  });
});
