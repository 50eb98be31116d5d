// Applications (P-2.2, P-2.5–P-2.7) and every refusal reason of seed 003, each with its own message.
import { describe, expect, test } from 'vitest';
import { presidentialConfig } from './fixture.ts';
import {
  checkFiling,
  checkWithdrawal,
  latestBirthDateForAge,
  processApplication,
} from '../src/applications.ts';
import type { Applicant, ApplicationHistory } from '../src/applications.ts';

const c = presidentialConfig();
const DURING = new Date('2024-02-15T09:00:00Z');
const AFTER = new Date('2024-03-11T21:00:00Z'); // 24:00 MSK on 11 March
const good: Applicant = {
  birthDate: '1980-05-01',
  accountConfirmed: true,
  phoneConfirmed: true,
  registerMatched: true,
  regionCode: '54',
};
const clean: ApplicationHistory = { applications: [], placeOfStayFiled: false };
const codes = (a: Applicant, h: ApplicationHistory = clean, now = DURING): string[] => {
  const r = checkFiling(c, a, h, now);
  return r.ok ? [] : r.refusals.map((x) => x.code);
};

describe('filing an application (seed 003 refusal reasons)', () => {
  test('P-2.1 an eligible voter may file', () => {
    expect(checkFiling(c, good, clean, DURING)).toEqual({ ok: true });
  });

  test('seed 003: under 18 on the last voting day — born later than 17 March 2006', () => {
    expect(latestBirthDateForAge('2024-03-17', 18)).toBe('2006-03-17');
    expect(codes({ ...good, birthDate: '2006-03-17' })).toEqual([]);
    expect(codes({ ...good, birthDate: '2006-03-18' })).toEqual(['UNDER_18']);
    const r = checkFiling(c, { ...good, birthDate: '2006-03-18' }, clean, DURING);
    expect(r.ok ? '' : r.refusals[0]?.message.ru).toContain('17 марта 2006 года');
    // A 29 February last day maps to 28 February eighteen years earlier.
    expect(latestBirthDateForAge('2024-02-29', 18)).toBe('2006-02-28');
  });

  test('seed 003: account not confirmed, phone not confirmed, data not matched — each its own reason', () => {
    expect(codes({ ...good, accountConfirmed: false })).toEqual(['ACCOUNT_NOT_CONFIRMED']);
    expect(codes({ ...good, phoneConfirmed: false })).toEqual(['PHONE_NOT_CONFIRMED']);
    expect(codes({ ...good, registerMatched: false })).toEqual(['NOT_MATCHED_TO_REGISTER']);
    // All reasons that apply are listed, not only the first.
    expect(codes({ ...good, accountConfirmed: false, phoneConfirmed: false })).toEqual([
      'ACCOUNT_NOT_CONFIRMED',
      'PHONE_NOT_CONFIRMED',
    ]);
  });

  test('seed 003: a region without remote voting (Tver oblast), and Moscow with its own mode', () => {
    expect(codes({ ...good, regionCode: '69' })).toEqual(['REGION_WITHOUT_REMOTE_VOTING']);
    expect(codes({ ...good, regionCode: '77' })).toEqual(['MOSCOW_NO_APPLICATION_NEEDED']);
  });

  test('P-2.2 seed 003: after 24:00 MSK on the last filing day the application is refused', () => {
    expect(codes(good, clean, new Date(AFTER.getTime() - 1))).toEqual([]);
    expect(codes(good, clean, AFTER)).toEqual(['FILING_CLOSED']);
  });

  test('seed 003: an application pending or accepted already; a place-of-stay application filed', () => {
    expect(codes(good, { applications: ['submitted'], placeOfStayFiled: false })).toEqual([
      'APPLICATION_EXISTS',
    ]);
    expect(codes(good, { applications: ['accepted'], placeOfStayFiled: false })).toEqual([
      'APPLICATION_EXISTS',
    ]);
    expect(codes(good, { applications: [], placeOfStayFiled: true })).toEqual(['PLACE_OF_STAY_FILED']);
  });

  test('P-2.3 P-2.5 after withdrawal or a rejection (corrected data) the voter may file again', () => {
    expect(codes(good, { applications: ['withdrawn'], placeOfStayFiled: false })).toEqual([]);
    expect(codes(good, { applications: ['rejected', 'withdrawn'], placeOfStayFiled: false })).toEqual([]);
  });

  test('every refusal has a Russian and an English message, and they differ between reasons', () => {
    const r = checkFiling(
      c,
      {
        birthDate: '2010-01-01',
        accountConfirmed: false,
        phoneConfirmed: false,
        registerMatched: false,
        regionCode: '69',
      },
      { applications: ['accepted'], placeOfStayFiled: true },
      AFTER,
    );
    if (r.ok) throw new Error('expected refusals');
    expect(r.refusals).toHaveLength(8);
    const texts = r.refusals.map((x) => x.message.ru);
    expect(new Set(texts).size).toBe(texts.length);
    for (const x of r.refusals) {
      expect(x.message.ru).toMatch(/[а-яё]/i);
      expect(x.message.en).toMatch(/^[\x20-\x7e]+$/);
    }
  });
});

describe('withdrawal and processing', () => {
  test('P-2.5 withdrawal until 24:00 MSK on the deadline, only of a pending or accepted application', () => {
    expect(checkWithdrawal(c, 'accepted', DURING)).toEqual({ ok: true });
    expect(checkWithdrawal(c, 'submitted', AFTER)).toMatchObject({ ok: false, code: 'WITHDRAWAL_CLOSED' });
    expect(checkWithdrawal(c, 'withdrawn', DURING)).toMatchObject({ ok: false, code: 'NOT_WITHDRAWABLE' });
  });

  test('P-2.6 an address inside the register’s precinct is included; outside it is not', () => {
    const input = { regionCode: '54', precinct: '1', placeOfStayFiled: false };
    expect(
      processApplication(c, { ...input, address: 'г. Новосибирск,  Красный пр-т, д. 5, кв. 1' }),
    ).toEqual({
      status: 'accepted',
    });
    expect(processApplication(c, { ...input, address: 'г. Новосибирск, ул. Ленина, д. 1' })).toMatchObject({
      status: 'rejected',
      reason: 'ADDRESS_OUTSIDE_PRECINCT',
    });
    expect(processApplication(c, { ...input, precinct: '999', address: 'x' })).toMatchObject({
      status: 'rejected',
      reason: 'UNKNOWN_PRECINCT',
    });
  });

  test('P-2.7 the remote-voting application prevails; the place-of-stay one is noted «подано заявление ДЭГ»', () => {
    expect(
      processApplication(c, {
        regionCode: '54',
        precinct: '1',
        address: 'г. Новосибирск, Красный пр-т, 1',
        placeOfStayFiled: true,
      }),
    ).toEqual({ status: 'accepted', unaccountedPlaceOfStay: { note: 'подано заявление ДЭГ' } });
  });
});
