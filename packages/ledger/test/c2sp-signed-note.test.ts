// C2SP signed-note: Ed25519 (type 0x01) signing and opening, verifier keys, against the
// golang/mod sumdb/note vectors and the C2SP spec example.

import { describe, expect, it } from 'vitest';

import {
  ed25519NoteSigner,
  formatSignerKey,
  formatVerifierKey,
  generateNoteKey,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signerFromKey,
  signNote,
  unwrap,
  type NoteVerifier,
} from '../src/index.ts';
import { b64, readVectorJson } from './helpers/vectors.ts';

interface SignedNoteVectors {
  keys: { name: string; vkey: string; skey: string | null }[];
  sign: { desc: string; skey: string; text: string; note: string }[];
  open: {
    desc: string;
    verifiers: string[];
    note: string | null;
    note_b64?: string;
    expect:
      { ok: true; text: string; verified: string[]; unverified: string[] } | { ok: false; error: string };
  }[];
  bad_vkeys: { vkey: string; why: string }[];
}

const V = readVectorJson<SignedNoteVectors>('signed-note/signed-note.json');
const ERROR_CODES: Record<string, string> = {
  unverified: 'UNVERIFIED',
  'invalid signature': 'INVALID_SIGNATURE',
  malformed: 'MALFORMED',
};

const verifiersOf = (vkeys: string[]): NoteVerifier[] =>
  vkeys.map((k) => unwrap(parseVerifierKey(k)).verifier);

describe('C2SP signed-note verifier keys', () => {
  it.each(V.keys)('parses $name', ({ name, vkey, skey }) => {
    const k = unwrap(parseVerifierKey(vkey));
    expect(k.name).toBe(name);
    expect(k.type).toBe(1);
    if (skey !== null) expect(unwrap(parseSignerKey(skey)).vkey).toBe(vkey);
  });

  it.each(V.bad_vkeys.filter((b) => !b.vkey.startsWith('every')))('rejects $why', ({ vkey }) => {
    const r = parseVerifierKey(vkey);
    expect(r.ok ? undefined : r.error.code).toBe('BAD_KEY');
  });

  it('rejects every proper substring and every single-byte +1 mangling (TestNewVerifier)', () => {
    const good = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
    for (let i = 0; i < good.length; i++) {
      for (let j = i + 1; j <= good.length; j++) {
        if (i === 0 && j === good.length) continue;
        expect(parseVerifierKey(good.slice(i, j)).ok, good.slice(i, j)).toBe(false);
      }
      const mangled = good.slice(0, i) + String.fromCharCode(good.charCodeAt(i) + 1) + good.slice(i + 1);
      expect(parseVerifierKey(mangled).ok, mangled).toBe(false);
    }
  });

  it('round-trips generated keys of both types', () => {
    for (const type of [0x01, 0x04] as const) {
      const { skey, vkey } = generateNoteKey('opendeg.example/observer-1', type);
      expect(unwrap(parseSignerKey(skey)).vkey).toBe(vkey);
      expect(unwrap(parseVerifierKey(vkey)).type).toBe(type);
    }
    const seed = new Uint8Array(32).fill(7);
    expect(unwrap(parseSignerKey(formatSignerKey('a.example/b', 1, seed))).seed).toEqual(seed);
  });
});

describe('C2SP signed-note signing (deterministic Ed25519)', () => {
  it.each(V.sign)('$desc', ({ skey, text, note }) => {
    const signer = unwrap(signerFromKey(skey));
    expect(signNote(text, [signer])).toBe(note);
  });

  it('refuses to sign a text without final newline or with control characters', () => {
    const s = ed25519NoteSigner('k', new Uint8Array(32));
    expect(() => signNote('no newline', [s])).toThrow();
    expect(() => signNote('bell \u0007\n', [s])).toThrow();
  });
});

describe('C2SP signed-note opening', () => {
  it.each(V.open)('$desc', (c) => {
    const input = c.note ?? new Uint8Array(b64(c.note_b64 ?? ''));
    const r = openNote(input, verifiersOf(c.verifiers));
    if (c.expect.ok) {
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.value.text).toBe(c.expect.text);
      expect(r.value.verified.map((s) => s.name)).toEqual(c.expect.verified);
      expect(r.value.unverified.map((s) => s.name)).toEqual(c.expect.unverified);
    } else {
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe(ERROR_CODES[c.expect.error]);
    }
  });

  it('accepts at least 16 signatures (spec minimum)', () => {
    const signers = Array.from({ length: 16 }, (_, i) =>
      ed25519NoteSigner(`k${i}`, new Uint8Array(32).fill(i)),
    );
    const note = signNote('sixteen\n', signers);
    const verifiers = signers.map((s) => unwrap(parseVerifierKey(vkeyOf(s.name, s.publicKey))).verifier);
    const r = unwrap(openNote(note, verifiers));
    expect(r.verified).toHaveLength(16);
  });

  it('ignores a signature that matches a known key by name only or by key ID only', () => {
    const a = ed25519NoteSigner('same', new Uint8Array(32).fill(1));
    const b = ed25519NoteSigner('same', new Uint8Array(32).fill(2));
    const note = signNote('text\n', [a, b]);
    const r = unwrap(openNote(note, [unwrap(parseVerifierKey(vkeyOf('same', a.publicKey))).verifier]));
    expect(r.verified).toHaveLength(1);
    expect(r.unverified).toHaveLength(1);
  });

  it('rejects a blank line inside the signature block and a missing space after the dash', () => {
    const s = ed25519NoteSigner('k', new Uint8Array(32));
    const v = unwrap(parseVerifierKey(vkeyOf('k', s.publicKey))).verifier;
    const note = signNote('a\n', [s]);
    expect(openNote(note.replace('\u2014 ', '\u2014'), [v]).ok).toBe(false);
    expect(openNote(`${note}\n`, [v]).ok).toBe(false);
    expect(openNote(note.replace('a\n', 'b\n'), [v]).ok).toBe(false);
  });
});

function vkeyOf(name: string, publicKey: Uint8Array): string {
  return formatVerifierKey(name, 1, publicKey);
}
