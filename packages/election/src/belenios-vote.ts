/**
 * Ballots of a belenios-2048 election (issue 4): on the device and in the ballot box, the vote is a
 * Belenios 2.0 ballot (specification §4.11–§4.15) of the region's Belenios election, made with the
 * voter's one-time credential s — the same key whose public part g^s the blind signature certifies
 * (P-6.9). The OpenDEG ballot wraps the raw Belenios ballot, byte for byte as the device made it (the
 * export puts these bytes in the archive), with the credential certificate:
 *
 *   { "vote": { "format": "belenios-ballot/2.0", "region": "77", "ballot": "<raw Belenios ballot>" },
 *     "credential": { "publicKey": <hex g^s>, "prefix": …, "signature": … } }
 *
 * There is no OpenDEG signature: the Belenios ballot is signed by the credential (§4.14) and its
 * proofs bind the credential, which is why the credential is needed at encryption time.
 *
 * The tracker is SHA-256 of the raw ballot: the same digest as Belenios's smart ballot tracker (§4.15,
 * HJSON(ballot), its Base64 form), shown in OpenDEG's form.
 *
 * Benaloh challenge: a Belenios ballot is signed when it is made, so unlike a native challenged vote
 * (which carries no credential) a challenged Belenios ballot is a complete ballot. It must never be
 * cast, and it cannot be: its tracker is published with the challenge and the ballot box refuses
 * every ballot whose tracker was challenged (B.10), as every verifier re-checks (V.5).
 *
 * Ballot checks, named as in `validate.ts`, from the Belenios checks of `beleniosVerifyBallot`:
 *   B.1 format (4.15 format), B.2 election (4.15 election_uuid / election_hash), B.3 region and shape
 *   (4.15 answers, 4.11 answer shape), B.4 encoding (group membership), B.5 the certificate is the
 *   region issuer's and is for the ballot's credential, B.6 once, B.7 signature (4.15 signature.hash,
 *   4.14 signature), B.8 0/1 proofs (4.12 individual_proofs), B.9 overall and blank proofs (4.12
 *   overall_proof, 4.13, 4.11 blank_proof), B.10 not challenged.
 */

import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, CryptoError } from '@opendeg/crypto';
import type { Ciphertext } from '@opendeg/crypto';
import { marksToSelection, selectionToMarks, trackerCode } from './ballot.ts';
import type { BallotJson, ChallengedVoteJson, Selection, Tracker } from './ballot.ts';
import {
  beleniosEncryptBallot,
  BeleniosError,
  beleniosVerifyBallot,
  bg,
  parseBeleniosBallot,
} from './belenios/index.ts';
import type { BeleniosBallot, BeleniosChoice, BeleniosElection } from './belenios/index.ts';
import {
  asArray,
  asObject,
  asString,
  decodeElementHex,
  decodeScalarHex,
  encodeElementHex,
  encodeScalarHex,
  onlyKeys,
} from './codec.ts';
import type { Hex } from './codec.ts';
import { credentialId, verifyCredential } from './credential.ts';
import type { Credential, CredentialJson } from './credential.ts';
import { ElectionError } from './errors.ts';
import type { CheckFailure } from './errors.ts';
import type { Election, RegionContext } from './manifest.ts';
import type { BallotCheckId, BallotValidation, BallotValidationOptions } from './validate.ts';

export const BELENIOS_VOTE_FORMAT = 'belenios-ballot/2.0';
export const BELENIOS_CHALLENGED_FORMAT = 'belenios-challenged/2.0';

/** A Belenios ballot with the OpenDEG region it is cast in. */
export interface BeleniosVoteJson {
  readonly format: typeof BELENIOS_VOTE_FORMAT;
  readonly region: string;
  /** The Belenios ballot exactly as made (§4.15): its bytes are hashed, so they never change. */
  readonly ballot: string;
}

/** A cast ballot of a belenios-2048 election. */
export interface BeleniosBallotJson {
  readonly vote: BeleniosVoteJson;
  readonly credential: CredentialJson;
}

/** A challenged Belenios ballot with its opening; never counted, never castable (B.10). */
export interface ChallengedBeleniosVoteJson {
  readonly format: typeof BELENIOS_CHALLENGED_FORMAT;
  readonly vote: BeleniosVoteJson;
  /** Per question: the plaintexts (blank flag first where allowed) and the randomness of each. */
  readonly openings: readonly { readonly marks: readonly number[]; readonly randomness: readonly Hex[] }[];
}

