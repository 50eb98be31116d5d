/**
 * The commission's protocol of the results of remote electronic voting (протокол ТИК ДЭГ об итогах
 * ДЭГ), P-7.9 and P-7.10, Appendix 4: per region, line 1 the participants on the list at the end of
 * voting, line 2 the ballots to which access was granted, line 3 the ballots with which participants
 * took part, line 4 the invalid ballots, lines 5… the votes for each registered candidate in ballot
 * order. A region without applications is not shown (P-7.9). The protocol is signed by every present
 * member; for a member who cannot sign, the chairman records the reason (P-7.9). A region's results
 * may be declared invalid, and the protocol then carries the mark (P-7.10).
 *
 * The numbers come from the frozen lists (lines 1, 2), the ballot box (line 3) and the decryption
 * (line 4 and the candidates); here they are checked against each other before anything is signed.
 */

import type { Message } from './applications.ts';
import type { BallotSource } from './ballot-source.ts';

/** What the close of voting established for one region. */
export interface RegionResults {
  readonly region: string;
  /** Applications filed in the region (P-7.9: none → the region is not shown). */
  readonly applications: number;
  /** Line 1: on the list at the end of voting (P-7.3). */
  readonly onList: number;
  /** Line 2: ballots to which access was granted (P-7.3). */
  readonly issued: number;
  /** Line 3: ballots cast (counted ballots in the ledger). */
  readonly cast: number;
  /** Line 4: invalid ballots (a blank ballot is invalid). */
  readonly invalid: number;
  /** Votes per candidate id. */
  readonly votes: Readonly<Record<string, number>>;
}

export interface ProtocolLine {
  /** Line number of Appendix 4. */
  readonly line: number;
  readonly label: Message;
  /** For a candidate's line: the candidate's id and full name as on the ballot. */
  readonly candidate?: { readonly id: string; readonly name: string };
  readonly value: number;
}

/** P-7.10: the commission's decision that a region's results are invalid. */
export interface Invalidation {
  readonly decision: string;
  readonly reason: string;
  readonly at: string;
}

export interface RegionProtocol {
  readonly region: string;
  readonly lines: readonly ProtocolLine[];
  readonly invalidated?: Invalidation;
}

export type ProtocolErrorCode =
  | 'NEGATIVE_COUNT'
  | 'CAST_EXCEEDS_ISSUED'
  | 'INVALID_EXCEEDS_CAST'
  | 'VOTES_DO_NOT_ADD_UP'
  | 'UNKNOWN_CANDIDATE'
  | 'MISSING_CANDIDATE'
  | 'UNKNOWN_REGION'
  | 'DUPLICATE_REGION'
  | 'ALREADY_INVALIDATED'
  | 'UNSIGNED_MEMBER'
  | 'NOT_PRESENT';

export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;
  /** The Russian and English message, for the API's error body. */
  readonly messages: Message;
  readonly region: string | undefined;
  constructor(code: ProtocolErrorCode, message: Message, region?: string) {
    super(`${message.ru} / ${message.en}`);
    this.name = 'ProtocolError';
    this.code = code;
    this.messages = message;
    this.region = region;
  }
}

const PROTOCOL_MESSAGES_RU: Readonly<Record<ProtocolErrorCode, string>> = {
  NEGATIVE_COUNT: 'Число в протоколе не может быть отрицательным или дробным',
  CAST_EXCEEDS_ISSUED: 'Бюллетеней, по которым проголосовали, больше, чем выдано (строка 3 > строки 2)',
  INVALID_EXCEEDS_CAST: 'Недействительных бюллетеней больше, чем проголосовавших (строка 4 > строки 3)',
  VOTES_DO_NOT_ADD_UP:
    'Сумма голосов за кандидатов и недействительных бюллетеней не равна числу проголосовавших',
  UNKNOWN_CANDIDATE: 'Голоса за кандидата, которого нет в бюллетене',
  MISSING_CANDIDATE: 'Нет числа голосов за кандидата из бюллетеня',
  UNKNOWN_REGION: 'Субъект не указан в конфигурации выборов',
  DUPLICATE_REGION: 'Итоги по субъекту указаны дважды',
  ALREADY_INVALIDATED: 'Итоги по субъекту уже признаны недействительными',
  UNSIGNED_MEMBER: 'Присутствующий член комиссии не подписал протокол, и причина не записана',
  NOT_PRESENT: 'Подписывать протокол могут только присутствующие члены комиссии',
};

/** Appendix 4's wording of lines 1–4 and of the candidates' lines. */
export const PROTOCOL_LABELS = {
  onList: {
    ru: 'Число участников дистанционного электронного голосования, включенных в список участников дистанционного электронного голосования на момент окончания голосования',
    en: 'Participants on the list at the end of voting',
  },
  issued: {
    ru: 'Число электронных бюллетеней, доступ к которым предоставлен участникам дистанционного электронного голосования',
    en: 'Electronic ballots to which participants were given access',
  },
  cast: {
    ru: 'Число электронных бюллетеней, по которым участники дистанционного электронного голосования приняли участие в голосовании',
    en: 'Electronic ballots with which participants took part in the voting',
  },
  invalid: { ru: 'Число недействительных электронных бюллетеней', en: 'Invalid electronic ballots' },
  candidate: {
    ru: 'Число голосов участников дистанционного электронного голосования, поданных за зарегистрированного кандидата',
    en: 'Votes cast for the registered candidate',
  },
} as const satisfies Record<string, Message>;

const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

