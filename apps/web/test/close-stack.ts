// The stack of the close-of-voting test: the voting stack's pieces (identity side of voting, key
// ceremony and manifest, the ballot box on its own ledger, figures) plus the close (P-7–P-8) over
// the stored manifest, tallies and ballot, with members' certificates from a training CA. The
// commission's members get key files and certificates as their own media would hold them (files
// in a temporary directory, for the browser's file fields); the server only ever sees the
// certificates. Ballots are cast through the HTTP API as a voter's device would: conditions, SMS
// code, blind-signed credential, encryption, signed ballot.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromBase64, toBase64 } from '@opendeg/crypto';
import { ParticipantListStore } from '@opendeg/db';
import { createCommissionCa, generateMemberKeyFile, type CommissionCa } from '@opendeg/deg';
import {
  castBallot,
  encryptVote,
  finishCredential,
  openElection,
  parseManifest,
  requestCredential,
  type Election,
  type Selection,
} from '@opendeg/election';
import { ed25519NoteSigner, formatVerifierKey, Ledger, PostgresLedgerStore, unwrap } from '@opendeg/ledger';
import { DevOutboxSms, type RegisterAccount } from '@opendeg/server';
import { ballotSourceSha256Hex } from '../../server/src/ballot/ballot-store.ts';
import { castCounts } from '../../server/src/ballot-box/cast-counts.ts';
import { storedClosingSources } from '../../server/src/closing/stored-sources.ts';
import { IssuerKeys } from '../../server/src/voting/issuer-keys.ts';
import { Browser, logIn, requestJson } from '../../server/test/harness.ts';
import { latestCode, startStack, type Stack } from './stack.ts';
import { applyPendingMigrations, BALLOT_SOURCE } from './voting-stack.ts';

/** Before voting: the key ceremony's deadline lies ahead. */
export const SETUP = '2026-09-10T09:00:00Z';
/** 12:00 Moscow time on the second voting day: Tatarstan and Novosibirsk vote. */
export const VOTING_NOON = '2026-09-19T09:00:00Z';
/** 20:30 Moscow time on the last day: voting has ended everywhere in the main key group (P-7.1). */
export const AFTER_VOTING = '2026-09-20T17:30:00Z';

export const MEMBERS = ['chair', 'secretary', 'member-1'] as const;
export type MemberId = (typeof MEMBERS)[number];
/** The commission's key-parts decision (P-5.4): part i goes to HOLDERS[i − 1]. */
export const HOLDERS = ['chair', 'member-1', 'holder-3'] as const;
export const holderPassphrase = (i: number): string => `держатель ${String(i)} пароль 2026`;
export const memberPassphrase = (m: string): string => `ключ подписи ${m} 2026`;

export interface MemberMedium {
  readonly keyFile: string;
  readonly certificate: string;
}

export interface CloseStack extends Stack {
  readonly electionId: string;
  readonly verifierKey: string;
  readonly ca: CommissionCa;
  /** Each member's key file and certificate, as files on their medium. */
  readonly media: ReadonlyMap<MemberId, MemberMedium>;
  readonly dir: string;
  /** A server-side session of an account (the API as that account's browser would call it). */
  session(account: RegisterAccount): Promise<Browser>;
}

export async function ok(r: { status: number; body: unknown }, what: string): Promise<void> {
  if (r.status >= 300) throw new Error(`${what}: ${String(r.status)} ${JSON.stringify(r.body)}`);
  return Promise.resolve();
}

/**
 * register[0] the operator (bootstrapped), [1] the chairman, [2] the secretary, [3] a member. The
 * key-parts decision is taken; the key ceremony is left to the test (the workstation's page).
 */
