// The native group's extras for the ballot box (issue 4) against the portable code: the batch decoder
// (`decodeElementsPacked`) against `decodeElement`, the scalar decoder against the other backends',
// native SHA-256 against noble's, and on a native election the answer decoder, the proof checker and
// the ballot signature against their reference paths (the noble side is in
// packages/election/test/validate-fast.test.ts). Importing the package also registers Node's
// RSASSA-PSS verifier for credentials; failures still name their checks (B.4, B.5, B.7).
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, test } from 'vitest';
import {
  BatchVerifier,
  bytesToHex,
  checkAnswer,
  CryptoError,
  hexToBytes,
  registeredBlindRsaVerifier,
  RISTRETTO255_ORDER,
  ristretto255,
  verifySchnorrSignature,
} from '@opendeg/crypto';
import { castBallot, encryptVote, openElection, validateBallot, validateBallots } from '@opendeg/election';
import type { BallotJson } from '@opendeg/election';
import { verifyBlindRsaSignatureNode } from '../../crypto/src/node/blind-rsa-verifier.ts';
import { AnswerChecker } from '../../election/src/answer-check.ts';
import { answerBounds, ballotSigningMessage } from '../../election/src/ballot.ts';
import {
  decodeAnswerChecked,
  decodeAnswerJson,
  decodeChallengeResponse,
  decodeElementHex,
} from '../../election/src/codec.ts';
import { setUpElection, vote } from '../../election/src/testing/simulate.ts';
import { verifyBallotSignature } from '../../election/src/validate.ts';
import { DEG_BALLOT, issueCredential, REGIONS } from '../../election/test/fixtures.ts';
import { answerVariants, outcome } from '../../election/test/validate-fast-cases.ts';
import { loadNativeRistretto255 } from '../src/index.ts';

const sim = await setUpElection({
  regions: REGIONS,
  ballotStyle: DEG_BALLOT,
  threshold: { n: 3, k: 2 },
  backend: 'noble',
});
const native = await openElection(sim.manifest, { backend: 'native' });
const g = await loadNativeRistretto255();
const ballots: BallotJson[] = [];
for (const s of [['a'], 'blank', ['c']] as const) ballots.push((await vote(sim, '77', [s])).ballot);

const checksOf = (r: { ok: boolean; failures?: readonly { check: string }[] }): string[] =>
  r.ok ? [] : (r.failures ?? []).map((f) => f.check);

const le = (k: bigint): Uint8Array =>
  Uint8Array.from({ length: 32 }, (_, i) => Number((k >> BigInt(8 * i)) & 0xffn));

