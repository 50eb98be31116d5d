// `npm run bench -w @opendeg/crypto`: per suite and backend — fixed- and variable-base
// multiplications per second, encrypt and verify a 6-option ballot answer (6 ciphertexts, six 0/1
// proofs, one sum proof), threshold decryption share, discrete log at 10⁷; plus blind RSA. For
// ristretto255 on noble and native also multi-scalar multiplication of 64, 1024 and 16384 points and
// decoding, per point (libsodium has no multi-scalar multiplication: its multiplyMany is a loop);
// the native backend (`@opendeg/ristretto-native`, a C addon) is measured when it is built: this
// package never depends on it, the benchmark only imports it if it is there.
// Prints one JSON object to stdout.
import os from 'node:os';
import { encryptAnswer, verifyAnswer } from '../src/answer.ts';
import { BatchVerifier } from '../src/batch.ts';
import { DiscreteLogTable } from '../src/dlog.ts';
import { encrypt, generateKeyPair } from '../src/elgamal.ts';
import { loadGroup } from '../src/suites.ts';
import type { AnyGroup, Backend } from '../src/suites.ts';
import type { SuiteId } from '../src/group.ts';
import { partialDecrypt, verifyPartialDecryption } from '../src/threshold/decryption.ts';
import { measure, progress, round } from './measure.ts';
import type { Measurement } from './measure.ts';

const CTX = new Uint8Array(32).fill(1);

/** Wall-clock and CPU milliseconds per operation. */
const pick = (m: Measurement): { ms: number; cpuMs: number } => ({ ms: m.msPerOp, cpuMs: m.cpuMsPerOp });
const OPTIONS = 6;
const BATCH = 64;

function benchGroup(g: AnyGroup): Record<string, unknown> {
  const k = g.randomScalar();
  const p = g.multiplyBase(g.randomScalar());
  const keys = generateKeyPair(g);
  const secretKey = keys.secretKey;
  // The voter's device prepares the election key once (tables), then encrypts with it.
  const publicKey = g.prepare(keys.publicKey);
  const marks = [0, 0, 1, 0, 0, 0];
  const bounds = { min: 1, max: 1 };
  const { answer } = encryptAnswer(g, CTX, publicKey, marks, bounds);
  if (!verifyAnswer(g, CTX, publicKey, answer, OPTIONS, bounds))
    throw new Error('bench: answer does not verify');
  const batchAnswers = Array.from({ length: BATCH }, (_, i) => {
    const m = [0, 0, 0, 0, 0, 0];
    m[i % OPTIONS] = 1;
    return encryptAnswer(g, CTX, publicKey, m, bounds).answer;
  });
  const { ciphertext } = encrypt(g, publicKey, 1);
  const share = partialDecrypt(g, CTX, { index: 1, secret: secretKey }, ciphertext);

  const t0 = performance.now();
  const table = new DiscreteLogTable(g, 10_000_000);
  const tableMs = performance.now() - t0;
  const targets = [9_999_999n, 5_000_000n, 123_456n].map((m) => g.multiplyBase(m));
  let i = 0;
  const solve = measure(() => table.solve(targets[i++ % targets.length]), 1500, 3);

  return {
    fixedBaseMulPerSec: measure(() => g.multiplyBase(k)).opsPerSecond,
    variableBaseMulPerSec: measure(() => g.multiply(p, k)).opsPerSecond,
    blindedSecretMulPerSec: measure(() => g.multiplySecret(p, k)).opsPerSecond,
    encryptAnswer6: pick(measure(() => encryptAnswer(g, CTX, publicKey, marks, bounds), 2000)),
    verifyAnswer6: pick(measure(() => verifyAnswer(g, CTX, publicKey, answer, OPTIONS, bounds), 2000)),
    verifyAnswer6BatchedMsPerBallot: round(
      measure(() => {
        const batch = new BatchVerifier(g, [publicKey]);
        for (const a of batchAnswers) verifyAnswer(g, CTX, publicKey, a, OPTIONS, bounds, batch);
        if (!batch.verify()) throw new Error('bench: batch fails');
      }, 3000).msPerOp / BATCH,
      3,
    ),
    partialDecryptMs: measure(() => partialDecrypt(g, CTX, { index: 1, secret: secretKey }, ciphertext))
      .msPerOp,
    verifyPartialDecryptionMs: measure(() => verifyPartialDecryption(g, CTX, publicKey, ciphertext, share))
      .msPerOp,
    dlog1e7: { tableBuildMs: round(tableMs), babySteps: table.babySteps, solveMs: solve.msPerOp },
  };
}

/** Σ kᵢ·Pᵢ and decoding of random points: wall-clock and CPU microseconds per point. */
function benchMsm(g: AnyGroup): Record<string, { us: number; cpuUs: number }> {
  const perPoint = (m: Measurement, n: number): { us: number; cpuUs: number } => ({
    us: round((m.msPerOp * 1000) / n, 2),
    cpuUs: round((m.cpuMsPerOp * 1000) / n, 2),
  });
  const out: Record<string, { us: number; cpuUs: number }> = {};
  const base = Array.from({ length: 64 }, () => g.multiplyBase(g.randomScalar()));
  for (const n of [64, 1024, 16384]) {
    const points = Array.from({ length: n }, (_, i) => base[i % base.length]);
    const scalars = points.map(() => g.randomScalar());
    out[`msm${n}PerPoint`] = perPoint(
      measure(() => g.multiplyMany(points, scalars), 1500),
      n,
    );
  }
  const encoded = base.map((p) => g.encodeElement(p));
  out.decodePerPoint = perPoint(
    measure(() => encoded.map((b) => g.decodeElement(b)), 1000),
    encoded.length,
  );
  return out;
}

// The native backend registers itself with loadGroup when its package is imported.
try {
  await import('@opendeg/ristretto-native');
} catch {
  // Not built here: its row reports the error.
}

const configs: [SuiteId, Backend][] = [
  ['ristretto255', 'noble'],
  ['ristretto255', 'libsodium'],
  ['ristretto255', 'native'],
  ['gost256b', 'noble'],
  ['belenios-2048', 'noble'],
];

const groups: Record<string, unknown> = {};
for (const [n, [suite, backend]] of configs.entries()) {
  progress(n, configs.length + 1, `${suite}/${backend}`);
  let g: AnyGroup;
  try {
    g = await loadGroup(suite, backend);
  } catch (e) {
    groups[`${suite}/${backend}`] = { error: String(e) };
    continue;
  }
  groups[`${suite}/${backend}`] =
    suite === 'ristretto255' && backend !== 'libsodium'
      ? { ...benchGroup(g), ...benchMsm(g) }
      : benchGroup(g);
}

progress(configs.length, configs.length + 1, 'blind RSA');
let blindRsa: unknown;
try {
  const { benchBlindRsa } = await import('./blind-rsa.bench.ts');
  blindRsa = await benchBlindRsa();
} catch (e) {
  blindRsa = { error: String(e) };
}
progress(configs.length + 1, configs.length + 1, 'done');

const cpu = os.cpus()[0]?.model ?? 'unknown';
console.log(
  JSON.stringify(
    {
      package: '@opendeg/crypto',
      machine: { cpu, cores: os.cpus().length, node: process.version },
      targets: { encryptAnswer6: '≤ 20 ms (noble, Node)', verifyAnswer6: '≤ 6 ms (libsodium, one core)' },
      load: os.loadavg().map((x) => round(x, 2)),
      groups,
      blindRsa,
    },
    null,
    2,
  ),
);
