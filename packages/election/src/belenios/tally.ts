/**
 * The Belenios tally (Belenios 2.0 specification §4.15 last(B), §4.16 encrypted tally, §4.18 partial
 * decryptions, §4.19 election result) for homomorphic questions and one Pedersen trustees item.
 *
 * The encrypted tally is OpenDEG's homomorphic sum of the ballots' ciphertexts (weight 1 each). A
 * trustee's partial decryption is OpenDEG's decryption share α^S_j (computed with the blinded
 * multiplication for long-lived keys) with Belenios's proof: A = g^w, B = α^w,
 * challenge = Hdecrypt(X, A, B) = SHA256("decrypt|φ|X|A,B") mod q, response = w − S_j·challenge.
 * The result combines t + 1 of them by Lagrange interpolation in the exponent (`lagrangeAtZero`)
 * and takes the small discrete logarithm of β / F, bounded by the number of ballots.
 */

import { DiscreteLogTable, lagrangeAtZero, sumCiphertexts } from '@opendeg/crypto';
import type { Ciphertext, SecretShare } from '@opendeg/crypto';
import {
  asArray,
  asObject,
  bg,
  decodeCiphertext,
  decodeElement,
  decodeProof,
  encodeCiphertext,
  encodeDecimal,
  encodeProof,
  parseJson,
} from './encoding.ts';
import type { CiphertextJson, Decimal, Proof, ProofJson } from './encoding.ts';
import type { BeleniosBallot } from './ballot.ts';
import { questionLength } from './election.ts';
import type { BeleniosElection } from './election.ts';
import { BeleniosError } from './errors.ts';
import { beleniosHash, fsCommitment, fsProve, proofInRange } from './hash.ts';

export type EncryptedTally = readonly (readonly Ciphertext<bigint>[])[];
export type EncryptedTallyJson = readonly (readonly CiphertextJson[])[];

/** §4.18 partial_decryption. */
export interface PartialDecryptionJson {
  readonly decryption_factors: readonly (readonly Decimal[])[];
  readonly decryption_proofs: readonly (readonly ProofJson[])[];
}

export interface PartialDecryption {
  readonly factors: readonly (readonly bigint[])[];
  readonly proofs: readonly (readonly Proof[])[];
}

/** §4.19 result: per question, the counts (the blank count first where blank votes are allowed). */
export interface ResultJson {
  readonly result: readonly (readonly number[])[];
}

/** §4.15 last(B): only each credential's last ballot counts. */
export function beleniosLastBallots<B extends { readonly ballot: BeleniosBallot }>(
  ballots: readonly B[],
): B[] {
  const last = new Map<bigint, B>();
  for (const b of ballots) {
    last.delete(b.ballot.credential);
    last.set(b.ballot.credential, b);
  }
  return [...last.values()];
}

/** §4.16: the pointwise product of the ballots' ciphertexts, question by question. */
export function beleniosEncryptedTally(
  election: BeleniosElection,
  ballots: readonly BeleniosBallot[],
): EncryptedTally {
  return election.questions.map((q, i) =>
    Array.from({ length: questionLength(q) }, (_, j) =>
      sumCiphertexts(
        bg,
        ballots.map((b) => b.answers[i]?.choices[j] ?? { alpha: bg.identity, beta: bg.identity }),
      ),
    ),
  );
}

export const encodeEncryptedTally = (t: EncryptedTally): EncryptedTallyJson =>
  t.map((q) => q.map(encodeCiphertext));

export function decodeEncryptedTally(json: unknown): EncryptedTally {
  return asArray(json, 'encrypted_tally').map((q, i) =>
    asArray(q, `encrypted_tally[${i}]`).map((c, j) => decodeCiphertext(c, `encrypted_tally[${i}][${j}]`)),
  );
}

const decryptPrefix = (election: BeleniosElection, x: bigint): string =>
  `decrypt|${election.fingerprint}|${x}|`;

/** §4.18: trustee `share.index`'s decryption factors of the tally, with their proofs. */
export function beleniosPartialDecrypt(
  election: BeleniosElection,
  share: SecretShare,
  tally: EncryptedTally,
): PartialDecryptionJson {
  const x = bg.multiplyBase(share.secret);
  const prefix = decryptPrefix(election, x);
  const factors = tally.map((q) => q.map((c) => bg.multiplyBlinded(c.alpha, share.secret)));
  const proofs = tally.map((q) =>
    q.map((c) => fsProve([bg.generator, c.alpha], share.secret, (ab) => beleniosHash(prefix, ab))),
  );
  return {
    decryption_factors: factors.map((q) => q.map(encodeDecimal)),
    decryption_proofs: proofs.map((q) => q.map(encodeProof)),
  };
}

