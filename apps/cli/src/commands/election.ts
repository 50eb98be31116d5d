/**
 * `opendeg election init <file>`: writes a training configuration to start from (see
 * `election-template.ts`), checked before it is written, never over an existing file without
 * `--force`. `opendeg election check <file>`: validates a configuration with packages/deg's
 * `parseElectionConfig` and prints every problem with its JSON Pointer and code; exit 1 if any.
 */

import { readFile, writeFile } from 'node:fs/promises';
import { localDate, parseElectionConfig } from '@opendeg/deg';
import type { ConfigError, ElectionConfig } from '@opendeg/deg';
import { dayOption, parseCommandArgs, takePositionals } from '../args.ts';
import { badInput, EXIT_FAILED, EXIT_OK } from '../cli-io.ts';
import type { CommandContext } from '../cli-io.ts';
import { addDays, trainingTemplate } from '../election-template.ts';

/** The default first voting day of a new training run: three weeks ahead, in Moscow's calendar. */
const DEFAULT_LEAD_DAYS = 21;

export async function runElectionInit(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    force: { type: 'boolean' },
    'voting-first-day': { type: 'string' },
    'election-id': { type: 'string' },
  });
  const [file] = takePositionals(positionals, ['file']) as [string];
  const firstDay =
    values['voting-first-day'] === undefined
      ? addDays(localDate(ctx.now(), 'Europe/Moscow'), DEFAULT_LEAD_DAYS)
      : dayOption(values['voting-first-day'], '--voting-first-day');
  const config = trainingTemplate({
    votingFirstDay: firstDay,
    ...(values['election-id'] === undefined ? {} : { electionId: values['election-id'] }),
  });
  const checked = parseElectionConfig(config);
  if (!checked.ok) {
    // Only the options can make the template invalid (an identifier with a space, …).
    throw badInput(
      'шаблон с этими параметрами неверен / the template with these options is invalid:\n' +
        formatProblems(checked.errors),
    );
  }
  try {
    await writeFile(file, JSON.stringify(config, null, 2) + '\n', {
      encoding: 'utf8',
      flag: values.force === true ? 'w' : 'wx',
    });
  } catch (e) {
    if ((e as { code?: unknown }).code === 'EEXIST') {
      throw badInput(
        `файл уже существует, перезапись: --force / the file exists, to overwrite it: --force: ${file}`,
      );
    }
    throw e;
  }
  ctx.io.stdout(
    [
      `Записан шаблон тренировки / Wrote a training template: ${file}`,
      `  Выборы / Election: ${config.electionId}`,
      `  Голосование / Voting: ${config.schedule.voting.firstDay} — ${config.schedule.voting.lastDay}`,
      `Описание полей / Field reference: apps/cli/README.md`,
      `Проверка после правки / Check after editing: opendeg election check ${file}`,
      '',
    ].join('\n'),
  );
  return EXIT_OK;
}

/** Titles of parseElectionConfig's error codes: Russian first, English second. */
const CODE_TITLES: Record<ConfigError['code'], string> = {
  SCHEMA: 'структура / schema',
  REFERENCE: 'ссылка / reference',
  TIME: 'дата или пояс / date or time zone',
  ORDER: 'порядок сроков / order of deadlines',
  COMMISSION: 'состав комиссии / commission',
  DUPLICATE: 'повтор / duplicate',
};

export async function runElectionCheck(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } });
  const [file] = takePositionals(positionals, ['file']) as [string];
  const text = await readFile(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw badInput(`не JSON / not JSON: ${file}: ${e instanceof Error ? e.message : String(e)}`, e);
  }
  const result = parseElectionConfig(json);
  if (values.json === true) {
    const report = result.ok ? { file, ok: true, errors: [] } : { file, ok: false, errors: result.errors };
    ctx.io.stdout(JSON.stringify(report, null, 2) + '\n');
    return result.ok ? EXIT_OK : EXIT_FAILED;
  }
  if (!result.ok) {
    ctx.io.stdout(
      [
        `Проверка конфигурации / Configuration check: ${file}`,
        formatProblems(result.errors),
        `Итог: конфигурация НЕВЕРНА, ошибок: ${result.errors.length} / ` +
          `Result: the configuration is INVALID, problems: ${result.errors.length}`,
        '',
      ].join('\n'),
    );
    return EXIT_FAILED;
  }
  ctx.io.stdout(summary(file, result.config));
  return EXIT_OK;
}

function formatProblems(errors: readonly ConfigError[]): string {
  return errors.map((e) => `  ✗ ${e.path} ${e.code} (${CODE_TITLES[e.code]}): ${e.message}`).join('\n');
}

function summary(file: string, c: ElectionConfig): string {
  const kind = c.kind === 'training' ? 'тренировка / training run' : 'выборы / election';
  return [
    `Проверка конфигурации / Configuration check: ${file}`,
    `  Выборы / Election: ${c.electionId} (${kind})`,
    `  Голосование / Voting: ${c.schedule.voting.firstDay} — ${c.schedule.voting.lastDay}, ` +
      `${c.schedule.voting.opens}–${c.schedule.voting.closes}`,
    `  Регионов / Regions: ${c.regions.length}; комплектов ключей / key groups: ${c.keyGroups.length}; ` +
      `членов комиссии / commission members: ${c.commission.members.length}`,
    'Итог: конфигурация верна / Result: the configuration is valid',
    '',
  ].join('\n');
}
