/**
 * C2SP signed-note (c2sp.org/signed-note): a text signed by one or more keys.
 *
 *     <text ending in \n>
 *     <blank line>
 *     — <key name> base64(uint32 key ID || signature)\n   (one or more)
 *
 * Signers and verifiers are small interfaces so that Ed25519 note keys (type 0x01, here) and
 * timestamped cosignatures (type 0x04, ./cosignature.ts) plug into the same sign/open code.
 */

import { concatBytes, decodeUtf8, fromBase64Lenient, readU32be, toBase64, u32be, utf8 } from './bytes.ts';
import { ed25519FromSeed, ed25519Verifier } from './ed25519.ts';
import { fail, ok, type Result } from './errors.ts';
import { sha256 } from './sha256.ts';

/** Signature type identifier bytes assigned by the spec that this package implements. */
export const SIG_TYPE_ED25519 = 0x01;
export const SIG_TYPE_COSIGNATURE_V1 = 0x04;

/** Verifiers MUST accept at least 16 signatures; like the Go reference we stop at 100. */
export const MAX_NOTE_SIGNATURES = 100;

export interface NoteSigner {
  readonly name: string;
  /** uint32 key ID. */
  readonly keyId: number;
  /** Signs the note text (UTF-8 bytes, including its final newline). */
  sign(text: Uint8Array): Uint8Array;
}

export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** Verifies a signature (without its 4-byte key ID) over the note text. */
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** Signature bytes after the key ID. */
  readonly signature: Uint8Array;
  /** The whole signature line without its final newline. */
  readonly line: string;
}

export interface Note {
  /** The note text, including its final newline. */
  readonly text: string;
  /** Signatures by known keys, all verified. */
  readonly verified: readonly NoteSignature[];
  /** Signatures by unknown keys, left unchecked (identical duplicates dropped). */
  readonly unverified: readonly NoteSignature[];
}

const EM_DASH_SPACE = '\u2014 ';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** key ID = SHA-256(key name || 0x0A || signature type || public key)[:4], big-endian. */
export function noteKeyId(name: string, type: number, publicKey: Uint8Array): number {
  return readU32be(sha256(concatBytes(utf8(name), new Uint8Array([0x0a, type]), publicKey)), 0);
}

export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/** Key names MUST be non-empty and contain no Unicode spaces and no `+`. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name);
}

/** Notes MUST be valid UTF-8 with no ASCII control characters other than newline. */
function hasForbiddenControl(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0009\u000b-\u001f]/.test(s);
}

/** An Ed25519 note signer (type 0x01) from a 32-byte seed. */
export function ed25519NoteSigner(
  name: string,
  seed: Uint8Array,
): NoteSigner & { readonly publicKey: Uint8Array } {
  if (!isValidKeyName(name)) throw new RangeError(`note key name: invalid ${JSON.stringify(name)}`);
  const kp = ed25519FromSeed(seed);
  return {
    name,
    keyId: noteKeyId(name, SIG_TYPE_ED25519, kp.publicKey),
    publicKey: kp.publicKey,
    sign: (text) => kp.sign(text),
  };
}

/** An Ed25519 note verifier (type 0x01); undefined if the key is not a valid point. */
export function ed25519NoteVerifier(name: string, publicKey: Uint8Array): NoteVerifier | undefined {
  const v = ed25519Verifier(publicKey);
  if (v === undefined || !isValidKeyName(name)) return undefined;
  return { name, keyId: noteKeyId(name, SIG_TYPE_ED25519, publicKey), verify: (t, s) => v.verify(t, s) };
}

/** Formats one signature line (without the final newline). */
export function formatSignatureLine(name: string, keyId: number, signature: Uint8Array): string {
  return `${EM_DASH_SPACE}${name} ${toBase64(concatBytes(u32be(keyId), signature))}`;
}

