// The close of an election of N ballots (issue 6; default N = 1,000,000), from the chairman ordering
// the final lists to the protocol signed by every member and published, through the real server
// routes as `opendeg demo` drives them (apps/cli/src/demo: the stack, the commission's calls). One
// JSON object on stdout, progress on stderr. Usage: tsx bench/close.bench.ts [N]
//
// Casting N real ballots takes ~2.5 ms each at the ballot box's sustained rate (42 minutes for 1 M),
// so the state the close starts from is built directly, but only where the close does not look:
//   - the participant lists: N rows in all (~N/28 per region), loaded by the list store's own COPY
//     (ParticipantListStore.importList, as `opendeg bundle load`), each given ballot access by an
//     UPDATE of its row, so the lists' counters move through their triggers exactly as P-3.8's
//     issuance moves them (the close reads those counters when it freezes the lists, P-7.2–P-7.4);
//   - the ballot box's running tallies (box_tallies, what the close reads as the ballots cast and the
//     aggregates to decrypt; it never reads the box's ballots): per region the number of ballots and,
//     per choice, ONE exponential-ElGamal encryption of the known count under the key group's real
//     public key. The running tally of N ballots is the component-wise product of their ciphertexts,
//     (g^Σr, g^Σm·Y^Σr): an encryption of the summed counts under the summed randomness Σr, which is
//     uniform because each r is; one encryption of the counts with fresh uniform r has exactly that
//     distribution. The decryption, its proofs and the discrete logarithms (up to the region's count)
//     are therefore the work a real close of N ballots does.
// Not built: the ledger's N ballot entries (the close appends ~10 entries per key group; an append
// costs O(log size) hashes, a few microseconds more at 1 M than at 0) and the box's ballot rows,
// which nothing in the close reads.
//
// Phases: wall time, CPU of this process (the members' signatures, HTTP), of the API server (from
// /proc) and of the embedded PostgreSQL (the postmaster, its live backends and those it reaped), and
// the load average, which matters on a shared machine. At the end the published protocol's lines
// are compared with the known counts (lines 1–4 and every candidate), as the demo compares them.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encrypt } from '@opendeg/crypto';
import { ParticipantListStore, type ParticipantRecord } from '@opendeg/db';
import { localToInstant, parseElectionConfig, type BallotSource } from '@opendeg/deg';
import { encodeCiphertextJson, openElection, parseManifest } from '@opendeg/election';
import { Commission, loadListsAndBallot } from '../../cli/src/demo/commission.ts';
import { Browser } from '../../cli/src/demo/http.ts';
import {
  DEMO_BALLOT,
  DEMO_CONFIG,
  freePort,
  startApiServer,
  type ApiServer,
} from '../../cli/src/demo/stack.ts';
import { compareLines, expectedLines, type RegionTally } from '../../cli/src/demo/tally.ts';
import { eligibleAccounts } from '../../cli/src/demo/voters.ts';
import { parseBallotSourceFile } from '../src/ballot/ballot-source-schema.ts';
import { generateRegister, registerRegions } from '../src/identity/register.ts';

const log = (msg: string): void => {
  process.stderr.write(`[close bench] ${msg}\n`);
};
const N = Number(process.argv[2] ?? process.env.BENCH_N ?? '1000000');
if (!Number.isSafeInteger(N) || N < 100) throw new Error('N: an integer ≥ 100');
/** Ballot access granted per statement (its own transaction). */
const GRANT_BATCH = 2000;
const LEDGER_ORIGIN = 'opendeg.bench/ledger';
const REGISTER_SEED = 7;
const REGISTER_SIZE = 1000;

const SURNAMES = ['Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Петров', 'Соколов', 'Михайлов'];
const NAMES = ['Иван', 'Пётр', 'Алексей', 'Сергей', 'Андрей', 'Дмитрий', 'Николай', 'Фёдор'];
const PATRONYMICS = ['Иванович', 'Петрович', 'Сергеевич', 'Андреевич', 'Олегович', 'Ильич'];

/** CPU milliseconds of a process from /proc (utime + stime, and with `reaped` its waited-for children). */
function procCpuMs(pid: number | undefined, reaped = false): number {
  if (pid === undefined) return 0;
  try {
    const stat = fs.readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]) + (reaped ? Number(f[13]) + Number(f[14]) : 0);
    return (ticks * 1000) / 100;
  } catch {
    return 0;
  }
}

