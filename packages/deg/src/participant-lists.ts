/**
 * Participant lists (списки участников ДЭГ), P-3.3–P-3.9 and P-7.2–P-7.4, with the rows of
 * Appendix 1 (the list), Appendix 2 (an excluded participant, struck through with the reason) and
 * Appendix 3 (the per-precinct register of voters to remove from their home precinct's list).
 *
 * One list per region. After compilation nobody is added (P-3.3); participants are excluded only on
 * the grounds of P-3.4 and only until voting ends; ballot access marks the row with the passport series
 * and number (P-3.8); at the end the chairman freezes the list and its counts (P-7.2–P-7.3), after which
 * it never changes (P-7.4). Rows hold personal data: they are for the commission's screens and signed
 * documents, never for logs or the ledger.
 */

import type { Message } from './applications.ts';

/** P-3.4: the grounds for excluding a participant. */
export type ExclusionReason = 'LOST_SUFFRAGE' | 'VOTED_EARLY' | 'CONDITIONS_NOT_MET';

/** Appendix 2 wording of each ground. */
export const EXCLUSION_TEXT: Readonly<Record<ExclusionReason, Message>> = {
  LOST_SUFFRAGE: { ru: 'Утратил активное избирательное право', en: 'Lost active suffrage' },
  VOTED_EARLY: { ru: 'Проголосовал досрочно', en: 'Voted early' },
  CONDITIONS_NOT_MET: {
    ru: 'Перестал соответствовать условиям участия в дистанционном электронном голосовании',
    en: 'No longer meets the conditions for remote voting',
  },
};

export interface Participant {
  /** Opaque identifier (never the passport or account id in clear elsewhere). */
  readonly id: string;
  readonly lastName: string;
  readonly firstName: string;
  readonly middleName?: string;
  /** YYYY-MM-DD */
  readonly birthDate: string;
  readonly address: string;
  readonly phone: string;
  readonly passport: { readonly series: string; readonly number: string };
  /** Home precinct (УИК) number. */
  readonly precinct: string;
}

export interface Exclusion {
  readonly reason: ExclusionReason;
  /** The official document it rests on (P-3.4), e.g. "решение суда № …". */
  readonly document: string;
  readonly at: Date;
}

export type ListErrorCode =
  | 'LIST_COMPILED'
  | 'LIST_FROZEN'
  | 'NOT_ON_LIST'
  | 'DUPLICATE_PARTICIPANT'
  | 'ALREADY_EXCLUDED'
  | 'EXCLUDED'
  | 'ALREADY_ISSUED'
  | 'VOTING_ENDED';

export class ListError extends Error {
  readonly code: ListErrorCode;
  constructor(code: ListErrorCode, message: Message) {
    super(`${message.ru} / ${message.en}`);
    this.name = 'ListError';
    this.code = code;
  }
}

/** A row of Appendix 1 (and, struck through, Appendix 2). */
export interface ListRow {
  readonly n: number;
  readonly participantId: string;
  readonly fullName: string;
  /** DD.MM.YYYY */
  readonly birthDate: string;
  readonly address: string;
  readonly phone: string;
  /** P-3.8: passport series and number once ballot access was granted; empty before. */
  readonly ballotAccess: string;
  /** «Особые отметки»: the exclusion ground. */
  readonly notes: string;
  /** Appendix 2: an excluded participant's row is shown struck through. */
  readonly struck: boolean;
}

/** The counts of P-3.9 (displays) and P-7.3 (the final list). */
export interface ListCounts {
  /** Participants on the list (excluded ones not counted). */
  readonly onList: number;
  /** Ballots to which access was granted. */
  readonly ballotsIssued: number;
}

const collator = new Intl.Collator('ru', { sensitivity: 'base', numeric: true });

export function fullName(p: Participant): string {
  return [p.lastName, p.firstName, p.middleName].filter((x) => x !== undefined && x !== '').join(' ');
}

