/**
 * Issue 4: an OpenDEG election on the BELENIOS-2048 group exported as a Belenios 2.0 archive that
 * `belenios-tool election verify` accepts and whose result equals ours (Belenios 2.0 specification
 * §3 processes, §4 messages).
 *
 * One whole election: 2-of-3 Pedersen trustees (Belenios threshold 2), one question with three
 * candidates and a blank option, 53 ballots from 52 voters (one revote: last(B) counts), homomorphic
 * tally, partial decryptions by trustees 1 and 3, result. The archive is checked by belenios-tool
 * itself, which also recomputes the result from the archive's partial decryptions; tampered
 * variants (a ballot, a partial decryption, the result) must make it fail. A second part runs the
 * key ceremony's later steps in belenios-tool on our trustees' messages, so our certificates and
 * encrypted channels are Belenios's own.
 *
 * belenios-tool must be installed (CI installs it): these tests fail, never skip, without it.
 */

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  combineDecryptionShares,
  DiscreteLogTable,
  partialDecrypt,
  verifyThresholdPublicKey,
} from '@opendeg/crypto';
import type { SecretShare } from '@opendeg/crypto';
import {
  beleniosBallotCiphertexts,
  beleniosCombine,
  beleniosCredentialSecret,
  beleniosEncryptBallot,
  beleniosEncryptedTally,
  beleniosLastBallots,
  beleniosPartialDecrypt,
  beleniosPublicCredential,
  beleniosSignBallot,
  beleniosThresholdSetup,
  beleniosTrusteeShare,
  beleniosTrusteeVoutput,
  beleniosVinputs,
  sendMessage,
  beleniosVerificationKeys,
  beleniosVerifyBallot,
  beleniosVerifyTrustees,
  bg,
  decodePartialDecryption,
  encodeDecimal,
  generateBeleniosCredential,
  generateBeleniosUuid,
  makeBeleniosElection,
  parseBeleniosBallot,
  readBeleniosArchive,
  sha256Hex,
  splitBlank,
  writeBeleniosArchive,
} from '../src/belenios/index.ts';
import type {
  BeleniosArchiveInput,
  BeleniosBallot,
  BeleniosChoice,
  BeleniosElection,
  BeleniosThresholdSetup,
  EncryptedTally,
  PartialDecryptionJson,
  ResultJson,
} from '../src/belenios/index.ts';

/** BELENIOS_TOOL overrides the command (a build of another version, or a wrapper). */
const TOOL = process.env.BELENIOS_TOOL ?? 'belenios-tool';

interface ToolRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs belenios-tool; a missing tool is an error that fails the test with a clear message. */
function belenios(args: readonly string[], options: { cwd?: string; input?: string } = {}): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      TOOL,
      args,
      { cwd: options.cwd, maxBuffer: 64 << 20, env: { ...process.env, BELENIOS_USE_URANDOM: '1' } },
      (error, stdout, stderr) => {
        if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
          reject(
            new Error(`${TOOL} is not installed or not on PATH (CI installs the belenios-tool package)`),
          );
          return;
        }
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
    // Commands that never read stdin may exit before it is written: that is not an error.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input);
  });
}

const verifyDir = (dir: string): Promise<ToolRun> => belenios(['election', 'verify', '--dir', dir]);

/** The 52 voters' choices: every pattern of one or two marks among A, B, C, and blank votes. */
const PATTERNS: BeleniosChoice[] = [
  [1, 0, 0],
  [0, 1, 0],
  'blank',
  [0, 0, 1],
  [1, 1, 0],
  [0, 1, 1],
  [1, 0, 1],
];
const VOTERS = 52;
const REVOTER = 5;
const REVOTE: BeleniosChoice = [0, 0, 1];

let work = '';
let setup: BeleniosThresholdSetup;
let election: BeleniosElection;
const context = new Uint8Array(32);
const credentials: bigint[] = [];
/** The printed Belenios credentials of voters 0 and 1. */
const printed: string[] = [];
const publicCredentials: string[] = [];
const cast: { raw: string; ballot: BeleniosBallot }[] = [];
const finalChoice: BeleniosChoice[] = [];
let tally: EncryptedTally;
let numTallied: number;
let partialDecryptions: { owner: number; partialDecryption: PartialDecryptionJson }[];
let result: ResultJson;
let expected: number[];

