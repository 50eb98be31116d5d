/**
 * Storage and destruction of the election's documents and data, P-9 (seed 004 §9).
 *
 * - P-9.1 Minutes and decisions stay with the commission until its term ends, then go to the CEC
 *   (which appraises them for the archive): handed over, never destroyed by the platform.
 * - P-9.2 List data, ballot source data, the encryption and decryption keys, the ledger's chains of
 *   blocks and the list copies stay with the commission until its term ends, then with the CEC, for
 *   one year from the day the results were officially published; then they are destroyed by act.
 * - P-9.3 Destruction only after the retention period, by act.
 * - P-9.4 Data on the members' workstations are wiped irrecoverably by the operator no later than
 *   three working days after the end of the term.
 *
 * A period "in years" ends on the same date of the last year (Civil Code art. 192 §3; a 29 February
 * start ends on 28 February), so destruction may happen from the next day, in the reference zone.
 */

import type { Message } from './applications.ts';
import { localDate, localToInstant } from './zoned-time.ts';

/** What P-9.2 lists, and the P-9.1 documents. */
export const RETAINED_ITEMS = [
  'minutes-and-decisions',
  'list-data',
  'ballot-source',
  'keys',
  'ledger',
  'list-copies',
] as const;
export type RetainedItem = (typeof RETAINED_ITEMS)[number];

export const RETAINED_ITEM_TITLES: Readonly<Record<RetainedItem, Message>> = {
  'minutes-and-decisions': {
    ru: 'Протоколы заседаний, решения ТИК ДЭГ и приложенные к ним документы',
    en: 'Minutes and decisions of the commission with their attachments',
  },
  'list-data': {
    ru: 'Данные для составления списков участников ДЭГ, сформированные средствами ГАС «Выборы»',
    en: 'List data produced by GAS Vybory',
  },
  'ballot-source': {
    ru: 'Исходные данные для формирования электронных бюллетеней',
    en: 'Ballot source data',
  },
  keys: { ru: 'Ключ зашифрования и ключ расшифрования', en: 'The encryption and decryption keys' },
  ledger: {
    ru: 'Цепочки блоков информации из распределённой базы данных ПТК ДЭГ',
    en: "The ledger's chains of blocks",
  },
  'list-copies': {
    ru: 'Электронные копии списков участников ДЭГ, сформированные средствами ПТК ДЭГ',
    en: 'Electronic copies of the participant lists',
  },
};

export interface RetentionPolicy {
  /** P-9.2: years from the official publication of the results. */
  readonly years: number;
  /** P-9.4: working days after the end of the term for wiping the workstations. */
  readonly wipeWorkingDays: number;
  /** Non-working days besides Saturdays and Sundays (YYYY-MM-DD, the reference zone's calendar). */
  readonly holidays: readonly string[];
  /** Working days that fall on a Saturday or Sunday (transferred working days). */
  readonly workingWeekends: readonly string[];
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  years: 1,
  wipeWorkingDays: 3,
  holidays: [],
  workingWeekends: [],
};