/** Alphabetical order of Appendices 1–3: surname, name, patronymic, then date of birth. */
export function compareParticipants(a: Participant, b: Participant): number {
  return (
    collator.compare(a.lastName, b.lastName) ||
    collator.compare(a.firstName, b.firstName) ||
    collator.compare(a.middleName ?? '', b.middleName ?? '') ||
    a.birthDate.localeCompare(b.birthDate) ||
    a.id.localeCompare(b.id)
  );
}

const dmy = (d: string): string => d.split('-').reverse().join('.');

/**
 * Each letter of U+0041–U+017F and U+0400–U+052F (those names may hold, and a few Latin ones
 * packages/db refuses) onto one letter of its class of equals under `collator` (base strength): the
 * case pairs, ё = е, ӑ = а, ӗ = е, ӳ = у, ї = і, but not ә, ғ, ҡ, ң, ө, ҫ, ү, which are letters of
 * their own. Taken from the collator itself, not written out, so that search treats as equal exactly
 * what the order treats as equal; packages/db's key table is checked against the same collator.
 */
let baseLetters: ReadonlyMap<string, string> | undefined;

function baseLetterTable(): ReadonlyMap<string, string> {
  if (baseLetters !== undefined) return baseLetters;
  const letters: string[] = [];
  for (const [from, to] of [
    [0x41, 0x17f],
    [0x400, 0x52f],
  ] as const) {
    for (let cp = from; cp <= to; cp++) {
      const c = String.fromCodePoint(cp);
      if (/^\p{L}$/u.test(c)) letters.push(c);
    }
  }
  letters.sort((a, b) => collator.compare(a, b) || a.localeCompare(b));
  const table = new Map<string, string>();
  let base: string | undefined;
  for (const c of letters) {
    if (base === undefined || collator.compare(base, c) !== 0) base = c;
    table.set(c, base);
  }
  baseLetters = table;
  return table;
}

/** Search folding: every letter onto its base letter, anything else lower case. */
export function foldForSearch(s: string): string {
  const table = baseLetterTable();
  let out = '';
  for (const c of s) out += table.get(c) ?? c.toLocaleLowerCase('ru');
  return out;
}

interface Entry {
  readonly participant: Participant;
  exclusion?: Exclusion;
  ballotAccessAt?: Date;
}

export class ParticipantList {
  readonly region: string;
  readonly compiledAt: Date;
  readonly #entries = new Map<string, Entry>();
  #sorted: Entry[];
  #final: { at: Date; counts: ListCounts } | undefined;

