// C2SP tlog-cosignature v1 (Ed25519, type 0x04, timestamped): the spec example's framing, real
// cosignatures from Sunlight's skylight test data, and sign/verify round trips.

import { describe, expect, it } from 'vitest';

import {
  cosignatureMessage,
  cosignatureSigner,
  formatCheckpoint,
  formatVerifierKey,
  openCheckpoint,
  openNote,
  parseCosignatureLine,
  parseVerifierKey,
  signNote,
  ed25519NoteSigner,
  unwrap,
} from '../src/index.ts';
import { readVectorJson, readVectorText } from './helpers/vectors.ts';

interface CosignatureVectors {
  spec_example_parse_only: {
    line: string;
    expect: { key_id_hex: string; timestamp: number; decoded_len: number };
    signed_message_example: string;
  };
}

const SKY = 'cosignature/sunlight-skylight';
const ROME = '000de184301123b9278c086a7d9f68c9577e83872224c197058fd90784ea9706';
const MILAN = '88ad7a28caeb0b2aa890fdf0304c2fcaf59fca2ee140134ff8c1300bac493482';
const vkeyOf = (file: string): string => {
  const [k] = readVectorJson<{ verifier_keys: string[] }>(SKY, file).verifier_keys;
  return k ?? '';
};

describe('C2SP tlog-cosignature v1 framing', () => {
  const v = readVectorJson<CosignatureVectors>('cosignature/cosignature.json').spec_example_parse_only;

  it('parses the spec example line: key ID, timestamp, 76 bytes', () => {
    const c = unwrap(parseCosignatureLine(v.line));
    expect(c.name).toBe('witness.example.com/w1');
    expect(c.keyId.toString(16).padStart(8, '0')).toBe(v.expect.key_id_hex);
    expect(c.timestamp).toBe(v.expect.timestamp);
    expect(4 + 8 + c.signature.length).toBe(v.expect.decoded_len);
  });

  it('builds the spec example signed message', () => {
    const body = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    expect(Buffer.from(cosignatureMessage(1679315147, Buffer.from(body))).toString()).toBe(
      v.signed_message_example,
    );
  });

  it('rejects lines that are not 4 + 8 + 64 bytes', () => {
    expect(parseCosignatureLine('\u2014 w AAAAAAAAAAA=').ok).toBe(false);
    expect(parseCosignatureLine('w AAAAAAAAAAA=').ok).toBe(false);
  });
});

describe('C2SP tlog-cosignature v1: Sunlight skylight cosignatures', () => {
  const witness = unwrap(parseVerifierKey(vkeyOf('witness/witness.v0.json')));
  const mirror = unwrap(parseVerifierKey(vkeyOf('witness/mirror/mirror.v0.json')));
  const witness2 = unwrap(parseVerifierKey(vkeyOf('witness2/witness.v0.json')));

  it('reads the three cosigner keys as type 0x04', () => {
    expect([witness.type, mirror.type, witness2.type]).toEqual([4, 4, 4]);
  });

  it('verifies the witness cosignature and ignores the log signature of unknown type 0x05', () => {
    const note = readVectorText(SKY, 'witness', ROME, 'checkpoint');
    const r = unwrap(openCheckpoint(note, [witness.verifier]));
    expect(r.checkpoint.origin).toBe('rome2026h1.example.org');
    expect(r.checkpoint.size).toBe(300);
    expect(r.note.verified.map((s) => s.name)).toEqual(['witness.example.org']);
    expect(r.note.unverified.map((s) => s.name)).toEqual(['rome2026h1.example.org']);
    expect(unwrap(parseCosignatureLine(r.note.verified[0]?.line ?? '')).timestamp).toBe(1767139200);
  });

  it('verifies the mirror and witness2 cosignatures, each only under its own key', () => {
    const mirrored = readVectorText(SKY, 'witness/mirror', ROME, 'checkpoint');
    expect(openNote(mirrored, [mirror.verifier]).ok).toBe(true);
    expect(openNote(mirrored, [witness.verifier]).ok).toBe(false);
    const milan = readVectorText(SKY, 'witness2', MILAN, 'checkpoint');
    expect(openNote(milan, [witness2.verifier]).ok).toBe(true);
    expect(openNote(milan, [witness.verifier]).ok).toBe(false);
  });

  it('rejects a cosignature whose timestamp was altered', () => {
    const note = readVectorText(SKY, 'witness', ROME, 'checkpoint');
    const lines = note.split('\n');
    const last = lines.at(-2) ?? '';
    const [dash, name, sig] = last.split(' ');
    const raw = Buffer.from(sig ?? '', 'base64');
    raw[11] = (raw[11] ?? 0) ^ 1;
    const forged = note.replace(last, `${dash} ${name} ${raw.toString('base64')}`);
    const r = openNote(forged, [witness.verifier]);
    expect(r.ok ? undefined : r.error.code).toBe('INVALID_SIGNATURE');
  });
});

describe('C2SP tlog-cosignature v1 round trip', () => {
  it('cosigns a checkpoint with the clock time in seconds and verifies it', () => {
    const seed = new Uint8Array(32).fill(9);
    const cosigner = cosignatureSigner('observer.opendeg.example/1', seed, () => 1_700_000_000_123);
    const log = ed25519NoteSigner('log.opendeg.example', new Uint8Array(32).fill(3));
    const body = formatCheckpoint({
      origin: 'log.opendeg.example',
      size: 5,
      root: new Uint8Array(32),
      extensions: [],
    });
    const note = signNote(body, [log, cosigner]);
    const v = unwrap(parseVerifierKey(formatVerifierKey(cosigner.name, 4, cosigner.publicKey)));
    const opened = unwrap(openNote(note, [v.verifier]));
    expect(unwrap(parseCosignatureLine(opened.verified[0]?.line ?? '')).timestamp).toBe(1_700_000_000);
    // The same key as a 0x01 note key has a different key ID, so it cannot verify a cosignature.
    const asNoteKey = unwrap(parseVerifierKey(formatVerifierKey(cosigner.name, 1, cosigner.publicKey)));
    expect(openNote(note, [asNoteKey.verifier]).ok).toBe(false);
  });
});
