/**
 * Ballot validation as the ballot box runs it (P-6.10) and as every verifier re-runs it.
 * Every check has an ID; all failures are collected, not just the first.
 *
 *   B.1  format          the ballot parses: the expected members, nothing else
 *   B.2  election        it is for this election (manifest hash)
 *   B.3  region          the region exists; one answer per question, one choice per option (+ blank)
 *   B.4  encoding        every element and scalar is canonical and in the group
 *   B.5  credential      the credential is certified by the region's issuer (blind signature)
 *   B.6  credential-once the credential has not voted before
 *   B.7  signature       the credential key signed this ballot
 *   B.8  choice-proofs   each option's ciphertext encrypts 0 or 1
 *   B.9  overall-proofs  each question's marks are within its bounds (or a blank vote alone)
 *   B.10 not-challenged  the vote is not one that was challenged (and so revealed)
 *
 * A ballot for another region's key group fails B.8/B.9: its proofs are for another key.
 *
 * `validateBallots` is the fast path for many ballots: their proof equations join one random linear
 * combination per key group (`BatchVerifier`), checked with one multi-scalar multiplication; a batch
 * that fails is validated again ballot by ballot, so each bad ballot still names its failed checks.
 * For the ballot box's throughput (issue 4) each step has a faster equivalent of the reference code,
 * held to it by tests (validate-fast.test.ts): the answer decoder's fast path (codec.ts), the proofs'
 * transcript templates (answer-check.ts), the native group's SHA-256 and two-point multiplication for
 * the tracker and the signature (below), and, where `@opendeg/ristretto-native` is loaded, Node's
 * synchronous RSA check of the credential (B.5). The vote's canonical JSON is crypto's
 * `canonicalJsonBytes` (a vote-only writer saved 5 µs of ~800 and was removed).
 *
 * In a belenios-2048 election the vote is a Belenios ballot (format "belenios-ballot/2.0"): the same
 * checks, with Belenios's proofs and signature, are in `belenios-vote.ts`. Each election takes only
 * its own format (B.1).
 */

import {
  BatchVerifier,
  bytesToHex,
  canonicalJsonBytes,
  checkAnswerOpening,
  CryptoError,
  Transcript,
} from '@opendeg/crypto';
import type { EncryptedAnswer, Group, SchnorrSignature } from '@opendeg/crypto';
import { accelerationsOf, sha256With } from './accelerated.ts';
import { AnswerChecker } from './answer-check.ts';
import {
  BELENIOS_CHALLENGED_FORMAT,
  BELENIOS_VOTE_FORMAT,
  validateBeleniosBallot,
  verifyChallengedBeleniosVote,
} from './belenios-vote.ts';
import {
  answerBounds,
  ballotSigningMessageFrom,
  CHALLENGED_FORMAT,
  marksToSelection,
  trackerCode,
  trackerOf,
  VOTE_FORMAT,
} from './ballot.ts';
import type { BallotJson, ChallengedVoteJson, EncryptedVoteJson, Selection, Tracker } from './ballot.ts';
import {
  asArray,
  asObject,
  asString,
  decodeAnswerJson,
  decodeChallengeResponse,
  decodeElementHex,
  decodeScalarHex,
  onlyKeys,
} from './codec.ts';
import { credentialId, verifyCredential } from './credential.ts';
import { ElectionError } from './errors.ts';
import type { CheckFailure } from './errors.ts';
import type { Election, KeyGroupContext, RegionContext } from './manifest.ts';
import type { TalliedAnswer } from './tally.ts';

export const BALLOT_CHECKS = {
  'B.1': 'format',
  'B.2': 'election',
  'B.3': 'region',
  'B.4': 'encoding',
  'B.5': 'credential',
  'B.6': 'credential-once',
  'B.7': 'signature',
  'B.8': 'choice-proofs',
  'B.9': 'overall-proofs',
  'B.10': 'not-challenged',
} as const;

export type BallotCheckId = keyof typeof BALLOT_CHECKS;