  private constructor(region: string, compiledAt: Date, participants: readonly Participant[]) {
    this.region = region;
    this.compiledAt = compiledAt;
    for (const p of participants) {
      if (this.#entries.has(p.id)) {
        throw new ListError('DUPLICATE_PARTICIPANT', {
          ru: `Участник ${p.id} включён дважды`,
          en: `Participant ${p.id} is included twice`,
        });
      }
      this.#entries.set(p.id, { participant: p });
    }
    this.#sorted = [...this.#entries.values()].sort((a, b) =>
      compareParticipants(a.participant, b.participant),
    );
  }

  /** P-3.2: one list per region, compiled from the loaded list data. */
  static compile(region: string, participants: readonly Participant[], at: Date): ParticipantList {
    return new ParticipantList(region, at, participants);
  }

  /** P-3.3: after compilation nobody is added. */
  add(_p: Participant): never {
    throw new ListError('LIST_COMPILED', {
      ru: 'Список составлен: включение новых участников не допускается',
      en: 'The list is compiled: nobody may be added',
    });
  }

  get final(): { at: Date; counts: ListCounts } | undefined {
    return this.#final;
  }

  #entry(id: string): Entry {
    const e = this.#entries.get(id);
    if (e === undefined)
      throw new ListError('NOT_ON_LIST', { ru: 'Участника нет в списке', en: 'Not on the list' });
    return e;
  }

  #assertOpen(): void {
    if (this.#final !== undefined) {
      throw new ListError('LIST_FROZEN', {
        ru: 'Список на момент окончания голосования сформирован и больше не изменяется',
        en: 'The final list has been made and no longer changes',
      });
    }
  }

  /** P-3.4: exclusion on an official document, until voting ends (`votingEnds` of the region). */
  exclude(id: string, reason: ExclusionReason, document: string, now: Date, votingEnds: Date): void {
    this.#assertOpen();
    if (now.getTime() >= votingEnds.getTime()) {
      throw new ListError('VOTING_ENDED', { ru: 'Голосование окончено', en: 'Voting has ended' });
    }
    const e = this.#entry(id);
    if (e.exclusion !== undefined) {
      throw new ListError('ALREADY_EXCLUDED', { ru: 'Участник уже исключён', en: 'Already excluded' });
    }
    if (document.trim() === '') throw new TypeError('an exclusion rests on a document');
    e.exclusion = { reason, document, at: now };
  }

  isIncluded(id: string): boolean {
    const e = this.#entries.get(id);
    return e !== undefined && e.exclusion === undefined;
  }

  /** P-3.8, P-6.5: ballot access for an included participant, once. */
  grantBallotAccess(id: string, now: Date): void {
    this.#assertOpen();
    const e = this.#entry(id);
    if (e.exclusion !== undefined) {
      throw new ListError('EXCLUDED', {
        ru: 'Участник исключён из списка',
        en: 'The participant was excluded',
      });
    }
    if (e.ballotAccessAt !== undefined) {
      throw new ListError('ALREADY_ISSUED', {
        ru: 'Доступ к электронному бюллетеню уже предоставлен',
        en: 'Ballot access was already granted',
      });
    }
    e.ballotAccessAt = now;
  }

  /** P-3.9: the counts shown on the commission room's displays. */
  counts(): ListCounts {
    let onList = 0;
    let ballotsIssued = 0;
    for (const e of this.#entries.values()) {
      if (e.exclusion === undefined) onList++;
      if (e.ballotAccessAt !== undefined) ballotsIssued++;
    }
    return { onList, ballotsIssued };
  }

  /** P-7.2–P-7.4: the list as of the end of voting; it never changes afterwards. */
  freeze(at: Date): ListCounts {
    this.#assertOpen();
    const counts = this.counts();
    this.#final = { at, counts };
    return counts;
  }

  /** Appendix 1/2 rows, alphabetical (P-3.5), excluded rows struck through with the ground. */
  rows(): ListRow[] {
    return this.#sorted.map((e, i) => {
      const p = e.participant;
      return {
        n: i + 1,
        participantId: p.id,
        fullName: fullName(p),
        birthDate: dmy(p.birthDate),
        address: p.address,
        phone: p.phone,
        ballotAccess: e.ballotAccessAt === undefined ? '' : `${p.passport.series} ${p.passport.number}`,
        notes: e.exclusion === undefined ? '' : EXCLUSION_TEXT[e.exclusion.reason].ru,
        struck: e.exclusion !== undefined,
      };
    });
  }

  /**
   * Search by the beginning of the surname (or "surname name"), a page at a time (P-3.3 viewing):
   * letters the alphabetical order holds equal (case, ё and е, ӑ and а) match each other.
   */
  search(query: string, page: number, pageSize: number): { total: number; rows: ListRow[] } {
    const q = foldForSearch(query.trim());
    const all = this.rows().filter((r) => foldForSearch(r.fullName).startsWith(q));
    return { total: all.length, rows: all.slice(page * pageSize, (page + 1) * pageSize) };
  }

  /**
   * Appendix 3 (P-3.6): per home precinct, the participants to remove from its list of voters,
   * alphabetical, numbered from 1 in each register.
   */
  precinctRegisters(): Map<
    string,
    { n: number; fullName: string; birthDate: string; address: string; note: string }[]
  > {
    const out = new Map<
      string,
      { n: number; fullName: string; birthDate: string; address: string; note: string }[]
    >();
    for (const e of this.#sorted) {
      const p = e.participant;
      const rows = out.get(p.precinct) ?? [];
      rows.push({
        n: rows.length + 1,
        fullName: fullName(p),
        birthDate: dmy(p.birthDate),
        address: p.address,
        note: '',
      });
      out.set(p.precinct, rows);
    }
    return new Map([...out].sort(([a], [b]) => collator.compare(a, b)));
  }
}
