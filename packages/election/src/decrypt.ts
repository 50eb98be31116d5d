/**
 * Decryption of a key group's tallies (P-7.6–7.8) and the published result.
 *
 * Threshold mode (default): any K trustees send decryption shares with proofs; each share is checked,
 * the first K valid ones are combined, and small discrete logs give the counts. The key never exists.
 * Assemble mode (P-7.6 read literally): K parts rebuild the key in memory, it is checked against the
 * public key, and each decryption is still published with a proof (DLEQ against the public key), so
 * observers verify both modes alike.
 */

import {
  assembleKey,
  CryptoError,
  DiscreteLogTable,
  lagrangeAtZero,
  partialDecrypt,
  verificationKey,
  verifyPartialDecryption,
} from '@opendeg/crypto';
import type { Ciphertext, DecryptionShare, Group, SecretShare } from '@opendeg/crypto';
import { encodeChallengeResponse, encodeElementHex } from './codec.ts';
import type { ChallengeResponseJson, Hex } from './codec.ts';
import { ElectionError } from './errors.ts';
import type { Election, KeyGroupContext } from './manifest.ts';
import type { RegionTally } from './tally.ts';
import type { DecryptingTrustee } from './trustee.ts';

export interface DecryptionValueJson {
  /** dᵢ = xᵢ·α (threshold) or x·α (assembled). */
  readonly share: Hex;
  readonly proof: ChallengeResponseJson;
}

export interface RegionDecryptionJson {
  readonly region: string;
  readonly keyGroup: string;
  /** Threshold: shares by part index. Assembled: a single entry with index 0 (the whole key). */
  readonly mode: 'threshold' | 'assembled';
  readonly shares: readonly {
    readonly index: number;
    /** values[question][choice] */
    readonly values: readonly (readonly DecryptionValueJson[])[];
  }[];
}

export interface RegionResultJson {
  readonly region: string;
  readonly ballots: number;
  /** counts[question][choice], blank first where allowed. */
  readonly counts: readonly (readonly number[])[];
}

export type Progress = (done: number, total: number, label: string) => void;

function flatten<E>(t: RegionTally<E>): Ciphertext<E>[] {
  return t.aggregates.flat();
}

function reshape<T>(flat: readonly T[], like: readonly (readonly unknown[])[]): T[][] {
  let i = 0;
  return like.map((row) => row.map(() => flat[i++] as T));
}

/**
 * Threshold decryption of every region of one key group by the given trustees (K or more).
 * Returns the published decryptions and results, and the part indices of trustees whose shares
 * failed their proofs: they are set aside and the next trustees asked, so one faulty holder cannot
 * stop a decryption that K honest holders can finish. When fewer than K valid trustees remain it
 * fails: SHARE_INVALID naming the first faulty holder's index if there was one, else NOT_ENOUGH_SHARES.
 */
