/**
 * `opendeg bundle make|verify|load`: the signed list and ballot data bundle (P-3.1, P-3.2, P-4.2).
 *
 * `make` is the data centre's step: every file under a source directory goes on a new, read-only
 * medium with a SHA-256 manifest signed by the data centre's key (detached CMS). `verify` is the
 * commission's check before loading: the signature under the trusted root, the signer's role, the
 * election and every file. `load` then puts each region's list (`lists/<region>.csv`) into the
 * platform's database, compiled (P-3.3), and records the bundle's hash together with the ballot's
 * source data (`ballot/source.json`, P-4.2), when the bundle carries them, in one transaction.
 */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { migrate, openDatabase, ParticipantListStore } from '@opendeg/db';
import {
  acceptBallotUpdate,
  makeBundle,
  openKeyFile,
  parseElectionConfig,
  parseListCsv,
  verifyBundle,
  type BallotSource,
  type ElectionConfig,
} from '@opendeg/deg';
import { currentBallotSource, loadBallotVersion, parseBallotSourceFile, writeAudit } from '@opendeg/server';
import type pg from 'pg';
import { readBundleDirectory, writeBundleDirectory } from '@opendeg/deg/node';
import { parseCommandArgs, takePositionals } from '../args.ts';
import { badInput, CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../cli-io.ts';
import type { CommandContext } from '../cli-io.ts';
import { createProgress } from '../progress.ts';

/** The passphrase of the signer's key file: from the environment, never from the command line. */
const PASSPHRASE_VARIABLE = 'OPENDEG_KEY_PASSPHRASE';

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw badInput(`не прочитан ${what} / cannot read the ${what}: ${file}`, e);
  }
}

export async function runBundleMake(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    election: { type: 'string' },
    kind: { type: 'string', default: 'list-and-ballot-data' },
    cert: { type: 'string' },
    key: { type: 'string' },
    out: { type: 'string' },
  });
  const [source] = takePositionals(positionals, ['source-directory']) as [string];
  if (
    values.election === undefined ||
    values.cert === undefined ||
    values.key === undefined ||
    values.out === undefined
  ) {
    throw badInput(
      'нужны --election, --cert, --key и --out / --election, --cert, --key and --out are required',
    );
  }
  const passphrase = process.env[PASSPHRASE_VARIABLE];
  if (passphrase === undefined || passphrase === '') {
    throw badInput(
      `пароль ключа — в переменной ${PASSPHRASE_VARIABLE} / put the key passphrase in ${PASSPHRASE_VARIABLE}`,
    );
  }
  const opened = await openKeyFile(await readText(values.key, 'файл ключа / key file'), passphrase);
  if (!opened.ok)
    throw new CliError(EXIT_USAGE, `${opened.message.ru} / ${opened.message.en} (${opened.code})`);
  const files = await readBundleDirectory(source);
  if (files.size === 0) throw badInput(`в каталоге нет файлов / the directory has no files: ${source}`);
  let bundle;
  try {
    bundle = await makeBundle({
      electionId: values.election,
      kind: values.kind,
      createdAt: ctx.now(),
      files,
      signer: {
        certificate: await readText(values.cert, 'сертификат / certificate'),
        privateKey: opened.privateKey,
      },
    });
  } catch (e) {
    if (e instanceof TypeError) throw badInput(e.message, e);
    throw e;
  }
  try {
    await writeBundleDirectory(values.out, bundle);
  } catch (e) {
    throw badInput((e as Error).message, e);
  }
  ctx.io.stdout(
    [
      `Пакет записан / Bundle written: ${values.out}`,
      `  Файлов / Files: ${bundle.manifest.files.length}`,
      `  Хеш пакета (SHA-256 перечня) / Bundle hash (SHA-256 of the manifest): ${bundle.hash}`,
      '',
    ].join('\n'),
  );
  return EXIT_OK;
}

