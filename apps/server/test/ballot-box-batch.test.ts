// The ballot box under a burst (issue 6): ballots that arrive together are validated together
// (validateBallots, in worker threads or in the request's thread), looked up in one query and
// committed in one ledger append and one transaction per batch — and each still gets exactly the
// answer it gets alone: its own receipt, the same receipt for an identical resend, B.6 for a second
// ballot of a credential, its own failed check, its region's window. Real HTTP, real PostgreSQL,
// the election's ledger on PostgreSQL; the manifest is fixed directly (the ceremony is keys.test.ts).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useTestDatabase } from '@opendeg/db/testing';
import { canonicalJson, canonicalJsonBytes, loadGroup, type JsonValue } from '@opendeg/crypto';
import { blindSign } from '@opendeg/crypto/node';
import { ManualClock } from '@opendeg/deg';
import {
  castBallot,
  encryptVote,
  finishCredential,
  keyCeremonyContext,
  manifestHash,
  openElection,
  requestCredential,
  type BallotJson,
  type Credential,
  type Election,
  type Selection,
} from '@opendeg/election';
import { encodeEntry, fromBase64, verifyReceipt } from '@opendeg/ledger';
import type { ErrorBody } from '../src/api.ts';
import { buildBallotBoxApp } from '../src/ballot-box/app.ts';
import { ballotEntryBytes, BallotBoxWriter, sumOf } from '../src/ballot-box/box-writer.ts';
import { castCounts } from '../src/ballot-box/cast-counts.ts';
import { inThreadValidator } from '../src/ballot-box/validation-pool.ts';
import { votingWindows } from '../src/ballot-box/voting-windows.ts';
import { storeElection } from '../src/elections/load-election.ts';
import { generateKey, keyGroupDef } from '../src/keys/ceremony.ts';
import { buildManifest } from '../src/keys/manifest.ts';
import { storedManifestSource } from '../src/keys/manifest-store.ts';
import {
  BALLOT_SOURCE,
  issuerKeyPairs,
  keysConfig,
  openTestLedger,
  type TestLedger,
} from './keys-fixture.ts';

const db = useTestDatabase();
const config = keysConfig('box-batch-test');
/** Every region open: 12:00 in Moscow on the second voting day. */
const MIDDAY = '2026-09-19T09:00:00Z';
/** 12:00 in Kamchatka on the first day, 02:00 in Kaliningrad. */
const KAMCHATKA_NOON = '2026-09-18T00:00:00Z';
const clock = new ManualClock(MIDDAY);
const issuers = await issuerKeyPairs(config);
let log: TestLedger;
let election: Election<unknown>;

interface Receipt {
  tracker: string;
  region: string | null;
  index: number;
  leafHash: string;
  inclusionProof: string[];
  checkpoint: string;
  treeSize: number;
  rootHash: string;
}
interface Answer {
  status: number;
  body: { receipt: Receipt } & Partial<ErrorBody>;
}

beforeAll(async () => {
  await storeElection(db.pool, config, clock.now());
  log = await openTestLedger(db.newPool(), config.electionId);
  const g = await loadGroup(config.suite, 'noble');
  const keyGroups = config.keyGroups.map((k) =>
    keyGroupDef(
      g,
      k.id,
      generateKey(g, keyCeremonyContext(config.electionId, config.suite, k.id), { n: 3, k: 2 }, 'dealer').key,
    ),
  );
  const built = buildManifest(
    config,
    keyGroups,
    BALLOT_SOURCE,
    new Map([...issuers].map(([code, k]) => [code, k.spki])),
  );
  if (!built.ok) throw new Error(built.problem);
  const sha256 = Buffer.from(manifestHash(built.manifest)).toString('hex');
  const entry = await log.ledger.append({
    type: 'manifest',
    sha256,
    manifest: built.manifest as unknown as JsonValue,
  });
  if (!entry.ok) throw entry.error;
  await db.pool.query(
    `INSERT INTO election_manifests (election_id, manifest, sha256, ledger_index, fixed_at)
     VALUES ($1, $2, decode($3, 'hex'), $4, $5)`,
    [config.electionId, canonicalJson(built.manifest), sha256, entry.value.index, clock.now()],
  );
  election = await openElection(built.manifest);
}, 120_000);
afterAll(async () => {
  await log.ledger.close();
});

