// Issued against cast (P-11.10.4, P-10.2): the node holds the server's published figures against
// its replica, exactly at the tree size the figures carry, or (figures without one) bracketed by
// two checkpoints it verified. A real log on PostgreSQL over HTTP, the
// node's own PostgreSQL and HTTP interface, and the figures served over real HTTP by a stand-in
// whose document each case sets (the real server's figures are in server-multi-process.test.ts).

import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { createTestDatabase, type TestDatabase } from '@opendeg/db/testing';
import type { BallotJson } from '@opendeg/election';
import { toBase64, type StoredCheckpoint } from '@opendeg/ledger';
import { verifyEvidence, type Evidence } from '../src/evidence.ts';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import {
  compareFigures,
  verifyIssuedVsCastEvidence,
  type FiguresEvidence,
  type IssuedVsCastReport,
} from '../src/election/issued-vs-cast.ts';
import { buildObserverApp, type StatusBody } from '../src/http/app.ts';
import { httpLogSource } from '../src/log-source.ts';
import { ObserverNode } from '../src/observer-node.ts';
import { main } from '../src/cli/main.ts';
import { ensureObserverSchema } from '../src/store/schema.ts';
import {
  ballotEntry,
  makeElection,
  manifestEntry,
  verificationEntry,
  type ElectionFixture,
} from './helpers/election-fixture.ts';
import {
  createTestLog,
  logSigner,
  ORIGIN,
  startLogServer,
  vkeyOf,
  type LogServer,
  type TestLog,
} from './helpers/log-server.ts';

const vkey = vkeyOf(logSigner());
const SETTLE_MS = 250;
/** How long an exact comparison waits for the node to verify the figures' size. */
const WAIT_MS = 1500;

interface FiguresDoc {
  totals: { ballotsCast?: number };
  ledger?: { treeSize: number; rootHash: string; checkpoint: string };
  regions: { code: string; ballotsIssued: number; ballotsCast?: number }[];
}
const doc = (regions: Record<string, [issued: number, cast?: number]>): FiguresDoc => ({
  totals: Object.values(regions).some(([, c]) => c !== undefined)
    ? { ballotsCast: Object.values(regions).reduce((s, [, c]) => s + (c ?? 0), 0) }
    : {},
  regions: Object.entries(regions).map(([code, [issued, cast]]) => ({
    code,
    ballotsIssued: issued,
    ...(cast === undefined ? {} : { ballotsCast: cast }),
  })),
});

/** The figures stand-in: each request is answered by the current handler. */
let answer: () => Promise<{ status: number; body: string }> = () =>
  Promise.resolve({ status: 503, body: 'not yet' });
let figuresServer: http.Server;
let figuresUrl: string;

let fx: ElectionFixture;
let log: TestLog;
let logServer: LogServer;
let db: TestDatabase;
let evidenceDir: string;
let node: ObserverNode;
let app: FastifyInstance;
let nodeUrl: string;
let bare: { node: ObserverNode; app: FastifyInstance; db: TestDatabase; url: string };

async function openNode(
  database: TestDatabase,
  dir: string,
  withFigures: boolean,
): Promise<{ node: ObserverNode; app: FastifyInstance; url: string }> {
  const n = await ObserverNode.open({
    source: httpLogSource(logServer.url),
    origin: ORIGIN,
    logKey: vkey,
    pool: database.pool,
    name: 'observer-figures',
    evidenceDir: dir,
    ...(withFigures ? { figuresUrl, figuresSettleMs: SETTLE_MS, figuresWaitMs: WAIT_MS } : {}),
  });
  const a = buildObserverApp(n);
  const url = await a.listen({ host: '127.0.0.1', port: 0 });
  return { node: n, app: a, url };
}

