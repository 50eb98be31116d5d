/** Loads the shared transparency-log test vectors (`<repo>/../shared/vectors/tlog`). */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '../../../..');

export const TLOG_VECTORS = path.resolve(repoRoot, '../shared/vectors/tlog');

export function vectorPath(...parts: string[]): string {
  return path.join(TLOG_VECTORS, ...parts);
}

export function readVector(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(vectorPath(...parts)));
}

export function readVectorText(...parts: string[]): string {
  return readFileSync(vectorPath(...parts), 'utf8');
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the vector's shape
export function readVectorJson<T>(...parts: string[]): T {
  return JSON.parse(readVectorText(...parts)) as T;
}

/** Every `*.json` file below a vector directory, relative paths sorted. */
export function listJson(...parts: string[]): string[] {
  const root = vectorPath(...parts);
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.json')) out.push(path.relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

export const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
export const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
export const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

/** `xs[i]`, failing the test if it is absent. */
export function at<T>(xs: readonly T[], i: number): T {
  const x = xs[i];
  if (x === undefined) throw new Error(`no element ${i}`);
  return x;
}