async function credentialFor(region: string): Promise<Credential> {
  const { blindedMessage, pending } = await requestCredential(election, region);
  const issuer = issuers.get(region);
  if (issuer === undefined) throw new Error('no issuer');
  return finishCredential(election, pending, blindSign(issuer.privateKey, blindedMessage));
}

async function ballotFor(region: string, selection: Selection, credential?: Credential): Promise<BallotJson> {
  const c = credential ?? (await credentialFor(region));
  return castBallot(election, encryptVote(election, region, [selection]).json, c);
}

/** A box of its own (as its process would run it), with `workers` validation threads. */
async function withBox<T>(workers: number, fn: (cast: (b: unknown) => Promise<Answer>) => Promise<T>) {
  const box = await buildBallotBoxApp({
    pool: db.pool,
    clock,
    manifest: storedManifestSource(db.pool, config.electionId),
    log: log.ledger,
    votingWindows: votingWindows(config),
    validationWorkers: workers,
    logger: { level: 'silent' },
  });
  await box.listen({ port: 0, host: '127.0.0.1' });
  try {
    return await fn(async (b) => {
      const r = await fetch(`${box.listeningOrigin}/api/box/ballots`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(b),
      });
      return { status: r.status, body: (await r.json()) as Answer['body'] };
    });
  } finally {
    await box.close();
  }
}

const tally = async (): Promise<number> =>
  [...(await castCounts(db.pool, config.electionId)).values()].reduce((a, b) => a + b, 0);
const checkpoints = async (): Promise<number> =>
  Number(
    (
      await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM box_checkpoints WHERE election_id = $1', [
        config.electionId,
      ])
    ).rows[0]?.n,
  );

/** The receipt checks offline against the ledger's entry, and the entry is exactly the ballot's. */
async function expectReceiptOf(ballot: unknown, receipt: Receipt): Promise<void> {
  const [entry] = await log.ledger.readEntries(receipt.index, receipt.index + 1);
  if (entry === undefined) throw new Error(`no entry ${receipt.index}`);
  const sha256 = createHash('sha256').update(canonicalJsonBytes(ballot)).digest('hex');
  const encoded = encodeEntry({ type: 'ballot', sha256, ballot: ballot as JsonValue });
  expect(encoded.ok && Buffer.from(entry).equals(Buffer.from(encoded.value))).toBe(true);
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
}

/** Swaps two responses of a 0/1 proof and signs the vote again: a well-formed ballot failing B.8. */
async function badProof(region: string): Promise<BallotJson> {
  const credential = await credentialFor(region);
  const vote = structuredClone(encryptVote(election, region, [['c1']]).json) as {
    answers: { choiceProofs: { z: string }[][] }[];
  } & BallotJson['vote'];
  const proof = vote.answers[0]?.choiceProofs[0];
  if (proof?.[0] === undefined || proof[1] === undefined) throw new Error('no proof');
  [proof[0].z, proof[1].z] = [proof[1].z, proof[0].z];
  return castBallot(election, vote, credential);
}

