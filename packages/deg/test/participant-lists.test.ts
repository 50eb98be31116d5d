// Participant lists: P-3.3–P-3.9 and P-7.2–P-7.4, with the rows of Appendices 1, 2 and 3.
import { describe, expect, test } from 'vitest';
import { ListError, ParticipantList } from '../src/participant-lists.ts';
import type { Participant } from '../src/participant-lists.ts';

const person = (
  id: string,
  last: string,
  first: string,
  middle: string,
  precinct = '1',
  birth = '1980-01-02',
): Participant => ({
  id,
  lastName: last,
  firstName: first,
  middleName: middle,
  birthDate: birth,
  address: `г. Новосибирск, Красный пр-т, д. ${id}`,
  phone: '+7 (913) 000-00-00',
  passport: { series: '50 12', number: `34567${id}` },
  precinct,
});

const people = [
  person('1', 'Яковлев', 'Пётр', 'Ильич', '2'),
  person('2', 'Абрамова', 'Анна', 'Сергеевна', '1'),
  person('3', 'Ёлкина', 'Вера', 'Павловна', '2'),
  person('4', 'Иванов', 'Иван', 'Иванович', '1', '1990-05-05'),
  person('5', 'Иванов', 'Иван', 'Иванович', '1', '1970-05-05'),
  person('6', 'Борисов', 'Олег', 'Петрович', '10'),
];
const COMPILED = new Date('2024-03-14T18:00:00Z');
const DURING = new Date('2024-03-16T10:00:00Z');
const ENDS = new Date('2024-03-17T17:00:00Z');
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof ListError ? e.code : 'not a ListError';
  }
  return undefined;
};