export async function runBundleVerify(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    election: { type: 'string' },
    root: { type: 'string' },
    at: { type: 'string' },
    json: { type: 'boolean' },
  });
  const [medium] = takePositionals(positionals, ['medium-directory']) as [string];
  if (values.election === undefined || values.root === undefined) {
    throw badInput('нужны --election и --root / --election and --root are required');
  }
  const at = values.at === undefined ? ctx.now() : new Date(values.at);
  if (Number.isNaN(at.getTime())) throw badInput(`--at: не дата / not a date: ${values.at ?? ''}`);
  let files;
  try {
    files = await readBundleDirectory(medium);
  } catch (e) {
    throw badInput((e as Error).message, e);
  }
  const r = await verifyBundle({
    files,
    electionId: values.election,
    trustedRoots: [await readText(values.root, 'корневой сертификат / root certificate')],
    at,
  });
  if (values.json === true) {
    ctx.io.stdout(
      JSON.stringify(
        r.ok
          ? { ok: true, hash: r.bundle.hash, signer: r.signer.subject, files: r.bundle.manifest.files }
          : r,
        null,
        2,
      ) + '\n',
    );
    return r.ok ? EXIT_OK : EXIT_FAILED;
  }
  if (!r.ok) {
    ctx.io.stdout(
      `✗ ${r.code}${r.detail === undefined ? '' : ` (${r.detail})`}: ${r.message.ru} / ${r.message.en}\n`,
    );
    return EXIT_FAILED;
  }
  ctx.io.stdout(
    [
      `✓ Пакет проверен / Bundle verified: ${medium}`,
      `  Подписал / Signed by: ${r.signer.subject}`,
      `  Выборы / Election: ${r.bundle.manifest.electionId}; вид / kind: ${r.bundle.manifest.kind}`,
      `  Файлов / Files: ${r.bundle.manifest.files.length}`,
      `  Хеш пакета / Bundle hash: ${r.bundle.hash}`,
      '',
    ].join('\n'),
  );
  return EXIT_OK;
}

const LIST_FILE = /^lists\/([A-Za-z0-9][A-Za-z0-9._-]{0,63})\.csv$/;
/** P-4.2: the ballot's source data in the bundle (packages/deg BallotSource as JSON). */
const BALLOT_FILE = 'ballot/source.json';

/**
 * P-4.2, P-4.3: the bundle's ballot source data, checked against the election and the version
 * loaded before anything is written (deg acceptBallotUpdate: the next version, before voting starts).
 */
