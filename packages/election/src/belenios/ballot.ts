/**
 * Belenios ballots (Belenios 2.0 specification §4.11 encrypted answers, §4.13 blank votes, §4.14
 * signatures, §4.15 ballots), for elections on BELENIOS-2048.
 *
 * A ballot made here is a Belenios ballot from the start: the election layer of a belenios-2048
 * election calls `beleniosEncryptBallot` on the device and `beleniosVerifyBallot` in the ballot box,
 * and the export copies the published bytes into the archive unchanged. The ciphertexts are ordinary
 * exponential-ElGamal ciphertexts of `@opendeg/crypto` ((g^r, g^m·y^r), the same in both systems),
 * so OpenDEG's homomorphic tally and threshold decryption apply to them directly.
 *
 * Proof strings: S₀ = φ "|" credential; each choice carries iprove(S₀, r, m, 0, 1); the answer's
 * overall (and blank) proofs use S = S₀ "|" α₁,β₁,…,α_n,β_n. The signature signs
 * HJSON(ballot without its signature field), serialised compactly with fields in the order below.
 */

import { encrypt, mod, sumCiphertexts } from '@opendeg/crypto';
import type { Ciphertext } from '@opendeg/crypto';
import {
  asArray,
  asObject,
  asString,
  bg,
  decodeCiphertext,
  decodeElement,
  decodeProof,
  decodeProofs,
  encodeCiphertext,
  encodeDecimal,
  encodeProof,
  hashJson,
  parseJson,
} from './encoding.ts';
import type { CiphertextJson, Decimal, Proof, ProofJson } from './encoding.ts';
import { proveBlank, verifyBlank } from './blank-proof.ts';
import { questionLength } from './election.ts';
import type { BeleniosElection, BeleniosQuestion } from './election.ts';
import { beleniosCheck } from './errors.ts';
import type { BeleniosCheck, BeleniosCheckFailure } from './errors.ts';
import { proveInterval, range, verifyInterval } from './interval-proof.ts';
import { signBallotHash, verifyBallotSignature } from './schnorr.ts';

/** §4.11 answer_h. */
export interface AnswerJson {
  readonly choices: readonly CiphertextJson[];
  readonly individual_proofs: readonly (readonly ProofJson[])[];
  readonly overall_proof: readonly ProofJson[];
  readonly blank_proof?: readonly ProofJson[];
}

/** §4.15 ballot. */
export interface BallotJson {
  readonly election_uuid: string;
  readonly election_hash: string;
  readonly credential: Decimal;
  readonly answers: readonly AnswerJson[];
  readonly signature: { readonly hash: string; readonly proof: ProofJson };
}

/** A voter's choice for one question: a 0/1 mark per answer, or a blank vote where allowed. */
export type BeleniosChoice = readonly number[] | 'blank';

/** A decoded answer; `choices[0]` is the blank flag when the question allows blank votes. */
export interface BeleniosAnswer {
  readonly choices: readonly Ciphertext<bigint>[];
  readonly individualProofs: readonly (readonly Proof[])[];
  readonly overallProof: readonly Proof[];
  readonly blankProof: readonly Proof[] | undefined;
}

export interface BeleniosBallot {
  readonly electionUuid: string;
  readonly electionHash: string;
  readonly credential: bigint;
  readonly answers: readonly BeleniosAnswer[];
  readonly signature: { readonly hash: string; readonly proof: Proof };
}

export interface EncryptedBeleniosBallot {
  readonly ballot: BeleniosBallot;
  /** The bytes to publish (and to put in the archive). */
  readonly raw: string;
  /** Smart ballot tracker HJSON(raw) (§4.15), the voter's receipt. */
  readonly tracker: string;
  /** Per question the plaintext vector (blank flag first) and its randomness: a Benaloh opening. */
  readonly opening: { readonly plaintexts: readonly number[][]; readonly randomness: readonly bigint[][] };
}

function encodeAnswer(a: BeleniosAnswer): AnswerJson {
  return {
    choices: a.choices.map(encodeCiphertext),
    individual_proofs: a.individualProofs.map((ps) => ps.map(encodeProof)),
    overall_proof: a.overallProof.map(encodeProof),
    ...(a.blankProof === undefined ? {} : { blank_proof: a.blankProof.map(encodeProof) }),
  };
}

/** §4.15 with the fields in the order of the specification; `signature` last, when present. */
function serialise(b: UnsignedBeleniosBallot, signature?: BeleniosBallot['signature']): string {
  return JSON.stringify({
    election_uuid: b.electionUuid,
    election_hash: b.electionHash,
    credential: encodeDecimal(b.credential),
    answers: b.answers.map(encodeAnswer),
    ...(signature === undefined
      ? {}
      : { signature: { hash: signature.hash, proof: encodeProof(signature.proof) } }),
  });
}

export const serialiseBeleniosBallot = (b: BeleniosBallot): string => serialise(b, b.signature);