export function decodePartialDecryption(json: unknown): PartialDecryption {
  const o = asObject(json, 'partial_decryption');
  return {
    factors: asArray(o.decryption_factors, 'decryption_factors').map((q, i) =>
      asArray(q, `decryption_factors[${i}]`).map((f, j) =>
        decodeElement(f, `decryption_factors[${i}][${j}]`, true),
      ),
    ),
    proofs: asArray(o.decryption_proofs, 'decryption_proofs').map((q, i) =>
      asArray(q, `decryption_proofs[${i}]`).map((p, j) => decodeProof(p, `decryption_proofs[${i}][${j}]`)),
    ),
  };
}

/**
 * §4.18 verification against the trustee's verification key X:
 * A = g^response·X^challenge, B = α^response·factor^challenge, challenge = Hdecrypt(X, A, B).
 */
export function beleniosVerifyPartialDecryption(
  election: BeleniosElection,
  verificationKey: bigint,
  tally: EncryptedTally,
  pd: PartialDecryption,
): boolean {
  const prefix = decryptPrefix(election, verificationKey);
  if (pd.factors.length !== tally.length || pd.proofs.length !== tally.length) return false;
  return tally.every((q, i) => {
    const fs = pd.factors[i] ?? [];
    const ps = pd.proofs[i] ?? [];
    if (fs.length !== q.length || ps.length !== q.length) return false;
    return q.every((c, j) => {
      const f = fs[j];
      const p = ps[j];
      if (f === undefined || p === undefined || !proofInRange(p)) return false;
      const a = fsCommitment(bg.generator, verificationKey, p);
      const b = fsCommitment(c.alpha, f, p);
      return beleniosHash(prefix, [a, b]) === p.challenge;
    });
  });
}

/** A partial decryption with its owner: the trustee's 1-based position in the Pedersen item. */
export interface OwnedPartialDecryption {
  readonly owner: number;
  readonly partialDecryption: PartialDecryption;
}

/**
 * §4.19: checks every partial decryption against its owner's verification key, combines the first
 * `threshold` of them (by owner) with Lagrange coefficients, and solves each count in [0, maxCount]
 * (the total weight). Throws NOT_ENOUGH_DECRYPTIONS or TRUSTEE_INVALID naming the owner.
 */
export function beleniosCombine(
  election: BeleniosElection,
  verificationKeys: readonly bigint[],
  threshold: number,
  tally: EncryptedTally,
  partialDecryptions: readonly OwnedPartialDecryption[],
  maxCount: number,
): ResultJson {
  const seen = new Set<number>();
  for (const { owner, partialDecryption } of partialDecryptions) {
    const vk = verificationKeys[owner - 1];
    if (vk === undefined || seen.has(owner)) {
      throw new BeleniosError(
        'TRUSTEE_INVALID',
        `partial decryption of unknown or repeated trustee ${owner}`,
      );
    }
    if (!beleniosVerifyPartialDecryption(election, vk, tally, partialDecryption)) {
      throw new BeleniosError(
        'TRUSTEE_INVALID',
        `the partial decryption of trustee ${owner} does not verify`,
      );
    }
    seen.add(owner);
  }
  const used = [...partialDecryptions].sort((a, b) => a.owner - b.owner).slice(0, threshold);
  if (used.length < threshold) {
    throw new BeleniosError(
      'NOT_ENOUGH_DECRYPTIONS',
      `${used.length} of the ${threshold} partial decryptions needed`,
    );
  }
  const owners = used.map((u) => u.owner);
  const lambdas = owners.map((j) => lagrangeAtZero(owners, j, bg.order));
  const dlog = new DiscreteLogTable(bg, maxCount);
  return {
    result: tally.map((q, i) =>
      q.map((c, j) => {
        const factor = bg.multiplyMany(
          used.map((u) => u.partialDecryption.factors[i]?.[j] ?? bg.identity),
          lambdas,
        );
        return dlog.solve(bg.subtract(c.beta, factor));
      }),
    ),
  };
}

/** Parses a published partial decryption (archive payloads). */
export const parsePartialDecryption = (raw: string): PartialDecryption =>
  decodePartialDecryption(parseJson(raw, 'partial_decryption'));

/** Totals by answer of a result row, separating the blank count where blank votes are allowed. */
export function splitBlank(
  election: BeleniosElection,
  result: ResultJson,
): { blank: number | undefined; counts: number[] }[] {
  return election.questions.map((q, i) => {
    const row = [...(result.result[i] ?? [])];
    return q.blank === true ? { blank: row[0], counts: row.slice(1) } : { blank: undefined, counts: row };
  });
}
