/**
 * Applications to vote remotely (заявление ДЭГ), P-2.1–P-2.8 and the refusal reasons of seed 003.
 *
 * Pure rules over the configuration, the applicant's account data and their application history;
 * storage and the SMS confirmation code (P-2.3) live in the service that calls them.
 *
 * Filing is refused, each with its own message, when (seed 003): the voter is under 18 on the last
 * voting day; the account is not confirmed; the phone is not confirmed; the account's data are not
 * matched to the voter register; the voter's region holds no remote voting; the voter lives in
 * Moscow (its own mode: no application is needed, P-11.2.1); the filing window is closed (P-2.2);
 * an application is already pending or accepted; a place-of-stay application was already filed.
 */

import type { ElectionConfig } from './config.ts';
import { canFile, canWithdraw } from './schedule.ts';

export type RefusalCode =
  | 'UNDER_18'
  | 'ACCOUNT_NOT_CONFIRMED'
  | 'PHONE_NOT_CONFIRMED'
  | 'NOT_MATCHED_TO_REGISTER'
  | 'REGION_WITHOUT_REMOTE_VOTING'
  | 'MOSCOW_NO_APPLICATION_NEEDED'
  | 'FILING_CLOSED'
  | 'APPLICATION_EXISTS'
  | 'PLACE_OF_STAY_FILED';

export interface Message {
  readonly ru: string;
  readonly en: string;
}

export interface Refusal {
  readonly code: RefusalCode;
  readonly message: Message;
}

/** What the identity provider and the register say about the applicant (no name needed to decide). */
export interface Applicant {
  /** YYYY-MM-DD */
  readonly birthDate: string;
  readonly accountConfirmed: boolean;
  readonly phoneConfirmed: boolean;
  readonly registerMatched: boolean;
  /** Region of residence (registration) per the register. */
  readonly regionCode: string;
}

export type ApplicationStatus = 'submitted' | 'accepted' | 'rejected' | 'withdrawn';

export interface ApplicationHistory {
  /** Statuses of the voter's earlier remote-voting applications in this election. */
  readonly applications: readonly ApplicationStatus[];
  /** A place-of-stay application (заявление по месту нахождения) was filed. */
  readonly placeOfStayFiled: boolean;
}

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
const MONTHS_EN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "17 марта 2006 года" / "17 March 2006". */
export function formatDayRu(day: string): Message {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return { ru: `${d} ${MONTHS_GENITIVE[m - 1] ?? ''} ${y} года`, en: `${d} ${MONTHS_EN[m - 1] ?? ''} ${y}` };
}

/**
 * The latest birth date of a voter who is 18 on `day`. A birthday on 29 February falls, in a
 * non-leap year, on 28 February (the last day of that month, Civil Code art. 192).
 */
export function latestBirthDateForAge(day: string, years: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const year = y - years;
  const lastOfMonth = new Date(Date.UTC(year, m, 0)).getUTCDate();
  const dd = Math.min(d, lastOfMonth);
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
}

/** The seed 003 reasons, in the order the portal lists them; every applicable one is returned. */
export function checkFiling(
  config: ElectionConfig,
  applicant: Applicant,
  history: ApplicationHistory,
  now: Date,
): { ok: true } | { ok: false; refusals: Refusal[] } {
  const refusals: Refusal[] = [];
  const refuse = (code: RefusalCode, message: Message): void => {
    refusals.push({ code, message });
  };
  const lastDay = config.schedule.voting.lastDay;
  const latest = latestBirthDateForAge(lastDay, 18);
  if (applicant.birthDate > latest) {
    const born = formatDayRu(latest);
    const on = formatDayRu(lastDay);
    refuse('UNDER_18', {
      ru: `К ${on.ru.replace(/ года$/, '')} вам не исполнится 18 лет: подать заявление могут граждане, родившиеся не позднее ${born.ru}.`,
      en: `You will not be 18 by ${on.en}: citizens born on or before ${born.en} may apply.`,
    });
  }
  if (!applicant.accountConfirmed) {
    refuse('ACCOUNT_NOT_CONFIRMED', {
      ru: 'Учётная запись на портале госуслуг не подтверждена. Подтвердите её и подайте заявление снова.',
      en: 'Your state services account is not confirmed. Confirm it and apply again.',
    });
  }
  if (!applicant.phoneConfirmed) {
    refuse('PHONE_NOT_CONFIRMED', {
      ru: 'Номер телефона в личном кабинете не подтверждён: на него придёт код подтверждения.',
      en: 'The phone number in your account is not confirmed; the confirmation code is sent to it.',
    });
  }
  if (!applicant.registerMatched) {
    refuse('NOT_MATCHED_TO_REGISTER', {
      ru: 'Данные вашего личного кабинета не сопоставлены с регистром избирателей. Проверьте ФИО, паспорт и адрес регистрации; после исправления данных можно подать заявление снова, пока не истёк срок.',
      en: 'Your account data are not matched to the voter register. Check your name, passport and registered address; after correcting them you may apply again while the filing period lasts.',
    });
  }
  const region = config.regions.find((r) => r.code === applicant.regionCode);
  if (region === undefined) {
    refuse('REGION_WITHOUT_REMOTE_VOTING', {
      ru: 'В регионе вашей регистрации дистанционное электронное голосование не проводится. Проголосовать можно на избирательном участке.',
      en: 'Remote electronic voting is not held in the region where you are registered. You can vote at a polling station.',
    });
  } else if (region.mode === 'moscow') {
    refuse('MOSCOW_NO_APPLICATION_NEEDED', {
      ru: 'Вы зарегистрированы в Москве: заявление подавать не нужно. Голосуйте на mos.ru с полной учётной записью.',
      en: 'You are registered in Moscow: no application is needed. Vote on mos.ru with a full account.',
    });
  }
  if (!canFile(config, now)) {
    refuse('FILING_CLOSED', {
      ru: 'Срок подачи заявлений истёк или ещё не начался.',
      en: 'The filing period is over or has not begun.',
    });
  }
  if (history.applications.some((s) => s === 'submitted' || s === 'accepted')) {
    refuse('APPLICATION_EXISTS', {
      ru: 'У вас уже есть заявление на ДЭГ — в обработке или в статусе «Учтено».',
      en: 'You already have a remote-voting application, being processed or accepted.',
    });
  }
  if (history.placeOfStayFiled) {
    refuse('PLACE_OF_STAY_FILED', {
      ru: 'У вас уже подано заявление о голосовании по месту нахождения.',
      en: 'You have already filed an application to vote at your place of stay.',
    });
  }
  return refusals.length === 0 ? { ok: true } : { ok: false, refusals };
}