export interface BallotValidationOptions {
  /** Whether this credential already voted (the box asks its table; the verifier its running set). */
  isCredentialUsed?: (id: string) => boolean;
  /** Whether this tracker belongs to a challenged vote. */
  isChallenged?: (trackerHash: string) => boolean;
  /** Defer proof equations into a batch; the caller must check `batch.verify()` (native ballots only). */
  batch?: BatchVerifier<unknown>;
}

export interface ValidBallot<E> {
  readonly region: RegionContext;
  readonly keyGroup: KeyGroupContext<E>;
  /** What the tally adds: per question the choices' ciphertexts. */
  readonly answers: readonly TalliedAnswer<E>[];
  readonly credentialId: string;
  readonly tracker: Tracker;
}

export type BallotValidation<E> =
  | { readonly ok: true; readonly ballot: ValidBallot<E> }
  | { readonly ok: false; readonly failures: readonly CheckFailure[]; readonly tracker?: Tracker };

const fail = (check: BallotCheckId, message: string): CheckFailure => ({ check, message });

interface DecodedVote<E> {
  readonly region: RegionContext;
  readonly keyGroup: KeyGroupContext<E>;
  readonly answers: EncryptedAnswer<E>[];
}

/** B.1–B.4 for an encrypted vote. Returns the decoded vote or the failures. */
function decodeVote<E>(
  election: Election<E>,
  j: unknown,
  path: string,
): { ok: true; vote: DecodedVote<E>; json: EncryptedVoteJson } | { ok: false; failures: CheckFailure[] } {
  let o: Record<string, unknown>;
  try {
    o = asObject(j, path);
    onlyKeys(o, ['format', 'election', 'region', 'answers'], path);
    if (o.format !== VOTE_FORMAT)
      throw new ElectionError('MALFORMED', `expected "${VOTE_FORMAT}"`, { path: `${path}.format` });
    asString(o.election, `${path}.election`);
    asString(o.region, `${path}.region`);
    asArray(o.answers, `${path}.answers`, 64);
  } catch (e) {
    return { ok: false, failures: [fail('B.1', errorText(e))] };
  }
  const json = o as unknown as EncryptedVoteJson;
  if (json.election !== election.hashHex) {
    return {
      ok: false,
      failures: [fail('B.2', `ballot is for election ${json.election.slice(0, 16)}…, not this one`)],
    };
  }
  const region = election.regions.get(json.region);
  const keyGroup = region === undefined ? undefined : election.keyGroups.get(region.def.keyGroup);
  if (region === undefined || keyGroup === undefined) {
    return { ok: false, failures: [fail('B.3', `unknown region "${json.region}"`)] };
  }
  if (region.belenios !== undefined) {
    return {
      ok: false,
      failures: [fail('B.1', `region ${json.region} votes with Belenios ballots, not native ones`)],
    };
  }
  const questions = region.style.questions;
  if (json.answers.length !== questions.length) {
    return {
      ok: false,
      failures: [fail('B.3', `${json.answers.length} answers for ${questions.length} questions`)],
    };
  }
  const answers: EncryptedAnswer<E>[] = [];
  const failures: CheckFailure[] = [];
  json.answers.forEach((a, i) => {
    try {
      const answer = decodeAnswerJson(election.group, a, `${path}.answers[${i}]`);
      const q = questions[i];
      const expected = (q?.options.length ?? 0) + (q?.blank === true ? 1 : 0);
      if (answer.choices.length !== expected) {
        failures.push(
          fail('B.3', `question ${q?.id ?? i}: ${answer.choices.length} choices, expected ${expected}`),
        );
      }
      answers.push(answer);
    } catch (e) {
      failures.push(
        fail(
          e instanceof ElectionError && /NON_CANONICAL|IDENTITY|BAD_LENGTH/.test(e.message) ? 'B.4' : 'B.1',
          errorText(e),
        ),
      );
    }
  });
  if (failures.length > 0) return { ok: false, failures };
  return { ok: true, vote: { region, keyGroup, answers }, json };
}

