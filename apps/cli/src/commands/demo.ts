/**
 * `opendeg demo --voters N`: a whole training election driven through the HTTP API on the stack of
 * `opendeg start` (embedded PostgreSQL in a temporary directory, the API server, the identity
 * stand-in, the SMS outbox, the scenario clock), from the applications to the signed protocol, then
 * the check a trainee or an observer would make: the verifier over the election record, and what
 * the demo cast against what was counted. Exit 0 when everything agrees, 1 on any discrepancy or
 * verifier failure (each named), 2 on bad arguments or a stack that does not start.
 *
 * The steps live in ../demo/: http.ts (browser-like client, OIDC login), stack.ts (the processes),
 * voters.ts (the voters' side), commission.ts (the commission and the data centre), tally.ts (the
 * comparison and the printed protocols).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hexToBytes, loadGroup } from '@opendeg/crypto';
import { registerNodeBlindRsaClient } from '@opendeg/crypto/node';
import { localToInstant, parseElectionConfig, votingWindow, type BallotSource } from '@opendeg/deg';
import {
  encodeElementHex,
  openElection,
  parseManifest,
  readRecord,
  verifyRecord,
  type Election,
  type Selection,
} from '@opendeg/election';
import { ed25519NoteSigner, ed25519NoteVerifier } from '@opendeg/ledger';
import {
  generateRegister,
  parseBallotSourceFile,
  registerRegions,
  type RegisterAccount,
} from '@opendeg/server';
import { integerOption, parseCommandArgs, takePositionals } from '../args.ts';
import { CliError, EXIT_FAILED, EXIT_OK, usageError, type CommandContext } from '../cli-io.ts';
import { createProgress } from '../progress.ts';
import { Commission, loadListsAndBallot } from '../demo/commission.ts';
import { Browser, DemoError, pool } from '../demo/http.ts';
import { DEMO_BALLOT, DEMO_CONFIG, freePort, startApiServer, type ApiServer } from '../demo/stack.ts';
import { compareLines, expectedLines, formatProtocol, ownTally } from '../demo/tally.ts';
import { apply, eligibleAccounts, random, vote, type DemoVoter } from '../demo/voters.ts';

const LEDGER_ORIGIN = 'opendeg.demo/ledger';
const TAMPER = ['count'] as const;

interface Timing {
  readonly step: string;
  readonly wallMs: number;
  readonly cpuMs: number;
  /** The API server's CPU time in the step (its process only, not PostgreSQL's). */
  readonly serverCpuMs: number;
}

/** CPU time of a process in milliseconds from /proc (Linux); undefined elsewhere. */
function childCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Math.round((ticks * 1000) / 100);
  } catch {
    return undefined;
  }
}

