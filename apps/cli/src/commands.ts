/**
 * The commands of `opendeg`: their names, help (Russian first, English second) and where their code
 * is. A command's module is loaded only when it runs, so `--help` and a usage error stay fast and do
 * not load the database driver, the HTTP server or the cryptography.
 *
 * A later issue adds a command by adding an entry here and a module under `commands/`; a new group
 * (`opendeg ceremony …`) is a new first word in `path` plus an entry in GROUPS.
 */

import type { CommandContext } from './cli-io.ts';

export interface Bilingual {
  readonly ru: string;
  readonly en: string;
}

export type RunCommand = (argv: readonly string[], ctx: CommandContext) => Promise<number>;

export interface Command {
  /** The words after `opendeg`: `['election', 'init']`. */
  readonly path: readonly string[];
  /** Arguments as shown in the list and in the usage line: `<file> [--force]`. */
  readonly synopsis: string;
  readonly summary: Bilingual;
  /** Options and details, one line each, Russian first then English. */
  readonly details: readonly string[];
  /** Not built yet: listed with a mark, and running it is a usage error (exit 2). */
  readonly notYet?: boolean;
  readonly load: () => Promise<RunCommand>;
}

export interface Group {
  readonly name: string;
  readonly summary: Bilingual;
}

export const GROUPS: readonly Group[] = [
  { name: 'election', summary: { ru: 'конфигурация выборов', en: 'election configuration' } },
  { name: 'register', summary: { ru: 'реестр учётных записей', en: 'register of accounts' } },
  { name: 'keyfile', summary: { ru: 'файлы частей ключа', en: 'key part files' } },
  {
    name: 'bundle',
    summary: { ru: 'пакеты списков и бюллетеней', en: 'list and ballot bundles' },
  },
];