/** S = S₀ "|" α₁,β₁,…: binds the overall proofs to every ciphertext of the answer. */
const answerString = (s0: string, choices: readonly Ciphertext<bigint>[]): string =>
  `${s0}|${choices.map((c) => `${c.alpha},${c.beta}`).join(',')}`;

/** The plaintext vector of a choice: the marks, with a leading blank flag when blank is allowed. */
export function beleniosPlaintext(q: BeleniosQuestion, choice: BeleniosChoice): number[] {
  if (choice === 'blank') {
    if (q.blank !== true) throw new RangeError(`choice: "${q.question}" does not allow blank votes`);
    return [1, ...q.answers.map(() => 0)];
  }
  if (choice.length !== q.answers.length || !choice.every((m) => m === 0 || m === 1)) {
    throw new RangeError(`choice: one 0/1 mark per answer of "${q.question}" expected`);
  }
  const count = choice.reduce<number>((a, b) => a + b, 0);
  if (count < q.min || count > q.max) {
    throw new RangeError(`choice: ${count} marked, "${q.question}" allows ${q.min}..${q.max}`);
  }
  return q.blank === true ? [0, ...choice] : [...choice];
}

function encryptAnswer(
  y: bigint,
  s0: string,
  q: BeleniosQuestion,
  m: readonly number[],
): { answer: BeleniosAnswer; randomness: bigint[] } {
  const encs = m.map((mi) => encrypt(bg, y, mi));
  const choices = encs.map((e) => e.ciphertext);
  const randomness = encs.map((e) => e.randomness);
  const individualProofs = encs.map((e, i) =>
    proveInterval(s0, y, e.ciphertext, e.randomness, m[i] ?? 0, [0, 1]),
  );
  const s = answerString(s0, choices);
  const offset = q.blank === true ? 1 : 0;
  const sum = sumCiphertexts(bg, choices.slice(offset));
  const rSum = randomness.slice(offset).reduce((a, r) => mod(a + r, bg.order), 0n);
  const count = m.slice(offset).reduce((a, b) => a + b, 0);
  if (q.blank !== true) {
    const overallProof = proveInterval(s, y, sum, rSum, count - q.min, range(q.min, q.max));
    return { answer: { choices, individualProofs, overallProof, blankProof: undefined }, randomness };
  }
  const [blank] = choices;
  const [r0] = randomness;
  if (blank === undefined || r0 === undefined) throw new RangeError('choice: empty answer');
  const { overallProof, blankProof } = proveBlank(
    s,
    y,
    { blank, sum, min: q.min, max: q.max },
    { blank: m[0] === 1, count, r0, rSum },
  );
  return { answer: { choices, individualProofs, overallProof, blankProof }, randomness };
}

/** An unsigned ballot: everything the signature covers. */
export type UnsignedBeleniosBallot = Omit<BeleniosBallot, 'signature'>;

/** §4.14: signs HJSON(ballot without signature) with the credential's secret; returns the published bytes. */
export function beleniosSignBallot(
  unsigned: UnsignedBeleniosBallot,
  credentialSecret: bigint,
): { ballot: BeleniosBallot; raw: string } {
  const hash = hashJson(serialise(unsigned));
  const ballot: BeleniosBallot = {
    ...unsigned,
    signature: { hash, proof: signBallotHash(credentialSecret, hash) },
  };
  return { ballot, raw: serialise(ballot, ballot.signature) };
}

/**
 * §4.11–4.15: encrypts one choice per question and signs with the credential's secret s
 * (public credential g^s). Throws RangeError on a choice the question does not allow.
 */
export function beleniosEncryptBallot(
  election: BeleniosElection,
  credentialSecret: bigint,
  choices: readonly BeleniosChoice[],
): EncryptedBeleniosBallot {
  if (choices.length !== election.questions.length) {
    throw new RangeError(`choices: ${election.questions.length} questions, ${choices.length} choices`);
  }
  const credential = bg.multiplyBase(credentialSecret);
  const s0 = `${election.fingerprint}|${credential}`;
  const plaintexts = election.questions.map((q, i) => beleniosPlaintext(q, choices[i] ?? []));
  const encrypted = election.questions.map((q, i) =>
    encryptAnswer(election.publicKey, s0, q, plaintexts[i] ?? []),
  );
  const unsigned = {
    electionUuid: election.uuid,
    electionHash: election.fingerprint,
    credential,
    answers: encrypted.map((e) => e.answer),
  };
  const { ballot, raw } = beleniosSignBallot(unsigned, credentialSecret);
  return {
    ballot,
    raw,
    tracker: hashJson(raw),
    opening: { plaintexts, randomness: encrypted.map((e) => e.randomness) },
  };
}

function decodeAnswer(x: unknown, w: string): BeleniosAnswer {
  const o = asObject(x, w);
  return {
    choices: asArray(o.choices, `${w}.choices`).map((c, i) => decodeCiphertext(c, `${w}.choices[${i}]`)),
    individualProofs: asArray(o.individual_proofs, `${w}.individual_proofs`).map((p, i) =>
      decodeProofs(p, `${w}.individual_proofs[${i}]`),
    ),
    overallProof: decodeProofs(o.overall_proof, `${w}.overall_proof`),
    blankProof: o.blank_proof === undefined ? undefined : decodeProofs(o.blank_proof, `${w}.blank_proof`),
  };
}

