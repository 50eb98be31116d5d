// The protocol of the results (P-7.9, P-7.10, P-8.4) and storage and destruction (P-9).
import { describe, expect, test } from 'vitest';
import type { BallotSource } from '../src/ballot-source.ts';
import {
  compileProtocol,
  completeSignOffs,
  invalidateRegion,
  ProtocolError,
  regionProtocol,
  regionsHandedOver,
  type RegionResults,
} from '../src/protocol.ts';
import {
  addWorkingDays,
  checkDestructionAct,
  isWorkingDay,
  retentionSchedule,
  workstationWipeDue,
  type DestructionAct,
  type RetainedItem,
} from '../src/retention.ts';

const ballot: BallotSource = {
  version: 1,
  title: 'Выборы Президента Российской Федерации',
  instructions: 'Поставьте любой знак в пустом квадрате справа от фамилии только одного кандидата.',
  candidates: [
    { id: 'c1', name: 'Даванков Владислав Андреевич', info: '' },
    { id: 'c2', name: 'Путин Владимир Владимирович', info: '' },
    { id: 'c3', name: 'Слуцкий Леонид Эдуардович', info: '' },
    { id: 'c4', name: 'Харитонов Николай Михайлович', info: '' },
  ],
};

const results = (region: string, over: Partial<RegionResults> = {}): RegionResults => ({
  region,
  applications: 120,
  onList: 118,
  issued: 100,
  cast: 97,
  invalid: 2,
  votes: { c1: 10, c2: 70, c3: 5, c4: 10 },
  ...over,
});

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof ProtocolError ? e.code : 'other';
  }
  return undefined;
};

describe('the protocol of the results', () => {
  test('P-7.9 lines 1–4 then one line per candidate in ballot order, with the Appendix 4 wording', () => {
    const p = regionProtocol(ballot, results('54'));
    expect(p.lines.map((l) => [l.line, l.value])).toEqual([
      [1, 118],
      [2, 100],
      [3, 97],
      [4, 2],
      [5, 10],
      [6, 70],
      [7, 5],
      [8, 10],
    ]);
    expect(p.lines[0]?.label.ru).toMatch(
      /^Число участников дистанционного электронного голосования, включенных/,
    );
    expect(p.lines[3]?.label.ru).toBe('Число недействительных электронных бюллетеней');
    expect(p.lines[5]?.candidate).toEqual({ id: 'c2', name: 'Путин Владимир Владимирович' });
  });

  test('P-7.9 the numbers are checked against each other before anyone signs', () => {
    expect(codeOf(() => regionProtocol(ballot, results('54', { cast: 101 })))).toBe('CAST_EXCEEDS_ISSUED');
    expect(codeOf(() => regionProtocol(ballot, results('54', { invalid: 98 })))).toBe('INVALID_EXCEEDS_CAST');
    expect(codeOf(() => regionProtocol(ballot, results('54', { invalid: 3 })))).toBe('VOTES_DO_NOT_ADD_UP');
    expect(codeOf(() => regionProtocol(ballot, results('54', { votes: { c1: 10, c2: 70, c3: 5 } })))).toBe(
      'MISSING_CANDIDATE',
    );
    expect(
      codeOf(() =>
        regionProtocol(ballot, results('54', { votes: { c1: 10, c2: 70, c3: 5, c4: 10, c9: 0 } })),
      ),
    ).toBe('UNKNOWN_CANDIDATE');
    expect(codeOf(() => regionProtocol(ballot, results('54', { onList: -1 })))).toBe('NEGATIVE_COUNT');
    expect(codeOf(() => regionProtocol(ballot, results('54', { issued: 1.5 })))).toBe('NEGATIVE_COUNT');
  });

  test('P-7.9 a region without applications is not shown; the order is the configuration’s', () => {
    const p = compileProtocol(['39', '41', '54'], ballot, [
      results('54'),
      results('39', {
        applications: 0,
        onList: 0,
        issued: 0,
        cast: 0,
        invalid: 0,
        votes: { c1: 0, c2: 0, c3: 0, c4: 0 },
      }),
      results('41'),
    ]);
    expect(p.map((r) => r.region)).toEqual(['41', '54']);
    expect(codeOf(() => compileProtocol(['54'], ballot, [results('77')]))).toBe('UNKNOWN_REGION');
    expect(codeOf(() => compileProtocol(['54'], ballot, [results('54'), results('54')]))).toBe(
      'DUPLICATE_REGION',
    );
  });

  test('P-7.10 P-8.4 an invalidated region is marked and not handed over', () => {
    const [a, b] = compileProtocol(['41', '54'], ballot, [results('41'), results('54')]) as [
      ReturnType<typeof regionProtocol>,
      ReturnType<typeof regionProtocol>,
    ];
    const inv = {
      decision: '15/47',
      reason: 'Нарушения не позволяют достоверно определить результаты',
      at: '2024-03-18',
    };
    const marked = invalidateRegion(b, inv);
    expect(marked.invalidated).toEqual(inv);
    expect(marked.lines).toEqual(b.lines);
    expect(regionsHandedOver([a, marked]).map((r) => r.region)).toEqual(['41']);
    expect(codeOf(() => invalidateRegion(marked, inv))).toBe('ALREADY_INVALIDATED');
  });

  test('P-7.9 every present member signs, or the chairman records why not', () => {
    const present = ['m01', 'm02', 'm03'];
    const ok = completeSignOffs(present, [
      { memberId: 'm03', signed: true },
      { memberId: 'm01', signed: true },
      { memberId: 'm02', signed: false, reason: 'Сбой средства электронной подписи' },
    ]);
    expect(ok.map((s) => s.memberId)).toEqual(present);
    expect(codeOf(() => completeSignOffs(present, [{ memberId: 'm01', signed: true }]))).toBe(
      'UNSIGNED_MEMBER',
    );
    expect(
      codeOf(() =>
        completeSignOffs(present, [
          { memberId: 'm01', signed: true },
          { memberId: 'm02', signed: false, reason: '  ' },
          { memberId: 'm03', signed: true },
        ]),
      ),
    ).toBe('UNSIGNED_MEMBER');
    expect(
      codeOf(() =>
        completeSignOffs(present, [
          ...present.map((m) => ({ memberId: m, signed: true as const })),
          { memberId: 'm09', signed: true },
        ]),
      ),
    ).toBe('NOT_PRESENT');
  });
});

