// The ballot box's fast paths (issue 4) against the reference code they replace, on the portable
// (noble) group: the answer decoder against its checked path (same values, same first error with
// the same path, B.4), the proof checker with transcript templates against `checkAnswer` of
// @opendeg/crypto (same verdicts, batched and not, B.8/B.9), the ballot signature check against
// `verifySchnorrSignature` (B.7) and the tracker against `trackerOf`. The native group's side is in
// packages/ristretto-native/test/validate-fast-native.test.ts.
import { describe, expect, test } from 'vitest';
import {
  BatchVerifier,
  bytesToHex,
  canonicalJsonBytes,
  checkAnswer,
  verifySchnorrSignature,
} from '@opendeg/crypto';
import type { EncryptedAnswer, MembershipProof, SchnorrSignature } from '@opendeg/crypto';
import { AnswerChecker } from '../src/answer-check.ts';
import { answerBounds, ballotSigningMessage, castBallot, encryptVote, trackerOf } from '../src/ballot.ts';
import type { BallotJson } from '../src/ballot.ts';
import {
  decodeAnswerChecked,
  decodeAnswerJson,
  decodeChallengeResponse,
  decodeElementHex,
} from '../src/codec.ts';
import { setUpElection, vote } from '../src/testing/simulate.ts';
import { trackerWith, validateBallot, validateBallots, verifyBallotSignature } from '../src/validate.ts';
import { DEG_BALLOT, issueCredential, REGIONS } from './fixtures.ts';
import { answerVariants, outcome } from './validate-fast-cases.ts';

const sim = await setUpElection({
  regions: REGIONS,
  ballotStyle: DEG_BALLOT,
  threshold: { n: 3, k: 2 },
  backend: 'noble',
});
const election = sim.election;
const g = election.group;
const question = DEG_BALLOT.questions[0];
if (question === undefined) throw new Error('no question');
const bounds = answerBounds(question);
const options = question.options.length;

const ballots: BallotJson[] = [];
for (const s of [['a'], ['b'], 'blank', ['c']] as const) ballots.push((await vote(sim, '77', [s])).ballot);

const answerOf = (b: BallotJson): EncryptedAnswer<unknown> =>
  decodeAnswerChecked(g, b.vote.answers[0], '$.vote.answers[0]');

/** The same answer with one branch changed (the proof's hash or its equations then fail). */
function withBranch(
  a: EncryptedAnswer<unknown>,
  proof: number | 'overall',
  branch: number,
  change: (b: MembershipProof<unknown>[number]) => MembershipProof<unknown>[number],
): EncryptedAnswer<unknown> {
  const edit = (p: MembershipProof<unknown>): MembershipProof<unknown> =>
    p.map((b, i) => (i === branch ? change(b) : b));
  return proof === 'overall'
    ? { ...a, overallProof: edit(a.overallProof) }
    : { ...a, choiceProofs: a.choiceProofs.map((p, i) => (i === proof ? edit(p) : p)) };
}