/** Parses a published ballot; every number canonical, every element in the group (throws MALFORMED). */
export function parseBeleniosBallot(raw: string): BeleniosBallot {
  const o = asObject(parseJson(raw, 'ballot'), 'ballot');
  const sig = asObject(o.signature, 'ballot.signature');
  return {
    electionUuid: asString(o.election_uuid, 'ballot.election_uuid'),
    electionHash: asString(o.election_hash, 'ballot.election_hash'),
    credential: decodeElement(o.credential, 'ballot.credential'),
    answers: asArray(o.answers, 'ballot.answers').map((a, i) => decodeAnswer(a, `ballot.answers[${i}]`)),
    signature: {
      hash: asString(sig.hash, 'ballot.signature.hash'),
      proof: decodeProof(sig.proof, 'ballot.signature.proof'),
    },
  };
}

function checkAnswer(
  y: bigint,
  s0: string,
  q: BeleniosQuestion,
  a: BeleniosAnswer,
  where: string,
  failures: BeleniosCheckFailure[],
): void {
  const n = questionLength(q);
  if (a.choices.length !== n || a.individualProofs.length !== n) {
    failures.push({ check: '4.11 answer shape', message: `${where}: ${n} choices and proofs expected` });
    return;
  }
  a.choices.forEach((c, i) => {
    if (!verifyInterval(s0, y, c, a.individualProofs[i] ?? [], [0, 1])) {
      failures.push({
        check: '4.12 individual_proofs',
        message: `${where}: choice ${i} is not proved 0 or 1`,
      });
    }
  });
  const s = answerString(s0, a.choices);
  const offset = q.blank === true ? 1 : 0;
  const sum = sumCiphertexts(bg, a.choices.slice(offset));
  if (q.blank !== true) {
    if (a.blankProof !== undefined)
      failures.push({ check: '4.11 blank_proof', message: `${where}: unexpected` });
    if (!verifyInterval(s, y, sum, a.overallProof, range(q.min, q.max))) {
      failures.push({ check: '4.12 overall_proof', message: `${where}: count not proved in [min, max]` });
    }
    return;
  }
  const [blank] = a.choices;
  if (
    blank === undefined ||
    a.blankProof === undefined ||
    !verifyBlank(s, y, { blank, sum, min: q.min, max: q.max }, a.overallProof, a.blankProof)
  ) {
    failures.push({
      check: '4.13 blank_proof/overall_proof',
      message: `${where}: not proved blank or in [min, max]`,
    });
  }
}

/**
 * §3.2 step 3 and §3.5.1: what the ballot box checks before accepting a ballot, and what an auditor
 * re-checks — the election, the credential (when the list is given), the signature over the
 * recomputed ballot hash, and every proof. Returns every failure, never throws on bad input.
 */
export function beleniosVerifyBallot(
  election: BeleniosElection,
  raw: string,
  publicCredentials?: ReadonlySet<Decimal>,
): BeleniosCheck {
  let b: BeleniosBallot;
  try {
    b = parseBeleniosBallot(raw);
  } catch (e) {
    return beleniosCheck([{ check: '4.15 format', message: (e as Error).message }]);
  }
  const failures: BeleniosCheckFailure[] = [];
  if (b.electionUuid !== election.uuid)
    failures.push({ check: '4.15 election_uuid', message: 'another election' });
  if (b.electionHash !== election.fingerprint) {
    failures.push({ check: '4.15 election_hash', message: 'not the fingerprint of this election' });
  }
  if (publicCredentials !== undefined && !publicCredentials.has(encodeDecimal(b.credential))) {
    failures.push({ check: '3.2 credential', message: 'not in the public credentials list' });
  }
  const hash = hashJson(serialise(b));
  if (b.signature.hash !== hash)
    failures.push({ check: '4.15 signature.hash', message: 'not the ballot hash' });
  else if (!verifyBallotSignature(b.credential, hash, b.signature.proof)) {
    failures.push({ check: '4.14 signature', message: 'invalid signature by the credential' });
  }
  if (b.answers.length !== election.questions.length) {
    failures.push({ check: '4.15 answers', message: `${election.questions.length} answers expected` });
  } else {
    const s0 = `${election.fingerprint}|${b.credential}`;
    election.questions.forEach((q, i) => {
      const a = b.answers[i];
      if (a !== undefined) checkAnswer(election.publicKey, s0, q, a, `answer ${i}`, failures);
    });
  }
  return beleniosCheck(failures);
}

/** The ciphertexts of a ballot, question by question (blank flag first where allowed). */
export const beleniosBallotCiphertexts = (b: BeleniosBallot): Ciphertext<bigint>[][] =>
  b.answers.map((a) => [...a.choices]);
