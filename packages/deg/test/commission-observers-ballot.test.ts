// The commission (P-1.4, P-5.4, P-5.6), observers (P-10.4, P-10.5, P-10.9) and the ballot's source
// data (P-4.1, P-4.3).
import { describe, expect, test } from 'vitest';
import { presidentialConfig } from './fixture.ts';
import { acceptBallotUpdate, localizeBallot, votingStarts } from '../src/ballot-source.ts';
import type { BallotSource } from '../src/ballot-source.ts';
import { CommissionError, decideKeyParts, electOfficers, termEnds } from '../src/commission.ts';
import { appointCommissionObserver, appointerKey, appointPortalObserver } from '../src/observers.ts';

const c = presidentialConfig();
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof CommissionError ? e.code : 'other';
  }
  return undefined;
};
const votes = (n: number): { for: number; against: number } => ({ for: n, against: 12 - n });
const at = new Date('2024-03-01T10:00:00Z');

describe('the commission', () => {
  test('P-1.4 deputy and secretary elected from the members by secret ballot at the first meeting', () => {
    const e = {
      meeting: 1,
      deputy: { memberId: 'm02', votes: votes(9) },
      secretary: { memberId: 'm03', votes: votes(7) },
      at,
    };
    expect(electOfficers(c, e)).toEqual(e);
    expect(codeOf(() => electOfficers(c, { ...e, meeting: 2 }))).toBe('NOT_FIRST_MEETING');
    expect(codeOf(() => electOfficers(c, { ...e, secretary: { memberId: 'm02', votes: votes(8) } }))).toBe(
      'SAME_PERSON',
    );
    expect(codeOf(() => electOfficers(c, { ...e, deputy: { memberId: 'm01', votes: votes(8) } }))).toBe(
      'CHAIRMAN_NOT_ELIGIBLE',
    );
    expect(codeOf(() => electOfficers(c, { ...e, deputy: { memberId: 'x', votes: votes(8) } }))).toBe(
      'NOT_A_MEMBER',
    );
    // 6 of 12 is not a majority of the established number.
    expect(codeOf(() => electOfficers(c, { ...e, secretary: { memberId: 'm03', votes: votes(6) } }))).toBe(
      'NO_MAJORITY',
    );
    expect(
      codeOf(() =>
        electOfficers(c, { ...e, secretary: { memberId: 'm03', votes: { for: 10, against: 5 } } }),
      ),
    ).toBe('BAD_VOTE_COUNT');
  });

  test('P-5.4 P-5.6 the commission decides N, K and the holders, before the ceremony', () => {
    const ceremony = new Date('2024-03-14T15:00:00Z');
    const d = { n: 5, k: 3, holders: ['m01', 'm02', 'm04', 'm05', 'm07'], votes: votes(10), at };
    expect(decideKeyParts(d, ceremony).holders).toHaveLength(5);
    expect(codeOf(() => decideKeyParts({ ...d, k: 6 }, ceremony))).toBe('BAD_KEY_PARTS');
    expect(codeOf(() => decideKeyParts({ ...d, k: 1 }, ceremony))).toBe('BAD_KEY_PARTS');
    expect(
      codeOf(() => decideKeyParts({ ...d, holders: ['m01', 'm01', 'm02', 'm04', 'm05'] }, ceremony)),
    ).toBe('BAD_HOLDERS');
    expect(codeOf(() => decideKeyParts({ ...d, holders: d.holders.slice(1) }, ceremony))).toBe('BAD_HOLDERS');
    expect(codeOf(() => decideKeyParts({ ...d, at: new Date(ceremony.getTime() + 1) }, ceremony))).toBe(
      'AFTER_DEADLINE',
    );
  });

  test('P-1.4 the term ends ten days after publication, or the day after an appeal decision is carried out', () => {
    const published = new Date('2024-03-21T00:00:00Z');
    expect(termEnds(published).toISOString()).toBe('2024-03-31T00:00:00.000Z');
    expect(termEnds(published, new Date('2024-04-20T00:00:00Z')).toISOString()).toBe(
      '2024-04-21T00:00:00.000Z',
    );
  });
});

