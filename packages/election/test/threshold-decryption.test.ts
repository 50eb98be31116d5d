// Threshold decryption by key-part holders (P-5.4, P-7.6–7.8): the commission sets N parts and the
// minimum K; any K holders give the same published result, K−1 cannot decrypt, a holder whose share
// fails its proof is named by part index, a dealer-free key works alike, and the literal P-7.6 mode
// (assemble the key from K parts) publishes the same result with a record that verifies.
import { CryptoError } from '@opendeg/crypto';
import type { Ciphertext, DecryptionShare, SecretShare } from '@opendeg/crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import type { BallotJson } from '../src/ballot.ts';
import { decryptKeyGroup } from '../src/decrypt.ts';
import type { RegionDecryptionJson, RegionResultJson } from '../src/decrypt.ts';
import type { ElectionRecordOut } from '../src/record.ts';
import { RegionTally } from '../src/tally.ts';
import { closeElection, setUpElection, vote } from '../src/testing/simulate.ts';
import type { SimulatedElection } from '../src/testing/simulate.ts';
import { LocalTrustee } from '../src/trustee.ts';
import type { DecryptingTrustee } from '../src/trustee.ts';
import { validateBallot } from '../src/validate.ts';
import { verifyRecord } from '../src/verify.ts';
import { DEG_BALLOT, failedChecks, REGIONS } from './fixtures.ts';

const MOSCOW = [REGIONS[0]!];
const PLAN: [string, ...string[]][] = [['a'], ['b'], ['b'], ['c'], ['b']];
const EXPECTED = [[[0, 1, 3, 1]]];

/** All k-element subsets of 1..n, in lexicographic order. */
function subsets(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  if (n < k) return [];
  return [...subsets(n - 1, k), ...subsets(n - 1, k - 1).map((s) => [...s, n])];
}

/** A holder whose part was corrupted (a bad medium, or a holder who lies): its proofs fail. */
class CorruptTrustee implements DecryptingTrustee<unknown> {
  readonly index: number;
  readonly #inner: LocalTrustee<unknown>;
  constructor(sim: SimulatedElection, part: SecretShare) {
    this.index = part.index;
    this.#inner = new LocalTrustee(sim.election.group, { index: part.index, secret: part.secret + 1n });
  }
  decrypt(
    context: Uint8Array,
    cts: readonly Ciphertext<unknown>[],
  ): Promise<readonly DecryptionShare<unknown>[]> {
    return this.#inner.decrypt(context, cts);
  }
}

async function ballotsFor(sim: SimulatedElection): Promise<BallotJson[]> {
  const out: BallotJson[] = [];
  for (const s of PLAN) out.push((await vote(sim, '77', [s])).ballot);
  return out;
}

async function talliesOf(
  sim: SimulatedElection,
  ballots: readonly BallotJson[],
): Promise<RegionTally<unknown>[]> {
  const region = sim.election.regions.get('77')!;
  const t = new RegionTally(sim.election.group, '77', region.style);
  for (const b of ballots) {
    const r = await validateBallot(sim.election, b);
    if (!r.ok) throw new Error('fixture ballot rejected');
    t.add(r.ballot.answers);
  }
  return [t];
}

const trusteesOf = (sim: SimulatedElection, indices: readonly number[]): LocalTrustee<unknown>[] =>
  (sim.parts.get('main') ?? [])
    .filter((p) => indices.includes(p.index))
    .map((p) => new LocalTrustee(sim.election.group, p));

async function thrown(p: Promise<unknown>): Promise<CryptoError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CryptoError) return e;
    throw e;
  }
  throw new Error('expected a CryptoError');
}