function archiveInput(overrides: Partial<BeleniosArchiveInput> = {}): BeleniosArchiveInput {
  return {
    election,
    trustees: setup.trustees,
    publicCredentials,
    ballots: cast.map((c) => c.raw),
    tally: { encryptedTally: tally, numTallied, totalWeight: numTallied, partialDecryptions, result },
    timestamp: 1_700_000_000,
    ...overrides,
  };
}

async function exportTo(name: string, input: BeleniosArchiveInput): Promise<string> {
  const dir = join(work, name);
  await writeBeleniosArchive(dir, input);
  return dir;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'opendeg-belenios-'));
  const uuid = generateBeleniosUuid();
  context.set(Buffer.from(sha256Hex(`opendeg election ${uuid}`), 'hex'));

  // §3.1: trustees (Pedersen, threshold 2 of 3) and the election under their joint key.
  setup = beleniosThresholdSetup({ n: 3, k: 2 }, context);
  election = makeBeleniosElection(
    {
      uuid,
      name: 'OpenDEG export',
      description: 'Issue 4: Belenios 2.0 archive of an OpenDEG election',
      questions: [{ question: 'Who?', answers: ['A', 'B', 'C'], min: 1, max: 2, blank: true }],
    },
    setup.publicKey.publicKey,
  );

  // §4.8: OpenDEG one-time credential keys, and two voters with printed Belenios credentials.
  for (let i = 0; i < VOTERS; i++) {
    if (i < 2) printed.push(generateBeleniosCredential());
    credentials.push(i < 2 ? beleniosCredentialSecret(uuid, printed[i]!) : bg.randomScalar());
  }
  publicCredentials.push(...credentials.map(beleniosPublicCredential).sort());

  // §3.2: vote; the ballot box checks each ballot before accepting it.
  const accepted = new Set(publicCredentials);
  const vote = (voter: number, choice: BeleniosChoice): void => {
    const b = beleniosEncryptBallot(election, credentials[voter]!, [choice]);
    expect(beleniosVerifyBallot(election, b.raw, accepted)).toEqual({ ok: true });
    cast.push({ raw: b.raw, ballot: b.ballot });
    finalChoice[voter] = choice;
  };
  for (let i = 0; i < VOTERS; i++) vote(i, PATTERNS[i % PATTERNS.length]!);
  vote(REVOTER, REVOTE);

  // §3.4: tally of last(B), partial decryptions by trustees 1 and 3, result.
  const tallied = beleniosLastBallots(cast).map((c) => c.ballot);
  numTallied = tallied.length;
  tally = beleniosEncryptedTally(election, tallied);
  partialDecryptions = [1, 3].map((owner) => ({
    owner,
    partialDecryption: beleniosPartialDecrypt(election, setup.shares[owner - 1]!, tally),
  }));
  result = beleniosCombine(
    election,
    beleniosVerificationKeys(setup.thresholdParameters),
    setup.thresholdParameters.threshold,
    tally,
    partialDecryptions.map((p) => ({
      owner: p.owner,
      partialDecryption: decodePartialDecryption(p.partialDecryption),
    })),
    numTallied,
  );
  // What the voters chose, counted in the clear: [blank, A, B, C].
  expected = [0, 0, 0, 0];
  for (const c of finalChoice) {
    if (c === 'blank') expected[0]!++;
    else c.forEach((m, j) => (expected[j + 1]! += m));
  }
}, 170_000);

afterAll(async () => {
  if (work !== '') await rm(work, { recursive: true, force: true });
});

