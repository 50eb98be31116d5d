/**
 * The verifier: checks an election record from public data alone. Each check has an ID and every
 * failure is collected (the report lists all of them), in the spirit of ElectionGuard's verifier.
 *
 *   V.1  manifest        the manifest parses and its parts refer to each other correctly
 *   V.2  keys            every key group's commitments and proofs are valid; Y is their sum
 *   V.3  ballots         every cast ballot passes the ballot box's checks B.1–B.10
 *   V.4  credentials     no credential voted twice
 *   V.5  challenged      every challenged vote opens to what it shows, and none was cast
 *   V.6  tallies         each region's aggregates are the product of its ballots
 *   V.7  decryptions     each decryption share's proof holds, from ≥ K distinct parts
 *   V.8  results         the published counts are the decryption of the aggregates
 *   V.9  completeness    every region with ballots has a tally, a decryption and a result
 *
 * belenios-2048 (issue 4): V.2 also checks each key group's Belenios trustees and that they are the
 * same key; V.3 checks Belenios ballots (`belenios-vote.ts`); V.7 checks Belenios partial decryptions
 * (Belenios 2.0 §4.18) against the parts' verification keys; V.8 combines them as threshold mode does.
 */

import {
  lagrangeAtZero,
  verificationKey,
  verifyPartialDecryption,
  verifyThresholdPublicKey,
} from '@opendeg/crypto';
import type { Backend, Ciphertext, ThresholdPublicKey } from '@opendeg/crypto';
import { checkBeleniosKeyGroup } from './belenios-election.ts';
import { beleniosVerifyPartialDecryption } from './belenios/index.ts';
import type { BeleniosElection } from './belenios/index.ts';
import {
  asArray,
  asInteger,
  asObject,
  asString,
  decodeChallengeResponse,
  decodeElementHex,
} from './codec.ts';
import type { RegionResultJson } from './decrypt.ts';
import { ElectionError } from './errors.ts';
import type { CheckFailure } from './errors.ts';
import { keyCeremonyContext, openElection, parseManifest } from './manifest.ts';
import type { Election } from './manifest.ts';
import type { ElectionRecord } from './record.ts';
import { RegionTally } from './tally.ts';
import type { RegionTallyJson } from './tally.ts';
import { validateBallot, verifyChallengedVote } from './validate.ts';

export const RECORD_CHECKS = {
  'V.1': 'manifest',
  'V.2': 'keys',
  'V.3': 'ballots',
  'V.4': 'credentials',
  'V.5': 'challenged',
  'V.6': 'tallies',
  'V.7': 'decryptions',
  'V.8': 'results',
  'V.9': 'completeness',
} as const;

export type RecordCheckId = keyof typeof RECORD_CHECKS;

export interface CheckReport {
  readonly id: RecordCheckId;
  readonly title: string;
  readonly ok: boolean;
  readonly failures: readonly CheckFailure[];
}

export interface VerificationReport {
  readonly ok: boolean;
  readonly electionId?: string;
  readonly ballots: number;
  readonly checks: readonly CheckReport[];
  /** Results per region as verified (only when V.2, V.6 and V.8 passed for that region). */
  readonly verifiedResults: readonly RegionResultJson[];
}

export interface VerifyOptions {
  readonly backend?: Backend;
  readonly progress?: (done: number, total: number, label: string) => void;
}

