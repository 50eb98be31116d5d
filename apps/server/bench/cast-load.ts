// The load generator of the cast benchmark, run as a child process (node:child_process fork) so that
// the server under test and the client share no event loop. It prepares every ballot before the
// timed phases (a blind-signed credential from the region's issuer, an encrypted vote, the
// credential's signature: what a voter's device does), then on the parent's word either sends a
// batch as fast as `concurrency` connections allow (sustained ballots/s) or sends at a fixed rate,
// open-loop, and records each ballot's latency.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Backend } from '@opendeg/crypto';
import { blindSign } from '@opendeg/crypto/node';
import {
  castBallot,
  encryptVote,
  finishCredential,
  openElection,
  parseManifest,
  requestCredential,
  type BallotJson,
} from '@opendeg/election';

export type LoadCommand =
  | {
      readonly kind: 'prepare';
      readonly manifest: unknown;
      readonly issuers: Readonly<Record<string, string>>;
      readonly regions: readonly string[];
      readonly count: number;
      readonly backend: Backend;
      /** How many extra ballots to send back for the server-side validation figure (never cast). */
      readonly sample: number;
      /** Modules to import first (a group backend that registers itself). */
      readonly preload: readonly string[];
      /** A file of ballots prepared for this manifest by an earlier run: read, or written when absent. */
      readonly cacheFile?: string;
    }
  | {
      readonly kind: 'sustained';
      readonly baseUrl: string;
      readonly from: number;
      readonly to: number;
      readonly concurrency: number;
    }
  | {
      readonly kind: 'fixed';
      readonly baseUrl: string;
      readonly from: number;
      readonly to: number;
      readonly perSecond: number;
    };

export type LoadReply =
  | {
      readonly kind: 'prepared';
      readonly count: number;
      readonly seconds: number;
      readonly sample: readonly string[];
    }
  | {
      readonly kind: 'sustained';
      readonly ok: number;
      readonly failed: number;
      readonly seconds: number;
      readonly statuses: Record<string, number>;
    }
  | {
      readonly kind: 'fixed';
      readonly ok: number;
      readonly failed: number;
      readonly latenciesMs: number[];
      readonly seconds: number;
      readonly statuses: Record<string, number>;
    };

const ballots: string[] = [];

async function prepare(c: Extract<LoadCommand, { kind: 'prepare' }>): Promise<LoadReply> {
  const t0 = performance.now();
  if (c.cacheFile !== undefined && existsSync(c.cacheFile)) {
    const cached = JSON.parse(readFileSync(c.cacheFile, 'utf8')) as string[];
    if (cached.length >= c.count) {
      ballots.push(...cached.slice(0, c.count));
      return {
        kind: 'prepared',
        count: ballots.length,
        seconds: (performance.now() - t0) / 1000,
        sample: ballots.slice(-c.sample),
      };
    }
  }
  for (const m of c.preload) await import(m);
  const election = await openElection(parseManifest(c.manifest), { backend: c.backend });
  const keys = new Map<string, KeyObject>(
    Object.entries(c.issuers).map(([r, pem]) => [r, createPrivateKey(pem)]),
  );
  const options = election.regions.get(c.regions[0] ?? '')?.style.questions[0]?.options ?? [];
  for (let i = 0; i < c.count; i++) {
    const region = c.regions[i % c.regions.length] ?? '';
    const key = keys.get(region);
    if (key === undefined) throw new Error(`no issuer for ${region}`);
    const { blindedMessage, pending } = await requestCredential(election, region);
    const credential = await finishCredential(election, pending, blindSign(key, blindedMessage));
    const choice = options[i % options.length]?.id ?? '';
    const vote = encryptVote(election, region, [[choice]]);
    const ballot: BallotJson = castBallot(election, vote.json, credential);
    ballots.push(JSON.stringify(ballot));
    if (i % 250 === 0) process.stderr.write(`[cast bench] prepared ${i}/${c.count}\n`);
  }
  if (c.cacheFile !== undefined) writeFileSync(c.cacheFile, JSON.stringify(ballots));
  return {
    kind: 'prepared',
    count: ballots.length,
    seconds: (performance.now() - t0) / 1000,
    sample: ballots.slice(-c.sample),
  };
}

async function send(baseUrl: string, body: string): Promise<number> {
  const r = await fetch(`${baseUrl}/api/box/ballots`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  await r.arrayBuffer();
  return r.status;
}

async function sustained(c: Extract<LoadCommand, { kind: 'sustained' }>): Promise<LoadReply> {
  let next = c.from;
  let ok = 0;
  let failed = 0;
  const statuses: Record<string, number> = {};
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: c.concurrency }, async () => {
      while (next < c.to) {
        const body = ballots[next++] ?? '';
        const status = await send(c.baseUrl, body).catch(() => 0);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status === 201) ok++;
        else failed++;
      }
    }),
  );
  return { kind: 'sustained', ok, failed, seconds: (performance.now() - t0) / 1000, statuses };
}

async function fixed(c: Extract<LoadCommand, { kind: 'fixed' }>): Promise<LoadReply> {
  const latenciesMs: number[] = [];
  const statuses: Record<string, number> = {};
  let ok = 0;
  let failed = 0;
  const interval = 1000 / c.perSecond;
  const t0 = performance.now();
  const sends: Promise<void>[] = [];
  for (let i = c.from; i < c.to; i++) {
    const due = t0 + (i - c.from) * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const body = ballots[i] ?? '';
    // Open loop: latency counts from when the ballot was due, so a stalled server cannot hide it.
    sends.push(
      send(c.baseUrl, body)
        .catch(() => 0)
        .then((status) => {
          latenciesMs.push(performance.now() - due);
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status === 201) ok++;
          else failed++;
        }),
    );
  }
  await Promise.all(sends);
  return { kind: 'fixed', ok, failed, latenciesMs, seconds: (performance.now() - t0) / 1000, statuses };
}

process.on('message', (m: LoadCommand) => {
  const run = m.kind === 'prepare' ? prepare(m) : m.kind === 'sustained' ? sustained(m) : fixed(m);
  run.then(
    (reply) => process.send?.(reply),
    (e: unknown) => {
      process.stderr.write(`[cast bench] load generator failed: ${String(e)}\n`);
      process.exit(1);
    },
  );
});
