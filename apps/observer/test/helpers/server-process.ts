// apps/server as a process of its own (its main entry, as `opendeg start` runs it) on a test
// database, set up as a commission would up to voting, and voters who cast through its HTTP API as
// the voting portal does: conditions, SMS code, blind-signed credential, encrypted and signed
// ballot. The commission's steps are API calls; the participants' accepted applications, the
// compiled list and the ballot's source data are written as the processing and the bundle load
// leave them (as apps/web/test/voting-stack.ts does).

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { fromBase64, toBase64 } from '@opendeg/crypto';
import { ParticipantListStore } from '@opendeg/db';
import { createTestDatabase, type TestDatabase } from '@opendeg/db/testing';
import {
  castBallot,
  encryptVote,
  finishCredential,
  openElection,
  parseManifest,
  requestCredential,
  type Credential,
  type Election,
} from '@opendeg/election';
import type { BallotSource } from '@opendeg/deg';

import { ballotSourceSha256Hex } from '../../../server/src/ballot/ballot-store.ts';
import {
  generateRegister,
  registerRegions,
  type RegisterAccount,
} from '../../../server/src/identity/register.ts';
import { CONDITIONS_VERSION } from '../../../server/src/voting/conditions.ts';
import { Browser, logIn } from '../../../server/test/harness.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const MAIN = path.join(here, '..', '..', '..', 'server', 'src', 'main.ts');
/** Before voting: the key ceremony's deadline lies ahead. */
const SETUP = '2026-09-10T09:00:00Z';
/** 12:00 Moscow time on the second voting day: Tatarstan votes. */
const VOTING_NOON = '2026-09-19T09:00:00Z';
const REGISTER_SEED = 11;
/** The server's generated register (the identity stand-in's accounts); the test generates the same. */
const REGISTER_SIZE = 120;

const BALLOT_SOURCE: BallotSource = {
  version: 1,
  title: 'Выборы депутатов (тренировка)',
  instructions: 'Поставьте любой знак в пустом квадрате справа от фамилии одного кандидата',
  candidates: [
    { id: 'c1', name: 'Иванов Иван Иванович', info: '1970 г. р., инженер' },
    { id: 'c2', name: 'Петрова Мария Сергеевна', info: '1981 г. р., учитель' },
    { id: 'c3', name: 'Сидоров Пётр Алексеевич', info: '1965 г. р., врач' },
  ],
};

export interface ServerProcess {
  readonly db: TestDatabase;
  readonly baseUrl: string;
  /** The ballot box's log as observers follow it. */
  readonly logUrl: string;
  readonly logKey: string;
  readonly register: readonly RegisterAccount[];
  /** Accounts that can vote (confirmed account and phone, matched to the voter register), officials apart. */
  readonly voters: readonly RegisterAccount[];
  /** Standard error of the process so far (start-up failures). */
  readonly stderr: () => string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const address = s.address();
  s.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Starts `apps/server/src/main.ts` on a fresh test database; resolves once it serves /health. */
export async function startServerProcess(): Promise<ServerProcess> {
  const db = await createTestDatabase({ migrate: false });
  const port = await freePort();
  const register = generateRegister({
    seed: REGISTER_SEED,
    count: REGISTER_SIZE,
    referenceDate: new Date('2026-09-20T00:00:00Z'),
    // The server's stand-in draws its residents from its configuration's regions (main.ts).
    regions: registerRegions(
      (
        JSON.parse(
          readFileSync(path.join(here, '..', '..', '..', 'server', 'dev', 'election.json'), 'utf8'),
        ) as {
          regions: { code: string; name: { ru: string } }[];
        }
      ).regions,
    ),
  });
  const operator = register[0] as RegisterAccount;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      JOBS: 'off',
      SCENARIO_START: SETUP,
      REGISTER_SEED: String(REGISTER_SEED),
      REGISTER_SIZE: String(REGISTER_SIZE),
      BOOTSTRAP_OPERATOR_SUB: operator.id,
      LEDGER_KEY_SEED: Buffer.alloc(32, 9).toString('base64'),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = once(child, 'exit');
  // The verifier key is in the start line (`ledgerVerifierKey`), as an observer would read it.
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const logKey = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`server did not start: ${stderr}`));
    }, 90_000);
    lines.on('line', (line) => {
      const m = /"ledgerVerifierKey":"([^"]+)"/.exec(line);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then(([code]) => {
      clearTimeout(timer);
      reject(new Error(`server exited ${String(code)}: ${stderr}`));
    });
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const up = await fetch(`${baseUrl}/health`).then(
      (r) => r.status < 500,
      () => false,
    );
    if (up) break;
    if (i > 300) throw new Error('server /health never answered');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    db,
    baseUrl,
    logUrl: `${baseUrl}/log`,
    logKey,
    register,
    voters: register.slice(2).filter((x) => x.accountConfirmed && x.phoneConfirmed && x.registerMatched),
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await db.drop();
    },
  };
}