export async function startCloseStack(register: RegisterAccount[]): Promise<CloseStack> {
  const [operator, chairman, secretary, member] = register;
  if (!operator || !chairman || !secretary || !member) throw new Error('the register needs four officials');
  const origin = 'opendeg.test/web/close';
  const signer = ed25519NoteSigner(origin, new Uint8Array(32).fill(6));
  const validity = {
    notBefore: new Date('2026-09-01T00:00:00Z'),
    notAfter: new Date('2028-12-31T00:00:00Z'),
  };
  const ca = await createCommissionCa({
    commonName: 'Учебный удостоверяющий центр',
    organisation: 'ЦИК России',
    validity,
  });
  let closeLedger = (): Promise<void> => Promise.resolve();
  const stack = await startStack(register, {
    start: SETUP,
    cleanup: () => closeLedger(),
    prepare: async (db) => {
      await applyPendingMigrations(db);
    },
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
        closing: {
          sources: {
            ...storedClosingSources(db.pool, election.id),
            ballot: () => Promise.resolve(BALLOT_SOURCE),
          },
          trustedRoots: [ca.certificate.der],
        },
      };
    },
  });
  const electionId = (await stack.db.pool.query<{ id: string }>('SELECT id FROM elections')).rows[0]?.id;
  if (electionId === undefined) throw new Error('no election');
  const session = async (account: RegisterAccount): Promise<Browser> => {
    const b = new Browser();
    await logIn(b, stack.webUrl, account.id);
    return b;
  };

  const admin = await session(operator);
  for (const [a, role, memberId] of [
    [chairman, 'chairman', 'chair'],
    [secretary, 'secretary', 'secretary'],
    [member, 'member', 'member-1'],
  ] as const) {
    await ok(
      await requestJson(admin, stack.webUrl, 'POST', '/api/admin/roles', { subject: a.id, role, memberId }),
      `assign ${role}`,
    );
  }
  const chair = await session(chairman);
  await ok(
    await requestJson(chair, stack.webUrl, 'POST', '/api/commission/key-parts', {
      meeting: 2,
      n: 3,
      k: 2,
      holders: HOLDERS,
      votes: { for: 9, against: 0 },
    }),
    'key parts',
  );

  // Each member's key is made "on their device": the key file and the certificate go to their medium;
  // the certificate alone is registered with the server (P-7.3).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opendeg-close-'));
  const media = new Map<MemberId, MemberMedium>();
  const titles = { chair: 'chairman', secretary: 'secretary', 'member-1': 'member' } as const;
  for (const m of MEMBERS) {
    const { keyFile, publicKey } = await generateMemberKeyFile(memberPassphrase(m), { iterations: 10_000 });
    const certificate = await import('@opendeg/deg').then((deg) =>
      deg.issueMemberCertificate(ca, {
        member: { id: m, fullName: `Член комиссии ${m}`, role: titles[m] },
        organisation: 'ТИК ДЭГ',
        publicKey,
        validity,
      }),
    );
    const keyPath = path.join(dir, `${m}.key.pem`);
    const certPath = path.join(dir, `${m}.crt.pem`);
    fs.writeFileSync(keyPath, keyFile.pem, { mode: 0o600 });
    fs.writeFileSync(certPath, certificate.pem);
    media.set(m, { keyFile: keyPath, certificate: certPath });
    await ok(
      await requestJson(admin, stack.webUrl, 'POST', '/api/closing/certificates', {
        memberId: m,
        certificate: certificate.pem,
      }),
      `certificate of ${m}`,
    );
  }

  return {
    ...stack,
    electionId,
    verifierKey: formatVerifierKey(origin, 0x01, signer.publicKey),
    ca,
    media,
    dir,
    session,
    close: async () => {
      await stack.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * After the key ceremony: the manifest fixed, the ballot's source data as the bundle load leaves
 * them, and the compiled lists of the regions with accepted applications (participant id =
 * application id).
 */
export async function prepareVoting(
  stack: CloseStack,
  chairman: RegisterAccount,
  voters: Readonly<Record<string, readonly RegisterAccount[]>>,
): Promise<void> {
  const chair = await stack.session(chairman);
  await ok(await requestJson(chair, stack.webUrl, 'POST', '/api/election/manifest'), 'fix manifest');
  const pool = stack.db.pool;
  const bundleHash = '11'.repeat(32);
  await pool.query(
    `INSERT INTO loaded_bundles (hash, election_id, kind, manifest, signer, loaded_at)
     VALUES (decode($1, 'hex'), $2, 'list-and-ballot-data', '{}', 'CN=Тестовый ЦОД', $3)`,
    [bundleHash, stack.electionId, new Date(SETUP)],
  );
  await pool.query(
    `INSERT INTO ballot_versions (election_id, version, source, sha256, origin, bundle_hash, loaded_at)
     VALUES ($1, 1, $2, decode($3, 'hex'), 'bundle', decode($4, 'hex'), $5)`,
    [
      stack.electionId,
      JSON.stringify(BALLOT_SOURCE),
      ballotSourceSha256Hex(BALLOT_SOURCE),
      bundleHash,
      new Date(SETUP),
    ],
  );
  let seq = 0;
  for (const [region, accounts] of Object.entries(voters)) {
    const rows = [];
    for (const a of accounts) {
      seq++;
      const id = `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`;
      await pool.query(
        `INSERT INTO applications (id, election_id, subject, region, precinct, status, full_name, birth_date,
           address, phone, passport_series, passport_number, filed_at, processed_at)
         VALUES ($1, $2, $3, $4, '1', 'accepted', $5, $6, 'Адрес', $7, $8, $9, $10, $10)`,
        [
          id,
          stack.electionId,
          a.id,
          region,
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
        address: `Регион ${region}, ул. Тестовая, д. ${String(seq)}`,
        phone: a.phone,
        passport: { series: a.passport.series, number: a.passport.number },
        precinct: '1',
      });
    }
    await new ParticipantListStore(pool, stack.electionId).importList(region, rows, {
      compiledAt: new Date('2026-09-17T10:00:00Z'),
    });
  }
}

let clientElection: Promise<Election<unknown>> | undefined;

/** A voter's device: identity side, blind-signed credential, encrypted and signed ballot, cast. */
export async function castVote(
  stack: CloseStack,
  voter: RegisterAccount,
  region: string,
  selection: Selection,
): Promise<void> {
  const b = await stack.session(voter);
  const call = <T>(method: string, url: string, body?: unknown) =>
    requestJson<T>(b, stack.webUrl, method, url, body);
  const conditions = await call<{ version: string }>('GET', '/api/voting/conditions');
  await ok(await call('POST', '/api/voting/conditions', { version: conditions.body.version }), 'conditions');
  await ok(await call('POST', '/api/voting/code', {}), 'code');
  await ok(
    await call('POST', '/api/voting/code/confirm', { code: await latestCode(stack, voter.phone) }),
    'confirm',
  );
  clientElection ??= call<unknown>('GET', '/api/election/manifest').then((r) =>
    openElection(parseManifest(r.body)),
  );
  const election = await clientElection;
  const { blindedMessage, pending } = await requestCredential(election, region);
  const issued = await call<{ blindSignature: string }>('POST', '/api/voting/credential', {
    blindedMessage: toBase64(blindedMessage),
  });
  await ok(issued, 'credential');
  const credential = await finishCredential(election, pending, fromBase64(issued.body.blindSignature));
  const vote = encryptVote(election, region, [selection]);
  const ballot = castBallot(election, vote.json, credential);
  await ok(await requestJson(new Browser(), stack.webUrl, 'POST', '/api/box/ballots', ballot), 'cast');
}
