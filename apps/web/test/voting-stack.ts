// The stack of the voting tests: the application stack (stack.ts) plus the identity side of voting
// (issuer keys, SMS code, blind signature), the key ceremony and the manifest, and the ballot box
// with its ledger on PostgreSQL. Set up as a commission would: the operator (bootstrapped) assigns
// the chairman; the chairman decides the key parts, holds the ceremony and fixes the manifest; the
// participants' accepted applications and the compiled list are written as the processing and the
// bundle load leave them. Voting then runs at noon, Moscow time, on the second voting day.
import fs from 'node:fs';
import { ParticipantListStore, loadMigrations, migrate, migration, MIGRATIONS_DIR } from '@opendeg/db';
import type { TestDatabase } from '@opendeg/db/testing';
import type { BallotSource } from '@opendeg/deg';
import { ed25519NoteSigner, formatVerifierKey, Ledger, PostgresLedgerStore, unwrap } from '@opendeg/ledger';
import { DevOutboxSms, type RegisterAccount } from '@opendeg/server';
import { ballotSourceSha256Hex } from '../../server/src/ballot/ballot-store.ts';
import { castCounts } from '../../server/src/ballot-box/cast-counts.ts';
import { IssuerKeys } from '../../server/src/voting/issuer-keys.ts';
import { Browser, logIn } from '../../server/test/harness.ts';
import { startStack, type Stack } from './stack.ts';

/** Before voting: the key ceremony's deadline lies ahead. */
const SETUP = '2026-09-10T09:00:00Z';
/** 12:00 Moscow time on the second voting day: Tatarstan votes. */
export const VOTING_NOON = '2026-09-19T09:00:00Z';

export const BALLOT_SOURCE: BallotSource = {
  version: 1,
  title: 'Выборы депутатов (тренировка)',
  instructions: 'Поставьте любой знак в пустом квадрате справа от фамилии одного кандидата',
  candidates: [
    {
      id: 'c1',
      name: 'Иванов Иван Иванович',
      info: '1970 г. р., инженер',
      translations: { tt: { name: 'Иванов Иван Иван улы', info: '1970 елгы, инженер' } },
    },
    { id: 'c2', name: 'Петрова Мария Сергеевна', info: '1981 г. р., учитель' },
    { id: 'c3', name: 'Сидоров Пётр Алексеевич', info: '1965 г. р., врач' },
  ],
};

/**
 * TEMPORARY (issues 5–6): migrations 010–015 wait in packages/db/migrations as `*.sql.pending` until
 * the lead puts them in place; this applies them, in order, after the present ones. Once they are
 * `.sql`, it does nothing.
 */
export async function applyPendingMigrations(db: TestDatabase): Promise<void> {
  const present = loadMigrations();
  const pending = fs
    .readdirSync(MIGRATIONS_DIR)
    .flatMap((f) => {
      const m = /^(\d{3})_([a-z0-9_]+)\.sql\.pending$/.exec(f);
      return m === null
        ? []
        : [migration(Number(m[1]), m[2] ?? '', fs.readFileSync(`${MIGRATIONS_DIR}/${f}`, 'utf8'))];
    })
    .filter((m) => m.id > present.length && m.id <= 15)
    .sort((a, b) => a.id - b.id)
    .filter((m, i) => m.id === present.length + 1 + i);
  if (pending.length > 0) await migrate(db.pool, { migrations: [...present, ...pending] });
}

export interface VotingStack extends Stack {
  /** The ledger's C2SP verifier key, as observers would get it. */
  readonly verifierKey: string;
}