describe('storage and destruction', () => {
  const zone = 'Europe/Moscow';
  // Results published 21 March 2024; the term ends 10 days later (commission.ts termEnds).
  const published = new Date('2024-03-21T09:00:00Z');
  const termEnds = new Date('2024-03-31T09:00:00Z');
  const schedule = retentionSchedule(published, termEnds, zone);
  const entry = (item: RetainedItem) => schedule.find((e) => e.item === item)!;

  test('P-9.1 minutes and decisions go to the CEC at the end of the term, never destroyed', () => {
    expect(entry('minutes-and-decisions').disposal).toEqual({ kind: 'hand-over', at: termEnds });
  });

  test('P-9.2 the listed data are kept one year from publication, destroyed from the next day (Moscow)', () => {
    for (const item of ['list-data', 'ballot-source', 'keys', 'ledger', 'list-copies'] as const) {
      expect(entry(item).disposal).toEqual({ kind: 'destroy', notBefore: new Date('2025-03-21T21:00:00Z') });
      expect(entry(item).commissionUntil).toEqual(termEnds);
    }
    // A period from 29 February ends on 28 February.
    const leap = retentionSchedule(new Date('2024-02-29T12:00:00Z'), new Date('2024-03-10T12:00:00Z'), zone);
    expect(leap.find((e) => e.item === 'keys')?.disposal).toEqual({
      kind: 'destroy',
      notBefore: new Date('2025-02-28T21:00:00Z'),
    });
  });

  test('P-9.3 destruction by act only after the period, each item once', () => {
    const act: DestructionAct = {
      number: '1',
      items: ['keys', 'ledger'],
      destroyedAt: new Date('2025-03-22T07:00:00Z'),
      by: ['Иванов И. И.', 'Петрова А. С.'],
      method: 'Физическое уничтожение носителей',
    };
    expect(checkDestructionAct(act, schedule, new Set())).toEqual({ ok: true });
    const early = checkDestructionAct(
      { ...act, destroyedAt: new Date('2025-03-21T20:59:00Z') },
      schedule,
      new Set(),
    );
    expect(early).toMatchObject({ ok: false, code: 'RETENTION_NOT_OVER', item: 'keys' });
    expect(checkDestructionAct(act, schedule, new Set(['ledger']))).toMatchObject({
      ok: false,
      code: 'ALREADY_DESTROYED',
      item: 'ledger',
    });
    expect(
      checkDestructionAct({ ...act, items: ['minutes-and-decisions'] }, schedule, new Set()),
    ).toMatchObject({
      ok: false,
      code: 'NOT_DESTROYABLE',
    });
    expect(checkDestructionAct({ ...act, by: [] }, schedule, new Set())).toMatchObject({
      ok: false,
      code: 'BAD_ACT',
    });
    expect(checkDestructionAct({ ...act, method: ' ' }, schedule, new Set())).toMatchObject({
      ok: false,
      code: 'BAD_ACT',
    });
    expect(checkDestructionAct({ ...act, items: ['keys', 'keys'] }, schedule, new Set())).toMatchObject({
      ok: false,
      code: 'BAD_ACT',
    });
  });

  test('P-9.4 workstations wiped within three working days of the end of the term', () => {
    // Sunday 31 March 2024 → Mon 1, Tue 2, Wed 3 April; due by the end of 3 April, Moscow time.
    expect(workstationWipeDue(termEnds, zone)).toEqual(new Date('2024-04-03T21:00:00Z'));
    // A Friday end skips the weekend; holidays and transferred working days come from the policy.
    expect(addWorkingDays('2024-05-03', 3)).toBe('2024-05-08');
    const policy = {
      years: 1,
      wipeWorkingDays: 3,
      holidays: ['2024-05-09', '2024-05-10'],
      workingWeekends: [],
    };
    expect(addWorkingDays('2024-05-08', 3, policy)).toBe('2024-05-15');
    expect(isWorkingDay('2024-04-27', { ...policy, workingWeekends: ['2024-04-27'] })).toBe(true);
    expect(isWorkingDay('2024-04-27')).toBe(false);
  });
});
