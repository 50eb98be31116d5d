/**
 * Procedure P-5.5 (each part of the decryption key on its own medium, under its holder's passphrase):
 * key-part files seal and open, and every way a file can be wrong gets its own error code.
 */

import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { bytesToHex, fromBase64, toBase64 } from '../src/bytes.ts';
import { CryptoError, type CryptoErrorCode } from '../src/errors.ts';
import {
  DEFAULT_KEY_PART_SCRYPT,
  describeKeyPart,
  inspectKeyPart,
  KEY_PART_MAGIC,
  openKeyPart,
  sealKeyPart,
  type KeyPartMetadata,
  type SealKeyPartInput,
} from '../src/key-part-file.ts';

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const ELECTION = { electionId: 'duma-2026-okrug-7', keyGroup: 'main' };
const PASSPHRASE = 'корректная лошадь батарейка скрепка';

const baseMetadata: SealKeyPartInput['metadata'] = {
  suite: 'ristretto255',
  ...ELECTION,
  partIndex: 2,
  n: 5,
  k: 3,
  verificationKey: 'e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76',
  holder: 'Иванова И. И.',
};

function secretBytes(fill = 0x5a): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => (fill + i) & 0xff);
}

function seal(overrides: Partial<SealKeyPartInput> = {}): Promise<string> {
  return sealKeyPart({
    metadata: baseMetadata,
    secret: secretBytes(),
    passphrase: PASSPHRASE,
    scrypt: FAST,
    ...overrides,
  });
}

async function expectCode(p: Promise<unknown>, code: CryptoErrorCode, message?: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CryptoError);
    expect((e as CryptoError).code, (e as Error).message).toBe(code);
    if (message !== undefined) expect((e as Error).message).toMatch(message);
    return;
  }
  expect.fail(`expected CryptoError ${code}`);
}

/** The four content lines of a file (without the checksum line). */
function bodyLines(file: string): string[] {
  return file.split('\n').slice(0, 4);
}

/** Reassembles a file from its content lines with a valid checksum, as a forger would. */
function withChecksum(lines: readonly string[]): string {
  const body = lines.join('\n') + '\n';
  return `${body}sha256 ${createHash('sha256').update(body, 'utf8').digest('hex')}\n`;
}