describe('fast paths of ballot validation hold to the reference (noble group)', () => {
  test('B.4 the answer decoder: the checked path’s values, or its first error and path', () => {
    const a = ballots[0]?.vote.answers[0];
    if (a === undefined) throw new Error('no answer');
    const variants = answerVariants(a);
    const outcomes = variants.map(([what, j]) => ({
      what,
      fast: outcome(g, () => decodeAnswerJson(g, j, '$.vote.answers[0]')),
      checked: outcome(g, () => decodeAnswerChecked(g, j, '$.vote.answers[0]')),
    }));
    for (const o of outcomes) expect(o.fast, o.what).toEqual(o.checked);
    // The variants do exercise both sides: several decode, most fail, each failure with a path.
    const failed = outcomes.filter((o) => 'error' in (o.checked as object));
    expect(outcomes.length - failed.length).toBeGreaterThanOrEqual(4);
    expect(failed.length).toBeGreaterThanOrEqual(15);
    expect(failed.every((o) => typeof (o.checked as { path?: unknown }).path === 'string')).toBe(true);
  });

  test('P-6.10 B.8/B.9 the proof checker with transcript templates: checkAnswer’s verdicts', () => {
    const y = election.keyGroups.get('main')?.publicKey;
    const checker = new AnswerChecker(g, election.hash, y);
    const base = answerOf(ballots[0] as BallotJson);
    const blank = answerOf(ballots[2] as BallotJson);
    const bump = (k: bigint): bigint => (k + 1n) % g.order;
    const cases: [string, EncryptedAnswer<unknown>][] = [
      ['valid', base],
      ['valid blank vote', blank],
      [
        'a choice response + 1 (hash holds, equation fails)',
        withBranch(base, 1, 0, (b) => ({ ...b, response: bump(b.response) })),
      ],
      [
        'an overall response + 1',
        withBranch(base, 'overall', 1, (b) => ({ ...b, response: bump(b.response) })),
      ],
      [
        'a choice challenge + 1 (the sum fails)',
        withBranch(base, 2, 1, (b) => ({ ...b, challenge: bump(b.challenge) })),
      ],
      [
        'commitments swapped (the hash fails)',
        withBranch(base, 0, 0, (b) => ({ ...b, commitmentA: b.commitmentB, commitmentB: b.commitmentA })),
      ],
      ['a challenge out of range', withBranch(base, 3, 0, (b) => ({ ...b, challenge: g.order }))],
      [
        'another vote’s ciphertext in choice 1',
        { ...base, choices: base.choices.map((c, i) => (i === 1 ? (blank.choices[1] ?? c) : c)) },
      ],
      ['another vote’s overall proof', { ...base, overallProof: blank.overallProof }],
      [
        'a branch missing',
        { ...base, choiceProofs: base.choiceProofs.map((p, i) => (i === 0 ? p.slice(1) : p)) },
      ],
      ['a choice missing', { ...base, choices: base.choices.slice(1) }],
    ];
    const verdicts = cases.map(([what, a]) => {
      const refBatch = new BatchVerifier(g, [y]);
      const fastBatch = new BatchVerifier(g, [y]);
      const ref = checkAnswer(g, election.hash, y, a, options, bounds, refBatch);
      const fast = checker.checkAnswer(a, options, bounds, fastBatch);
      expect({ what, fast, batch: fastBatch.verify(), equations: fastBatch.equations }).toEqual({
        what,
        fast: ref,
        batch: refBatch.verify(),
        equations: refBatch.equations,
      });
      const one = checker.checkAnswer(a, options, bounds);
      expect({ what, one }).toEqual({ what, one: checkAnswer(g, election.hash, y, a, options, bounds) });
      return one.shape && one.badChoices.length === 0 && one.overall;
    });
    expect(verdicts).toEqual([true, true, false, false, false, false, false, false, false, false, false]);
  });

  test('P-6.10 B.7 the ballot signature check: verifySchnorrSignature’s verdicts', () => {
    const b = ballots[1] as BallotJson;
    const other = ballots[3] as BallotJson;
    const key = decodeElementHex(g, b.credential.publicKey, '$');
    const sig = decodeChallengeResponse(g, b.signature, '$');
    const message = ballotSigningMessage(b.vote, b.credential);
    const cases: [string, unknown, Uint8Array, SchnorrSignature][] = [
      ['valid', key, message, sig],
      ['response + 1', key, message, { ...sig, response: (sig.response + 1n) % g.order }],
      ['challenge + 1', key, message, { ...sig, challenge: (sig.challenge + 1n) % g.order }],
      ['challenge = ℓ', key, message, { ...sig, challenge: g.order }],
      ['negative response', key, message, { ...sig, response: -1n }],
      ['another message', key, ballotSigningMessage(other.vote, b.credential), sig],
      ['another key', decodeElementHex(g, other.credential.publicKey, '$'), message, sig],
      ['the identity as key', g.identity, message, sig],
    ];
    const verdicts = cases.map(([what, k, m, s]) => {
      const ref = verifySchnorrSignature(g, election.hash, k, m, s);
      expect({ what, fast: verifyBallotSignature(g, election.hash, k, m, s) }).toEqual({ what, fast: ref });
      return ref;
    });
    expect(verdicts).toEqual([true, false, false, false, false, false, false, false]);
  });

  test('P-6.10 B.7 a ballot whose signature fails is named B.7 alone, batched and one by one', async () => {
    const credential = await issueCredential(sim, '77');
    const v = encryptVote(election, '77', [['a']]);
    const good = castBallot(election, v.json, credential);
    const c = decodeChallengeResponse(g, good.signature, '$');
    const bad: BallotJson = {
      ...good,
      signature: { ...good.signature, z: bytesToHex(g.encodeScalar((c.response + 1n) % g.order)) },
    };
    const results = await validateBallots(election, [ballots[0], bad, good]);
    const checks = (r: { ok: boolean; failures?: readonly { check: string }[] }): string[] =>
      r.ok ? [] : (r.failures ?? []).map((f) => f.check);
    expect(results.map(checks)).toEqual([[], ['B.7'], []]);
    expect(checks(await validateBallot(election, bad))).toEqual(['B.7']);
  });

  test('P-6.10 the tracker: trackerOf’s hash and code', () => {
    for (const b of ballots) {
      expect(trackerWith(g, canonicalJsonBytes(b.vote))).toEqual(trackerOf(b.vote));
    }
  });
});
