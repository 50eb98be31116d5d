// The generated register behind the identity stand-in: deterministic from a seed, realistic
// Russian data with gender agreement, valid SNILS, and the account flags that P-2.3 and seed 003
// turn on (confirmed account, confirmed phone, register match) in sensible proportions.
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  PROPORTIONS,
  REGIONS,
  generateRegister,
  registerRegions,
  snilsCheckNumber,
} from '../src/identity/register.ts';

const referenceDate = new Date('2024-03-17T00:00:00Z');
const register = generateRegister({ seed: 7, count: 2000, referenceDate });

function ageOn(birthDate: string, on: Date): number {
  const birth = new Date(`${birthDate}T00:00:00Z`);
  let age = on.getUTCFullYear() - birth.getUTCFullYear();
  const before =
    on.getUTCMonth() < birth.getUTCMonth() ||
    (on.getUTCMonth() === birth.getUTCMonth() && on.getUTCDate() < birth.getUTCDate());
  if (before) age--;
  return age;
}

describe('generated register', () => {
  test('the same seed gives the same register; another seed another', () => {
    expect(generateRegister({ seed: 7, count: 50, referenceDate })).toEqual(register.slice(0, 50));
    expect(generateRegister({ seed: 8, count: 50, referenceDate })).not.toEqual(register.slice(0, 50));
  });

  test('a training run draws residents from every configured region (the demo’s 29, Kamchatka and Chuvashia among them), and from regions that take no part', () => {
    const demo = JSON.parse(readFileSync(new URL('../dev/demo-election.json', import.meta.url), 'utf8')) as {
      regions: { code: string; name: { ru: string } }[];
    };
    const regions = registerRegions(demo.regions);
    expect(regions.slice(0, demo.regions.length).map((r) => r.code)).toEqual(demo.regions.map((r) => r.code));
    const outside = regions.slice(demo.regions.length);
    expect(outside.length).toBeGreaterThan(0);
    expect(outside.every((r) => !demo.regions.some((d) => d.code === r.code))).toBe(true);
    const seen = new Set(
      generateRegister({ seed: 1, count: 1000, referenceDate, regions }).map((a) => a.address.regionCode),
    );
    for (const r of regions) expect(seen.has(r.code)).toBe(true);
    expect(seen.has('41') && seen.has('21')).toBe(true);
  });

  test('ids are unique and the fields well formed', () => {
    expect(new Set(register.map((a) => a.id)).size).toBe(register.length);
    const codes = new Set(REGIONS.map((r) => r.code));
    for (const a of register) {
      expect(a.phone).toMatch(/^\+79\d{9}$/);
      expect(a.passport.series).toMatch(/^\d{4}$/);
      expect(a.passport.number).toMatch(/^\d{6}$/);
      expect(a.snils).toMatch(/^\d{3}-\d{3}-\d{3} \d{2}$/);
      expect(a.birthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(codes.has(a.address.regionCode)).toBe(true);
      expect(a.address.postalCode).toMatch(/^\d{6}$/);
      const age = ageOn(a.birthDate, referenceDate);
      expect(age).toBeGreaterThanOrEqual(16);
      expect(age).toBeLessThanOrEqual(91);
    }
    // A few minors, so the under-18 refusal of seed 003 can be exercised.
    expect(register.some((a) => ageOn(a.birthDate, referenceDate) < 18)).toBe(true);
  });

  test('names agree with the sex: patronymic and, where the name declines, the family name', () => {
    for (const a of register) {
      expect(a.middleName, a.middleName).toMatch(a.sex === 'female' ? /(вна|чна|кызы)$/ : /(вич|ич|оглы)$/);
      if (a.sex === 'female')
        expect(a.familyName, a.familyName).not.toMatch(/(ов|ев|ёв|ин|ын|ский|цкий|ой)$/);
      if (a.sex === 'male') expect(a.familyName, a.familyName).not.toMatch(/(ова|ева|ина|ская)$/);
    }
  });

  test('SNILS check numbers are valid (weights 9..1, modulo 101, 100 as 00)', () => {
    expect(snilsCheckNumber('112233445')).toBe('95');
    for (const a of register) {
      const digits = a.snils.slice(0, 11).replace(/-/g, '');
      expect(a.snils.slice(12)).toBe(snilsCheckNumber(digits));
    }
  });

  test('P-2.3 the first accounts are one of each kind: matched, unconfirmed, phone unconfirmed, unmatched', () => {
    const flags = register.slice(0, 4).map((a) => [a.accountConfirmed, a.phoneConfirmed, a.registerMatched]);
    expect(flags).toEqual([
      [true, true, true],
      [false, true, true],
      [true, false, true],
      [true, true, false],
    ]);
  });

  test('P-2.3 flags follow the configured proportions', () => {
    const share = (f: (a: (typeof register)[number]) => boolean) =>
      register.filter(f).length / register.length;
    expect(share((a) => a.accountConfirmed)).toBeCloseTo(PROPORTIONS.accountConfirmed, 1);
    expect(share((a) => a.phoneConfirmed)).toBeCloseTo(PROPORTIONS.phoneConfirmed, 1);
    expect(share((a) => a.registerMatched)).toBeCloseTo(PROPORTIONS.registerMatched, 1);
    expect(share((a) => a.sex === 'female')).toBeGreaterThan(0.4);
    expect(share((a) => a.sex === 'female')).toBeLessThan(0.6);
  });
});
