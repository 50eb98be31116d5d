// The ballot box's fast path on the native backend, end to end: a DEG election opened with
// backend 'native' validates real ballots (B.1–B.10) one by one and in batches exactly as the noble
// election does, and a ballot with one wrong proof equation fails its batch and is named (B.8) by
// the one-by-one fallback.
import { describe, expect, test } from 'vitest';
import { bytesToHex } from '@opendeg/crypto';
import { castBallot, encryptVote, openElection, validateBallot, validateBallots } from '@opendeg/election';
import type { BallotJson } from '@opendeg/election';
import { setUpElection, vote } from '../../election/src/testing/simulate.ts';
import { DEG_BALLOT, issueCredential, REGIONS } from '../../election/test/fixtures.ts';
import '../src/index.ts';

const sim = await setUpElection({ regions: REGIONS, ballotStyle: DEG_BALLOT, threshold: { n: 3, k: 2 } });
const native = await openElection(sim.manifest, { backend: 'native' });

const checksOf = (r: { ok: boolean; failures?: readonly { check: string }[] }): string[] =>
  r.ok ? [] : (r.failures ?? []).map((f) => f.check);

describe('P-6.10 ballot validation on the native backend', () => {
  test('the election runs on the native group; valid ballots pass singly and batched', async () => {
    expect(native.group.backend).toBe('native');
    const ballots: BallotJson[] = [];
    for (const [region, mark] of [
      ['77', 'a'],
      ['39', 'b'],
      ['77', 'c'],
      ['39', 'a'],
    ] as const) {
      ballots.push((await vote(sim, region, [[mark]])).ballot);
    }
    ballots.push((await vote(sim, '77', ['blank'])).ballot);
    for (const b of ballots) {
      const one = await validateBallot(native, b);
      const ref = await validateBallot(sim.election, b);
      expect(one.ok && ref.ok && one.ballot.tracker.code === ref.ballot.tracker.code).toBe(true);
    }
    expect((await validateBallots(native, ballots)).map(checksOf)).toEqual([[], [], [], [], []]);
  });

  test('a wrong 0/1 proof response fails the native batch and is named B.8', async () => {
    const g = native.group;
    const credential = await issueCredential(sim, '77');
    const v = encryptVote(sim.election, '77', [['b']]).json;
    const answers = v.answers.map((a) => ({
      ...a,
      choiceProofs: a.choiceProofs.map((p, i) => {
        const first = p[0];
        if (i !== 2 || first === undefined) return p;
        const z = g.decodeScalar(Uint8Array.from(Buffer.from(first.z, 'hex')));
        return [{ ...first, z: bytesToHex(g.encodeScalar(z + 1n)) }, ...p.slice(1)];
      }),
    }));
    const bad = castBallot(sim.election, { ...v, answers }, credential);
    const good = (await vote(sim, '77', [['a']])).ballot;
    const results = await validateBallots(native, [good, bad]);
    expect(results.map(checksOf)).toEqual([[], ['B.8']]);
    expect(checksOf(await validateBallot(sim.election, bad))).toEqual(['B.8']);
  });
});
