/**
 * Ballots as the voter's device makes them (P-6.9, P-5.3) and as the ballot box receives them.
 *
 * 1. `encryptVote`: the device turns the voter's selection into an encrypted vote — per question one
 *    ciphertext per option (the blank choice first where allowed) with 0/1 proofs and an overall
 *    proof — and shows its tracker code.
 * 2. The voter either casts it (`castBallot`: the credential certificate is attached and the credential
 *    key signs everything, Schnorr, as in Belenios) or challenges it (`challengeVote`: the device
 *    reveals the randomness — Benaloh's cast-as-intended check — and the vote is discarded; a fresh
 *    encryption follows). A challenged vote carries no credential, so it can never be cast.
 *
 * The tracker is SHA-256 of the canonical encrypted vote (not of the credential or signature), so the
 * code the voter sees before casting is the one the public ballot list shows afterwards.
 */

import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, canonicalJsonBytes, encryptAnswer, signSchnorr } from '@opendeg/crypto';
import type { AnswerBounds, AnswerOpening, EncryptedAnswer, Group } from '@opendeg/crypto';
import { encodeAnswerJson, encodeChallengeResponse, encodeScalarHex } from './codec.ts';
import type { ChallengeResponseJson, EncryptedAnswerJson, Hex } from './codec.ts';
import type { Credential, CredentialJson } from './credential.ts';
import { ElectionError } from './errors.ts';
import type { Election, QuestionDef } from './manifest.ts';

export const VOTE_FORMAT = 'opendeg-vote/1';
export const CHALLENGED_FORMAT = 'opendeg-challenged/1';

/** The encrypted vote: what the tracker covers. */
export interface EncryptedVoteJson {
  readonly format: typeof VOTE_FORMAT;
  /** Hex of the manifest hash. */
  readonly election: Hex;
  readonly region: string;
  /** One per question of the region's ballot style, in order. */
  readonly answers: readonly EncryptedAnswerJson[];
}

/** A cast ballot: the vote, the certified credential, and the credential's signature of both. */
export interface BallotJson {
  readonly vote: EncryptedVoteJson;
  readonly credential: CredentialJson;
  readonly signature: ChallengeResponseJson;
}

/** A challenged (spoiled) vote with its opening: anyone can check what it encrypted. Never counted. */
export interface ChallengedVoteJson {
  readonly format: typeof CHALLENGED_FORMAT;
  readonly vote: EncryptedVoteJson;
  /** Per question: the marks (blank first where allowed) and the randomness of each ciphertext. */
  readonly openings: readonly { readonly marks: readonly number[]; readonly randomness: readonly Hex[] }[];
}

/** A selection for one question: the chosen option ids, or a blank vote. */
export type Selection = readonly string[] | 'blank';

export function answerBounds(q: QuestionDef): AnswerBounds {
  return { min: q.min, max: q.max, blank: q.blank };
}

/** Marks for one question, blank first where the question allows a blank vote. */
export function selectionToMarks(q: QuestionDef, s: Selection, path: string): number[] {
  if (s === 'blank') {
    if (!q.blank) throw new ElectionError('BAD_SELECTION', 'this question has no blank vote', { path });
    return [1, ...q.options.map(() => 0)];
  }
  for (const id of s) {
    if (!q.options.some((o) => o.id === id))
      throw new ElectionError('BAD_SELECTION', `no option "${id}"`, { path });
  }
  if (new Set(s).size !== s.length)
    throw new ElectionError('BAD_SELECTION', 'an option is marked twice', { path });
  if (s.length < q.min || s.length > q.max) {
    throw new ElectionError('BAD_SELECTION', `mark between ${q.min} and ${q.max} options`, { path });
  }
  const marks = q.options.map((o) => (s.includes(o.id) ? 1 : 0));
  return q.blank ? [0, ...marks] : marks;
}

/** The inverse, for showing a decrypted or opened vote. */
export function marksToSelection(q: QuestionDef, marks: readonly number[]): Selection {
  const offset = q.blank ? 1 : 0;
  if (q.blank && marks[0] === 1) return 'blank';
  return q.options.filter((_, i) => marks[i + offset] === 1).map((o) => o.id);
}

export interface EncryptedVote<E> {
  readonly json: EncryptedVoteJson;
  readonly answers: readonly EncryptedAnswer<E>[];
  readonly openings: readonly AnswerOpening[];
  readonly tracker: Tracker;
}