beforeAll(async () => {
  fx = await makeElection();
  log = await createTestLog(logSigner());
  logServer = await startLogServer(log.ledger);
  figuresServer = http.createServer((_req, res) => {
    void answer().then((r) => {
      res.writeHead(r.status, { 'content-type': 'application/json' });
      res.end(r.body);
    });
  });
  figuresServer.listen(0, '127.0.0.1');
  await once(figuresServer, 'listening');
  figuresUrl = `http://127.0.0.1:${(figuresServer.address() as AddressInfo).port}/api/figures`;
  db = await createTestDatabase({ migrate: false });
  evidenceDir = mkdtempSync(path.join(os.tmpdir(), 'opendeg-figures-'));
  ({ node, app, url: nodeUrl } = await openNode(db, evidenceDir, true));
  const bareDb = await createTestDatabase({ migrate: false });
  bare = { ...(await openNode(bareDb, evidenceDir, false)), db: bareDb };
  // 39: two ballots, 77: two of three for now (the third arrives during a figures request).
  const [b0, b1, b2, b3] = fx.ballots as BallotJson[];
  await log.append([manifestEntry(fx.sim), ...[b0, b1, b2, b3].map((b) => ballotEntry(b as BallotJson))]);
  expect((await node.follower.catchUp()).kind).toBe('unchanged');
}, 180_000);

afterAll(async () => {
  for (const n of [{ node, app, db }, bare]) {
    await n.app.close();
    await n.node.close();
    await n.db.drop();
  }
  rmSync(evidenceDir, { recursive: true, force: true });
  figuresServer.closeAllConnections();
  figuresServer.close();
  await logServer.close();
  await log.close();
});

const serve = (d: FiguresDoc): void => {
  answer = () => Promise.resolve({ status: 200, body: JSON.stringify(d) });
};

describe('compareFigures: both sides of each bound', () => {
  const m = (o: Record<string, number>): Map<string, number> => new Map(Object.entries(o));

  test('P-11.10.4 F.1 published cast below the replica before the figures: equal is fine, one less is a violation', () => {
    expect(compareFigures(doc({ '77': [5, 3] }), m({ '77': 3 }), m({ '77': 3 })).violations).toEqual([]);
    const v = compareFigures(doc({ '77': [5, 2] }), m({ '77': 3 }), m({ '77': 3 })).violations;
    expect(v.map((x) => `${x.check} ${x.region}`)).toEqual(['F.1 77']);
  });

  test('P-11.10.4 F.2 published cast above the replica after the figures: equal is fine, one more is a violation', () => {
    expect(compareFigures(doc({ '77': [5, 4] }), m({ '77': 3 }), m({ '77': 4 })).violations).toEqual([]);
    const v = compareFigures(doc({ '77': [5, 5] }), m({ '77': 3 }), m({ '77': 4 })).violations;
    expect(v.map((x) => `${x.check} ${x.region}`)).toEqual(['F.2 77']);
  });

  test('P-11.10.4 F.3 more ballots in the log than issued: equal is fine, one more is a violation; an unpublished region issued none', () => {
    expect(compareFigures(doc({ '77': [3, 3] }), m({ '77': 3 }), m({ '77': 3 })).violations).toEqual([]);
    const v = compareFigures(doc({ '77': [2, 3] }), m({ '77': 3, '39': 1 }), m({ '77': 3, '39': 1 }));
    expect(v.violations.map((x) => `${x.check} ${x.region}`)).toEqual(['F.1 39', 'F.3 39', 'F.3 77']);
    expect(v.regions.find((r) => r.region === '39')).toEqual({
      region: '39',
      issued: 0,
      publishedCast: 0,
      castBefore: 1,
      castAfter: 1,
    });
  });

  test('P-11.10.4 figures without a ballot box (no ballotsCast) are held to F.3 only', () => {
    expect(compareFigures(doc({ '77': [3] }), m({ '77': 3 }), m({ '77': 9 })).violations).toEqual([]);
    expect(
      compareFigures(doc({ '77': [2] }), m({ '77': 3 }), m({ '77': 3 })).violations.map((x) => x.check),
    ).toEqual(['F.3']);
  });
});

