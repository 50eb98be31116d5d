// The ledger's blocks for portal observers (P-10.10, appointed per P-10.9) through the HTTP API: a
// real server on port 0, real PostgreSQL, the election's ledger on PostgreSQL with 300 entries
// (a full block of 256 and a partial one of 44). A portal observer lists the blocks, downloads each
// (the public tile's very bytes, whose entries hash into the signed root) and its inclusion proof;
// each download is an audit row with the role assignment and the block only. Others are refused.
import { createHash } from 'node:crypto';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useTestDatabase } from '@opendeg/db/testing';
import { hashLeaf, merkleTreeHash, parseEntryBundle, verifyInclusion } from '@opendeg/ledger';
import type { AssignmentView } from '../src/api.ts';
import type { LoadedElection } from '../src/applications/deps.ts';
import { readElectionConfigFile, storeElection } from '../src/elections/load-election.ts';
import { generateRegister } from '../src/identity/register.ts';
import { Browser, logIn, refusal, requestJson, startServer, type Server } from './harness.ts';
import { issuerKeyPairs, keysDeps, openTestLedger, type TestLedger } from './keys-fixture.ts';

const db = useTestDatabase();
const base = readElectionConfigFile(fileURLToPath(new URL('../dev/election.json', import.meta.url)));
const config = { ...structuredClone(base), electionId: 'observer-blocks' };
const register = generateRegister({ seed: 88, count: 6, referenceDate: new Date('2026-09-20T00:00:00Z') });
const [operator, observer, regional, chairman, voter] = register.map((a) => a.id) as [
  string,
  string,
  string,
  string,
  string,
];
const ENTRIES = 300;

let server: Server;
let ledger: TestLedger;
let election: LoadedElection;
const browsers = new Map<string, Browser>();
let observerAssignment: string;

const call = <T>(who: string, url: string) =>
  requestJson<T>(browsers.get(who) ?? new Browser(), server.baseUrl, 'GET', url);

/** Raw bytes of a GET (the block downloads and the public tiles are not JSON). */
async function bytes(who: string, url: string): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const r = await (browsers.get(who) ?? new Browser()).request(`${server.baseUrl}${url}`);
  return { status: r.status, body: Buffer.from(await r.arrayBuffer()), headers: r.headers };
}

interface BlockList {
  treeSize: number;
  checkpoint: string;
  blockSize: number;
  blocks: { n: number; start: number; end: number; width: number; tile: string }[];
}

beforeAll(async () => {
  const clock = { now: () => new Date() };
  election = await storeElection(db.pool, config, clock.now());
  ledger = await openTestLedger(db.newPool(), config.electionId);
  // Entries of any content: the blocks are the ledger's bytes, whatever the entries hold.
  await Promise.all(
    Array.from({ length: ENTRIES }, async (_, i) => {
      const r = await ledger.ledger.appendBytes(new TextEncoder().encode(`{"type":"test","i":${String(i)}}`));
      if (!r.ok) throw new Error(r.error.message);
    }),
  );
  server = await startServer({
    clock,
    register,
    db: { pool: db.pool },
    roles: { election, bootstrapOperatorSub: operator },
    keys: keysDeps(ledger.ledger, await issuerKeyPairs(config)),
    ballotBox: { log: ledger.ledger },
  });
  for (const id of [operator, observer, regional, chairman, voter]) {
    const b = new Browser();
    await logIn(b, server.baseUrl, id);
    browsers.set(id, b);
  }
  const assign = async (subject: string, role: string, extra: object = {}) => {
    const r = await requestJson<{ assignment: AssignmentView }>(
      browsers.get(operator) ?? new Browser(),
      server.baseUrl,
      'POST',
      '/api/admin/roles',
      { subject, role, ...extra },
    );
    expect(r.status).toBe(201);
    return r.body.assignment.id;
  };
  observerAssignment = await assign(observer, 'portal-observer');
  await assign(regional, 'regional-commission', { region: config.regions[0]?.code });
  await assign(chairman, 'chairman', {
    memberId: config.commission.members.find((m) => m.role === 'chairman')?.id,
  });
}, 120_000);

afterAll(async () => {
  await server.close();
  await ledger.ledger.close();
});

