/**
 * Numbers in words, in Russian, as the figures of a protocol are written twice: «в цифрах» and
 * «прописью» (Appendix 4, P-7.9; Appendix 5, P-8.2). Cardinal numerals in the nominative case, units
 * masculine (один, два), thousands feminine (одна тысяча, две тысячи), with the plural forms of
 * тысяча, миллион and миллиард that agree with the number before them.
 */

const UNITS_MASCULINE = ['', 'один', 'два', 'три', 'четыре', 'пять', 'шесть', 'семь', 'восемь', 'девять'];
const UNITS_FEMININE = ['', 'одна', 'две', 'три', 'четыре', 'пять', 'шесть', 'семь', 'восемь', 'девять'];
const TEENS = [
  'десять',
  'одиннадцать',
  'двенадцать',
  'тринадцать',
  'четырнадцать',
  'пятнадцать',
  'шестнадцать',
  'семнадцать',
  'восемнадцать',
  'девятнадцать',
];
const TENS = [
  '',
  '',
  'двадцать',
  'тридцать',
  'сорок',
  'пятьдесят',
  'шестьдесят',
  'семьдесят',
  'восемьдесят',
  'девяносто',
];
const HUNDREDS = [
  '',
  'сто',
  'двести',
  'триста',
  'четыреста',
  'пятьсот',
  'шестьсот',
  'семьсот',
  'восемьсот',
  'девятьсот',
];

/** The largest number written: the counts of a national run stay far below it. */
export const MAX_NUMBER_IN_WORDS = 999_999_999_999;

/**
 * The form of a noun that agrees with `n` (1 участник, 2 участника, 5 участников; 11–14 take the
 * third form).
 */
export function pluralRu(n: number, forms: readonly [one: string, few: string, many: string]): string {
  const mod100 = Math.abs(n) % 100;
  const mod10 = mod100 % 10;
  if (mod100 >= 11 && mod100 <= 14) return forms[2];
  if (mod10 === 1) return forms[0];
  if (mod10 >= 2 && mod10 <= 4) return forms[1];
  return forms[2];
}

function triad(n: number, feminine: boolean): string[] {
  const words: string[] = [];
  const h = Math.floor(n / 100);
  const rest = n % 100;
  if (h > 0) words.push(HUNDREDS[h] as string);
  if (rest >= 10 && rest <= 19) {
    words.push(TEENS[rest - 10] as string);
  } else {
    const t = Math.floor(rest / 10);
    const u = rest % 10;
    if (t > 0) words.push(TENS[t] as string);
    if (u > 0) words.push((feminine ? UNITS_FEMININE : UNITS_MASCULINE)[u] as string);
  }
  return words;
}

const SCALES: readonly {
  readonly value: number;
  readonly feminine: boolean;
  readonly forms: readonly [string, string, string];
}[] = [
  { value: 1_000_000_000, feminine: false, forms: ['миллиард', 'миллиарда', 'миллиардов'] },
  { value: 1_000_000, feminine: false, forms: ['миллион', 'миллиона', 'миллионов'] },
  { value: 1_000, feminine: true, forms: ['тысяча', 'тысячи', 'тысяч'] },
];

/** `n` in words: 0 → «ноль», 1 234 → «одна тысяча двести тридцать четыре». */
export function numberToRussianWords(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_NUMBER_IN_WORDS) {
    throw new RangeError(`numberToRussianWords: an integer from 0 to ${MAX_NUMBER_IN_WORDS}, got ${n}`);
  }
  if (n === 0) return 'ноль';
  const words: string[] = [];
  let rest = n;
  for (const scale of SCALES) {
    const count = Math.floor(rest / scale.value);
    rest %= scale.value;
    if (count === 0) continue;
    words.push(...triad(count, scale.feminine), pluralRu(count, scale.forms));
  }
  words.push(...triad(rest, false));
  return words.join(' ');
}