describe('observers', () => {
  test('P-10.4 P-10.5 at most three commission observers per candidate, by the list deadline', () => {
    const before = new Date('2024-03-10T10:00:00Z');
    expect(appointCommissionObserver(c, ['o1', 'o2'], 'o3', before)).toEqual({ ok: true });
    expect(appointCommissionObserver(c, ['o1', 'o2', 'o3'], 'o4', before)).toMatchObject({
      ok: false,
      code: 'LIMIT_REACHED',
    });
    expect(appointCommissionObserver(c, ['o1'], 'o1', before)).toMatchObject({
      ok: false,
      code: 'ALREADY_APPOINTED',
    });
    // The list is due by the end of 11 March, Moscow time.
    expect(appointCommissionObserver(c, [], 'o1', new Date('2024-03-11T20:59:00Z'))).toEqual({ ok: true });
    expect(appointCommissionObserver(c, [], 'o1', new Date('2024-03-11T21:00:00Z'))).toMatchObject({
      code: 'OUTSIDE_WINDOW',
    });
  });

  test('P-10.9 three portal observers per appointer, confirmed accounts, within 4–11 March', () => {
    const during = new Date('2024-03-05T10:00:00Z');
    const ok = { accountId: 'a', accountConfirmed: true };
    expect(appointPortalObserver(c, [], ok, during)).toEqual({ ok: true });
    expect(appointPortalObserver(c, ['x', 'y', 'z'], ok, during)).toMatchObject({ code: 'LIMIT_REACHED' });
    expect(appointPortalObserver(c, [], { ...ok, accountConfirmed: false }, during)).toMatchObject({
      code: 'ACCOUNT_NOT_CONFIRMED',
    });
    expect(appointPortalObserver(c, [], ok, new Date('2024-03-03T20:59:00Z'))).toMatchObject({
      code: 'OUTSIDE_WINDOW',
    });
    // A party and each of its regional branches are separate appointers, three each.
    expect(appointerKey({ kind: 'party', id: 'p1' })).not.toBe(
      appointerKey({ kind: 'party-branch', id: 'p1', region: '54' }),
    );
    expect(appointerKey({ kind: 'party-branch', id: 'p1', region: '54' })).not.toBe(
      appointerKey({ kind: 'party-branch', id: 'p1', region: '16' }),
    );
  });
});

describe('the ballot’s source data', () => {
  const v1: BallotSource = {
    version: 1,
    title: 'Выборы Президента Российской Федерации',
    instructions: 'Поставьте любой знак в пустом квадрате справа от фамилии только одного кандидата',
    candidates: [
      {
        id: 'a',
        name: 'Кандидатов Андрей',
        info: '1970 года рождения',
        translations: { tt: { name: 'Кандидатов Андрей', info: '1970 елда туган' } },
      },
      { id: 'b', name: 'Кандидатова Белла', info: '1975 года рождения' },
    ],
  };

  test('P-4.3 updated data until voting starts in the first region (Kamchatka), refused afterwards', () => {
    expect(votingStarts(c).toISOString()).toBe('2024-03-14T20:00:00.000Z');
    const withdrawn = { ...v1, version: 2, candidates: v1.candidates.slice(1) };
    expect(acceptBallotUpdate(c, v1, withdrawn, new Date('2024-03-14T19:59:59Z'))).toMatchObject({
      ok: true,
    });
    expect(acceptBallotUpdate(c, v1, withdrawn, new Date('2024-03-14T20:00:00Z'))).toMatchObject({
      ok: false,
      code: 'BALLOT_FIXED',
    });
    expect(acceptBallotUpdate(c, v1, { ...withdrawn, version: 3 }, at)).toMatchObject({
      code: 'BAD_VERSION',
    });
    expect(acceptBallotUpdate(c, v1, { ...withdrawn, candidates: [] }, at)).toMatchObject({
      code: 'NO_CANDIDATES',
    });
    expect(acceptBallotUpdate(c, undefined, v1, at)).toMatchObject({ ok: true });
  });

  test('P-4.1 a republic’s language where a translation exists, Russian otherwise', () => {
    expect(localizeBallot(v1, 'tt').map((x) => x.info)).toEqual(['1970 елда туган', '1975 года рождения']);
    expect(localizeBallot(v1, 'ru').map((x) => x.info)).toEqual(['1970 года рождения', '1975 года рождения']);
  });
});