export interface RetentionEntry {
  readonly item: RetainedItem;
  /** Until then the commission keeps it and gives access (P-9.2 last paragraph). */
  readonly commissionUntil: Date;
  /** P-9.1: handed to the CEC for appraisal and archive; P-9.2: destroyed by act from this moment. */
  readonly disposal:
    | { readonly kind: 'hand-over'; readonly at: Date }
    | { readonly kind: 'destroy'; readonly notBefore: Date };
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDay(day: string): { y: number; m: number; d: number } {
  const m = DAY.exec(day);
  if (m === null) throw new RangeError(`not a day: ${day}`);
  return { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
}

const formatDay = (t: Date): string => t.toISOString().slice(0, 10);

/** The day after `day` plus `years` years, the Civil Code way (29 Feb + 1 y ends on 28 Feb). */
function dayAfterYears(day: string, years: number): string {
  const { y, m, d } = parseDay(day);
  const lastOfMonth = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
  const end = new Date(Date.UTC(y + years, m - 1, Math.min(d, lastOfMonth)));
  end.setUTCDate(end.getUTCDate() + 1);
  return formatDay(end);
}

/** Whether `day` is a working day under the policy's calendar. */
export function isWorkingDay(day: string, policy: RetentionPolicy = DEFAULT_RETENTION): boolean {
  const { y, m, d } = parseDay(day);
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  if (policy.workingWeekends.includes(day)) return true;
  return weekday !== 0 && weekday !== 6 && !policy.holidays.includes(day);
}

/** The `n`-th working day after `day` (the day itself not counted). */
export function addWorkingDays(day: string, n: number, policy: RetentionPolicy = DEFAULT_RETENTION): string {
  const { y, m, d } = parseDay(day);
  const t = new Date(Date.UTC(y, m - 1, d));
  for (let left = n; left > 0;) {
    t.setUTCDate(t.getUTCDate() + 1);
    if (isWorkingDay(formatDay(t), policy)) left--;
  }
  return formatDay(t);
}

/**
 * P-9.1, P-9.2: who keeps each item until when, and when it is handed over or may be destroyed.
 * `publishedAt` is the official publication of the results, `termEnds` the end of the commission's
 * term (commission.ts termEnds), `zone` the reference time zone of the configuration.
 */
export function retentionSchedule(
  publishedAt: Date,
  termEnds: Date,
  zone: string,
  policy: RetentionPolicy = DEFAULT_RETENTION,
): RetentionEntry[] {
  const destroyFrom = localToInstant(
    `${dayAfterYears(localDate(publishedAt, zone), policy.years)}T00:00`,
    zone,
  );
  return RETAINED_ITEMS.map((item) =>
    item === 'minutes-and-decisions'
      ? { item, commissionUntil: termEnds, disposal: { kind: 'hand-over', at: termEnds } }
      : {
          item,
          commissionUntil: termEnds,
          disposal: {
            kind: 'destroy',
            notBefore: new Date(Math.max(destroyFrom.getTime(), termEnds.getTime())),
          },
        },
  );
}

/** P-9.4: the end of the last day on which the workstations must have been wiped. */
export function workstationWipeDue(
  termEnds: Date,
  zone: string,
  policy: RetentionPolicy = DEFAULT_RETENTION,
): Date {
  return localToInstant(
    `${addWorkingDays(localDate(termEnds, zone), policy.wipeWorkingDays, policy)}T24:00`,
    zone,
  );
}

/** A destruction act (акт об уничтожении), P-9.2–P-9.3: what, when, by whom, how. */
export interface DestructionAct {
  readonly number: string;
  readonly items: readonly RetainedItem[];
  readonly destroyedAt: Date;
  /** Those who carried it out and signed the act (names or member ids; never empty). */
  readonly by: readonly string[];
  /** How, e.g. «перезапись носителя», «физическое уничтожение носителя». */
  readonly method: string;
}

export type RetentionErrorCode = 'RETENTION_NOT_OVER' | 'NOT_DESTROYABLE' | 'ALREADY_DESTROYED' | 'BAD_ACT';

export const RETENTION_MESSAGES: Readonly<Record<RetentionErrorCode, Message>> = {
  RETENTION_NOT_OVER: {
    ru: 'Срок хранения ещё не истёк: уничтожение не допускается',
    en: 'The retention period is not over: destruction is not allowed',
  },
  NOT_DESTROYABLE: {
    ru: 'Протоколы заседаний и решения ТИК ДЭГ передаются в ЦИК России, а не уничтожаются',
    en: 'Minutes and decisions go to the CEC; they are not destroyed',
  },
  ALREADY_DESTROYED: {
    ru: 'Эти данные уже уничтожены по акту',
    en: 'These data were already destroyed by an act',
  },
  BAD_ACT: {
    ru: 'В акте должны быть номер, перечень данных, способ и подписавшие лица',
    en: 'An act needs a number, the items, the method and who carried it out',
  },
};

export type ActCheck =
  { ok: true } | { ok: false; code: RetentionErrorCode; item?: RetainedItem; message: Message };

/** P-9.3: an act is accepted only after every item's retention period, each item destroyed once. */
export function checkDestructionAct(
  act: DestructionAct,
  schedule: readonly RetentionEntry[],
  alreadyDestroyed: ReadonlySet<RetainedItem>,
): ActCheck {
  const refuse = (code: RetentionErrorCode, item?: RetainedItem): ActCheck => ({
    ok: false,
    code,
    ...(item === undefined ? {} : { item }),
    message: RETENTION_MESSAGES[code],
  });
  if (
    act.number.trim() === '' ||
    act.items.length === 0 ||
    new Set(act.items).size !== act.items.length ||
    act.method.trim() === '' ||
    act.by.length === 0 ||
    act.by.some((b) => b.trim() === '')
  ) {
    return refuse('BAD_ACT');
  }
  for (const item of act.items) {
    const entry = schedule.find((e) => e.item === item);
    if (entry === undefined) return refuse('BAD_ACT', item);
    if (entry.disposal.kind !== 'destroy') return refuse('NOT_DESTROYABLE', item);
    if (act.destroyedAt.getTime() < entry.disposal.notBefore.getTime())
      return refuse('RETENTION_NOT_OVER', item);
    if (alreadyDestroyed.has(item)) return refuse('ALREADY_DESTROYED', item);
  }
  return { ok: true };
}
