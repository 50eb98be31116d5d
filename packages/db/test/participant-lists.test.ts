// Participant lists in PostgreSQL (migrations/003_participant_lists.sql, src/participant-lists-store.ts):
// P-3.3–P-3.9 and P-7.2–P-7.4 through the store, the same rules refused by the database for writes
// that go around it, and the database's alphabetical order and search against packages/deg's.

import { randomUUID } from 'node:crypto';

import { describe, expect, test } from 'vitest';

// The pure rules module alone, not the package index: @opendeg/db does not depend on @opendeg/deg,
// the test only compares the two.
import { compareParticipants, foldForSearch, ParticipantList } from '../../deg/src/participant-lists.ts';
import type { Participant } from '../../deg/src/participant-lists.ts';
import { isListStoreError, ParticipantListStore, searchPrefixes } from '../src/participant-lists-store.ts';
import type { ParticipantRecord } from '../src/participant-lists-store.ts';
import { useTestDatabase } from '../src/testing.ts';

const db = useTestDatabase();

const COMPILED = new Date('2024-03-14T18:00:00Z');
const DURING = new Date('2024-03-16T10:00:00Z');
const ENDS = new Date('2024-03-17T17:00:00Z');
const AFTER = new Date('2024-03-17T18:00:00Z');

let serial = 0;
const person = (
  last: string,
  first: string,
  middle: string,
  birth = '1980-01-02',
  precinct = '1',
): Participant => {
  serial++;
  return {
    id: `p${String(serial).padStart(4, '0')}`,
    lastName: last,
    firstName: first,
    middleName: middle,
    birthDate: birth,
    address: `г. Новосибирск, Красный пр-т, д. ${serial}`,
    phone: '+7 (913) 000-00-00',
    passport: { series: '50 12', number: String(340000 + serial) },
    precinct,
  };
};

// Names where a naive order goes wrong: Ё/Е and case (equal letters), Й (its own letter), hyphens and
// spaces inside surnames, prefixes of one another, namesakes told apart by date of birth, apostrophes
// and a final dot, a patronymic with a space, none at all, Latin letters (after Cyrillic in Russian
// order).
const TRICKY: Participant[] = [
  person('Яковлев', 'Пётр', 'Ильич', '1980-01-02', '2'),
  person('Абрамова', 'Анна', 'Сергеевна'),
  person('Ёлкина', 'Вера', 'Павловна', '1980-01-02', '2'),
  person('Елкина', 'Вера', 'Павловна', '1979-01-02', '2'),
  person('Елкин', 'Вадим', 'Олегович'),
  person('ЕЛКИН', 'Ян', ''),
  person('Иванов', 'Иван', 'Иванович', '1990-05-05'),
  person('Иванов', 'Иван', 'Иванович', '1970-05-05'),
  person('иванов', 'Иван', 'Иванович', '1980-05-05'),
  person('Иванова', 'Анна', 'Ивановна'),
  person('Иванов-Петров', 'Адам', 'Ильич', '1980-01-02', '3'),
  person('Иванов', 'Ян', ''),
  person('Йорданов', 'Асен', 'Петрович'),
  person('Ильин', 'Ёж', 'Ёжевич'),
  person('Де Голль', 'Шарль', ''),
  person('Де', 'Шарль', ''),
  person('Д’Артаньян', 'Шарль', 'Бертранович', '1980-01-02', '3'),
  person('Д-Артаньян', 'Шарль', ''),
  person('Мамедов', 'Гасан', 'Али оглы'),
  person('Мамедов', 'Гасан', 'Алиевич'),
  person('Подъячев', 'Олег', 'Ильич'),
  person('Подьячев', 'Олег', 'Ильич'),
  person('Smith', 'John', ''),
  person("Д'Артаньян", 'Шарль', ''),
  // Punctuation between the same letters, in ICU's order: space, hyphen, dot, apostrophes.
  person('Дарьин', "А'Б", ''),
  person('Дарьин', 'А’Б', ''),
  person('Дарьин', 'А.', ''),
  person('Дарьин', 'А-Б', ''),
  person('Дарьин', 'А Б', ''),
  person('Дарьин', 'А', ''),
  person('Яковлев', 'Пётр', 'Ильич', '1980-01-02', '2'),
  person('Борисов', 'Олег', 'Петрович', '1980-01-02', '10'),
];

const deg = ParticipantList.compile('54', TRICKY, COMPILED);

