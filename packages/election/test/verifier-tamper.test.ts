// Every check of the verifier, each caught by name. One valid record (two regions in two key groups,
// 3-of-5 keys, challenged votes) is made once; each test deep-clones it, tampers with one thing and
// asserts that `verifyRecord` reports exactly the check that names that tampering — for ballot checks
// the B.x inside V.3 with the ballot's index. Where one tampering necessarily breaks two checks (a
// ballot rejected in place also changes its region's tally) the test lists both.
//
// A tampered ballot is signed again with its credential where the check under test must be the only
// one failing: a malicious device holds its credential key and can sign whatever it sends.
import { bytesToHex, encryptAnswer } from '@opendeg/crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import { castBallot, challengeVote, encryptVote } from '../src/ballot.ts';
import type { BallotJson, ChallengedVoteJson, EncryptedVoteJson } from '../src/ballot.ts';
import { encodeAnswerJson, encodeElementHex, encodeScalarHex } from '../src/codec.ts';
import type { Credential } from '../src/credential.ts';
import { decryptKeyGroup } from '../src/decrypt.ts';
import { openElection, parseManifest } from '../src/manifest.ts';
import type { QuestionDef } from '../src/manifest.ts';
import type { ElectionRecord, ElectionRecordOut } from '../src/record.ts';
import { RegionTally } from '../src/tally.ts';
import { closeElection, setUpElection, vote } from '../src/testing/simulate.ts';
import type { SimulatedElection } from '../src/testing/simulate.ts';
import { LocalTrustee } from '../src/trustee.ts';
import { validateBallot } from '../src/validate.ts';
import { verifyRecord } from '../src/verify.ts';
import { DEG_BALLOT, failedChecks, issueCredential, REGIONS } from './fixtures.ts';

type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> };
type Rec = Mutable<ElectionRecordOut>;
type Vote = Mutable<EncryptedVoteJson>;

let sim: SimulatedElection;
let record: ElectionRecordOut;
/** The credentials of the record's ballots, by ballot index. */
const credentials: Credential[] = [];
/** Index the next appended ballot gets. */
let next: number;

const copy = (): Rec => structuredClone(record) as Rec;
const verify = async (r: ElectionRecord): Promise<string[]> => failedChecks(await verifyRecord(r));
const g = (): SimulatedElection['election']['group'] => sim.election.group;
/** A valid group element other than any in the record. */
const freshElement = (): string => encodeElementHex(g(), g().multiplyBase(g().randomScalar()));
/** ristretto255 rejects an encoding with the low bit of its first byte set ("negative" s, RFC 9496). */
const nonCanonical = (hex: string): string =>
  hex.slice(0, 1) + (parseInt(hex[1]!, 16) ^ 1).toString(16) + hex.slice(2);
/** A fresh vote of this election, as JSON the test may change before signing. */
const freshVote = (region = '77', choice = 'a'): Vote =>
  encryptVote(sim.election, region, [[choice]]).json as Vote;
/** The ballot a device with a fresh credential would send for `v`. */
const signed = async (v: EncryptedVoteJson, region = v.region): Promise<BallotJson> =>
  castBallot(sim.election, v, await issueCredential(sim, region));
const withBallot = (b: BallotJson): Rec => {
  const r = copy();
  r.ballots.push(b as Mutable<BallotJson>);
  return r;
};

beforeAll(async () => {
  sim = await setUpElection({ regions: REGIONS, ballotStyle: DEG_BALLOT, threshold: { n: 5, k: 3 } });
  const plan: [string, string][] = [
    ['77', 'a'],
    ['77', 'a'],
    ['77', 'b'],
    ['77', 'c'],
    ['39', 'b'],
    ['39', 'a'],
  ];
  const ballots: BallotJson[] = [];
  for (const [region, choice] of plan) {
    const credential = await issueCredential(sim, region);
    credentials.push(credential);
    ballots.push(castBallot(sim.election, encryptVote(sim.election, region, [[choice]]).json, credential));
  }
  const blank = await vote(sim, '77', ['blank'], { challengeFirst: [['b']] });
  ballots.push(blank.ballot);
  const challenged: ChallengedVoteJson[] = [
    blank.challenged!,
    challengeVote(g(), encryptVote(sim.election, '39', [['c']])),
  ];
  record = await closeElection(sim, ballots, challenged, { holders: [1, 2, 3, 4, 5] });
  next = record.ballots.length;
  expect(await verify(record)).toEqual([]);
});

