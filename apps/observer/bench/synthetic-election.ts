/**
 * A synthetic election for the observer benchmark: a real manifest and M real ballots (blind-signed
 * credentials, encrypted votes with their proofs, signatures), as the ledger entries the ballot box
 * writes. Making ballots costs far more than checking them, so they are made in worker threads
 * (bench/generate-worker.ts, on the fastest backend for secret operations: libsodium) and the encoded
 * log is cached in the temp directory under M and the seed; a rerun with the same M and seed reads it.
 *
 * The seed chooses each voter's region and candidate; the keys and the ballots' randomness are fresh
 * (real cryptographic randomness cannot be seeded), so a cache is one draw of the election, kept.
 *
 * Cache format: `log.bin` is the entries in log order, each as a 4-byte big-endian length then the
 * entry's bytes (entry 0 is the manifest); `meta.json` is written last, so a cache without it is
 * incomplete and is made again.
 */

import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

import type { BallotStyleDef } from '@opendeg/election';
import { encodeEntry, unwrap } from '@opendeg/ledger';

import { setUpElection } from '../../../packages/election/src/testing/simulate.ts';
import { manifestEntry } from '../test/helpers/election-fixture.ts';

/** A DEG ballot of six candidates and the blank choice (7 ciphertexts, 7 0/1 proofs, 1 overall). */
export const DEG6: BallotStyleDef = {
  id: 'deg6',
  title: { ru: 'Бюллетень ДЭГ', en: 'DEG ballot' },
  questions: [
    {
      id: 'q',
      text: { ru: 'Отметьте одного кандидата', en: 'Mark one candidate' },
      options: ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({ id, label: { ru: `Кандидат ${id}` } })),
      min: 1,
      max: 1,
      blank: true,
    },
  ],
};

/** Four regions in two key groups, so tallies are kept per region and batches per key group. */
export const REGIONS = [
  { code: '39', name: 'Калининградская область', timeZone: 'Europe/Kaliningrad', keyGroup: 'late' },
  { code: '77', name: 'Москва', timeZone: 'Europe/Moscow', keyGroup: 'main' },
  { code: '50', name: 'Московская область', timeZone: 'Europe/Moscow', keyGroup: 'main' },
  { code: '78', name: 'Санкт-Петербург', timeZone: 'Europe/Moscow', keyGroup: 'late' },
] as const;

export interface GenerateJob {
  readonly manifest: unknown;
  /** Region code → the issuer's private key (PKCS#8 PEM). */
  readonly issuers: Record<string, string>;
  readonly seed: number;
  /** Voters [from, to) of the whole election. */
  readonly from: number;
  readonly to: number;
}

export interface SyntheticLog {
  readonly file: string;
  /** Entries in the log: the manifest, then the ballots. */
  readonly entries: number;
  readonly ballots: number;
  readonly perRegion: Record<string, number>;
  readonly generatedSeconds: number | null;
}

/** A small deterministic generator (mulberry32) for voter choices. */
export function choices(seed: number, voter: number): { region: string; option: string } {
  let t = (seed ^ Math.imul(voter + 1, 0x9e3779b9)) >>> 0;
  const next = (): number => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = Math.imul(t ^ (t >>> 15), 1 | t);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const region = REGIONS[Math.floor(next() * REGIONS.length)]?.code ?? '77';
  const option = ['a', 'b', 'c', 'd', 'e', 'f'][Math.floor(next() * 6)] ?? 'a';
  return { region, option };
}

export function cacheDir(m: number, seed: number): string {
  return path.join(os.tmpdir(), 'opendeg-observer-bench', `deg6-m${m}-seed${seed}`);
}

