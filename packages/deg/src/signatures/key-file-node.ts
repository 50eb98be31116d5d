/**
 * Node-only file helpers for key files, certificates and signatures (the browser has none of this).
 * Not exported from the package index so that browser bundles never pull in `node:fs`.
 */

import { readFile, writeFile } from 'node:fs/promises';

/** Write a key file readable by its owner only (0600), refusing to overwrite an existing one. */
export async function writeKeyFile(path: string, pem: string): Promise<void> {
  await writeFile(path, pem, { mode: 0o600, flag: 'wx' });
}

export async function readKeyFile(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

/** Write a certificate (PEM) or a signature (DER or PEM) that anyone may read. */
export async function writePublicFile(path: string, data: string | Uint8Array): Promise<void> {
  await writeFile(path, data, { mode: 0o644 });
}
