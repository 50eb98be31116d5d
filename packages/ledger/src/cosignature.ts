/**
 * C2SP tlog-cosignature v1, Ed25519 (c2sp.org/tlog-cosignature): a timestamped note signature of
 * type 0x04 over
 *
 *     cosignature/v1\n
 *     time <POSIX seconds>\n
 *     <checkpoint note text>
 *
 * serialised as `timestamped_signature { u64 timestamp; opaque ed25519_signature[64]; }`.
 */

import { concatBytes, decodeUtf8, readU64be, u64be, utf8 } from './bytes.ts';
import { ed25519FromSeed, ed25519Verifier } from './ed25519.ts';
import { fail, ok, type Result } from './errors.ts';
import {
  isValidKeyName,
  noteKeyId,
  splitNote,
  SIG_TYPE_COSIGNATURE_V1,
  type NoteSigner,
  type NoteVerifier,
} from './signed-note.ts';

/** Timestamps MUST NOT exceed 2^63 - 1; we also keep them exact as JavaScript numbers. */
const MAX_TIMESTAMP = Number.MAX_SAFE_INTEGER;

/** The Ed25519 signed message: header line, timestamp line, then the checkpoint text. */
export function cosignatureMessage(timestamp: number, checkpointText: Uint8Array): Uint8Array {
  return concatBytes(utf8(`cosignature/v1\ntime ${timestamp}\n`), checkpointText);
}

/**
 * A cosigner (an observer node's witness key). `clock` returns milliseconds since the epoch; the
 * timestamp is whole seconds.
 */
export function cosignatureSigner(
  name: string,
  seed: Uint8Array,
  clock: () => number = Date.now,
): NoteSigner & { readonly publicKey: Uint8Array } {
  if (!isValidKeyName(name)) throw new RangeError(`cosigner name: invalid ${JSON.stringify(name)}`);
  const kp = ed25519FromSeed(seed);
  return {
    name,
    keyId: noteKeyId(name, SIG_TYPE_COSIGNATURE_V1, kp.publicKey),
    publicKey: kp.publicKey,
    sign: (text) => {
      const timestamp = Math.floor(clock() / 1000);
      if (!Number.isSafeInteger(timestamp) || timestamp < 0)
        throw new RangeError('cosigner clock out of range');
      return concatBytes(u64be(timestamp), kp.sign(cosignatureMessage(timestamp, text)));
    },
  };
}

/** The timestamp of a cosignature (without key ID), or undefined if it is not 72 bytes. */
export function cosignatureTimestamp(signature: Uint8Array): number | undefined {
  if (signature.length !== 8 + 64) return undefined;
  const t = readU64be(signature, 0);
  return t > BigInt(MAX_TIMESTAMP) ? undefined : Number(t);
}

/** A cosignature verifier (type 0x04); undefined if the key is not a valid point. */
export function cosignatureVerifier(name: string, publicKey: Uint8Array): NoteVerifier | undefined {
  const v = ed25519Verifier(publicKey);
  if (v === undefined || !isValidKeyName(name)) return undefined;
  return {
    name,
    keyId: noteKeyId(name, SIG_TYPE_COSIGNATURE_V1, publicKey),
    verify: (text, signature) => {
      const timestamp = cosignatureTimestamp(signature);
      if (timestamp === undefined) return false;
      return v.verify(cosignatureMessage(timestamp, text), signature.subarray(8));
    },
  };
}

export interface CosignatureLine {
  readonly name: string;
  readonly keyId: number;
  readonly timestamp: number;
  readonly signature: Uint8Array;
}

/** Parses the framing of one cosignature line (`— <name> base64(keyID || u64 time || sig)`). */
export function parseCosignatureLine(line: string): Result<CosignatureLine> {
  // Reuse the note parser on a minimal note so the line rules are the same.
  const split = splitNote(`x\n\n${line}\n`);
  if (!split.ok) return split;
  const [sig] = split.value.signatures;
  if (sig === undefined || split.value.signatures.length !== 1)
    return fail('MALFORMED', 'cosignature: one line');
  const timestamp = cosignatureTimestamp(sig.signature);
  if (timestamp === undefined) return fail('MALFORMED', 'cosignature: not a timestamped Ed25519 signature');
  return ok({ name: sig.name, keyId: sig.keyId, timestamp, signature: sig.signature.slice(8) });
}

/** Parses a tlog-witness 200 response body: one or more signature lines. */
export function parseSignatureLines(body: string | Uint8Array): Result<string[]> {
  const text = typeof body === 'string' ? body : decodeUtf8(body);
  if (text === undefined || text.length === 0 || !text.endsWith('\n')) {
    return fail('MALFORMED', 'signature lines: empty or unterminated');
  }
  const split = splitNote(`x\n\n${text}`);
  if (!split.ok) return split;
  return ok(split.value.signatures.map((s) => s.line));
}
