/**
 * JSON wire forms of group values: elements and scalars as lower-case hex of their canonical
 * encodings (so a record is readable and diffable), ciphertexts and proofs as small objects of those.
 * Decoding goes through the group's canonical decoders: a non-canonical or off-group value is
 * rejected here, before any proof is checked.
 *
 * An answer is decoded on a fast path first (issue 4: the ballot box decodes ~80 values a ballot):
 * one walk over the JSON, the hex straight into one buffer, all elements in one call where the group
 * can (`accelerations.ts`), no path strings. Only when that finds anything wrong is the answer decoded
 * again on the checked path, which builds the paths and throws the error naming the first bad value:
 * so the results and the errors are those of the checked path.
 */

import { bytesToHex, CryptoError } from '@opendeg/crypto';
import type {
  Ciphertext,
  EncryptedAnswer,
  Group,
  MembershipProof,
  SchnorrProof,
  SchnorrSignature,
} from '@opendeg/crypto';
import { accelerationsOf } from './accelerated.ts';
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

/** The value of each lower-case hex digit's character code, −1 for any other code below 128. */
const HEX_DIGITS = Int8Array.from({ length: 128 }, (_, c) => {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
});

/**
 * Writes the bytes of lower-case hex `hex` at `offset` of `out`; false (with `out` partly written)
 * unless `hex` is a string of exactly `2 · length` lower-case hex digits.
 */
function hexInto(hex: unknown, out: Uint8Array, offset: number, length: number): boolean {
  if (typeof hex !== 'string' || hex.length !== 2 * length) return false;
  for (let i = 0; i < length; i++) {
    const a = hex.charCodeAt(2 * i);
    const b = hex.charCodeAt(2 * i + 1);
    const hi = a < 128 ? (HEX_DIGITS[a] ?? -1) : -1;
    const lo = b < 128 ? (HEX_DIGITS[b] ?? -1) : -1;
    if ((hi | lo) < 0) return false;
    out[offset + i] = (hi << 4) | lo;
  }
  return true;
}

/** Lower-case hex of any even length (as /^(?:[0-9a-f]{2})*$/ accepts) to bytes. */
function bytesOf(hex: unknown, path: string): Uint8Array {
  const out = new Uint8Array(typeof hex === 'string' ? hex.length >>> 1 : 0);
  if (!hexInto(hex, out, 0, out.length)) {
    throw new ElectionError('MALFORMED', 'expected lower-case hex', { path });
  }
  return out;
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
  return decodeAnswerFast(g, j) ?? decodeAnswerChecked(g, j, path);
}

const isObject = (j: unknown): j is Record<string, unknown> =>
  typeof j === 'object' && j !== null && !Array.isArray(j);

/**
 * The fast path of `decodeAnswerJson`: the same answer, or undefined if anything is wrong with it (the
 * checked path then says what). Elements are collected as [α, β] of each choice, then [A, B] of
 * each branch of each choice proof, then of the overall proof; scalars as [c, z] of those branches.
 */
function decodeAnswerFast<E>(g: Group<E>, j: unknown): EncryptedAnswer<E> | undefined {
  if (!isObject(j)) return undefined;
  const { choices, choiceProofs, overallProof } = j;
  if (
    !Array.isArray(choices) ||
    !Array.isArray(choiceProofs) ||
    !Array.isArray(overallProof) ||
    choices.length > 1024 ||
    choiceProofs.length > 1024
  ) {
    return undefined;
  }
  const elementHex: unknown[] = [];
  const scalarHex: unknown[] = [];
  for (const c of choices as unknown[]) {
    if (!isObject(c)) return undefined;
    elementHex.push(c.alpha, c.beta);
  }
  // Where each proof's branches start in the flat lists, then where the last one ends.
  const starts: number[] = [];
  const collect = (p: unknown): boolean => {
    if (!Array.isArray(p) || p.length > 1024) return false;
    starts.push(scalarHex.length >> 1);
    for (const b of p as unknown[]) {
      if (!isObject(b)) return false;
      elementHex.push(b.A, b.B);
      scalarHex.push(b.c, b.z);
    }
    return true;
  };
  for (const p of choiceProofs as unknown[]) if (!collect(p)) return undefined;
  if (!collect(overallProof)) return undefined;
  starts.push(scalarHex.length >> 1);

  const el = g.elementLength;
  const packed = new Uint8Array(el * elementHex.length);
  for (let i = 0; i < elementHex.length; i++) {
    if (!hexInto(elementHex[i], packed, el * i, el)) return undefined;
  }
  const elements = decodeAll(g, packed, elementHex.length);
  if (elements === undefined) return undefined;
  const sl = g.scalarLength;
  const scalarBytes = new Uint8Array(sl * scalarHex.length);
  const scalars: bigint[] = [];
  try {
    for (let i = 0; i < scalarHex.length; i++) {
      const at = sl * i;
      if (!hexInto(scalarHex[i], scalarBytes, at, sl)) return undefined;
      scalars.push(g.decodeScalar(scalarBytes.subarray(at, at + sl)));
    }
  } catch (e) {
    if (e instanceof CryptoError) return undefined;
    throw e;
  }

  const n = choices.length;
  const outChoices: Ciphertext<E>[] = [];
  for (let i = 0; i < n; i++) {
    const alpha = elements[2 * i] as E;
    // α of a fresh encryption is never the identity (decodeCiphertextJson without `aggregate`).
    if (g.isIdentity(alpha)) return undefined;
    outChoices.push({ alpha, beta: elements[2 * i + 1] as E });
  }
  const proof = (k: number): MembershipProof<E> => {
    const from = starts[k] ?? 0;
    const to = starts[k + 1] ?? 0;
    const branches: MembershipProof<E>[number][] = [];
    for (let b = from; b < to; b++) {
      branches.push({
        commitmentA: elements[2 * n + 2 * b] as E,
        commitmentB: elements[2 * n + 2 * b + 1] as E,
        challenge: scalars[2 * b] as bigint,
        response: scalars[2 * b + 1] as bigint,
      });
    }
    return branches;
  };
  const outProofs: MembershipProof<E>[] = [];
  for (let k = 0; k < choiceProofs.length; k++) outProofs.push(proof(k));
  return { choices: outChoices, choiceProofs: outProofs, overallProof: proof(choiceProofs.length) };
}

/** Decodes n packed encodings with the identity allowed: in one call where the group can. */
function decodeAll<E>(g: Group<E>, packed: Uint8Array, n: number): E[] | undefined {
  const many = accelerationsOf(g).decodeElementsPacked;
  if (many !== undefined) {
    const r = many(packed, n);
    return typeof r === 'number' ? undefined : r;
  }
  const el = g.elementLength;
  const out: E[] = [];
  try {
    for (let i = 0; i < n; i++) {
      out.push(g.decodeElement(packed.subarray(el * i, el * (i + 1)), { allowIdentity: true }));
    }
  } catch (e) {
    if (e instanceof CryptoError) return undefined;
    throw e;
  }
  return out;
}

/**
 * `decodeAnswerJson` on the checked path only: every value with its path, the first bad one thrown
 * (exported so that tests hold the fast path to it).
 */
export function decodeAnswerChecked<E>(g: Group<E>, j: unknown, path: string): EncryptedAnswer<E> {
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