/** P-2.5: a pending or accepted application may be withdrawn until the deadline. */
export function checkWithdrawal(
  config: ElectionConfig,
  status: ApplicationStatus,
  now: Date,
): { ok: true } | { ok: false; code: 'NOT_WITHDRAWABLE' | 'WITHDRAWAL_CLOSED'; message: Message } {
  if (status !== 'submitted' && status !== 'accepted') {
    return {
      ok: false,
      code: 'NOT_WITHDRAWABLE',
      message: { ru: 'Это заявление нельзя отозвать.', en: 'This application cannot be withdrawn.' },
    };
  }
  if (!canWithdraw(config, now)) {
    return {
      ok: false,
      code: 'WITHDRAWAL_CLOSED',
      message: { ru: 'Срок отзыва заявлений истёк.', en: 'The withdrawal period is over.' },
    };
  }
  return { ok: true };
}

export type ProcessingRejection = 'ADDRESS_OUTSIDE_PRECINCT' | 'UNKNOWN_PRECINCT';

/** Why processing did not include a voter (P-2.6), as the voter's status feed shows it (P-2.8). */
export const PROCESSING_REJECTIONS: Readonly<Record<ProcessingRejection, Message>> = {
  ADDRESS_OUTSIDE_PRECINCT: {
    ru: 'Адрес в заявлении находится вне границ избирательного участка по данным регистра избирателей.',
    en: 'The address in the application lies outside the precinct recorded in the voter register.',
  },
  UNKNOWN_PRECINCT: {
    ru: 'Избирательный участок из регистра не найден.',
    en: 'The precinct recorded in the register was not found.',
  },
};

/**
 * P-2.6: processing. A voter whose address (as in the application) lies inside the precinct the
 * register records for them is included in the list; otherwise not. P-2.7: a place-of-stay
 * application found during processing does not count; it goes to the register of unaccounted
 * applications with the note «подано заявление ДЭГ».
 */
export function processApplication(
  config: ElectionConfig,
  input: { regionCode: string; precinct: string; address: string; placeOfStayFiled: boolean },
):
  | { status: 'accepted'; unaccountedPlaceOfStay?: { note: 'подано заявление ДЭГ' } }
  | { status: 'rejected'; reason: ProcessingRejection; message: Message } {
  const region = config.regions.find((r) => r.code === input.regionCode);
  const precinct = region?.precincts.find((p) => p.number === input.precinct);
  if (precinct === undefined) {
    return {
      status: 'rejected',
      reason: 'UNKNOWN_PRECINCT',
      message: {
        ru: 'Избирательный участок из регистра не найден.',
        en: 'The precinct recorded in the register was not found.',
      },
    };
  }
  const address = normaliseAddress(input.address);
  if (!precinct.addresses.some((a) => address.startsWith(normaliseAddress(a)))) {
    return {
      status: 'rejected',
      reason: 'ADDRESS_OUTSIDE_PRECINCT',
      message: PROCESSING_REJECTIONS.ADDRESS_OUTSIDE_PRECINCT,
    };
  }
  return input.placeOfStayFiled
    ? { status: 'accepted', unaccountedPlaceOfStay: { note: 'подано заявление ДЭГ' } }
    : { status: 'accepted' };
}

/** Case, "ё" and spacing do not make two addresses different. */
export function normaliseAddress(a: string): string {
  return a
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/\s+/g, ' ')
    .replace(/\s*,\s*/g, ', ')
    .trim();
}