describe('the ballot box in batches', () => {
  test('the ledger entry of a ballot is spliced from its canonical bytes exactly as Ledger.append encodes it', async () => {
    const ballot = await ballotFor('77', ['c2']);
    const odd = { ...ballot, note: 'кавычка " и \\ обратная косая, \u2028, 😀', z: [1, { b: 2, a: null }] };
    for (const b of [ballot, odd]) {
      const canonical = canonicalJsonBytes(b);
      const sha256 = createHash('sha256').update(canonical).digest('hex');
      const encoded = encodeEntry({ type: 'ballot', sha256, ballot: b as unknown as JsonValue });
      if (!encoded.ok) throw encoded.error;
      expect(Buffer.from(ballotEntryBytes(canonical, sha256)).equals(Buffer.from(encoded.value))).toBe(true);
    }
    expect(() => ballotEntryBytes(canonicalJsonBytes(ballot), 'not a hash')).toThrow(/64 hex/);
  });

  test('P-6.10 a burst checked in worker threads: each ballot its own receipt, resends the same one, one ballot per credential (B.6), a bad proof alone refused (B.8), fewer checkpoints than ballots', async () => {
    const regions = ['77', '16', '54', '41', '39'];
    const fresh = await Promise.all(
      Array.from({ length: 30 }, (_, i) => ballotFor(regions[i % regions.length] ?? '77', ['c1'])),
    );
    const shared = await credentialFor('54');
    const rivals = await Promise.all([
      ballotFor('54', ['c1'], shared),
      ballotFor('54', ['c2'], shared),
      ballotFor('54', ['c3'], shared),
    ]);
    const bad = await badProof('16');
    const [ledgerBefore, tallyBefore, checkpointsBefore] = [
      log.ledger.size,
      await tally(),
      await checkpoints(),
    ];
    await withBox(2, async (cast) => {
      // Resends of the first three go in the same burst as their originals.
      const burst = [...fresh, ...rivals, bad, fresh[0], fresh[1], fresh[2]];
      const answers = await Promise.all(burst.map((b) => cast(b)));
      const freshAnswers = answers.slice(0, 30);
      const resent = answers.slice(34);
      for (const a of freshAnswers.slice(3)) expect(a.status, JSON.stringify(a.body)).toBe(201);
      for (let i = 0; i < 3; i++) {
        const pair = [freshAnswers[i], resent[i]] as [Answer, Answer];
        expect(pair.map((a) => a.status).sort()).toEqual([200, 201]);
        expect(pair[0].body.receipt).toEqual(pair[1].body.receipt);
      }
      const rivalAnswers = answers.slice(30, 33).map(refusalOf);
      expect(rivalAnswers.sort()).toEqual(['201 ', '409 CREDENTIAL_USED', '409 CREDENTIAL_USED']);
      const b8 = answers[33] as Answer;
      expect(refusalOf(b8)).toBe('422 BALLOT_REJECTED');
      expect(b8.body.failures?.map((f) => f.check)).toEqual(['B.8']);
      await Promise.all(freshAnswers.map((a, i) => expectReceiptOf(fresh[i], a.body.receipt)));
      expect(new Set(freshAnswers.map((a) => a.body.receipt.index)).size).toBe(30);
      // After the burst, a resend is answered from the tables with the first receipt.
      const later = await cast(fresh[5]);
      expect(later.status).toBe(200);
      expect(later.body.receipt).toEqual(freshAnswers[5]?.body.receipt);
    });
    expect(log.ledger.size).toBe(ledgerBefore + 31);
    expect(await tally()).toBe(tallyBefore + 31);
    // Group commit: the 31 accepted ballots went into the ledger in fewer batches than ballots.
    expect(await checkpoints()).toBeLessThan(checkpointsBefore + 31);
  }, 120_000);

  test('P-6.1 P-6.10 a burst checked in the request thread: each region its own window at one instant, a used credential refused (B.6, with any other failed check), the resends of a closed region still answered', async () => {
    const kamchatka = await Promise.all(Array.from({ length: 6 }, () => ballotFor('41', ['c2'])));
    const kaliningrad = await Promise.all(Array.from({ length: 3 }, () => ballotFor('39', ['c3'])));
    const used = await credentialFor('41');
    const first = await ballotFor('41', ['c1'], used);
    const second = await ballotFor('41', ['c3'], used);
    const tallyBefore = await tally();
    await withBox(0, async (cast) => {
      clock.set(KAMCHATKA_NOON);
      try {
        expect((await cast(first)).status).toBe(201);
        // A used credential on a ballot that also fails its signature: both checks named, in order.
        const forged = { ...second, signature: first.signature };
        const answers = await Promise.all([...kamchatka, ...kaliningrad, second, forged].map((b) => cast(b)));
        expect(answers.map(refusalOf)).toEqual([
          ...kamchatka.map(() => '201 '),
          ...kaliningrad.map(() => '409 VOTING_NOT_OPEN'),
          '409 CREDENTIAL_USED',
          '422 BALLOT_REJECTED',
        ]);
        expect(answers[9]?.body.failures?.map((f) => f.check)).toEqual(['B.6']);
        expect(answers[10]?.body.failures?.map((f) => f.check)).toEqual(['B.6', 'B.7']);
      } finally {
        clock.set(MIDDAY);
      }
      // Kamchatka closed at 20:00 local on the last day (08:00 UTC); its ballots, resent, still get
      // their receipts, and a Kaliningrad ballot refused before is accepted: 12:00 there.
      clock.set('2026-09-20T10:00:00Z');
      try {
        const again = await Promise.all(kamchatka.map((b) => cast(b)));
        expect(again.map((a) => a.status)).toEqual(kamchatka.map(() => 200));
        expect(refusalOf(await cast(await ballotFor('41', ['c1'])))).toBe('409 VOTING_NOT_OPEN');
        expect((await cast(kaliningrad[0])).status).toBe(201);
      } finally {
        clock.set(MIDDAY);
      }
    });
    expect(await tally()).toBe(tallyBefore + 8);
  }, 120_000);
});

