// The node as a C2SP tlog-witness (c2sp.org/tlog-witness): the log asks it to cosign every
// checkpoint; it cosigns only a tree its follower verified, and refuses a tree it did not see.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createTestDatabase, type TestDatabase } from '@opendeg/db/testing';
import {
  cosignatureVerifier,
  formatAddCheckpointRequest,
  formatSignerKey,
  httpWitnessClient,
  MemoryLedgerStore,
  openNote,
  parseSignerKey,
} from '@opendeg/ledger';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { buildObserverApp } from '../src/http/app.ts';
import { httpLogSource } from '../src/log-source.ts';
import { ObserverNode } from '../src/observer-node.ts';
import {
  createTestLog,
  logSigner,
  ORIGIN,
  startLogServer,
  testEntries,
  vkeyOf,
  type LogServer,
  type TestLog,
} from './helpers/log-server.ts';

const witnessKey = formatSignerKey('observer-a.example', 0x04, new Uint8Array(32).fill(3));
const parsed = parseSignerKey(witnessKey);
if (!parsed.ok) throw parsed.error;
const witnessVerifier = cosignatureVerifier('observer-a.example', parsed.value.publicKey);
if (witnessVerifier === undefined) throw new Error('witness key');

let server: LogServer;
let log: TestLog;
let db: TestDatabase;
let node: ObserverNode;
let app: FastifyInstance;
let nodeUrl: string;
let evidenceDir: string;

beforeAll(async () => {
  server = await startLogServer(new MemoryLedgerStore());
  db = await createTestDatabase({ migrate: false });
  evidenceDir = mkdtempSync(path.join(os.tmpdir(), 'opendeg-observer-witness-'));
  node = await ObserverNode.open({
    source: httpLogSource(server.url),
    origin: ORIGIN,
    logKey: vkeyOf(logSigner()),
    pool: db.pool,
    name: 'observer-a',
    evidenceDir,
    witnessKey,
  });
  app = buildObserverApp(node);
  nodeUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  log = await createTestLog(logSigner(), {
    witnesses: [httpWitnessClient(`${nodeUrl}/witness`, witnessVerifier)],
  });
  server.serve(log.ledger);
}, 120_000);

afterAll(async () => {
  await log.close();
  await app.close();
  await node.close();
  await db.drop();
  await server.close();
  rmSync(evidenceDir, { recursive: true, force: true });
});

const cosigned = (note: string): boolean => {
  const opened = openNote(note, [witnessVerifier]);
  return opened.ok && opened.value.verified.some((s) => s.name === 'observer-a.example');
};

describe('observer node as a witness', () => {
  test('C2SP tlog-witness: every checkpoint the node verified carries its cosignature', async () => {
    for (let round = 0; round < 3; round++) {
      await log.append(testEntries(round * 40, 40));
      expect(cosigned(log.ledger.checkpoint().note)).toBe(true);
      // The node verified the tree before cosigning it.
      expect(node.follower.size).toBe(log.ledger.size);
    }
  });

  test('C2SP tlog-witness: a tree the node has not verified (same key, other entries) is refused', async () => {
    const forked = await createTestLog(logSigner());
    await forked.append(testEntries(0, log.ledger.size + 5, 'forked'));
    const size = node.follower.size;
    // A well-formed request with the forked log's own consistency proof: only the node's gate stops it.
    const proof = await forked.ledger.proveConsistency(size);
    if (!proof.ok) throw proof.error;
    const res = await fetch(`${nodeUrl}/witness/add-checkpoint`, {
      method: 'POST',
      body: formatAddCheckpointRequest(size, proof.value, forked.ledger.checkpoint().note),
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toMatch(/not verified a tree|not the one this node verified/);
    // The honest log's next checkpoint is still cosigned.
    await log.append(testEntries(1000, 3));
    expect(cosigned(log.ledger.checkpoint().note)).toBe(true);
    await forked.close();
  });

  test('C2SP tlog-witness: a checkpoint of an unknown log is a 404, a malformed request a 400', async () => {
    const other = await fetch(`${nodeUrl}/witness/add-checkpoint`, {
      method: 'POST',
      body: formatAddCheckpointRequest(
        0,
        [],
        'other.example/log\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n— other.example AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n',
      ),
    });
    expect(other.status).toBe(404);
    const bad = await fetch(`${nodeUrl}/witness/add-checkpoint`, { method: 'POST', body: 'hello\n' });
    expect(bad.status).toBe(400);
  });
});
