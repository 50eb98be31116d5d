/**
 * Belenios 2.0 specification §4.1–4.3: JSON encodings of the basic types (N, Zq and G as base-10
 * strings, hashes as hex or compact Base64) and of the common structures `proof` and `ciphertext`,
 * for elections on the BELENIOS-2048 group (`belenios2048` in `@opendeg/crypto`).
 *
 * Field order matters wherever Belenios hashes a serialisation (ballots §4.15, signed messages
 * §4.6.1), so every encoder here builds its object in the order of the specification and the
 * serialisation is `JSON.stringify` without spaces, byte for byte what belenios-tool writes.
 * Decoders reject non-canonical numbers (leading zeros, signs, out-of-range values) and group
 * elements outside the order-q subgroup before anything else looks at them (§3.5).
 */

import { createHash } from 'node:crypto';
import { belenios2048, checkBelenios2048Element, CryptoError } from '@opendeg/crypto';
import type { Ciphertext } from '@opendeg/crypto';
import { BeleniosError } from './errors.ts';

/** The group string of the election structure (§4.10) and of Hpok (§4.5). */
export const BELENIOS_GROUP = 'BELENIOS-2048';

/** The group every Belenios election in OpenDEG runs in. */
export const bg = belenios2048;

/** A big integer written in base 10 (§4.2: N, Zq, G). */
export type Decimal = string;

export interface ProofJson {
  readonly challenge: Decimal;
  readonly response: Decimal;
}

export interface CiphertextJson {
  readonly alpha: Decimal;
  readonly beta: Decimal;
}

/** A Belenios Schnorr-style proof: A = g^response · X^challenge (response = w − x·challenge). */
export interface Proof {
  readonly challenge: bigint;
  readonly response: bigint;
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

export function malformed(what: string, message: string, cause?: unknown): never {
  throw new BeleniosError('MALFORMED', `${what}: ${message}`, cause === undefined ? undefined : { cause });
}

export const encodeDecimal = (x: bigint): Decimal => x.toString(10);

/** A canonical base-10 natural number. */
export function decodeDecimal(x: unknown, what: string): bigint {
  if (typeof x !== 'string' || !DECIMAL.test(x)) malformed(what, 'expected a base-10 number in a string');
  // 2048-bit elements have 617 digits; anything much longer is hostile.
  if (x.length > 700) malformed(what, 'number too long');
  return BigInt(x);
}

/** An element of Zq. */
export function decodeScalar(x: unknown, what: string): bigint {
  const k = decodeDecimal(x, what);
  if (k >= bg.order) malformed(what, 'not reduced modulo q');
  return k;
}

/** An element of G: 1 ≤ x < p and x^q = 1 (the identity only when allowed). */
export function decodeElement(x: unknown, what: string, allowIdentity = false): bigint {
  const n = decodeDecimal(x, what);
  try {
    return checkBelenios2048Element(n, { allowIdentity });
  } catch (cause) {
    if (cause instanceof CryptoError) malformed(what, cause.message, cause);
    throw cause;
  }
}

export const encodeProof = (p: Proof): ProofJson => ({
  challenge: encodeDecimal(p.challenge),
  response: encodeDecimal(p.response),
});

export function decodeProof(x: unknown, what: string): Proof {
  const o = asObject(x, what);
  return {
    challenge: decodeScalar(o.challenge, `${what}.challenge`),
    response: decodeScalar(o.response, `${what}.response`),
  };
}

export const decodeProofs = (x: unknown, what: string): Proof[] =>
  asArray(x, what).map((p, i) => decodeProof(p, `${what}[${i}]`));

export const encodeCiphertext = (c: Ciphertext<bigint>): CiphertextJson => ({
  alpha: encodeDecimal(c.alpha),
  beta: encodeDecimal(c.beta),
});

/**
 * Belenios's membership check (x < p, x^q = 1) admits 1, so ciphertexts and decryption factors may
 * hold the identity here too: a stricter decoder would make the two verifiers disagree.
 */
export function decodeCiphertext(x: unknown, what: string): Ciphertext<bigint> {
  const o = asObject(x, what);
  return {
    alpha: decodeElement(o.alpha, `${what}.alpha`, true),
    beta: decodeElement(o.beta, `${what}.beta`, true),
  };
}

export function asObject(x: unknown, what: string): Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) malformed(what, 'expected an object');
  return x as Record<string, unknown>;
}

export function asArray(x: unknown, what: string): unknown[] {
  if (!Array.isArray(x)) malformed(what, 'expected an array');
  return x as unknown[];
}

export function asString(x: unknown, what: string): string {
  if (typeof x !== 'string') malformed(what, 'expected a string');
  return x;
}

export function asInteger(x: unknown, what: string): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x)) malformed(what, 'expected an integer');
  return x;
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    return malformed(what, 'not JSON', cause);
  }
}

/** SHA-256 of a UTF-8 string, hex (names of archive entries, §4.4; Hpok & co. before reduction). */
export const sha256Hex = (s: string | Uint8Array): string => createHash('sha256').update(s).digest('hex');

/** HJSON(J) = BASE64(SHA256(J)) without padding (§4.15): the election fingerprint, ballot hashes. */
export const hashJson = (s: string): string =>
  createHash('sha256').update(s).digest('base64').replace(/=+$/, '');
