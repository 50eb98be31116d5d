/**
 * Test logs: a real `Ledger` on a real PostgreSQL (its own test database), served over real HTTP
 * with packages/ledger's tlog-tiles handlers on a node:http server on port 0. The served store can
 * be switched (to serve a forked tree with the same key) and a thrown store error is a 500, as a
 * server with a damaged database would answer.
 */

import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { createTestDatabase, type TestDatabase } from '@opendeg/db/testing';
import {
  ed25519NoteSigner,
  formatVerifierKey,
  Ledger,
  PostgresLedgerStore,
  serveLog,
  unwrap,
  type LedgerEntry,
  type LedgerReadStore,
  type LogSigner,
} from '@opendeg/ledger';

export const ORIGIN = 'opendeg.test/election/ledger';

export function logSigner(seedByte = 7, name = 'opendeg.test-log'): LogSigner {
  return ed25519NoteSigner(name, new Uint8Array(32).fill(seedByte));
}

export function vkeyOf(signer: LogSigner): string {
  return formatVerifierKey(signer.name, 0x01, signer.publicKey);
}

export interface TestLog {
  readonly db: TestDatabase;
  readonly ledger: Ledger;
  readonly store: PostgresLedgerStore;
  append(entries: readonly LedgerEntry[]): Promise<void>;
  close(): Promise<void>;
}

/** A log on its own database; `witnesses` are asked to cosign every checkpoint. */
export async function createTestLog(
  signer: LogSigner = logSigner(),
  options: { witnesses?: Parameters<typeof Ledger.open>[0]['witnesses'] } = {},
): Promise<TestLog> {
  const db = await createTestDatabase({ migrate: false });
  const store = await PostgresLedgerStore.open(db.pool, ORIGIN);
  const ledger = unwrap(
    await Ledger.open({
      origin: ORIGIN,
      signer,
      store,
      ...(options.witnesses === undefined ? {} : { witnesses: options.witnesses }),
    }),
  );
  return {
    db,
    ledger,
    store,
    append: async (entries) => {
      const receipts = await Promise.all(entries.map((e) => ledger.append(e)));
      for (const r of receipts) unwrap(r);
    },
    close: async () => {
      await ledger.close();
      await db.drop();
    },
  };
}

export interface LogServer {
  /** The log prefix, e.g. `http://127.0.0.1:1234/log`. */
  readonly url: string;
  /** Serves another store from now on. */
  serve(source: LedgerReadStore): void;
  /** Answers every request with this status from now on (undefined: normal service). */
  failWith(status: number | undefined): void;
  close(): Promise<void>;
}

export async function startLogServer(initial: LedgerReadStore): Promise<LogServer> {
  let source = initial;
  let failing: number | undefined;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').replace(/^\/log\//, '');
    const reply = (status: number, headers: Record<string, string>, body: Uint8Array | string): void => {
      res.writeHead(status, headers);
      res.end(body);
    };
    if (failing !== undefined) {
      reply(failing, {}, 'failing');
      return;
    }
    const accept = req.headers['accept-encoding'];
    serveLog(source, { path, ...(accept === undefined ? {} : { acceptEncoding: accept }) }).then(
      (r) => {
        reply(r.status, { ...r.headers }, r.body);
      },
      (e: unknown) => {
        reply(500, { 'content-type': 'text/plain' }, `internal error: ${String(e)}`);
      },
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/log`,
    serve: (s) => {
      source = s;
    },
    failWith: (status) => {
      failing = status;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Small typed entries standing in for the election's (the follower does not read them). */
export function testEntries(from: number, count: number, tag = 'a'): LedgerEntry[] {
  return Array.from({ length: count }, (_, i) => ({ type: 'test', n: from + i, tag }));
}