/** Signs `text` (which must end in a newline) with every signer, producing a signed note. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  if (!text.endsWith('\n')) throw new RangeError('note text must end with a newline');
  if (hasForbiddenControl(text)) throw new RangeError('note text contains a control character');
  if (signers.length === 0) throw new RangeError('a note needs at least one signer');
  const bytes = utf8(text);
  const lines = signers.map((s) => formatSignatureLine(s.name, s.keyId, s.sign(bytes)) + '\n');
  return `${text}\n${lines.join('')}`;
}

/** Splits a signed note into text and signature lines without verifying anything. */
export function splitNote(note: string | Uint8Array): Result<{ text: string; signatures: NoteSignature[] }> {
  const msg = typeof note === 'string' ? note : decodeUtf8(note);
  if (msg === undefined) return fail('MALFORMED', 'note: invalid UTF-8');
  if (LONE_SURROGATE.test(msg)) return fail('MALFORMED', 'note: lone surrogate');
  if (hasForbiddenControl(msg)) return fail('MALFORMED', 'note: control character');
  // The text is separated from the signatures by the last empty line.
  const split = msg.lastIndexOf('\n\n');
  if (split < 0) return fail('MALFORMED', 'note: no blank line before signatures');
  const text = msg.slice(0, split + 1);
  let sigs = msg.slice(split + 2);
  if (sigs.length === 0 || !sigs.endsWith('\n')) return fail('MALFORMED', 'note: no signature lines');
  const signatures: NoteSignature[] = [];
  while (sigs.length > 0) {
    const i = sigs.indexOf('\n');
    const line = sigs.slice(0, i);
    sigs = sigs.slice(i + 1);
    if (!line.startsWith(EM_DASH_SPACE))
      return fail('MALFORMED', 'note: signature line must start with an em dash');
    const rest = line.slice(EM_DASH_SPACE.length);
    const sp = rest.indexOf(' ');
    const name = sp < 0 ? rest : rest.slice(0, sp);
    const b64 = sp < 0 ? '' : rest.slice(sp + 1);
    const raw = fromBase64Lenient(b64);
    if (!isValidKeyName(name) || b64 === '' || raw === undefined || raw.length < 5) {
      return fail('MALFORMED', 'note: bad signature line');
    }
    if (signatures.length + 1 > MAX_NOTE_SIGNATURES) return fail('MALFORMED', 'note: too many signatures');
    signatures.push({ name, keyId: readU32be(raw, 0), signature: raw.slice(4), line });
  }
  return ok({ text, signatures });
}

/**
 * Opens a signed note: every signature by a known key (name and key ID both match) must verify,
 * and at least one must; unknown signatures are returned unverified.
 */
export function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): Result<Note> {
  const split = splitNote(note);
  if (!split.ok) return split;
  const { text, signatures } = split.value;
  const textBytes = utf8(text);
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seenKnown = new Set<string>();
  const seenUnknown = new Set<string>();
  for (const sig of signatures) {
    const v = verifiers.find((x) => x.name === sig.name && x.keyId === sig.keyId);
    if (v === undefined) {
      // Drop repeated identical unverified signatures.
      if (seenUnknown.has(sig.line)) continue;
      seenUnknown.add(sig.line);
      unverified.push(sig);
      continue;
    }
    // Drop repeated signatures by a single known key.
    const key = `${sig.name}+${formatKeyId(sig.keyId)}`;
    if (seenKnown.has(key)) continue;
    seenKnown.add(key);
    if (!v.verify(textBytes, sig.signature)) {
      return fail('INVALID_SIGNATURE', `note: invalid signature by ${key}`);
    }
    verified.push(sig);
  }
  if (verified.length === 0) return fail('UNVERIFIED', 'note: no signature by a known key');
  return ok({ text, verified, unverified });
}

/** Adds signature lines (e.g. cosignatures) to a signed note, skipping lines already present. */
export function addSignatureLines(note: string, lines: readonly string[]): string {
  const present = new Set(note.split('\n'));
  const extra = lines.filter((l) => !present.has(l));
  return note + extra.map((l) => `${l}\n`).join('');
}

/** Debug-friendly rendering of a key ID for messages. */
export function describeKey(name: string, keyId: number): string {
  return `${name}+${formatKeyId(keyId)}`;
}