describe('P-10.10 ledger blocks for portal observers', () => {
  test('P-10.10: a portal observer lists the blocks of the signed checkpoint, 256 entries each', async () => {
    const r = await call<BlockList>(observer, '/api/observers/blocks');
    expect(r.status).toBe(200);
    expect(r.body.treeSize).toBe(ENTRIES);
    expect(r.body.checkpoint.split('\n')[1]).toBe(String(ENTRIES));
    expect(r.body.blockSize).toBe(256);
    expect(r.body.blocks).toEqual([
      { n: 0, start: 0, end: 256, width: 256, tile: 'tile/entries/000' },
      { n: 1, start: 256, end: 300, width: 44, tile: 'tile/entries/001.p/44' },
    ]);
  });

  test('P-10.10: each block is the public tile’s bytes, with its SHA-256, and its entries hash into the signed root', async () => {
    const list = (await call<BlockList>(observer, '/api/observers/blocks')).body;
    const leaves: Uint8Array[] = [];
    for (const block of list.blocks) {
      const got = await bytes(observer, `/api/observers/blocks/${String(block.n)}`);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('application/octet-stream');
      const tile = await bytes('anonymous', `/log/${block.tile}`);
      expect(tile.status).toBe(200);
      expect(got.body.equals(tile.body)).toBe(true);
      expect(got.headers.get('x-block-sha256')).toBe(createHash('sha256').update(got.body).digest('hex'));
      expect(got.headers.get('x-ledger-size')).toBe(String(ENTRIES));
      const entries = parseEntryBundle(got.body);
      if (!entries.ok) throw new Error(entries.error.message);
      expect(entries.value).toHaveLength(block.width);
      for (const e of entries.value)
        expect(new TextDecoder().decode(e)).toMatch(/^\{"type":"test","i":\d+\}$/);
      leaves.push(...entries.value.map((e) => hashLeaf(e)));
    }
    // The whole tree rebuilt from the downloaded blocks gives the checkpoint's root.
    const cp = await ledger.ledger.loadCheckpoint();
    expect(cp?.size).toBe(ENTRIES);
    expect(Buffer.from(merkleTreeHash(leaves)).equals(Buffer.from(cp?.root ?? []))).toBe(true);
  });

  test('P-10.10: the inclusion proof of a block’s first entry leads to the signed root', async () => {
    const cp = await ledger.ledger.loadCheckpoint();
    for (const n of [0, 1]) {
      const r = await call<{
        index: number;
        treeSize: number;
        checkpoint: string;
        leafHash: string;
        inclusionProof: string[];
      }>(observer, `/api/observers/blocks/${String(n)}/proof`);
      expect(r.status).toBe(200);
      expect(r.body.index).toBe(n * 256);
      expect(r.body.checkpoint).toBe(cp?.note);
      const block = await bytes(observer, `/api/observers/blocks/${String(n)}`);
      const entries = parseEntryBundle(block.body);
      if (!entries.ok || entries.value[0] === undefined) throw new Error('no entries');
      expect(Buffer.from(r.body.leafHash, 'base64').equals(Buffer.from(hashLeaf(entries.value[0])))).toBe(
        true,
      );
      const verified = verifyInclusion(
        hashLeaf(entries.value[0]),
        r.body.index,
        r.body.treeSize,
        r.body.inclusionProof.map((p) => new Uint8Array(Buffer.from(p, 'base64'))),
        cp?.root ?? new Uint8Array(32),
      );
      expect(verified.ok).toBe(true);
    }
  });

  test('P-10.10: figures: a full block downloaded 20 times (wall and CPU per download, load)', async () => {
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    for (let i = 0; i < 20; i++) expect((await bytes(observer, '/api/observers/blocks/0')).status).toBe(200);
    const cpu = process.cpuUsage(cpu0);
    // The server and the client share this process: CPU is both sides of each download and its audit row.
    console.log(
      `block download: wall ${((performance.now() - wall0) / 20).toFixed(1)} ms, ` +
        `cpu ${((cpu.user + cpu.system) / 20 / 1000).toFixed(1)} ms per download, load ${os.loadavg()[0]?.toFixed(2) ?? '?'}`,
    );
  });

  test('P-10.10: each download is audited by role assignment and block number only', async () => {
    const {
      rows: [mark],
    } = await db.pool.query<{ id: string }>(`SELECT coalesce(max(id), 0)::text AS id FROM audit_events`);
    expect((await bytes(observer, '/api/observers/blocks/1')).status).toBe(200);
    expect((await bytes(regional, '/api/observers/blocks/0')).status).toBe(200);
    const rows = await db.pool.query<{
      actor_role: string;
      details: Record<string, unknown>;
      disposition: string;
    }>(
      `SELECT actor_role, details, disposition FROM audit_events WHERE action = 'ledger_block.download' AND id > $1
       ORDER BY id`,
      [mark?.id ?? '0'],
    );
    expect(rows.rows.map((r) => r.actor_role)).toEqual(['portal_observer', 'regional_commission']);
    expect(rows.rows[0]?.details).toEqual({ assignmentId: observerAssignment, block: 1 });
    expect(Object.keys(rows.rows[1]?.details ?? {}).sort()).toEqual(['assignmentId', 'block']);
    expect(rows.rows[1]?.details.block).toBe(0);
    // No account identifier of the identity provider in the row.
    expect(JSON.stringify(rows.rows)).not.toContain(observer);
    expect(JSON.stringify(rows.rows)).not.toContain(regional);
  });

  test('P-10.10: a block beyond the checkpoint is 404 BLOCK_NOT_FOUND, and nothing is audited', async () => {
    const before = await db.pool.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action LIKE 'ledger_block.%'`,
    );
    for (const url of [
      '/api/observers/blocks/2',
      '/api/observers/blocks/2/proof',
      '/api/observers/blocks/99999',
    ]) {
      const r = await call(observer, url);
      expect(refusal(r)).toBe('404 BLOCK_NOT_FOUND');
      expect(r.body.message).toMatch(
        /^Блока \d+ нет в подписанном реестре \/ Block \d+ is not in the signed ledger$/,
      );
    }
    expect(refusal(await call(observer, '/api/observers/blocks/x'))).toBe('400 VALIDATION_FAILED');
    const after = await db.pool.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action LIKE 'ledger_block.%'`,
    );
    expect(after.rows).toEqual(before.rows);
  });

  test('P-10.10: anonymous visitors get 401, other roles 403; the public tiles stay public', async () => {
    for (const url of ['/api/observers/blocks', '/api/observers/blocks/0', '/api/observers/blocks/0/proof']) {
      expect(refusal(await call('anonymous', url))).toBe('401 UNAUTHENTICATED');
      expect(refusal(await call(voter, url))).toBe('403 FORBIDDEN');
      expect(refusal(await call(chairman, url))).toBe('403 FORBIDDEN');
      expect(
        (await call<BlockList>(regional, url.endsWith('/0') ? '/api/observers/blocks' : url)).status,
      ).toBe(200);
    }
    expect((await bytes('anonymous', '/log/tile/entries/000')).status).toBe(200);
  });
});