export function encryptVote<E>(
  election: Election<E>,
  region: string,
  selections: readonly Selection[],
): EncryptedVote<E> {
  const r = election.regions.get(region);
  if (r === undefined) throw new ElectionError('UNKNOWN_REGION', `no region "${region}"`);
  if (r.belenios !== undefined) {
    // A Belenios ballot's proofs bind the credential: it is made with it (belenios-vote.ts).
    throw new ElectionError(
      'WRONG_BALLOT_FORMAT',
      `region ${region} votes with Belenios ballots: use encryptBeleniosVote`,
    );
  }
  const kg = election.keyGroups.get(r.def.keyGroup);
  if (kg === undefined) throw new ElectionError('UNKNOWN_KEY_GROUP', `no key group "${r.def.keyGroup}"`);
  const questions = r.style.questions;
  if (selections.length !== questions.length) {
    throw new ElectionError(
      'BAD_SELECTION',
      `expected ${questions.length} selections, got ${selections.length}`,
    );
  }
  const g = election.group;
  const encrypted = questions.map((q, i) =>
    encryptAnswer(
      g,
      election.hash,
      kg.publicKey,
      selectionToMarks(q, selections[i] ?? [], `selections[${i}]`),
      answerBounds(q),
    ),
  );
  const json: EncryptedVoteJson = {
    format: VOTE_FORMAT,
    election: election.hashHex,
    region,
    answers: encrypted.map((e) => encodeAnswerJson(g, e.answer)),
  };
  return {
    json,
    answers: encrypted.map((e) => e.answer),
    openings: encrypted.map((e) => e.opening),
    tracker: trackerOf(json),
  };
}

/** Attaches the credential and signs: the ballot the device sends to the ballot box. */
export function castBallot<E>(
  election: Election<E>,
  vote: EncryptedVoteJson,
  credential: Credential,
): BallotJson {
  const message = ballotSigningMessage(vote, credential.certificate);
  const signature = signSchnorr(election.group, election.hash, credential.secretKey, message);
  return {
    vote,
    credential: credential.certificate,
    signature: encodeChallengeResponse(election.group, signature),
  };
}

export function ballotSigningMessage(vote: EncryptedVoteJson, credential: CredentialJson): Uint8Array {
  return canonicalJsonBytes({ purpose: 'opendeg-ballot-signature/1', vote, credential });
}

/**
 * The same bytes as `ballotSigningMessage`, from the vote's canonical JSON already computed for its
 * tracker: RFC 8785 writes an object as its members in key order ("credential" < "purpose" < "vote"),
 * each value in its own canonical form, so the vote's bytes are spliced in rather than made twice.
 */
export function ballotSigningMessageFrom(voteCanonical: Uint8Array, credential: CredentialJson): Uint8Array {
  const head = new TextEncoder().encode(
    `{"credential":${new TextDecoder().decode(canonicalJsonBytes(credential))},"purpose":"opendeg-ballot-signature/1","vote":`,
  );
  const out = new Uint8Array(head.length + voteCanonical.length + 1);
  out.set(head);
  out.set(voteCanonical, head.length);
  out[out.length - 1] = 0x7d; // }
  return out;
}

/** Benaloh challenge: reveal the vote's randomness. The device must then encrypt afresh. */
export function challengeVote<E>(g: Group<E>, vote: EncryptedVote<E>): ChallengedVoteJson {
  return {
    format: CHALLENGED_FORMAT,
    vote: vote.json,
    openings: vote.openings.map((o) => ({
      marks: [...o.marks],
      randomness: o.randomness.map((r) => encodeScalarHex(g, r)),
    })),
  };
}

/** A tracker: the full hash (for lookups) and a code a person can read aloud and compare. */
export interface Tracker {
  readonly hash: Hex;
  /** Five groups of four digits, e.g. "4821-0937-5521-0083-7712" (66 bits of the hash). */
  readonly code: string;
}

export function trackerOf(vote: EncryptedVoteJson): Tracker {
  return trackerOfCanonical(canonicalJsonBytes(vote));
}

/** The tracker of a vote given its RFC 8785 canonical JSON bytes. */
export function trackerOfCanonical(voteCanonical: Uint8Array): Tracker {
  const hash = sha256(voteCanonical);
  return { hash: bytesToHex(hash), code: trackerCode(hash) };
}

/** Digits are what a Russian-speaking voter reads aloud most reliably; 20 of them carry 66 bits. */
export function trackerCode(hash: Uint8Array): string {
  let n = 0n;
  for (const b of hash.subarray(0, 9)) n = (n << 8n) | BigInt(b);
  const digits = (n % 10n ** 20n).toString().padStart(20, '0');
  return digits.match(/.{4}/g)?.join('-') ?? digits;
}
