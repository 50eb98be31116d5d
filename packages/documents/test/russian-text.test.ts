// Dates in each region's own time zone and the other written forms of the Procedure's documents.
import { describe, expect, test } from 'vitest';
import {
  formatBirthDateRu,
  formatCountRu,
  formatDayRu,
  formatInstantRu,
  formatPhoneRu,
  formatProtocolMomentRu,
  mskOffset,
  surnameWithInitials,
} from '../src/russian-text.ts';

describe('dates and times', () => {
  test('a day as the forms write it', () => {
    expect(formatDayRu('2024-03-17')).toBe('17 марта 2024 г.');
    expect(formatDayRu('2024-01-01')).toBe('1 января 2024 г.');
    expect(() => formatDayRu('17.03.2024')).toThrow(RangeError);
    expect(() => formatDayRu('2024-13-01')).toThrow(RangeError);
  });

  test('an instant in the region’s own zone with its offset from Moscow', () => {
    const closes = new Date('2024-03-17T17:00:00Z'); // 20:00 in Moscow
    expect(formatInstantRu(closes, 'Europe/Moscow')).toBe('17 марта 2024 г., 20:00 (МСК)');
    expect(formatInstantRu(closes, 'Europe/Kaliningrad')).toBe('17 марта 2024 г., 19:00 (МСК−1)');
    expect(formatInstantRu(closes, 'Asia/Kamchatka')).toBe('18 марта 2024 г., 05:00 (МСК+9)');
    expect(mskOffset(closes, 'Asia/Novosibirsk')).toBe('МСК+4');
  });

  test('the protocol’s moment with hours and minutes in agreement', () => {
    const tz = 'Europe/Moscow';
    expect(formatProtocolMomentRu(new Date('2024-03-17T18:15:00Z'), tz)).toBe(
      '«17» марта 2024 года в 21 час 15 минут (МСК)',
    );
    expect(formatProtocolMomentRu(new Date('2024-03-17T19:03:00Z'), tz)).toBe(
      '«17» марта 2024 года в 22 часа 03 минуты (МСК)',
    );
    expect(formatProtocolMomentRu(new Date('2024-03-17T17:01:00Z'), tz)).toBe(
      '«17» марта 2024 года в 20 часов 01 минута (МСК)',
    );
    expect(formatProtocolMomentRu(new Date('2024-03-17T17:01:00Z'), 'Europe/Kaliningrad')).toBe(
      '«17» марта 2024 года в 19 часов 01 минута (МСК−1)',
    );
  });
});

describe('names, phones, counts', () => {
  test('surname and initials, hyphens and Ё kept', () => {
    expect(surnameWithInitials('Иванова-Петрова Алёна Ёсифовна')).toBe('Иванова-Петрова А.Ё.');
    expect(surnameWithInitials('  Гарифуллин   Ильдар ')).toBe('Гарифуллин И.');
    expect(surnameWithInitials('Ёлкин')).toBe('Ёлкин');
    expect(surnameWithInitials('')).toBe('');
  });

  test('mobile numbers as Appendix 2 shows them; others as recorded', () => {
    expect(formatPhoneRu('+79001234567')).toBe('+7 (900) 123-45-67');
    expect(formatPhoneRu('+7 (900) 123-45-67')).toBe('+7 (900) 123-45-67');
    expect(formatPhoneRu('89001234567')).toBe('89001234567');
    expect(formatPhoneRu('+7900123456')).toBe('+7900123456');
  });

  test('dates of birth and grouped figures', () => {
    expect(formatBirthDateRu('1988-02-29')).toBe('29.02.1988');
    expect(formatBirthDateRu('29.02.1988')).toBe('29.02.1988');
    expect(() => formatBirthDateRu('1988/02/29')).toThrow(RangeError);
    expect(formatCountRu(1_234_567)).toBe('1\u00a0234\u00a0567');
    expect(formatCountRu(999)).toBe('999');
  });
});
