/**
 * Wall-clock times in IANA time zones, without a time-zone library: the Procedure states every
 * deadline as a local time ("20.00 по местному времени", "24.00 по московскому времени"), and the
 * platform must turn them into instants and back for 11 Russian time zones (UTC+2 … UTC+12).
 *
 * A local time is written `YYYY-MM-DDTHH:mm` (24:00 allowed, meaning the end of that day, as the
 * Procedure writes it). Conversion uses Intl's zone data and settles the offset in two steps, which is
 * exact wherever an offset change is not within the hour in question (no Russian zone changes now).
 */

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

export class ZonedTimeError extends Error {
  readonly code = 'BAD_LOCAL_TIME';
}

/** Offset of `tz` from UTC at instant `at`, in minutes (Moscow: +180). */
export function zoneOffsetMinutes(tz: string, at: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const get = (t: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

export function isLocalTime(s: string): boolean {
  const m = LOCAL.exec(s);
  if (m === null) return false;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d));
  const validDate = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
  return validDate && mi < 60 && (h < 24 || (h === 24 && mi === 0));
}

/** The instant at which the wall clock in `tz` shows `local`. */
export function localToInstant(local: string, tz: string): Date {
  const m = LOCAL.exec(local);
  if (m === null || !isLocalTime(local))
    throw new ZonedTimeError(`not a local time YYYY-MM-DDTHH:mm: "${local}"`);
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi); // 24:00 rolls over to the next day, as intended
  let guess = wall - zoneOffsetMinutes(tz, new Date(wall)) * 60_000;
  guess = wall - zoneOffsetMinutes(tz, new Date(guess)) * 60_000;
  return new Date(guess);
}

/** `YYYY-MM-DD` of the instant in `tz`. */
export function localDate(at: Date, tz: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

/** "15.03.2024 08:00" in the zone, the Russian way, with the zone's offset from Moscow ("МСК+9"). */
export function formatLocalRu(at: Date, tz: string): string {
  const text = new Intl.DateTimeFormat('ru-RU', {
    timeZone: tz,
    hourCycle: 'h23',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  })
    .format(at)
    .replace(',', '');
  const fromMoscow = (zoneOffsetMinutes(tz, at) - zoneOffsetMinutes('Europe/Moscow', at)) / 60;
  const msk = fromMoscow === 0 ? 'МСК' : `МСК${fromMoscow > 0 ? '+' : '−'}${Math.abs(fromMoscow)}`;
  return `${text} (${msk})`;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
