/**
 * `opendeg bundle make|verify|load`: the signed list and ballot data bundle (P-3.1, P-3.2, P-4.2).
 *
 * `make` is the data centre's step: every file under a source directory goes on a new, read-only
 * medium with a SHA-256 manifest signed by the data centre's key (detached CMS). `verify` is the
 * commission's check before loading: the signature under the trusted root, the signer's role, the
 * election and every file. `load` then puts each region's list (`lists/<region>.csv`) into the
 * platform's database, compiled (P-3.3), and records the bundle's hash together with the ballot's
 * source data (`ballot/source.json`, P-4.2), when the bundle carries them, in one transaction (the
 * workstation's own load, apps/server `loadBundle`).
 */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { migrate, openDatabase } from '@opendeg/db';
import { makeBundle, openKeyFile, parseElectionConfig, verifyBundle } from '@opendeg/deg';
import { ApiError, loadBundle, type LoadedBundle } from '@opendeg/server';
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

/**
 * P-3.2, P-3.3, P-4.2: verify, then load every region's list (compiled) and the ballot's source data,
 * and record the bundle — the workstation's load (apps/server bundles/bundle-load.ts `loadBundle`),
 * run by the `system` actor: one transaction, so any refusal leaves nothing of the bundle behind,
 * and the same bundle a second time reports the earlier load and writes nothing.
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
  const trustedRoots = [await readText(values.root, 'корневой сертификат / root certificate')];
  const db = await openDatabase({ dataDir: values['data-dir'] ?? path.join('data', 'postgres'), poolMax: 4 });
  try {
    await migrate(db.pool);
    const stored = await db.pool.query<{ config: unknown }>('SELECT config FROM elections WHERE id = $1', [
      electionId,
    ]);
    if (stored.rows.length === 0) {
      throw new CliError(
        EXIT_FAILED,
        `выборы ${electionId} не загружены / election ${electionId} is not loaded`,
      );
    }
    const config = parseElectionConfig(stored.rows[0]?.config);
    if (!config.ok) {
      throw new CliError(
        EXIT_FAILED,
        `конфигурация выборов ${electionId} не прочитана / the election's configuration is not usable`,
      );
    }
    let bar: { region: string; progress: ReturnType<typeof createProgress> } | undefined;
    let loaded: LoadedBundle;
    try {
      loaded = await loadBundle(db.pool, {
        electionId,
        config: config.config,
        files,
        trustedRoots,
        at: ctx.now(),
        // Who runs the command is not known here (chairman or operator, P-3.2): the system loads it.
        actorRole: 'system',
        onProgress: (region, done, total) => {
          if (bar?.region !== region) {
            bar?.progress.finish();
            const progress = createProgress({
              label: `Список / List ${region}`,
              total,
              write: ctx.io.stderr,
              isTty: ctx.io.stderrIsTty,
            });
            bar = { region, progress };
          }
          bar.progress.update(done);
        },
      });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      // The refusal's code and its two-language message; nothing of the bundle was written.
      ctx.io.stdout(`✗ ${e.code}: ${e.message}\n`);
      ctx.io.stderr(
        `пакет не загружен, ничего не записано / the bundle is not loaded, nothing was written (${e.code})\n`,
      );
      return EXIT_FAILED;
    }
    bar?.progress.finish();
    const lists = loaded.regions.map((r) => `${r.region} (${r.participants})`).join(', ') || '—';
    ctx.io.stdout(
      [
        loaded.alreadyLoaded
          ? `✓ Пакет уже был загружен ${loaded.loadedAt.toISOString()}, ничего не записано / The bundle was loaded before, at ${loaded.loadedAt.toISOString()}; nothing was written: ${loaded.hash}`
          : `✓ Пакет загружен / Bundle loaded: ${loaded.hash}`,
        `  Списки / Lists: ${lists}`,
        ...(loaded.ballotVersion !== undefined
          ? [`  Исходные данные бюллетеня / Ballot source data: версия / version ${loaded.ballotVersion}`]
          : []),
        '',
      ].join('\n'),
    );
    return EXIT_OK;
  } finally {
    await db.close();
  }
}
