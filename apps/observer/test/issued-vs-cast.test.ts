// Issued against cast (P-11.10.4, P-10.2): the node holds the server's published figures against
// its replica, bracketed by two checkpoints it verified. A real log on PostgreSQL over HTTP, the
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
import {
  ballotEntry,
  makeElection,
  manifestEntry,
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

interface FiguresDoc {
  totals: { ballotsCast?: number };
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
    ...(withFigures ? { figuresUrl, figuresSettleMs: SETTLE_MS } : {}),
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

  test('P-11.10.4 a cast figure above the log and more ballots than issued: an alarm with the figures as fetched, the two checkpoints and the counts, re-checked offline', async () => {
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
    expect(alarms[0]?.kind).toBe('record-invalid');

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