/** B.8–B.9 for a decoded vote. */
function checkProofs<E>(
  election: Election<E>,
  vote: DecodedVote<E>,
  batch?: BatchVerifier<E>,
): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const checker = answerChecker(election, vote.keyGroup);
  vote.region.style.questions.forEach((q, i) => {
    const answer = vote.answers[i];
    if (answer === undefined) return;
    const r = checker.checkAnswer(answer, q.options.length, answerBounds(q), batch);
    if (!r.shape) failures.push(fail('B.3', `question ${q.id}: wrong number of choices or proofs`));
    for (const c of r.badChoices)
      failures.push(fail('B.8', `question ${q.id}, choice ${c}: 0/1 proof fails`));
    if (!r.overall) failures.push(fail('B.9', `question ${q.id}: overall proof fails`));
  });
  return failures;
}

/** The proof checker of each key group (its transcript templates), made on first use. */
const answerCheckers = new WeakMap<object, { context: Uint8Array; checker: AnswerChecker<unknown> }>();

function answerChecker<E>(election: Election<E>, keyGroup: KeyGroupContext<E>): AnswerChecker<E> {
  const known = answerCheckers.get(keyGroup);
  if (known?.context === election.hash) return known.checker as AnswerChecker<E>;
  const checker = new AnswerChecker(election.group, election.hash, keyGroup.publicKey);
  answerCheckers.set(keyGroup, { context: election.hash, checker });
  return checker;
}

/** The vote format decides which checks apply (B.1 then rejects a format the region does not take). */
function isBeleniosBallot(j: unknown): j is Record<string, unknown> {
  if (typeof j !== 'object' || j === null || Array.isArray(j)) return false;
  const vote = (j as { vote?: unknown }).vote;
  return (
    typeof vote === 'object' &&
    vote !== null &&
    (vote as { format?: unknown }).format === BELENIOS_VOTE_FORMAT
  );
}

/** Validates a cast ballot; collects every failure. */
export async function validateBallot<E>(
  election: Election<E>,
  j: unknown,
  options: BallotValidationOptions = {},
): Promise<BallotValidation<E>> {
  if (isBeleniosBallot(j)) return validateBeleniosBallot(election, j, options);
  let o: Record<string, unknown>;
  try {
    o = asObject(j, '$');
    onlyKeys(o, ['vote', 'credential', 'signature'], '$');
    const c = asObject(o.credential, '$.credential');
    onlyKeys(c, ['publicKey', 'prefix', 'signature'], '$.credential');
    asString(c.publicKey, '$.credential.publicKey');
    asString(c.prefix, '$.credential.prefix');
    asString(c.signature, '$.credential.signature');
    const s = asObject(o.signature, '$.signature');
    onlyKeys(s, ['c', 'z'], '$.signature');
  } catch (e) {
    return { ok: false, failures: [fail('B.1', errorText(e))] };
  }
  const decoded = decodeVote(election, o.vote, '$.vote');
  if (!decoded.ok) return { ok: false, failures: decoded.failures };
  const ballot = o as unknown as BallotJson;
  // The vote's canonical bytes, once: for the tracker and inside the signed message.
  const voteCanonical = canonicalJsonBytes(decoded.json);
  const g = election.group;
  const tracker = trackerWith(g, voteCanonical);
  const failures: CheckFailure[] = [];

  let credentialKey: E | undefined;
  let signature: { challenge: bigint; response: bigint } | undefined;
  try {
    credentialKey = decodeElementHex(g, ballot.credential.publicKey, '$.credential.publicKey');
    signature = decodeChallengeResponse(g, ballot.signature, '$.signature');
  } catch (e) {
    failures.push(fail('B.4', errorText(e)));
  }
  if (!(await verifyCredential(election, decoded.json.region, ballot.credential))) {
    failures.push(fail('B.5', `credential is not certified by the issuer of region ${decoded.json.region}`));
  }
  const id = credentialId(ballot.credential);
  if (options.isCredentialUsed?.(id) === true)
    failures.push(fail('B.6', 'this credential has already voted'));
  if (
    credentialKey !== undefined &&
    signature !== undefined &&
    !verifyBallotSignature(
      g,
      election.hash,
      credentialKey,
      ballotSigningMessageFrom(voteCanonical, ballot.credential),
      signature,
    )
  ) {
    failures.push(fail('B.7', 'the credential’s signature of the ballot fails'));
  }
  failures.push(...checkProofs(election, decoded.vote, options.batch as BatchVerifier<E> | undefined));
  if (options.isChallenged?.(tracker.hash) === true)
    failures.push(fail('B.10', 'this vote was challenged and revealed'));
  if (failures.length > 0) return { ok: false, failures, tracker };
  return {
    ok: true,
    ballot: {
      region: decoded.vote.region,
      keyGroup: decoded.vote.keyGroup,
      answers: decoded.vote.answers,
      credentialId: id,
      tracker,
    },
  };
}

