/**
 * SHA-256 (FIPS 180-4), the hash of RFC 9162 §2.1, C2SP signed-note key IDs and tlog-tiles.
 * One place to swap the implementation (Node's OpenSSL binding here; a browser build would use
 * @noble/hashes).
 */

import { hash } from 'node:crypto';

export function sha256(data: Uint8Array): Uint8Array {
  const out = hash('sha256', data, 'buffer');
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