// Names in the letters of the republics' languages, next to the Russian spellings ICU places them
// beside: Chuvash (ӑ ӗ ҫ ӳ), Tatar (ә ө ү җ ң һ), Bashkir (ғ ҡ ҙ ҫ), Yakut (ҕ ҥ ө һ ү), Kazakh (қ ұ і),
// Ukrainian (ї ґ), Ossetian (ӕ), the palochka of the Caucasus, and Latin with diacritics.
const REPUBLICS: Participant[] = [
  person('Ҫеҫпӗл', 'Мишши', ''),
  person('Сеспель', 'Михаил', 'Кузьмич'),
  person('Ӑлӑпов', 'Ҫтаппан', ''),
  person('Алапов', 'Степан', 'Ильич'),
  person('Алапов', 'Ӳлӗм', ''),
  person('Җәлилов', 'Муса', 'Мостафа улы'),
  person('Жалилов', 'Муса', 'Мустафович'),
  person('Шәрәфиева', 'Гөлнара', 'Фәрит кызы'),
  person('Шарафиева', 'Гульнара', 'Фаритовна'),
  person('Хөснетдинов', 'Нурәхмәт', 'Һади улы'),
  person('Ғәлимов', 'Рәшит', 'Ғәли улы'),
  person('Галимов', 'Рашит', 'Галиевич'),
  person('Ҡаһарманов', 'Салауат', ''),
  person('Иҙрисов', 'Ирек', 'Иҙрис улы'),
  person('Идрисов', 'Ирек', ''),
  person('Кулаковский', 'Өлөксөй', 'Өксөкүлээх'),
  person('Тоҕойов', 'Ньургуһун', ''),
  person('Тоҥуров', 'Айаал', ''),
  person('Құнанбаев', 'Абай', ''),
  person('Кунанбаев', 'Абай', ''),
  person('Іргебаев', 'Нұрсұлтан', 'Әлішерұлы'),
  person('Їжакевич', 'Іван', ''),
  person('Ґалаґан', 'Ігор', ''),
  person('Галаган', 'Игорь', ''),
  person('Хетӕгкаты', 'Къоста', ''),
  person('Хетагуров', 'Коста', 'Леванович'),
  person('Ӏалиев', 'Ахмед', ''),
  person('Bézier', 'Pierre', ''),
  person('Bezier', 'Paul', ''),
  person('Łukasiewicz', 'Jan', ''),
  person('Иванов', 'Иван', 'Иванович'),
];

const collator = new Intl.Collator('ru', { sensitivity: 'base', numeric: true });

/**
 * The key character of each letter names may hold, from the collator: the letters of the
 * participants_*_format constraints sorted by it, each class of equals one character from U+0100 on.
 */
function expectedKeyTable(): Map<string, string> {
  const letters: string[] = [];
  for (let cp = 0x41; cp <= 0x52f; cp++) {
    const c = String.fromCodePoint(cp);
    if (/^[Ѐ-ҁҊ-ԯA-Za-zÀ-ÅÇ-ÖØ-Þà-åç-öø-ÿĀ-ıĴ-ňŊ-őŔ-ſ]$/u.test(c)) letters.push(c);
  }
  letters.sort((a, b) => collator.compare(a, b) || a.localeCompare(b));
  const table = new Map<string, string>();
  let rank = -1;
  let previous: string | undefined;
  for (const c of letters) {
    if (previous === undefined || collator.compare(previous, c) !== 0) rank++;
    previous = c;
    table.set(c, String.fromCodePoint(0x100 + rank));
  }
  return table;
}

async function withElection(): Promise<string> {
  const id = `e-${randomUUID().slice(0, 8)}`;
  await db.pool.query('INSERT INTO elections (id, kind, config, config_sha256) VALUES ($1, $2, $3, $4)', [
    id,
    'election',
    JSON.stringify({ regions: [] }),
    Buffer.alloc(32, 1),
  ]);
  return id;
}

async function loaded(people: readonly ParticipantRecord[] = TRICKY): Promise<ParticipantListStore> {
  const store = new ParticipantListStore(db.pool, await withElection());
  await store.importList('54', people, { compiledAt: COMPILED });
  return store;
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return isListStoreError(e) ? e.code : `not a ListStoreError: ${String(e)}`;
  }
}

async function sqlFailure(sql: string, params: unknown[] = []): Promise<string | undefined> {
  try {
    await db.pool.query(sql, params);
    return undefined;
  } catch (e) {
    const err = e as { code?: string; constraint?: string };
    return `${err.code ?? '?'} ${err.constraint ?? ''}`.trim();
  }
}

