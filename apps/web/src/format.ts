// Dates and numbers as a Russian reader expects them (ДД.ММ.ГГГГ ЧЧ:ММ, spaces between thousands),
// always in a stated time zone: the region's own (P-6.1) or Moscow time for the filing window (P-2.2).
import type { Lang } from './i18n.tsx';

export const MOSCOW = 'Europe/Moscow';

function parts(iso: string | Date, timeZone: string): Record<string, string> {
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  return Object.fromEntries(fmt.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
}

/** "10.08.2026 12:00" in the given zone. */
export function formatDateTime(iso: string | Date, timeZone: string): string {
  const p = parts(iso, timeZone);
  return `${p.day}.${p.month}.${p.year} ${p.hour}:${p.minute}`;
}

/** "10.08.2026" in the given zone; a plain `YYYY-MM-DD` date is shown as it is. */
export function formatDate(iso: string, timeZone: string = MOSCOW): string {
  const plain = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (plain) return `${plain[3]}.${plain[2]}.${plain[1]}`;
  const p = parts(iso, timeZone);
  return `${p.day}.${p.month}.${p.year}`;
}

/** The zone named for a reader: "время Москвы" for Moscow, else the IANA name. */
export function zoneLabel(timeZone: string, lang: Lang): string {
  if (timeZone === MOSCOW) return lang === 'ru' ? 'время московское' : 'Moscow time';
  return lang === 'ru' ? `местное время, ${timeZone}` : `local time, ${timeZone}`;
}

export function formatNumber(n: number, lang: Lang): string {
  return new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-GB').format(n);
}

export function formatPercent(fraction: number, lang: Lang): string {
  return new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', {
    style: 'percent',
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(fraction);
}
