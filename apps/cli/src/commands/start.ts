/**
 * `opendeg start` (`npm start`): everything on one machine for a newcomer — the API on the embedded
 * PostgreSQL under ./data with the demo training election (apps/server/dev/demo-election.json: the
 * 28 regions of the 2024 federal run and Moscow in their own time zones, Kaliningrad in a late key
 * group, the ballot in Chuvash for Chuvashia), the identity stand-in, the SMS outbox and the scenario
 * clock, behind the web front end on one origin. The run is seeded (demo/seed.ts): a few hundred
 * fictional participants with accepted applications on the lists, the commission's roles, the keys
 * and the manifest, so that the printed demo logins can vote once the clock reaches voting day.
 * Prints the addresses, the demo logins and how to move the scenario clock from phase to phase.
 * Ctrl+C stops both processes (and the embedded PostgreSQL).
 */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { localToInstant, parseElectionConfig, votingWindow, type ElectionConfig } from '@opendeg/deg';
import {
  generateRegister,
  parseBallotSourceFile,
  registerRegions,
  type RegisterAccount,
} from '@opendeg/server';
import { integerOption, parseCommandArgs, takePositionals } from '../args.ts';
import { CliError, type CommandContext } from '../cli-io.ts';
import { createProgress } from '../progress.ts';
import { Browser } from '../demo/http.ts';
import { isSeeded, seedPlan, seedTraining } from '../demo/seed.ts';
import { at, DEMO_BALLOT, startApiServer, TSX_LOADER, type ApiServer } from '../demo/stack.ts';

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
    'data-dir': { type: 'string' },
    'seed-voters': { type: 'string' },
  });
  takePositionals(positionals, []);
  const port = Number(values.port ?? '3000');
  const apiPort = Number(values['api-port'] ?? String(port + 1));
  const configFile = values.config ?? at('apps/server/dev/demo-election.json');
  const dataDir = path.resolve(values['data-dir'] ?? 'data');
  const seedVoters = integerOption(values['seed-voters'] ?? '250', '--seed-voters', 0, 2000);
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
      cwd: at(''),
      stdio: 'inherit',
    });
    if (build.status !== 0) throw new CliError(1, 'сборка не удалась / the build failed');
  }

  const register = generateRegister({
    seed: 1,
    count: 1000,
    referenceDate: new Date(`${config.schedule.voting.lastDay}T00:00:00Z`),
    regions: registerRegions(config.regions),
  });
  const plan = seedPlan(register, config, seedVoters);
  const operator = plan.operator;

  fs.mkdirSync(dataDir, { recursive: true });
  const apiUrl = `http://127.0.0.1:${String(apiPort)}`;
  // The web server proxies the API on one origin, the identity stand-in's issuer included: it runs
  // first, and the API is ready when it answers through it.
  const web = spawn(process.execPath, ['--import', TSX_LOADER, at('apps/web/server/serve.ts')], {
    cwd: at('apps/web'),
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PORT: String(port), API_URL: apiUrl },
  });
  const webExited = new Promise<number>((resolve) => {
    web.once('exit', (code) => {
      resolve(code ?? 0);
    });
  });
  const api: ApiServer = await startApiServer({
    readyUrl: `${publicUrl}/health`,
    dataDir,
    port: apiPort,
    publicUrl,
    configFile,
    scenarioStart,
    registerSeed: 1,
    registerSize: 1000,
    operatorSub: operator.id,
    ...(values['data-dir'] === undefined ? {} : { logFile: path.join(dataDir, 'server.log') }),
    inheritStderr: values['data-dir'] === undefined,
  }).catch((e: unknown) => {
    web.kill('SIGTERM');
    throw e;
  });
  const children: ChildProcess[] = [api.child, web];
  const signalled = { yes: false };
  const stop = (): void => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  };
  const onSignal = (): void => {
    signalled.yes = true;
    stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    await seed();
  } catch (e) {
    stop();
    await api.stop().catch(() => undefined);
    throw e;
  }
  async function seed(): Promise<void> {
    if (seedVoters === 0 || (await isSeeded(api.db.pool))) return;
    line(
      ctx,
      `Заполнение демонстрационных списков / Seeding the demo lists (${String(plan.voters.length)}) …`,
    );
    const progress = createProgress({
      label: 'Заявления / Applications',
      total: plan.voters.length,
      write: ctx.io.stderr,
      isTty: ctx.io.stderrIsTty,
    });
    // Scenario time runs at real speed from the clock's state now.
    const state = await new Browser(publicUrl).must<{ now: string }>('часы / clock', 'GET', '/dev/clock');
    const base = new Date(state.now).getTime() - Date.now();
    const seeded = await seedTraining({
      baseUrl: publicUrl,
      pool: api.db.pool,
      config,
      ballot: readBallot(),
      plan,
      now: () => new Date(Date.now() + base),
      keyDir: path.join(dataDir, 'demo-keys'),
      onApplied: (n) => {
        progress.update(n);
      },
    });
    progress.finish();
    line(ctx, `  принято заявлений / applications accepted: ${String(seeded.accepted)}`);
  }

  const name = (a: RegisterAccount | undefined): string =>
    a === undefined ? '' : `${a.id}  ${a.familyName} ${a.givenName} ${a.middleName} (${a.address.region})`;
  const [first, second] = plan.voters;
  const opens = firstOpening(config, first?.region);
  const seat = (role: string): RegisterAccount | undefined =>
    plan.members[config.commission.members.findIndex((m) => m.role === role)];
  line(ctx);
  line(ctx, `OpenDEG: ${config.title.ru} / ${config.title.en ?? ''}`);
  line(ctx, `  Портал / Portal:                 ${publicUrl}/`);
  line(ctx, `  Наблюдение / Observer portal:    ${publicUrl}/observe`);
  line(ctx, `  API (OpenAPI):                   ${publicUrl}/openapi.json`);
  line(ctx, `  SMS-коды / SMS outbox:           ${publicUrl}/dev/sms?phone=+7…`);
  line(ctx, `  Часы сценария / Scenario clock:  ${publicUrl}/dev/clock (сейчас / now ${scenarioStart})`);
  line(ctx);
  line(ctx, 'Учётные записи (имитация ЕСИА, без пароля) / Demo logins (identity stand-in, no password):');
  line(ctx, `  оператор / operator:       ${name(operator)}`);
  line(ctx, `  председатель / chairman:   ${name(seat('chairman'))}`);
  line(ctx, `  секретарь / secretary:     ${name(seat('secretary'))}`);
  line(ctx, `  избиратели / voters:       ${name(first?.account)}`);
  line(ctx, `                             ${name(second?.account)}`);
  line(ctx, `  части ключа / key parts:   ${path.join(dataDir, 'demo-keys')}`);
  line(ctx);
  line(ctx, "Перевести часы к началу голосования избирателя / Move the clock to the voter's voting:");
  line(
    ctx,
    `  curl -X POST -H 'content-type: application/json' -d '{"to":"${opens}"}' ${publicUrl}/dev/clock`,
  );
  line(ctx, 'Остановить: Ctrl+C / Stop: Ctrl+C');

  // Created at each spawn, so an exit before this point is not missed.
  const exits = [api.exited, webExited];
  const code = await Promise.race(exits);
  stop();
  await Promise.all(exits);
  await api.stop().catch(() => undefined);
  return signalled.yes || code === 0 || code === 143 ? 0 : 1;
}

function readBallot() {
  const parsed = parseBallotSourceFile(fs.readFileSync(DEMO_BALLOT, 'utf8'));
  if (!parsed.ok) throw new CliError(1, `бюллетень неверен / invalid ballot: ${DEMO_BALLOT}`);
  return parsed.source;
}

/** 8:00 on the first voting day in a region (the first printed voter's), as an instant. */
function firstOpening(config: ElectionConfig, region: string | undefined): string {
  const code = region ?? config.regions[0]?.code;
  return code === undefined ? '' : votingWindow(config, code).opens.toISOString();
}