function fail(code: ProtocolErrorCode, en: string, region?: string): never {
  throw new ProtocolError(code, { ru: PROTOCOL_MESSAGES_RU[code], en }, region);
}

/** The numbers of one region's protocol, as the control relations read them. */
export type ProtocolCounts = Pick<
  RegionResults,
  'region' | 'onList' | 'issued' | 'cast' | 'invalid' | 'votes'
>;

/**
 * Appendix 4's control relations (P-7.9), checked before anything is signed: whole counts ≥ 0,
 * line 3 ≤ line 2, line 4 ≤ line 3, votes only for the ballot's candidates and for every one of them,
 * and the candidates' votes plus line 4 make up line 3 (one mark on every valid ballot). Throws a
 * ProtocolError naming the first relation that fails; the documents package maps these codes onto
 * its own form errors, so there is one rule for the server, the forms and the observers.
 */
export function checkControlRelations(
  candidates: readonly { readonly id: string }[],
  r: ProtocolCounts,
): void {
  const counts = [r.onList, r.issued, r.cast, r.invalid, ...Object.values(r.votes)];
  if (!counts.every(isCount))
    fail('NEGATIVE_COUNT', `${r.region}: every count is a whole number ≥ 0`, r.region);
  if (r.cast > r.issued) fail('CAST_EXCEEDS_ISSUED', `${r.region}: line 3 > line 2`, r.region);
  if (r.invalid > r.cast) fail('INVALID_EXCEEDS_CAST', `${r.region}: line 4 > line 3`, r.region);
  const ids = new Set(candidates.map((c) => c.id));
  for (const id of Object.keys(r.votes)) {
    if (!ids.has(id))
      fail('UNKNOWN_CANDIDATE', `${r.region}: votes for "${id}", not on the ballot`, r.region);
  }
  let valid = 0;
  for (const c of candidates) {
    const value = r.votes[c.id];
    if (value === undefined) fail('MISSING_CANDIDATE', `${r.region}: no count for "${c.id}"`, r.region);
    valid += value;
  }
  if (valid + r.invalid !== r.cast) {
    fail(
      'VOTES_DO_NOT_ADD_UP',
      `${r.region}: ${valid} votes + ${r.invalid} invalid ≠ ${r.cast} cast`,
      r.region,
    );
  }
}

/** Checks one region's numbers against each other and builds its Appendix 4 lines. */
export function regionProtocol(ballot: BallotSource, r: RegionResults): RegionProtocol {
  checkControlRelations(ballot.candidates, r);
  const candidateLines: ProtocolLine[] = ballot.candidates.map((c, i) => ({
    line: 5 + i,
    label: PROTOCOL_LABELS.candidate,
    candidate: { id: c.id, name: c.name },
    value: r.votes[c.id] as number,
  }));
  return {
    region: r.region,
    lines: [
      { line: 1, label: PROTOCOL_LABELS.onList, value: r.onList },
      { line: 2, label: PROTOCOL_LABELS.issued, value: r.issued },
      { line: 3, label: PROTOCOL_LABELS.cast, value: r.cast },
      { line: 4, label: PROTOCOL_LABELS.invalid, value: r.invalid },
      ...candidateLines,
    ],
  };
}

/**
 * P-7.9: the protocol's regions in the configuration's order, each checked; a region without
 * applications is left out.
 */
export function compileProtocol(
  regionOrder: readonly string[],
  ballot: BallotSource,
  results: readonly RegionResults[],
): RegionProtocol[] {
  const byRegion = new Map<string, RegionResults>();
  for (const r of results) {
    if (!regionOrder.includes(r.region))
      fail('UNKNOWN_REGION', `region "${r.region}" is not configured`, r.region);
    if (byRegion.has(r.region)) fail('DUPLICATE_REGION', `region "${r.region}" given twice`, r.region);
    byRegion.set(r.region, r);
  }
  return regionOrder.flatMap((code) => {
    const r = byRegion.get(code);
    return r === undefined || r.applications === 0 ? [] : [regionProtocol(ballot, r)];
  });
}

/** P-7.10: marks a region's protocol as invalidated by the commission's decision. */
export function invalidateRegion(p: RegionProtocol, inv: Invalidation): RegionProtocol {
  if (p.invalidated !== undefined)
    fail('ALREADY_INVALIDATED', `${p.region} is already invalidated`, p.region);
  return { ...p, invalidated: inv };
}

/** P-8.4: the regions whose results go on to the regional commissions. */
export const regionsHandedOver = (protocol: readonly RegionProtocol[]): RegionProtocol[] =>
  protocol.filter((p) => p.invalidated === undefined);

/** A present member's signature, or the reason the chairman recorded for its absence. */
export type MemberSignOff =
  | { readonly memberId: string; readonly signed: true }
  | { readonly memberId: string; readonly signed: false; readonly reason: string };

/**
 * P-7.9: the protocol is complete when every present member signed or has a recorded reason; a
 * sign-off by someone not present is refused. Returns the sign-offs in the order of `present`.
 */
export function completeSignOffs(
  present: readonly string[],
  signOffs: readonly MemberSignOff[],
): MemberSignOff[] {
  const byMember = new Map(signOffs.map((s) => [s.memberId, s]));
  for (const s of signOffs) {
    if (!present.includes(s.memberId)) fail('NOT_PRESENT', `${s.memberId} was not present`);
  }
  return present.map((id) => {
    const s = byMember.get(id);
    if (s === undefined || (!s.signed && s.reason.trim() === '')) {
      fail('UNSIGNED_MEMBER', `${id} neither signed nor has a recorded reason`);
    }
    return s;
  });
}