/** A cast ballot of either kind, as the ballot box and the record hold them. */
export type AnyBallotJson = BallotJson | BeleniosBallotJson;
export type AnyChallengedVoteJson = ChallengedVoteJson | ChallengedBeleniosVoteJson;

export interface EncryptedBeleniosVote {
  readonly json: BeleniosVoteJson;
  readonly ballot: BeleniosBallot;
  readonly opening: { readonly plaintexts: readonly number[][]; readonly randomness: readonly bigint[][] };
  readonly tracker: Tracker;
}

/** The largest raw ballot accepted: 64 questions of many options fit well within it. */
const MAX_BALLOT_LENGTH = 8 << 20;

export function beleniosTrackerOf(raw: string): Tracker {
  const hash = sha256(new TextEncoder().encode(raw));
  return { hash: bytesToHex(hash), code: trackerCode(hash) };
}

function beleniosRegion<E>(
  election: Election<E>,
  region: string,
): RegionContext & { belenios: BeleniosElection } {
  const r = election.regions.get(region);
  if (r === undefined) throw new ElectionError('UNKNOWN_REGION', `no region "${region}"`);
  if (r.belenios === undefined) {
    throw new ElectionError(
      'WRONG_BALLOT_FORMAT',
      `region ${region} votes with native ballots: use encryptVote`,
    );
  }
  return r as RegionContext & { belenios: BeleniosElection };
}

/** The voter's selection as a Belenios choice: a 0/1 mark per option, or a blank vote. */
function toChoice(r: RegionContext, selections: readonly Selection[]): BeleniosChoice[] {
  const questions = r.style.questions;
  if (selections.length !== questions.length) {
    throw new ElectionError(
      'BAD_SELECTION',
      `expected ${questions.length} selections, got ${selections.length}`,
    );
  }
  return questions.map((q, i) => {
    const s = selections[i] ?? [];
    // Same rules and errors as a native vote.
    const marks = selectionToMarks(q, s, `selections[${i}]`);
    return s === 'blank' ? 'blank' : q.blank ? marks.slice(1) : marks;
  });
}

/**
 * The device: a Belenios ballot of the region's Belenios election, signed by the voter's credential
 * (the certified one: its public key must be the certificate's).
 */
export function encryptBeleniosVote<E>(
  election: Election<E>,
  region: string,
  selections: readonly Selection[],
  credential: Credential,
): EncryptedBeleniosVote {
  const r = beleniosRegion(election, region);
  if (encodeElementHex(bg, bg.multiplyBase(credential.secretKey)) !== credential.certificate.publicKey) {
    throw new ElectionError('CREDENTIAL_INVALID', 'the credential’s secret is not the certified key');
  }
  const e = beleniosEncryptBallot(r.belenios, credential.secretKey, toChoice(r, selections));
  const json: BeleniosVoteJson = { format: BELENIOS_VOTE_FORMAT, region, ballot: e.raw };
  return { json, ballot: e.ballot, opening: e.opening, tracker: beleniosTrackerOf(e.raw) };
}

/** The ballot the device sends: the Belenios ballot and the credential certificate. */
export function castBeleniosBallot(vote: BeleniosVoteJson, credential: Credential): BeleniosBallotJson {
  return { vote, credential: credential.certificate };
}

/** Benaloh challenge of a Belenios ballot: its opening is published and its tracker is never cast. */
export function challengeBeleniosVote(vote: EncryptedBeleniosVote): ChallengedBeleniosVoteJson {
  return {
    format: BELENIOS_CHALLENGED_FORMAT,
    vote: vote.json,
    openings: vote.opening.plaintexts.map((marks, i) => ({
      marks: [...marks],
      randomness: (vote.opening.randomness[i] ?? []).map((r) => encodeScalarHex(bg, r)),
    })),
  };
}

/** Which ballot check a failed Belenios check is. */
function checkIdOf(beleniosCheck: string): BallotCheckId {
  switch (beleniosCheck) {
    case '4.15 election_uuid':
    case '4.15 election_hash':
      return 'B.2';
    case '4.15 answers':
    case '4.11 answer shape':
      return 'B.3';
    case '4.15 signature.hash':
    case '4.14 signature':
      return 'B.7';
    case '4.12 individual_proofs':
      return 'B.8';
    case '4.12 overall_proof':
    case '4.13 blank_proof/overall_proof':
    case '4.11 blank_proof':
      return 'B.9';
    default:
      return 'B.1';
  }
}

