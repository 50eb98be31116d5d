/**
 * A log served as plain files (bench only). C2SP tlog-tiles is designed so that a log's tiles, entry
 * bundles and checkpoint can be served as static files (object storage, a CDN); the replication
 * bench serves the election's log this way, so the observer node's figures on this two-core machine
 * are not mixed with the cost of a database-backed log server beside it (the ballot box's own server
 * runs elsewhere). `OBSERVER_BENCH_LOG=postgres` serves it from PostgreSQL instead
 * (test/fixtures/log-process.ts).
 *
 * Serves the directory `LOG_DIR` (written by replicate.bench.ts `writeStaticLog`) under `/log/`.
 * Prints `LISTENING <port>` once ready; stops on SIGTERM.
 */

import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const dir = path.resolve(process.env.LOG_DIR ?? '.');
const PREFIX = '/log/';
/** Tile and bundle paths (`tile/0/x001/234.p/17`) and `checkpoint`: nothing else is served. */
const SERVED = /^(checkpoint|tile\/(entries|\d{1,2})(\/x\d{3})*\/\d{3}(\.p\/\d{1,3})?)$/;

const server = http.createServer((req, res) => {
  const url = req.url ?? '';
  const rel = url.startsWith(PREFIX) ? url.slice(PREFIX.length) : '';
  if (req.method !== 'GET' || !SERVED.test(rel)) {
    res.writeHead(404).end();
    return;
  }
  const file = path.join(dir, rel);
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, {
    'content-type': rel === 'checkpoint' ? 'text/plain; charset=utf-8' : 'application/octet-stream',
    'content-length': String(size),
  });
  createReadStream(file).pipe(res);
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${(server.address() as AddressInfo).port}\n`);
});

process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