async function ok(response: Response, what: string): Promise<unknown> {
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${what}: ${response.status} ${text}`);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/** A logged-in account of the stand-in. */
export class Session {
  private constructor(
    private readonly baseUrl: string,
    private readonly browser: Browser,
  ) {}

  static async open(baseUrl: string, accountId: string): Promise<Session> {
    const browser = new Browser();
    await logIn(browser, baseUrl, accountId);
    return new Session(baseUrl, browser);
  }

  async post(path: string, body?: unknown): Promise<unknown> {
    const r = await this.browser.request(`${this.baseUrl}${path}`, {
      method: 'POST',
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return ok(r, `POST ${path}`);
  }
}

/**
 * The commission up to voting: the chairman assigned, key parts decided, the key ceremony held,
 * the manifest fixed; the ballot's source data and Tatarstan's list (`voters`, precinct 1) as the
 * bundle load leaves them; then the scenario clock at noon of the second voting day.
 */
export async function setUpVoting(server: ServerProcess, voters: readonly RegisterAccount[]): Promise<void> {
  const [operator, chairman] = server.register as RegisterAccount[];
  if (operator === undefined || chairman === undefined) throw new Error('the register needs two officials');
  const pool = server.db.pool;
  const electionId = (await pool.query<{ id: string }>('SELECT id FROM elections')).rows[0]?.id;
  if (electionId === undefined) throw new Error('no election');
  const admin = await Session.open(server.baseUrl, operator.id);
  await admin.post('/api/admin/roles', { subject: chairman.id, role: 'chairman', memberId: 'chair' });
  const chair = await Session.open(server.baseUrl, chairman.id);
  const holders = ['chair', 'member-1', 'holder-3'];
  await chair.post('/api/commission/key-parts', {
    meeting: 2,
    n: 3,
    k: 2,
    holders,
    votes: { for: 9, against: 0 },
  });

  // P-4.2: the ballot's source data, before the manifest that carries it.
  const bundleHash = '11'.repeat(32);
  await pool.query(
    `INSERT INTO loaded_bundles (hash, election_id, kind, manifest, signer, loaded_at)
     VALUES (decode($1, 'hex'), $2, 'list-and-ballot-data', '{}', 'CN=Тестовый ЦОД', $3)`,
    [bundleHash, electionId, new Date(SETUP)],
  );
  await pool.query(
    `INSERT INTO ballot_versions (election_id, version, source, sha256, origin, bundle_hash, loaded_at)
     VALUES ($1, 1, $2, decode($3, 'hex'), 'bundle', decode($4, 'hex'), $5)`,
    [
      electionId,
      JSON.stringify(BALLOT_SOURCE),
      ballotSourceSha256Hex(BALLOT_SOURCE),
      bundleHash,
      new Date(SETUP),
    ],
  );

  await chair.post('/api/keys/ceremonies', {
    keyGroup: 'main',
    mode: 'dealer',
    attendance: [{ kind: 'commission-member', memberId: 'chair', arrivedAt: '2026-09-10T08:00:00Z' }],
    passphrases: holders.map((holder, i) => ({ holder, passphrase: `держатель ${i + 1} пароль 2026` })),
  });
  await chair.post('/api/election/manifest');

  // P-2.6, P-3.3: accepted applications and Tatarstan's compiled list (participant id = application id).
  const rows = [];
  for (const [i, a] of voters.entries()) {
    const id = `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
    await pool.query(
      `INSERT INTO applications (id, election_id, subject, region, precinct, status, full_name, birth_date,
         address, phone, passport_series, passport_number, filed_at, processed_at)
       VALUES ($1, $2, $3, '16', '1', 'accepted', $4, $5, 'Республика Татарстан, г. Казань', $6, $7, $8, $9, $9)`,
      [
        id,
        electionId,
        a.id,
        `${a.familyName} ${a.givenName} ${a.middleName}`,
        a.birthDate,
        a.phone,
        a.passport.series.replace(' ', ''),
        a.passport.number,
        new Date('2026-08-01T10:00:00Z'),
      ],
    );
    rows.push({
      id,
      lastName: a.familyName,
      firstName: a.givenName,
      middleName: a.middleName,
      birthDate: a.birthDate,
      address: 'Республика Татарстан, г. Казань, ул. Тестовая, д. 1',
      phone: a.phone,
      passport: { series: a.passport.series, number: a.passport.number },
      precinct: '1',
    });
  }
  await new ParticipantListStore(pool, electionId).importList('16', rows, {
    compiledAt: new Date('2026-09-17T10:00:00Z'),
  });
  await ok(
    await fetch(`${server.baseUrl}/dev/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: VOTING_NOON, speed: 0 }),
    }),
    'clock to voting',
  );
}

/** The manifest as the ballot box publishes it, opened as a voter's device opens it. */
export async function clientElection(server: ServerProcess): Promise<Election<unknown>> {
  const manifest = await ok(await fetch(`${server.baseUrl}/api/election/manifest`), 'manifest');
  return openElection(parseManifest(manifest));
}

async function latestCode(server: ServerProcess, phone: string): Promise<string> {
  const r = await server.db.pool.query<{ text: string }>(
    'SELECT text FROM sms_outbox WHERE phone = $1 ORDER BY id DESC LIMIT 1',
    [phone],
  );
  const code = /: (\d{6})\./.exec(r.rows[0]?.text ?? '')?.[1];
  if (code === undefined) throw new Error('no code in the outbox');
  return code;
}

/** Ballot access only (P-6.8): the credential is issued, no ballot is cast. */
export async function issueCredential(
  server: ServerProcess,
  election: Election<unknown>,
  voter: RegisterAccount,
): Promise<Credential> {
  const s = await Session.open(server.baseUrl, voter.id);
  await s.post('/api/voting/conditions', { version: CONDITIONS_VERSION });
  await s.post('/api/voting/code', {});
  await s.post('/api/voting/code/confirm', { code: await latestCode(server, voter.phone) });
  const { blindedMessage, pending } = await requestCredential(election, '16');
  const issued = (await s.post('/api/voting/credential', { blindedMessage: toBase64(blindedMessage) })) as {
    blindSignature: string;
  };
  return finishCredential(election, pending, fromBase64(issued.blindSignature));
}

/** One voter's whole way to a cast ballot; resolves with the receipt's log index. */
export async function castThrough(
  server: ServerProcess,
  election: Election<unknown>,
  voter: RegisterAccount,
  choice: string,
): Promise<number> {
  const credential = await issueCredential(server, election, voter);
  const vote = encryptVote(election, '16', [[choice]]);
  const ballot = castBallot(election, vote.json, credential);
  const r = (await ok(
    await fetch(`${server.baseUrl}/api/box/ballots`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ballot),
    }),
    'cast',
  )) as { receipt: { index: number } };
  return r.receipt.index;
}
