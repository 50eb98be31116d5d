/**
 * C2SP signed-note verifier keys (`<name>+<hex key ID>+base64(type || public key)`) and the Go
 * `golang.org/x/mod/sumdb/note` private key encoding (`PRIVATE+KEY+<name>+<hex key ID>+base64(type
 * || seed)`), for signature types 0x01 (Ed25519) and 0x04 (tlog-cosignature v1).
 */

import { randomBytes } from 'node:crypto';

import { concatBytes, fromBase64, toBase64 } from './bytes.ts';
import { cosignatureSigner, cosignatureVerifier } from './cosignature.ts';
import { ed25519FromSeed } from './ed25519.ts';
import { fail, ok, type Result } from './errors.ts';
import {
  ed25519NoteSigner,
  ed25519NoteVerifier,
  formatKeyId,
  isValidKeyName,
  noteKeyId,
  SIG_TYPE_COSIGNATURE_V1,
  SIG_TYPE_ED25519,
  type NoteSigner,
  type NoteVerifier,
} from './signed-note.ts';

export type NoteKeyType = typeof SIG_TYPE_ED25519 | typeof SIG_TYPE_COSIGNATURE_V1;

export interface ParsedVerifierKey {
  readonly name: string;
  readonly keyId: number;
  readonly type: NoteKeyType;
  readonly publicKey: Uint8Array;
  readonly verifier: NoteVerifier;
}

/** Splits on the first `count` plus signs only: base64 itself contains `+`. */
function splitPlus(s: string, count: number): string[] | undefined {
  const out: string[] = [];
  let rest = s;
  for (let i = 0; i < count; i++) {
    const at = rest.indexOf('+');
    if (at < 0) return undefined;
    out.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  out.push(rest);
  return out;
}

function parseKeyId(hex: string): number | undefined {
  return /^[0-9a-f]{8}$/.test(hex) ? parseInt(hex, 16) : undefined;
}

/** Parses a verifier key of type 0x01 or 0x04; the key ID must match name, type and key. */
export function parseVerifierKey(vkey: string): Result<ParsedVerifierKey> {
  const parts = splitPlus(vkey, 2);
  if (parts === undefined) return fail('BAD_KEY', 'vkey: expected name+keyid+key');
  const [name = '', idHex = '', b64 = ''] = parts;
  const keyId = parseKeyId(idHex);
  const raw = fromBase64(b64);
  if (!isValidKeyName(name) || keyId === undefined || raw === undefined || raw.length < 1) {
    return fail('BAD_KEY', 'vkey: malformed');
  }
  const type = raw[0];
  const publicKey = raw.slice(1);
  if (type !== SIG_TYPE_ED25519 && type !== SIG_TYPE_COSIGNATURE_V1) {
    return fail('BAD_KEY', `vkey: unsupported signature type ${String(type)}`);
  }
  if (publicKey.length !== 32) return fail('BAD_KEY', 'vkey: Ed25519 public key must be 32 bytes');
  if (noteKeyId(name, type, publicKey) !== keyId) return fail('BAD_KEY', 'vkey: key ID does not match');
  const verifier =
    type === SIG_TYPE_ED25519 ? ed25519NoteVerifier(name, publicKey) : cosignatureVerifier(name, publicKey);
  if (verifier === undefined) return fail('BAD_KEY', 'vkey: not a valid Ed25519 public key');
  return ok({ name, keyId, type, publicKey, verifier });
}

/** Formats a verifier key. */
export function formatVerifierKey(name: string, type: NoteKeyType, publicKey: Uint8Array): string {
  const id = formatKeyId(noteKeyId(name, type, publicKey));
  return `${name}+${id}+${toBase64(concatBytes(new Uint8Array([type]), publicKey))}`;
}

export interface ParsedSignerKey {
  readonly name: string;
  readonly type: NoteKeyType;
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly vkey: string;
}

/** Parses a `PRIVATE+KEY+…` signer key; the key ID must match the derived public key. */
export function parseSignerKey(skey: string): Result<ParsedSignerKey> {
  const parts = splitPlus(skey, 4);
  if (parts === undefined) return fail('BAD_KEY', 'skey: expected PRIVATE+KEY+name+keyid+key');
  const [p1, p2, name = '', idHex = '', b64 = ''] = parts;
  const keyId = parseKeyId(idHex);
  const raw = fromBase64(b64);
  if (p1 !== 'PRIVATE' || p2 !== 'KEY' || !isValidKeyName(name) || keyId === undefined || raw === undefined) {
    return fail('BAD_KEY', 'skey: malformed');
  }
  const type = raw[0];
  const seed = raw.slice(1);
  if ((type !== SIG_TYPE_ED25519 && type !== SIG_TYPE_COSIGNATURE_V1) || seed.length !== 32) {
    return fail('BAD_KEY', 'skey: expected an Ed25519 seed of type 0x01 or 0x04');
  }
  const { publicKey } = ed25519FromSeed(seed);
  if (noteKeyId(name, type, publicKey) !== keyId) return fail('BAD_KEY', 'skey: key ID does not match');
  return ok({ name, type, seed, publicKey, vkey: formatVerifierKey(name, type, publicKey) });
}

export function formatSignerKey(name: string, type: NoteKeyType, seed: Uint8Array): string {
  const { publicKey } = ed25519FromSeed(seed);
  const id = formatKeyId(noteKeyId(name, type, publicKey));
  return `PRIVATE+KEY+${name}+${id}+${toBase64(concatBytes(new Uint8Array([type]), seed))}`;
}

/** Builds a signer from a signer key: a note signer (0x01) or a cosigner (0x04) using `clock`. */
export function signerFromKey(skey: string, clock?: () => number): Result<NoteSigner> {
  const k = parseSignerKey(skey);
  if (!k.ok) return k;
  const { name, type, seed } = k.value;
  return ok(type === SIG_TYPE_ED25519 ? ed25519NoteSigner(name, seed) : cosignatureSigner(name, seed, clock));
}

/** Generates a fresh key pair as (skey, vkey) strings. */
export function generateNoteKey(
  name: string,
  type: NoteKeyType = SIG_TYPE_ED25519,
): { skey: string; vkey: string } {
  if (!isValidKeyName(name)) throw new RangeError(`note key name: invalid ${JSON.stringify(name)}`);
  const seed = new Uint8Array(randomBytes(32));
  const { publicKey } = ed25519FromSeed(seed);
  return { skey: formatSignerKey(name, type, seed), vkey: formatVerifierKey(name, type, publicKey) };
}
