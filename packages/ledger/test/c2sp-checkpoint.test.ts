// C2SP tlog-checkpoint: body formatting and strict parsing, signed checkpoints from
// sum.golang.org and Sigsum, against the transparency-dev/formats and golang/mod vectors.

import { describe, expect, it } from 'vitest';

import {
  ed25519NoteSigner,
  ed25519NoteVerifier,
  formatCheckpoint,
  hashLeaf,
  openCheckpoint,
  parseCheckpoint,
  parseVerifierKey,
  signNote,
  splitNote,
  unwrap,
} from '../src/index.ts';
import { ascii, b64, hex, readVectorJson } from './helpers/vectors.ts';

interface CheckpointVectors {
  signed: {
    desc: string;
    vkey?: string;
    seed_hex?: string;
    origin: string;
    size: number;
    root_b64: string;
    note: string;
  }[];
  unsigned_examples: { desc: string; note?: string; body?: string }[];
  body_parse: { body: string; formats_ok: boolean; strict_c2sp_ok: boolean; why_strict: string }[];
}

const V = readVectorJson<CheckpointVectors>('checkpoint/checkpoints.json');

describe('C2SP tlog-checkpoint signed checkpoints', () => {
  it.each(V.signed)('$desc (size $size)', (c) => {
    let verifier;
    if (c.vkey !== undefined) verifier = unwrap(parseVerifierKey(c.vkey)).verifier;
    else {
      // Sigsum: the key name is the origin; re-signing must reproduce the note exactly.
      const signer = ed25519NoteSigner(c.origin, hex(c.seed_hex ?? ''));
      verifier = ed25519NoteVerifier(c.origin, signer.publicKey);
      const body = formatCheckpoint({
        origin: c.origin,
        size: c.size,
        root: b64(c.root_b64),
        extensions: [],
      });
      expect(signNote(body, [signer])).toBe(c.note);
    }
    expect(verifier).toBeDefined();
    if (verifier === undefined) return;
    const opened = unwrap(openCheckpoint(c.note, [verifier]));
    expect(opened.checkpoint.origin).toBe(c.origin);
    expect(opened.checkpoint.size).toBe(c.size);
    expect(opened.checkpoint.root).toEqual(b64(c.root_b64));
    // A bit flip in the size line must break the signature.
    const tampered = c.note.replace(`\n${c.size}\n`, `\n${c.size + 1}\n`);
    const r = openCheckpoint(tampered, [verifier]);
    expect(r.ok ? undefined : r.error.code).toBe('INVALID_SIGNATURE');
  });

  it('parses the spec example and the Go FormatTree golden body', () => {
    for (const u of V.unsigned_examples) {
      const body = u.body ?? unwrap(splitNote(u.note ?? '')).text;
      const c = unwrap(parseCheckpoint(body));
      expect(formatCheckpoint(c)).toBe(body);
      if (u.body !== undefined) {
        expect(c.size).toBe(123456789012);
        expect(c.root).toEqual(hashLeaf(ascii('hello world')));
      }
    }
  });
});

describe('C2SP tlog-checkpoint strict body parsing', () => {
  it.each(V.body_parse)('$why_strict: strict ok = $strict_c2sp_ok', (c) => {
    const r = parseCheckpoint(c.body);
    expect(r.ok).toBe(c.strict_c2sp_ok);
    if (!r.ok) expect(r.error.code).toBe('MALFORMED');
  });

  it('rejects leading zeroes, a non-canonical root, and sizes beyond 2^53', () => {
    const root = Buffer.alloc(32).toString('base64');
    expect(parseCheckpoint(`o\n01\n${root}\n`).ok).toBe(false);
    expect(parseCheckpoint(`o\n0\n${root}\n`).ok).toBe(true);
    expect(parseCheckpoint(`o\n1\n${root.slice(0, -2)}B=\n`).ok).toBe(false);
    expect(parseCheckpoint(`o\n18446744073709551615\n${root}\n`).ok).toBe(false);
    expect(parseCheckpoint(`o\n1\n${root}\next\n`).ok).toBe(true);
  });

  it('refuses to format an invalid checkpoint', () => {
    expect(() =>
      formatCheckpoint({ origin: '', size: 1, root: new Uint8Array(32), extensions: [] }),
    ).toThrow();
    expect(() =>
      formatCheckpoint({ origin: 'o', size: -1, root: new Uint8Array(32), extensions: [] }),
    ).toThrow();
    expect(() =>
      formatCheckpoint({ origin: 'o', size: 1, root: new Uint8Array(31), extensions: [] }),
    ).toThrow();
  });
});
