/**
 * The election record: everything an observer needs to check the election, and nothing personal.
 *
 *   manifest.json       the election manifest (keys, regions, ballots, issuer keys)
 *   ballots.jsonl       every cast ballot accepted by the ballot box, in ledger order, one per line
 *   challenged.jsonl    every challenged (revealed, never counted) vote, one per line
 *   tallies.json        the published aggregate ciphertexts per region
 *   decryptions.json    decryption shares (or assembled decryptions) with proofs per region
 *   results.json        the counts per region, question and choice
 *
 * As a directory of canonical JSON files, or as a single-file archive (POSIX ustar of the same files,
 * so `tar tf` lists it). Reading either gives the same `ElectionRecord`.
 */

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson } from '@opendeg/crypto';
import type { BallotJson, ChallengedVoteJson } from './ballot.ts';
import type { AnyBallotJson, AnyChallengedVoteJson } from './belenios-vote.ts';
import type { RegionDecryptionJson, RegionResultJson } from './decrypt.ts';
import { ElectionError } from './errors.ts';
import type { ElectionManifest } from './manifest.ts';
import type { RegionTallyJson } from './tally.ts';
import { readTar, writeTar } from './tar.ts';

export interface ElectionRecord {
  readonly manifest: unknown;
  readonly ballots: readonly unknown[];
  readonly challenged: readonly unknown[];
  readonly tallies: readonly unknown[];
  readonly decryptions: readonly unknown[];
  readonly results: readonly unknown[];
}

/**
 * The record as the producing side has it (typed); readers get `ElectionRecord` (unknown until
 * verified). A belenios-2048 election's ballots are `BeleniosBallotJson` (`ElectionRecordOut<
 * BeleniosBallotJson, ChallengedBeleniosVoteJson>`).
 */
export interface ElectionRecordOut<
  B extends AnyBallotJson = BallotJson,
  C extends AnyChallengedVoteJson = ChallengedVoteJson,
> {
  readonly manifest: ElectionManifest;
  readonly ballots: readonly B[];
  readonly challenged: readonly C[];
  readonly tallies: readonly RegionTallyJson[];
  readonly decryptions: readonly RegionDecryptionJson[];
  readonly results: readonly RegionResultJson[];
}

export const RECORD_FILES = [
  'manifest.json',
  'ballots.jsonl',
  'challenged.jsonl',
  'tallies.json',
  'decryptions.json',
  'results.json',
] as const;

function recordFiles(r: ElectionRecord): Map<string, string> {
  const lines = (xs: readonly unknown[]): string => xs.map((x) => canonicalJson(x) + '\n').join('');
  return new Map([
    ['manifest.json', canonicalJson(r.manifest) + '\n'],
    ['ballots.jsonl', lines(r.ballots)],
    ['challenged.jsonl', lines(r.challenged)],
    ['tallies.json', canonicalJson(r.tallies) + '\n'],
    ['decryptions.json', canonicalJson(r.decryptions) + '\n'],
    ['results.json', canonicalJson(r.results) + '\n'],
  ]);
}

function parseRecordFiles(files: ReadonlyMap<string, string>): ElectionRecord {
  const get = (name: string): string => {
    const text = files.get(name);
    if (text === undefined) throw new ElectionError('RECORD_INVALID', `the record has no ${name}`);
    return text;
  };
  const json = (name: string): unknown => {
    try {
      return JSON.parse(get(name)) as unknown;
    } catch (cause) {
      throw new ElectionError('RECORD_INVALID', `${name} is not JSON`, { cause });
    }
  };
  const jsonl = (name: string): unknown[] =>
    get(name)
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l, i) => {
        try {
          return JSON.parse(l) as unknown;
        } catch (cause) {
          throw new ElectionError('RECORD_INVALID', `${name} line ${i + 1} is not JSON`, { cause });
        }
      });
  const arr = (name: string): unknown[] => {
    const v = json(name);
    if (!Array.isArray(v)) throw new ElectionError('RECORD_INVALID', `${name} is not a JSON array`);
    return v as unknown[];
  };
  return {
    manifest: json('manifest.json'),
    ballots: jsonl('ballots.jsonl'),
    challenged: jsonl('challenged.jsonl'),
    tallies: arr('tallies.json'),
    decryptions: arr('decryptions.json'),
    results: arr('results.json'),
  };
}

export async function writeRecordDirectory(dir: string, r: ElectionRecord): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of recordFiles(r)) await writeFile(path.join(dir, name), text);
}

/** The record as a single-file archive (POSIX ustar of RECORD_FILES), as `readRecord` reads it. */
export function recordArchiveBytes(r: ElectionRecord): Uint8Array {
  const enc = new TextEncoder();
  return writeTar([...recordFiles(r)].map(([name, text]) => ({ name, data: enc.encode(text) })));
}

export async function writeRecordArchive(file: string, r: ElectionRecord): Promise<void> {
  await writeFile(file, recordArchiveBytes(r));
}

/** Reads a record from a directory or a single-file archive. */
export async function readRecord(location: string): Promise<ElectionRecord> {
  const files = new Map<string, string>();
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readFile(location);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EISDIR') {
      throw new ElectionError('RECORD_INVALID', `cannot read ${location}: ${(e as Error).message}`);
    }
  }
  const dec = new TextDecoder('utf-8', { fatal: true });
  if (bytes === undefined) {
    for (const name of RECORD_FILES) {
      try {
        files.set(name, await readFile(path.join(location, name), 'utf8'));
      } catch {
        // a missing file is reported by parseRecordFiles with its name
      }
    }
  } else {
    for (const f of readTar(bytes)) files.set(f.name, dec.decode(f.data));
  }
  return parseRecordFiles(files);
}