export async function decryptKeyGroup<E>(
  election: Election<E>,
  keyGroupId: string,
  tallies: readonly RegionTally<E>[],
  trustees: readonly DecryptingTrustee<E>[],
  progress?: Progress,
): Promise<{ decryptions: RegionDecryptionJson[]; results: RegionResultJson[]; rejected: number[] }> {
  const g = election.group;
  const kg = keyGroupOf(election, keyGroupId);
  const { k } = kg.key.params;
  if (trustees.length < k) {
    throw new CryptoError('NOT_ENOUGH_SHARES', `${trustees.length} of the ${k} key-part holders needed`);
  }
  const decryptions: RegionDecryptionJson[] = [];
  const results: RegionResultJson[] = [];
  const rejected: number[] = [];
  const total = tallies.length;
  for (const [n, t] of tallies.entries()) {
    progress?.(n, total, t.region);
    const cts = flatten(t);
    const valid: { index: number; shares: readonly DecryptionShare<E>[] }[] = [];
    for (const trustee of trustees) {
      if (valid.length === k) break;
      // A part counted twice would break the Lagrange combination; a rejected one is not asked again.
      if (rejected.includes(trustee.index) || valid.some((v) => v.index === trustee.index)) continue;
      const shares = await trustee.decrypt(election.hash, cts);
      const vk = verificationKey(g, kg.key, trustee.index);
      const ok =
        shares.length === cts.length &&
        shares.every(
          (s, i) =>
            s.index === trustee.index &&
            verifyPartialDecryption(g, election.hash, vk, cts[i] as Ciphertext<E>, s),
        );
      if (ok) valid.push({ index: trustee.index, shares });
      else rejected.push(trustee.index);
    }
    const firstBad = rejected[0];
    if (valid.length < k && firstBad !== undefined) {
      throw new CryptoError(
        'SHARE_INVALID',
        `key-part holder ${rejected.join(', ')} sent an invalid share; ${valid.length} of the ${k} valid shares needed`,
        { index: firstBad },
      );
    }
    if (valid.length < k) {
      throw new CryptoError('NOT_ENOUGH_SHARES', `${valid.length} of the ${k} distinct key parts needed`);
    }
    const indices = valid.map((v) => v.index);
    const lambdas = indices.map((i) => lagrangeAtZero(indices, i, g.order));
    const plain = cts.map((c, i) =>
      g.subtract(
        c.beta,
        g.multiplyMany(
          valid.map((v) => (v.shares[i] as DecryptionShare<E>).share),
          lambdas,
        ),
      ),
    );
    results.push({
      region: t.region,
      ballots: t.ballots,
      counts: reshape(solveAll(g, plain, t.ballots), t.aggregates),
    });
    decryptions.push({
      region: t.region,
      keyGroup: keyGroupId,
      mode: 'threshold',
      shares: valid.map((v) => ({
        index: v.index,
        values: reshape(
          v.shares.map((s) => ({
            share: encodeElementHex(g, s.share),
            proof: encodeChallengeResponse(g, s.proof),
          })),
          t.aggregates,
        ),
      })),
    });
  }
  progress?.(total, total, 'done');
  return { decryptions, results, rejected };
}

/** P-7.6 literal mode: rebuild the key from K parts, check it, decrypt with proofs. */
export function decryptKeyGroupAssembled<E>(
  election: Election<E>,
  keyGroupId: string,
  tallies: readonly RegionTally<E>[],
  parts: readonly SecretShare[],
): { decryptions: RegionDecryptionJson[]; results: RegionResultJson[] } {
  const g = election.group;
  const kg = keyGroupOf(election, keyGroupId);
  const x = assembleKey(g, kg.key, parts);
  const whole: SecretShare = { index: 0, secret: x };
  const decryptions: RegionDecryptionJson[] = [];
  const results: RegionResultJson[] = [];
  for (const t of tallies) {
    const cts = flatten(t);
    const shares = cts.map((c) => partialDecrypt(g, election.hash, whole, c));
    const plain = cts.map((c, i) => g.subtract(c.beta, (shares[i] as DecryptionShare<E>).share));
    results.push({
      region: t.region,
      ballots: t.ballots,
      counts: reshape(solveAll(g, plain, t.ballots), t.aggregates),
    });
    decryptions.push({
      region: t.region,
      keyGroup: keyGroupId,
      mode: 'assembled',
      shares: [
        {
          index: 0,
          values: reshape(
            shares.map((s) => ({
              share: encodeElementHex(g, s.share),
              proof: encodeChallengeResponse(g, s.proof),
            })),
            t.aggregates,
          ),
        },
      ],
    });
  }
  return { decryptions, results };
}

/** Counts from m·g; each count is at most the number of ballots. */
function solveAll<E>(g: Group<E>, plain: readonly E[], ballots: number): number[] {
  const table = new DiscreteLogTable(g, ballots);
  return plain.map((m) => table.solve(m));
}

export function keyGroupOf<E>(election: Election<E>, id: string): KeyGroupContext<E> {
  const kg = election.keyGroups.get(id);
  if (kg === undefined) throw new ElectionError('UNKNOWN_KEY_GROUP', `no key group "${id}"`);
  return kg;
}
