// The web front end's own small server (node:http, no dependency): serves the built app from
// `dist/` and reverse-proxies the API, the identity routes, the development SMS outbox and the
// ledger's tiles to the API server, so the browser sees one origin and the session cookie works.
//
//   tsx apps/web/server/serve.ts     PORT (8080), HOST (127.0.0.1), API_URL (http://127.0.0.1:3000)
//
// Run the API with PUBLIC_URL set to this server's address: the login's redirects must come back
// here. Unknown paths without a file extension get index.html (the app routes them itself).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Path prefixes that belong to the API server. */
export const PROXIED_PREFIXES = ['/api/', '/auth/', '/esia', '/dev/', '/log/', '/health', '/openapi.json'];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export interface WebServerOptions {
  /** The built app (`apps/web/dist`). */
  readonly distDir: string;
  /** The API server's origin; a function when it is known only later (tests start it second). */
  readonly apiBase: string | (() => string);
}

function isProxied(pathname: string): boolean {
  return PROXIED_PREFIXES.some((p) => pathname === p.replace(/\/$/, '') || pathname.startsWith(p));
}

/** A failure of the proxy itself, in the API's error format. */
function upstreamError(res: http.ServerResponse): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(502, { 'content-type': 'application/json; charset=utf-8' });
  res.end(
    JSON.stringify({
      code: 'UPSTREAM_UNAVAILABLE',
      message:
        'Сервер голосования недоступен, попробуйте позже / The voting server is unavailable, try later',
      eventId: randomUUID(),
    }),
  );
}

function proxy(req: http.IncomingMessage, res: http.ServerResponse, base: string): void {
  const target = new URL(req.url ?? '/', base);
  const headers = { ...req.headers };
  const remote = req.socket.remoteAddress ?? '';
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${String(headers['x-forwarded-for'])}, ${remote}`
    : remote;
  headers['x-forwarded-host'] = req.headers.host ?? '';
  headers['x-forwarded-proto'] = 'http';
  const upstream = http.request(target, { method: req.method ?? 'GET', headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    // Server-sent events must reach the browser as they come.
    if ((answer.headers['content-type'] ?? '').startsWith('text/event-stream')) res.flushHeaders();
    answer.pipe(res);
  });
  upstream.on('error', () => {
    upstreamError(res);
  });
  req.on('aborted', () => upstream.destroy());
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

interface CachedFile {
  readonly body: Buffer;
  readonly gzip: Buffer | undefined;
  readonly type: string;
}

function staticFiles(distDir: string): (pathname: string) => CachedFile | undefined {
  const root = path.resolve(distDir);
  const cache = new Map<string, CachedFile>();
  return (pathname) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return undefined;
    }
    const file = path.resolve(root, `.${decoded}`);
    if (file !== root && !file.startsWith(root + path.sep)) return undefined;
    const hit = cache.get(file);
    if (hit) return hit;
    let body: Buffer;
    try {
      if (!fs.statSync(file).isFile()) return undefined;
      body = fs.readFileSync(file);
    } catch {
      return undefined;
    }
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    const compressible = /^(text\/|application\/json|image\/svg)/.test(type);
    const entry = { body, gzip: compressible ? gzipSync(body, { level: 9 }) : undefined, type };
    cache.set(file, entry);
    return entry;
  };
}

export function createWebServer(options: WebServerOptions): http.Server {
  const base = typeof options.apiBase === 'string' ? () => options.apiBase as string : options.apiBase;
  const files = staticFiles(options.distDir);
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://web.invalid');
    if (isProxied(url.pathname)) {
      proxy(req, res, base());
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    let file = files(url.pathname === '/' ? '/index.html' : url.pathname);
    let fallback = false;
    if (!file && path.extname(url.pathname) === '') {
      file = files('/index.html');
      fallback = true;
    }
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
      res.end('Не найдено / Not found');
      return;
    }
    const immutable = url.pathname.startsWith('/assets/') && !fallback;
    const gzip = file.gzip !== undefined && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    const body = gzip && file.gzip ? file.gzip : file.body;
    res.writeHead(200, {
      'content-type': file.type,
      'content-length': String(body.length),
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      ...SECURITY_HEADERS,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const port = Number(process.env.PORT ?? '8080');
  const host = process.env.HOST ?? '127.0.0.1';
  const apiBase = process.env.API_URL ?? 'http://127.0.0.1:3000';
  const distDir = fileURLToPath(new URL('../dist', import.meta.url));
  if (!fs.existsSync(path.join(distDir, 'index.html'))) {
    process.stderr.write('apps/web/dist нет: сначала npm run build -w @opendeg/web / build the app first\n');
    process.exit(1);
  }
  const server = createWebServer({ distDir, apiBase });
  server.listen(port, host, () => {
    process.stdout.write(`OpenDEG web: http://${host}:${port} → API ${apiBase}\n`);
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      server.close(() => process.exit(0));
      server.closeAllConnections();
    });
  }
}
