// Where a batched ballot's validation time goes (issue 4): the parts of `validateBallots` timed apart
// over a pool of real ballots, in CPU microseconds a ballot (the best of a few rounds, so that other
// work on the machine counts as little as possible). The parts add up to about the whole: what is
// left is the glue (JSON shape checks, the B.6/B.10 look-ups, promises).
import { answerBounds, ballotSigningMessageFrom } from '../src/ballot.ts';
import type { BallotJson } from '../src/ballot.ts';
import { decodeAnswerJson, decodeChallengeResponse, decodeElementHex } from '../src/codec.ts';
import { verifyCredential } from '../src/credential.ts';
import type { Election } from '../src/manifest.ts';
import { trackerWith, validateBallots, verifyBallotSignature } from '../src/validate.ts';
import { BatchVerifier, canonicalJsonBytes } from '@opendeg/crypto';
import { AnswerChecker } from '../src/answer-check.ts';
import type { EncryptedAnswer } from '@opendeg/crypto';

export interface ValidateBreakdown {
  readonly decodeMicroseconds: number;
  readonly credentialRsaMicroseconds: number;
  readonly trackerMicroseconds: number;
  readonly signatureMicroseconds: number;
  readonly proofTranscriptsMicroseconds: number;
  readonly batchMultiScalarMicroseconds: number;
  readonly wholeValidateBallotsMicroseconds: number;
}

const ROUNDS = 3;
const BATCH = 32;

/** CPU µs a ballot of `f` over the pool, best of ROUNDS. */
async function cpuPerBallot(
  pool: readonly BallotJson[],
  f: (b: BallotJson, i: number) => unknown,
): Promise<number> {
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.cpuUsage();
    for (const [i, b] of pool.entries()) await f(b, i);
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / pool.length);
  }
  return Math.round(best);
}

/** The parts of a batched validation of one-region, one-question ballots (as the benchmark's pool). */
export async function validateBreakdown(
  election: Election<unknown>,
  pool: readonly BallotJson[],
): Promise<ValidateBreakdown> {
  const g = election.group;
  const keyGroup = election.keyGroups.values().next().value;
  const region = pool[0]?.vote.region ?? '';
  const question = election.regions.get(region)?.style.questions[0];
  if (keyGroup === undefined || question === undefined) throw new Error('bench: no key group or question');
  const y = keyGroup.publicKey;
  const answers: EncryptedAnswer<unknown>[] = pool.map((b) => decodeAnswerJson(g, b.vote.answers[0], '$'));
  const decodeMicroseconds = await cpuPerBallot(pool, (b) => {
    decodeAnswerJson(g, b.vote.answers[0], '$');
    decodeElementHex(g, b.credential.publicKey, '$');
    decodeChallengeResponse(g, b.signature, '$');
  });
  const credentialRsaMicroseconds = await cpuPerBallot(pool, (b) =>
    verifyCredential(election, b.vote.region, b.credential),
  );
  // As validateBallot does: the vote canonicalised once, for the tracker and the signed message.
  const trackerMicroseconds = await cpuPerBallot(pool, (b) => trackerWith(g, canonicalJsonBytes(b.vote)));
  const canonical = pool.map((b) => canonicalJsonBytes(b.vote));
  const keys = pool.map((b) => decodeElementHex(g, b.credential.publicKey, '$'));
  const signatures = pool.map((b) => decodeChallengeResponse(g, b.signature, '$'));
  const signatureMicroseconds = await cpuPerBallot(pool, (b, i) =>
    verifyBallotSignature(
      g,
      election.hash,
      keys[i],
      ballotSigningMessageFrom(canonical[i] ?? new Uint8Array(0), b.credential),
      signatures[i] ?? { challenge: 0n, response: 0n },
    ),
  );
  const checker = new AnswerChecker(g, election.hash, y);
  let batch = new BatchVerifier(g, [y]);
  const proofTranscriptsMicroseconds = await cpuPerBallot(pool, (_, i) => {
    const a = answers[i];
    if (i % BATCH === 0) batch = new BatchVerifier(g, [y]);
    return a === undefined
      ? false
      : checker.checkAnswer(a, question.options.length, answerBounds(question), batch);
  });
  // Full batches of equations, then only their multi-scalar multiplications timed.
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const batches: BatchVerifier<unknown>[] = [];
    for (let i = 0; i + BATCH <= answers.length; i += BATCH) {
      const v = new BatchVerifier(g, [y]);
      for (const a of answers.slice(i, i + BATCH)) {
        checker.checkAnswer(a, question.options.length, answerBounds(question), v);
      }
      batches.push(v);
    }
    const start = process.cpuUsage();
    for (const v of batches) if (!v.verify()) throw new Error('bench: a batch of valid ballots failed');
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / (batches.length * BATCH));
  }
  const wholeValidateBallotsMicroseconds = await cpuPerBallot(pool, async (_, i) => {
    if (i % BATCH !== 0) return;
    const results = await validateBallots(election, pool.slice(i, i + BATCH));
    if (results.some((r) => !r.ok)) throw new Error('bench: a valid ballot failed');
  });
  return {
    decodeMicroseconds,
    credentialRsaMicroseconds,
    trackerMicroseconds,
    signatureMicroseconds,
    proofTranscriptsMicroseconds,
    batchMultiScalarMicroseconds: Math.round(best),
    wholeValidateBallotsMicroseconds,
  };
}
