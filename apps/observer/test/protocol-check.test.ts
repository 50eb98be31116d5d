// The protocol line by line (issue 8, P-7.9, P-10.10): an observer node follows a real log on
// PostgreSQL over HTTP holding a simulated election (packages/election) and its close as the server
// publishes it — tallies, decryptions, results, final lists and one protocol entry per region — and
// recomputes every line of each protocol from its own replica. The honest close raises nothing;
// each forged protocol raises one alarm naming exactly the lines (L.*) that differ, with evidence
// that holds the protocol entry and what backs each line, each leaf proven in a signed checkpoint.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createTestDatabase } from '@opendeg/db/testing';
import type { ElectionRecordOut } from '@opendeg/election';
import { decodeEntry, fromBase64, hashLeaf, type LedgerEntry } from '@opendeg/ledger';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { verifyEvidence, type Evidence } from '../src/evidence.ts';
import { checkElectionEvidence } from '../src/election/election-evidence.ts';
import { recheckProtocolEvidence } from '../src/election/protocol-check.ts';
import { httpLogSource } from '../src/log-source.ts';
import { ObserverNode } from '../src/observer-node.ts';
import {
  ballotEntry,
  closingEntries,
  makeElection,
  manifestEntry,
  type ElectionFixture,
} from './helpers/election-fixture.ts';
import { createTestLog, logSigner, ORIGIN, startLogServer, vkeyOf } from './helpers/log-server.ts';

interface Line {
  line: number;
  value: number;
  candidate?: string;
}

let fx: ElectionFixture;
let record: ElectionRecordOut;
let seed = 20;

/** The final lists as the server publishes them: 77 in `main`, 39 in `late`. */
const finalLists = (issued77 = 3): LedgerEntry[] => [
  {
    type: 'final-lists',
    keyGroup: 'main',
    sha256: '1'.repeat(64),
    regions: [{ region: '77', onList: 5, ballotsIssued: issued77 }],
  },
  {
    type: 'final-lists',
    keyGroup: 'late',
    sha256: '2'.repeat(64),
    regions: [{ region: '39', onList: 4, ballotsIssued: 2 }],
  },
];

/** The honest lines: 77 cast a, a, b; 39 cast a, b (no blank choice on this ballot). */
const honestLines = (): Record<string, Line[]> => ({
  '77': [
    { line: 1, value: 5 },
    { line: 2, value: 3 },
    { line: 3, value: 3 },
    { line: 4, value: 0 },
    { line: 5, value: 2, candidate: 'a' },
    { line: 6, value: 1, candidate: 'b' },
  ],
  '39': [
    { line: 1, value: 4 },
    { line: 2, value: 2 },
    { line: 3, value: 2 },
    { line: 4, value: 0 },
    { line: 5, value: 1, candidate: 'a' },
    { line: 6, value: 1, candidate: 'b' },
  ],
});

const protocolEntries = (lines: Record<string, Line[]>): LedgerEntry[] =>
  Object.entries(lines).map(([region, l]) => ({
    type: 'protocol',
    sha256: '3'.repeat(64),
    publishedAt: '2026-09-20T19:00:00.000Z',
    region,
    lines: l.map((x) => ({ ...x })),
  }));

