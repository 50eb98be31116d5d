// validateBallots: many ballots with their proofs in one batch per key group (P-6.10 as the ballot
// box runs it at volume). Valid ballots give exactly what validateBallot gives one by one; a ballot
// whose proof equation alone is wrong (re-signed by its credential, so B.7 holds) makes its batch
// fail, and the fallback names it (B.8 or B.9) while the other ballots of the batch stay valid; a
// credential used twice in one call fails B.6 the second time; two key groups batch apart.
import { describe, expect, test } from 'vitest';
import { bytesToHex } from '@opendeg/crypto';
import { ballotSigningMessage, ballotSigningMessageFrom, castBallot, encryptVote } from '../src/ballot.ts';
import { canonicalJsonBytes } from '@opendeg/crypto';
import type { BallotJson, EncryptedVoteJson } from '../src/ballot.ts';
import type { MembershipBranchJson } from '../src/codec.ts';
import { setUpElection, vote } from '../src/testing/simulate.ts';
import { validateBallot, validateBallots } from '../src/validate.ts';
import { DEG_BALLOT, issueCredential, REGIONS } from './fixtures.ts';

const sim = await setUpElection({ regions: REGIONS, ballotStyle: DEG_BALLOT, threshold: { n: 3, k: 2 } });
const g = sim.election.group;

/** The branch's response z + 1 (still a canonical scalar): the hash holds, the equation does not. */
function bumpResponse(branch: MembershipBranchJson): MembershipBranchJson {
  const z = g.decodeScalar(Uint8Array.from(Buffer.from(branch.z, 'hex')));
  return { ...branch, z: bytesToHex(g.encodeScalar(z + 1n)) };
}

/** A ballot whose vote is changed by `tamper` and then signed properly by its own credential. */
async function tamperedBallot(
  region: string,
  tamper: (v: EncryptedVoteJson) => EncryptedVoteJson,
): Promise<BallotJson> {
  const credential = await issueCredential(sim, region);
  const v = encryptVote(sim.election, region, [['b']]);
  return castBallot(sim.election, tamper(v.json), credential);
}

const checksOf = (r: { ok: boolean; failures?: readonly { check: string }[] }): string[] =>
  r.ok ? [] : (r.failures ?? []).map((f) => f.check);

describe('validateBallots (batch verification of B.8 and B.9)', () => {
  test('P-6.10 valid ballots of two key groups: all valid, as one by one', async () => {
    const ballots = [
      (await vote(sim, '77', [['a']])).ballot,
      (await vote(sim, '39', [['b']])).ballot,
      (await vote(sim, '77', ['blank'])).ballot,
      (await vote(sim, '39', [['c']])).ballot,
    ];
    const batched = await validateBallots(sim.election, ballots);
    expect(batched.map((r) => r.ok)).toEqual([true, true, true, true]);
    for (const [i, b] of ballots.entries()) {
      const one = await validateBallot(sim.election, b);
      const r = batched[i];
      expect(one.ok && r?.ok === true && one.ballot.tracker.hash === r.ballot.tracker.hash).toBe(true);
    }
    expect(await validateBallots(sim.election, [])).toEqual([]);
  });

  test('P-6.10 a bad 0/1 proof fails its batch; the fallback names B.8 for that ballot only', async () => {
    const bad = await tamperedBallot('77', (v) => ({
      ...v,
      answers: v.answers.map((a) => ({
        ...a,
        choiceProofs: a.choiceProofs.map((p, i) => (i === 1 ? [bumpResponse(p[0]!), ...p.slice(1)] : p)),
      })),
    }));
    const good = [(await vote(sim, '77', [['a']])).ballot, (await vote(sim, '77', [['c']])).ballot];
    const results = await validateBallots(sim.election, [good[0], bad, good[1]]);
    expect(results.map(checksOf)).toEqual([[], ['B.8'], []]);
    expect(results[1]?.ok === false && results[1].failures[0]?.message).toMatch(/choice 1/);
    // Alone, the same ballot fails the same way.
    expect(checksOf(await validateBallot(sim.election, bad))).toEqual(['B.8']);
  });

  test('P-6.10 a bad overall proof fails B.9; a ballot of the other key group is unaffected', async () => {
    const bad = await tamperedBallot('39', (v) => ({
      ...v,
      answers: v.answers.map((a) => ({
        ...a,
        overallProof: [bumpResponse(a.overallProof[0]!), ...a.overallProof.slice(1)],
      })),
    }));
    const other = (await vote(sim, '77', [['b']])).ballot;
    const results = await validateBallots(sim.election, [bad, other]);
    expect(results.map(checksOf)).toEqual([['B.9'], []]);
  });

  test('P-6.10 a credential used twice in one call fails B.6 the second time', async () => {
    const credential = await issueCredential(sim, '77');
    const first = castBallot(sim.election, encryptVote(sim.election, '77', [['a']]).json, credential);
    const second = castBallot(sim.election, encryptVote(sim.election, '77', [['b']]).json, credential);
    const results = await validateBallots(sim.election, [first, second]);
    expect(results.map(checksOf)).toEqual([[], ['B.6']]);
    // The caller's own record of used credentials applies too.
    const again = await validateBallots(sim.election, [first], { isCredentialUsed: () => true });
    expect(again.map(checksOf)).toEqual([['B.6']]);
  });

  test('malformed ballots join no batch and fail B.1 beside valid ones', async () => {
    const good = (await vote(sim, '39', [['a']])).ballot;
    const results = await validateBallots(sim.election, [{ vote: 1 }, null, good]);
    expect(results.map(checksOf)).toEqual([['B.1'], ['B.1'], []]);
  });

  test('the signed message spliced from the vote’s canonical bytes equals the RFC 8785 message', async () => {
    for (const region of ['77', '39']) {
      const b = (await vote(sim, region, [['a']])).ballot;
      const spliced = ballotSigningMessageFrom(canonicalJsonBytes(b.vote), b.credential);
      expect(Buffer.from(spliced).toString('utf8')).toBe(
        Buffer.from(ballotSigningMessage(b.vote, b.credential)).toString('utf8'),
      );
    }
  });
});
