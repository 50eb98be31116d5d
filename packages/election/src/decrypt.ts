/**
 * Decryption of a key group's tallies (P-7.6–7.8) and the published result.
 *
 * Threshold mode (default): any K trustees send decryption shares with proofs; each share is checked,
 * the first K valid ones are combined, and small discrete logs give the counts. The key never exists.
 * Assemble mode (P-7.6 read literally): K parts rebuild the key in memory, it is checked against the
 * public key, and each decryption is still published with a proof (DLEQ against the public key), so
 * observers verify both modes alike.
 *
 * belenios-2048 (issue 4): each trustee sends its Belenios partial decryption of the region's tally
 * (Belenios 2.0 §4.18: decryption factors α^S_j with Belenios's proofs, bound to the region's Belenios
 * election), checked against the same verification key; combination and counts are as in threshold
 * mode. They are published in the same shape (mode "belenios": `share` is the decryption factor,
 * `proof` Belenios's (challenge, response), in OpenDEG's hex), the same numbers the region's Belenios
 * archive carries in decimal. Assemble mode has no Belenios form: a Belenios archive needs trustees'
 * partial decryptions.
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
import { BeleniosError, beleniosVerifyPartialDecryption, decodePartialDecryption } from './belenios/index.ts';
import type { BeleniosElection, EncryptedTally } from './belenios/index.ts';
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
  /**
   * Threshold: shares by part index. Assembled: a single entry with index 0 (the whole key).
   * Belenios: Belenios partial decryptions by part index (= the trustee's Belenios owner number).
   */
  readonly mode: 'threshold' | 'assembled' | 'belenios';
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
    const belenios = election.regions.get(t.region)?.belenios;
    const valid: { index: number; shares: readonly DecryptionShare<E>[] }[] = [];
    for (const trustee of trustees) {
      if (valid.length === k) break;
      // A part counted twice would break the Lagrange combination; a rejected one is not asked again.
      if (rejected.includes(trustee.index) || valid.some((v) => v.index === trustee.index)) continue;
      const vk = verificationKey(g, kg.key, trustee.index);
      let shares: readonly DecryptionShare<E>[] | undefined;
      if (belenios !== undefined) {
        shares = await beleniosShares(belenios, vk, t, trustee);
      } else {
        const s = await trustee.decrypt(election.hash, cts);
        const ok =
          s.length === cts.length &&
          s.every(
            (x, i) =>
              x.index === trustee.index &&
              verifyPartialDecryption(g, election.hash, vk, cts[i] as Ciphertext<E>, x),
          );
        shares = ok ? s : undefined;
      }
      if (shares !== undefined) valid.push({ index: trustee.index, shares });
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
      mode: belenios === undefined ? 'threshold' : 'belenios',
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

/**
 * A trustee's Belenios partial decryption of a region's tally as decryption shares (factor and
 * Belenios proof), or undefined when it is missing, malformed or does not verify against `vk`.
 */
async function beleniosShares<E>(
  belenios: BeleniosElection,
  vk: E,
  t: RegionTally<E>,
  trustee: DecryptingTrustee<E>,
): Promise<DecryptionShare<E>[] | undefined> {
  if (trustee.decryptBelenios === undefined) return undefined;
  // belenios-2048: E is bigint.
  const tally = t.aggregates as unknown as EncryptedTally;
  try {
    const pd = decodePartialDecryption(await trustee.decryptBelenios(belenios, tally));
    if (!beleniosVerifyPartialDecryption(belenios, vk as unknown as bigint, tally, pd)) return undefined;
    return pd.factors.flatMap((row, i) =>
      row.map((f, j) => ({
        index: trustee.index,
        share: f as unknown as E,
        proof: pd.proofs[i]?.[j] ?? { challenge: 0n, response: 0n },
      })),
    );
  } catch (e) {
    if (e instanceof BeleniosError) return undefined;
    throw e;
  }
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
  for (const t of tallies) {
    if (election.regions.get(t.region)?.belenios !== undefined)
      throw new ElectionError(
        'WRONG_BALLOT_FORMAT',
        `region ${t.region}: a Belenios tally is decrypted by trustees`,
      );
  }
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