export async function verifyRecord(
  record: ElectionRecord,
  options: VerifyOptions = {},
): Promise<VerificationReport> {
  const failures = new Map<RecordCheckId, CheckFailure[]>(
    (Object.keys(RECORD_CHECKS) as RecordCheckId[]).map((id) => [id, []]),
  );
  const fail = (id: RecordCheckId, f: Omit<CheckFailure, 'check'> & { check?: string }): void => {
    failures.get(id)?.push({
      check: f.check ?? id,
      message: f.message,
      ...(f.where === undefined ? {} : { where: f.where }),
    });
  };
  const report = (
    electionId: string | undefined,
    verifiedResults: RegionResultJson[],
  ): VerificationReport => {
    const checks = (Object.keys(RECORD_CHECKS) as RecordCheckId[]).map((id) => {
      const f = failures.get(id) ?? [];
      return { id, title: RECORD_CHECKS[id], ok: f.length === 0, failures: f };
    });
    return {
      ok: checks.every((c) => c.ok),
      ...(electionId === undefined ? {} : { electionId }),
      ballots: record.ballots.length,
      checks,
      verifiedResults,
    };
  };

  // V.1 manifest
  let election: Election<unknown>;
  try {
    election = await openElection(
      parseManifest(record.manifest),
      options.backend === undefined ? {} : { backend: options.backend },
    );
  } catch (e) {
    fail('V.1', { message: errorText(e) });
    return report(undefined, []);
  }
  const g = election.group;
  const { manifest } = election;

  // A region whose key group or tally failed has no verified result, even if its decryption holds.
  const untrusted = new Set<string>();

  // V.2 keys
  for (const [id, kg] of election.keyGroups) {
    const r = verifyThresholdPublicKey(
      g,
      keyCeremonyContext(manifest.electionId, manifest.suite, id),
      kg.key,
    );
    const problems = r.ok ? [] : [`${r.code}: ${r.message}`];
    if (kg.def.belenios !== undefined) problems.push(...checkBeleniosKeyGroup(g, kg.key, kg.def.belenios));
    for (const message of problems) fail('V.2', { message, where: `key group ${id}` });
    if (problems.length > 0) {
      for (const [code, region] of election.regions) if (region.def.keyGroup === id) untrusted.add(code);
    }
  }

  // V.5 (first half): challenged votes, whose trackers must not be cast
  const challengedTrackers = new Set<string>();
  record.challenged.forEach((c, i) => {
    const r = verifyChallengedVote(election, c);
    if (r.ok) challengedTrackers.add(r.tracker.hash);
    else
      for (const f of r.failures)
        fail('V.5', { check: f.check, message: f.message, where: `challenged #${i}` });
  });

  // V.3 ballots, V.4 credentials, and the recomputed tallies for V.6
  const tallies = new Map<string, RegionTally<unknown>>();
  for (const [code, r] of election.regions) tallies.set(code, new RegionTally(g, code, r.style));
  const credentialsSeen = new Map<string, number>();
  const total = record.ballots.length;
  for (const [i, b] of record.ballots.entries()) {
    if (i % 64 === 0) options.progress?.(i, total, 'ballots');
    const credential = credentialOf(b);
    const firstUse = credential === undefined ? undefined : credentialsSeen.get(credential);
    if (credential !== undefined && firstUse !== undefined) {
      fail('V.4', { message: `credential already used by ballot #${firstUse}`, where: `ballot #${i}` });
    } else if (credential !== undefined) {
      credentialsSeen.set(credential, i);
    }
    const r = await validateBallot(election, b, { isChallenged: (t) => challengedTrackers.has(t) });
    if (!r.ok) {
      for (const f of r.failures) fail('V.3', { check: f.check, message: f.message, where: `ballot #${i}` });
      if (r.tracker !== undefined && challengedTrackers.has(r.tracker.hash)) {
        fail('V.5', { message: 'a challenged vote was cast', where: `ballot #${i}` });
      }
      continue;
    }
    if (firstUse !== undefined) continue; // a repeated credential is never counted twice
    tallies.get(r.ballot.region.def.code)?.add(r.ballot.answers);
  }
  options.progress?.(total, total, 'ballots');

  // V.6 tallies
  const published = new Map<string, RegionTallyJson>();
  record.tallies.forEach((t, i) => {
    try {
      const o = asObject(t, `tallies[${i}]`);
      const region = asString(o.region, `tallies[${i}].region`);
      const r = election.regions.get(region);
      if (r === undefined) throw new ElectionError('UNKNOWN_REGION', `no region "${region}"`);
      RegionTally.fromJson(g, r.style, t as RegionTallyJson); // shape and encoding
      if (published.has(region)) throw new ElectionError('MALFORMED', 'region published twice');
      published.set(region, t as RegionTallyJson);
    } catch (e) {
      fail('V.6', { message: errorText(e), where: `tallies[${i}]` });
    }
  });
  for (const [code, mine] of tallies) {
    const theirs = published.get(code);
    if (theirs === undefined) {
      if (mine.ballots > 0) fail('V.9', { message: 'no published tally', where: `region ${code}` });
      continue;
    }
    const m = mine.toJson();
    if (theirs.ballots !== m.ballots) {
      untrusted.add(code);
      fail('V.6', {
        message: `published ${theirs.ballots} ballots, the record has ${m.ballots}`,
        where: `region ${code}`,
      });
    }
    if (JSON.stringify(theirs.aggregates) !== JSON.stringify(m.aggregates)) {
      untrusted.add(code);
      fail('V.6', {
        message: 'published aggregates differ from the product of the ballots',
        where: `region ${code}`,
      });
    }
  }

  // V.7 decryptions and V.8 results
  const results = new Map<string, RegionResultJson>();
  record.results.forEach((x, i) => {
    try {
      const o = asObject(x, `results[${i}]`);
      const region = asString(o.region, `results[${i}].region`);
      asInteger(o.ballots, `results[${i}].ballots`, 0, Number.MAX_SAFE_INTEGER);
      asArray(o.counts, `results[${i}].counts`, 64).forEach((row, q) => {
        asArray(row, `results[${i}].counts[${q}]`, 1025).forEach((n, c) =>
          asInteger(n, `results[${i}].counts[${q}][${c}]`, 0, Number.MAX_SAFE_INTEGER),
        );
      });
      // A second result for a region would otherwise replace the first unchecked.
      if (results.has(region)) throw new ElectionError('MALFORMED', `region ${region} published twice`);
      results.set(region, x as RegionResultJson);
    } catch (e) {
      fail('V.8', { message: errorText(e), where: `results[${i}]` });
    }
  });
  // A result with no published tally is the decryption of nothing: it must not pass unnoticed
  // (a region whose ballots lack a tally is already reported by V.9).
  for (const code of results.keys()) {
    if (!published.has(code) && (tallies.get(code)?.ballots ?? 0) === 0)
      fail('V.8', { message: 'a result with no published tally', where: `region ${code}` });
  }
  const verifiedResults: RegionResultJson[] = [];
  const decryptionsByRegion = new Map<string, unknown>();
  record.decryptions.forEach((d, i) => {
    try {
      const o = asObject(d, `decryptions[${i}]`);
      const region = asString(o.region, `decryptions[${i}].region`);
      if (decryptionsByRegion.has(region))
        throw new ElectionError('MALFORMED', `region ${region} published twice`);
      decryptionsByRegion.set(region, d);
    } catch (e) {
      fail('V.7', { message: errorText(e), where: `decryptions[${i}]` });
    }
  });
  for (const [code, tallyJson] of published) {
    const where = `region ${code}`;
    const dec = decryptionsByRegion.get(code);
    const result = results.get(code);
    if (dec === undefined || result === undefined) {
      fail('V.9', { message: dec === undefined ? 'no published decryption' : 'no published result', where });
      continue;
    }
    const r = election.regions.get(code);
    const kg = r === undefined ? undefined : election.keyGroups.get(r.def.keyGroup);
    if (r === undefined || kg === undefined) continue;
    const tally = RegionTally.fromJson(g, r.style, tallyJson);
    const cts = tally.aggregates.flat();
    const combined = verifyDecryption(election, kg.key, r.belenios, cts, dec, (m) => {
      fail('V.7', { message: m, where });
    });
    if (combined === undefined) continue;
    const counts = result.counts.flat();
    let good = result.ballots === tally.ballots && counts.length === cts.length;
    if (!good) fail('V.8', { message: 'the result does not have the tally’s shape or ballot count', where });
    combined.forEach((m, i) => {
      const n = counts[i];
      if (good && (n === undefined || n > tally.ballots || !g.equals(m, g.multiplyBase(BigInt(n))))) {
        good = false;
        fail('V.8', { message: `count ${i} is not the decryption of its aggregate`, where });
      }
    });
    if (good && !untrusted.has(code)) verifiedResults.push(result);
  }
  return report(manifest.electionId, verifiedResults);
}