describe('the node against the figures', () => {
  test('P-11.10.4 the log at rest: the published cast equals the replica exactly, and the figures were requested settleMs after the before checkpoint', async () => {
    serve(doc({ '39': [3, 2], '77': [2, 2], '16': [0, 0] }));
    const r = await node.figures?.check();
    expect(r?.state).toBe('ok');
    expect(r?.mode).toBe('bracket');
    expect(r?.treeSize).toBeNull();
    expect(r?.exact).toBe(true);
    expect(r?.regions.map((x) => [x.region, x.issued, x.publishedCast, x.castBefore, x.castAfter])).toEqual([
      ['16', 0, 0, 0, 0],
      ['39', 3, 2, 2, 2],
      ['77', 2, 2, 2, 2],
    ]);
    const before = r?.before;
    expect(before?.size).toBe(5);
    expect(Date.parse(r?.requestedAt ?? '') - Date.parse(before?.verifiedAt ?? '')).toBeGreaterThanOrEqual(
      SETTLE_MS,
    );
    expect(Date.parse(r?.after?.verifiedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(r?.receivedAt ?? ''));
  });

  test('P-11.10.4 the log moves while the figures are read: a ballot the box counted after the before checkpoint is within the bracket, not an alarm', async () => {
    answer = async () => {
      // The box appends (and checkpoints) a ballot, then counts it; the figures are read after.
      await log.append([ballotEntry(fx.ballots[4] as BallotJson)]);
      return { status: 200, body: JSON.stringify(doc({ '39': [3, 2], '77': [4, 3] })) };
    };
    const r = (await node.figures?.check()) as IssuedVsCastReport;
    expect(r.state).toBe('ok');
    expect(r.exact).toBe(false);
    expect([r.before?.size, r.after?.size]).toEqual([5, 6]);
    expect(r.regions.find((x) => x.region === '77')).toMatchObject({
      castBefore: 2,
      castAfter: 3,
      publishedCast: 3,
    });
    expect(node.alarmTotal).toBe(0);
  });

  test('P-11.10.4 figures that cannot be read or no verified checkpoint after them: nothing is compared, nothing is raised', async () => {
    answer = () => Promise.resolve({ status: 500, body: 'down' });
    const down = (await node.figures?.check()) as IssuedVsCastReport;
    expect(down.state).toBe('unverified');
    expect(down.reason?.en).toContain('HTTP 500');
    answer = () => Promise.resolve({ status: 200, body: '{"regions":"?"}' });
    const garbled = (await node.figures?.check()) as IssuedVsCastReport;
    expect(garbled.state).toBe('unverified');
    expect(garbled.reason?.en).toContain('do not parse');
    logServer.failWith(503);
    serve(doc({ '39': [3, 2], '77': [4, 3] }));
    try {
      const unreachable = (await node.figures?.check()) as IssuedVsCastReport;
      expect(unreachable.state).toBe('unverified');
      expect(unreachable.reason?.en).toContain('no checkpoint verified after the figures');
    } finally {
      logServer.failWith(undefined);
    }
    expect(node.alarmTotal).toBe(0);
  });

  test('P-11.10.4 a cast figure above the log and more ballots than issued: a figures-mismatch alarm with the figures as fetched, the two checkpoints and the counts, re-checked offline', async () => {
    serve(doc({ '39': [1, 2], '77': [4, 4] }));
    const r = (await node.figures?.check()) as IssuedVsCastReport;
    expect(r.state).toBe('violation');
    expect(r.violations.map((v) => `${v.check} ${v.region}`)).toEqual(['F.3 39', 'F.2 77']);
    expect(r.evidenceFile).toBeDefined();
    expect(node.alarmTotal).toBe(1);
    // The same violation again stays one alarm.
    await node.figures?.check();
    expect(node.alarmTotal).toBe(1);

    const status = (await (await fetch(`${nodeUrl}/status`)).json()) as StatusBody;
    expect(status.state).toBe('alarm');
    const alarms = (await (await fetch(`${nodeUrl}/alarms`)).json()) as { id: number; kind: string }[];
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.kind).toBe('figures-mismatch');

    const evidence = JSON.parse(readFileSync(r.evidenceFile as string, 'utf8')) as FiguresEvidence;
    expect(JSON.parse(evidence.figures.body)).toEqual(doc({ '39': [1, 2], '77': [4, 4] }));
    expect(evidence.checkpoints.map((c) => c.size)).toEqual([6, 6]);
    expect(evidence.replica).toEqual({ before: { '39': 2, '77': 3 }, after: { '39': 2, '77': 3 } });
    const stored = (await (
      await fetch(`${nodeUrl}/alarms/${String(alarms[0]?.id)}/evidence`)
    ).json()) as unknown;
    expect(stored).toEqual(evidence);

    const verdict = verifyIssuedVsCastEvidence(evidence, { trustedLogKey: vkey });
    expect(verdict.problems).toEqual([]);
    expect(verdict.proven).toBe(true);
    // Another key, doctored figures, or a before checkpoint too close to the request: not proven.
    expect(verifyIssuedVsCastEvidence(evidence, { trustedLogKey: vkeyOf(logSigner(8)) }).proven).toBe(false);
    const honest = {
      ...evidence,
      figures: { ...evidence.figures, body: JSON.stringify(doc({ '39': [2, 2], '77': [4, 3] })) },
    };
    expect(verifyIssuedVsCastEvidence(honest).problems).toContain(
      'the figures and the replica counts show no violation',
    );
    const hasty = { ...evidence, settleMs: 24 * 3600 * 1000 };
    expect(verifyIssuedVsCastEvidence(hasty).proven).toBe(false);
    const late = {
      ...evidence,
      checkpoints: [
        evidence.checkpoints[0],
        { ...evidence.checkpoints[1], verifiedAt: '2000-01-01T00:00:00.000Z' },
      ],
    };
    expect(verifyIssuedVsCastEvidence(late).problems).toContain(
      'the after checkpoint was not verified after the figures arrived',
    );

    // The CLI re-checks it too (verify-evidence dispatches on the format).
    let out = '';
    const io = { stdout: (t: string) => (out += t), stderr: () => undefined };
    expect(await main(['verify-evidence', r.evidenceFile as string, '--log-key', vkey], io)).toBe(0);
    expect(out).toContain('region 77: 4 ballots cast published, the log holds only 3');
  });

  test('P-11.10.4 the query over HTTP and the CLI: the latest comparison, a fresh one on request; a node without figures says so', async () => {
    serve(doc({ '39': [3, 2], '77': [4, 3] }));
    const res = await fetch(`${nodeUrl}/issued-vs-cast?fresh=true`);
    expect(res.status).toBe(200);
    const r = (await res.json()) as IssuedVsCastReport;
    expect(r.state).toBe('ok');
    expect(r.exact).toBe(true);
    let out = '';
    let err = '';
    const io = { stdout: (t: string) => (out += t), stderr: (t: string) => (err += t) };
    expect(await main(['query', nodeUrl, 'issued-vs-cast'], io)).toBe(0);
    expect((JSON.parse(out) as IssuedVsCastReport).state).toBe('ok');
    expect(err).toContain('77: issued 4, cast published 3, log 3…3');
    serve(doc({ '39': [3, 1], '77': [4, 3] }));
    out = '';
    expect(await main(['query', nodeUrl, 'issued-vs-cast'], io)).toBe(1);
    expect((JSON.parse(out) as IssuedVsCastReport).violations.map((v) => v.check)).toEqual(['F.1']);

    const none = await fetch(`${bare.url}/issued-vs-cast`);
    expect(none.status).toBe(404);
    expect(((await none.json()) as { code: string }).code).toBe('FIGURES_NOT_FOLLOWED');
    const bad = await fetch(`${nodeUrl}/issued-vs-cast?fresh=maybe`);
    expect(bad.status).toBe(400);
  });
});

