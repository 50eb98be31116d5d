/**
 * Benchmark of issue 5's participant-list targets: import a 5 M-row list (target ≤ 5 min) and one list
 * page by name search on 5 M rows (target ≤ 50 ms).
 *
 * A fresh embedded server in a temporary directory, removed at the end. It runs with durable: false
 * (no fsync, asynchronous commit): the figures are those of the CPU, the indexes and the COPY path,
 * not of a disk's flush latency. The synthetic participants come from name pools and a seeded
 * generator, not from any real register. Writes ONE JSON object to stdout, progress to stderr.
 *
 *   npm run bench -w packages/db              # 5 000 000 rows
 *   LISTS_BENCH_ROWS=200000 npm run bench -w packages/db
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createPool } from '../src/connect.ts';
import { startEmbeddedPostgres } from '../src/embedded.ts';
import { migrate } from '../src/migrate.ts';
import { ParticipantListStore, type ParticipantRecord } from '../src/participant-lists-store.ts';

const ROWS = Number(process.env.LISTS_BENCH_ROWS ?? 5_000_000);
const COMPARE_ROWS = Number(process.env.LISTS_BENCH_COMPARE_ROWS ?? 500_000);
const SEARCHES = 200;
const PAGE = 50;

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

// Surnames as male forms; female forms are derived. Ё, Й and hyphenated surnames are in on purpose.
const SURNAMES = (
  'Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков ' +
  'Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин ' +
  'Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов ' +
  'Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв ' +
  'Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов ' +
  'Осипов Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов Мельников Денисов ' +
  'Гаврилов Тихонов Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов ' +
  'Ефимов Федотов Щербаков Назаров Калинин Исаев Чернышёв Быков Маслов Родионов Коновалов Лазарев ' +
  'Воронин Климов Филатов Пономарёв Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв Овчинников ' +
  'Трофимов Леонов Соболев Ермаков Колесников Гончаров Емельянов Никифоров Грачёв Котов Гришин ' +
  'Ёлкин Ёжиков Алёхин Йорданов Ахмедов Мамедов Ким Цой Шевченко Бондаренко Ткаченко Ли'
).split(' ');
const MALE = (
  'Александр Алексей Андрей Антон Артём Борис Вадим Валентин Валерий Василий Виктор Виталий ' +
  'Владимир Вячеслав Геннадий Георгий Григорий Данил Денис Дмитрий Евгений Егор Иван Игорь Илья ' +
  'Кирилл Константин Лев Леонид Максим Матвей Михаил Никита Николай Олег Павел Пётр Роман Руслан ' +
  'Сергей Станислав Степан Тимур Фёдор Юрий Яков Ян'
).split(' ');
const FEMALE = (
  'Александра Алёна Алина Алла Анастасия Ангелина Анна Валентина Валерия Вера Виктория Галина ' +
  'Дарья Диана Екатерина Елена Елизавета Жанна Зоя Инна Ирина Кира Ксения Лариса Лидия Любовь ' +
  'Людмила Маргарита Марина Мария Надежда Наталья Нина Оксана Олеся Ольга Полина Светлана София ' +
  'Тамара Татьяна Ульяна Юлия Яна'
).split(' ');
const FATHERS = (
  'Александр Алексей Андрей Борис Василий Виктор Владимир Геннадий Григорий Дмитрий Евгений Иван ' +
  'Игорь Константин Леонид Михаил Николай Олег Павел Пётр Роман Сергей Степан Юрий Яков'
).split(' ');
const CITIES = [
  'г. Москва',
  'г. Новосибирск',
  'г. Казань',
  'г. Екатеринбург',
  'г. Омск',
  'г. Самара',
  'г. Тула',
];
const STREETS = [
  'ул. Ленина',
  'ул. Мира',
  'пр-т Победы',
  'ул. Садовая',
  'ул. Лесная',
  'Красный пр-т',
  'ул. Гагарина',
];

function female(surname: string): string {
  if (/(ов|ев|ёв|ин|ын)$/u.test(surname)) return `${surname}а`;
  if (surname.endsWith('ский')) return `${surname.slice(0, -2)}ая`;
  return surname;
}

function patronymic(father: string, isFemale: boolean): string {
  const stem = father.endsWith('й') ? father.slice(0, -1) : father;
  const soft = father.endsWith('й');
  if (isFemale) return soft ? `${stem}евна` : `${stem}овна`;
  return soft ? `${stem}евич` : `${stem}ович`;
}

/** mulberry32: a small seeded generator, enough for synthetic data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)] as T;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

function* participants(count: number, seed: number, idPrefix: string): Generator<ParticipantRecord> {
  const rnd = random(seed);
  for (let i = 0; i < count; i++) {
    const isFemale = rnd() < 0.54;
    let surname = pick(rnd, SURNAMES);
    if (rnd() < 0.01) surname = `${surname}-${pick(rnd, SURNAMES)}`;
    if (isFemale) surname = surname.split('-').map(female).join('-');
    const year = 1930 + Math.floor(rnd() * 77);
    yield {
      // Multiplying by an odd constant modulo 2^32 is a bijection: unique ids in random order, as
      // opaque ids from the data centre would arrive.
      id: `${idPrefix}${(Math.imul(i, 0x9e3779b1) >>> 0).toString(16).padStart(8, '0')}`,
      lastName: surname,
      firstName: pick(rnd, isFemale ? FEMALE : MALE),
      middleName: rnd() < 0.02 ? '' : patronymic(pick(rnd, FATHERS), isFemale),
      birthDate: `${year}-${pad(1 + Math.floor(rnd() * 12), 2)}-${pad(1 + Math.floor(rnd() * 28), 2)}`,
      address: `${pick(rnd, CITIES)}, ${pick(rnd, STREETS)}, д. ${1 + Math.floor(rnd() * 200)}, кв. ${1 + Math.floor(rnd() * 300)}`,
      phone: `+79${pad(Math.floor(rnd() * 1e9), 9)}`,
      passport: { series: pad(Math.floor(rnd() * 10_000), 4), number: pad(Math.floor(rnd() * 1e6), 6) },
      precinct: String(1 + Math.floor(rnd() * 3000)),
    };
  }
}

function percentile(sorted: readonly number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[i] ?? 0) * 100) / 100;
}

async function timed(runs: number, f: (i: number) => Promise<unknown>): Promise<Record<string, number>> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f(i);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { runs, p50: percentile(ms, 50), p95: percentile(ms, 95), max: percentile(ms, 100) };
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opendeg-lists-bench-'));
log(`starting a fresh embedded PostgreSQL in ${dataDir} (durable: false)`);
const server = await startEmbeddedPostgres({
  dataDir,
  database: 'opendeg',
  ephemeral: true,
  durable: false,
  // Room for the list's indexes in memory, and no checkpoints in the middle of the load.
  settings: { shared_buffers: '2GB', max_wal_size: '16GB', checkpoint_timeout: '1h' },
});
const pool = createPool(server.url, { max: 4 });
try {
  await migrate(pool);
  const election = 'bench-2026';
  await pool.query('INSERT INTO elections (id, kind, config, config_sha256) VALUES ($1, $2, $3, $4)', [
    election,
    'training',
    JSON.stringify({ regions: [] }),
    Buffer.alloc(32),
  ]);
  const store = new ParticipantListStore(pool, election);

  log(`importing ${ROWS} participants into region 77 with COPY`);
  const started = performance.now();
  let lastLog = started;
  let sentAt = started;
  const imported = await store.importList('77', participants(ROWS, 1, 'a'), {
    compiledAt: new Date(),
    onProgress: (n) => {
      const now = performance.now();
      if (n === ROWS) sentAt = now;
      if (now - lastLog > 5000 || n === ROWS) {
        lastLog = now;
        log(`  ${n} rows sent, ${Math.round(n / ((now - started) / 1000))} rows/s`);
      }
    },
  });
  const importSeconds = (performance.now() - started) / 1000;
  const copySeconds = (sentAt - started) / 1000;
  log(`imported and compiled ${imported.participants} rows in ${importSeconds.toFixed(1)} s`);

  // Queries: surname prefixes of 2–6 letters in any case, some with the beginning of a name.
  const rnd = random(7);
  const queries = Array.from({ length: SEARCHES }, () => {
    const s = pick(rnd, SURNAMES);
    const prefix = s.slice(0, 2 + Math.floor(rnd() * 5));
    const q = rnd() < 0.5 ? prefix.toLowerCase() : prefix.toUpperCase();
    return rnd() < 0.3 ? `${s} ${pick(rnd, MALE).slice(0, 2)}` : q;
  });
  log(`searching: ${SEARCHES} name prefixes, ${PAGE} rows a page`);
  await store.page('77', { query: 'ив', limit: PAGE }); // warm the connection and plan cache
  const search = await timed(SEARCHES, (i) => store.page('77', { query: queries[i] ?? '', limit: PAGE }));
  let matched = 0;
  for (const q of queries.slice(0, 20))
    matched += (await store.page('77', { query: q, limit: PAGE })).rows.length;
  const searchNext = await timed(50, async (i) => {
    const first = await store.page('77', { query: queries[i] ?? '', limit: PAGE });
    if (first.next !== undefined)
      await store.page('77', { query: queries[i] ?? '', after: first.next, limit: PAGE });
  });
  log('deep pages by offset and after a participant');
  const deepOffset = await timed(100, () =>
    store.page('77', { offset: Math.floor(rnd() * (ROWS - PAGE)), limit: PAGE }),
  );
  const deepPage = await store.page('77', { offset: Math.floor(ROWS * 0.9), limit: PAGE });
  const deepAfter = await timed(100, () =>
    store.page('77', { after: deepPage.rows[0]?.participantId ?? '', limit: PAGE }),
  );
  const counts = await timed(100, () => store.counts('77'));
  const register = await timed(20, () => store.precinctRegister('77', String(1 + Math.floor(rnd() * 3000))));
  const access = await timed(200, (i) =>
    store.grantBallotAccess(
      '77',
      `a${(Math.imul(i * 997, 0x9e3779b1) >>> 0).toString(16).padStart(8, '0')}`,
      new Date(),
    ),
  );

  const sizes = (
    await pool.query<{ heap: string; indexes: string }>(
      `SELECT pg_size_pretty(pg_relation_size('participants')) AS heap,
              pg_size_pretty(pg_indexes_size('participants')) AS indexes`,
    )
  ).rows[0];

  // The two import methods side by side on a further region, with the 5 M rows already there.
  const compare: Record<string, number> = {};
  for (const method of ['copy', 'unnest'] as const) {
    log(`importing ${COMPARE_ROWS} more participants with ${method}`);
    const t = performance.now();
    await store.importList(
      `cmp-${method}`,
      participants(COMPARE_ROWS, method === 'copy' ? 2 : 3, method[0] ?? 'x'),
      {
        compiledAt: new Date(),
        method,
      },
    );
    compare[`${method}RowsPerSecond`] = Math.round(COMPARE_ROWS / ((performance.now() - t) / 1000));
  }

  process.stdout.write(
    `${JSON.stringify({
      benchmark: 'participant-lists',
      server: 'embedded PostgreSQL 18, durable: false (fsync off, asynchronous commit), shared_buffers 2GB',
      machine: { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
      import: {
        rows: imported.participants,
        method: 'COPY FROM STDIN, streamed; then compile (count, row-number marks) and ANALYZE',
        totalSeconds: Math.round(importSeconds * 10) / 10,
        copySeconds: Math.round(copySeconds * 10) / 10,
        rowsPerSecond: Math.round(imported.participants / importSeconds),
        targetSeconds: 300,
      },
      importMethods: { rows: COMPARE_ROWS, ...compare },
      sizes,
      searchPageMs: { ...search, targetMs: 50, rowsPerPage: PAGE, rowsFoundInFirst20: matched },
      searchFirstAndNextPageMs: searchNext,
      deepOffsetPageMs: deepOffset,
      deepAfterPageMs: deepAfter,
      countsMs: counts,
      precinctRegisterMs: register,
      grantBallotAccessMs: access,
    })}\n`,
  );
} finally {
  await pool.end();
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