async function checkBallotFile(
  pool: pg.Pool,
  electionId: string,
  bytes: Uint8Array | undefined,
  now: Date,
): Promise<{ config: ElectionConfig; source: BallotSource } | undefined> {
  if (bytes === undefined) return undefined;
  const refuse = (why: string): never => {
    throw new CliError(EXIT_FAILED, `${BALLOT_FILE} не загружен / not loaded: ${why}`);
  };
  const parsed = parseBallotSourceFile(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  if (!parsed.ok) return refuse(parsed.problems.join('; '));
  const stored = await pool.query<{ config: unknown }>('SELECT config FROM elections WHERE id = $1', [
    electionId,
  ]);
  const config = parseElectionConfig(stored.rows[0]?.config);
  if (!config.ok)
    return refuse(
      `конфигурация выборов ${electionId} не прочитана / the election's configuration is not usable`,
    );
  const accepted = acceptBallotUpdate(
    config.config,
    await currentBallotSource(pool, electionId),
    parsed.source,
    now,
  );
  if (!accepted.ok) return refuse(`${accepted.message.ru} / ${accepted.message.en} (${accepted.code})`);
  return { config: config.config, source: parsed.source };
}

/**
 * P-3.2: verify, then load every region's list and record the bundle. Lists that already exist and a
 * bundle loaded before are refused before anything is written; each region's import is one
 * transaction, so a failure leaves no half-loaded list (the regions before it stay loaded and the
 * message names them).
 */
export async function runBundleLoad(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    election: { type: 'string' },
    root: { type: 'string' },
    'data-dir': { type: 'string' },
  });
  const [medium] = takePositionals(positionals, ['medium-directory']) as [string];
  if (values.election === undefined || values.root === undefined) {
    throw badInput('нужны --election и --root / --election and --root are required');
  }
  const electionId = values.election;
  let files;
  try {
    files = await readBundleDirectory(medium);
  } catch (e) {
    throw badInput((e as Error).message, e);
  }
  const now = ctx.now();
  const checked = await verifyBundle({
    files,
    electionId,
    trustedRoots: [await readText(values.root, 'корневой сертификат / root certificate')],
    at: now,
  });
  if (!checked.ok) {
    ctx.io.stdout(
      `✗ ${checked.code}${checked.detail === undefined ? '' : ` (${checked.detail})`}: ${checked.message.ru} / ${checked.message.en}\n`,
    );
    return EXIT_FAILED;
  }
  const lists = checked.bundle.manifest.files
    .map((f) => ({ name: f.name, region: LIST_FILE.exec(f.name)?.[1] }))
    .filter((f): f is { name: string; region: string } => f.region !== undefined);
  const db = await openDatabase({ dataDir: values['data-dir'] ?? path.join('data', 'postgres'), poolMax: 4 });
  try {
    await migrate(db.pool);
    const hash = Buffer.from(checked.bundle.hash, 'hex');
    const seen = await db.pool.query('SELECT 1 FROM loaded_bundles WHERE hash = $1', [hash]);
    if ((seen.rowCount ?? 0) > 0) {
      throw new CliError(
        EXIT_FAILED,
        `пакет уже загружен / the bundle was loaded before: ${checked.bundle.hash}`,
      );
    }
    const existing = await db.pool.query<{ region: string }>(
      'SELECT region FROM participant_lists WHERE election_id = $1 AND region = ANY($2)',
      [electionId, lists.map((l) => l.region)],
    );
    if ((existing.rowCount ?? 0) > 0) {
      throw new CliError(
        EXIT_FAILED,
        `списки уже составлены, добавлять нельзя (P-3.3) / lists already compiled, nobody may be added (P-3.3): ${existing.rows.map((r) => r.region).join(', ')}`,
      );
    }
    const ballot = await checkBallotFile(db.pool, electionId, files.get(BALLOT_FILE), now);
    const store = new ParticipantListStore(db.pool, electionId);
    const loaded: string[] = [];
    for (const l of lists) {
      const participants = parseListCsv(new TextDecoder('utf-8', { fatal: true }).decode(files.get(l.name)));
      const progress = createProgress({
        label: `Список / List ${l.region}`,
        total: participants.length,
        write: ctx.io.stderr,
        isTty: ctx.io.stderrIsTty,
      });
      try {
        await store.importList(l.region, participants, {
          compiledAt: now,
          onProgress: (n) => {
            progress.update(n);
          },
        });
      } catch (e) {
        throw new CliError(
          EXIT_FAILED,
          `список ${l.region} не загружен / list ${l.region} not loaded: ${(e as Error).message}` +
            (loaded.length > 0 ? ` (загружены / loaded: ${loaded.join(', ')})` : ''),
        );
      }
      progress.finish();
      loaded.push(l.region);
    }
    // The bundle's record and its ballot version land together (or neither does).
    const client = await db.pool.connect();
    let ballotVersion: number | undefined;
    try {
      await client.query('BEGIN');
      await client.query(
        'INSERT INTO loaded_bundles (hash, election_id, kind, manifest, signer, loaded_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [
          hash,
          electionId,
          checked.bundle.manifest.kind,
          JSON.stringify(checked.bundle.manifest),
          checked.signer.subject,
          now,
        ],
      );
      if (ballot !== undefined) {
        const made = await loadBallotVersion(client, {
          electionId,
          config: ballot.config,
          source: ballot.source,
          at: now,
          origin: { kind: 'bundle', bundleHash: checked.bundle.hash },
        });
        if (!made.ok) {
          throw new CliError(
            EXIT_FAILED,
            `${BALLOT_FILE} не загружен / not loaded: ${made.message.ru} / ${made.message.en} (${made.code})` +
              (loaded.length > 0 ? ` (списки загружены / lists loaded: ${loaded.join(', ')})` : ''),
          );
        }
        ballotVersion = made.version.version;
        // Who runs the command is not known here (chairman or operator, P-3.2): the system loads it.
        await writeAudit(client, {
          electionId,
          at: now,
          actorRole: 'system',
          action: 'ballot.load',
          disposition: 'success',
          details: {
            version: made.version.version,
            origin: 'bundle',
            bundleHash: checked.bundle.hash,
            sha256: made.version.sha256Hex,
          },
        });
      }
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
    ctx.io.stdout(
      [
        `✓ Пакет загружен / Bundle loaded: ${checked.bundle.hash}`,
        `  Списки / Lists: ${loaded.join(', ') || '—'}`,
        ...(ballotVersion !== undefined
          ? [`  Исходные данные бюллетеня / Ballot source data: версия / version ${ballotVersion}`]
          : []),
        '',
      ].join('\n'),
    );
    return EXIT_OK;
  } finally {
    await db.close();
  }
}