describe('the native group’s extras for ballot validation', () => {
  test('B.4 decodeElementsPacked: decodeElement’s elements, or the index of the first bad one', () => {
    const a = ballots[0]?.vote.answers[0];
    if (a === undefined) throw new Error('no answer');
    const hexes = [...a.choices.flatMap((c) => [c.alpha, c.beta]), '00'.repeat(32)];
    const packed = hexToBytes(hexes.join(''));
    const many = g.decodeElementsPacked(packed, hexes.length);
    if (typeof many === 'number') throw new Error(`refused ${many}`);
    expect(many.map((e) => bytesToHex(e))).toEqual(hexes);
    hexes.forEach((h, i) => {
      expect(g.equals(many[i] as Uint8Array, g.decodeElement(hexToBytes(h), { allowIdentity: true }))).toBe(
        true,
      );
    });
    expect(g.isIdentity(many[hexes.length - 1] as Uint8Array)).toBe(true);
    // The decoded points are kept with the elements: a sum over them equals one over fresh copies.
    const copies = many.map((e) => Uint8Array.from(e));
    const ks = many.map((_, i) => BigInt(i + 1));
    expect(bytesToHex(g.multiplyMany(many, ks))).toBe(bytesToHex(g.multiplyMany(copies, ks)));
    for (const [bad, expected] of [
      ['ff'.repeat(32), 3],
      [`01${'00'.repeat(31)}`, 3],
    ] as const) {
      const h = [...hexes.slice(0, 3), bad, ...hexes.slice(4)];
      expect(g.decodeElementsPacked(hexToBytes(h.join('')), h.length)).toBe(expected);
      expect(() => g.decodeElement(hexToBytes(bad))).toThrow(CryptoError);
    }
    expect(() => g.decodeElementsPacked(packed.subarray(1), hexes.length)).toThrow(CryptoError);
  });

  test('B.4 decodeScalar and sha256: the same as the portable code', () => {
    const scalars = [0n, 1n, RISTRETTO255_ORDER - 1n, 2n ** 252n, 123456789n * 2n ** 130n];
    for (const k of scalars) expect(g.decodeScalar(le(k))).toBe(ristretto255.decodeScalar(le(k)));
    for (const bad of [le(RISTRETTO255_ORDER), new Uint8Array(32).fill(0xff), new Uint8Array(31)]) {
      let ref: unknown;
      let got: unknown;
      try {
        ristretto255.decodeScalar(bad);
      } catch (e) {
        ref = (e as CryptoError).code;
      }
      try {
        g.decodeScalar(bad);
      } catch (e) {
        got = (e as CryptoError).code;
      }
      expect(got).toBeDefined();
      expect(got).toBe(ref);
    }
    for (const n of [0, 1, 64, 6500]) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 7) & 0xff);
      expect(bytesToHex(g.sha256(b))).toBe(bytesToHex(sha256(b)));
    }
  });

  test('B.4 the answer decoder on the native group: the checked path’s values or first error', () => {
    const a = ballots[1]?.vote.answers[0];
    if (a === undefined) throw new Error('no answer');
    const ng = native.group;
    for (const [what, j] of answerVariants(a)) {
      const fast = outcome(ng, () => decodeAnswerJson(ng, j, '$.a'));
      expect({ what, fast }).toEqual({ what, fast: outcome(ng, () => decodeAnswerChecked(ng, j, '$.a')) });
      // And the same values or error as on the noble group.
      expect({ what, fast }).toEqual({
        what,
        fast: outcome(sim.election.group, () => decodeAnswerJson(sim.election.group, j, '$.a')),
      });
    }
  });

  test('P-6.10 B.7–B.9 proofs and signatures on the native group: the reference verdicts', () => {
    const ng = native.group;
    const y = native.keyGroups.get('main')?.publicKey;
    const checker = new AnswerChecker(ng, native.hash, y);
    const q = DEG_BALLOT.questions[0];
    if (q === undefined) throw new Error('no question');
    for (const b of ballots) {
      const a = decodeAnswerJson(ng, b.vote.answers[0], '$');
      const broken = {
        ...a,
        overallProof: a.overallProof.map((x) => ({ ...x, response: (x.response + 1n) % ng.order })),
      };
      for (const answer of [a, broken]) {
        const refBatch = new BatchVerifier(ng, [y]);
        const fastBatch = new BatchVerifier(ng, [y]);
        const ref = checkAnswer(ng, native.hash, y, answer, q.options.length, answerBounds(q), refBatch);
        expect(checker.checkAnswer(answer, q.options.length, answerBounds(q), fastBatch)).toEqual(ref);
        expect(fastBatch.verify()).toBe(refBatch.verify());
        expect(fastBatch.verify()).toBe(answer === a);
      }
      const key = decodeElementHex(ng, b.credential.publicKey, '$');
      const sig = decodeChallengeResponse(ng, b.signature, '$');
      const m = ballotSigningMessage(b.vote, b.credential);
      for (const s of [sig, { ...sig, response: (sig.response + 1n) % ng.order }]) {
        expect(verifyBallotSignature(ng, native.hash, key, m, s)).toBe(
          verifySchnorrSignature(ng, native.hash, key, m, s),
        );
      }
      expect(verifyBallotSignature(ng, native.hash, key, m, sig)).toBe(true);
    }
  });

  test('P-6.10 importing the package registers Node’s credential verifier; failures keep their IDs', async () => {
    expect(registeredBlindRsaVerifier()).toBe(verifyBlindRsaSignatureNode);
    const good = ballots[2] as BallotJson;
    const sig = Uint8Array.from(Buffer.from(good.credential.signature, 'base64'));
    sig[10] = (sig[10] ?? 0) ^ 1;
    const badCredential: BallotJson = {
      ...good,
      credential: { ...good.credential, signature: Buffer.from(sig).toString('base64') },
    };
    const credential = await issueCredential(sim, '77');
    const v = encryptVote(sim.election, '77', [['b']]).json;
    const answers = v.answers.map((a) => ({
      ...a,
      choiceProofs: a.choiceProofs.map((p, i) =>
        i === 1 ? p.map((b) => ({ ...b, A: 'ff'.repeat(32) })) : p,
      ),
    }));
    const badElement = castBallot(sim.election, { ...v, answers }, credential);
    const results = await validateBallots(native, [ballots[0], badCredential, badElement, good]);
    // The credential's signature is inside the ballot's signed message: B.7 fails with B.5, as on noble.
    expect(results.map(checksOf)).toEqual([[], ['B.5', 'B.7'], ['B.4'], []]);
    expect(checksOf(await validateBallot(native, badCredential))).toEqual(['B.5', 'B.7']);
    expect(checksOf(await validateBallot(sim.election, badCredential))).toEqual(['B.5', 'B.7']);
    const r = await validateBallot(native, badElement);
    expect(r.ok ? '' : r.failures[0]?.message).toMatch(/choiceProofs\[1\]\[0\]\.A/);
  });
});
