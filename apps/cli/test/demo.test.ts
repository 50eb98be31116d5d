// `opendeg demo` as a real process: a whole training election through the HTTP API, from the
// applications to the signed protocol, then cast against counted. The big run is part of the suite
// with DEMO_VOTERS voters (default 2 000, the "a few thousand"): about 1.5 minutes of fixed
// steps — start, key ceremonies, issuer keys, the close — and about 0.15 s each voter's application
// and vote on an idle 2-core machine (500 voters took 114 s at load 1, 3.8 minutes at load 6–10).
// The tamper run alters one region's running tally before the close and the demo must name the
// region and the candidate.
import { execFile } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { BIN, type Run } from './run-cli.ts';

function demo(args: readonly string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'demo', ...args],
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

interface Summary {
  ok: boolean;
  voters: number;
  regions: Record<
    string,
    { onList: number; cast: number; invalid: number; candidates: Record<string, number> }
  >;
  applications: { accepted: number; rejected: number };
  receipts: number;
  challenges: number;
  protocolLine3: number;
  refusedEarly: string | null;
  keyGroups: { keyGroup: string; n: number; k: number }[];
  record: { available: boolean; ok?: boolean; ballots?: number; failures?: string[] };
  discrepancies: string[];
  perVoterMs: number | null;
}

const VOTERS = Number(process.env.DEMO_VOTERS ?? '2000');

describe('opendeg demo', () => {
  test(`P-6.1 P-6.10 P-7.6 P-7.9 P-10.10 a whole election of ${String(VOTERS)} voters through the API: every receipt checks, cast = counted per region and candidate, the record verifies`, async () => {
    const r = await demo(
      ['--voters', String(VOTERS), '--seed', '7', '--json', '--concurrency', '4'],
      3_600_000,
    );
    expect(r.code, r.stderr.slice(-4000)).toBe(0);
    const s = JSON.parse(r.stdout) as Summary;
    expect(s.ok).toBe(true);
    expect(s.discrepancies).toEqual([]);
    expect(s.applications).toEqual({ accepted: VOTERS, rejected: 0 });
    expect(s.receipts).toBe(VOTERS);
    expect(s.protocolLine3).toBe(VOTERS);
    expect(Object.values(s.regions).reduce((n, x) => n + x.cast, 0)).toBe(VOTERS);
    // P-6.1: an attempt in a region not yet open was refused with the stable code.
    expect(s.refusedEarly).toBe('VOTING_NOT_OPEN');
    expect(s.challenges).toBeGreaterThan(0);
    // Both key groups, the late Kaliningrad one included, each with the decision's N and K.
    expect(s.keyGroups).toEqual([
      { keyGroup: 'main', n: 5, k: 3 },
      { keyGroup: 'kaliningrad', n: 5, k: 3 },
    ]);
    // P-10.10: the record, when the server publishes it, verifies and holds every ballot.
    if (s.record.available) {
      expect(s.record.failures).toEqual([]);
      expect(s.record).toMatchObject({ ok: true, ballots: VOTERS });
    }
    // Russian first in the printed protocol.
    expect(r.stderr).toContain('Протокол / Protocol');
    expect(r.stderr).toContain('Число недействительных электронных бюллетеней');
  }, 3_600_000);

  test('P-7.9 P-10.10 a running tally altered before the close: the demo exits 1 naming the region and the candidate', async () => {
    const r = await demo(['--voters', '24', '--seed', '3', '--json', '--tamper', 'count'], 900_000);
    expect(r.code, r.stderr.slice(-3000)).toBe(1);
    const s = JSON.parse(r.stdout) as Summary;
    expect(s.ok).toBe(false);
    const altered = /изменён результат субъекта \/ one result altered in (\S+)\)/.exec(r.stderr)?.[1];
    expect(altered).toBeDefined();
    expect(
      s.discrepancies.some((d) => d.includes(`субъект / region ${altered ?? ''}, кандидат / candidate`)),
    ).toBe(true);
    expect(r.stderr).toContain('РАСХОЖДЕНИЯ / DISCREPANCIES');
  }, 900_000);
});
