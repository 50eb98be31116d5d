// P-6.1 and P-6.10 (the ballot box, DESIGN "The voting protocol" step 3) through the HTTP API: a real
// server on port 0, real PostgreSQL, the election's ledger on PostgreSQL. The keys come from a real
// ceremony (P-5) and the manifest is fixed through the API; ballots are made as the voter's device
// makes them (a blind-signed credential from the region's issuer, an encrypted vote, the credential's
// signature). Time is a ManualClock in the training configuration (voting 18–20 September 2026,
// 8:00–20:00 in each region's own zone; Kaliningrad is UTC+2, Kamchatka UTC+12).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useTestDatabase } from '@opendeg/db/testing';
import { canonicalJsonBytes, loadGroup, openKeyPart, type SecretShare } from '@opendeg/crypto';
import { blindSign } from '@opendeg/crypto/node';
import { ManualClock } from '@opendeg/deg';
import {
  castBallot,
  challengeVote,
  decryptKeyGroupAssembled,
  encryptVote,
  finishCredential,
  openElection,
  parseManifest,
  RegionTally,
  requestCredential,
  type BallotJson,
  type Credential,
  type Election,
  type RegionTallyJson,
  type Selection,
} from '@opendeg/election';
import { fromBase64, parseEntryBundle, verifyReceipt } from '@opendeg/ledger';
import type { ErrorBody } from '../src/api.ts';
import type { LoadedElection } from '../src/applications/deps.ts';
import { buildBallotBoxApp } from '../src/ballot-box/app.ts';
import { castCounts } from '../src/ballot-box/cast-counts.ts';
import { votingWindows } from '../src/ballot-box/voting-windows.ts';
import { storedManifestSource } from '../src/keys/manifest-store.ts';
import { storeElection } from '../src/elections/load-election.ts';
import { generateRegister, type RegisterAccount } from '../src/identity/register.ts';
import { Browser, logIn, requestJson, startServer, type ApiResult, type Server } from './harness.ts';
import { issuerKeyPairs, keysConfig, keysDeps, openTestLedger, type TestLedger } from './keys-fixture.ts';

const db = useTestDatabase();
const config = keysConfig('box-test');
const START = '2026-09-10T09:00:00Z';
/** 12:00 in Kamchatka on the first day, 02:00 in Kaliningrad. */
const KAMCHATKA_NOON = '2026-09-18T00:00:00Z';
/** Every region open: 12:00 in Moscow on the second day. */
const MIDDAY = '2026-09-19T09:00:00Z';
/** 19:30 in Kaliningrad on the last day, 20:30 in Moscow. */
const KALININGRAD_EVENING = '2026-09-20T17:30:00Z';
const clock = new ManualClock(START);
const register = generateRegister({ seed: 78, count: 4, referenceDate: new Date('2026-09-20T00:00:00Z') });
const [operator, chairman] = register as [RegisterAccount, RegisterAccount];
const HOLDERS = ['chair', 'member-1', 'holder-3'];
const PASSPHRASES = ['первый держатель 2026', 'second holder 2026!', 'третий держатель 2026'];

let server: Server;
let electionRow: LoadedElection;
let log: TestLedger;
let election: Election<unknown>;
const issuers = await issuerKeyPairs(config);
/** The parts of each key group, as the holders would bring them to the decryption (P-7.6). */
const parts = new Map<string, SecretShare[]>();
/** What the test cast, per region and candidate (the blank choice as 'blank'). */
const cast = new Map<string, Map<string, number>>();

interface ReceiptBody {
  receipt: {
    tracker: string;
    trackerCode: string;
    region: string | null;
    index: number;
    leafHash: string;
    inclusionProof: string[];
    checkpoint: string;
    treeSize: number;
    rootHash: string;
  };
}
type Result = ApiResult<ReceiptBody>;

