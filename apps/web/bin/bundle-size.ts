// The voting bundle's size: what a browser loads for the voting page (the entry, its styles, the
// voting page's chunk and everything they import statically), each file gzipped at level 9 as
// server/serve.ts sends it. Run after `vite build`:  tsx apps/web/bin/bundle-size.ts
// Prints one JSON object; exits 1 above the budget of 300 KiB (issue 7).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

interface Chunk {
  readonly file: string;
  readonly imports?: readonly string[];
  readonly css?: readonly string[];
}

const BUDGET = 300 * 1024;
const dist = fileURLToPath(new URL('../dist', import.meta.url));
const manifest = JSON.parse(fs.readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<
  string,
  Chunk
>;

const files = new Set<string>();
function visit(key: string): void {
  const chunk = manifest[key];
  if (chunk === undefined) throw new Error(`no chunk ${key} in the build manifest`);
  if (files.has(chunk.file)) return;
  files.add(chunk.file);
  for (const css of chunk.css ?? []) files.add(css);
  for (const i of chunk.imports ?? []) visit(i);
}
visit('index.html');
visit('src/voting/vote-page.tsx');

const sizes = [...files].map((file) => {
  const bytes = fs.readFileSync(path.join(dist, file));
  return { file, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
});
const gzip = sizes.reduce((n, s) => n + s.gzip, 0);
const raw = sizes.reduce((n, s) => n + s.bytes, 0);
process.stdout.write(
  `${JSON.stringify({ votingBundle: { files: sizes.length, bytes: raw, gzipBytes: gzip, budgetGzipBytes: BUDGET }, sizes }, null, 2)}\n`,
);
if (gzip > BUDGET) process.exit(1);
