// `opendeg keys enrol|deal|combine` (P-5.2–P-5.6, issue 6): five holders, each a separate `opendeg`
// process with its own directory, token and passphrase from the environment, run a distributed key
// ceremony against a real server (real HTTP, real PostgreSQL). The key the server records is the
// one three of the holders' files rebuild; the transport secrets and files are the holders' only.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useTestDatabase } from '@opendeg/db/testing';
import {
  assembleKey,
  bytesToHex,
  DKG_TRANSPORT_GROUP,
  hexToBytes,
  holderDeal,
  loadGroup,
  makeTransportKey,
  openKeyPart,
  type SecretShare,
} from '@opendeg/crypto';
import { ManualClock } from '@opendeg/deg';
import {
  decodeKeyGroup,
  encodeChallengeResponse,
  encodeElementHex,
  keyCeremonyContext,
} from '@opendeg/election';
import { storeElection } from '../../server/src/elections/load-election.ts';
import { generateRegister, type RegisterAccount } from '../../server/src/identity/register.ts';
import type { CeremonyView } from '../../server/src/keys/ceremony-routes.ts';
import { Sessions, startServer, type Server } from '../../server/test/harness.ts';
import {
  issuerKeyPairs,
  keysConfig,
  keysDeps,
  openTestLedger,
  type TestLedger,
} from '../../server/test/keys-fixture.ts';
import { expectNoStackTrace, run, type Run } from './run-cli.ts';

const db = useTestDatabase();
const config = keysConfig('keys-cli-test');
const clock = new ManualClock('2026-09-10T09:00:00Z');
const register = generateRegister({ seed: 5, count: 4, referenceDate: new Date('2026-09-20T00:00:00Z') });
const [operator, chairman] = register as [RegisterAccount, RegisterAccount];
const HOLDERS = ['chair', 'member-1', 'holder-3', 'holder-4', 'holder-5'];
const PASSPHRASES = HOLDERS.map((h) => `пароль ${h} на своей машине`);

let server: Server;
let log: TestLedger;
let work: string;
const sessions = new Sessions(() => server.baseUrl, [operator, chairman]);

beforeAll(async () => {
  const election = await storeElection(db.pool, config, clock.now());
  log = await openTestLedger(db.newPool(), config.electionId);
  server = await startServer({
    clock,
    register,
    db: { pool: db.pool },
    roles: { election, bootstrapOperatorSub: operator.id },
    keys: keysDeps(log.ledger, await issuerKeyPairs(config)),
  });
  await sessions.logInAll();
  const role = await sessions.call(operator, 'POST', '/api/admin/roles', {
    subject: chairman.id,
    role: 'chairman',
    memberId: 'chair',
  });
  expect(role.status).toBe(201);
  const decided = await sessions.call(chairman, 'POST', '/api/commission/key-parts', {
    meeting: 2,
    n: 5,
    k: 3,
    holders: HOLDERS,
    votes: { for: 9, against: 0 },
  });
  expect(decided.status, JSON.stringify(decided.body)).toBe(201);
  work = await mkdtemp(join(tmpdir(), 'opendeg-keys-'));
}, 120_000);
afterAll(async () => {
  await server.close();
  await log.ledger.close();
  await rm(work, { recursive: true, force: true });
});

const dirOf = (i: number, group = 'main') => join(work, group, `holder-${i}`);

async function openCeremony(keyGroup: string) {
  const opened = await sessions.call<{
    ceremony: { id: string };
    tokens: { partIndex: number; token: string }[];
  }>(chairman, 'POST', '/api/keys/distributed', {
    keyGroup,
    attendance: [{ kind: 'commission-member', memberId: 'chair', arrivedAt: '2026-09-10T08:30:00Z' }],
  });
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  const token = (i: number) => opened.body.tokens.find((t) => t.partIndex === i)?.token ?? '';
  return { id: opened.body.ceremony.id, token };
}
const all = (f: (i: number) => Promise<Run>) => Promise.all([1, 2, 3, 4, 5].map(f));
const ok = (runs: Run[]) => {
  for (const r of runs) expect(r.code, r.stderr).toBe(0);
};