describe('participant lists in PostgreSQL', () => {
  test('P-3.3 import compiles the list; nobody is added afterwards, neither by the store nor by SQL', async () => {
    const progress: number[] = [];
    const election = await withElection();
    const store = new ParticipantListStore(db.pool, election);
    const imported = await store.importList('54', TRICKY, {
      compiledAt: COMPILED,
      onProgress: (n) => progress.push(n),
    });
    expect(imported).toEqual({ participants: TRICKY.length });
    expect(progress.at(-1)).toBe(TRICKY.length);
    expect(await codeOf(store.importList('54', [person('Новиков', 'Ной', '')], { compiledAt: DURING }))).toBe(
      'LIST_EXISTS',
    );
    const p = person('Новиков', 'Ной', '');
    expect(
      await sqlFailure(
        `INSERT INTO participants (election_id, region, participant_id, surname, name, birth_date, address,
           phone, passport_series, passport_number, precinct)
         VALUES ($1, '54', $2, $3, $4, '1980-01-01', 'адрес', '+79130000000', '5012', '123456', '1')`,
        [election, p.id, p.lastName, p.firstName],
      ),
    ).toBe('23001 participants_list_compiled');
    expect((await store.counts('54')).onList).toBe(TRICKY.length);
  });

  test('P-3.3 a failed import leaves nothing: duplicate ids, a bad row, a failing source', async () => {
    const store = new ParticipantListStore(db.pool, await withElection());
    const a = person('Орлов', 'Олег', '');
    expect(await codeOf(store.importList('54', [a, a], { compiledAt: COMPILED }))).toBe(
      'DUPLICATE_PARTICIPANT',
    );
    const bad = { ...person('Орлов', 'Олег', ''), birthDate: '1880-01-01' };
    const e = await store.importList('54', [a, bad], { compiledAt: COMPILED }).catch((x: unknown) => x);
    expect(isListStoreError(e, 'INVALID_PARTICIPANT')).toBe(true);
    // The rule and the row, never the row's data.
    expect((e as Error).message).toContain('participants_birth_date_range, list data row 2');
    expect((e as Error).message).not.toContain('1880');
    async function* failing(): AsyncGenerator<ParticipantRecord> {
      yield a;
      await Promise.resolve();
      throw new Error('the medium cannot be read');
    }
    await expect(store.importList('54', failing(), { compiledAt: COMPILED })).rejects.toThrow(
      'the medium cannot be read',
    );
    expect(await codeOf(store.counts('54'))).toBe('LIST_NOT_FOUND');
    // The same data through batched INSERT … unnest, the other import method.
    await store.importList('54', [a], { compiledAt: COMPILED, method: 'unnest' });
    expect(await store.counts('54')).toEqual({ onList: 1, ballotsIssued: 0 });
  });

  test('P-3.5 the database orders rows as compareParticipants does (Ё/Е, Й, hyphens, namesakes by birth date)', async () => {
    const store = await loaded();
    const page = await store.page('54', { limit: 500 });
    const expected = [...TRICKY].sort(compareParticipants);
    expect(page.rows.map((r) => r.participantId)).toEqual(expected.map((p) => p.id));
    // Appendix 1 row for row as packages/deg makes it.
    expect(
      page.rows.map(({ n, participantId, fullName, birthDate, address, phone, ballotAccess, struck }) => ({
        n,
        participantId,
        fullName,
        birthDate,
        address,
        phone,
        ballotAccess,
        notes: '',
        struck,
      })),
    ).toEqual(deg.rows());
    expect(page.next).toBeUndefined();
  });

  test('P-3.5 search by the beginning of the full name agrees with packages/deg (case, ё/е, "surname name")', async () => {
    const store = await loaded();
    for (const query of [
      'ел',
      'ЁЛКИН',
      'Елкина вера',
      'иванов',
      'Иванов ив',
      'иванов-',
      'де',
      'де голль ш',
      'мамедов гасан али',
      'мамедов гасан алиевич',
      'д’',
      "д'",
      'дарьин а',
      'дарьин а.',
      'smi',
      'Ильин ЕЖ ежевич',
      'я',
      'нет такого',
      'подъ',
      '[',
      'ив1',
      '',
    ]) {
      const ours = await store.page('54', { query, limit: 100 });
      const theirs = deg.search(query, 0, 100);
      expect(
        ours.rows.map((r) => [r.n, r.participantId]),
        query,
      ).toEqual(theirs.rows.map((r) => [r.n, r.participantId]));
    }
    expect(searchPrefixes('  a  b c ')).toEqual(['a b c', 'a\u0001b c', 'a\u0001b\u0001c', 'a b\u0001c']);
    expect(await codeOf(store.page('54', { query: 'а б в г д е ж з и', limit: 10 }))).toBe('INVALID_REQUEST');
    expect(searchPrefixes('ив@')).toEqual([]);
  });

  test('P-3.5 names in the letters of the republics load, in compareParticipants order, and search as packages/deg does', async () => {
    const store = await loaded(REPUBLICS);
    const page = await store.page('54', { limit: 500 });
    expect(page.rows.map((r) => r.participantId)).toEqual(
      [...REPUBLICS].sort(compareParticipants).map((p) => p.id),
    );
    const degRepublics = ParticipantList.compile('54', REPUBLICS, COMPILED);
    expect(page.rows.map((r) => r.fullName)).toEqual(degRepublics.rows().map((r) => r.fullName));
    for (const query of [
      // Chuvash: ӑ = а, ӗ = е, ӳ = у; ҫ is not с.
      'алап',
      'ӐЛӐП',
      'ҫеҫпел',
      'ҫеҫпӗл м',
      'с',
      'ҫ',
      'сеспель михаил',
      'алапов ӳл',
      'алапов ул',
      // Tatar and Bashkir: ә, ө, ү, җ, ң, һ, ғ, ҡ, ҙ are letters of their own.
      'җә',
      'жа',
      'шәрәфиева гөлнара фәрит кызы',
      'шарафиева',
      'хөснетдинов нурәхмәт һ',
      'ғәлимов',
      'галимов',
      'ҡаһарманов',
      'каһ',
      'иҙрисов',
      'идрисов',
      // Yakut: ҕ, ҥ.
      'кулаковский өлөксөй',
      'КУЛАКОВСКИЙ ӨЛ',
      'кулаковский ол',
      'тоҕо',
      'тоҥ',
      // Kazakh, Ukrainian: қ, ұ, і are letters; ї = і, ґ = г.
      'құнанбаев',
      'кунанбаев',
      'ірге',
      'їжак',
      'іжак',
      'галаган',
      'ґ',
      // Ossetian ӕ, the palochka, Latin with diacritics (é = e).
      'хетӕ',
      'хета',
      'ӏ',
      'ӀАЛИЕВ',
      'bézier',
      'BEZIER',
      'ĸ',
    ]) {
      const ours = await store.page('54', { query, limit: 100 });
      const theirs = degRepublics.search(query, 0, 100);
      expect(
        ours.rows.map((r) => [r.n, r.participantId]),
        query,
      ).toEqual(theirs.rows.map((r) => [r.n, r.participantId]));
    }
    // Agreement is not emptiness: the equal letters find each other, the distinct ones do not.
    const names = async (query: string): Promise<string[]> =>
      (await store.page('54', { query, limit: 100 })).rows.map((r) => r.fullName);
    expect(await names('ӐЛӐП')).toEqual(['Алапов Степан Ильич', 'Ӑлӑпов Ҫтаппан', 'Алапов Ӳлӗм']);
    expect(await names('ҫ')).toEqual(['Ҫеҫпӗл Мишши']);
    expect(await names('іжак')).toEqual(['Їжакевич Іван']);
    expect(await names('кулаковский ол')).toEqual([]);
    // Latin æ and ß weigh two letters in ICU; names may not hold them, so a query with them finds nothing.
    expect(searchPrefixes('хетæ')).toEqual([]);
  });

  test('participant_name_key gives every letter a name may hold its ICU base letter, in ICU order', async () => {
    const expected = expectedKeyTable();
    const letters = [...expected.keys()];
    const r = await db.pool.query<{ letter: string; key: string }>(
      'SELECT letter, participant_name_key(letter) AS key FROM unnest($1::text[]) AS l(letter)',
      [letters],
    );
    const actual = new Map(r.rows.map((row) => [row.letter, row.key]));
    const wrong = letters.filter((c) => actual.get(c) !== expected.get(c));
    // On a failure, the table the migration should hold (in ICU order; the migration's own order of
    // the pairs is free) is in the message.
    expect(
      wrong,
      `participant_name_key must be translate(part, '${letters.join('')}''’', '${letters
        .map((c) => expected.get(c))
        .join('')}/0')`,
    ).toEqual([]);
    // Keys compare as the collator does, and are equal exactly where deg's search folds alike.
    for (const a of letters) {
      for (const b of [letters[0] ?? '', 'е', 'ә', 'ҫ', 'z', letters.at(-1) ?? '']) {
        const ka = actual.get(a) ?? '';
        const kb = actual.get(b) ?? '';
        expect(Math.sign(collator.compare(a, b)), `${a} ${b}`).toBe(ka === kb ? 0 : ka < kb ? -1 : 1);
        expect(foldForSearch(a) === foldForSearch(b), `${a} ${b}`).toBe(ka === kb);
      }
    }
    // Whole names, punctuation between letters included: random ones, sorted by the keys in the
    // "C" collation, are in the collator's order.
    let seed = 7;
    const pick = <T>(xs: readonly T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return xs[seed % xs.length] as T;
    };
    const word = (): string => Array.from({ length: 1 + (seed % 4) }, () => pick(letters)).join('');
    const names = Array.from({ length: 3000 }, () => {
      let n = word();
      for (let i = pick([0, 0, 0, 1, 2]); i > 0; i--) n += pick([' ', '-', "'", '’']) + word();
      return pick(['', '', '', '.']) === '.' ? `${n}.` : n;
    });
    const sorted = await db.pool.query<{ name: string }>(
      `SELECT name FROM unnest($1::text[]) AS n(name)
       ORDER BY participant_name_key(name) COLLATE "C", name COLLATE "C"`,
      [names],
    );
    const inOrder = sorted.rows.map((row) => row.name);
    for (let i = 1; i < inOrder.length; i++) {
      const a = inOrder[i - 1] ?? '';
      const b = inOrder[i] ?? '';
      expect(collator.compare(a, b), `${a} ≤ ${b}`).toBeLessThanOrEqual(0);
    }
  });

  test('P-3.5 pages by offset and after a participant, at any depth, number the rows as the whole list does', async () => {
    // 300 rows: the marks of every 128th row are used and crossed.
    const surnames = ['Орлов', 'Орлова', 'Ёжиков', 'Ежов', 'Щукин', 'Ахмедов', 'Иванов-Шмидт', 'Юрьев'];
    const many = Array.from({ length: 300 }, (_, i) =>
      person(
        surnames[i % surnames.length] ?? '',
        i % 3 === 0 ? 'Анна' : 'Юрий',
        i % 5 === 0 ? '' : 'Олегович',
        `19${String(50 + (i % 40))}-0${1 + (i % 9)}-1${i % 10}`,
      ),
    );
    const store = await loaded(many);
    const order = [...many].sort(compareParticipants).map((p) => p.id);
    for (const offset of [0, 1, 126, 127, 128, 129, 255, 256, 290, 299, 300]) {
      const page = await store.page('54', { offset, limit: 7 });
      expect(
        page.rows.map((r) => r.participantId),
        `offset ${offset}`,
      ).toEqual(order.slice(offset, offset + 7));
      expect(page.rows.map((r) => r.n)).toEqual(page.rows.map((_, i) => offset + 1 + i));
    }
    const walked: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.page('54', { limit: 64, ...(after === undefined ? {} : { after }) });
      walked.push(...page.rows.map((r) => r.participantId));
      expect(page.rows.map((r) => r.n)).toEqual(
        page.rows.map((_, i) => walked.length - page.rows.length + 1 + i),
      );
      if (page.next === undefined) break;
      after = page.next;
    }
    expect(walked).toEqual(order);
    const degMany = ParticipantList.compile('54', many, COMPILED);
    const found = await store.page('54', { query: 'ежов ю', offset: 5, limit: 10 });
    expect(found.rows.map((r) => [r.n, r.participantId])).toEqual(
      degMany
        .search('ежов ю', 0, 100)
        .rows.slice(5, 15)
        .map((r) => [r.n, r.participantId]),
    );
  });

  test('P-3.4 exclusion on a ground and a document until voting ends; Appendix 2 row struck through', async () => {
    const store = await loaded();
    const target = TRICKY[6]!;
    const ex = {
      reason: 'LOST_SUFFRAGE',
      document: 'решение суда № 2-123/2024',
      at: DURING,
      votingEnds: ENDS,
    } as const;
    expect(await codeOf(store.exclude('54', target.id, { ...ex, at: ENDS }))).toBe('VOTING_ENDED');
    expect(await codeOf(store.exclude('54', 'nobody', ex))).toBe('NOT_ON_LIST');
    expect(await codeOf(store.exclude('77', target.id, ex))).toBe('LIST_NOT_FOUND');
    await store.exclude('54', target.id, ex);
    expect(await codeOf(store.exclude('54', target.id, { ...ex, reason: 'VOTED_EARLY' }))).toBe(
      'ALREADY_EXCLUDED',
    );
    const row = (await store.page('54', { limit: 500 })).rows.find((r) => r.participantId === target.id);
    expect(row).toMatchObject({ struck: true, exclusion: 'LOST_SUFFRAGE', ballotAccess: '' });
    expect(await store.counts('54')).toEqual({ onList: TRICKY.length - 1, ballotsIssued: 0 });
    await expect(store.exclude('54', target.id, { ...ex, document: '  ' })).rejects.toThrow(TypeError);
  });

  test('P-3.8 ballot access shows the passport series and number, once, never for an excluded participant', async () => {
    const store = await loaded();
    const [a, b] = [TRICKY[0]!, TRICKY[1]!];
    await store.grantBallotAccess('54', a.id, DURING);
    expect(await codeOf(store.grantBallotAccess('54', a.id, DURING))).toBe('ALREADY_ISSUED');
    await store.exclude('54', b.id, {
      reason: 'VOTED_EARLY',
      document: 'акт № 5',
      at: DURING,
      votingEnds: ENDS,
    });
    expect(await codeOf(store.grantBallotAccess('54', b.id, DURING))).toBe('EXCLUDED');
    expect(await codeOf(store.grantBallotAccess('54', 'nobody', DURING))).toBe('NOT_ON_LIST');
    const rows = (await store.page('54', { limit: 500 })).rows;
    expect(rows.find((r) => r.participantId === a.id)?.ballotAccess).toBe(
      `${a.passport.series} ${a.passport.number}`,
    );
    expect(rows.find((r) => r.participantId === b.id)?.ballotAccess).toBe('');
    // Excluded after access (found to have voted early): allowed, the access stays on the row.
    await store.exclude('54', a.id, {
      reason: 'VOTED_EARLY',
      document: 'акт № 6',
      at: DURING,
      votingEnds: ENDS,
    });
    expect(await store.counts('54')).toEqual({ onList: TRICKY.length - 2, ballotsIssued: 1 });
  });

  test('P-3.8 concurrent ballot access from several server processes: exactly one succeeds', async () => {
    const store = await loaded();
    const pools = [db.newPool(3), db.newPool(3), db.newPool(3)];
    const target = TRICKY[2]!;
    const attempts = Array.from({ length: 12 }, (_, i) =>
      new ParticipantListStore(pools[i % pools.length]!, store.electionId).grantBallotAccess(
        '54',
        target.id,
        DURING,
      ),
    );
    const results = await Promise.allSettled(attempts);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect(isListStoreError(r.reason, 'ALREADY_ISSUED')).toBe(true);
    }
    expect((await store.counts('54')).ballotsIssued).toBe(1);
  });

  test('P-7.2 P-7.3 a freeze racing ballot accesses counts exactly the accesses that got in before it', async () => {
    const store = await loaded();
    const pools = [db.newPool(4), db.newPool(4)];
    const grants = TRICKY.map((p, i) =>
      new ParticipantListStore(pools[i % 2]!, store.electionId).grantBallotAccess('54', p.id, DURING),
    );
    const frozen = store.freeze('54', AFTER);
    const results = await Promise.allSettled(grants);
    const final = await frozen;
    for (const r of results) {
      if (r.status === 'rejected') expect(isListStoreError(r.reason, 'LIST_FROZEN')).toBe(true);
    }
    const rows = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM participants WHERE election_id = $1 AND ballot_access_at IS NOT NULL',
      [store.electionId],
    );
    expect(final.ballotsIssued).toBe(results.filter((r) => r.status === 'fulfilled').length);
    expect(final.ballotsIssued).toBe(rows.rows[0]?.n);
  });

  test('P-3.9 the counts follow every exclusion and ballot access', async () => {
    const store = await loaded();
    expect(await store.counts('54')).toEqual({ onList: TRICKY.length, ballotsIssued: 0 });
    for (const p of TRICKY.slice(0, 5)) await store.grantBallotAccess('54', p.id, DURING);
    await store.exclude('54', TRICKY[9]!.id, {
      reason: 'CONDITIONS_NOT_MET',
      document: 'акт № 7',
      at: DURING,
      votingEnds: ENDS,
    });
    expect(await store.counts('54')).toEqual({ onList: TRICKY.length - 1, ballotsIssued: 5 });
  });

  test('P-3.6 Appendix 3: a register per home precinct, alphabetical, numbered from 1', async () => {
    const store = await loaded();
    const registers = deg.precinctRegisters();
    for (const precinct of ['1', '2', '3', '10']) {
      expect(await store.precinctRegister('54', precinct), precinct).toEqual(registers.get(precinct));
    }
    expect(await store.precinctRegister('54', '999')).toEqual([]);
  });

  test('P-7.4 the final list keeps its counts, and after it every change is refused, by the store and by SQL', async () => {
    const store = await loaded();
    await store.grantBallotAccess('54', TRICKY[0]!.id, DURING);
    await store.exclude('54', TRICKY[1]!.id, {
      reason: 'LOST_SUFFRAGE',
      document: 'решение № 1',
      at: DURING,
      votingEnds: ENDS,
    });
    expect(await store.freeze('54', AFTER)).toEqual({ onList: TRICKY.length - 1, ballotsIssued: 1 });
    expect(await codeOf(store.freeze('54', AFTER))).toBe('LIST_FROZEN');
    expect(await codeOf(store.grantBallotAccess('54', TRICKY[3]!.id, AFTER))).toBe('LIST_FROZEN');
    expect(
      await codeOf(
        store.exclude('54', TRICKY[3]!.id, {
          reason: 'VOTED_EARLY',
          document: 'акт',
          at: DURING,
          votingEnds: ENDS,
        }),
      ),
    ).toBe('LIST_FROZEN');
    const e = store.electionId;
    expect(
      await sqlFailure(
        'UPDATE participants SET ballot_access_at = now() WHERE election_id = $1 AND participant_id = $2',
        [e, TRICKY[3]!.id],
      ),
    ).toBe('23001 participant_lists_frozen');
    expect(
      await sqlFailure('UPDATE participant_lists SET frozen_at = now() WHERE election_id = $1', [e]),
    ).toBe('23001 participant_lists_frozen');
    const final = await db.pool.query(
      'SELECT final_on_list, final_ballots_issued FROM participant_lists WHERE election_id = $1',
      [e],
    );
    expect(final.rows).toEqual([{ final_on_list: TRICKY.length - 1, final_ballots_issued: 1 }]);
    expect(await store.counts('54')).toEqual({ onList: TRICKY.length - 1, ballotsIssued: 1 });
  });
});