/** The figures as a server that counts at a tree size sends them. */
const at = (d: FiguresDoc, cp: StoredCheckpoint, size = cp.size): FiguresDoc => ({
  ...d,
  ledger: { treeSize: size, rootHash: toBase64(cp.root), checkpoint: cp.note },
});

describe('exact, at the tree size the figures carry', () => {
  // The log holds the manifest and five ballots (39: 2, 77: 3); the node has verified all six.
  let cp6: StoredCheckpoint;
  const io = (): { io: { stdout: (t: string) => void; stderr: (t: string) => void }; out: () => string } => {
    let text = '';
    return {
      io: { stdout: (t: string) => (text += t), stderr: (t: string) => (text += t) },
      out: () => text,
    };
  };

  beforeAll(async () => {
    expect((await node.follower.catchUp()).kind).toBe('unchanged');
    cp6 = log.ledger.checkpoint();
    expect(cp6.size).toBe(6);
  });

  test('P-11.10.4 F.1 F.2 at the exact size the published cast equals the replica: no settle wait, and still exact once the log has moved on', async () => {
    serve(at(doc({ '39': [3, 2], '77': [4, 3] }), cp6));
    const t0 = Date.now();
    const r = (await node.figures?.check()) as IssuedVsCastReport;
    expect(r.state).toBe('ok');
    expect([r.mode, r.treeSize, r.exact, r.before?.size, r.after?.size]).toEqual(['exact', 6, true, 6, 6]);
    expect(r.regions.map((x) => [x.region, x.issued, x.publishedCast, x.castBefore, x.castAfter])).toEqual([
      ['39', 3, 2, 2, 2],
      ['77', 4, 3, 3, 3],
    ]);
    // No bracket: nothing waited for a settle period after the last checkpoint.
    expect(Date.now() - t0).toBeLessThan(SETTLE_MS + 2000);
    // The log moves on (not a ballot): the figures of size 6 are still compared at size 6.
    await log.append([verificationEntry('after the figures')]);
    expect((await node.follower.catchUp()).kind).toBe('unchanged');
    expect(node.follower.size).toBe(7);
    const later = (await node.figures?.check()) as IssuedVsCastReport;
    expect([later.state, later.treeSize, later.before?.size]).toEqual(['ok', 6, 6]);
  });

  test('P-11.10.4 F.1 F.2 one more and one fewer cast in a region than the log holds at that size: figures-mismatch alarms whose evidence verify-evidence accepts', async () => {
    const alarmsBefore = node.alarmTotal;
    const found: { check: string; file: string; published: number }[] = [];
    for (const published of [4, 2]) {
      serve(at(doc({ '39': [3, 2], '77': [4, published] }), cp6));
      const r = (await node.figures?.check()) as IssuedVsCastReport;
      expect(r.state).toBe('violation');
      expect(r.mode).toBe('exact');
      expect(r.violations.map((v) => `${v.check} ${v.region}`)).toEqual([
        published > 3 ? 'F.2 77' : 'F.1 77',
      ]);
      found.push({ check: r.violations[0]?.check ?? '', file: r.evidenceFile as string, published });
    }
    expect(node.alarmTotal).toBe(alarmsBefore + 2);
    const alarms = (await (await fetch(`${nodeUrl}/alarms`)).json()) as { kind: string }[];
    expect(alarms.slice(-2).map((a) => a.kind)).toEqual(['figures-mismatch', 'figures-mismatch']);
    for (const f of found) {
      const evidence = JSON.parse(readFileSync(f.file, 'utf8')) as FiguresEvidence;
      expect(evidence.kind).toBe('figures-mismatch');
      expect(evidence.mode).toBe('exact');
      expect(evidence.treeSize).toBe(6);
      expect(evidence.checkpoints.map((c) => [c.size, c.note])).toEqual([[6, cp6.note]]);
      expect(evidence.replica.before).toEqual({ '39': 2, '77': 3 });
      expect(verifyIssuedVsCastEvidence(evidence, { trustedLogKey: vkey }).problems).toEqual([]);
      const cli = io();
      expect(await main(['verify-evidence', f.file, '--log-key', vkey], cli.io)).toBe(0);
      expect(cli.out()).toContain(
        f.published > 3
          ? 'region 77: 4 ballots cast published, the log holds only 3'
          : 'region 77: 2 ballots cast published, the log already holds 3',
      );
    }
    // Doctored: the published figure put right, the figures naming another signed tree, another
    // size claimed, or the log key swapped — not proven.
    const evidence = JSON.parse(readFileSync(found[0]?.file as string, 'utf8')) as FiguresEvidence;
    const body = (d: FiguresDoc): FiguresEvidence => ({
      ...evidence,
      figures: { ...evidence.figures, body: JSON.stringify(d) },
    });
    expect(verifyIssuedVsCastEvidence(body(at(doc({ '39': [3, 2], '77': [4, 3] }), cp6))).problems).toContain(
      'the figures and the replica counts show no violation',
    );
    const cp7 = log.ledger.checkpoint();
    expect(verifyIssuedVsCastEvidence(body(at(doc({ '39': [3, 2], '77': [4, 4] }), cp7))).problems).toContain(
      'the figures do not name the signed tree of size 6',
    );
    expect(verifyIssuedVsCastEvidence({ ...evidence, treeSize: 7 }).proven).toBe(false);
    expect(verifyIssuedVsCastEvidence(evidence, { trustedLogKey: vkeyOf(logSigner(8)) }).proven).toBe(false);

    // The node's state, its query and the CLI name the kind.
    expect(((await (await fetch(`${nodeUrl}/status`)).json()) as StatusBody).state).toBe('alarm');
    const q = io();
    expect(await main(['query', nodeUrl, 'issued-vs-cast'], q.io)).toBe(1);
    expect(q.out()).toContain('ТРЕВОГА / ALARM figures-mismatch (точно при размере / exact at size 6)');
  });

  test('P-11.10.4 figures at a size the node has not verified yet are waited for, not alarmed; past the wait they are not compared', async () => {
    const alarmsBefore = node.alarmTotal;
    await log.append([verificationEntry('ahead of the node')]);
    const cp8 = log.ledger.checkpoint();
    expect([cp8.size, node.follower.size]).toEqual([8, 7]);
    serve(at(doc({ '39': [3, 2], '77': [4, 3] }), cp8));
    // The log cannot be reached for a while: the node keeps polling until it has size 8.
    logServer.failWith(503);
    const back = setTimeout(() => {
      logServer.failWith(undefined);
    }, 600);
    const t0 = Date.now();
    try {
      const r = (await node.figures?.check()) as IssuedVsCastReport;
      expect([r.state, r.mode, r.treeSize]).toEqual(['ok', 'exact', 8]);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(550);
      expect(node.follower.size).toBe(8);
    } finally {
      clearTimeout(back);
      logServer.failWith(undefined);
    }
    // Figures ahead of the node with a cast figure the log will not hold: while the node cannot
    // verify that size nothing is compared, nothing is raised.
    await log.append([verificationEntry('further ahead')]);
    const cp9 = log.ledger.checkpoint();
    serve(at(doc({ '39': [3, 2], '77': [4, 9] }), cp9));
    logServer.failWith(503);
    try {
      const r = (await node.figures?.check()) as IssuedVsCastReport;
      expect(r.state).toBe('unverified');
      expect(r.reason?.en).toContain('has not verified the tree of size 9 yet');
      expect(r.violations).toEqual([]);
    } finally {
      logServer.failWith(undefined);
    }
    expect(node.alarmTotal).toBe(alarmsBefore);
  });

  test("P-11.10.4 a size without the log's signature of it is not compared, and figures without a size go back to the bracket", async () => {
    expect((await node.follower.catchUp()).kind).toBe('unchanged');
    const alarmsBefore = node.alarmTotal;
    // The size-6 checkpoint claimed for size 5: not the log's statement about size 5.
    serve(at(doc({ '39': [3, 2], '77': [4, 9] }), cp6, 5));
    const forged = (await node.figures?.check()) as IssuedVsCastReport;
    expect(forged.state).toBe('unverified');
    expect(forged.reason?.en).toContain("not the log's signed checkpoint of size 5");
    serve(doc({ '39': [3, 2], '77': [4, 3] }));
    const r = (await node.figures?.check()) as IssuedVsCastReport;
    expect([r.state, r.mode, r.treeSize, r.exact]).toEqual(['ok', 'bracket', null, true]);
    expect(r.before?.size).toBe(9);
    expect(node.alarmTotal).toBe(alarmsBefore);
  });
});