describe('V.1 manifest', () => {
  test('V.1 a manifest with an unexpected member', async () => {
    const r = copy();
    (r.manifest as unknown as Record<string, unknown>).extra = true;
    expect(await verify(r)).toEqual(['V.1']);
  });

  test('V.1 a region that refers to a key group the manifest does not have', async () => {
    const r = copy();
    r.manifest.regions[1]!.keyGroup = 'nowhere';
    expect(await verify(r)).toEqual(['V.1']);
  });
});

describe('V.2 keys', () => {
  test('V.2 a key group whose commitment was changed after the election', async () => {
    const r = copy();
    r.manifest.keyGroups[0]!.commitments[0]![0] = freshElement();
    const report = await verifyRecord(r);
    // The manifest hash is every proof's context, so everything bound to it fails too; V.2 names why.
    expect(report.checks.find((c) => c.id === 'V.2')?.failures).toEqual([
      { check: 'V.2', message: expect.stringMatching(/^KEY_PROOF/) as unknown, where: 'key group main' },
    ]);
    expect(report.checks.find((c) => c.id === 'V.1')?.ok).toBe(true);
  });

  test('V.2 an election run on a key group whose proof of knowledge fails', async () => {
    // A coherent record — ballots, tallies and decryptions all made under this manifest — whose only
    // fault is the key ceremony's proof: V.2 alone must catch it.
    const manifest = structuredClone(sim.manifest) as Mutable<typeof sim.manifest>;
    const proof = manifest.keyGroups[0]!.proofs[0]!;
    proof.z = encodeScalarHex(g(), (BigInt(`0x${proof.z}`) + 1n) % g().order);
    const parsed = parseManifest(manifest);
    const bad: SimulatedElection = { ...sim, manifest: parsed, election: await openElection(parsed) };
    const ballots = [(await vote(bad, '77', [['a']])).ballot, (await vote(bad, '39', [['b']])).ballot];
    const r = await closeElection(bad, ballots, []);
    const report = await verifyRecord(r);
    expect(failedChecks(report)).toEqual(['V.2@key group main']);
    expect(report.verifiedResults.map((x) => x.region)).toEqual(['39']);
  });
});