async function post(path: string, body: unknown): Promise<Result> {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as Result['body'],
    headers: response.headers,
  };
}
const castIt = (ballot: unknown): Promise<Result> => post('/api/box/ballots', ballot);
const refusal = (r: ApiResult<unknown>): string => `${r.status} ${r.body.code ?? ''}`;

async function credentialFor(region: string): Promise<Credential> {
  const { blindedMessage, pending } = await requestCredential(election, region);
  const issuer = issuers.get(region);
  if (issuer === undefined) throw new Error('no issuer');
  return finishCredential(election, pending, blindSign(issuer.privateKey, blindedMessage));
}

async function ballotFor(
  region: string,
  selection: Selection,
  credential?: Credential,
): Promise<{ ballot: BallotJson; credential: Credential }> {
  const c = credential ?? (await credentialFor(region));
  const v = encryptVote(election, region, [selection]);
  return { ballot: castBallot(election, v.json, c), credential: c };
}

function counted(region: string, selection: Selection): void {
  const key = selection === 'blank' ? 'blank' : (selection[0] ?? '');
  const r = cast.get(region) ?? new Map<string, number>();
  r.set(key, (r.get(key) ?? 0) + 1);
  cast.set(region, r);
}

async function at<T>(time: string, fn: () => Promise<T>): Promise<T> {
  clock.set(time);
  try {
    return await fn();
  } finally {
    clock.set(MIDDAY);
  }
}

beforeAll(async () => {
  electionRow = await storeElection(db.pool, config, clock.now());
  log = await openTestLedger(db.newPool(), config.electionId);
  server = await startServer({
    clock,
    register,
    db: { pool: db.pool },
    roles: { election: electionRow, bootstrapOperatorSub: operator.id },
    keys: keysDeps(log.ledger, issuers),
    ballotBox: { log: log.ledger },
  });
  const admin = new Browser();
  await logIn(admin, server.baseUrl, operator.id);
  expect(
    (
      await requestJson(admin, server.baseUrl, 'POST', '/api/admin/roles', {
        subject: chairman.id,
        role: 'chairman',
        memberId: 'chair',
      })
    ).status,
  ).toBe(201);
  const chair = new Browser();
  await logIn(chair, server.baseUrl, chairman.id);
  const decided = await requestJson(chair, server.baseUrl, 'POST', '/api/commission/key-parts', {
    meeting: 2,
    n: 3,
    k: 2,
    holders: HOLDERS,
    votes: { for: 8, against: 1 },
  });
  expect(decided.status).toBe(201);
  const g = await loadGroup(config.suite, 'noble');
  for (const keyGroup of ['main', 'kaliningrad']) {
    const held = await requestJson<{ files: { partIndex: number; holder: string; content: string }[] }>(
      chair,
      server.baseUrl,
      'POST',
      '/api/keys/ceremonies',
      {
        keyGroup,
        mode: keyGroup === 'main' ? 'dealer' : 'dealer-free',
        attendance: [{ kind: 'commission-member', memberId: 'chair', arrivedAt: '2026-09-10T08:00:00Z' }],
        passphrases: HOLDERS.map((holder, i) => ({ holder, passphrase: PASSPHRASES[i] })),
      },
    );
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    const shares: SecretShare[] = [];
    for (const f of held.body.files) {
      const opened = await openKeyPart(f.content, PASSPHRASES[HOLDERS.indexOf(f.holder)] ?? '', {
        electionId: config.electionId,
        keyGroup,
      });
      shares.push({ index: f.partIndex, secret: g.decodeScalar(opened.secret) });
    }
    parts.set(keyGroup, shares);
  }
  // Before the manifest is fixed the box takes nothing.
  expect(refusal(await castIt({ vote: {} }))).toBe('409 MANIFEST_NOT_FIXED');
  const fixed = await requestJson(chair, server.baseUrl, 'POST', '/api/election/manifest');
  expect(fixed.status, JSON.stringify(fixed.body)).toBe(201);
  const manifest = parseManifest(await (await fetch(`${server.baseUrl}/api/election/manifest`)).json());
  election = await openElection(manifest);
  clock.set(MIDDAY);
}, 120_000);
afterAll(async () => {
  await server.close();
  await log.ledger.close();
});

