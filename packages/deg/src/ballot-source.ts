/**
 * The ballot's source data (исходные данные для формирования электронного бюллетеня), P-4.1–P-4.5.
 *
 * The CEC's ballot form and text, with the candidates, arrive with the list data (P-4.2). Until
 * voting starts — the first region to open, Kamchatka before Kaliningrad — updated source data may
 * be loaded when a candidate withdraws or is deregistered (P-4.3); from the start the ballot never
 * changes. Regions may show it in the state languages of a republic (P-4.1).
 */

import type { Message } from './applications.ts';
import type { ElectionConfig } from './config.ts';
import { votingWindow } from './schedule.ts';

export interface Candidate {
  readonly id: string;
  /** Full name as on the paper ballot, Russian. */
  readonly name: string;
  /** The ballot's candidate information (year of birth, occupation, nomination …). */
  readonly info: string;
  /** Translations by language code, where a region decided so (P-4.1). */
  readonly translations?: Readonly<Record<string, { readonly name: string; readonly info: string }>>;
}

export interface BallotSource {
  readonly version: number;
  readonly title: string;
  /** The filling rules printed on the ballot. */
  readonly instructions: string;
  readonly candidates: readonly Candidate[];
}

export type BallotUpdateRefusal = 'BALLOT_FIXED' | 'BAD_VERSION' | 'NO_CANDIDATES' | 'DUPLICATE_CANDIDATE';

export const BALLOT_MESSAGES: Readonly<Record<BallotUpdateRefusal, Message>> = {
  BALLOT_FIXED: {
    ru: 'Голосование началось: электронный бюллетень больше не изменяется.',
    en: 'Voting has started: the ballot no longer changes.',
  },
  BAD_VERSION: {
    ru: 'Уточнённые данные должны иметь следующую версию.',
    en: 'Updated data must carry the next version.',
  },
  NO_CANDIDATES: { ru: 'В бюллетене нет кандидатов.', en: 'The ballot has no candidates.' },
  DUPLICATE_CANDIDATE: { ru: 'Кандидат указан дважды.', en: 'A candidate appears twice.' },
};

/** The moment the ballot becomes fixed: the earliest opening among the election's regions. */
export function votingStarts(config: ElectionConfig): Date {
  return new Date(Math.min(...config.regions.map((r) => votingWindow(config, r.code).opens.getTime())));
}

/** P-4.3: accept updated source data before the start; refuse every change after it. */
export function acceptBallotUpdate(
  config: ElectionConfig,
  current: BallotSource | undefined,
  next: BallotSource,
  now: Date,
): { ok: true; ballot: BallotSource } | { ok: false; code: BallotUpdateRefusal; message: Message } {
  const refuse = (code: BallotUpdateRefusal): { ok: false; code: BallotUpdateRefusal; message: Message } => ({
    ok: false,
    code,
    message: BALLOT_MESSAGES[code],
  });
  if (now.getTime() >= votingStarts(config).getTime()) return refuse('BALLOT_FIXED');
  if (next.version !== (current?.version ?? 0) + 1) return refuse('BAD_VERSION');
  if (next.candidates.length === 0) return refuse('NO_CANDIDATES');
  if (new Set(next.candidates.map((c) => c.id)).size !== next.candidates.length)
    return refuse('DUPLICATE_CANDIDATE');
  return { ok: true, ballot: next };
}

/** P-4.1: the ballot as shown in a region's language, Russian where no translation exists. */
export function localizeBallot(
  b: BallotSource,
  language: string,
): { name: string; info: string; id: string }[] {
  return b.candidates.map((c) => ({
    id: c.id,
    ...(c.translations?.[language] ?? { name: c.name, info: c.info }),
  }));
}