describe('V.3 ballots: every ballot-box check, named inside V.3 with the ballot index', () => {
  test('V.3 B.1 a ballot with an unexpected member', async () => {
    const b = { ...(await signed(freshVote())), note: 'x' };
    expect(await verify(withBallot(b))).toEqual([`V.3/B.1@ballot #${next}`]);
  });

  test('V.3 B.1 a vote of an unknown format', async () => {
    const v = freshVote();
    (v as { format: string }).format = 'opendeg-vote/0';
    expect(await verify(withBallot(await signed(v, '77')))).toEqual([`V.3/B.1@ballot #${next}`]);
  });

  test('V.3 B.2 a ballot for another election', async () => {
    const other = new Uint8Array(32).fill(7);
    const elsewhere = { ...sim.election, hash: other, hashHex: bytesToHex(other) };
    const v = encryptVote(elsewhere, '77', [['a']]).json;
    const b = castBallot(elsewhere, v, await issueCredential(sim, '77'));
    expect(await verify(withBallot(b))).toEqual([`V.3/B.2@ballot #${next}`]);
  });

  test('V.3 B.3 a ballot for a region the election does not have', async () => {
    const v = freshVote();
    v.region = '99';
    expect(await verify(withBallot(await signed(v, '77')))).toEqual([`V.3/B.3@ballot #${next}`]);
  });

  test('V.3 B.3 a ballot with an option missing', async () => {
    const v = freshVote();
    v.answers[0]!.choices.pop();
    v.answers[0]!.choiceProofs.pop();
    expect(await verify(withBallot(await signed(v)))).toEqual([`V.3/B.3@ballot #${next}`]);
  });

  test('V.3 B.4 a ciphertext with a flipped hex digit (non-canonical element)', async () => {
    const v = freshVote();
    const c = v.answers[0]!.choices[1]!;
    c.alpha = nonCanonical(c.alpha);
    expect(await verify(withBallot(await signed(v)))).toEqual([`V.3/B.4@ballot #${next}`]);
  });

  test('V.3 B.4 the same flip inside a counted ballot also breaks its region’s tally (V.6)', async () => {
    const r = copy();
    const c = r.ballots[2]!.vote.answers[0]!.choices[0]!;
    c.beta = nonCanonical(c.beta);
    expect(await verify(r)).toEqual(['V.3/B.4@ballot #2', 'V.6@region 77', 'V.6@region 77']);
  });

  test('V.3 B.4 a proof scalar not below the group order', async () => {
    const v = freshVote();
    v.answers[0]!.overallProof[0]!.z = 'ff'.repeat(32);
    expect(await verify(withBallot(await signed(v)))).toEqual([`V.3/B.4@ballot #${next}`]);
  });

  test('V.3 B.5 a credential signed by another region’s issuer', async () => {
    // Certified for Kaliningrad (39) by Kaliningrad's issuer, used on a Moscow (77) ballot.
    const b = castBallot(sim.election, freshVote('77'), await issueCredential(sim, '39'));
    expect(await verify(withBallot(b))).toEqual([`V.3/B.5@ballot #${next}`]);
  });

  test('V.3 B.5 a credential whose blind signature is cut short', async () => {
    const credential = await issueCredential(sim, '77');
    const cut = { ...credential.certificate, signature: credential.certificate.signature.slice(0, 40) };
    const b = castBallot(sim.election, freshVote(), { ...credential, certificate: cut });
    expect(await verify(withBallot(b))).toEqual([`V.3/B.5@ballot #${next}`]);
  });

  test('B.6 the ballot box refuses a credential’s second ballot', async () => {
    const credential = credentials[0]!;
    const second = castBallot(sim.election, freshVote('77', 'c'), credential);
    const used = new Set([credential.certificate.publicKey]);
    const r = await validateBallot(sim.election, second, { isCredentialUsed: (id) => used.has(id) });
    expect(r.ok ? [] : r.failures.map((f) => f.check)).toEqual(['B.6']);
  });

  test('V.3 B.7 a vote moved between candidates (choices and proofs swapped) without the credential key', async () => {
    const r = copy();
    const answer = r.ballots[0]!.vote.answers[0]!; // ballot #0 marks "a" (choice 1; 0 is blank)
    [answer.choices[1], answer.choices[2]] = [answer.choices[2]!, answer.choices[1]!];
    [answer.choiceProofs[1], answer.choiceProofs[2]] = [answer.choiceProofs[2]!, answer.choiceProofs[1]!];
    expect(await verify(r)).toEqual(['V.3/B.7@ballot #0', 'V.6@region 77', 'V.6@region 77']);
  });

  test('V.3 B.7 a ballot signature that does not verify', async () => {
    const b = (await signed(freshVote())) as Mutable<BallotJson>;
    b.signature.z = encodeScalarHex(g(), (BigInt(`0x${b.signature.z}`) + 1n) % g().order);
    expect(await verify(withBallot(b))).toEqual([`V.3/B.7@ballot #${next}`]);
  });

  test('V.3 B.8 two options’ ciphertexts swapped, their proofs not (signed again)', async () => {
    const v = freshVote();
    const a = v.answers[0]!;
    [a.choices[1], a.choices[2]] = [a.choices[2]!, a.choices[1]!];
    expect(await verify(withBallot(await signed(v)))).toEqual([
      `V.3/B.8@ballot #${next}`,
      `V.3/B.8@ballot #${next}`,
    ]);
  });

  test('V.3 B.8 a ciphertext replaced, unsigned: the signature and the proofs fail', async () => {
    const r = copy();
    r.ballots[5]!.vote.answers[0]!.choices[3]!.alpha = freshElement();
    expect(await verify(r)).toEqual([
      'V.3/B.7@ballot #5',
      'V.3/B.8@ballot #5',
      'V.3/B.9@ballot #5',
      'V.6@region 39',
      'V.6@region 39',
    ]);
  });

  test('V.3 B.9 two marks on a one-mark question (each 0/1 proof holds, the overall proof cannot)', async () => {
    const q = DEG_BALLOT.questions[0] as QuestionDef;
    const kg = sim.election.keyGroups.get('main')!;
    // A rogue device encrypts an over-vote under the bounds it likes (up to 2 marks).
    const { answer } = encryptAnswer(g(), sim.election.hash, kg.publicKey, [0, 1, 1, 0], {
      min: q.min,
      max: 2,
      blank: true,
    });
    const v: EncryptedVoteJson = { ...freshVote(), answers: [encodeAnswerJson(g(), answer)] };
    expect(await verify(withBallot(await signed(v)))).toEqual([`V.3/B.9@ballot #${next}`]);
  });

  test('V.3 B.10 a challenged vote cast with a valid credential (V.5 names it too)', async () => {
    const challenged = record.challenged[0]!;
    const b = await signed(challenged.vote);
    expect(await verify(withBallot(b))).toEqual([`V.3/B.10@ballot #${next}`, `V.5@ballot #${next}`]);
  });
});