describe('Belenios 2.0 export of a belenios-2048 election (issue 4)', () => {
  test('belenios-tool 2.0 is installed', async () => {
    const v = await belenios(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^2\./);
  });

  test('the election is the one CI requires: 2-of-3 Pedersen, blank option, ≥ 3 candidates, ≥ 50 ballots', () => {
    expect(setup.thresholdParameters.threshold).toBe(2);
    expect(setup.thresholdParameters.verification_keys).toHaveLength(3);
    expect(election.questions[0]!.blank).toBe(true);
    expect(election.questions[0]!.answers.length).toBeGreaterThanOrEqual(3);
    expect(cast.length).toBeGreaterThanOrEqual(50);
    expect(numTallied).toBe(VOTERS);
    expect(finalChoice.filter((c) => c === 'blank').length).toBeGreaterThan(0);
  });

  test('one ceremony, two views: the Belenios trustees and OpenDEG’s threshold key agree', () => {
    expect(beleniosVerifyTrustees(setup.trustees)).toEqual({ ok: true });
    expect(verifyThresholdPublicKey(bg, context, setup.publicKey)).toEqual({ ok: true });
    expect(election.publicKey).toBe(setup.publicKey.publicKey);
    // OpenDEG's own threshold decryption of the same tally (DLEQ proofs in OpenDEG transcripts)
    // gives the same counts as the Belenios partial decryptions.
    const dlog = new DiscreteLogTable(bg, numTallied);
    const shares: SecretShare[] = [setup.shares[0]!, setup.shares[2]!];
    const counts = tally[0]!.map((c) =>
      dlog.solve(
        combineDecryptionShares(
          bg,
          context,
          setup.publicKey,
          c,
          shares.map((s) => partialDecrypt(bg, context, s, c)),
        ),
      ),
    );
    expect(counts).toEqual(expected);
  });

  test('our result equals the plaintext count, with last(B) applied to the revote', () => {
    expect(result).toEqual({ result: [expected] });
    expect(splitBlank(election, result)).toEqual([{ blank: expected[0], counts: expected.slice(1) }]);
    expect(expected.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(VOTERS);
  });

  test('belenios-tool election verify accepts the archive; the result read back equals ours', async () => {
    const dir = await exportTo('full', archiveInput());
    const run = await verifyDir(dir);
    expect(run.stderr).toContain('all checks passed');
    expect(run.code).toBe(0);
    const files = await readdir(dir);
    expect(files).toEqual([`${election.uuid}.bel`]);
    const archive = readBeleniosArchive(await readFile(join(dir, files[0]!)));
    const types = archive.events.map((e) => e.type);
    expect(types[0]).toBe('Setup');
    expect(types.filter((t) => t === 'Ballot')).toHaveLength(cast.length);
    expect(types.slice(-5)).toEqual([
      'EndBallots',
      'EncryptedTally',
      'PartialDecryption',
      'PartialDecryption',
      'Result',
    ]);
    const last = archive.events.at(-1)!;
    expect(JSON.parse(last.payload!)).toEqual({ result: [expected] });
  });

  test('belenios-tool recomputes the same result from the archive’s partial decryptions', async () => {
    const input = archiveInput();
    const dir = await exportTo('no-result', { ...input, tally: { ...input.tally!, result: undefined } });
    const run = await belenios(['election', 'compute-result', '--dir', dir]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ result: [expected] });
  });

  test('the archive during voting (ballots only) verifies too', async () => {
    const dir = await exportTo('voting', archiveInput({ tally: undefined }));
    const run = await verifyDir(dir);
    expect(run.code).toBe(0);
  });

  test('a ballot made by belenios-tool with a printed credential passes our ballot box', async () => {
    const dir = await exportTo('tool-ballot', archiveInput({ tally: undefined }));
    await writeFile(join(dir, 'cred'), printed[0]! + '\n');
    await writeFile(join(dir, 'choice'), '[[0,1,1,0]]\n');
    const run = await belenios(
      ['election', 'generate-ballot', '--dir', dir, '--privcred', 'cred', '--ballot', 'choice'],
      {
        cwd: dir,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(beleniosVerifyBallot(election, run.stdout.trim(), new Set(publicCredentials))).toEqual({
      ok: true,
    });
    expect(parseBeleniosBallot(run.stdout.trim()).credential).toBe(bg.multiplyBase(credentials[0]!));
  });

  test('our ballot box names the clause a bad ballot breaks', () => {
    const raw = cast[3]!.raw;
    const failed = (r: string, creds?: Set<string>): string[] => {
      const c = beleniosVerifyBallot(election, r, creds);
      return c.ok ? [] : c.failures.map((f) => f.check);
    };
    expect(failed(raw, new Set())).toEqual(['3.2 credential']);
    expect(failed(raw.replace(election.uuid, generateBeleniosUuid()))).toContain('4.15 election_uuid');
    expect(failed(raw.replace('"credential":"', '"credential":"0'))).toEqual(['4.15 format']);
    const other = makeBeleniosElection({ ...election, name: 'another' }, election.publicKey);
    expect(failed(raw)).toEqual([]);
    const c = beleniosVerifyBallot(other, raw);
    expect(c.ok ? [] : c.failures.map((f) => f.check)).toContain('4.15 election_hash');
  });

  test('a tampered ballot (re-signed, so only its proof is wrong) makes belenios-tool fail', async () => {
    const victim = cast[7]!;
    const b = parseBeleniosBallot(victim.raw);
    const answer = b.answers[0]!;
    // Multiply one α by g: still a group element, but no longer what the 0/1 proof is about.
    const choices = answer.choices.map((c, i) =>
      i === 1 ? { ...c, alpha: bg.add(c.alpha, bg.generator) } : c,
    );
    const { raw } = beleniosSignBallot({ ...b, answers: [{ ...answer, choices }] }, credentials[7]!);
    const check = beleniosVerifyBallot(election, raw, new Set(publicCredentials));
    expect(check.ok).toBe(false);
    expect(check.ok ? [] : check.failures.map((f) => f.check)).toContain('4.12 individual_proofs');
    const ballots = cast.map((c) => (c === victim ? raw : c.raw));
    const dir = await exportTo('bad-ballot', archiveInput({ ballots, tally: undefined }));
    const run = await verifyDir(dir);
    expect(run.code).not.toBe(0);
  });

  test('a ballot whose signature no longer matches its contents makes belenios-tool fail', async () => {
    const victim = cast[8]!;
    const raw = victim.raw.replace(
      /"overall_proof":\[\{"challenge":"(\d)/,
      (m, d: string) => m.slice(0, -1) + String((Number(d) + 1) % 10),
    );
    expect(raw).not.toBe(victim.raw);
    expect(beleniosVerifyBallot(election, raw).ok).toBe(false);
    const dir = await exportTo(
      'bad-signature',
      archiveInput({ ballots: cast.map((c) => (c === victim ? raw : c.raw)), tally: undefined }),
    );
    expect((await verifyDir(dir)).code).not.toBe(0);
  });

  test('a tampered partial decryption makes belenios-tool fail', async () => {
    const [first, second] = partialDecryptions;
    const factors = first!.partialDecryption.decryption_factors.map((q) =>
      q.map((f, j) => (j === 2 ? encodeDecimal(bg.add(BigInt(f), bg.generator)) : f)),
    );
    const bad = {
      owner: first!.owner,
      partialDecryption: { ...first!.partialDecryption, decryption_factors: factors },
    };
    const input = archiveInput();
    const dir = await exportTo('bad-decryption', {
      ...input,
      tally: { ...input.tally!, partialDecryptions: [bad, second!] },
    });
    expect((await verifyDir(dir)).code).not.toBe(0);
    // Our own combination names the trustee.
    expect(() =>
      beleniosCombine(
        election,
        beleniosVerificationKeys(setup.thresholdParameters),
        2,
        tally,
        [bad, second!].map((p) => ({
          owner: p.owner,
          partialDecryption: decodePartialDecryption(p.partialDecryption),
        })),
        numTallied,
      ),
    ).toThrow(/trustee 1/);
  });

  test('a wrong result makes belenios-tool fail', async () => {
    const input = archiveInput();
    const wrong = { result: [[expected[0]! + 1, ...expected.slice(1)]] };
    const dir = await exportTo('bad-result', { ...input, tally: { ...input.tally!, result: wrong } });
    expect((await verifyDir(dir)).code).not.toBe(0);
  });

  test('the tally of ballots as OpenDEG ciphertexts is the encrypted tally', () => {
    const tallied = beleniosLastBallots(cast).map((c) => c.ballot);
    const sums = tally[0]!;
    const perBallot = tallied.map((b) => beleniosBallotCiphertexts(b)[0]!);
    const alpha0 = perBallot.reduce((acc, cs) => bg.add(acc, cs[0]!.alpha), bg.identity);
    expect(alpha0).toBe(sums[0]!.alpha);
  });
});

describe('Belenios trustee ceremony interoperates with belenios-tool (§3.1.1, §4.6)', () => {
  test('belenios-tool steps 4–6 accept our certificates, polynomials and encrypted shares', async () => {
    const dir = join(work, 'ceremony');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const certs = setup.certs.map((c) => JSON.stringify(c));
    await writeFile(join(dir, 'certs.jsons'), certs.join('\n') + '\n');
    await writeFile(
      join(dir, 'polynomials.jsons'),
      setup.polynomials.map((p) => JSON.stringify(p)).join('\n') + '\n',
    );
    const group = ['setup', 'generate-trustee-key-threshold', '--group', 'BELENIOS-2048'];
    const step4 = await belenios(
      [...group, '--certs', 'certs.jsons', '--step', '4', '--polynomials', 'polynomials.jsons'],
      {
        cwd: dir,
      },
    );
    expect(step4.code).toBe(0);
    const voutputs: string[] = [];
    for (const [j, keys] of setup.trusteeKeys.entries()) {
      // belenios-tool names a trustee's files by the hash of its certificate's message.
      const id = sha256Hex(setup.certs[j]!.message);
      await writeFile(join(dir, `${id}.key`), keys.seed + '\n');
      const vinput = await readFile(join(dir, `${id}.vinput`), 'utf8');
      // Step 5 decrypts our channel messages, checks our signatures and every share against coefexps.
      const step5 = await belenios(
        [...group, '--certs', 'certs.jsons', '--key', `${id}.key`, '--step', '5'],
        {
          cwd: dir,
          input: vinput,
        },
      );
      expect(step5.code, step5.stderr).toBe(0);
      voutputs.push(step5.stdout.trim());
      // We read belenios-tool's encrypted share (its `.dkey`) back: the same share as ours.
      const dkey = (JSON.parse(step5.stdout) as { private_key: string }).private_key;
      expect(beleniosTrusteeShare(keys, setup.certs, dkey)).toEqual(setup.shares[j]);
    }
    const step6 = await belenios(
      [...group, '--certs', 'certs.jsons', '--step', '6', '--polynomials', 'polynomials.jsons'],
      {
        cwd: dir,
        input: voutputs.join('\n') + '\n',
      },
    );
    expect(step6.code, step6.stderr).toBe(0);
    const params = JSON.parse(step6.stdout) as {
      threshold: number;
      coefexps: unknown;
      verification_keys: { public_key: string }[];
    };
    expect(params.threshold).toBe(2);
    expect(params.coefexps).toEqual(setup.thresholdParameters.coefexps);
    expect(params.verification_keys.map((k) => k.public_key)).toEqual(
      setup.thresholdParameters.verification_keys.map((k) => k.public_key),
    );
  });

  test('a trustee names the dealer whose share fails its coefexps, or whose channel message is not for it', () => {
    const vinputs = beleniosVinputs(setup.certs, setup.polynomials);
    const [dealer, , recipient] = setup.trusteeKeys;
    // Dealer 1 sends trustee 3 a well-encrypted, well-signed share that is not f₁(3).
    const wrong = sendMessage(
      dealer!.signingKey,
      recipient!.encryptionKey,
      JSON.stringify({ secret: encodeDecimal(setup.shares[2]!.secret) }),
    );
    const forged = { ...vinputs[2]!, secrets: [wrong, ...vinputs[2]!.secrets.slice(1)] };
    expect(() => beleniosTrusteeVoutput(recipient!, setup.certs, forged)).toThrow(
      /secret 1 does not validate/,
    );
    // A share meant for trustee 2, routed to trustee 3, does not even decrypt.
    const misrouted = { ...vinputs[2]!, secrets: [vinputs[1]!.secrets[0]!, ...vinputs[2]!.secrets.slice(1)] };
    expect(() => beleniosTrusteeVoutput(recipient!, setup.certs, misrouted)).toThrow(
      expect.objectContaining({ code: 'CHANNEL_INVALID' }),
    );
    // The honest vinput gives back the share of the ceremony.
    expect(beleniosTrusteeVoutput(recipient!, setup.certs, vinputs[2]!).share).toEqual(setup.shares[2]);
  });
});