export async function runDemo(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    voters: { type: 'string' },
    seed: { type: 'string' },
    keep: { type: 'string' },
    json: { type: 'boolean' },
    concurrency: { type: 'string' },
    tamper: { type: 'string' },
  });
  takePositionals(positionals, []);
  if (values.voters === undefined) throw usageError('нужен --voters N / --voters N is required');
  const n = integerOption(values.voters, '--voters', 1, 100_000);
  const seed = integerOption(values.seed ?? '1', '--seed', 1, 2 ** 31 - 1);
  // The voters' blinding on Node's client (the browser's library took ~75 ms of CPU a voter).
  registerNodeBlindRsaClient();
  // 4 in flight by default: the server's SMS outbox takes a second pool connection inside the
  // request's transaction, so more than half its pool (10) at once can starve it (500 INTERNAL).
  const concurrency = integerOption(values.concurrency ?? '4', '--concurrency', 1, 64);
  const tamper = values.tamper;
  if (tamper !== undefined && !(TAMPER as readonly string[]).includes(tamper)) {
    throw usageError(`--tamper: ожидается / expected ${TAMPER.join('|')}`);
  }
  const json = values.json === true;
  // Human lines go to stdout, or to stderr when stdout carries the JSON summary.
  const say = (text = ''): void => {
    (json ? ctx.io.stderr : ctx.io.stdout)(`${text}\n`);
  };

  const parsed = parseElectionConfig(JSON.parse(fs.readFileSync(DEMO_CONFIG, 'utf8')));
  if (!parsed.ok) throw new CliError(2, `конфигурация неверна / invalid configuration: ${DEMO_CONFIG}`);
  const config = parsed.config;
  const ballotParsed = parseBallotSourceFile(fs.readFileSync(DEMO_BALLOT, 'utf8'));
  if (!ballotParsed.ok) throw new CliError(2, `бюллетень неверен / invalid ballot: ${DEMO_BALLOT}`);
  const ballot: BallotSource = ballotParsed.source;
  const ref = config.schedule.referenceTimeZone;

  // The register the stand-in serves is the same generated one (same seed and size).
  const registerSize = Math.max(1000, n * 4 + 400);
  const register = generateRegister({
    seed,
    count: registerSize,
    referenceDate: new Date(`${config.schedule.voting.lastDay}T00:00:00Z`),
    regions: registerRegions(config.regions),
  });
  const [operator] = register;
  if (operator === undefined) throw new CliError(2, 'empty register');
  const rng = random(seed);
  const eligible = eligibleAccounts(register.slice(1), config)
    .map((a) => ({ a, k: rng() }))
    .sort((x, y) => x.k - y.k)
    .map((x) => x.a);
  const members = config.commission.members.length;
  const regionCodes = config.regions.map((r) => r.code);
  if (eligible.length < n + members + regionCodes.length) {
    throw new CliError(2, `мало учётных записей / not enough eligible accounts: ${String(eligible.length)}`);
  }
  // One voter in each key group first, then in each region, as far as N goes: every group's close
  // then has ballots to decrypt (the late Kaliningrad group too) and every time zone votes; the
  // rest in the shuffled order.
  const firsts: RegisterAccount[] = [];
  const take = (code: string): void => {
    const a = eligible.find((x) => x.address.regionCode === code && !firsts.includes(x));
    if (a !== undefined) firsts.push(a);
  };
  const groups = new Set<string>();
  for (const r of config.regions) {
    if (groups.has(r.keyGroup)) continue;
    const before = firsts.length;
    take(r.code);
    if (firsts.length > before) groups.add(r.keyGroup);
  }
  for (const r of config.regions) {
    if (!firsts.some((a) => a.address.regionCode === r.code)) take(r.code);
  }
  const ordered = [...firsts, ...eligible.filter((a) => !firsts.includes(a))];
  const voters: DemoVoter[] = ordered
    .slice(0, n)
    .map((account) => ({ account, region: account.address.regionCode }));
  const officials = ordered.slice(n, n + members);
  const regional = new Map<string, RegisterAccount>(
    regionCodes.map((code, i) => [code, ordered[n + members + i] as RegisterAccount]),
  );

  const keep = values.keep;
  const dir =
    keep !== undefined ? path.resolve(keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'opendeg-demo-'));
  fs.mkdirSync(dir, { recursive: true });
  // The embedded PostgreSQL may run as its own user, which must be able to enter the directory.
  if (keep === undefined) fs.chmodSync(dir, 0o755);
  const timings: Timing[] = [];
  let server: ApiServer | undefined;
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  let stepStart = performance.now();
  let stepCpu = process.cpuUsage();
  let serverCpuLast = 0;
  const step = (name: string): void => {
    const cpu = process.cpuUsage(stepCpu);
    const serverNow = childCpuMs(server?.child.pid) ?? serverCpuLast;
    const t: Timing = {
      step: name,
      wallMs: Math.round(performance.now() - stepStart),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      serverCpuMs: serverNow - serverCpuLast,
    };
    serverCpuLast = serverNow;
    timings.push(t);
    ctx.io.stderr(
      `  · ${t.step}: ${String(t.wallMs)} мс / ms, ЦП демо / demo CPU ${String(t.cpuMs)} мс, сервера / server ${String(t.serverCpuMs)} мс; load ${os.loadavg()[0]?.toFixed(1) ?? ''}\n`,
    );
    stepStart = performance.now();
    stepCpu = process.cpuUsage();
  };

  const commissionBase = { config, operator, members: officials, now: () => scenarioNow };
  let scenarioNow = localToInstant(config.schedule.applications.opens, ref);
  const ledgerSeed = randomBytes(32);
  const ledgerSigner = ed25519NoteSigner(LEDGER_ORIGIN, new Uint8Array(ledgerSeed));
  const verifier = ed25519NoteVerifier(LEDGER_ORIGIN, ledgerSigner.publicKey);
  if (verifier === undefined) throw new CliError(2, 'ledger key');

  say(`OpenDEG demo: ${config.title.ru} / ${config.title.en ?? ''}`);
  say(`  избирателей / voters: ${String(n)}, зерно / seed: ${String(seed)}, каталог / directory: ${dir}`);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${String(port)}`;
  const commission = new Commission({ ...commissionBase, baseUrl });
  const rootsFile = path.join(dir, 'trusted-roots.pem');
  fs.writeFileSync(rootsFile, await commission.makeCertificates());
  let serverCpu: number | undefined;
  const discrepancies: string[] = [];
  // Ctrl+C: the server and the embedded PostgreSQL stop too.
  const onSignal = (): void => {
    void (server?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    server = await startApiServer({
      dataDir: dir,
      port,
      publicUrl: baseUrl,
      configFile: DEMO_CONFIG,
      scenarioStart: scenarioNow.toISOString(),
      scenarioSpeed: 0,
      registerSeed: seed,
      registerSize,
      operatorSub: operator.id,
      trustedRoots: rootsFile,
      logFile: path.join(dir, 'server.log'),
      env: {
        JOBS: 'off',
        LEDGER_ORIGIN,
        LEDGER_KEY_SEED: ledgerSeed.toString('base64'),
      },
    });
    say(`  API: ${baseUrl} (журнал / log: ${path.join(dir, 'server.log')})`);
    step('start');
    const clockBrowser = new Browser(baseUrl);
    const moveClock = async (to: Date): Promise<void> => {
      scenarioNow = to;
      await clockBrowser.must('часы сценария / scenario clock', 'POST', '/dev/clock', {
        to: to.toISOString(),
        speed: 0,
      });
    };
    const hours = (d: Date, h: number): Date => new Date(d.getTime() + h * 3_600_000);

    // P-2: the applications, a day after they open.
    await moveClock(hours(scenarioNow, 10));
    await commission.assignRoles(regional);
    const applying = createProgress({
      label: 'Заявления / Applications',
      total: n,
      write: ctx.io.stderr,
      isTty: ctx.io.stderrIsTty,
    });
    await pool(
      voters,
      concurrency,
      (v) => apply(baseUrl, v),
      (d) => {
        applying.update(d);
      },
    );
    applying.finish();
    step('applications');
    await moveClock(hours(scenarioNow, 24));
    await commission.logInAll();
    const report = await commission.processApplications();
    say(
      `  Обработка заявлений / Processing (P-2.6): принято / accepted ${String(report.accepted)}, отказано / rejected ${String(report.rejected)}`,
    );
    if (report.accepted !== n)
      discrepancies.push(
        `обработка / processing: принято / accepted ${String(report.accepted)} из / of ${String(n)}`,
      );

    // P-5: the key-parts decision and a ceremony per key group.
    const ceremonies = await commission.keyCeremonies();
    for (const c of ceremonies) say(`  Ключи / Keys ${c.keyGroup}: N = ${String(c.n)}, K = ${String(c.k)}`);
    step('key ceremonies');

    // P-3.1–P-3.3, P-4.2: the data centre's lists and the ballot; then the manifest (P-5.2).
    const listAt = localToInstant(config.schedule.listData, ref);
    await moveClock(listAt);
    const lists = await loadListsAndBallot(server.db.pool, config, ballot, voters, listAt);
    say(`  Списки / Lists: ${[...lists].map(([r, c]) => `${r}: ${String(c)}`).join(', ')}`);
    await commission.logInAll();
    const manifestJson = await commission.fixManifest();
    const election: Election<unknown> = await openElection(parseManifest(manifestJson), {
      backend: 'libsodium',
    }).catch(() => openElection(parseManifest(manifestJson), { backend: 'noble' }));
    step('lists and manifest');

    // The demo's choices, known in advance (3 % blank where the question allows it).
    const question = election.regions.values().next().value?.style.questions[0];
    const candidates = question?.options.map((o) => o.id) ?? [];
    for (const v of voters) {
      const r = rng();
      v.choice =
        question?.blank === true && r < 0.03
          ? 'blank'
          : ([candidates[Math.floor(rng() * candidates.length)] ?? 'c1'] as Selection);
    }
    const conditions = await commission
      .browser(commission.seat('chairman'))
      .must<{ version: string }>('условия / conditions', 'GET', '/api/voting/conditions');

    // P-6.1: each region opens at 8:00 its own time. First the regions already open while others
    // are not (an early attempt refused), then everyone.
    const accepted = voters.filter((v) => v.applicationId !== undefined);
    const opens = new Map(regionCodes.map((c) => [c, votingWindow(config, c).opens.getTime()]));
    const voterRegions = [...new Set(accepted.map((v) => v.region))];
    const firstOpen = Math.min(...voterRegions.map((r) => opens.get(r) ?? 0));
    const t1 = new Date(firstOpen + 30 * 60_000);
    const t2 = new Date(Math.max(...voterRegions.map((r) => opens.get(r) ?? 0)) + 30 * 60_000);
    const openAt = (v: DemoVoter, t: Date): boolean => (opens.get(v.region) ?? Infinity) <= t.getTime();
    const voteOptions = { election, conditionsVersion: conditions.version, verifier };
    const voting = createProgress({
      label: 'Голосование / Voting',
      total: accepted.length,
      write: ctx.io.stderr,
      isTty: ctx.io.stderrIsTty,
    });
    let voted = 0;
    let challenges = 0;
    const castAll = async (group: DemoVoter[]): Promise<void> => {
      await pool(group, concurrency, async (v, i) => {
        const c = i < 3 && challenges < 3 ? 1 : 0;
        challenges += c;
        await vote(baseUrl, v, { ...voteOptions, challenges: c });
        voted++;
        voting.update(voted);
      });
    };
    await moveClock(t1);
    const early = accepted.filter((v) => openAt(v, t1));
    const late = accepted.filter((v) => !openAt(v, t1));
    const earlyRegions = [...new Set(early.map((v) => v.region))];
    say(
      `  ${t1.toISOString()}: открыто / open ${earlyRegions.join(', ')}; закрыто / closed ${[...new Set(late.map((v) => v.region))].join(', ') || '—'}`,
    );
    let refusedEarly: string | undefined;
    const tooEarly = late[0];
    if (tooEarly !== undefined) {
      const b = new Browser(baseUrl);
      await b.logIn(tooEarly.account.id);
      const r = await b.call('POST', '/api/voting/conditions', { version: conditions.version });
      refusedEarly = r.body.code ?? `HTTP ${String(r.status)}`;
      if (r.status < 400)
        discrepancies.push(
          `P-6.1: голосование до 8:00 в субъекте ${tooEarly.region} не отклонено / voting before 8:00 in ${tooEarly.region} was not refused`,
        );
      else
        say(
          `  Попытка до открытия в субъекте ${tooEarly.region} отклонена / early attempt in ${tooEarly.region} refused: ${String(r.status)} ${refusedEarly}`,
        );
    }
    await castAll(early);
    await moveClock(t2);
    await castAll(late);
    voting.finish();
    step('voting');

    // P-7: per key group after its moment: final lists, decryption by K holders.
    const groups = [...config.keyGroups].sort((a, b) => a.closingNotBefore.localeCompare(b.closingNotBefore));
    for (const g of groups) {
      await moveClock(
        new Date(
          localToInstant(`${config.schedule.voting.lastDay}T${g.closingNotBefore}`, ref).getTime() + 60_000,
        ),
      );
      await commission.logInAll();
      if (tamper === 'count' && g === groups[0]) {
        const region = await tamperCount(server, election, accepted, g.id);
        say(`  (--tamper count: изменён результат субъекта / one result altered in ${region})`);
      }
      const finals = await commission.finalLists(g.id);
      say(
        `  Итоговые списки / Final lists ${g.id}: ${finals.map((f) => `${f.region} ${String(f.onList)}/${String(f.ballotsIssued)}`).join(', ')}`,
      );
      const d = await commission.decrypt(g.id);
      say(
        `  Расшифровка / Decryption ${g.id}: ${String(d.decrypted)}/${String(d.total)}, части / parts ${d.parts.join(', ')}`,
      );
    }
    step('final lists and decryption');
    const protocol = await commission.protocol();
    await commission.handOver(protocol.document);
    step('protocol and hand-over');

    // What was counted, against what was cast.
    const own = ownTally(accepted, candidates);
    const names = new Map(ballot.candidates.map((c) => [c.id, c.name]));
    say();
    for (const r of protocol.protocol.regions) {
      const regionName = config.regions.find((x) => x.code === r.region)?.name.ru ?? '';
      for (const l of formatProtocol(r.region, regionName, r.lines, names)) say(l);
    }
    say();
    for (const [region, t] of own) {
      const expected = expectedLines(t, candidates);
      discrepancies.push(
        ...compareLines(
          'протокол / protocol',
          region,
          expected,
          protocol.protocol.regions.find((x) => x.region === region)?.lines,
        ),
      );
      const rc = regional.get(region);
      if (rc !== undefined) {
        const b = new Browser(baseUrl);
        await b.logIn(rc.id);
        const res = await b.call<{
          region: { lines: { line: number; value: number; candidate?: { id: string } }[] };
        }>('GET', `/api/closing/results/${region}`);
        if (res.status !== 200)
          discrepancies.push(`итоги / results ${region}: ${String(res.status)} ${res.body.code ?? ''}`);
        else
          discrepancies.push(
            ...compareLines(
              'итоги для комиссии субъекта / regional results',
              region,
              expected,
              res.body.region.lines,
            ),
          );
      }
    }
    for (const r of protocol.protocol.regions) {
      if (!own.has(r.region) && r.lines.some((l) => l.line === 3 && l.value > 0))
        discrepancies.push(
          `протокол / protocol: субъект / region ${r.region} без голосов демонстрации / with no demo ballots`,
        );
    }
    const receipts = accepted.filter((v) => v.tracker !== undefined).length;
    const line3 = protocol.protocol.regions.reduce(
      (s, r) => s + (r.lines.find((l) => l.line === 3)?.value ?? 0),
      0,
    );
    if (receipts !== line3)
      discrepancies.push(`квитанций / receipts ${String(receipts)} ≠ строка 3 / line 3 ${String(line3)}`);
    if (protocol.signOffs.some((s) => !s.signed))
      discrepancies.push('протокол подписан не всеми / the protocol lacks a signature');
    step('comparison');

    // The election record and the verifier (P-10.10).
    const record = await fetchRecord(baseUrl, dir);
    let verification: { available: boolean; ok?: boolean; ballots?: number; failures?: string[] } = {
      available: false,
    };
    if (record === undefined) {
      say(
        '  Запись выборов недоступна (GET /api/election/record) / the election record is not available: проверка пропущена / verifier skipped',
      );
    } else {
      const backend = await loadGroup('ristretto255', 'native').then(
        () => 'native' as const,
        () => 'libsodium' as const,
      );
      const rec = await readRecord(record);
      const report = await verifyRecord(rec, { backend });
      const failures = report.checks.flatMap((c) => c.failures.map((f) => `${f.check}: ${f.message}`));
      verification = { available: true, ok: report.ok, ballots: report.ballots, failures };
      say(
        `  Проверка записи / Record verification: ${report.ok ? 'пройдена / passed' : 'НЕ пройдена / FAILED'}, бюллетеней / ballots ${String(report.ballots)}`,
      );
      if (!report.ok) discrepancies.push(...failures.map((f) => `проверка / verifier ${f}`));
      if (report.ballots !== receipts)
        discrepancies.push(
          `квитанций / receipts ${String(receipts)} ≠ бюллетеней в записи / ballots in the record ${String(report.ballots)}`,
        );
    }
    step('record');
    serverCpu = childCpuMs(server.child.pid);

    const cpu = process.cpuUsage(cpuStart);
    const totalMs = Math.round(performance.now() - started);
    const votingStep = timings.find((t) => t.step === 'voting');
    const summary = {
      ok: discrepancies.length === 0,
      voters: n,
      seed,
      regions: Object.fromEntries(
        [...own].map(([r, t]) => [
          r,
          {
            onList: t.onList,
            cast: t.cast,
            invalid: t.invalid,
            candidates: Object.fromEntries(t.candidates),
          },
        ]),
      ),
      applications: { accepted: report.accepted, rejected: report.rejected },
      receipts,
      challenges,
      protocolLine3: line3,
      refusedEarly: refusedEarly ?? null,
      keyGroups: ceremonies,
      record: verification,
      discrepancies,
      timings,
      perVoterMs:
        votingStep === undefined ? null : Math.round((votingStep.wallMs / Math.max(1, receipts)) * 10) / 10,
      totalMs,
      cpuMs: { demo: Math.round((cpu.user + cpu.system) / 1000), server: serverCpu ?? null },
      loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
      directory: dir,
    };
    if (json) ctx.io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    say(
      `  Всего / Total ${String(totalMs)} мс / ms; ЦП демо / demo CPU ${String(summary.cpuMs.demo)} мс, сервера / server ${String(serverCpu ?? '—')} мс; load ${summary.loadAverage.join(' ')}`,
    );
    if (discrepancies.length > 0) {
      ctx.io.stderr('РАСХОЖДЕНИЯ / DISCREPANCIES:\n');
      for (const d of discrepancies) ctx.io.stderr(`  ✗ ${d}\n`);
      return EXIT_FAILED;
    }
    say('✓ Подано = подсчитано / cast = counted');
    return EXIT_OK;
  } catch (e) {
    if (e instanceof DemoError) {
      throw new CliError(
        EXIT_FAILED,
        `${e.message} (${e.code})${serverErrors(path.join(dir, 'server.log'))}`,
        {
          cause: e,
        },
      );
    }
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await server?.stop();
    if (keep === undefined) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Training only (--tamper count): the ballot box's running tally of the region of the key group
 * with the most demo ballots is altered before the close, one vote moved from a candidate to the
 * next by adding Enc(−1) and Enc(+1) (r = 0) to their aggregates. The ballot count stays, so the
 * server's own checks pass; the decryption and its proofs are of the altered tally; only cast
 * against counted (and the verifier, recomputing the aggregates from the ballots) can see it.
 */
async function tamperCount(
  server: ApiServer,
  election: Election<unknown>,
  voters: readonly DemoVoter[],
  keyGroup: string,
): Promise<string> {
  const g = election.group;
  const inGroup = voters.filter(
    (v) => election.regions.get(v.region)?.def.keyGroup === keyGroup && Array.isArray(v.choice),
  );
  const counts = new Map<string, number>();
  for (const v of inGroup) counts.set(v.region, (counts.get(v.region) ?? 0) + 1);
  const region = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  const victim = inGroup.find((v) => v.region === region);
  const question = region === undefined ? undefined : election.regions.get(region)?.style.questions[0];
  if (region === undefined || victim === undefined || question === undefined || victim.choice === 'blank') {
    throw new DemoError('TAMPER_FAILED', 'nothing to tamper with');
  }
  const offset = question.blank ? 1 : 0;
  const from = offset + question.options.findIndex((o) => o.id === victim.choice?.[0]);
  const to = offset + ((from - offset + 1) % question.options.length);
  const rows = await server.db.pool.query<{ aggregates: { alpha: string; beta: string }[][] }>(
    'SELECT aggregates FROM box_tallies WHERE region = $1',
    [region],
  );
  const aggregates = rows.rows[0]?.aggregates;
  const row = aggregates?.[0];
  if (aggregates === undefined || row === undefined) throw new DemoError('TAMPER_FAILED', 'no tally');
  const shift = (i: number, by: 1 | -1): void => {
    const c = row[i];
    if (c === undefined) throw new DemoError('TAMPER_FAILED', 'no aggregate');
    const one = g.multiplyBase(1n);
    const beta = g.add(g.decodeElement(hexToBytes(c.beta)), by === 1 ? one : g.negate(one));
    row[i] = { alpha: c.alpha, beta: encodeElementHex(g, beta) };
  };
  shift(from, -1);
  shift(to, 1);
  await server.db.pool.query('UPDATE box_tallies SET aggregates = $1 WHERE region = $2', [
    JSON.stringify(aggregates),
    region,
  ]);
  return region;
}

/** GET /api/election/record into the directory; undefined when the server does not serve it. */
async function fetchRecord(baseUrl: string, dir: string): Promise<string | undefined> {
  const r = await fetch(`${baseUrl}/api/election/record`);
  if (r.status === 404) return undefined;
  if (!r.ok)
    throw new DemoError('RECORD_UNAVAILABLE', `запись выборов / election record: ${String(r.status)}`);
  const file = path.join(dir, 'record.tar');
  fs.writeFileSync(file, Buffer.from(await r.arrayBuffer()));
  return file;
}

/** The server's last error lines (its log keeps personal data out), to explain a refusal. */
function serverErrors(file: string): string {
  try {
    const lines = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"level":50'));
    return lines.length === 0
      ? ''
      : `\n${lines
          .slice(-3)
          .map((l) => `  сервер / server: ${l.slice(0, 600)}`)
          .join('\n')}`;
  } catch {
    return '';
  }
}