describe('V.4 credentials', () => {
  test('V.4 a credential reused on a second ballot (the repeat is not counted)', async () => {
    const second = castBallot(sim.election, freshVote('77', 'c'), credentials[0]!);
    expect(await verify(withBallot(second))).toEqual([`V.4@ballot #${next}`]);
  });
});

describe('V.5 challenged votes', () => {
  test('V.5 C.1 a challenged vote whose 0/1 proof was altered', async () => {
    const r = copy();
    const branch = r.challenged[1]!.vote.answers[0]!.choiceProofs[2]![0]!;
    branch.c = encodeScalarHex(g(), (BigInt(`0x${branch.c}`) + 1n) % g().order);
    expect(await verify(r)).toEqual(['V.5/C.1@challenged #1']);
  });

  test('V.5 C.1 a challenged vote of an unknown format', async () => {
    const r = copy();
    (r.challenged[0] as { format: string }).format = 'opendeg-challenged/0';
    expect(await verify(r)).toEqual(['V.5/C.1@challenged #0']);
  });

  test('V.5 C.2 an opening that shows another choice than the one encrypted', async () => {
    const r = copy();
    const opening = r.challenged[1]!.openings[0]!; // encrypts "c": [blank, a, b, c] = [0, 0, 0, 1]
    opening.marks = [0, 1, 0, 0];
    expect(await verify(r)).toEqual(['V.5/C.2@challenged #1']);
  });

  test('V.5 C.2 an opening with other randomness', async () => {
    const r = copy();
    r.challenged[0]!.openings[0]!.randomness[0] = encodeScalarHex(g(), 12345n);
    expect(await verify(r)).toEqual(['V.5/C.2@challenged #0']);
  });
});

describe('V.6 tallies', () => {
  test('V.6 a ballot dropped from the record', async () => {
    const r = copy();
    r.ballots.splice(1, 1);
    expect(await verify(r)).toEqual(['V.6@region 77', 'V.6@region 77']);
  });

  test('V.6 an aggregate changed (its decryption proofs then fail too, V.7)', async () => {
    const r = copy();
    r.tallies[0]!.aggregates[0]![1]!.alpha = freshElement();
    expect(new Set(await verify(r))).toEqual(new Set(['V.6@region 77', 'V.7@region 77']));
  });

  test('V.6 a stuffed tally, decrypted with valid proofs: only the product of the ballots shows it', async () => {
    const r = copy();
    const region = sim.election.regions.get('77')!;
    const t = RegionTally.fromJson(g(), region.style, record.tallies[0]!);
    t.add(encryptVote(sim.election, '77', [['c']]).answers);
    const trustees = sim.parts.get('main')!.map((p) => new LocalTrustee(g(), p));
    const out = await decryptKeyGroup(sim.election, 'main', [t], trustees);
    r.tallies[0] = t.toJson() as Mutable<ReturnType<typeof t.toJson>>;
    r.decryptions[r.decryptions.findIndex((d) => d.region === '77')] = out
      .decryptions[0] as Rec['decryptions'][number];
    r.results[r.results.findIndex((x) => x.region === '77')] = out.results[0] as Rec['results'][number];
    const report = await verifyRecord(r);
    expect(failedChecks(report)).toEqual(['V.6@region 77', 'V.6@region 77']);
    // Its decryption holds, but a result of a stuffed tally is not a verified result.
    expect(report.verifiedResults.map((x) => x.region)).toEqual(['39']);
  });

  test('V.6 a published ballot count changed (the result’s count then disagrees, V.8)', async () => {
    const r = copy();
    r.tallies[1]!.ballots += 1;
    expect(await verify(r)).toEqual(['V.6@region 39', 'V.8@region 39']);
  });

  test('V.6 a tally that is not an array of ciphertexts is reported, not thrown', async () => {
    const r = copy();
    (r.tallies[0] as unknown as Record<string, unknown>).aggregates = 'none';
    expect(await verify(r)).toEqual(['V.6@tallies[0]', 'V.9@region 77']);
  });
});

