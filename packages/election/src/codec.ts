/**
 * JSON wire forms of group values: elements and scalars as lower-case hex of their canonical
 * encodings (so a record is readable and diffable), ciphertexts and proofs as small objects of those.
 * Decoding goes through the group's canonical decoders: a non-canonical or off-group value is
 * rejected here, before any proof is checked.
 */

import { bytesToHex, CryptoError, hexToBytes } from '@opendeg/crypto';
import type {
  Ciphertext,
  EncryptedAnswer,
  Group,
  MembershipProof,
  SchnorrProof,
  SchnorrSignature,
} from '@opendeg/crypto';
import { ElectionError } from './errors.ts';

export type Hex = string;

export interface CiphertextJson {
  readonly alpha: Hex;
  readonly beta: Hex;
}

export interface MembershipBranchJson {
  readonly A: Hex;
  readonly B: Hex;
  readonly c: Hex;
  readonly z: Hex;
}

export interface ChallengeResponseJson {
  readonly c: Hex;
  readonly z: Hex;
}

export interface EncryptedAnswerJson {
  readonly choices: readonly CiphertextJson[];
  readonly choiceProofs: readonly (readonly MembershipBranchJson[])[];
  readonly overallProof: readonly MembershipBranchJson[];
}

const HEX = /^(?:[0-9a-f]{2})*$/;

function bytesOf(hex: unknown, path: string): Uint8Array {
  if (typeof hex !== 'string' || !HEX.test(hex)) {
    throw new ElectionError('MALFORMED', 'expected lower-case hex', { path });
  }
  return hexToBytes(hex);
}

function wrap<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof CryptoError)
      throw new ElectionError('MALFORMED', `${e.code}: ${e.message}`, { path, cause: e });
    throw e;
  }
}

export const encodeElementHex = <E>(g: Group<E>, e: E): Hex => bytesToHex(g.encodeElement(e));
export const encodeScalarHex = <E>(g: Group<E>, k: bigint): Hex => bytesToHex(g.encodeScalar(k));

export function decodeElementHex<E>(g: Group<E>, hex: unknown, path: string, allowIdentity = false): E {
  const b = bytesOf(hex, path);
  return wrap(path, () => g.decodeElement(b, { allowIdentity }));
}

export function decodeScalarHex<E>(g: Group<E>, hex: unknown, path: string): bigint {
  const b = bytesOf(hex, path);
  return wrap(path, () => g.decodeScalar(b));
}

export function encodeCiphertextJson<E>(g: Group<E>, c: Ciphertext<E>): CiphertextJson {
  return { alpha: encodeElementHex(g, c.alpha), beta: encodeElementHex(g, c.beta) };
}

/** α of a fresh encryption is never the identity; aggregates may be anything. */
export function decodeCiphertextJson<E>(
  g: Group<E>,
  j: unknown,
  path: string,
  aggregate = false,
): Ciphertext<E> {
  const o = asObject(j, path);
  return {
    alpha: decodeElementHex(g, o.alpha, `${path}.alpha`, aggregate),
    beta: decodeElementHex(g, o.beta, `${path}.beta`, true),
  };
}

export function encodeMembershipJson<E>(g: Group<E>, p: MembershipProof<E>): MembershipBranchJson[] {
  return p.map((b) => ({
    A: encodeElementHex(g, b.commitmentA),
    B: encodeElementHex(g, b.commitmentB),
    c: encodeScalarHex(g, b.challenge),
    z: encodeScalarHex(g, b.response),
  }));
}

export function decodeMembershipJson<E>(g: Group<E>, j: unknown, path: string): MembershipProof<E> {
  return asArray(j, path, 1024).map((b, i) => {
    const o = asObject(b, `${path}[${i}]`);
    return {
      commitmentA: decodeElementHex(g, o.A, `${path}[${i}].A`, true),
      commitmentB: decodeElementHex(g, o.B, `${path}[${i}].B`, true),
      challenge: decodeScalarHex(g, o.c, `${path}[${i}].c`),
      response: decodeScalarHex(g, o.z, `${path}[${i}].z`),
    };
  });
}

export function encodeChallengeResponse<E>(
  g: Group<E>,
  p: SchnorrProof | SchnorrSignature,
): ChallengeResponseJson {
  return { c: encodeScalarHex(g, p.challenge), z: encodeScalarHex(g, p.response) };
}

export function decodeChallengeResponse<E>(g: Group<E>, j: unknown, path: string): SchnorrProof {
  const o = asObject(j, path);
  return { challenge: decodeScalarHex(g, o.c, `${path}.c`), response: decodeScalarHex(g, o.z, `${path}.z`) };
}

export function encodeAnswerJson<E>(g: Group<E>, a: EncryptedAnswer<E>): EncryptedAnswerJson {
  return {
    choices: a.choices.map((c) => encodeCiphertextJson(g, c)),
    choiceProofs: a.choiceProofs.map((p) => encodeMembershipJson(g, p)),
    overallProof: encodeMembershipJson(g, a.overallProof),
  };
}

export function decodeAnswerJson<E>(g: Group<E>, j: unknown, path: string): EncryptedAnswer<E> {
  const o = asObject(j, path);
  return {
    choices: asArray(o.choices, `${path}.choices`, 1024).map((c, i) =>
      decodeCiphertextJson(g, c, `${path}.choices[${i}]`),
    ),
    choiceProofs: asArray(o.choiceProofs, `${path}.choiceProofs`, 1024).map((p, i) =>
      decodeMembershipJson(g, p, `${path}.choiceProofs[${i}]`),
    ),
    overallProof: decodeMembershipJson(g, o.overallProof, `${path}.overallProof`),
  };
}

export function asObject(j: unknown, path: string): Record<string, unknown> {
  if (typeof j !== 'object' || j === null || Array.isArray(j)) {
    throw new ElectionError('MALFORMED', 'expected an object', { path });
  }
  return j as Record<string, unknown>;
}

export function asArray(j: unknown, path: string, max: number): unknown[] {
  if (!Array.isArray(j)) throw new ElectionError('MALFORMED', 'expected an array', { path });
  if (j.length > max) throw new ElectionError('MALFORMED', `at most ${max} items`, { path });
  return j as unknown[];
}

export function asString(j: unknown, path: string, pattern?: RegExp): string {
  if (
    typeof j !== 'string' ||
    j.length === 0 ||
    j.length > 4096 ||
    (pattern !== undefined && !pattern.test(j))
  ) {
    throw new ElectionError(
      'MALFORMED',
      pattern === undefined ? 'expected a string' : `expected ${String(pattern)}`,
      {
        path,
      },
    );
  }
  return j;
}

export function asInteger(j: unknown, path: string, min: number, max: number): number {
  if (typeof j !== 'number' || !Number.isInteger(j) || j < min || j > max) {
    throw new ElectionError('MALFORMED', `expected an integer in [${min}, ${max}]`, { path });
  }
  return j;
}

/** Rejects members other than those listed: a record carries nothing unexpected. */
export function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw new ElectionError('MALFORMED', `unexpected member "${k}"`, { path });
  }
}
