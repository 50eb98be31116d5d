/**
 * `opendeg start` (`npm start`): everything on one machine for a newcomer — the API on the embedded
 * PostgreSQL under ./data with the demo training election (apps/server/dev/demo-election.json: the
 * 28 regions of the 2024 federal run and Moscow in their own time zones, Kaliningrad in a late key
 * group, the ballot in Chuvash for Chuvashia), the identity stand-in, the SMS outbox and the scenario
 * clock, behind the web front end on one origin. Prints the addresses, the demo logins and how to
 * move the scenario clock from phase to phase. Ctrl+C stops both processes.
 */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { localToInstant, parseElectionConfig, votingWindow } from '@opendeg/deg';
import { generateRegister } from '@opendeg/server';
import { parseCommandArgs, takePositionals } from '../args.ts';
import { CliError, type CommandContext } from '../cli-io.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const at = (p: string): string => `${root}${p}`;
const TSX_LOADER = at('node_modules/tsx/dist/loader.mjs');

function line(ctx: CommandContext, text = ''): void {
  ctx.io.stdout(`${text}\n`);
}

export async function runStart(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    port: { type: 'string' },
    'api-port': { type: 'string' },
    config: { type: 'string' },
    'scenario-start': { type: 'string' },
    'no-build': { type: 'boolean' },
  });
  takePositionals(positionals, []);
  const port = Number(values.port ?? '3000');
  const apiPort = Number(values['api-port'] ?? String(port + 1));
  const configFile = values.config ?? at('apps/server/dev/demo-election.json');
  const parsed = parseElectionConfig(JSON.parse(fs.readFileSync(configFile, 'utf8')));
  if (!parsed.ok) throw new CliError(1, `конфигурация неверна / invalid configuration: ${configFile}`);
  const config = parsed.config;
  const ref = config.schedule.referenceTimeZone;
  // The scenario starts the day the applications open, so a trainee can apply first.
  const scenarioStart =
    values['scenario-start'] ?? localToInstant(config.schedule.applications.opens, ref).toISOString();
  const publicUrl = `http://localhost:${port}`;

  if (values['no-build'] !== true) {
    line(ctx, 'Сборка веб-интерфейса / Building the web front end …');
    const build = spawnSync('npm', ['run', 'build', '-w', '@opendeg/web', '--silent'], {
      cwd: root,
      stdio: 'inherit',
    });
    if (build.status !== 0) throw new CliError(1, 'сборка не удалась / the build failed');
  }

  const children: ChildProcess[] = [];
  const stop = (): void => {
    for (const c of children) c.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const register = generateRegister({
    seed: 1,
    count: 1000,
    referenceDate: new Date(`${config.schedule.voting.lastDay}T00:00:00Z`),
  });
  const operator = register[0];
  if (operator === undefined) throw new CliError(1, 'empty register');

  children.push(
    spawn(process.execPath, ['--import', TSX_LOADER, at('apps/server/src/main.ts')], {
      cwd: process.cwd(),
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        ELECTION_CONFIG: configFile,
        PORT: String(apiPort),
        PUBLIC_URL: publicUrl,
        SCENARIO_START: scenarioStart,
        REGISTER_SEED: '1',
        REGISTER_SIZE: '1000',
        BOOTSTRAP_OPERATOR_SUB: operator.id,
      },
    }),
    spawn(process.execPath, ['--import', TSX_LOADER, at('apps/web/server/serve.ts')], {
      cwd: at('apps/web'),
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, PORT: String(port), API_URL: `http://127.0.0.1:${apiPort}` },
    }),
  );

  // Ready when the API answers through the web server.
  const deadline = Date.now() + 180_000;
  for (;;) {
    const ok = await fetch(`${publicUrl}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline || children.some((c) => c.exitCode !== null)) {
      stop();
      throw new CliError(1, 'сервер не запустился / the server did not start (see above)');
    }
    await new Promise((r) => setTimeout(r, 500));
  }

  const kamchatka = config.regions.find((r) => r.timeZone === 'Asia/Kamchatka') ?? config.regions[0];
  const opens = kamchatka !== undefined ? votingWindow(config, kamchatka.code).opens.toISOString() : '';
  const name = (i: number): string => {
    const a = register[i];
    return a === undefined
      ? ''
      : `${a.id}  ${a.familyName} ${a.givenName} ${a.middleName} (${a.address.region})`;
  };
  line(ctx);
  line(ctx, `OpenDEG: ${config.title.ru} / ${config.title.en ?? ''}`);
  line(ctx, `  Портал / Portal:                 ${publicUrl}/`);
  line(ctx, `  Наблюдение / Observer portal:    ${publicUrl}/observe`);
  line(ctx, `  API (OpenAPI):                   ${publicUrl}/openapi.json`);
  line(ctx, `  SMS-коды / SMS outbox:           ${publicUrl}/dev/sms?phone=+7…`);
  line(ctx, `  Часы сценария / Scenario clock:  ${publicUrl}/dev/clock (сейчас / now ${scenarioStart})`);
  line(ctx);
  line(ctx, 'Учётные записи (имитация ЕСИА, без пароля) / Demo logins (identity stand-in, no password):');
  line(ctx, `  оператор / operator:  ${name(0)}`);
  line(ctx, `  избиратели / voters:  ${name(4)}`);
  line(ctx, `                        ${name(5)}`);
  line(ctx);
  line(ctx, 'Перевести часы к началу голосования на Камчатке / Move the clock to voting in Kamchatka:');
  line(
    ctx,
    `  curl -X POST -H 'content-type: application/json' -d '{"to":"${opens}"}' ${publicUrl}/dev/clock`,
  );
  line(ctx, 'Остановить: Ctrl+C / Stop: Ctrl+C');

  const exits = children.map(
    (c) =>
      new Promise<number>((resolve) => {
        c.once('exit', (code) => {
          resolve(code ?? 0);
        });
      }),
  );
  const first = await Promise.race(exits);
  stop();
  await Promise.all(exits);
  return first === 0 || first === 143 ? 0 : 1;
}