/**
 * Validates ballots together (see the module header): the same results as `validateBallot` on each
 * in turn, with B.8 and B.9 checked by one batch per key group. A credential that an earlier valid
 * ballot of the same call used fails B.6, as it would have had the ballots been cast one by one.
 */
export async function validateBallots<E>(
  election: Election<E>,
  ballots: readonly unknown[],
  options: Omit<BallotValidationOptions, 'batch'> = {},
): Promise<BallotValidation<E>[]> {
  const batches = new Map<string, { batch: BatchVerifier<E>; members: number[] }>();
  const results: BallotValidation<E>[] = [];
  for (const [i, j] of ballots.entries()) {
    const keyGroup = batchKeyGroup(election, j);
    let entry = keyGroup === undefined ? undefined : batches.get(keyGroup.def.id);
    if (keyGroup !== undefined && entry === undefined) {
      entry = { batch: new BatchVerifier(election.group, [keyGroup.publicKey]), members: [] };
      batches.set(keyGroup.def.id, entry);
    }
    entry?.members.push(i);
    const batch = entry?.batch as BatchVerifier<unknown> | undefined;
    results.push(await validateBallot(election, j, batch === undefined ? options : { ...options, batch }));
  }
  for (const { batch, members } of batches.values()) {
    if (batch.verify()) continue;
    for (const i of members) results[i] = await validateBallot(election, ballots[i], options);
  }
  const used = new Set<string>();
  return results.map((r) => {
    if (!r.ok) return r;
    if (used.has(r.ballot.credentialId)) {
      return {
        ok: false,
        failures: [fail('B.6', 'this credential has already voted')],
        tracker: r.ballot.tracker,
      };
    }
    used.add(r.ballot.credentialId);
    return r;
  });
}

/** `trackerOfCanonical` with the group's native SHA-256 where it has one: the same tracker. */
export function trackerWith<E>(g: Group<E>, voteCanonical: Uint8Array): Tracker {
  const hash = sha256With(g, voteCanonical);
  return { hash: bytesToHex(hash), code: trackerCode(hash) };
}

/**
 * `verifySchnorrSignature` of `@opendeg/crypto`, the same verdict on every input: R' = s·g + c·Y is
 * the same element, made here by one two-point multi-scalar multiplication (s is public: the native
 * backend then stays in C instead of taking libsodium's constant-time base multiplication), and the
 * challenge is the same transcript (protocol "schnorr-signature": Y, R, message).
 */
export function verifyBallotSignature<E>(
  g: Group<E>,
  context: Uint8Array,
  publicKey: E,
  message: Uint8Array,
  signature: SchnorrSignature,
): boolean {
  const { challenge: c, response: s } = signature;
  if (c < 0n || c >= g.order || s < 0n || s >= g.order || g.isIdentity(publicKey)) return false;
  // Where the group's multi-scalar multiplication is native, one call; elsewhere the reference's
  // own steps (noble's fixed-base tables beat its two-point multiplyMany).
  const r =
    accelerationsOf(g).decodeElementsPacked === undefined
      ? g.add(g.multiplyBase(s), g.multiply(publicKey, c))
      : g.multiplyMany([g.generator, publicKey], [s, c]);
  const expected = new Transcript(g, 'schnorr-signature', context)
    .appendElement('Y', publicKey)
    .appendElement('R', r)
    .appendBytes('message', message)
    .challenge();
  return expected === c;
}