const fail = (check: BallotCheckId, message: string): CheckFailure => ({ check, message });

/** B.1 and B.3 of the wrapper: returns the region and the raw ballot, or the failure. */
function decodeWrapper<E>(
  election: Election<E>,
  vote: unknown,
  path: string,
):
  | { ok: true; region: RegionContext & { belenios: BeleniosElection }; raw: string }
  | { ok: false; failure: CheckFailure } {
  let o: Record<string, unknown>;
  try {
    o = asObject(vote, path);
    onlyKeys(o, ['format', 'region', 'ballot'], path);
    if (o.format !== BELENIOS_VOTE_FORMAT)
      throw new ElectionError('MALFORMED', `expected "${BELENIOS_VOTE_FORMAT}"`, { path: `${path}.format` });
    asString(o.region, `${path}.region`);
    if (typeof o.ballot !== 'string' || o.ballot.length > MAX_BALLOT_LENGTH)
      throw new ElectionError('MALFORMED', 'expected the raw Belenios ballot', { path: `${path}.ballot` });
  } catch (e) {
    return { ok: false, failure: fail('B.1', errorText(e)) };
  }
  const region = election.regions.get(o.region as string);
  if (region?.belenios === undefined) {
    return {
      ok: false,
      failure:
        region === undefined
          ? fail('B.3', `unknown region "${String(o.region)}"`)
          : fail('B.1', `region ${region.def.code} votes with native ballots, not Belenios ballots`),
    };
  }
  return { ok: true, region: region as RegionContext & { belenios: BeleniosElection }, raw: o.ballot };
}

/** B.1/B.4 of the raw ballot: parses it; an element outside the group is B.4. */
function parseRaw(raw: string): { ok: true; ballot: BeleniosBallot } | { ok: false; failure: CheckFailure } {
  try {
    return { ok: true, ballot: parseBeleniosBallot(raw) };
  } catch (e) {
    if (!(e instanceof BeleniosError)) throw e;
    return { ok: false, failure: fail(e.cause instanceof CryptoError ? 'B.4' : 'B.1', e.message) };
  }
}

/** `validateBallot` for a Belenios ballot (its caller has checked that `o` is an object). */
export async function validateBeleniosBallot<E>(
  election: Election<E>,
  o: Record<string, unknown>,
  options: BallotValidationOptions,
): Promise<BallotValidation<E>> {
  try {
    onlyKeys(o, ['vote', 'credential'], '$');
    const c = asObject(o.credential, '$.credential');
    onlyKeys(c, ['publicKey', 'prefix', 'signature'], '$.credential');
    asString(c.publicKey, '$.credential.publicKey');
    asString(c.prefix, '$.credential.prefix');
    asString(c.signature, '$.credential.signature');
  } catch (e) {
    return { ok: false, failures: [fail('B.1', errorText(e))] };
  }
  const wrapper = decodeWrapper(election, o.vote, '$.vote');
  if (!wrapper.ok) return { ok: false, failures: [wrapper.failure] };
  const { region, raw } = wrapper;
  const tracker = beleniosTrackerOf(raw);
  const parsed = parseRaw(raw);
  if (!parsed.ok) return { ok: false, failures: [parsed.failure], tracker };
  const ballot = parsed.ballot;
  const certificate = o.credential as CredentialJson;
  const failures: CheckFailure[] = [];

  // B.5: the issuer certified this credential — the very key that signed the Belenios ballot.
  try {
    const certified = decodeElementHex(bg, certificate.publicKey, '$.credential.publicKey');
    if (certified !== ballot.credential)
      failures.push(fail('B.5', 'the certificate is for another credential than the ballot’s'));
  } catch (e) {
    failures.push(fail('B.4', errorText(e)));
  }
  if (!(await verifyCredential(election, region.def.code, certificate))) {
    failures.push(fail('B.5', `credential is not certified by the issuer of region ${region.def.code}`));
  }
  const id = credentialId(certificate);
  if (options.isCredentialUsed?.(id) === true)
    failures.push(fail('B.6', 'this credential has already voted'));
  const check = beleniosVerifyBallot(region.belenios, raw);
  if (!check.ok)
    for (const f of check.failures) failures.push(fail(checkIdOf(f.check), `${f.check}: ${f.message}`));
  if (options.isChallenged?.(tracker.hash) === true)
    failures.push(fail('B.10', 'this vote was challenged and revealed'));
  if (failures.length > 0) return { ok: false, failures, tracker };
  const keyGroup = election.keyGroups.get(region.def.keyGroup);
  if (keyGroup === undefined) return { ok: false, failures: [fail('B.3', 'no key group')], tracker };
  return {
    ok: true,
    ballot: {
      region,
      keyGroup,
      // The tally needs only the ciphertexts: exponential ElGamal in both systems (E is bigint here).
      answers: ballot.answers.map((a) => ({ choices: a.choices as unknown as readonly Ciphertext<E>[] })),
      credentialId: id,
      tracker,
    },
  };
}