describe('threshold decryption, 3 of 5', () => {
  let sim: SimulatedElection;
  let ballots: BallotJson[];
  let tallies: RegionTally<unknown>[];
  beforeAll(async () => {
    sim = await setUpElection({ regions: MOSCOW, ballotStyle: DEG_BALLOT, threshold: { n: 5, k: 3 } });
    ballots = await ballotsFor(sim);
    tallies = await talliesOf(sim, ballots);
  });

  const recordWith = (
    decryptions: RegionDecryptionJson[],
    results: RegionResultJson[],
  ): ElectionRecordOut => ({
    manifest: sim.manifest,
    ballots,
    challenged: [],
    tallies: tallies.map((t) => t.toJson()),
    decryptions,
    results,
  });

  test('P-5.4 P-7.8 any K of the N holders publish the same result, and each record verifies', async () => {
    const all = subsets(5, 3);
    expect(all).toHaveLength(10);
    for (const holders of all) {
      const out = await decryptKeyGroup(sim.election, 'main', tallies, trusteesOf(sim, holders));
      expect(out.results.map((r) => r.counts)).toEqual(EXPECTED);
      expect(out.decryptions[0]?.shares.map((s) => s.index)).toEqual(holders);
      expect(out.rejected).toEqual([]);
      expect(failedChecks(await verifyRecord(recordWith(out.decryptions, out.results)))).toEqual([]);
    }
  });

  test('P-5.4 K−1 holders cannot decrypt (NOT_ENOUGH_SHARES)', async () => {
    for (const holders of subsets(5, 2)) {
      const e = await thrown(decryptKeyGroup(sim.election, 'main', tallies, trusteesOf(sim, holders)));
      expect(e.code).toBe('NOT_ENOUGH_SHARES');
    }
    // Nor K trustees of whom two hold the same part.
    const [one, two] = trusteesOf(sim, [1, 2]);
    const e = await thrown(decryptKeyGroup(sim.election, 'main', tallies, [one!, two!, one!]));
    expect(e.code).toBe('NOT_ENOUGH_SHARES');
  });

  test('P-7.6 a holder sending a bad share is named by its part index (SHARE_INVALID)', async () => {
    const parts = sim.parts.get('main')!;
    const [p2] = parts.filter((p) => p.index === 2);
    const trustees = [...trusteesOf(sim, [1]), new CorruptTrustee(sim, p2!), ...trusteesOf(sim, [4])];
    const e = await thrown(decryptKeyGroup(sim.election, 'main', tallies, trustees));
    expect(e.code).toBe('SHARE_INVALID');
    expect(e.index).toBe(2);
  });

  test('P-7.6 with K honest holders besides a faulty one, the faulty one is set aside and named', async () => {
    const parts = sim.parts.get('main')!;
    const [p3] = parts.filter((p) => p.index === 3);
    const trustees = [...trusteesOf(sim, [1]), new CorruptTrustee(sim, p3!), ...trusteesOf(sim, [4, 5])];
    const out = await decryptKeyGroup(sim.election, 'main', tallies, trustees);
    expect(out.rejected).toEqual([3]);
    expect(out.decryptions[0]?.shares.map((s) => s.index)).toEqual([1, 4, 5]);
    expect(out.results.map((r) => r.counts)).toEqual(EXPECTED);
  });

  test('P-7.6 assemble mode (the key rebuilt from K parts) gives the same result and its record verifies', async () => {
    const record = await closeElection(sim, ballots, [], { assemble: true, holders: [5, 2, 4] });
    expect(record.results.map((r) => r.counts)).toEqual(EXPECTED);
    expect(record.decryptions.map((d) => d.mode)).toEqual(['assembled']);
    expect(failedChecks(await verifyRecord(record))).toEqual([]);
    // A changed assembled decryption is caught like a threshold one.
    const tampered = structuredClone(record) as unknown as {
      decryptions: { shares: { values: { proof: { z: string } }[][] }[] }[];
    };
    const proof = tampered.decryptions[0]!.shares[0]!.values[0]![1]!.proof;
    proof.z = proof.z.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(failedChecks(await verifyRecord(tampered as unknown as ElectionRecordOut))).toContain(
      'V.7@region 77',
    );
  });

  test('P-7.6 P-5.4 assemble mode with K−1 parts, or a corrupted part, fails and names the part', async () => {
    await expect(closeElection(sim, ballots, [], { assemble: true, holders: [1, 2] })).rejects.toMatchObject({
      code: 'NOT_ENOUGH_SHARES',
    });
    const corrupt: SimulatedElection = {
      ...sim,
      parts: new Map([
        [
          'main',
          sim.parts.get('main')!.map((p) => (p.index === 2 ? { index: 2, secret: p.secret + 1n } : p)),
        ],
      ]),
    };
    await expect(
      closeElection(corrupt, ballots, [], { assemble: true, holders: [1, 2, 3] }),
    ).rejects.toMatchObject({ code: 'SHARE_INVALID', index: 2 });
  });
});

describe('dealer-free key (Pedersen DKG), 3 of 5', () => {
  test('P-5.2 P-5.4 a dealer-free key decrypts with any K holders and its record verifies', async () => {
    const sim = await setUpElection({
      regions: MOSCOW,
      ballotStyle: DEG_BALLOT,
      threshold: { n: 5, k: 3 },
      dealerFree: true,
    });
    expect(sim.manifest.keyGroups[0]?.commitments).toHaveLength(5);
    const ballots = await ballotsFor(sim);
    for (const holders of [
      [1, 2, 3],
      [2, 4, 5],
    ]) {
      const record = await closeElection(sim, ballots, [], { holders });
      expect(record.results.map((r) => r.counts)).toEqual(EXPECTED);
      expect(failedChecks(await verifyRecord(record))).toEqual([]);
    }
    const tallies = await talliesOf(sim, ballots);
    const e = await thrown(decryptKeyGroup(sim.election, 'main', tallies, trusteesOf(sim, [3, 5])));
    expect(e.code).toBe('NOT_ENOUGH_SHARES');
    const assembled = await closeElection(sim, ballots, [], { assemble: true, holders: [4, 1, 3] });
    expect(assembled.results.map((r) => r.counts)).toEqual(EXPECTED);
    expect(failedChecks(await verifyRecord(assembled))).toEqual([]);
  });
});