describe('migrations/003_participant_lists.sql refuses bad writes', () => {
  // An open list made by hand, as only a buggy or hostile writer would: the rows' own rules.
  async function openList(): Promise<string> {
    const e = await withElection();
    await db.pool.query("INSERT INTO participant_lists (election_id, region) VALUES ($1, 'open')", [e]);
    return e;
  }

  const insert = (e: string, change: Record<string, unknown>): Promise<string | undefined> => {
    const row: Record<string, unknown> = {
      election_id: e,
      region: 'open',
      participant_id: `x${randomUUID().slice(0, 8)}`,
      surname: 'Иванов',
      name: 'Иван',
      patronymic: '',
      birth_date: '1980-01-01',
      address: 'г. Москва',
      phone: '+79130000000',
      passport_series: '5012',
      passport_number: '123456',
      precinct: '1',
      ...change,
    };
    const cols = Object.keys(row);
    return sqlFailure(
      `INSERT INTO participants (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
      Object.values(row),
    );
  };

  test('each CHECK constraint on participants rejects a bad row', async () => {
    const e = await openList();
    expect(await insert(e, {})).toBeUndefined();
    // Every Cyrillic letter of U+0400–U+052F is a letter names may hold.
    expect(
      await insert(e, { surname: 'ӐӗҫӳәөүҗңһғҡҙҕҥӕқұіӏԯЀ', name: 'Ҫеҫпӗл', patronymic: 'Ғәли улы' }),
    ).toBeUndefined();
    const cases: [Record<string, unknown>, string][] = [
      [{ participant_id: 'Upper' }, 'participants_id_format'],
      [{ participant_id: 'a_b' }, 'participants_id_format'],
      [{ surname: 'Иванов2' }, 'participants_surname_format'],
      [{ surname: 'Иванов  Петров' }, 'participants_surname_format'],
      [{ surname: 'Иванов\u0001' }, 'participants_surname_format'],
      // Outside the letters names may hold: Latin letters ICU expands into two, a combining
      // diaeresis, the thousands sign of U+0482, Greek, Armenian (just after U+052F), Latin Extended-B.
      [{ surname: 'Хетæгкаты' }, 'participants_surname_format'],
      [{ surname: 'Straße' }, 'participants_surname_format'],
      [{ name: 'Œdipe' }, 'participants_name_format'],
      [{ surname: 'Ёлкин'.normalize('NFD') }, 'participants_surname_format'],
      [{ surname: 'Иван҂ов' }, 'participants_surname_format'],
      [{ patronymic: 'Παύλος' }, 'participants_patronymic_format'],
      [{ surname: 'Աբրահամյան' }, 'participants_surname_format'],
      [{ surname: 'ƒ' }, 'participants_surname_format'],
      [{ name: '' }, 'participants_name_format'],
      [{ patronymic: ' Иванович' }, 'participants_patronymic_format'],
      [{ birth_date: '1899-12-31' }, 'participants_birth_date_range'],
      [{ address: '' }, 'participants_address_text'],
      [{ address: 'дом\n2' }, 'participants_address_text'],
      [{ phone: 'позвонить' }, 'participants_phone_format'],
      [{ passport_series: '50A2' }, 'participants_passport_series_format'],
      [{ passport_number: '12345' }, 'participants_passport_number_format'],
      [{ precinct: '123456' }, 'participants_precinct_format'],
      [
        { exclusion_reason: 'MOVED', exclusion_document: 'д', excluded_at: DURING },
        'participants_exclusion_reason_valid',
      ],
      [
        { exclusion_reason: 'VOTED_EARLY', exclusion_document: ' ', excluded_at: DURING },
        'participants_exclusion_document_text',
      ],
      [{ exclusion_reason: 'VOTED_EARLY', excluded_at: DURING }, 'participants_exclusion_complete'],
      [
        {
          exclusion_reason: 'VOTED_EARLY',
          exclusion_document: 'акт',
          excluded_at: DURING,
          ballot_access_at: AFTER,
        },
        'participants_access_before_exclusion',
      ],
    ];
    for (const [change, constraint] of cases) {
      expect(await insert(e, change), constraint).toBe(`23514 ${constraint}`);
    }
    expect(await insert(e, { sort_key: 'a' })).toBe('428C9');
    expect(await insert(e, { region: 'nowhere' })).toBe('23503 participants_list_exists');
  });

  test('each CHECK constraint on participant_lists rejects a bad list', async () => {
    const open = await openList();
    const compiled = (await loaded()).electionId;
    expect(
      await sqlFailure("INSERT INTO participant_lists (election_id, region) VALUES ($1, 'bad region')", [
        open,
      ]),
    ).toBe('23514 participant_lists_region_format');
    expect(
      await sqlFailure("INSERT INTO participant_lists (election_id, region) VALUES ('no-such', 'r')"),
    ).toBe('23503 participant_lists_election_id_fkey');
    expect(
      await sqlFailure(
        'UPDATE participant_lists SET frozen_at = now(), final_on_list = 0, final_ballots_issued = 0 WHERE election_id = $1',
        [open],
      ),
    ).toBe('23514 participant_lists_frozen_after_compiled');
    expect(
      await sqlFailure('UPDATE participant_lists SET frozen_at = now() WHERE election_id = $1', [compiled]),
    ).toBe('23514 participant_lists_final_counts');
    expect(
      await sqlFailure(
        'UPDATE participant_lists SET frozen_at = now(), final_on_list = 1, final_ballots_issued = 0 WHERE election_id = $1',
        [compiled],
      ),
    ).toBe('23514 participant_lists_final_counts');
    // The counters' own range, past the trigger that keeps them (as its flag would let it).
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("SELECT set_config('opendeg.participants_counting', 'on', true)");
      expect(
        await client
          .query(
            'UPDATE participant_lists SET excluded_count = participant_count + 1 WHERE election_id = $1',
            [compiled],
          )
          .then(
            () => undefined,
            (e: unknown) => (e as { constraint?: string }).constraint,
          ),
      ).toBe('participant_lists_counts_in_range');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  test('the triggers refuse deletes, changes of fixed data, undoing an exclusion or an access, and counters written directly', async () => {
    const store = await loaded();
    const e = store.electionId;
    const [a, b, c] = [TRICKY[0]!.id, TRICKY[1]!.id, TRICKY[2]!.id];
    await store.grantBallotAccess('54', a, DURING);
    await store.exclude('54', b, { reason: 'VOTED_EARLY', document: 'акт', at: DURING, votingEnds: ENDS });
    const where = 'WHERE election_id = $1 AND participant_id = $2';
    const cases: [string, unknown[], string][] = [
      [`DELETE FROM participants ${where}`, [e, c], 'participants_kept'],
      ['TRUNCATE participants CASCADE', [], 'participants_kept'],
      [`UPDATE participants SET surname = 'Другов' ${where}`, [e, c], 'participants_data_fixed'],
      [`UPDATE participants SET passport_number = '000000' ${where}`, [e, c], 'participants_data_fixed'],
      [
        `UPDATE participants SET exclusion_reason = NULL, exclusion_document = NULL, excluded_at = NULL ${where}`,
        [e, b],
        'participants_exclusion_final',
      ],
      [
        `UPDATE participants SET exclusion_reason = 'LOST_SUFFRAGE' ${where}`,
        [e, b],
        'participants_exclusion_final',
      ],
      [`UPDATE participants SET ballot_access_at = NULL ${where}`, [e, a], 'participants_ballot_access_once'],
      [
        `UPDATE participants SET ballot_access_at = now() ${where}`,
        [e, b],
        'participants_excluded_no_access',
      ],
      [
        'UPDATE participant_lists SET ballots_issued = 0 WHERE election_id = $1',
        [e],
        'participant_lists_counters',
      ],
      [
        'UPDATE participant_lists SET compiled_at = now() WHERE election_id = $1',
        [e],
        'participant_lists_compiled',
      ],
      [
        'UPDATE participant_lists SET participant_count = 1 WHERE election_id = $1',
        [e],
        'participant_lists_compiled',
      ],
      ['DELETE FROM participant_lists WHERE election_id = $1', [e], 'participant_lists_kept'],
      [
        'UPDATE participant_list_marks SET sort_key = $2 WHERE election_id = $1',
        [e, 'a'],
        'participant_list_marks_kept',
      ],
      ["INSERT INTO participant_list_marks VALUES ($1, '54', 129, 'a')", [e], 'participant_list_marks_kept'],
      [
        "INSERT INTO participant_lists (election_id, region, compiled_at) VALUES ($1, 'r', now())",
        [e],
        'participant_lists_born_open',
      ],
    ];
    for (const [sql, params, constraint] of cases) {
      expect(await sqlFailure(sql, params), constraint).toBe(`23001 ${constraint}`);
    }
    expect(await store.counts('54')).toEqual({ onList: TRICKY.length - 1, ballotsIssued: 1 });
  });
});