/** A node over a fresh log of the election, its close and `protocol`: the alarms it raised. */
async function follow(
  close: LedgerEntry[],
): Promise<{ outcome: string; evidence: Evidence[]; afterRestart: { outcome: string; alarms: number } }> {
  const signer = logSigner(seed++);
  const log = await createTestLog(signer);
  await log.append([manifestEntry(fx.sim), ...fx.ballots.map(ballotEntry)]);
  await log.append(close);
  const server = await startLogServer(log.ledger);
  const db = await createTestDatabase({ migrate: false });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'opendeg-protocol-check-'));
  const open = () =>
    ObserverNode.open({
      source: httpLogSource(server.url),
      origin: ORIGIN,
      logKey: vkeyOf(signer),
      pool: db.pool,
      name: 'observer-protocol',
      evidenceDir: dir,
    });
  try {
    const node = await open();
    let outcome: string;
    let evidence: Evidence[];
    try {
      const r = await node.follower.catchUp();
      const alarms = await node.follower.listAlarms();
      evidence = alarms.map((a) => JSON.parse(readFileSync(a.evidenceFile ?? '', 'utf8')) as Evidence);
      outcome = r.kind === 'alarm' ? r.alarm : r.kind;
    } finally {
      await node.close();
    }
    // The node restarted: it replays its replica (state only) and raises nothing a second time.
    const again = await open();
    try {
      const r = await again.follower.catchUp();
      const alarms = await again.follower.listAlarms();
      return {
        outcome,
        evidence,
        afterRestart: { outcome: r.kind === 'alarm' ? r.alarm : r.kind, alarms: alarms.length },
      };
    } finally {
      await again.close();
    }
  } finally {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
    await server.close();
    await log.close();
  }
}

const checks = (e: Evidence | undefined): string[] => (e?.election?.failures ?? []).map((f) => f.check);
const bytesOf = (b64: string | undefined): Uint8Array => {
  const b = b64 === undefined ? undefined : fromBase64(b64);
  if (b === undefined) throw new Error('evidence: a leaf without its entry bytes');
  return b;
};
const typeOf = (e: Evidence, leaf: number): string | undefined => {
  const d = decodeEntry(bytesOf(e.leaves[leaf]?.entry));
  return d.ok ? d.value.type : undefined;
};

/** The line checks re-run offline on the entries an alarm's evidence holds. */
const recheck = (e: Evidence | undefined): string[] => {
  const el = e?.election;
  if (e === undefined || el === undefined) throw new Error('no election evidence');
  const entryAt = (i: number): LedgerEntry => {
    const d = decodeEntry(bytesOf(e.leaves[i]?.entry));
    if (!d.ok) throw new Error(d.error.message);
    return d.value;
  };
  return recheckProtocolEvidence(
    fx.sim.election,
    entryAt(el.entry),
    (el.published ?? []).map(entryAt),
    el.failures,
  ).map((f) => f.check);
};

beforeAll(async () => {
  fx = await makeElection();
  record = await fx.close();
}, 180_000);

afterAll(() => undefined);

