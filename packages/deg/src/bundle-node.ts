/**
 * The bundle on a medium (Node): written once — the directory must not exist, every file is made
 * read-only (0444) and the directory 0555 — and read back whole for `verifyBundle`.
 */

import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Bundle } from './bundle.ts';

export class BundleIoError extends Error {
  readonly code: 'BUNDLE_EXISTS' | 'BUNDLE_UNREADABLE';
  constructor(code: 'BUNDLE_EXISTS' | 'BUNDLE_UNREADABLE', message: string) {
    super(message);
    this.code = code;
  }
}

export async function writeBundleDirectory(dir: string, bundle: Bundle): Promise<void> {
  try {
    await mkdir(dir, { recursive: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new BundleIoError(
        'BUNDLE_EXISTS',
        `${dir}: a medium is written once; this directory already exists`,
      );
    }
    throw e;
  }
  const dirs = new Set<string>();
  for (const [name, data] of bundle.files) {
    const file = path.join(dir, ...name.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    dirs.add(path.dirname(file));
    await writeFile(file, data, { flag: 'wx', mode: 0o444 });
  }
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) await chmod(d, 0o555);
  await chmod(dir, 0o555);
}

export async function readBundleDirectory(dir: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  let entries: string[];
  try {
    entries = (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
  } catch (e) {
    throw new BundleIoError('BUNDLE_UNREADABLE', `${dir}: ${(e as Error).message}`);
  }
  for (const rel of entries)
    files.set(rel.split(path.sep).join('/'), new Uint8Array(await readFile(path.join(dir, rel))));
  return files;
}
