/**
 * Issue 4, end to end: an OpenDEG election on the belenios-2048 suite runs with Belenios 2.0
 * conventions throughout (Belenios 2.0 specification §3 processes, §4 messages) and its record is
 * exported, region by region, as Belenios archives that `belenios-tool election verify` accepts with
 * our result.
 *
 * Two regions in two key groups, each key group a 2-of-3 Pedersen ceremony; one question with three
 * candidates and a blank vote; 52 ballots in Moscow (77), 6 in Kaliningrad (39), two Benaloh
 * challenges; decryption by parts 1 and 3. Then tampering: a re-signed ballot whose 0/1 proof no
 * longer holds (B.8, and belenios-tool fails), a ballot whose bytes changed after signing (B.7), and a
 * challenged ballot cast (B.10, V.5).
 *
 * belenios-tool must be installed (CI installs it): these tests fail, never skip, without it.
 */

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Selection } from '../src/ballot.ts';
import { beleniosSignBallot, bg, parseBeleniosBallot, readBeleniosArchive } from '../src/belenios/index.ts';
import { exportBeleniosArchives } from '../src/belenios-export.ts';
import {
  BELENIOS_VOTE_FORMAT,
  castBeleniosBallot,
  challengeBeleniosVote,
  encryptBeleniosVote,
} from '../src/belenios-vote.ts';
import type { BeleniosBallotJson, ChallengedBeleniosVoteJson } from '../src/belenios-vote.ts';
import { encryptVote } from '../src/ballot.ts';
import type { Credential } from '../src/credential.ts';
import { manifestHash, MANIFEST_FORMAT, parseManifest } from '../src/manifest.ts';
import type { ElectionRecordOut } from '../src/record.ts';
import { closeElection, setUpElection, voteBelenios } from '../src/testing/simulate.ts';
import type { SimulatedElection } from '../src/testing/simulate.ts';
import { verifyRecord } from '../src/verify.ts';
import { DEG_BALLOT, failedChecks, issueCredential, REGIONS } from './fixtures.ts';

const TOOL = process.env.BELENIOS_TOOL ?? 'belenios-tool';

function belenios(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      TOOL,
      args,
      { maxBuffer: 64 << 20, env: { ...process.env, BELENIOS_USE_URANDOM: '1' } },
      (error, stdout, stderr) => {
        if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
          reject(
            new Error(`${TOOL} is not installed or not on PATH (CI installs the belenios-tool package)`),
          );
          return;
        }
        resolve({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1,
          stdout,
          stderr,
        });
      },
    );
  });
}

type Rec = ElectionRecordOut<BeleniosBallotJson, ChallengedBeleniosVoteJson>;

/** Every pattern of the DEG ballot (one mark of three, or blank), in turn. */
const PATTERNS: Selection[] = [['a'], ['b'], ['c'], 'blank', ['a'], ['b']];
const PLAN: [region: string, selection: Selection][] = [
  ...Array.from({ length: 52 }, (_, i): [string, Selection] => ['77', PATTERNS[i % PATTERNS.length]!]),
  ...Array.from({ length: 6 }, (_, i): [string, Selection] => ['39', PATTERNS[(i + 2) % PATTERNS.length]!]),
];

let work = '';
let sim: SimulatedElection;
let record: Rec;
/** The test's own voter in 77 (last ballot of 77): it keeps the credential to forge with. */
let mine: { credential: Credential; ballotIndex: number; challenged: ChallengedBeleniosVoteJson };
/** Counts in the clear, per region: [blank, a, b, c]. */
const expected = new Map<string, number[]>();

const clone = (r: Rec): Rec => structuredClone(r);

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'opendeg-belenios-pipeline-'));
  sim = await setUpElection({
    electionId: 'belenios-pipeline',
    suite: 'belenios-2048',
    regions: REGIONS,
    ballotStyle: DEG_BALLOT,
    threshold: { n: 3, k: 2 },
  });
  const ballots: BeleniosBallotJson[] = [];
  const challenged: ChallengedBeleniosVoteJson[] = [];
  for (const [i, [region, s]] of PLAN.entries()) {
    const out = await voteBelenios(sim, region, [s], i === 3 ? { challengeFirst: [['c']] } : {});
    ballots.push(out.ballot);
    if (out.challenged !== undefined) challenged.push(out.challenged);
    const counts = expected.get(region) ?? [0, 0, 0, 0];
    counts[s === 'blank' ? 0 : ['a', 'b', 'c'].indexOf(s[0]!) + 1]!++;
    expected.set(region, counts);
  }
  // The test's voter: challenges a vote for "a", then casts "b" with the same credential.
  const credential = await issueCredential(sim, '77');
  const spoiled = challengeBeleniosVote(encryptBeleniosVote(sim.election, '77', [['a']], credential));
  challenged.push(spoiled);
  ballots.push(
    castBeleniosBallot(encryptBeleniosVote(sim.election, '77', [['b']], credential).json, credential),
  );
  expected.get('77')![2]!++;
  mine = { credential, ballotIndex: ballots.length - 1, challenged: spoiled };
  record = await closeElection(sim, ballots, challenged, { holders: [1, 3] });
}, 300_000);

