// The rules of the premises for remote voting (P-3.7; seed 004, 3.7), pure functions of the
// configuration: when a region's list is published, and which opening hours a premises may have.
// The hours are the region's local times (P-6.1: each region in its own time zone), on the voting
// days, opening before closing, one entry a day.
import { localToInstant, region, votingWindow, type ElectionConfig, type Message } from '@opendeg/deg';

export interface PremisesHours {
  /** YYYY-MM-DD, a voting day. */
  readonly day: string;
  /** HH:MM local time of the region. */
  readonly opens: string;
  readonly closes: string;
}

/**
 * P-3.7: a region's premises are public from `schedule.premisesPublished`, the start of that day in
 * the region's own time zone (the regional commission publishes them on its site).
 */
export function premisesPublishedFrom(config: ElectionConfig, regionCode: string): Date {
  return localToInstant(`${config.schedule.premisesPublished}T00:00`, region(config, regionCode).timeZone);
}

/** Every voting day of the configuration, YYYY-MM-DD. */
export function votingDays(config: ElectionConfig): string[] {
  const { firstDay, lastDay } = config.schedule.voting;
  const days: string[] = [];
  for (
    let t = Date.parse(`${firstDay}T00:00:00Z`);
    t <= Date.parse(`${lastDay}T00:00:00Z`);
    t += 86_400_000
  ) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

export type HoursProblem = 'NOT_A_VOTING_DAY' | 'DAY_TWICE' | 'CLOSES_BEFORE_OPENS';

export const HOURS_MESSAGES: Readonly<Record<HoursProblem, Message>> = {
  NOT_A_VOTING_DAY: {
    ru: 'Часы работы указываются только для дней голосования.',
    en: 'Opening hours are given for the voting days only.',
  },
  DAY_TWICE: { ru: 'День указан дважды.', en: 'A day appears twice.' },
  CLOSES_BEFORE_OPENS: {
    ru: 'Время закрытия должно быть позже времени открытия.',
    en: 'Closing must come after opening.',
  },
};

/** The first problem of a premises' hours, or undefined when they fit the voting days. */
export function checkHours(
  config: ElectionConfig,
  hours: readonly PremisesHours[],
): HoursProblem | undefined {
  const days = new Set(votingDays(config));
  const seen = new Set<string>();
  for (const h of hours) {
    if (!days.has(h.day)) return 'NOT_A_VOTING_DAY';
    if (seen.has(h.day)) return 'DAY_TWICE';
    seen.add(h.day);
    if (h.opens >= h.closes) return 'CLOSES_BEFORE_OPENS';
  }
  return undefined;
}

/** Premises are entered and changed until the region's voting ends; afterwards they are history. */
export function premisesChangeable(config: ElectionConfig, regionCode: string, now: Date): boolean {
  return now.getTime() < votingWindow(config, regionCode).closes.getTime();
}