async function post(stack: Stack, cookie: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${stack.webUrl}${path}`, {
    method: 'POST',
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** A server-side login through the stand-in (as apps/server/test/harness.ts does it); the cookie. */
async function sessionCookie(stack: Stack, accountId: string): Promise<string> {
  const browser = new Browser();
  await logIn(browser, stack.webUrl, accountId);
  return browser.cookieHeader(new URL(stack.webUrl));
}

async function ok(response: Response, what: string): Promise<void> {
  if (response.status >= 300) throw new Error(`${what}: ${response.status} ${await response.text()}`);
}

/**
 * `register[0]` is the operator, `register[1]` the chairman; the `voters` are put on Tatarstan's
 * list (region 16, precinct 1) with accepted applications.
 */
export async function startVotingStack(
  register: RegisterAccount[],
  voters: readonly RegisterAccount[],
): Promise<VotingStack> {
  const [operator, chairman] = register;
  if (operator === undefined || chairman === undefined) throw new Error('the register needs two officials');
  const origin = 'opendeg.test/web/ledger';
  const signer = ed25519NoteSigner(origin, new Uint8Array(32).fill(5));
  let closeLedger = (): Promise<void> => Promise.resolve();
  const stack = await startStack(register, {
    start: SETUP,
    cleanup: () => closeLedger(),
    prepare: applyPendingMigrations,
    extra: async ({ db, election, clock }) => {
      const issuerKeys = new IssuerKeys({ secret: new Uint8Array(32).fill(3), bits: 2048, clock });
      const store = await PostgresLedgerStore.open(db.newPool(), origin);
      const ledger = unwrap(await Ledger.open({ origin, signer, store }));
      closeLedger = () => ledger.close();
      return {
        roles: { election, bootstrapOperatorSub: operator.id },
        voting: {
          election,
          sms: new DevOutboxSms(db.pool, clock),
          codePepper: new Uint8Array(32).fill(4),
          issuerKeys,
        },
        keys: {
          ledger,
          ballotSource: () => Promise.resolve(BALLOT_SOURCE),
          issuerKeys: (regions) => issuerKeys.issuerPublicKeys(db.pool, election.id, regions),
          keyPartScrypt: { N: 2 ** 10, r: 8, p: 1 },
        },
        ballotBox: { log: ledger },
        figures: { castCounts: () => castCounts(db.pool, election.id) },
      };
    },
  });
  const electionId = (await stack.db.pool.query<{ id: string }>('SELECT id FROM elections')).rows[0]?.id;
  if (electionId === undefined) throw new Error('no election');

  // The commission: chairman assigned, key parts decided, the ceremony held, the manifest fixed.
  const admin = await sessionCookie(stack, operator.id);
  await ok(
    await post(stack, admin, '/api/admin/roles', {
      subject: chairman.id,
      role: 'chairman',
      memberId: 'chair',
    }),
    'assign chairman',
  );
  const chair = await sessionCookie(stack, chairman.id);
  const holders = ['chair', 'member-1', 'holder-3'];
  await ok(
    await post(stack, chair, '/api/commission/key-parts', {
      meeting: 2,
      n: 3,
      k: 2,
      holders,
      votes: { for: 9, against: 0 },
    }),
    'key parts',
  );
  await ok(
    await post(stack, chair, '/api/keys/ceremonies', {
      keyGroup: 'main',
      mode: 'dealer',
      attendance: [{ kind: 'commission-member', memberId: 'chair', arrivedAt: '2026-09-10T08:00:00Z' }],
      passphrases: holders.map((holder, i) => ({ holder, passphrase: `держатель ${i + 1} пароль 2026` })),
    }),
    'key ceremony',
  );
  await ok(await post(stack, chair, '/api/election/manifest'), 'fix manifest');

  // P-4.2: the ballot's source data as the bundle load leaves them (candidate information, Tatar).
  const bundleHash = '11'.repeat(32);
  await stack.db.pool.query(
    `INSERT INTO loaded_bundles (hash, election_id, kind, manifest, signer, loaded_at)
     VALUES (decode($1, 'hex'), $2, 'list-and-ballot-data', '{}', 'CN=Тестовый ЦОД', $3)`,
    [bundleHash, electionId, new Date(SETUP)],
  );
  await stack.db.pool.query(
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

  // P-2.6, P-3.3: accepted applications and Tatarstan's compiled list (participant id = application id).
  const rows = [];
  for (const [i, a] of voters.entries()) {
    const id = `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
    await stack.db.pool.query(
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
  await new ParticipantListStore(stack.db.pool, electionId).importList('16', rows, {
    compiledAt: new Date('2026-09-17T10:00:00Z'),
  });
  stack.clock.set(VOTING_NOON);

  const verifierKey = formatVerifierKey(origin, 0x01, signer.publicKey);
  return { ...stack, verifierKey };
}