describe('P-6 the ballot box', () => {
  test('P-6.1 at one instant a Kamchatka ballot is accepted while a Kaliningrad ballot is refused, each region in its own time', async () => {
    const kamchatka = await ballotFor('41', ['c1']);
    const kaliningrad = await ballotFor('39', ['c2']);
    const moscow = await ballotFor('77', ['c3']);
    await at(KAMCHATKA_NOON, async () => {
      const k = await castIt(kamchatka.ballot);
      expect(k.status, JSON.stringify(k.body)).toBe(201);
      counted('41', ['c1']);
      expect(refusal(await castIt(kaliningrad.ballot))).toBe('409 VOTING_NOT_OPEN');
      expect(refusal(await castIt(moscow.ballot))).toBe('409 VOTING_NOT_OPEN');
    });
    await at(KALININGRAD_EVENING, async () => {
      expect(refusal(await castIt(moscow.ballot))).toBe('409 VOTING_NOT_OPEN');
      expect((await castIt(kaliningrad.ballot)).status).toBe(201);
      counted('39', ['c2']);
      // The Kamchatka ballot, resent after Kamchatka closed, still gets its receipt: it was cast in time.
      expect((await castIt(kamchatka.ballot)).status).toBe(200);
    });
  });

  test('P-6.10 the receipt: tracker code, leaf index, inclusion proof and signed checkpoint, checked offline and in the ledger tiles', async () => {
    const { ballot } = await ballotFor('77', ['c2']);
    const r = await castIt(ballot);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    counted('77', ['c2']);
    const { receipt } = r.body;
    expect(receipt.region).toBe('77');
    expect(receipt.trackerCode).toMatch(/^\d{4}(-\d{4}){4}$/);
    const [entry] = await log.ledger.readEntries(receipt.index, receipt.index + 1);
    if (entry === undefined) throw new Error('no entry');
    const verified = verifyReceipt(
      {
        index: receipt.index,
        leafHash: fromBase64(receipt.leafHash) ?? new Uint8Array(),
        inclusionProof: receipt.inclusionProof.map((p) => fromBase64(p) ?? new Uint8Array()),
        checkpoint: receipt.checkpoint,
        treeSize: receipt.treeSize,
        rootHash: fromBase64(receipt.rootHash) ?? new Uint8Array(),
      },
      entry,
      { logVerifier: log.verifier, origin: log.origin },
    );
    expect(verified.ok).toBe(true);
    // The entry is the ballot itself, nothing more: no personal data can be in it.
    expect(JSON.parse(new TextDecoder().decode(entry))).toEqual({
      type: 'ballot',
      sha256: createHash('sha256').update(canonicalJsonBytes(ballot)).digest('hex'),
      ballot,
    });
    // The same entry in the public tiles (P-10.10).
    const checkpoint = await fetch(`${server.baseUrl}/log/checkpoint`);
    expect(checkpoint.status).toBe(200);
    expect(await checkpoint.text()).toMatch(new RegExp(`^${log.origin}\\n\\d+\\n`));
    const size = log.ledger.size;
    const bundle = await fetch(`${server.baseUrl}/log/tile/entries/000.p/${size}`);
    expect(bundle.status).toBe(200);
    const entries = parseEntryBundle(new Uint8Array(await bundle.arrayBuffer()));
    expect(entries.ok && Buffer.from(entries.value[receipt.index] ?? []).equals(Buffer.from(entry))).toBe(
      true,
    );
    expect((await fetch(`${server.baseUrl}/log/tile/entries/999`)).status).toBe(404);
    expect((await fetch(`${server.baseUrl}/log/nonsense`)).status).toBe(404);
  });

  test('P-6.10 the same ballot sent again returns the same receipt, also two sent at once: one ledger entry, counted once', async () => {
    const { ballot } = await ballotFor('16', ['c1']);
    const before = log.ledger.size;
    const [a, b] = await Promise.all([castIt(ballot), castIt(ballot)]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.receipt).toEqual(b.body.receipt);
    const again = await castIt(ballot);
    expect(again.status).toBe(200);
    expect(again.body.receipt).toEqual(a.body.receipt);
    expect(log.ledger.size).toBe(before + 1);
    counted('16', ['c1']);
  });

  test('P-6.10 no second vote: another ballot with a used credential is refused (B.6), also when both arrive at once', async () => {
    const first = await ballotFor('54', ['c3']);
    expect((await castIt(first.ballot)).status).toBe(201);
    counted('54', ['c3']);
    const changed = await ballotFor('54', ['c1'], first.credential);
    const r = await castIt(changed.ballot);
    expect(refusal(r)).toBe('409 CREDENTIAL_USED');
    expect(r.body.failures?.map((f) => f.check)).toEqual(['B.6']);
    const credential = await credentialFor('54');
    const [x, y] = await Promise.all([
      ballotFor('54', ['c1'], credential).then((b) => castIt(b.ballot)),
      ballotFor('54', ['c2'], credential).then((b) => castIt(b.ballot)),
    ]);
    expect([x, y].map(refusal).sort()).toEqual(['201 ', '409 CREDENTIAL_USED']);
    counted('54', x.status === 201 ? ['c1'] : ['c2']);
  });

  test('B.1 B.5 B.7 B.8 a ballot that fails a check is refused, naming the check', async () => {
    const { ballot, credential } = await ballotFor('77', ['c1']);
    // B.8: a 0/1 proof that does not hold (two responses swapped), re-signed by the credential.
    const vote = structuredClone(ballot.vote) as {
      answers: { choiceProofs: { z: string }[][] }[];
    } & BallotJson['vote'];
    const proof = vote.answers[0]?.choiceProofs[0];
    if (proof?.[0] === undefined || proof[1] === undefined) throw new Error('no proof');
    [proof[0].z, proof[1].z] = [proof[1].z, proof[0].z];
    const b8 = await castIt(castBallot(election, vote, credential));
    expect(refusal(b8)).toBe('422 BALLOT_REJECTED');
    expect(b8.body.failures?.map((f) => f.check)).toContain('B.8');
    // B.7: the vote changed after signing.
    const b7 = await castIt({ ...ballot, vote });
    expect(b7.body.failures?.map((f) => f.check)).toContain('B.7');
    // B.5: a credential certified for another region (16) in a ballot of region 77.
    const foreign = await ballotFor('77', ['c1'], await credentialFor('16'));
    const b5 = await castIt(foreign.ballot);
    expect(refusal(b5)).toBe('422 BALLOT_REJECTED');
    expect(b5.body.failures?.map((f) => f.check)).toEqual(['B.5']);
    const b1 = await castIt({ vote: ballot.vote });
    expect(b1.body.failures?.map((f) => f.check)).toEqual(['B.1']);
    // None of them reached the ledger; the valid ballot still can be cast.
    expect((await castIt(ballot)).status).toBe(201);
    counted('77', ['c1']);
  });

  test('B.10 a challenged (Benaloh) vote is published and never counted; its ballot is refused; a cast tracker is not opened', async () => {
    const credential = await credentialFor('16');
    const v = encryptVote(election, '16', [['c2']]);
    const challenged = challengeVote(election.group, v);
    const published = await post('/api/box/challenged', challenged);
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(published.body.receipt.region).toBeNull();
    expect(published.body.receipt.tracker).toBe(v.tracker.hash);
    const again = await post('/api/box/challenged', challenged);
    expect(again.status).toBe(200);
    expect(again.body.receipt.index).toBe(published.body.receipt.index);
    const refused = await castIt(castBallot(election, v.json, credential));
    expect(refusal(refused)).toBe('422 BALLOT_REJECTED');
    expect(refused.body.failures?.map((f) => f.check)).toEqual(['B.10']);
    // A wrong opening is refused with its check (C.2).
    const lie = structuredClone(challenged);
    const marks = lie.openings[0]?.marks as number[];
    marks.reverse();
    const c2 = await post('/api/box/challenged', lie);
    expect(refusal(c2)).toBe('422 CHALLENGE_REJECTED');
    expect(c2.body.failures?.map((f) => f.check)).toContain('C.2');
    // The credential is still unused: the voter casts a fresh encryption.
    expect((await castIt((await ballotFor('16', ['c3'], credential)).ballot)).status).toBe(201);
    counted('16', ['c3']);
    // A cast ballot's opening is never published (it would reveal a counted vote).
    const castOne = encryptVote(election, '16', [['c1']]);
    expect((await castIt(castBallot(election, castOne.json, await credentialFor('16')))).status).toBe(201);
    counted('16', ['c1']);
    expect(refusal(await post('/api/box/challenged', challengeVote(election.group, castOne)))).toBe(
      '409 TRACKER_ALREADY_CAST',
    );
  });

  test('GET /api/box/receipts/:tracker: a fresh receipt against the latest checkpoint; an unknown tracker is 404', async () => {
    const { ballot } = await ballotFor('39', 'blank');
    const r = await castIt(ballot);
    counted('39', 'blank');
    expect((await castIt((await ballotFor('41', ['c2'])).ballot)).status).toBe(201);
    counted('41', ['c2']);
    const fresh = await requestJson<ReceiptBody>(
      new Browser(),
      server.baseUrl,
      'GET',
      `/api/box/receipts/${r.body.receipt.tracker}`,
    );
    expect(fresh.status).toBe(200);
    expect(fresh.body.receipt.index).toBe(r.body.receipt.index);
    expect(fresh.body.receipt.treeSize).toBeGreaterThan(r.body.receipt.treeSize);
    const [entry] = await log.ledger.readEntries(r.body.receipt.index, r.body.receipt.index + 1);
    const rc = fresh.body.receipt;
    expect(
      verifyReceipt(
        {
          index: rc.index,
          leafHash: fromBase64(rc.leafHash) ?? new Uint8Array(),
          inclusionProof: rc.inclusionProof.map((p) => fromBase64(p) ?? new Uint8Array()),
          checkpoint: rc.checkpoint,
          treeSize: rc.treeSize,
          rootHash: fromBase64(rc.rootHash) ?? new Uint8Array(),
        },
        entry ?? new Uint8Array(),
        { logVerifier: log.verifier, origin: log.origin },
      ).ok,
    ).toBe(true);
    const unknown = await requestJson(
      new Browser(),
      server.baseUrl,
      'GET',
      `/api/box/receipts/${'0'.repeat(64)}`,
    );
    expect(refusal(unknown)).toBe('404 RECEIPT_NOT_FOUND');
  });

  test('P-6.10 the running tallies: updated as ballots are accepted, per region, and they decrypt to exactly the votes cast', async () => {
    const counts = await castCounts(db.pool, config.electionId);
    const expected = new Map(
      [...cast].map(([region, m]) => [region, [...m.values()].reduce((a, b) => a + b, 0)]),
    );
    for (const r of config.regions) expect(counts.get(r.code) ?? -1, r.code).toBe(expected.get(r.code) ?? 0);
    const rows = await db.pool.query<{
      region: string;
      ballots: string;
      aggregates: RegionTallyJson['aggregates'];
    }>('SELECT region, ballots, aggregates FROM box_tallies WHERE election_id = $1', [config.electionId]);
    const ids = ['blank', 'c1', 'c2', 'c3'];
    for (const keyGroup of ['main', 'kaliningrad']) {
      const tallies = rows.rows
        .filter((t) => election.regions.get(t.region)?.def.keyGroup === keyGroup && Number(t.ballots) > 0)
        .map((t) => {
          const style = election.regions.get(t.region)?.style;
          if (style === undefined) throw new Error('style');
          return RegionTally.fromJson(election.group, style, {
            region: t.region,
            ballots: Number(t.ballots),
            aggregates: t.aggregates,
          });
        });
      const out = decryptKeyGroupAssembled(
        election,
        keyGroup,
        tallies,
        (parts.get(keyGroup) ?? []).slice(0, 2),
      );
      for (const result of out.results) {
        const want = cast.get(result.region) ?? new Map<string, number>();
        expect(result.counts[0], result.region).toEqual(ids.map((id) => want.get(id) ?? 0));
      }
    }
  });

  test('a crash between the ledger and the tables loses no vote: the next start applies the ledger entry; its box checks proofs in worker threads', async () => {
    const { ballot } = await ballotFor('77', ['c3']);
    const bytes = canonicalJsonBytes(ballot);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    // The ledger took the ballot, then the process died before its transaction.
    const appended = await log.ledger.append({ type: 'ballot', sha256, ballot: ballot as never });
    expect(appended.ok).toBe(true);
    const before = (await castCounts(db.pool, config.electionId)).get('77') ?? 0;
    const restarted = await startServer({
      clock,
      register,
      db: { pool: db.pool },
      roles: { election: electionRow },
      keys: keysDeps(log.ledger, issuers),
      ballotBox: { log: log.ledger, validationWorkers: 1 },
    });
    try {
      const r = await fetch(`${restarted.baseUrl}/api/box/ballots`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ballot),
      });
      const body = (await r.json()) as ReceiptBody;
      expect(r.status).toBe(200);
      expect(appended.ok && body.receipt.index).toBe(appended.ok ? appended.value.index : -1);
      expect((await castCounts(db.pool, config.electionId)).get('77')).toBe(before + 1);
      counted('77', ['c3']);
      // The restarted box validates in a worker thread: the same answers, by check ID.
      const viaWorker = (b: unknown) =>
        fetch(`${restarted.baseUrl}/api/box/ballots`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(b),
        }).then(async (res) => ({ status: res.status, body: (await res.json()) as ReceiptBody & ErrorBody }));
      const fresh = await ballotFor('54', ['c2']);
      expect((await viaWorker(fresh.ballot)).status).toBe(201);
      counted('54', ['c2']);
      const other = await ballotFor('54', ['c1'], fresh.credential);
      expect((await viaWorker(other.ballot)).body.code).toBe('CREDENTIAL_USED');
      const broken = await viaWorker({ ...fresh.ballot, signature: other.ballot.signature });
      expect(broken.body.failures?.map((f) => f.check)).toContain('B.7');
    } finally {
      await restarted.close();
    }
  });

  test('the box runs alone, as a process of its own would, with only its pool, clock, manifest, windows and log', async () => {
    const alone = await buildBallotBoxApp({
      pool: db.pool,
      clock,
      manifest: storedManifestSource(db.pool, config.electionId),
      log: log.ledger,
      votingWindows: votingWindows(config),
      logger: { level: 'silent' },
    });
    await alone.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { ballot } = await ballotFor('16', ['c2']);
      const r = await fetch(`${alone.listeningOrigin}/api/box/ballots`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ballot),
      });
      expect(r.status).toBe(201);
      counted('16', ['c2']);
      const { receipt } = (await r.json()) as ReceiptBody;
      const again = await requestJson<ReceiptBody>(
        new Browser(),
        server.baseUrl,
        'GET',
        `/api/box/receipts/${receipt.tracker}`,
      );
      expect(again.body.receipt.index).toBe(receipt.index);
      expect((await fetch(`${alone.listeningOrigin}/log/checkpoint`)).status).toBe(200);
      expect((await fetch(`${alone.listeningOrigin}/api/me`)).status).toBe(404);
    } finally {
      await alone.close();
    }
  });
});