describe('a split view: the figures name a tree the log does not serve the node', () => {
  test("P-10.10 P-11.10.4 a log-signed root in the figures other than the node's at that size is a fork alarm, proven offline from signatures alone (same size, and below it by consistency proof)", async () => {
    expect((await node.follower.catchUp()).kind).toBe('unchanged');
    const m = node.follower.size;
    const honest = log.ledger.checkpoint();
    expect(honest.size).toBe(m);
    // The same key signs another history: the public is shown that one, the node is served this.
    const other = await createTestLog(logSigner());
    try {
      await other.append([verificationEntry('another history'), verificationEntry('another, 2')]);
      const small = other.ledger.checkpoint();
      const rest = Array.from({ length: m - small.size }, (_, i) => verificationEntry(`another, ${i + 3}`));
      await other.append(rest);
      const same = other.ledger.checkpoint();
      expect([small.size, same.size]).toEqual([2, m]);

      const before = node.alarmTotal;
      const files: string[] = [];
      for (const cp of [same, small]) {
        serve(at(doc({ '39': [3, 2], '77': [4, 3] }), cp));
        const r = (await node.figures?.check()) as IssuedVsCastReport;
        expect([r.state, r.mode, r.treeSize]).toEqual(['unverified', 'exact', cp.size]);
        expect(r.reason?.en).toContain('the log shows different trees to different parties (fork alarm)');
        const alarms = (await (await fetch(`${nodeUrl}/alarms`)).json()) as {
          kind: string;
          evidenceFile: string | null;
        }[];
        const last = alarms.at(-1);
        expect(last?.kind).toBe('fork');
        files.push(last?.evidenceFile as string);
      }
      expect(node.alarmTotal).toBe(before + 2);
      // The same figures again: the alarm is not raised twice.
      expect(((await node.figures?.check()) as IssuedVsCastReport).state).toBe('unverified');
      expect(node.alarmTotal).toBe(before + 2);

      const [sameFile, smallFile] = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Evidence) as [
        Evidence,
        Evidence,
      ];
      const sameVerdict = await verifyEvidence(sameFile, { trustedLogKey: vkey });
      expect(sameVerdict.problems).toEqual([]);
      expect(sameVerdict.findings.map((f) => f.en)).toContain(
        `the log signed two different trees of size ${m}: a fork, proven`,
      );
      const smallVerdict = await verifyEvidence(smallFile, { trustedLogKey: vkey });
      expect(smallVerdict.problems).toEqual([]);
      expect(smallVerdict.findings.map((f) => f.en).join('\n')).toContain(
        `gives its first 2 entries another root: a fork, proven`,
      );
      const cli = {
        out: '',
        io: { stdout: (t: string) => (cli.out += t), stderr: (t: string) => (cli.out += t) },
      };
      expect(await main(['verify-evidence', files[1] as string, '--log-key', vkey], cli.io)).toBe(0);

      // Doctored: the signed root of size 2 put in as the prefix root (no fork), the proof cut, the
      // two trees named the other way round — none proven.
      const c = smallFile.consistency as NonNullable<Evidence['consistency']>;
      expect(c.proof.length).toBeGreaterThan(0);
      const doctored: Evidence[] = [
        { ...smallFile, consistency: { ...c, olderRoot: toBase64(small.root) } },
        { ...smallFile, consistency: { ...c, proof: c.proof.slice(1) } },
        { ...smallFile, consistency: { ...c, older: 1, newer: 0 } },
      ];
      for (const d of doctored) expect((await verifyEvidence(d, { trustedLogKey: vkey })).proven).toBe(false);

      // A checkpoint the log did not sign is refused, and one the node agrees with is consistent.
      expect((await node.follower.compareForeign(small.note.replace('2\n', '3\n'), 'test')).kind).toBe(
        'refused',
      );
      expect(await node.follower.compareForeign(honest.note, 'test')).toEqual({
        kind: 'consistent',
        size: m,
      });
      expect(node.alarmTotal).toBe(before + 2);
    } finally {
      await other.close();
    }
  });
});

