/**
 * The commission (ТИК ДЭГ), P-1.4, and its decisions that the platform acts on (P-5.4, P-5.6).
 *
 * 12 members with a deciding vote; the chairman is appointed by the CEC; the deputy chairman and the
 * secretary are elected from among the members by secret ballot at the first meeting. A decision
 * needs a majority of the established number of members. The term ends ten days after the official
 * publication of the results, or, if they are appealed, the day after the higher commission's or the
 * court's decision is carried out.
 */

import type { Message } from './applications.ts';
import type { ElectionConfig } from './config.ts';
import { COMMISSION_SIZE } from './config.ts';

export type CommissionErrorCode =
  | 'NOT_A_MEMBER'
  | 'NOT_FIRST_MEETING'
  | 'CHAIRMAN_NOT_ELIGIBLE'
  | 'SAME_PERSON'
  | 'NO_MAJORITY'
  | 'BAD_VOTE_COUNT'
  | 'BAD_KEY_PARTS'
  | 'BAD_HOLDERS'
  | 'AFTER_DEADLINE';

export class CommissionError extends Error {
  readonly code: CommissionErrorCode;
  constructor(code: CommissionErrorCode, message: Message) {
    super(`${message.ru} / ${message.en}`);
    this.name = 'CommissionError';
    this.code = code;
  }
}

/** Votes of a secret ballot, as counted by the counting committee. */
export interface BallotCount {
  readonly for: number;
  readonly against: number;
}

/** A majority of the established number of members: 7 of 12. */
export const MAJORITY = Math.floor(COMMISSION_SIZE / 2) + 1;

export interface OfficersElection {
  readonly meeting: number;
  readonly deputy: { readonly memberId: string; readonly votes: BallotCount };
  readonly secretary: { readonly memberId: string; readonly votes: BallotCount };
  readonly at: Date;
}

export interface KeyPartsDecision {
  /** Number of parts N (P-5.4). */
  readonly n: number;
  /** Minimum number of parts K that reassemble the key (P-5.4). */
  readonly k: number;
  /** The persons each part goes to, part i to holders[i − 1] (P-5.6); members or others the commission names. */
  readonly holders: readonly string[];
  readonly votes: BallotCount;
  readonly at: Date;
}

function checkCount(v: BallotCount, present = COMMISSION_SIZE): void {
  if (
    !Number.isInteger(v.for) ||
    !Number.isInteger(v.against) ||
    v.for < 0 ||
    v.against < 0 ||
    v.for + v.against > present
  ) {
    throw new CommissionError('BAD_VOTE_COUNT', { ru: 'Неверный подсчёт голосов', en: 'Invalid vote count' });
  }
  if (v.for < MAJORITY) {
    throw new CommissionError('NO_MAJORITY', {
      ru: `Решение не принято: нужно не менее ${MAJORITY} голосов «за»`,
      en: `Not adopted: at least ${MAJORITY} votes in favour are needed`,
    });
  }
}

/** P-1.4: the deputy and the secretary, elected from among the members by secret ballot at the first meeting. */
export function electOfficers(config: ElectionConfig, e: OfficersElection): OfficersElection {
  if (e.meeting !== 1) {
    throw new CommissionError('NOT_FIRST_MEETING', {
      ru: 'Заместитель председателя и секретарь избираются на первом заседании',
      en: 'The deputy chairman and the secretary are elected at the first meeting',
    });
  }
  for (const [who, id] of [
    ['deputy', e.deputy.memberId],
    ['secretary', e.secretary.memberId],
  ] as const) {
    const m = config.commission.members.find((x) => x.id === id);
    if (m === undefined) {
      throw new CommissionError('NOT_A_MEMBER', {
        ru: `${id} не член комиссии`,
        en: `${id} is not a member (${who})`,
      });
    }
    if (m.role === 'chairman') {
      throw new CommissionError('CHAIRMAN_NOT_ELIGIBLE', {
        ru: 'Председатель назначается ЦИК России и не избирается на другую должность',
        en: 'The chairman is appointed by the CEC and is not elected to another office',
      });
    }
  }
  if (e.deputy.memberId === e.secretary.memberId) {
    throw new CommissionError('SAME_PERSON', {
      ru: 'Заместитель председателя и секретарь — разные члены комиссии',
      en: 'The deputy chairman and the secretary are different members',
    });
  }
  checkCount(e.deputy.votes);
  checkCount(e.secretary.votes);
  return e;
}

/** P-5.4, P-5.6: the number of key parts, the threshold and the holders, before the key ceremony. */
export function decideKeyParts(d: KeyPartsDecision, ceremonyAt: Date): KeyPartsDecision {
  if (!(Number.isInteger(d.n) && Number.isInteger(d.k) && d.k >= 1 && d.k <= d.n && d.n <= 255)) {
    throw new CommissionError('BAD_KEY_PARTS', {
      ru: 'Число частей и минимальное число частей: 1 ≤ K ≤ N ≤ 255',
      en: 'Parts and threshold must satisfy 1 ≤ K ≤ N ≤ 255',
    });
  }
  if (d.k === 1 && d.n > 1) {
    throw new CommissionError('BAD_KEY_PARTS', {
      ru: 'При K = 1 любой держатель один восстановит ключ: выберите K не менее 2',
      en: 'With K = 1 any single holder rebuilds the key: choose K of at least 2',
    });
  }
  const holders = d.holders.map((h) => h.trim());
  if (holders.length !== d.n || holders.some((h) => h === '') || new Set(holders).size !== holders.length) {
    throw new CommissionError('BAD_HOLDERS', {
      ru: 'Каждая часть передаётся своему лицу: нужно N разных держателей',
      en: 'Each part goes to its own person: N distinct holders are needed',
    });
  }
  if (d.at.getTime() > ceremonyAt.getTime()) {
    throw new CommissionError('AFTER_DEADLINE', {
      ru: 'Решение принимается до формирования ключей',
      en: 'The decision is taken before the keys are generated',
    });
  }
  checkCount(d.votes);
  return { ...d, holders };
}

/** P-1.4: the end of the commission's term. */
export function termEnds(publishedOn: Date, appealDecisionCarriedOutOn?: Date): Date {
  if (appealDecisionCarriedOutOn !== undefined) {
    return new Date(appealDecisionCarriedOutOn.getTime() + 24 * 3600_000);
  }
  return new Date(publishedOn.getTime() + 10 * 24 * 3600_000);
}
