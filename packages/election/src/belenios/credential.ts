/**
 * Belenios credentials (Belenios 2.0 specification §4.8).
 *
 * In OpenDEG the voter's device makes a one-time credential key s at random and the ballot box
 * learns only g^s (certified by blind signature); in a Belenios export g^s is the ballot's
 * `credential` and the list of them is `public_credentials`. Belenios's own credential authority
 * instead derives s from a printed string, and that derivation is here too, so credentials made by
 * belenios-tool (or for it) work on both sides:
 *   c = 15 Base58 characters XXX-XXX-XXX-XXX-XXX, the last a checksum 53 − (c₁ mod 53) of the first
 *   14 read as a big-endian base-58 number;
 *   s = PBKDF2-HMAC-SHA256(password c, salt = election uuid, 1000 iterations, 32 bytes) mod q.
 */

import { pbkdf2Sync } from 'node:crypto';
import { bytesToNumberBE, check } from '@opendeg/crypto';
import { bg, encodeDecimal } from './encoding.ts';
import type { Decimal } from './encoding.ts';
import { BASE58, randomBase58 } from './election.ts';

const FORMAT = /^[1-9A-HJ-NP-Za-km-z]{3}(-[1-9A-HJ-NP-Za-km-z]{3}){4}$/;

function checksum(first14: string): string {
  let n = 0n;
  for (const ch of first14) n = n * 58n + BigInt(BASE58.indexOf(ch));
  return BASE58.charAt(Number((53n - (n % 53n)) % 53n));
}

/** A fresh secret credential in the printed form XXX-XXX-XXX-XXX-XXX. */
export function generateBeleniosCredential(): string {
  const body = randomBase58(14);
  const all = body + checksum(body);
  return all.replace(/(.{3})(?!$)/g, '$1-');
}

/** Format and checksum (catches typing errors, §4.8). */
export function isValidBeleniosCredential(credential: string): boolean {
  if (!FORMAT.test(credential)) return false;
  const raw = credential.replaceAll('-', '');
  return checksum(raw.slice(0, 14)) === raw.charAt(14);
}

/** s = secret(c) for the election `uuid`. */
export function beleniosCredentialSecret(uuid: string, credential: string): bigint {
  check(isValidBeleniosCredential(credential), 'credential', 'not a valid Belenios credential');
  return bytesToNumberBE(pbkdf2Sync(credential, uuid, 1000, 32, 'sha256')) % bg.order;
}

/** public(c) = g^s, as it appears in the public credentials list and in ballots. */
export const beleniosPublicCredential = (secret: bigint): Decimal => encodeDecimal(bg.multiplyBase(secret));