/** Checks a region's decryption; returns the plaintexts m·g, or undefined after reporting failures. */
function verifyDecryption<E>(
  election: Election<E>,
  key: ThresholdPublicKey<E>,
  belenios: BeleniosElection | undefined,
  cts: readonly Ciphertext<E>[],
  dec: unknown,
  report: (message: string) => void,
): E[] | undefined {
  const g = election.group;
  try {
    const d = asObject(dec, 'decryption');
    const mode = d.mode;
    const shares = asArray(d.shares, 'shares', 255).map((s, i) => {
      const o = asObject(s, `shares[${i}]`);
      const index = asInteger(o.index, `shares[${i}].index`, 0, 255);
      const values = asArray(o.values, `shares[${i}].values`, 64)
        .flatMap((row, q) => asArray(row, `shares[${i}].values[${q}]`, 1025))
        .map((v, k) => {
          const vo = asObject(v, `shares[${i}].values[${k}]`);
          return {
            index,
            share: decodeElementHex(g, vo.share, `shares[${i}].values[${k}].share`, true),
            proof: decodeChallengeResponse(g, vo.proof, `shares[${i}].values[${k}].proof`),
          };
        });
      if (values.length !== cts.length)
        throw new ElectionError(
          'MALFORMED',
          `part ${index}: ${values.length} values for ${cts.length} aggregates`,
        );
      return { index, values };
    });
    let ok = true;
    // A Belenios region's archive needs Belenios partial decryptions; a native region has none.
    if ((mode === 'belenios') !== (belenios !== undefined))
      throw new ElectionError(
        'MALFORMED',
        belenios === undefined
          ? 'mode "belenios" in a native region'
          : 'a Belenios region needs mode "belenios"',
      );
    if (mode === 'assembled') {
      const s = shares[0];
      if (shares.length !== 1 || s?.index !== 0)
        throw new ElectionError('MALFORMED', 'an assembled decryption has one entry, index 0');
      for (const [i, v] of s.values.entries()) {
        if (!verifyPartialDecryption(g, election.hash, key.publicKey, cts[i] as Ciphertext<E>, v)) {
          ok = false;
          report(`assembled decryption ${i}: proof fails`);
        }
      }
      return ok ? cts.map((c, i) => g.subtract(c.beta, (s.values[i] as { share: E }).share)) : undefined;
    }
    if (mode !== 'threshold' && mode !== 'belenios')
      throw new ElectionError('MALFORMED', 'mode is "threshold", "assembled" or "belenios"');
    const indices = shares.map((s) => s.index);
    if (new Set(indices).size !== indices.length)
      throw new ElectionError('MALFORMED', 'a part index appears twice');
    if (indices.length < key.params.k)
      throw new ElectionError('MALFORMED', `${indices.length} of the ${key.params.k} parts needed`);
    for (const s of shares) {
      if (s.index < 1 || s.index > key.params.n)
        throw new ElectionError('MALFORMED', `part index ${s.index} outside 1..${key.params.n}`);
      const vk = verificationKey(g, key, s.index);
      for (const [i, v] of s.values.entries()) {
        const c = cts[i] as Ciphertext<E>;
        const valid =
          belenios === undefined
            ? verifyPartialDecryption(g, election.hash, vk, c, v)
            : // E is bigint in a Belenios region; one ciphertext at a time names the failing one.
              beleniosVerifyPartialDecryption(
                belenios,
                vk as unknown as bigint,
                [[c as unknown as Ciphertext<bigint>]],
                { factors: [[v.share as unknown as bigint]], proofs: [[v.proof]] },
              );
        if (!valid) {
          ok = false;
          report(`part ${s.index}, aggregate ${i}: decryption proof fails`);
        }
      }
    }
    if (!ok) return undefined;
    const lambdas = indices.map((i) => lagrangeAtZero(indices, i, g.order));
    return cts.map((c, i) =>
      g.subtract(
        c.beta,
        g.multiplyMany(
          shares.map((s) => (s.values[i] as { share: E }).share),
          lambdas,
        ),
      ),
    );
  } catch (e) {
    report(errorText(e));
    return undefined;
  }
}

function credentialOf(b: unknown): string | undefined {
  if (typeof b !== 'object' || b === null) return undefined;
  const c = (b as { credential?: unknown }).credential;
  if (typeof c !== 'object' || c === null) return undefined;
  const pk = (c as { publicKey?: unknown }).publicKey;
  return typeof pk === 'string' ? pk : undefined;
}

function errorText(e: unknown): string {
  if (e instanceof Error && 'code' in e) return e.message;
  throw e;
}