describe('the alarm store', () => {
  test('a store made before figures-mismatch existed takes the new kind at the next start, and still refuses unknown kinds', async () => {
    const old = await createTestDatabase({ migrate: false });
    try {
      // observer_alarm as earlier nodes created it.
      await old.pool.query(`CREATE TABLE observer_alarm (
        id bigserial PRIMARY KEY, origin text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('fork', 'shrink', 'rewritten-entry', 'missing-entry',
                                           'tiles-invalid', 'invalid-entry', 'record-invalid')),
        detected_ms bigint NOT NULL CHECK (detected_ms >= 0), message_ru text NOT NULL,
        message_en text NOT NULL, fingerprint text NOT NULL, evidence jsonb NOT NULL,
        evidence_file text, UNIQUE (origin, fingerprint))`);
      const insert = (kind: string, n: number): Promise<unknown> =>
        old.pool.query(
          `INSERT INTO observer_alarm (origin, kind, detected_ms, message_ru, message_en, fingerprint, evidence)
           VALUES ('o', $1, 0, 'т', 't', $2, '{}')`,
          [kind, `f${String(n)}`],
        );
      await insert('fork', 1);
      await expect(insert('figures-mismatch', 2)).rejects.toThrow(/observer_alarm_kind_check/);
      await ensureObserverSchema(old.pool);
      await ensureObserverSchema(old.pool);
      await insert('figures-mismatch', 3);
      await expect(insert('bogus', 4)).rejects.toThrow(/observer_alarm_kind_check/);
      const kinds = await old.pool.query<{ kind: string }>('SELECT kind FROM observer_alarm ORDER BY id');
      expect(kinds.rows.map((x) => x.kind)).toEqual(['fork', 'figures-mismatch']);
    } finally {
      await old.drop();
    }
  });

  test('the entry index of an earlier store takes the cheaper tracker checks at the next start; they refuse what the old ones refused', async () => {
    const old = await createTestDatabase({ migrate: false });
    try {
      // observer_entry as earlier nodes created it, with a row.
      await old.pool.query(`CREATE TABLE observer_entry (
        origin text NOT NULL, idx bigint NOT NULL CHECK (idx >= 0), type text NOT NULL,
        status text NOT NULL, region text,
        tracker text CHECK (tracker ~ '^[0-9a-f]{64}$'),
        tracker_code text CHECK (tracker_code ~ '^[0-9]{4}(-[0-9]{4}){4}$'),
        PRIMARY KEY (origin, idx))`);
      let n = 0;
      const insert = (tracker: string | null, code: string | null): Promise<unknown> =>
        old.pool.query(
          `INSERT INTO observer_entry (origin, idx, type, status, tracker, tracker_code)
           VALUES ('o', $1, 'ballot', 'counted', $2, $3)`,
          [n++, tracker, code],
        );
      await insert('ab'.repeat(32), '1234-5678-9012-3456-7890');
      await ensureObserverSchema(old.pool);
      await ensureObserverSchema(old.pool);
      const defs = await old.pool.query<{ def: string }>(
        `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint
         WHERE conrelid = 'observer_entry'::regclass AND conname LIKE 'observer_entry_tracker%'`,
      );
      expect(defs.rows).toHaveLength(2);
      for (const r of defs.rows) expect(r.def).not.toContain('{');
      await insert('cd'.repeat(32), '0000-1111-2222-3333-4444');
      await insert(null, null);
      for (const tracker of ['ab'.repeat(31), 'AB'.repeat(32), `${'ab'.repeat(31)}g0`, 'ab'.repeat(33)]) {
        await expect(insert(tracker, null)).rejects.toThrow(/observer_entry_tracker_check/);
      }
      for (const code of [
        '1234-5678-9012-3456-789',
        '1234-5678-9012-3456-78901',
        '1234-5678-9012-34567890',
        'a234-5678-9012-3456-7890',
        ' 1234-5678-9012-3456-7890',
      ]) {
        await expect(insert(null, code)).rejects.toThrow(/observer_entry_tracker_code_check/);
      }
      const count = await old.pool.query<{ n: string }>('SELECT count(*) AS n FROM observer_entry');
      expect(count.rows[0]?.n).toBe('3');
    } finally {
      await old.drop();
    }
  });
});