describe('the protocol line by line (issue 8)', () => {
  test('P-7.9 P-10.10 the honest close: every line of every region recomputes, nothing is raised', async () => {
    const r = await follow([...finalLists(), ...closingEntries(record), ...protocolEntries(honestLines())]);
    expect(r.evidence).toEqual([]);
    expect(r.outcome).toBe('unchanged');
  });

  test('P-7.1 E.7 key groups close at their own times: the main group’s published close raises nothing while the late group still votes', async () => {
    const main = (x: LedgerEntry): boolean => {
      const body = x[x.type] as { region?: string } | undefined;
      return body?.region === '77';
    };
    const r = await follow([
      ...finalLists().filter((x) => x.keyGroup === 'main'),
      ...closingEntries(record).filter(main),
    ]);
    expect(r.evidence).toEqual([]);
    expect(r.outcome).toBe('unchanged');
    expect(r.afterRestart).toEqual({ outcome: 'unchanged', alarms: 0 });
  });

  test('P-7.9 L.1 a protocol whose line 1 is not the final lists’ is an alarm naming L.1 with the protocol and final-lists entries as evidence', async () => {
    const lines = honestLines();
    const l1 = lines['77']?.[0];
    if (l1 === undefined) throw new Error('fixture');
    l1.value = 6;
    const r = await follow([...finalLists(), ...closingEntries(record), ...protocolEntries(lines)]);
    expect(r.outcome).toBe('record-invalid');
    expect(r.evidence).toHaveLength(1);
    const [e] = r.evidence;
    if (e === undefined) throw new Error('no evidence');
    expect(checks(e)).toEqual(['L.1']);
    expect(r.afterRestart).toEqual({ outcome: 'unchanged', alarms: 1 });
    // Anyone re-runs the line checks on the evidence's own entries, offline.
    expect(recheck(e)).toEqual(['L.1']);
    // And `verify-evidence`'s path: the log's signature, every inclusion, then the line checks.
    const verdict = await verifyEvidence(e, { election: checkElectionEvidence });
    expect(verdict.proven).toBe(true);
    expect(verdict.findings.map((f) => f.en).join(' ')).toContain('L.1 line 1 is 6');
    expect(e.election?.failures[0]?.where).toBe('region 77');
    expect(e.election?.failures[0]?.message).toBe('line 1 is 6, the final lists say 5');
    // The evidence: manifest, the protocol entry, then what backs its lines, each leaf's bytes there.
    const el = e.election;
    if (el === undefined) throw new Error('no election evidence');
    expect(typeOf(e, el.manifest ?? -1)).toBe('manifest');
    expect(typeOf(e, el.entry)).toBe('protocol');
    expect((el.published ?? []).map((i) => typeOf(e, i))).toEqual([
      'final-lists',
      'tally',
      'decryption',
      'result',
    ]);
    for (const leaf of e.leaves) {
      expect(Buffer.from(hashLeaf(bytesOf(leaf.entry))).toString('base64')).toBe(leaf.leafHash);
    }
  });

  test('P-7.9 L.3 L.5 a protocol with one more ballot in the box and one more vote for a candidate (the control relations still hold) is an alarm naming L.3 and L.5, with the region’s counted ballots as evidence', async () => {
    const lines = honestLines();
    const [, l2, l3, , a] = lines['77'] ?? [];
    if (l2 === undefined || l3 === undefined || a === undefined) throw new Error('fixture');
    // Four ballots issued by the final lists (so line 3 ≤ line 2 holds), four claimed in the box.
    l2.value = 4;
    l3.value = 4;
    a.value = 3;
    const r = await follow([...finalLists(4), ...closingEntries(record), ...protocolEntries(lines)]);
    expect(r.outcome).toBe('record-invalid');
    const [e] = r.evidence;
    expect(checks(e)).toEqual(['L.3', 'L.5']);
    expect(e?.election?.failures.map((f) => f.message)).toEqual([
      'line 3 is 4, the node counted 3 ballots in the log',
      'line 5 (a) is 3, the verified result says 2',
    ]);
    const ballots = (e?.election?.published ?? []).filter(
      (i) => e !== undefined && typeOf(e, i) === 'ballot',
    );
    expect(ballots).toHaveLength(3);
    // Offline, with every counted ballot of the region in the evidence, line 3 is recomputed too.
    expect(recheck(e)).toEqual(['L.3', 'L.5']);
  });

  test('P-7.9 L.6 a protocol whose own numbers break the control relations (line 4 + candidates ≠ line 3) is an alarm naming L.6 and the line that differs', async () => {
    const lines = honestLines();
    const b = lines['39']?.[5];
    if (b === undefined) throw new Error('fixture');
    b.value = 0;
    const r = await follow([...finalLists(), ...closingEntries(record), ...protocolEntries(lines)]);
    expect(r.outcome).toBe('record-invalid');
    expect(r.evidence.map(checks)).toEqual([['L.6', 'L.5']]);
    expect(r.evidence[0]?.election?.failures.every((f) => f.where === 'region 39')).toBe(true);
  });

  test('P-7.9 L.4 a protocol backed by no verified result (the region’s result is not published) is an alarm naming L.4', async () => {
    const close = closingEntries(record).filter(
      (x) => !(x.type === 'result' && (x.result as { region?: string }).region === '39'),
    );
    const r = await follow([...finalLists(), ...close, ...protocolEntries(honestLines())]);
    const protocolAlarm = r.evidence.find((e) => checks(e).some((c) => c.startsWith('L.')));
    expect(checks(protocolAlarm)).toEqual(['L.4']);
    expect(protocolAlarm?.election?.failures[0]?.where).toBe('region 39');
  });
});
