/**
 * Export of a belenios-2048 election record to Belenios 2.0 archives (issue 4; Belenios 2.0
 * specification §4.4 public data): one `<uuid>.bel` per region that has a published tally, in
 * `<dir>/<region code>/`, where `belenios-tool election verify --dir` checks it.
 *
 * The export repackages the record and recomputes nothing: the region's Belenios election is rebuilt
 * from the manifest (a pure function of it, `belenios-election.ts`), the trustees are the key group's
 * from the manifest, the ballots are the raw Belenios ballots exactly as cast (ledger order), the
 * encrypted tally, the partial decryptions (mode "belenios": the same numbers, hex to decimal) and the
 * result are the record's. Run the verifier first: the export trusts the record it is given, and
 * belenios-tool then checks the archive independently.
 *
 * OpenDEG credentials are anonymous and made by the voter's device, so there is no list of eligible
 * credentials before voting: the archive's public credentials are those of the ballots cast, each
 * certified by the region's blind signature in the OpenDEG record (B.5).
 */

import { join } from 'node:path';
import type { Group } from '@opendeg/crypto';
import { encodeDecimal, writeBeleniosArchive } from './belenios/index.ts';
import type { EncryptedTally, PartialDecryptionJson } from './belenios/index.ts';
import { BELENIOS_VOTE_FORMAT } from './belenios-vote.ts';
import type { BeleniosBallotJson } from './belenios-vote.ts';
import { asArray, asObject, asString, decodeChallengeResponse, decodeElementHex } from './codec.ts';
import type { RegionDecryptionJson, RegionResultJson } from './decrypt.ts';
import { ElectionError } from './errors.ts';
import { openElection, parseManifest } from './manifest.ts';
import type { ElectionRecord } from './record.ts';
import { RegionTally } from './tally.ts';
import type { RegionTallyJson } from './tally.ts';

export interface BeleniosExport {
  readonly region: string;
  readonly uuid: string;
  /** The directory to give `belenios-tool election verify --dir`. */
  readonly dir: string;
  readonly archive: string;
}

export interface BeleniosExportOptions {
  /** Unix time in the archive header; the default 0 makes the export a function of the record. */
  readonly timestamp?: number;
}

function byRegion(xs: readonly unknown[], what: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  xs.forEach((x, i) => {
    const region = asString(asObject(x, `${what}[${i}]`).region, `${what}[${i}].region`);
    if (out.has(region))
      throw new ElectionError('RECORD_INVALID', `${what}: region ${region} published twice`);
    out.set(region, x);
  });
  return out;
}

/** Writes one Belenios archive per region with a tally; returns where each went. */
export async function exportBeleniosArchives(
  record: ElectionRecord,
  dir: string,
  options: BeleniosExportOptions = {},
): Promise<BeleniosExport[]> {
  const election = await openElection(parseManifest(record.manifest));
  if (election.manifest.suite !== 'belenios-2048') {
    throw new ElectionError(
      'WRONG_BALLOT_FORMAT',
      `a ${election.manifest.suite} election has no Belenios form`,
    );
  }
  const g = election.group;
  const tallies = byRegion(record.tallies, 'tallies');
  const decryptions = byRegion(record.decryptions, 'decryptions');
  const results = byRegion(record.results, 'results');
  const ballots = new Map<string, string[]>();
  record.ballots.forEach((b, i) => {
    const vote = asObject(asObject(b, `ballots[${i}]`).vote, `ballots[${i}].vote`);
    if (vote.format !== BELENIOS_VOTE_FORMAT)
      throw new ElectionError('RECORD_INVALID', `ballots[${i}] is not a Belenios ballot`);
    const { region, ballot } = (b as BeleniosBallotJson).vote;
    ballots.set(region, [...(ballots.get(region) ?? []), ballot]);
  });

  const out: BeleniosExport[] = [];
  for (const [code, r] of election.regions) {
    const tallyJson = tallies.get(code) as RegionTallyJson | undefined;
    if (tallyJson === undefined) continue;
    const belenios = r.belenios;
    const trustees = election.keyGroups.get(r.def.keyGroup)?.def.belenios?.trustees;
    if (belenios === undefined || trustees === undefined)
      throw new ElectionError('RECORD_INVALID', `region ${code} has no Belenios election`);
    const raws = ballots.get(code) ?? [];
    // §4.8: the credentials as published (sorted, like belenios-tool's), one per ballot (B.6).
    const publicCredentials = [
      ...new Set(
        raws.map((raw) => asString((JSON.parse(raw) as { credential?: unknown }).credential, 'credential')),
      ),
    ].sort();
    // belenios-2048: E is bigint, so the aggregates are Belenios's encrypted tally as they are.
    const encryptedTally = RegionTally.fromJson(g, r.style, tallyJson)
      .aggregates as unknown as EncryptedTally;
    const dec = decryptions.get(code) as RegionDecryptionJson | undefined;
    const result = results.get(code) as RegionResultJson | undefined;
    if (dec?.mode !== 'belenios')
      throw new ElectionError('RECORD_INVALID', `region ${code}: no Belenios partial decryptions`);
    const partialDecryptions = asArray(dec.shares, `decryptions.${code}.shares`, 255).map((_, i) => {
      const s = dec.shares[i];
      if (s === undefined) throw new ElectionError('RECORD_INVALID', 'missing share');
      return {
        owner: s.index,
        partialDecryption: toBelenios(g, s.values, `decryptions.${code}.shares[${i}]`),
      };
    });
    const dirOf = join(dir, code);
    const archive = await writeBeleniosArchive(dirOf, {
      election: belenios,
      trustees,
      publicCredentials,
      ballots: raws,
      tally: {
        encryptedTally,
        numTallied: tallyJson.ballots,
        totalWeight: tallyJson.ballots,
        partialDecryptions,
        ...(result === undefined ? {} : { result: { result: result.counts } }),
      },
      timestamp: options.timestamp ?? 0,
    });
    out.push({ region: code, uuid: belenios.uuid, dir: dirOf, archive });
  }
  return out;
}

/** A mode "belenios" share of the record in Belenios's encoding (§4.18): hex to decimal, nothing else. */
function toBelenios<E>(
  g: Group<E>,
  values: RegionDecryptionJson['shares'][number]['values'],
  path: string,
): PartialDecryptionJson {
  const decoded = values.map((row, q) =>
    row.map((v, c) => ({
      factor: decodeElementHex(g, v.share, `${path}.values[${q}][${c}].share`, true) as unknown as bigint,
      proof: decodeChallengeResponse(g, v.proof, `${path}.values[${q}][${c}].proof`),
    })),
  );
  return {
    decryption_factors: decoded.map((row) => row.map((v) => encodeDecimal(v.factor))),
    decryption_proofs: decoded.map((row) =>
      row.map((v) => ({
        challenge: encodeDecimal(v.proof.challenge),
        response: encodeDecimal(v.proof.response),
      })),
    ),
  };
}