describe('V.7 decryptions', () => {
  const region77 = (r: Rec): Rec['decryptions'][number] => r.decryptions.find((d) => d.region === '77')!;

  test('V.7 a decryption share changed', async () => {
    const r = copy();
    region77(r).shares[1]!.values[0]![2]!.share = freshElement();
    expect(await verify(r)).toEqual(['V.7@region 77']);
  });

  test('V.7 a decryption proof changed', async () => {
    const r = copy();
    const proof = region77(r).shares[0]!.values[0]![0]!.proof;
    proof.z = encodeScalarHex(g(), (BigInt(`0x${proof.z}`) + 1n) % g().order);
    expect(await verify(r)).toEqual(['V.7@region 77']);
  });

  test('V.7 shares relabelled with another part’s index', async () => {
    const r = copy();
    region77(r).shares[2]!.index = 5;
    expect(await verify(r)).toEqual(Array(4).fill('V.7@region 77'));
  });

  test('V.7 a part index given twice', async () => {
    const r = copy();
    const d = region77(r);
    d.shares[2] = structuredClone(d.shares[0]!);
    expect(await verify(r)).toEqual(['V.7@region 77']);
  });

  test('V.7 only K−1 shares (P-5.4)', async () => {
    const r = copy();
    region77(r).shares.pop();
    expect(await verify(r)).toEqual(['V.7@region 77']);
  });

  test('V.7 a second, different decryption published for a region', async () => {
    const r = copy();
    const bogus = structuredClone(region77(r));
    bogus.shares[0]!.values[0]![0]!.share = freshElement();
    r.decryptions.unshift(bogus);
    // The repeat is refused by name; the first one is checked and fails on its own.
    expect(await verify(r)).toEqual(['V.7@decryptions[1]', 'V.7@region 77']);
  });
});

describe('V.8 results', () => {
  test('V.8 a count changed', async () => {
    const r = copy();
    const result = r.results.find((x) => x.region === '77')!;
    result.counts[0]![1]! += 1;
    expect(await verify(r)).toEqual(['V.8@region 77']);
  });

  test('V.8 a second, different result published for a region', async () => {
    // Before the fix the last one won: a bogus first result passed unchecked beside the real one.
    const r = copy();
    const bogus = structuredClone(r.results.find((x) => x.region === '39')!);
    bogus.counts[0]![0]! += 100;
    r.results.push(bogus);
    expect(await verify(r)).toEqual([`V.8@results[${r.results.length - 1}]`]);
  });

  test('V.8 a result for a region that published no tally', async () => {
    const r = copy();
    r.results.push({ region: '39x', ballots: 0, counts: [[0, 0, 0, 0]] });
    expect(await verify(r)).toEqual(['V.8@region 39x']);
  });
});

describe('V.9 completeness', () => {
  test('V.9 a region’s result deleted', async () => {
    const r = copy();
    r.results = r.results.filter((x) => x.region !== '39');
    expect(await verify(r)).toEqual(['V.9@region 39']);
  });

  test('V.9 a region’s decryption deleted', async () => {
    const r = copy();
    r.decryptions = r.decryptions.filter((x) => x.region !== '77');
    expect(await verify(r)).toEqual(['V.9@region 77']);
  });

  test('V.9 a region’s tally deleted', async () => {
    const r = copy();
    r.tallies = r.tallies.filter((x) => x.region !== '39');
    expect(await verify(r)).toEqual(['V.9@region 39']);
  });
});
