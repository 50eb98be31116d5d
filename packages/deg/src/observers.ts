/**
 * Observers (P-10.4, P-10.5, P-10.9).
 *
 * Commission observers: a registered candidate or their proxy appoints at most three, in total per
 * candidate; their list (Appendix 7: full name, date of birth, address, passport) reaches the
 * commission by the deadline. Portal observers: a party that nominated a candidate, its regional
 * branches, a candidate, the candidate's proxies, and regional public chambers appoint at most three
 * each, with confirmed accounts, within the appointment window.
 */

import type { Message } from './applications.ts';
import type { ElectionConfig } from './config.ts';
import { portalObserverWindow } from './schedule.ts';
import { localToInstant } from './zoned-time.ts';

export const MAX_OBSERVERS_PER_APPOINTER = 3;

export type ObserverRefusal =
  'LIMIT_REACHED' | 'OUTSIDE_WINDOW' | 'ACCOUNT_NOT_CONFIRMED' | 'ALREADY_APPOINTED';

export const OBSERVER_MESSAGES: Readonly<Record<ObserverRefusal, Message>> = {
  LIMIT_REACHED: {
    ru: 'Назначено уже три наблюдателя: больше назначить нельзя.',
    en: 'Three observers are already appointed: no more may be.',
  },
  OUTSIDE_WINDOW: {
    ru: 'Срок назначения наблюдателей истёк или не начался.',
    en: 'The appointment period is over or has not begun.',
  },
  ACCOUNT_NOT_CONFIRMED: {
    ru: 'Наблюдатель на портале должен иметь подтверждённую учётную запись.',
    en: 'A portal observer needs a confirmed account.',
  },
  ALREADY_APPOINTED: { ru: 'Этот наблюдатель уже назначен.', en: 'This observer is already appointed.' },
};

/** P-10.4: for commission observers the appointer is the candidate (a proxy appoints in the candidate's name). */
export function appointCommissionObserver(
  config: ElectionConfig,
  existingForCandidate: readonly string[],
  observerId: string,
  now: Date,
): { ok: true } | { ok: false; code: ObserverRefusal; message: Message } {
  const until = localToInstant(
    `${config.schedule.observers.commissionListUntil}T24:00`,
    config.schedule.referenceTimeZone,
  );
  return check([
    [existingForCandidate.includes(observerId), 'ALREADY_APPOINTED'],
    [existingForCandidate.length >= MAX_OBSERVERS_PER_APPOINTER, 'LIMIT_REACHED'],
    [now.getTime() >= until.getTime(), 'OUTSIDE_WINDOW'],
  ]);
}

export type PortalAppointer =
  | { readonly kind: 'party'; readonly id: string }
  | { readonly kind: 'party-branch'; readonly id: string; readonly region: string }
  | { readonly kind: 'candidate'; readonly id: string }
  | { readonly kind: 'proxy'; readonly id: string }
  | { readonly kind: 'public-chamber'; readonly region: string };

/** Each appointer counts on its own (a party and each of its branches: three each). */
export function appointerKey(a: PortalAppointer): string {
  switch (a.kind) {
    case 'party-branch':
      return `party-branch:${a.id}:${a.region}`;
    case 'public-chamber':
      return `public-chamber:${a.region}`;
    default:
      return `${a.kind}:${a.id}`;
  }
}

/** P-10.9: portal observers, three per appointer, confirmed accounts, within the window. */
export function appointPortalObserver(
  config: ElectionConfig,
  existingForAppointer: readonly string[],
  observer: { readonly accountId: string; readonly accountConfirmed: boolean },
  now: Date,
): { ok: true } | { ok: false; code: ObserverRefusal; message: Message } {
  const w = portalObserverWindow(config);
  return check([
    [existingForAppointer.includes(observer.accountId), 'ALREADY_APPOINTED'],
    [existingForAppointer.length >= MAX_OBSERVERS_PER_APPOINTER, 'LIMIT_REACHED'],
    [!observer.accountConfirmed, 'ACCOUNT_NOT_CONFIRMED'],
    [now.getTime() < w.opens.getTime() || now.getTime() >= w.closes.getTime(), 'OUTSIDE_WINDOW'],
  ]);
}

function check(
  rules: readonly (readonly [boolean, ObserverRefusal])[],
): { ok: true } | { ok: false; code: ObserverRefusal; message: Message } {
  const hit = rules.find(([failed]) => failed);
  return hit === undefined ? { ok: true } : { ok: false, code: hit[1], message: OBSERVER_MESSAGES[hit[1]] };
}