const refusalOf = (a: Answer): string => `${a.status} ${a.body.code ?? ''}`;

describe('the sequencer', () => {
  test('a batch is added to a running tally at once: the same sum as one addition at a time, on the native and the pure backends', async () => {
    await import('@opendeg/ristretto-native');
    for (const backend of ['native', 'noble'] as const) {
      const g = await loadGroup('ristretto255', backend);
      const points = Array.from({ length: 9 }, () => g.multiplyBase(g.randomScalar()));
      const oneByOne = points.reduce((a, b) => g.add(a, b), g.identity);
      expect(g.encodeElement(sumOf(g, points)), backend).toEqual(g.encodeElement(oneByOne));
      expect(g.encodeElement(sumOf(g, [g.identity, ...points.slice(0, 1)]))).toEqual(
        g.encodeElement(points[0] ?? g.identity),
      );
      expect(g.encodeElement(sumOf(g, points.slice(1)))).not.toEqual(g.encodeElement(oneByOne));
    }
  });

  test('P-6.10 an identical ballot that reaches the sequencer after its first copy was committed gets the first receipt; another ballot of the credential is refused', async () => {
    const writer = await BallotBoxWriter.open({ pool: db.pool, clock, log: log.ledger, election });
    try {
      const credential = await credentialFor('77');
      const ballot = await ballotFor('77', ['c3'], credential);
      const v = await inThreadValidator(election).validate([
        { ballot, canonical: canonicalJsonBytes(ballot), credentialUsed: false },
      ]);
      if (v[0]?.ok !== true) throw new Error('the ballot does not validate');
      const canonical = canonicalJsonBytes(ballot);
      const submission = {
        kind: 'ballot' as const,
        canonical,
        sha256: createHash('sha256').update(canonical).digest('hex'),
        ...v[0].ballot,
      };
      const first = await writer.submit(submission);
      expect(first.kind === 'accepted' && first.fresh).toBe(true);
      const again = await writer.submit(submission);
      expect(again).toEqual(first.kind === 'accepted' ? { ...first, fresh: false } : undefined);
      const other = await ballotFor('77', ['c1'], credential);
      const w = await inThreadValidator(election).validate([
        { ballot: other, canonical: canonicalJsonBytes(other), credentialUsed: false },
      ]);
      if (w[0]?.ok !== true) throw new Error('the other ballot does not validate');
      const otherCanonical = canonicalJsonBytes(other);
      expect(
        await writer.submit({
          kind: 'ballot',
          canonical: otherCanonical,
          sha256: createHash('sha256').update(otherCanonical).digest('hex'),
          ...w[0].ballot,
        }),
      ).toEqual({ kind: 'credential-used' });
    } finally {
      await writer.close();
    }
  }, 60_000);
});