describe('participant lists', () => {
  test('P-3.5 rows in Russian alphabetical order, namesakes by date of birth (Appendix 1)', () => {
    const list = ParticipantList.compile('54', people, COMPILED);
    const rows = list.rows();
    expect(rows.map((r) => r.fullName)).toEqual([
      'Абрамова Анна Сергеевна',
      'Борисов Олег Петрович',
      'Ёлкина Вера Павловна',
      'Иванов Иван Иванович',
      'Иванов Иван Иванович',
      'Яковлев Пётр Ильич',
    ]);
    expect(rows[3]?.birthDate).toBe('05.05.1970');
    expect(rows.map((r) => r.n)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rows[0]).toMatchObject({
      phone: '+7 (913) 000-00-00',
      ballotAccess: '',
      notes: '',
      struck: false,
    });
  });

  test('P-3.3 after compilation nobody is added; a duplicate in the list data is refused', () => {
    const list = ParticipantList.compile('54', people, COMPILED);
    expect(codeOf(() => list.add(person('9', 'Новиков', 'Н', 'Н')))).toBe('LIST_COMPILED');
    expect(codeOf(() => ParticipantList.compile('54', [people[0]!, people[0]!], COMPILED))).toBe(
      'DUPLICATE_PARTICIPANT',
    );
  });

  test('P-3.4 exclusion on a document until voting ends; Appendix 2 strikes the row and names the ground', () => {
    const list = ParticipantList.compile('54', people, COMPILED);
    list.exclude('2', 'VOTED_EARLY', 'решение ТИК № 12', DURING, ENDS);
    list.exclude('6', 'LOST_SUFFRAGE', 'решение суда № 3', DURING, ENDS);
    const rows = list.rows();
    expect(rows.find((r) => r.participantId === '2')).toMatchObject({
      struck: true,
      notes: 'Проголосовал досрочно',
    });
    expect(rows.find((r) => r.participantId === '6')).toMatchObject({
      struck: true,
      notes: 'Утратил активное избирательное право',
    });
    expect(
      codeOf(() => {
        list.exclude('2', 'VOTED_EARLY', 'x', DURING, ENDS);
      }),
    ).toBe('ALREADY_EXCLUDED');
    expect(
      codeOf(() => {
        list.exclude('1', 'CONDITIONS_NOT_MET', 'x', ENDS, ENDS);
      }),
    ).toBe('VOTING_ENDED');
    expect(
      codeOf(() => {
        list.exclude('99', 'CONDITIONS_NOT_MET', 'x', DURING, ENDS);
      }),
    ).toBe('NOT_ON_LIST');
    expect(() => {
      list.exclude('1', 'CONDITIONS_NOT_MET', '  ', DURING, ENDS);
    }).toThrow(TypeError);
    expect(list.counts()).toEqual({ onList: 4, ballotsIssued: 0 });
  });

  test('P-3.8 P-3.9 ballot access shows the passport series and number; counts of the list and of issued ballots', () => {
    const list = ParticipantList.compile('54', people, COMPILED);
    list.grantBallotAccess('4', DURING);
    const row = list.rows().find((r) => r.participantId === '4');
    expect(row?.ballotAccess).toBe('50 12 345674');
    expect(list.rows().find((r) => r.participantId === '5')?.ballotAccess).toBe('');
    expect(list.counts()).toEqual({ onList: 6, ballotsIssued: 1 });
    expect(
      codeOf(() => {
        list.grantBallotAccess('4', DURING);
      }),
    ).toBe('ALREADY_ISSUED');
    list.exclude('1', 'LOST_SUFFRAGE', 'решение суда № 7', DURING, ENDS);
    expect(
      codeOf(() => {
        list.grantBallotAccess('1', DURING);
      }),
    ).toBe('EXCLUDED');
  });

  test('P-7.2 P-7.3 P-7.4 the final list keeps its counts and never changes afterwards', () => {
    const list = ParticipantList.compile('54', people, COMPILED);
    list.grantBallotAccess('3', DURING);
    list.exclude('6', 'VOTED_EARLY', 'решение ТИК № 1', DURING, ENDS);
    expect(list.freeze(ENDS)).toEqual({ onList: 5, ballotsIssued: 1 });
    expect(list.final?.counts).toEqual({ onList: 5, ballotsIssued: 1 });
    expect(
      codeOf(() => {
        list.grantBallotAccess('4', ENDS);
      }),
    ).toBe('LIST_FROZEN');
    expect(
      codeOf(() => {
        list.exclude('4', 'VOTED_EARLY', 'x', DURING, ENDS);
      }),
    ).toBe('LIST_FROZEN');
    expect(codeOf(() => list.freeze(ENDS))).toBe('LIST_FROZEN');
  });

  test('P-3.6 one exclusion register per home precinct, alphabetical, numbered from 1 (Appendix 3)', () => {
    const registers = ParticipantList.compile('54', people, COMPILED).precinctRegisters();
    expect([...registers.keys()]).toEqual(['1', '2', '10']);
    expect(registers.get('1')?.map((r) => [r.n, r.fullName])).toEqual([
      [1, 'Абрамова Анна Сергеевна'],
      [2, 'Иванов Иван Иванович'],
      [3, 'Иванов Иван Иванович'],
    ]);
    expect(registers.get('2')?.map((r) => r.fullName)).toEqual([
      'Ёлкина Вера Павловна',
      'Яковлев Пётр Ильич',
    ]);
  });

  test('search by surname (ё and е alike), a page at a time', () => {
    const list = ParticipantList.compile('54', people, COMPILED);
    expect(list.search('елк', 0, 10).rows.map((r) => r.participantId)).toEqual(['3']);
    const page = list.search('Иванов', 1, 1);
    expect(page.total).toBe(2);
    expect(page.rows.map((r) => r.birthDate)).toEqual(['05.05.1990']);
  });

  // The order ICU 'ru' gives at base strength, as measured: ӑ = а, ӗ = е, ґ = г (accents of the same
  // letter), while ә, ғ, қ, ҫ, ӕ are letters of their own, each after its Russian neighbour,
  // and the palochka Ӏ after all Cyrillic letters.
  test('names of the republics in ICU order, and search treats alike what the order treats alike', () => {
    const republics = [
      person('1', 'Ҫеҫпӗл', 'Мишши', ''),
      person('2', 'Сеспель', 'Михаил', 'Кузьмич'),
      person('3', 'Ӑлӑпов', 'Ҫтаппан', ''),
      person('4', 'Алапов', 'Степан', 'Ильич'),
      person('5', 'Әбішев', 'Әлішер', ''),
      person('6', 'Ғәлиев', 'Рәшит', 'Ғәли улы'),
      person('7', 'Галиев', 'Ринат', ''),
      person('8', 'Ґалаґан', 'Іван', ''),
      person('9', 'Құнанбаев', 'Абай', ''),
      person('10', 'Кунанбаев', 'Абай', ''),
      person('11', 'Хетӕгкаты', 'Къоста', ''),
      person('12', 'Хетагуров', 'Коста', 'Леванович'),
      person('13', 'Ӏалиев', 'Ахмед', ''),
      person('14', 'Бабаев', 'Ахмед', ''),
    ];
    const list = ParticipantList.compile('21', republics, COMPILED);
    expect(list.rows().map((r) => r.participantId)).toEqual([
      '4',
      '3',
      '5',
      '14',
      '8',
      '7',
      '6',
      '10',
      '9',
      '2',
      '1',
      '12',
      '11',
      '13',
    ]);
    const found = (q: string): string[] => list.search(q, 0, 20).rows.map((r) => r.participantId);
    expect(found('алап')).toEqual(['4', '3']);
    expect(found('ӐЛӐП')).toEqual(['4', '3']);
    expect(found('ҫеҫпел')).toEqual(['1']);
    expect(found('с')).toEqual(['2']);
    expect(found('гал')).toEqual(['8', '7']);
    expect(found('ғ')).toEqual(['6']);
    expect(found('құ')).toEqual(['9']);
    expect(found('хетӕ')).toEqual(['11']);
    expect(found('ӏ')).toEqual(['13']);
  });
});
