/**
 * Dates, times, names and phone numbers written the way the Procedure's forms write them: dates as
 * «17 марта 2024 г.», a protocol's moment as «"17" марта 2024 года в 20 часов 15 минут» (Appendix 4),
 * each in the region's own IANA time zone with its offset from Moscow («МСК+2»), surnames with
 * initials («Иванова-Петрова А.Ё.») under the signatures, mobile numbers as «+7 (900) 123-45-67»
 * (Appendix 2).
 */

import { zoneOffsetMinutes } from '@opendeg/deg';
import { pluralRu } from './number-words.ts';

const MONTHS_GENITIVE = [
  'января',
  'февраля',
  'марта',
  'апреля',
  'мая',
  'июня',
  'июля',
  'августа',
  'сентября',
  'октября',
  'ноября',
  'декабря',
];

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayParts(day: string): [number, number, number] {
  const m = DAY.exec(day);
  if (m === null) throw new RangeError(`not a day YYYY-MM-DD: "${day}"`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) throw new RangeError(`not a day YYYY-MM-DD: "${day}"`);
  return [y, mo, d];
}

/** `2024-03-17` → «17 марта 2024 г.» */
export function formatDayRu(day: string): string {
  const [y, m, d] = dayParts(day);
  return `${d} ${MONTHS_GENITIVE[m - 1] as string} ${y} г.`;
}

/** The wall clock of `at` in `tz`: day `YYYY-MM-DD`, hour and minute. */
export function wallClock(at: Date, tz: string): { day: string; hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(at);
  const get = (t: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === t)?.value ?? '';
  return {
    day: `${get('year')}-${get('month')}-${get('day')}`,
    hour: Number(get('hour')),
    minute: Number(get('minute')),
  };
}

/** «МСК», «МСК+2», «МСК−1»: the zone's offset from Moscow time at `at`. */
export function mskOffset(at: Date, tz: string): string {
  const hours = (zoneOffsetMinutes(tz, at) - zoneOffsetMinutes('Europe/Moscow', at)) / 60;
  if (hours === 0) return 'МСК';
  return `МСК${hours > 0 ? '+' : '−'}${Math.abs(hours)}`;
}

const two = (n: number): string => String(n).padStart(2, '0');

/** «17 марта 2024 г., 20:15 (МСК+2)» in the zone `tz`. */
export function formatInstantRu(at: Date, tz: string): string {
  const w = wallClock(at, tz);
  return `${formatDayRu(w.day)}, ${two(w.hour)}:${two(w.minute)} (${mskOffset(at, tz)})`;
}

/** Appendix 4's last line: «"17" марта 2024 года в 20 часов 15 минут (МСК+2)». */
export function formatProtocolMomentRu(at: Date, tz: string): string {
  const w = wallClock(at, tz);
  const [y, m, d] = dayParts(w.day);
  const hours = `${w.hour} ${pluralRu(w.hour, ['час', 'часа', 'часов'])}`;
  const minutes = `${two(w.minute)} ${pluralRu(w.minute, ['минута', 'минуты', 'минут'])}`;
  return `«${two(d)}» ${MONTHS_GENITIVE[m - 1] as string} ${y} года в ${hours} ${minutes} (${mskOffset(at, tz)})`;
}

/** «Иванова-Петрова Алёна Ёсифовна» → «Иванова-Петрова А.Ё.» (фамилия, инициалы). */
export function surnameWithInitials(fullName: string): string {
  const [surname, ...given] = fullName.trim().split(/\s+/u);
  if (surname === undefined || surname === '') return '';
  const initials = given
    .filter((g) => g !== '')
    .map((g) => `${g.charAt(0).toLocaleUpperCase('ru')}.`)
    .join('');
  return initials === '' ? surname : `${surname} ${initials}`;
}

/** `+79001234567` → «+7 (900) 123-45-67»; a number in another shape is shown as it was recorded. */
export function formatPhoneRu(phone: string): string {
  const m = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(phone.replace(/[\s()-]/g, ''));
  return m === null ? phone : `+7 (${m[1] as string}) ${m[2] as string}-${m[3] as string}-${m[4] as string}`;
}

/** `1990-04-12` → «12.04.1990»; an already Russian date is kept. */
export function formatBirthDateRu(date: string): string {
  if (/^\d{2}\.\d{2}\.\d{4}$/.test(date)) return date;
  const [y, m, d] = dayParts(date);
  return `${two(d)}.${two(m)}.${y}`;
}

/** 1234567 → «1 234 567» with no-break spaces, as figures are grouped in Russian. */
export function formatCountRu(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
}