describe('P-5 opendeg keys: a holder on its own machine', () => {
  test('P-5.2 P-5.5 P-5.6 five holder processes enrol, deal and combine; the recorded key is the one three files rebuild', async () => {
    const { id, token } = await openCeremony('main');
    const base = ['keys', 'enrol', '--server', server.baseUrl, '--ceremony', id];

    // The token is never an argument; without it in the environment nothing is written.
    const argvToken = await run([...base, '--token', token(1), '--dir', dirOf(1)]);
    expect(argvToken.code).toBe(2);
    const noToken = await run([...base, '--dir', dirOf(1)], { env: { OPENDEG_HOLDER_TOKEN: undefined } });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('OPENDEG_HOLDER_TOKEN');
    expectNoStackTrace(noToken);

    ok(await all((i) => run([...base, '--dir', dirOf(i)], { env: { OPENDEG_HOLDER_TOKEN: token(i) } })));
    for (const i of [1, 2, 3, 4, 5]) {
      const st = await stat(join(dirOf(i), 'holder.json'));
      expect(st.mode & 0o777).toBe(0o600);
    }
    // Enrolling again would lose the transport secret: refused.
    const again = await run([...base, '--dir', dirOf(2)], { env: { OPENDEG_HOLDER_TOKEN: token(2) } });
    expect(again.code).toBe(2);

    ok(await all((i) => run(['keys', 'deal', '--dir', dirOf(i)])));
    const twice = await run(['keys', 'deal', '--dir', dirOf(1)]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('KEY_CEREMONY_WRONG_ROUND');

    const weak = await run(['keys', 'combine', '--dir', dirOf(1)], {
      env: { OPENDEG_KEY_PASSPHRASE: 'short' },
    });
    expect(weak.code).toBe(2);
    expect(weak.stderr).toContain('OPENDEG_KEY_PASSPHRASE');
    ok(
      await all((i) =>
        run(['keys', 'combine', '--dir', dirOf(i), '--scrypt-log-n', '10'], {
          env: { OPENDEG_KEY_PASSPHRASE: PASSPHRASES[i - 1] },
        }),
      ),
    );

    const listed = await sessions.call<{ ceremonies: CeremonyView[] }>(
      chairman,
      'GET',
      '/api/keys/ceremonies',
    );
    const c = listed.body.ceremonies.find((x) => x.id === id);
    if (c === undefined) throw new Error('the ceremony was not recorded');
    expect(c).toMatchObject({ keyGroup: 'main', mode: 'dealer-free', n: 5, k: 3 });
    const g = await loadGroup(config.suite, 'noble');
    const parts: SecretShare[] = [];
    for (const i of [1, 2, 3, 4, 5]) {
      const name = (await readdir(dirOf(i))).find((f) => f.endsWith('.key'));
      if (name === undefined) throw new Error(`holder ${i} wrote no file`);
      const path = join(dirOf(i), name);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      const file = await readFile(path, 'utf8');
      expect(c.parts[i - 1]?.fileSha256).toBe(createHash('sha256').update(file).digest('hex'));
      const opened = await openKeyPart(file, PASSPHRASES[i - 1] ?? '', {
        electionId: config.electionId,
        keyGroup: 'main',
      });
      expect(opened.metadata).toMatchObject({ partIndex: i, n: 5, k: 3, holder: HOLDERS[i - 1] });
      parts.push({ index: i, secret: g.decodeScalar(opened.secret) });
    }
    const key = decodeKeyGroup(
      g,
      {
        id: 'main',
        threshold: { n: 5, k: 3 },
        publicKey: c.publicKey,
        commitments: c.commitments,
        proofs: c.proofs,
      },
      '$',
    );
    for (const trio of [
      [0, 1, 2],
      [1, 3, 4],
    ]) {
      const x = assembleKey(
        g,
        key,
        trio.map((j) => parts[j] as SecretShare),
      );
      expect(g.equals(g.multiplyBase(x), key.publicKey)).toBe(true);
    }
    // The transport secrets stayed on the holders' machines.
    const dump = await db.pool.query<{ t: string }>(
      `SELECT string_agg(row_to_json(x)::text, E'\\n') AS t FROM distributed_ceremony_enrolments x`,
    );
    for (const i of [1, 2, 3, 4, 5]) {
      const state = JSON.parse(await readFile(join(dirOf(i), 'holder.json'), 'utf8')) as {
        transportSecret: string;
        transportKey: string;
      };
      expect(dump.rows[0]?.t).toContain(state.transportKey);
      expect(dump.rows[0]?.t).not.toContain(state.transportSecret);
      expect(server.logs.join('\n')).not.toContain(state.transportSecret);
    }
  }, 180_000);
  test('P-5.6 a dealer sends holder 2 a tampered share: `opendeg keys combine` complains naming the dealer, exits 1 and writes no file', async () => {
    const { id, token } = await openCeremony('kaliningrad');
    const base = ['keys', 'enrol', '--server', server.baseUrl, '--ceremony', id];
    const cli = [1, 2, 4, 5];
    // Holder 3 is a dishonest dealer, played here through the same HTTP API.
    const binding = {
      ceremonyId: id,
      electionId: config.electionId,
      suite: config.suite,
      keyGroup: 'kaliningrad',
    };
    const h3 = makeTransportKey(binding, 3);
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.baseUrl}/api/keys/distributed/${id}${path}`, {
        method,
        headers: {
          'x-opendeg-holder-token': token(3),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      expect(res.status, path).toBeLessThan(300);
      return (await res.json()) as {
        round: string;
        holders: { transportKey?: string }[];
        complaints: { complainant: number; dealer: number }[];
      };
    };
    await api('POST', '/enrol', {
      transportKey: bytesToHex(h3.publicKey),
      proof: encodeChallengeResponse(DKG_TRANSPORT_GROUP, h3.proof),
    });
    ok(
      await Promise.all(
        cli.map((i) =>
          run([...base, '--dir', dirOf(i, 'kaliningrad')], { env: { OPENDEG_HOLDER_TOKEN: token(i) } }),
        ),
      ),
    );
    ok(await Promise.all(cli.map((i) => run(['keys', 'deal', '--dir', dirOf(i, 'kaliningrad')]))));
    const g = await loadGroup(config.suite, 'noble');
    const view = await api('GET', '');
    const d = await holderDeal(
      g,
      keyCeremonyContext(config.electionId, config.suite, 'kaliningrad'),
      { n: 5, k: 3 },
      3,
      binding,
      view.holders.map((h) => hexToBytes(h.transportKey ?? '')),
    );
    await api('POST', '/dealing', {
      commitments: d.commitment.commitments.map((c) => encodeElementHex(g, c)),
      proof: encodeChallengeResponse(g, d.commitment.proof),
      shares: d.shares.map((x) => {
        const ct = Uint8Array.from(x.ciphertext);
        if (x.recipient === 2) ct[0] = (ct[0] ?? 0) ^ 1;
        return { recipient: x.recipient, ephemeral: bytesToHex(x.ephemeral), ciphertext: bytesToHex(ct) };
      }),
    });
    const r = await run(['keys', 'combine', '--dir', dirOf(2, 'kaliningrad'), '--scrypt-log-n', '10'], {
      env: { OPENDEG_KEY_PASSPHRASE: PASSPHRASES[1] },
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('SHARE_INVALID');
    expect(r.stderr).toContain('dealer 3');
    expectNoStackTrace(r);
    expect((await readdir(dirOf(2, 'kaliningrad'))).filter((f) => f.endsWith('.key'))).toEqual([]);
    const after = await api('GET', '');
    expect(after.round).toBe('failed');
    expect(after.complaints).toMatchObject([{ complainant: 2, dealer: 3 }]);
  }, 180_000);
});