function canonical(value: unknown): string {
  if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

interface HeaderJson {
  check: string;
  kdf: { N: number; name: string; p: number; r: number };
  metadata: Record<string, unknown>;
  nonce: string;
  salt: string;
}

/** Edits the JSON header, keeps the description line consistent and fixes the checksum. */
function editHeader(file: string, edit: (h: HeaderJson) => void): string {
  const lines = bodyLines(file);
  const header = JSON.parse(lines[2] ?? '') as HeaderJson;
  edit(header);
  lines[1] = describeKeyPart(header.metadata as unknown as KeyPartMetadata);
  lines[2] = canonical(header);
  return withChecksum(lines);
}

function editCiphertext(file: string, edit: (c: Uint8Array) => Uint8Array): string {
  const lines = bodyLines(file);
  lines[3] = toBase64(edit(fromBase64(lines[3] ?? '')));
  return withChecksum(lines);
}

describe('P-5.5 key part files: round trip', () => {
  it('P-5.5: a sealed part opens with its holder passphrase, metadata and secret intact', async () => {
    const file = await seal();
    const opened = await openKeyPart(file, PASSPHRASE, ELECTION);
    expect(opened.secret).toEqual(secretBytes());
    expect(opened.metadata).toEqual({ version: 1, ...baseMetadata });
    // Bytes work as well as text.
    expect((await openKeyPart(new TextEncoder().encode(file), PASSPHRASE, ELECTION)).secret).toEqual(
      secretBytes(),
    );
  });

  it('P-5.5: the holder sees which election and part it is without the passphrase; the secret is not visible', async () => {
    const file = await seal();
    const lines = file.split('\n');
    expect(lines[0]).toBe(KEY_PART_MAGIC);
    expect(lines[1]).toBe(
      '# election "duma-2026-okrug-7", key group "main", part 2 of 5, any 3 decrypt, holder "Иванова И. И.", suite "ristretto255"',
    );
    expect(lines[5]).toBe('');
    expect(inspectKeyPart(file)).toEqual({ version: 1, ...baseMetadata });
    expect(file).not.toContain(bytesToHex(secretBytes()));
    expect(file).not.toContain(toBase64(secretBytes()));
  });

  it('P-5.5: optional fields may be absent; passphrases are compared after NFC normalisation', async () => {
    const metadata = { suite: 'gost256b', ...ELECTION, partIndex: 1, n: 1, k: 1 };
    const nfc = 'ёлка'.normalize('NFC');
    const file = await seal({ metadata, passphrase: nfc });
    const opened = await openKeyPart(file, nfc.normalize('NFD'), ELECTION);
    expect(opened.metadata).toEqual({ version: 1, ...metadata });
    expect(file.split('\n')[1]).not.toContain('holder');
  });

  it('P-5.5: two seals of the same part differ (fresh salt and nonce)', async () => {
    const [a, b] = await Promise.all([seal(), seal()]);
    expect(a).not.toBe(b);
  });

  it('P-5.5: default scrypt parameters (N = 2^17, r = 8, p = 1) round trip', async () => {
    const file = await sealKeyPart({ metadata: baseMetadata, secret: secretBytes(), passphrase: PASSPHRASE });
    const opened = await openKeyPart(file, PASSPHRASE, ELECTION);
    expect(opened.secret).toEqual(secretBytes());
    expect((JSON.parse(file.split('\n')[2] ?? '') as HeaderJson).kdf).toEqual({
      ...DEFAULT_KEY_PART_SCRYPT,
      name: 'scrypt',
    });
    await expectCode(openKeyPart(file, PASSPHRASE + '!', ELECTION), 'KEYFILE_WRONG_PASSPHRASE');
  });

  it('P-5.5: a file rewritten with CRLF line ends still opens', async () => {
    const file = await seal();
    expect((await openKeyPart(file.replace(/\n/g, '\r\n'), PASSPHRASE, ELECTION)).secret).toEqual(
      secretBytes(),
    );
  });
});

describe('P-5.5 key part files: wrong passphrase', () => {
  it('P-5.5: a wrong passphrase → KEYFILE_WRONG_PASSPHRASE', async () => {
    const file = await seal();
    for (const wrong of ['', ' ', PASSPHRASE + ' ', PASSPHRASE.toUpperCase(), PASSPHRASE.slice(1), 'x']) {
      if (wrong === '') {
        await expectCode(openKeyPart(file, wrong, ELECTION), 'BAD_ARGUMENT');
      } else {
        await expectCode(openKeyPart(file, wrong, ELECTION), 'KEYFILE_WRONG_PASSPHRASE');
      }
    }
  });

  it("P-5.5: each holder's file decrypts only with that holder's own passphrase", async () => {
    const holders = ['Петров', 'Сидорова', 'Кузнецов'];
    const passphrases = ['первый пароль', 'второй пароль', 'третий пароль'];
    const files = await Promise.all(
      holders.map((holder, i) =>
        seal({
          metadata: { ...baseMetadata, holder, partIndex: i + 1, n: 3, k: 2 },
          secret: secretBytes(i),
          passphrase: passphrases[i] ?? '',
        }),
      ),
    );
    for (const [i, file] of files.entries()) {
      for (const [j, passphrase] of passphrases.entries()) {
        if (i === j) {
          const opened = await openKeyPart(file, passphrase, ELECTION);
          expect(opened.secret).toEqual(secretBytes(i));
          expect(opened.metadata.partIndex).toBe(i + 1);
        } else {
          await expectCode(openKeyPart(file, passphrase, ELECTION), 'KEYFILE_WRONG_PASSPHRASE');
        }
      }
    }
  });
});

describe('P-5.5 key part files: tampering is told apart from a wrong passphrase', () => {
  it('P-5.5: every single-byte flip of the ciphertext → KEYFILE_TAMPERED (checksum), never WRONG_PASSPHRASE', async () => {
    const file = await seal();
    const ct = fromBase64(bodyLines(file)[3] ?? '');
    expect(ct.length).toBe(32 + 16);
    for (let i = 0; i < ct.length; i++) {
      const lines = bodyLines(file);
      const flipped = Uint8Array.from(ct);
      flipped[i] = (flipped[i] ?? 0) ^ 0x01;
      lines[3] = toBase64(flipped);
      const damaged = lines.join('\n') + '\n' + (file.split('\n')[4] ?? '') + '\n';
      await expectCode(openKeyPart(damaged, PASSPHRASE, ELECTION), 'KEYFILE_TAMPERED', /checksum/);
    }
  });

  it('P-5.5: every single-byte flip of the ciphertext with a forged checksum → KEYFILE_TAMPERED (AES-GCM)', async () => {
    const file = await seal();
    const length = fromBase64(bodyLines(file)[3] ?? '').length;
    for (let i = 0; i < length; i++) {
      for (const mask of [0x01, 0x80]) {
        const forged = editCiphertext(file, (c) => {
          const out = Uint8Array.from(c);
          out[i] = (out[i] ?? 0) ^ mask;
          return out;
        });
        await expectCode(
          openKeyPart(forged, PASSPHRASE, ELECTION),
          'KEYFILE_TAMPERED',
          /does not authenticate/,
        );
      }
    }
    await expectCode(
      openKeyPart(
        editCiphertext(file, (c) => c.subarray(0, c.length - 1)),
        PASSPHRASE,
        ELECTION,
      ),
      'KEYFILE_TAMPERED',
    );
    await expectCode(
      openKeyPart(
        editCiphertext(file, (c) => Uint8Array.from([...c, 0])),
        PASSPHRASE,
        ELECTION,
      ),
      'KEYFILE_TAMPERED',
    );
  });

  it('P-5.5: every single-character change of the text → TAMPERED or MALFORMED, never WRONG_PASSPHRASE', async () => {
    const file = await seal();
    const checksumStart = file.lastIndexOf('sha256 ');
    for (let i = 0; i < checksumStart; i++) {
      const c = file[i];
      if (c === '\n') continue;
      const damaged = file.slice(0, i) + (c === 'A' ? 'B' : 'A') + file.slice(i + 1);
      try {
        await openKeyPart(damaged, PASSPHRASE, ELECTION);
        expect.fail(`change at ${i} went unnoticed`);
      } catch (e) {
        expect(['KEYFILE_TAMPERED', 'KEYFILE_MALFORMED']).toContain((e as CryptoError).code);
      }
    }
  });

  it('P-5.5: changed metadata fields (partIndex, n, k, holder, suite, verification key) → KEYFILE_TAMPERED', async () => {
    const file = await seal();
    const edits: ((m: Record<string, unknown>) => void)[] = [
      (m) => (m.partIndex = 3),
      (m) => (m.n = 7),
      (m) => (m.k = 2),
      (m) => (m.holder = 'Петров П. П.'),
      (m) => delete m.holder,
      (m) => (m.suite = 'gost256b'),
      (m) => (m.verificationKey = '00'.repeat(32)),
      (m) => delete m.verificationKey,
    ];
    for (const edit of edits) {
      const forged = editHeader(file, (h) => {
        edit(h.metadata);
      });
      // Consistent description, valid checksum, right passphrase: only AES-GCM can notice.
      await expectCode(
        openKeyPart(forged, PASSPHRASE, ELECTION),
        'KEYFILE_TAMPERED',
        /does not authenticate/,
      );
      // Without a forged checksum the damage is seen before any scrypt work.
      const lines = bodyLines(forged);
      const stale = lines.join('\n') + '\n' + (file.split('\n')[4] ?? '') + '\n';
      await expectCode(openKeyPart(stale, PASSPHRASE, ELECTION), 'KEYFILE_TAMPERED', /checksum/);
    }
  });

  it('P-5.5: a changed nonce → KEYFILE_TAMPERED; a description line that disagrees → KEYFILE_TAMPERED', async () => {
    const file = await seal();
    const forgedNonce = editHeader(file, (h) => (h.nonce = toBase64(new Uint8Array(12))));
    await expectCode(
      openKeyPart(forgedNonce, PASSPHRASE, ELECTION),
      'KEYFILE_TAMPERED',
      /does not authenticate/,
    );
    const lines = bodyLines(file);
    lines[1] = (lines[1] ?? '').replace('part 2 of 5', 'part 4 of 5');
    await expectCode(
      openKeyPart(withChecksum(lines), PASSPHRASE, ELECTION),
      'KEYFILE_TAMPERED',
      /description/,
    );
  });

  it('P-5.5: a forged electionId is reported as another election, and never opens as that election', async () => {
    const file = await seal();
    const forged = editHeader(file, (h) => (h.metadata.electionId = 'other-election'));
    await expectCode(openKeyPart(forged, PASSPHRASE, ELECTION), 'KEYFILE_WRONG_ELECTION');
    await expectCode(
      openKeyPart(forged, PASSPHRASE, { ...ELECTION, electionId: 'other-election' }),
      'KEYFILE_TAMPERED',
      /does not authenticate/,
    );
    const forgedGroup = editHeader(file, (h) => (h.metadata.keyGroup = 'reserve'));
    await expectCode(
      openKeyPart(forgedGroup, PASSPHRASE, { ...ELECTION, keyGroup: 'reserve' }),
      'KEYFILE_TAMPERED',
      /does not authenticate/,
    );
  });

  it('P-5.5: a forger who rewrites salt, scrypt parameters or check value and the checksum is reported as wrong passphrase (documented limit)', async () => {
    const file = await seal();
    const forgeries = [
      editHeader(file, (h) => (h.salt = toBase64(new Uint8Array(16)))),
      editHeader(file, (h) => (h.kdf.N = 2 ** 11)),
      editHeader(file, (h) => (h.check = toBase64(new Uint8Array(16)))),
    ];
    for (const forged of forgeries) {
      await expectCode(openKeyPart(forged, PASSPHRASE, ELECTION), 'KEYFILE_WRONG_PASSPHRASE');
    }
  });
});

describe('P-5.5 key part files: another election or key group', () => {
  it('P-5.5: a part of another election → KEYFILE_WRONG_ELECTION, before the passphrase is even tried', async () => {
    const file = await seal({ metadata: { ...baseMetadata, electionId: 'gubernator-2026' } });
    await expectCode(openKeyPart(file, PASSPHRASE, ELECTION), 'KEYFILE_WRONG_ELECTION', /gubernator-2026/);
    await expectCode(openKeyPart(file, 'wrong passphrase', ELECTION), 'KEYFILE_WRONG_ELECTION');
    expect(
      (await openKeyPart(file, PASSPHRASE, { ...ELECTION, electionId: 'gubernator-2026' })).metadata
        .electionId,
    ).toBe('gubernator-2026');
  });

  it('P-5.5: a part of another key group → KEYFILE_WRONG_KEY_GROUP, before the passphrase is even tried', async () => {
    const file = await seal({ metadata: { ...baseMetadata, keyGroup: 'reserve' } });
    await expectCode(openKeyPart(file, PASSPHRASE, ELECTION), 'KEYFILE_WRONG_KEY_GROUP', /reserve/);
    await expectCode(openKeyPart(file, 'wrong passphrase', ELECTION), 'KEYFILE_WRONG_KEY_GROUP');
    expect(
      (await openKeyPart(file, PASSPHRASE, { ...ELECTION, keyGroup: 'reserve' })).metadata.keyGroup,
    ).toBe('reserve');
  });
});

describe('P-5.5 key part files: malformed files', () => {
  it('P-5.5: garbage → KEYFILE_MALFORMED', async () => {
    const file = await seal();
    const garbage: (string | Uint8Array)[] = [
      '',
      '\n',
      'hello',
      crypto.getRandomValues(new Uint8Array(300)),
      Uint8Array.of(0xff, 0xfe, 0x00),
      KEY_PART_MAGIC,
      KEY_PART_MAGIC + '\n',
      file.replace(KEY_PART_MAGIC, 'OPENDEG KEY PART v2'),
      file.replace('\n', '\n\n'),
      bodyLines(file).join('\n'),
      file.split('\n').slice(0, 4).join('\n') + '\nsha256 XYZ\n',
      file.replace(/sha256 ([0-9a-f]+)/, (_, h: string) => `sha256 ${h.toUpperCase()}`),
      file + 'trailing line\n',
      JSON.stringify({ metadata: baseMetadata }),
    ];
    for (const g of garbage) await expectCode(openKeyPart(g, PASSPHRASE, ELECTION), 'KEYFILE_MALFORMED');
  });

  it('P-5.5: well-checksummed files with a bad header → KEYFILE_MALFORMED', async () => {
    const file = await seal();
    const header = bodyLines(file)[2] ?? '';
    const withHeader = (h: string): string => {
      const lines = bodyLines(file);
      lines[2] = h;
      return withChecksum(lines);
    };
    const bad = [
      withHeader('not json'),
      withHeader('[]'),
      withHeader(header.replace('{', '{ ')), // not canonical
      withHeader(header.replace('"check"', '"extra":1,"check"')),
      withHeader(header.replace('"partIndex":2', '"partIndex":2.0')),
      withHeader(header.replace('"partIndex":2', '"partIndex":"2"')),
      editHeader(file, (h) => (h.metadata.partIndex = 6)),
      editHeader(file, (h) => (h.metadata.partIndex = 0)),
      editHeader(file, (h) => (h.metadata.k = 6)),
      editHeader(file, (h) => (h.metadata.version = 2)),
      editHeader(file, (h) => (h.metadata.electionId = '')),
      editHeader(file, (h) => (h.metadata.holder = 'a\u0007b')),
      editHeader(file, (h) => (h.metadata.verificationKey = 'ABCD')),
      editHeader(file, (h) => (h.metadata.extra = 'x')),
      editHeader(file, (h) => (h.kdf.name = 'argon2id')),
      editHeader(file, (h) => (h.kdf.N = 2 ** 21)), // absurd: 2 GiB
      editHeader(file, (h) => (h.kdf.N = 2 ** 9)),
      editHeader(file, (h) => (h.kdf.N = 1000)),
      editHeader(file, (h) => (h.kdf.r = 0)),
      editHeader(file, (h) => (h.kdf.p = 100)),
      editHeader(file, (h) => ((h.kdf.N = 2 ** 20), (h.kdf.p = 2))),
      editHeader(file, (h) => (h.salt = toBase64(new Uint8Array(15)))),
      editHeader(file, (h) => (h.nonce = toBase64(new Uint8Array(16)))),
      editHeader(file, (h) => (h.check = 'not base64!')),
      editCiphertext(file, () => new Uint8Array(16)),
    ];
    for (const [i, f] of bad.entries()) {
      try {
        await openKeyPart(f, PASSPHRASE, ELECTION);
        expect.fail(`bad header ${i} accepted`);
      } catch (e) {
        expect((e as CryptoError).code, `bad header ${i}: ${(e as Error).message}`).toBe('KEYFILE_MALFORMED');
      }
    }
    const lines = bodyLines(file);
    lines[3] = '!!!!';
    await expectCode(openKeyPart(withChecksum(lines), PASSPHRASE, ELECTION), 'KEYFILE_MALFORMED');
  });

  it('P-5.5: sealing rejects bad metadata, secrets and scrypt parameters with BAD_ARGUMENT', async () => {
    const bad: Partial<SealKeyPartInput>[] = [
      { metadata: { ...baseMetadata, k: 6 } },
      { metadata: { ...baseMetadata, partIndex: 0 } },
      { metadata: { ...baseMetadata, n: 2.5 } },
      { metadata: { ...baseMetadata, electionId: '' } },
      { metadata: { ...baseMetadata, holder: 'line\nbreak' } },
      { metadata: { ...baseMetadata, verificationKey: 'xyz' } },
      { secret: new Uint8Array(0) },
      { passphrase: '' },
      { scrypt: { N: 2 ** 21, r: 8, p: 1 } },
      { scrypt: { N: 3000, r: 8, p: 1 } },
    ];
    for (const b of bad) await expectCode(seal(b), 'BAD_ARGUMENT');
  });
});