/** The key group whose batch a native ballot's proofs join (none for Belenios or unreadable ballots). */
function batchKeyGroup<E>(election: Election<E>, j: unknown): KeyGroupContext<E> | undefined {
  if (isBeleniosBallot(j) || typeof j !== 'object' || j === null) return undefined;
  const vote = (j as { vote?: unknown }).vote;
  const code = typeof vote === 'object' && vote !== null ? (vote as { region?: unknown }).region : undefined;
  const region = typeof code === 'string' ? election.regions.get(code) : undefined;
  if (region === undefined || region.belenios !== undefined) return undefined;
  return election.keyGroups.get(region.def.keyGroup);
}

/**
 * Checks a challenged vote (C.1 format and proofs, C.2 opening): it was a well-formed vote and it
 * encrypts exactly the marks its opening shows. Returns the selections it revealed.
 */
export function verifyChallengedVote<E>(
  election: Election<E>,
  j: unknown,
): { ok: true; selections: Selection[]; tracker: Tracker } | { ok: false; failures: CheckFailure[] } {
  let o: Record<string, unknown>;
  try {
    o = asObject(j, '$');
    if (o.format === BELENIOS_CHALLENGED_FORMAT) return verifyChallengedBeleniosVote(election, o);
    onlyKeys(o, ['format', 'vote', 'openings'], '$');
    if (o.format !== CHALLENGED_FORMAT)
      throw new ElectionError('MALFORMED', `expected "${CHALLENGED_FORMAT}"`, { path: '$.format' });
  } catch (e) {
    return { ok: false, failures: [{ check: 'C.1', message: errorText(e) }] };
  }
  const decoded = decodeVote(election, o.vote, '$.vote');
  if (!decoded.ok)
    return {
      ok: false,
      failures: decoded.failures.map((f) => ({ ...f, check: 'C.1', message: `${f.check}: ${f.message}` })),
    };
  const proofFailures = checkProofs(election, decoded.vote);
  if (proofFailures.length > 0) {
    return {
      ok: false,
      failures: proofFailures.map((f) => ({ check: 'C.1', message: `${f.check}: ${f.message}` })),
    };
  }
  const g = election.group;
  const questions = decoded.vote.region.style.questions;
  const selections: Selection[] = [];
  const failures: CheckFailure[] = [];
  try {
    const openings = asArray((o as unknown as ChallengedVoteJson).openings, '$.openings', 64);
    if (openings.length !== questions.length)
      throw new ElectionError('MALFORMED', 'one opening per question', { path: '$.openings' });
    questions.forEach((q, i) => {
      const op = asObject(openings[i], `$.openings[${i}]`);
      const marks = asArray(op.marks, `$.openings[${i}].marks`, 1024) as number[];
      const randomness = asArray(op.randomness, `$.openings[${i}].randomness`, 1024).map((r, k) =>
        decodeScalarHex(g, r, `$.openings[${i}].randomness[${k}]`),
      );
      const answer = decoded.vote.answers[i];
      if (
        answer === undefined ||
        !checkOpening(g, decoded.vote.keyGroup.publicKey, answer, marks, randomness)
      ) {
        failures.push({
          check: 'C.2',
          message: `question ${q.id}: the opening does not match the encryption`,
        });
      } else {
        selections.push(marksToSelection(q, marks));
      }
    });
  } catch (e) {
    failures.push({ check: 'C.1', message: errorText(e) });
  }
  if (failures.length > 0) return { ok: false, failures };
  return { ok: true, selections, tracker: trackerOf(decoded.json) };
}

/** The Benaloh check, treating malformed randomness as a failed opening rather than an error. */
function checkOpening<E>(
  g: Election<E>['group'],
  publicKey: E,
  answer: EncryptedAnswer<E>,
  marks: readonly number[],
  randomness: readonly bigint[],
): boolean {
  try {
    return checkAnswerOpening(g, publicKey, answer, { marks, randomness });
  } catch (e) {
    if (e instanceof CryptoError) return false;
    throw e;
  }
}

function errorText(e: unknown): string {
  if (e instanceof ElectionError || e instanceof CryptoError) return e.message;
  throw e;
}