export const COMMANDS: readonly Command[] = [
  {
    path: ['migrate'],
    synopsis: '[--data-dir DIR]',
    summary: { ru: 'применить миграции базы данных', en: 'apply the database migrations' },
    details: [
      'База данных: DATABASE_URL=postgres://…, иначе встроенный сервер PostgreSQL в ./data/postgres.',
      'Database: DATABASE_URL=postgres://…, otherwise the embedded PostgreSQL server in ./data/postgres.',
      '',
      '  --data-dir DIR   каталог встроенного сервера / the embedded server directory (./data/postgres)',
      '',
      'Печатает применённые миграции; повторный запуск ничего не применяет.',
      'Prints the migrations it applied; a second run applies nothing.',
    ],
    load: () => import('./commands/migrate.ts').then((m) => m.runMigrate),
  },
  {
    path: ['election', 'init'],
    synopsis: '<file> [--force] [--voting-first-day YYYY-MM-DD] [--election-id ID]',
    summary: {
      ru: 'записать шаблон конфигурации тренировки',
      en: 'write a training configuration template',
    },
    details: [
      '  --voting-first-day YYYY-MM-DD   первый день голосования / first voting day (через 3 недели / in 3 weeks)',
      '  --election-id ID                идентификатор / identifier (training-<first day>)',
      '  --force                         перезаписать файл / overwrite the file',
      '',
      'Сроки отсчитываются от первого дня голосования так же, как в 2024 году; поля описаны',
      'в apps/cli/README.md. Deadlines are counted from the first voting day as in 2024; the',
      'fields are described in apps/cli/README.md.',
    ],
    load: () => import('./commands/election.ts').then((m) => m.runElectionInit),
  },
  {
    path: ['election', 'check'],
    synopsis: '<file> [--json]',
    summary: { ru: 'проверить конфигурацию выборов', en: 'check an election configuration' },
    details: [
      '  --json   отчёт в JSON / the report as JSON',
      '',
      'Печатает каждую ошибку с путём (JSON Pointer) и кодом. Код выхода 1, если есть ошибки.',
      'Prints every problem with its path (JSON Pointer) and code. Exit code 1 when there are any.',
    ],
    load: () => import('./commands/election.ts').then((m) => m.runElectionCheck),
  },
  {
    path: ['register', 'generate'],
    synopsis: '--size N --out FILE.jsonl [--seed S] [--reference-date YYYY-MM-DD] [--force]',
    summary: {
      ru: 'сгенерировать реестр учётных записей (JSON Lines)',
      en: 'generate a register of accounts (JSON Lines)',
    },
    details: [
      '  --size N                      число записей / number of accounts (до / up to 10 000 000)',
      '  --out FILE                    файл JSON Lines, «-» — stdout / JSON Lines file, "-" for stdout',
      '  --seed S                      зерно / seed (1); один и тот же реестр для одного зерна / same seed, same register',
      '  --reference-date YYYY-MM-DD   от этой даты считается возраст / ages are counted back from it (today)',
      '  --force                       перезаписать файл / overwrite the file',
    ],
    load: () => import('./commands/register.ts').then((m) => m.runRegisterGenerate),
  },
  {
    path: ['verify'],
    synopsis: '<record> [--json] [--backend noble|libsodium|auto]',
    summary: {
      ru: 'проверить запись выборов (каталог или .tar)',
      en: 'verify an election record (directory or .tar)',
    },
    details: [
      '  --json                             отчёт в JSON / the report as JSON',
      '  --backend noble|libsodium|auto     реализация группы / group implementation (auto)',
      '',
      'Выполняет все проверки V.1–V.9 и перечисляет каждую ошибку (P-10.10). Код 1 — проверка не пройдена.',
      'Runs every check V.1–V.9 and lists every failure (P-10.10). Exit code 1: a check failed.',
    ],
    load: () => import('./commands/verify.ts').then((m) => m.runVerify),
  },
  {
    path: ['keyfile', 'inspect'],
    synopsis: '<file> [--json]',
    summary: {
      ru: 'показать, чья это часть ключа, без пароля',
      en: 'show whose key part a file holds, without the passphrase',
    },
    details: [
      '  --json   сведения в JSON / the metadata as JSON',
      '',
      'Сведения проверены на целостность, но без пароля не заверены (P-5.5).',
      'The metadata is checked for integrity but not authenticated without the passphrase (P-5.5).',
      'Код 1 — файл повреждён или изменён / exit code 1: the file is damaged or was modified.',
    ],
    load: () => import('./commands/keyfile.ts').then((m) => m.runKeyfileInspect),
  },
  {
    path: ['keys'],
    synopsis: 'enrol|deal|combine [--server URL --ceremony ID] [--dir DIR] [--out FILE]',
    summary: {
      ru: 'держатель части ключа в распределённом формировании ключей (P-5.2–P-5.6)',
      en: "a key part holder's side of the distributed key ceremony (P-5.2–P-5.6)",
    },
    details: [
      '  enrol --server URL --ceremony ID   код держателя в OPENDEG_HOLDER_TOKEN / the holder token in OPENDEG_HOLDER_TOKEN',
      '  deal                               раздать доли / deal the shares (round 1)',
      '  combine [--out FILE]               пароль в OPENDEG_KEY_PASSPHRASE / the passphrase in OPENDEG_KEY_PASSPHRASE',
      '  --dir DIR   ключ передачи и состояние, holder.json (0600) / transport key and state (.)',
      'Код 1 — отказ сервера или жалоба на долю / exit code 1: the server refused, or a share was complained of.',
    ],
    load: () => import('./commands/keys.ts').then((m) => m.runKeys),
  },
  {
    path: ['bundle', 'make'],
    synopsis: '<source-directory> --election ID --cert CERT.pem --key KEY.pem --out MEDIUM [--kind KIND]',
    summary: { ru: 'собрать и подписать пакет (P-3.1)', en: 'make and sign a bundle (P-3.1)' },
    details: [
      'Каждый файл каталога — на новый носитель только для чтения, с перечнем SHA-256, подписанным',
      'ключом центра обработки данных (CMS). Пароль ключа — в переменной OPENDEG_KEY_PASSPHRASE.',
      'Every file of the directory goes on a new read-only medium with a SHA-256 manifest signed by the',
      "data centre's key (CMS). The key's passphrase is read from OPENDEG_KEY_PASSPHRASE.",
      '  --kind KIND   вид пакета / bundle kind (list-and-ballot-data)',
    ],
    load: () => import('./commands/bundle.ts').then((m) => m.runBundleMake),
  },
  {
    path: ['bundle', 'verify'],
    synopsis: '<medium-directory> --election ID --root ROOT.pem [--at ISO-TIME] [--json]',
    summary: { ru: 'проверить пакет перед загрузкой (P-3.2)', en: 'verify a bundle before loading (P-3.2)' },
    details: [
      'Подпись под доверенным корнем, роль подписавшего (центр обработки данных), выборы и каждый файл.',
      "The signature under the trusted root, the signer's role (data centre), the election and every file.",
      'Код 1 — пакет не прошёл проверку / exit code 1: the bundle failed a check.',
    ],
    load: () => import('./commands/bundle.ts').then((m) => m.runBundleVerify),
  },
  {
    path: ['bundle', 'load'],
    synopsis: '…',
    summary: { ru: 'проверить и загрузить пакет (P-3.2)', en: 'verify and load a bundle (P-3.2)' },
    details: [
      'Проверяет пакет, загружает списки (lists/<регион>.csv) и записывает хеш пакета.',
      "Verifies the bundle, loads the lists (lists/<region>.csv) and records the bundle's hash.",
      'База данных: DATABASE_URL, иначе встроенный сервер / Database: DATABASE_URL, else the embedded server.',
      '  --data-dir DIR   каталог встроенного сервера / the embedded server directory (./data/postgres)',
    ],
    load: () => import('./commands/bundle.ts').then((m) => m.runBundleLoad),
  },
  {
    path: ['start'],
    synopsis:
      '[--port 3000] [--api-port 3001] [--config FILE] [--scenario-start ISO] [--no-build] [--data-dir DIR] [--seed-voters N]',
    summary: {
      ru: 'запустить всё с демонстрационной тренировкой',
      en: 'start everything with the demo training run',
    },
    details: [
      'Веб-интерфейс и API на одном адресе, встроенный PostgreSQL в ./data, имитация ЕСИА, SMS-ящик,',
      'часы сценария (/dev/clock). Печатает адреса и учётные записи. То же, что npm start.',
      'The web front end and the API on one origin, the embedded PostgreSQL in ./data, the identity',
      'stand-in, the SMS outbox, the scenario clock (/dev/clock). Prints the addresses and logins. Same as npm start.',
      '  --data-dir DIR     данные / data (./data)',
      '  --seed-voters N    участников в демонстрационных списках / participants seeded on the lists (250; 0 — пусто / empty)',
    ],
    load: () => import('./commands/start.ts').then((m) => m.runStart),
  },
  {
    path: ['demo'],
    synopsis: '--voters N [--seed S] [--keep DIR] [--json] [--concurrency C]',
    summary: {
      ru: 'провести тренировочные выборы целиком через API и сверить подсчёт',
      en: 'run a whole training election through the API and check the count',
    },
    details: [
      'Запускает то же, что opendeg start (PostgreSQL во временном каталоге), и проводит через HTTP API',
      'заявления, обработку, списки, формирование ключей, голосование по часовым поясам, расшифровку,',
      'протокол и передачу итогов; затем проверяет запись выборов и сверяет поданные голоса с итогами.',
      'Starts what opendeg start does (PostgreSQL in a temporary directory) and drives, through the HTTP',
      'API, applications, processing, lists, key ceremonies, voting across time zones, decryption, the',
      'protocol and the hand-over; then verifies the election record and compares cast with counted.',
      '',
      '  --voters N        число избирателей / number of voters (1..100 000)',
      '  --seed S          зерно: избиратели и их выбор / seed of the voters and their choices (1)',
      '  --keep DIR        оставить базу, журнал и запись в DIR / keep the database, log and record in DIR',
      '  --json            итог в JSON на stdout / the summary as JSON on stdout',
      '  --concurrency C   избирателей одновременно / voters in flight (4)',
      '  --tamper count    только для проверки: изменить итог одного субъекта в урне до подсчёта /',
      "                    for tests only: alter one region's running tally before the close (exit 1)",
      '',
      'Код 1 — расхождение или проверка не пройдена / exit code 1: a discrepancy or a failed check.',
    ],
    load: () => import('./commands/demo.ts').then((m) => m.runDemo),
  },
  {
    path: ['observer'],
    synopsis: 'follow|query|verify-evidence …',
    summary: {
      ru: 'узел наблюдателя: репликация, проверка, запросы (P-10.7)',
      en: 'the observer node: replicate, verify, query (P-10.7)',
    },
    details: [
      'Аргументы — как у opendeg-observer (apps/observer): follow <url> --log-key …, query <node> …,',
      'verify-evidence <file>. Arguments as for opendeg-observer: follow, query, verify-evidence.',
      'Код 1 — тревога / exit code 1: an alarm was raised (evidence saved).',
    ],
    load: () =>
      import('@opendeg/observer/cli').then(
        (m) => (argv: readonly string[], ctx: CommandContext) => m.main(argv, ctx.io),
      ),
  },
];