/** The cached log of `m` ballots, made first if missing. */
export async function syntheticLog(
  m: number,
  seed: number,
  threads: number,
  log: (s: string) => void,
): Promise<SyntheticLog> {
  const dir = cacheDir(m, seed);
  const metaFile = path.join(dir, 'meta.json');
  if (existsSync(metaFile)) {
    log(`using the cached log in ${dir}`);
    return { ...(JSON.parse(readFileSync(metaFile, 'utf8')) as SyntheticLog), generatedSeconds: null };
  }
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  log(`making an election of ${m} ballots in ${threads} worker threads (cached in ${dir})`);
  const sim = await setUpElection({ regions: [...REGIONS], ballotStyle: DEG6, threshold: { n: 5, k: 3 } });
  const issuers = Object.fromEntries(
    [...sim.issuers].map(([code, key]) => [code, key.export({ type: 'pkcs8', format: 'pem' }).toString()]),
  );
  const tmp = path.join(dir, 'log.bin.part');
  const out = await open(tmp, 'w');
  await out.write(framed(unwrap(encodeEntry(manifestEntry(sim)))));
  // Parts of the election in order; each worker makes its parts one after another.
  const part = 2000;
  const parts: { from: number; to: number }[] = [];
  for (let s = 0; s < m; s += part) parts.push({ from: s, to: Math.min(m, s + part) });
  const done = new Map<number, Buffer>();
  let written = 0;
  let nextPart = 0;
  // One flush at a time: two workers flushing at once once wrote the same part twice and skipped
  // the next (a 1 M log held 5 parts twice; the observer found each copy, B.6), and a file handle's
  // writes must not overlap either.
  let flushing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> =>
    (flushing = flushing.then(async () => {
      for (let b = done.get(written); b !== undefined; b = done.get(written)) {
        done.delete(written);
        written++;
        await out.write(b);
      }
    }));
  const runWorker = async (): Promise<void> => {
    const worker = new Worker(new URL('./generate-worker-entry.js', import.meta.url));
    try {
      for (;;) {
        const i = nextPart++;
        const p = parts[i];
        if (p === undefined) return;
        const job: GenerateJob = { manifest: sim.manifest, issuers, seed, ...p };
        worker.postMessage(job);
        const [reply] = (await onceMessage(worker)) as [{ entries?: Uint8Array[]; error?: string }];
        if (reply.entries === undefined) throw new Error(`generate worker: ${reply.error ?? '?'}`);
        done.set(i, Buffer.concat(reply.entries.map(framed)));
        await flush();
        log(`made ballots ${p.from}–${p.to} (${Math.round((performance.now() - started) / 1000)} s)`);
      }
    } finally {
      await worker.terminate();
    }
  };
  await Promise.all(Array.from({ length: threads }, runWorker));
  await flush();
  await out.close();
  if (written !== parts.length) throw new Error(`bench: ${written} of ${parts.length} parts written`);
  renameSync(tmp, path.join(dir, 'log.bin'));
  const perRegion: Record<string, number> = {};
  for (let v = 0; v < m; v++) {
    const r = choices(seed, v).region;
    perRegion[r] = (perRegion[r] ?? 0) + 1;
  }
  const generatedSeconds = (performance.now() - started) / 1000;
  const meta: SyntheticLog = {
    file: path.join(dir, 'log.bin'),
    entries: m + 1,
    ballots: m,
    perRegion,
    generatedSeconds,
  };
  writeFileSync(metaFile, JSON.stringify(meta));
  return meta;
}

function onceMessage(w: Worker): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: unknown): void => {
      w.off('error', onError);
      resolve([m]);
    };
    const onError = (e: Error): void => {
      w.off('message', onMessage);
      reject(e);
    };
    w.once('message', onMessage);
    w.once('error', onError);
  });
}

function framed(b: Uint8Array): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(b.length);
  return Buffer.concat([head, b]);
}

/** The cached log's entries, `chunk` at a time, in order. */
export async function* readLog(file: string, chunk: number): AsyncGenerator<Uint8Array[]> {
  let pending: Buffer = Buffer.alloc(0);
  let batch: Uint8Array[] = [];
  for await (const data of createReadStream(file, { highWaterMark: 1 << 20 })) {
    pending = pending.length === 0 ? (data as Buffer) : Buffer.concat([pending, data as Buffer]);
    let at = 0;
    while (pending.length - at >= 4) {
      const len = pending.readUInt32BE(at);
      if (pending.length - at - 4 < len) break;
      batch.push(new Uint8Array(pending.subarray(at + 4, at + 4 + len)));
      at += 4 + len;
      if (batch.length === chunk) {
        yield batch;
        batch = [];
      }
    }
    pending = pending.subarray(at);
  }
  if (pending.length !== 0) throw new Error(`bench: ${file} ends inside an entry`);
  if (batch.length > 0) yield batch;
}