afterAll(async () => {
  if (work !== '') await rm(work, { recursive: true, force: true });
});

describe('a belenios-2048 OpenDEG election uses Belenios conventions end to end (issue 4)', () => {
  test('the election is the one required: 2 regions in 2 key groups, 2-of-3, 3 candidates and blank, ≥ 50 ballots', () => {
    expect(sim.manifest.keyGroups.map((k) => [k.id, k.threshold])).toEqual([
      ['main', { n: 3, k: 2 }],
      ['kaliningrad', { n: 3, k: 2 }],
    ]);
    expect(DEG_BALLOT.questions[0]!.options).toHaveLength(3);
    expect(DEG_BALLOT.questions[0]!.blank).toBe(true);
    expect(record.ballots.filter((b) => b.vote.region === '77').length).toBeGreaterThanOrEqual(50);
    expect(new Set(record.ballots.map((b) => b.vote.format))).toEqual(new Set([BELENIOS_VOTE_FORMAT]));
    expect(record.challenged).toHaveLength(2);
    expect(record.decryptions.map((d) => [d.region, d.mode, d.shares.map((s) => s.index)])).toEqual([
      ['77', 'belenios', [1, 3]],
      ['39', 'belenios', [1, 3]],
    ]);
  });

  test('verifyRecord accepts the record; the verified results are the counts in the clear', async () => {
    const report = await verifyRecord(record);
    expect(failedChecks(report)).toEqual([]);
    expect(report.ok).toBe(true);
    const counts = new Map(report.verifiedResults.map((r) => [r.region, r.counts]));
    expect(counts).toEqual(new Map([...expected].map(([region, c]) => [region, [c]])));
    expect(report.verifiedResults).toEqual(record.results);
  });

  test('the vote inside the OpenDEG ballot is a Belenios ballot of the region’s Belenios election', () => {
    const b = record.ballots[0]!;
    const region = sim.election.regions.get('77')!;
    const parsed = parseBeleniosBallot(b.vote.ballot);
    expect(parsed.electionUuid).toBe(sim.manifest.regions[0]!.belenios!.uuid);
    expect(parsed.electionHash).toBe(region.belenios!.fingerprint);
    // The credential that signed it is the one the blind signature certified.
    expect(parsed.credential.toString(16).padStart(512, '0')).toBe(b.credential.publicKey);
    // The region's Belenios key is its key group's key.
    expect(region.belenios!.publicKey).toBe(sim.election.keyGroups.get('main')!.key.publicKey);
    // A native vote has no place in a Belenios region.
    expect(() => encryptVote(sim.election, '77', [['a']])).toThrow(
      expect.objectContaining({ code: 'WRONG_BALLOT_FORMAT' }),
    );
  });

  test('the manifest carries the Belenios members only for belenios-2048, and its hash covers them', async () => {
    const m = structuredClone(sim.manifest) as unknown as {
      suite: string;
      regions: { belenios?: { uuid: string } }[];
      keyGroups: { belenios?: unknown }[];
    };
    const other = structuredClone(m);
    other.regions[0]!.belenios = { uuid: 'A'.repeat(14) };
    expect(manifestHash(parseManifest(other))).not.toEqual(manifestHash(sim.manifest));
    const missing = structuredClone(m);
    delete missing.regions[1]!.belenios;
    expect(() => parseManifest(missing)).toThrow(/belenios-2048 election needs it/);
    const shared = structuredClone(m);
    shared.regions[1]!.belenios = shared.regions[0]!.belenios!;
    expect(() => parseManifest(shared)).toThrow(/duplicate id/);
    const native = await setUpElection({
      regions: REGIONS,
      ballotStyle: DEG_BALLOT,
      threshold: { n: 3, k: 2 },
    });
    expect(native.manifest.regions.every((r) => r.belenios === undefined)).toBe(true);
    const withMembers = structuredClone(native.manifest) as unknown as typeof m;
    expect(native.manifest.format).toBe(MANIFEST_FORMAT);
    withMembers.regions[0]!.belenios = { uuid: 'A'.repeat(14) };
    expect(() => parseManifest(withMembers)).toThrow(/only a belenios-2048 election has Belenios members/);
  });

  test('V.2 checks the Belenios trustees are the key group’s key', async () => {
    const manifest = structuredClone(record.manifest) as unknown as { keyGroups: { belenios: unknown }[] };
    manifest.keyGroups[0]!.belenios = manifest.keyGroups[1]!.belenios;
    const report = await verifyRecord({ ...record, manifest, ballots: [], challenged: [] });
    const v2 = report.checks.find((c) => c.id === 'V.2')!;
    expect(v2.failures.map((f) => f.where)).toEqual(
      Array.from({ length: v2.failures.length }, () => 'key group main'),
    );
    expect(v2.failures.map((f) => f.message)).toContain(
      'the Belenios trustees’ key is not the key group’s public key',
    );
  });

  test('each region’s Belenios archive passes belenios-tool election verify, with our result', async () => {
    const exported = await exportBeleniosArchives(record, join(work, 'good'));
    expect(exported.map((e) => e.region).sort()).toEqual(['39', '77']);
    for (const e of exported) {
      const run = await belenios(['election', 'verify', '--dir', e.dir]);
      expect(run.stderr).toContain('all checks passed');
      expect(run.code).toBe(0);
      const archive = readBeleniosArchive(await readFile(e.archive));
      expect(archive.events.filter((x) => x.type === 'Ballot')).toHaveLength(
        record.ballots.filter((b) => b.vote.region === e.region).length,
      );
      const result = JSON.parse(archive.events.at(-1)!.payload!) as unknown;
      const ours = record.results.find((r) => r.region === e.region)!;
      expect(result).toEqual({ result: ours.counts });
      expect(ours.counts).toEqual([expected.get(e.region)]);
    }
  });

  test('a re-signed ballot whose 0/1 proof fails: B.8 in verifyRecord, and belenios-tool fails', async () => {
    const bad = clone(record);
    const victim = bad.ballots[mine.ballotIndex]!;
    const b = parseBeleniosBallot(victim.vote.ballot);
    const answer = b.answers[0]!;
    // One α times g: still a group element, no longer what its 0/1 proof is about.
    const choices = answer.choices.map((c, i) =>
      i === 1 ? { ...c, alpha: bg.add(c.alpha, bg.generator) } : c,
    );
    const { raw } = beleniosSignBallot(
      { ...b, answers: [{ ...answer, choices }] },
      mine.credential.secretKey,
    );
    (victim.vote as { ballot: string }).ballot = raw;
    const report = await verifyRecord(bad);
    const failed = failedChecks(report);
    expect(failed).toContain(`V.3/B.8@ballot #${mine.ballotIndex}`);
    // The overall proof is about the sum of the choices, which changed too.
    expect(failed.filter((f) => f.startsWith('V.3'))).toEqual([
      `V.3/B.8@ballot #${mine.ballotIndex}`,
      `V.3/B.9@ballot #${mine.ballotIndex}`,
    ]);
    const [e77] = (await exportBeleniosArchives(bad, join(work, 'bad-proof'))).filter(
      (e) => e.region === '77',
    );
    expect((await belenios(['election', 'verify', '--dir', e77!.dir])).code).not.toBe(0);
  });

  test('a ballot changed after signing fails B.7; a challenged ballot cast fails B.10 and V.5', async () => {
    const bad = clone(record);
    const victim = bad.ballots[5]!;
    // The last digit, so the number never gains a leading zero (which B.1 would refuse first).
    (victim.vote as { ballot: string }).ballot = victim.vote.ballot.replace(
      /("overall_proof":\[\{"challenge":"\d+)(\d)"/,
      (_m, head: string, d: string) => `${head}${String((Number(d) + 1) % 10)}"`,
    );
    // The changed digit is in the overall proof, which fails too.
    expect(failedChecks(await verifyRecord(bad)).filter((f) => f.startsWith('V.3'))).toEqual([
      'V.3/B.7@ballot #5',
      'V.3/B.9@ballot #5',
    ]);
    const cast: Rec = {
      ...clone(record),
      ballots: [...record.ballots, castBeleniosBallot(mine.challenged.vote, mine.credential)],
    };
    const n = cast.ballots.length - 1;
    const failed = failedChecks(await verifyRecord(cast));
    expect(failed).toContain(`V.3/B.10@ballot #${n}`);
    expect(failed).toContain(`V.5@ballot #${n}`);
    expect(failed).toContain(`V.4@ballot #${n}`);
  });
});