/** PostgreSQL's CPU: the postmaster with what it reaped, and its live children. */
function postgresCpuMs(postmaster: number | undefined): number {
  if (postmaster === undefined) return 0;
  let total = procCpuMs(postmaster, true);
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) total += procCpuMs(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Peak resident memory of a process in MB (VmHWM). */
function peakRssMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
    return m?.[1] === undefined ? null : Math.round(Number(m[1]) / 1024);
  } catch {
    return null;
  }
}

interface Phase {
  readonly phase: string;
  readonly wallMs: number;
  readonly benchCpuMs: number;
  readonly serverCpuMs: number;
  readonly postgresCpuMs: number;
  readonly load1: number;
}

/** The participants of a region: synthetic, valid for the list's checks, ids sortable by number. */
function* participants(
  region: string,
  count: number,
  precincts: readonly string[],
): Generator<ParticipantRecord> {
  for (let i = 0; i < count; i++) {
    const id = `p${region}-${String(i).padStart(7, '0')}`;
    yield {
      id,
      lastName: SURNAMES[i % SURNAMES.length] ?? 'Иванов',
      firstName: NAMES[Math.floor(i / 8) % NAMES.length] ?? 'Иван',
      middleName: PATRONYMICS[Math.floor(i / 64) % PATRONYMICS.length] ?? '',
      birthDate: `${String(1950 + (i % 50))}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
      address: `г. Вымышленный, ул. Тестовая, д. ${String(1 + (i % 200))}, кв. ${String(1 + (i % 90))}`,
      phone: `+79${String(i % 1_000_000_000).padStart(9, '0')}`,
      passport: {
        series: `${String(10 + (i % 89))} ${String(10 + (i % 83))}`,
        number: String(i % 1_000_000).padStart(6, '0'),
      },
      precinct: precincts[i % precincts.length] ?? '1',
    };
  }
}

async function main(): Promise<void> {
  const parsed = parseElectionConfig(JSON.parse(fs.readFileSync(DEMO_CONFIG, 'utf8')));
  if (!parsed.ok) throw new Error(`invalid configuration ${DEMO_CONFIG}`);
  const config = parsed.config;
  const ballotParsed = parseBallotSourceFile(fs.readFileSync(DEMO_BALLOT, 'utf8'));
  if (!ballotParsed.ok) throw new Error(`invalid ballot ${DEMO_BALLOT}`);
  const ballot: BallotSource = ballotParsed.source;
  const ref = config.schedule.referenceTimeZone;
  const register = generateRegister({
    seed: REGISTER_SEED,
    count: REGISTER_SIZE,
    referenceDate: new Date(`${config.schedule.voting.lastDay}T00:00:00Z`),
    regions: registerRegions(config.regions),
  });
  const [operator] = register;
  if (operator === undefined) throw new Error('empty register');
  const officials = eligibleAccounts(register.slice(1), config).slice(0, config.commission.members.length);

  // N ballots over the regions with precincts (Moscow has its own system), unevenly: weights 1–5.
  const regions = config.regions.filter((r) => r.precincts.length > 0);
  const weights = regions.map((_, i) => 1 + (i % 5));
  const wsum = weights.reduce((a, b) => a + b, 0);
  const onList = regions.map((_, i) => Math.floor((N * (weights[i] ?? 1)) / wsum));
  onList[0] = (onList[0] ?? 0) + N - onList.reduce((a, b) => a + b, 0);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opendeg-close-bench-'));
  fs.chmodSync(dir, 0o755); // the embedded PostgreSQL runs as its own user, which must enter it
  let scenarioNow = localToInstant(config.schedule.applications.opens, ref);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${String(port)}`;
  const commission = new Commission({
    baseUrl,
    config,
    operator,
    members: officials,
    now: () => scenarioNow,
  });
  const rootsFile = path.join(dir, 'trusted-roots.pem');
  fs.writeFileSync(rootsFile, await commission.makeCertificates());
  let server: ApiServer | undefined;
  const phases: Phase[] = [];
  try {
    log(
      `N = ${String(N)}; directory ${dir}; load ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    server = await startApiServer({
      dataDir: dir,
      port,
      publicUrl: baseUrl,
      configFile: DEMO_CONFIG,
      scenarioStart: scenarioNow.toISOString(),
      scenarioSpeed: 0,
      registerSeed: REGISTER_SEED,
      registerSize: REGISTER_SIZE,
      operatorSub: operator.id,
      trustedRoots: rootsFile,
      logFile: path.join(dir, 'server.log'),
      env: { JOBS: 'off', LEDGER_ORIGIN, LEDGER_KEY_SEED: randomBytes(32).toString('base64') },
    });
    const pool = server.db.pool;
    const serverPid = server.child.pid;
    const postmaster = Number(
      fs.readFileSync(path.join(dir, 'postgres', 'pgdata', 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    let mark = {
      wall: performance.now(),
      bench: process.cpuUsage(),
      server: procCpuMs(serverPid),
      pg: postgresCpuMs(postmaster),
    };
    const phase = (name: string): Phase => {
      const bench = process.cpuUsage(mark.bench);
      const s = procCpuMs(serverPid);
      const pg = postgresCpuMs(postmaster);
      const p: Phase = {
        phase: name,
        wallMs: Math.round(performance.now() - mark.wall),
        benchCpuMs: Math.round((bench.user + bench.system) / 1000),
        serverCpuMs: Math.round(s - mark.server),
        postgresCpuMs: Math.round(pg - mark.pg),
        load1: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
      };
      phases.push(p);
      log(
        `${p.phase}: ${String(p.wallMs)} ms wall; CPU bench ${String(p.benchCpuMs)}, server ${String(p.serverCpuMs)}, postgres ${String(p.postgresCpuMs)} ms; load ${String(p.load1)}`,
      );
      mark = { wall: performance.now(), bench: process.cpuUsage(), server: s, pg };
      return p;
    };
    const clock = new Browser(baseUrl);
    const moveClock = async (to: Date): Promise<void> => {
      scenarioNow = to;
      await clock.must('часы сценария / scenario clock', 'POST', '/dev/clock', {
        to: to.toISOString(),
        speed: 0,
      });
    };
    const hours = (d: Date, h: number): Date => new Date(d.getTime() + h * 3_600_000);

    // The commission and its keys, as the demo makes them.
    await moveClock(hours(scenarioNow, 10));
    await commission.assignRoles(new Map());
    await moveClock(hours(scenarioNow, 24));
    await commission.logInAll();
    await commission.keyCeremonies();
    const listAt = localToInstant(config.schedule.listData, ref);
    await moveClock(listAt);
    await loadListsAndBallot(pool, config, ballot, [], listAt);
    phase('setup: server, roles, key ceremonies, ballot');

    // The lists: N rows by COPY, then ballot access for each row, through the counters' triggers.
    const electionId = (await pool.query<{ id: string }>('SELECT id FROM elections')).rows[0]?.id;
    if (electionId === undefined) throw new Error('no election');
    const store = new ParticipantListStore(pool, electionId);
    for (const [i, r] of regions.entries()) {
      const precincts = r.precincts.map((p) => p.number);
      await store.importList(r.code, participants(r.code, onList[i] ?? 0, precincts), { compiledAt: listAt });
    }
    phase(`setup: ${String(N)} participants by COPY`);
    const accessAt = localToInstant(`${config.schedule.voting.firstDay}T12:00`, ref);
    let granted = 0;
    for (const [i, r] of regions.entries()) {
      const count = onList[i] ?? 0;
      for (let from = 0; from < count; from += GRANT_BATCH) {
        const id = (k: number): string => `p${r.code}-${String(k).padStart(7, '0')}`;
        const u = await pool.query(
          `UPDATE participants SET ballot_access_at = $3
           WHERE election_id = $1 AND region = $2 AND participant_id >= $4 AND participant_id < $5`,
          [electionId, r.code, accessAt, id(from), id(Math.min(count, from + GRANT_BATCH))],
        );
        granted += u.rowCount ?? 0;
      }
      if (i % 7 === 6) log(`ballot access: ${String(granted)} of ${String(N)}`);
    }
    if (granted !== N) throw new Error(`ballot access granted to ${String(granted)} of ${String(N)}`);
    phase(`setup: ballot access for ${String(N)}`);

    // The manifest, then the running tallies: 1% of those given access did not vote; of the rest
    // 2% blank, the candidates by shares that differ per region.
    await commission.logInAll();
    const manifestJson = await commission.fixManifest();
    const election = await openElection(parseManifest(manifestJson), { backend: 'auto' });
    const g = election.group;
    const known = new Map<string, RegionTally>();
    let totalCast = 0;
    for (const [i, r] of regions.entries()) {
      const ctx = election.regions.get(r.code);
      const kg = election.keyGroups.get(r.keyGroup);
      const question = ctx?.style.questions[0];
      if (ctx === undefined || kg === undefined || question === undefined)
        throw new Error(`region ${r.code}`);
      if (ctx.style.questions.length !== 1) throw new Error('the bench expects one question');
      const list = onList[i] ?? 0;
      const cast = list - Math.floor(list / 100);
      const blank = question.blank ? Math.floor(cast / 50) : 0;
      const ids = question.options.map((o) => o.id);
      const counts = new Map(ids.map((c) => [c, 0]));
      let left = cast - blank;
      ids.forEach((c, k) => {
        const share =
          k === ids.length - 1 ? left : Math.floor(((cast - blank) * (k + 1 + (i % 3))) / (ids.length * 4));
        const v = Math.min(left, share);
        counts.set(c, v);
        left -= v;
      });
      known.set(r.code, {
        region: r.code,
        onList: list,
        issued: list,
        cast,
        invalid: blank,
        candidates: counts,
      });
      totalCast += cast;
      const plain = [...(question.blank ? [blank] : []), ...ids.map((c) => counts.get(c) ?? 0)];
      const aggregates = [plain.map((m) => encodeCiphertextJson(g, encrypt(g, kg.publicKey, m).ciphertext))];
      await pool.query(
        `INSERT INTO box_tallies (election_id, region, ballots, aggregates, updated_at) VALUES ($1, $2, $3, $4, $5)`,
        [electionId, r.code, cast, JSON.stringify(aggregates), accessAt],
      );
    }
    phase('setup: manifest, running tallies');

    // The close, timed: per key group the final lists (ordered, signed by the chairman and the
    // secretary, the medium's custody) and the decryption by K holders; then the protocol signed by
    // every member and published, and the hand-over of the results.
    const closeStart = phases.length;
    const groups = [...config.keyGroups].sort((a, b) => a.closingNotBefore.localeCompare(b.closingNotBefore));
    for (const kg of groups) {
      await moveClock(
        new Date(
          localToInstant(`${config.schedule.voting.lastDay}T${kg.closingNotBefore}`, ref).getTime() + 60_000,
        ),
      );
      await commission.logInAll();
      phase(`close ${kg.id}: clock, log-ins`);
      await commission.finalLists(kg.id);
      phase(`close ${kg.id}: final lists ordered, signed, custody`);
      const d = await commission.decrypt(kg.id);
      log(`decryption ${kg.id}: ${String(d.decrypted)}/${String(d.total)}, parts ${d.parts.join(', ')}`);
      phase(`close ${kg.id}: decryption by ${String(commission.k)} holders`);
    }
    const protocol = await commission.protocol();
    phase('close: protocol signed by every member and published');
    await commission.handOver(protocol.document);
    phase('close: results handed over');
    const close = phases.slice(closeStart);
    const sum = (k: keyof Omit<Phase, 'phase' | 'load1'>): number => close.reduce((s, p) => s + p[k], 0);

    // The published protocol against the known counts.
    const candidates = [...(known.values().next().value?.candidates.keys() ?? [])];
    const discrepancies: string[] = [];
    for (const [region, t] of known)
      discrepancies.push(
        ...compareLines(
          'протокол / protocol',
          region,
          expectedLines(t, candidates),
          protocol.protocol.regions.find((x) => x.region === region)?.lines,
        ),
      );
    const line3 = protocol.protocol.regions.reduce(
      (s, r) => s + (r.lines.find((l) => l.line === 3)?.value ?? 0),
      0,
    );
    if (line3 !== totalCast) discrepancies.push(`line 3 total ${String(line3)} ≠ ${String(totalCast)}`);
    if (protocol.publishedAt === undefined || protocol.signOffs.some((s) => !s.signed))
      discrepancies.push('the protocol is not signed by every member and published');
    const summary = {
      ok: discrepancies.length === 0,
      n: N,
      cast: totalCast,
      regions: known.size,
      keyGroups: groups.map((x) => x.id),
      holders: commission.k,
      protocolLine3: line3,
      signOffs: protocol.signOffs.length,
      discrepancies,
      close: {
        wallMs: sum('wallMs'),
        benchCpuMs: sum('benchCpuMs'),
        serverCpuMs: sum('serverCpuMs'),
        postgresCpuMs: sum('postgresCpuMs'),
      },
      phases,
      serverPeakRssMb: peakRssMb(serverPid),
      loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
      cpus: os.cpus().length,
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    if (!summary.ok) {
      for (const d of discrepancies) log(`✗ ${d}`);
      process.exitCode = 1;
    } else log(`✓ protocol = known counts (${String(known.size)} regions, line 3 = ${String(line3)})`);
  } finally {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