/**
 * C.1/C.2 for a challenged Belenios ballot: a valid Belenios ballot (proofs, signature) whose every
 * ciphertext is (g^r, g^m·y^r) for the opening's m and r. Returns the selections it revealed.
 */
export function verifyChallengedBeleniosVote<E>(
  election: Election<E>,
  o: Record<string, unknown>,
): { ok: true; selections: Selection[]; tracker: Tracker } | { ok: false; failures: CheckFailure[] } {
  const c1 = (message: string): { ok: false; failures: CheckFailure[] } => ({
    ok: false,
    failures: [{ check: 'C.1', message }],
  });
  try {
    onlyKeys(o, ['format', 'vote', 'openings'], '$');
  } catch (e) {
    return c1(errorText(e));
  }
  const wrapper = decodeWrapper(election, o.vote, '$.vote');
  if (!wrapper.ok) return c1(`${wrapper.failure.check}: ${wrapper.failure.message}`);
  const { region, raw } = wrapper;
  const check = beleniosVerifyBallot(region.belenios, raw);
  if (!check.ok) {
    return {
      ok: false,
      failures: check.failures.map((f) => ({
        check: 'C.1',
        message: `${checkIdOf(f.check)}: ${f.check}: ${f.message}`,
      })),
    };
  }
  const parsed = parseRaw(raw);
  if (!parsed.ok) return c1(parsed.failure.message);
  const y = region.belenios.publicKey;
  const questions = region.style.questions;
  const selections: Selection[] = [];
  const failures: CheckFailure[] = [];
  try {
    const openings = asArray(o.openings, '$.openings', 64);
    if (openings.length !== questions.length)
      throw new ElectionError('MALFORMED', 'one opening per question', { path: '$.openings' });
    questions.forEach((q, i) => {
      const op = asObject(openings[i], `$.openings[${i}]`);
      onlyKeys(op, ['marks', 'randomness'], `$.openings[${i}]`);
      const marks = asArray(op.marks, `$.openings[${i}].marks`, 1025);
      const randomness = asArray(op.randomness, `$.openings[${i}].randomness`, 1025).map((r, k) =>
        decodeScalarHex(bg, r, `$.openings[${i}].randomness[${k}]`),
      );
      const choices = parsed.ballot.answers[i]?.choices ?? [];
      const opens =
        marks.length === choices.length &&
        randomness.length === choices.length &&
        choices.every((c, k) => {
          const m = marks[k];
          const r = randomness[k] ?? 0n;
          return (
            (m === 0 || m === 1) &&
            c.alpha === bg.multiplyBase(r) &&
            c.beta === bg.add(bg.multiplyBase(BigInt(m)), bg.multiply(y, r))
          );
        });
      if (!opens) {
        failures.push({
          check: 'C.2',
          message: `question ${q.id}: the opening does not match the encryption`,
        });
        return;
      }
      selections.push(marksToSelection(q, marks as number[]));
    });
  } catch (e) {
    failures.push({ check: 'C.1', message: errorText(e) });
  }
  if (failures.length > 0) return { ok: false, failures };
  return { ok: true, selections, tracker: beleniosTrackerOf(raw) };
}

function errorText(e: unknown): string {
  if (e instanceof ElectionError || e instanceof CryptoError || e instanceof BeleniosError) return e.message;
  throw e;
}
