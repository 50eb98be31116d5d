// The bundle's files as the workstation sends them, `{ path, base64 }`, made into the map that
// packages/deg's verifyBundle reads. The schema bounds the shape and the sizes; the path rules that
// matter for a medium (no absolute path, no `..`, no backslash, each name once) are checked here so
// the refusal carries its own code, BUNDLE_PATH_INVALID, and names the path.
import { isBundleFileName, MANIFEST_NAME, SIGNATURE_NAME } from '@opendeg/deg';
import { bundleError } from './bundle-errors.ts';

/**
 * Decoded bytes one request may carry. A training run's lists fit easily; a national list of
 * millions of rows is loaded with `opendeg bundle load` from the medium, not through a browser.
 */
export const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;
/** The JSON body: base64 takes 4 bytes for 3, plus names and punctuation. */
export const BUNDLE_BODY_LIMIT = Math.ceil((MAX_BUNDLE_BYTES * 4) / 3) + 1024 * 1024;
export const MAX_BUNDLE_FILES = 1000;
export const MAX_PATH_LENGTH = 255;

export interface SentFile {
  readonly path: string;
  readonly base64: string;
}

/** The name's problem, or undefined when a bundle may hold a file of this name. */
export function pathProblem(name: string): string | undefined {
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'absolute path';
  if (name.includes('\\')) return 'backslash';
  if (name.split('/').some((s) => s === '..' || s === '.' || s === '')) return 'relative segment';
  if (name === MANIFEST_NAME || name === SIGNATURE_NAME) return undefined;
  return isBundleFileName(name) ? undefined : 'name not allowed';
}

/** The files as verifyBundle reads them; refuses a bad path, a name twice, or too many bytes. */
export function decodeBundleFiles(sent: readonly SentFile[]): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  let total = 0;
  for (const f of sent) {
    const problem = pathProblem(f.path);
    if (problem !== undefined) throw bundleError('BUNDLE_PATH_INVALID', `${f.path}: ${problem}`);
    if (files.has(f.path)) throw bundleError('BUNDLE_PATH_INVALID', `${f.path}: twice`);
    const bytes = new Uint8Array(Buffer.from(f.base64, 'base64'));
    total += bytes.length;
    if (total > MAX_BUNDLE_BYTES) throw bundleError('BUNDLE_TOO_LARGE', `> ${MAX_BUNDLE_BYTES} bytes`);
    files.set(f.path, bytes);
  }
  return files;
}
