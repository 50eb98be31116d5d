/**
 * RFC 9474 (RSA Blind Signatures): the client (`blind-rsa.ts`, on blindrsa-ts) and the issuer
 * (`node/blind-rsa-signer.ts`, on OpenSSL) against the Appendix A test vectors of all four variants,
 * inputs that must be rejected, and a round trip with a fresh key checked by `openssl`.
 */

import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it, vi } from 'vitest';

import {
  BLIND_RSA_VARIANT,
  blindRsaMessage,
  blindRsaSaltLength,
  finalizeBlindRsaSignature,
  importBlindRsaPublicKey,
  prepareBlindRsaMessage,
  verifyBlindRsaSignature,
  type BlindRsaVariant,
  type BlindingState,
} from '../src/blind-rsa.ts';
import { bytesToNumberBE, concatBytes, hexToBytes, numberToBytesBE, toBase64 } from '../src/bytes.ts';
import { CryptoError, type CryptoErrorCode } from '../src/errors.ts';
import { invert } from '../src/group.ts';
import {
  blindSign,
  exportIssuerPublicKeyPem,
  exportIssuerPublicKeySpki,
  generateIssuerKey,
} from '../src/node/blind-rsa-signer.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const vectorsPath = path.resolve(repoRoot, '../shared/vectors/rfc9474/test_vectors_rfc9474.json');

interface RawVector {
  name: string;
  p: string;
  q: string;
  n: string;
  e: string;
  d: string;
  msg: string;
  msg_prefix: string;
  input_msg: string;
  sLen: string;
  salt: string;
  is_randomized: string;
  inv: string;
  blinded_msg: string;
  blind_sig: string;
  sig: string;
}

const rawVectors = JSON.parse(readFileSync(vectorsPath, 'utf8')) as RawVector[];

const big = (hex: string): bigint => BigInt(hex);
const bytes = (hex: string): Uint8Array => hexToBytes(hex.replace(/^0x/, ''));

function b64url(n: bigint): string {
  const len = Math.ceil(n.toString(16).length / 2);
  return toBase64(numberToBytesBE(n, len)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The vector's private key as a Node KeyObject (CRT parameters derived from p, q, d). */
function vectorPrivateKey(v: RawVector): KeyObject {
  const [p, q, d] = [big(v.p), big(v.q), big(v.d)];
  return createPrivateKey({
    format: 'jwk',
    key: {
      kty: 'RSA',
      n: b64url(big(v.n)),
      e: b64url(big(v.e)),
      d: b64url(d),
      p: b64url(p),
      q: b64url(q),
      dp: b64url(d % (p - 1n)),
      dq: b64url(d % (q - 1n)),
      qi: b64url(invert(q, p)),
    },
  });
}

const vectors = rawVectors.map((v) => {
  const privateKey = vectorPrivateKey(v);
  const n = big(v.n);
  const kLen = Math.ceil(n.toString(16).length / 2);
  return {
    raw: v,
    variant: v.name as BlindRsaVariant,
    privateKey,
    spki: exportIssuerPublicKeySpki(privateKey),
    n,
    kLen,
    msg: bytes(v.msg),
    msgPrefix: bytes(v.msg_prefix),
    inputMsg: bytes(v.input_msg),
    salt: bytes(v.salt),
    inv: numberToBytesBE(big(v.inv), kLen),
    blindedMsg: bytes(v.blinded_msg),
    blindSig: bytes(v.blind_sig),
    sig: bytes(v.sig),
  };
});

function flip(b: Uint8Array, i: number, mask = 0x01): Uint8Array {
  const out = Uint8Array.from(b);
  out[i] = (out[i] ?? 0) ^ mask;
  return out;
}

async function expectCode(p: Promise<unknown> | (() => unknown), code: CryptoErrorCode): Promise<void> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(CryptoError);
    expect((e as CryptoError).code).toBe(code);
    return;
  }
  expect.fail(`expected CryptoError ${code}`);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('RFC 9474 Appendix A test vectors', () => {
  it('covers the four variants of RFC 9474 §5', () => {
    expect(vectors.map((v) => v.variant).sort()).toEqual(
      [
        'RSABSSA-SHA384-PSS-Deterministic',
        'RSABSSA-SHA384-PSS-Randomized',
        'RSABSSA-SHA384-PSSZERO-Deterministic',
        'RSABSSA-SHA384-PSSZERO-Randomized',
      ].sort(),
    );
  });

  describe.each(vectors)('$variant', (v) => {
    it('§4.1 Prepare: input_msg = msg_prefix ‖ msg, with a 32-byte prefix exactly for Randomized', () => {
      expect(concatBytes(v.msgPrefix, v.msg)).toEqual(v.inputMsg);
      expect(v.msgPrefix.length).toBe(v.raw.is_randomized === '0x01' ? 32 : 0);
      const prepared = prepareBlindRsaMessage(v.msg, v.variant);
      expect(prepared.length).toBe(v.inputMsg.length);
      expect(prepared.subarray(prepared.length - v.msg.length)).toEqual(v.msg);
      expect(blindRsaSaltLength(v.variant)).toBe(Number(v.raw.sLen));
    });

    it('§4.2 Blind with the vector salt and r = inv⁻¹ mod n reproduces blinded_msg', async () => {
      const key = await importBlindRsaPublicKey(v.spki);
      // blindrsa-ts takes no injected randomness: it draws the salt (EMSA-PSS-ENCODE step 4), then r
      // (random_integer_uniform) from crypto.getRandomValues, so the stub hands out exactly those.
      const r = invert(bytesToNumberBE(v.inv), v.n);
      const draws = [v.salt, numberToBytesBE(r, v.kLen)];
      const spy = vi
        .spyOn(globalThis.crypto, 'getRandomValues')
        .mockImplementation(<T extends ArrayBufferView | null>(arr: T): T => {
          const next = draws.shift();
          if (next === undefined || !(arr instanceof Uint8Array) || arr.length !== next.length) {
            throw new Error('unexpected draw of randomness');
          }
          arr.set(next);
          return arr;
        });
      const { blindedMsg, state } = await blindRsaMessage(key, v.inputMsg, v.variant);
      spy.mockRestore();
      expect(draws).toEqual([]);
      expect(blindedMsg).toEqual(v.blindedMsg);
      expect(state.inv).toEqual(v.inv);
    });

    it('§4.3 BlindSign by the Node signer reproduces blind_sig', () => {
      expect(blindSign(v.privateKey, v.blindedMsg)).toEqual(v.blindSig);
    });

    it('§4.4 Finalize with the vector inv reproduces sig, and §4.5 verification accepts it', async () => {
      const state: BlindingState = { variant: v.variant, preparedMsg: v.inputMsg, inv: v.inv };
      expect(await finalizeBlindRsaSignature(v.spki, state, v.blindSig)).toEqual(v.sig);
      expect(await verifyBlindRsaSignature(v.spki, v.inputMsg, v.sig, v.variant)).toBe(true);
    });

    it('rejects a tampered message', async () => {
      expect(await verifyBlindRsaSignature(v.spki, flip(v.inputMsg, 0), v.sig, v.variant)).toBe(false);
      const last = v.inputMsg.length - 1;
      expect(await verifyBlindRsaSignature(v.spki, flip(v.inputMsg, last, 0x80), v.sig, v.variant)).toBe(
        false,
      );
      expect(
        await verifyBlindRsaSignature(v.spki, concatBytes(v.inputMsg, Uint8Array.of(0)), v.sig, v.variant),
      ).toBe(false);
      if (v.msgPrefix.length > 0) {
        // The prefix is part of what is signed: the bare msg does not verify.
        expect(await verifyBlindRsaSignature(v.spki, v.msg, v.sig, v.variant)).toBe(false);
      }
    });

    it('rejects a tampered signature, and Finalize rejects a tampered blind signature', async () => {
      for (const i of [0, 1, v.kLen >> 1, v.kLen - 1]) {
        expect(await verifyBlindRsaSignature(v.spki, v.inputMsg, flip(v.sig, i), v.variant)).toBe(false);
      }
      expect(await verifyBlindRsaSignature(v.spki, v.inputMsg, v.sig.subarray(1), v.variant)).toBe(false);
      expect(await verifyBlindRsaSignature(v.spki, v.inputMsg, new Uint8Array(v.kLen), v.variant)).toBe(
        false,
      );
      const state: BlindingState = { variant: v.variant, preparedMsg: v.inputMsg, inv: v.inv };
      await expectCode(
        finalizeBlindRsaSignature(v.spki, state, flip(v.blindSig, 7)),
        'BLIND_SIGNATURE_INVALID',
      );
      await expectCode(
        finalizeBlindRsaSignature(v.spki, { ...state, inv: flip(v.inv, 9) }, v.blindSig),
        'BLIND_SIGNATURE_INVALID',
      );
      await expectCode(finalizeBlindRsaSignature(v.spki, state, v.blindSig.subarray(1)), 'BAD_ARGUMENT');
    });

    it('rejects signatures of the other variants', async () => {
      for (const other of vectors) {
        if (other.variant === v.variant) continue;
        // The other variant's signature on its own input, checked under this variant's rules.
        const saltLengthDiffers = blindRsaSaltLength(other.variant) !== blindRsaSaltLength(v.variant);
        if (saltLengthDiffers) {
          expect(await verifyBlindRsaSignature(v.spki, other.inputMsg, other.sig, v.variant)).toBe(false);
        }
        // This variant's input with the other variant's signature.
        expect(await verifyBlindRsaSignature(v.spki, v.inputMsg, other.sig, v.variant)).toBe(false);
      }
    });
  });
});

describe('RFC 9474 §4.3 BlindSign (Node signer): inputs that must be rejected', () => {
  const v = vectors[0]!;

  it('rejects a blinded message ≥ n (RSASP1 "message representative out of range")', async () => {
    await expectCode(() => blindSign(v.privateKey, numberToBytesBE(v.n, v.kLen)), 'BAD_ARGUMENT');
    await expectCode(() => blindSign(v.privateKey, numberToBytesBE(v.n + 1n, v.kLen)), 'BAD_ARGUMENT');
    await expectCode(() => blindSign(v.privateKey, new Uint8Array(v.kLen).fill(0xff)), 'BAD_ARGUMENT');
    expect(() => blindSign(v.privateKey, numberToBytesBE(v.n, v.kLen))).toThrow(/out of range/);
    // n - 1 is in range and signs.
    expect(blindSign(v.privateKey, numberToBytesBE(v.n - 1n, v.kLen)).length).toBe(v.kLen);
  });

  it('rejects a blinded message of the wrong length', async () => {
    await expectCode(() => blindSign(v.privateKey, v.blindedMsg.subarray(1)), 'BAD_ARGUMENT');
    await expectCode(
      () => blindSign(v.privateKey, concatBytes(Uint8Array.of(0), v.blindedMsg)),
      'BAD_ARGUMENT',
    );
  });

  it('rejects keys that are not RSA private keys', async () => {
    await expectCode(() => blindSign(createPublicKey(v.privateKey), v.blindedMsg), 'BAD_ARGUMENT');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    await expectCode(() => blindSign(ec, v.blindedMsg), 'BAD_ARGUMENT');
    const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey;
    await expectCode(() => blindSign(pss, v.blindedMsg), 'BAD_ARGUMENT');
  });

  it('a blind signature under another key does not finalize (wrong key)', async () => {
    const { privateKey: other, publicKey: otherPublic } = await generateIssuerKey(4096);
    const nOther = BigInt(
      '0x' + Buffer.from(otherPublic.export({ format: 'jwk' }).n ?? '', 'base64url').toString('hex'),
    );
    // Reduced mod the other modulus, so that the wrong issuer signs instead of rejecting m ≥ n.
    const wrongBlindSig = blindSign(other, numberToBytesBE(bytesToNumberBE(v.blindedMsg) % nOther, v.kLen));
    const state: BlindingState = { variant: v.variant, preparedMsg: v.inputMsg, inv: v.inv };
    await expectCode(finalizeBlindRsaSignature(v.spki, state, wrongBlindSig), 'BLIND_SIGNATURE_INVALID');
    // And the vector signature does not verify under the other key.
    expect(
      await verifyBlindRsaSignature(exportIssuerPublicKeySpki(other), v.inputMsg, v.sig, v.variant),
    ).toBe(false);
  });
});

describe('Issuer public keys (DER rsaEncryption SPKI)', () => {
  const v = vectors[0]!;

  it('accepts the SPKI and an equivalent CryptoKey, RSA-PSS/SHA-384 or not', async () => {
    const key = await importBlindRsaPublicKey(v.spki);
    expect(key.algorithm).toMatchObject({ name: 'RSA-PSS', modulusLength: 4096, hash: { name: 'SHA-384' } });
    expect(await verifyBlindRsaSignature(key, v.inputMsg, v.sig, v.variant)).toBe(true);
    const pkcs1 = await crypto.subtle.importKey(
      'spki',
      Uint8Array.from(v.spki),
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      true,
      ['verify'],
    );
    expect(await verifyBlindRsaSignature(pkcs1, v.inputMsg, v.sig, v.variant)).toBe(true);
    const opaque = await crypto.subtle.importKey(
      'spki',
      Uint8Array.from(v.spki),
      { name: 'RSA-PSS', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    await expectCode(verifyBlindRsaSignature(opaque, v.inputMsg, v.sig, v.variant), 'BAD_ARGUMENT');
  });

  it('rejects non-DER, trailing bytes, id-RSASSA-PSS SPKI, non-RSA keys and moduli under 2048 bits', async () => {
    await expectCode(importBlindRsaPublicKey(new Uint8Array(0)), 'BAD_ARGUMENT');
    await expectCode(importBlindRsaPublicKey(concatBytes(v.spki, Uint8Array.of(0))), 'BAD_ARGUMENT');
    await expectCode(importBlindRsaPublicKey(v.spki.subarray(0, v.spki.length - 1)), 'BAD_ARGUMENT');
    await expectCode(importBlindRsaPublicKey(flip(v.spki, 10)), 'BAD_ARGUMENT');
    const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).publicKey;
    await expectCode(importBlindRsaPublicKey(pss.export({ type: 'spki', format: 'der' })), 'BAD_ARGUMENT');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    await expectCode(importBlindRsaPublicKey(ec.export({ type: 'spki', format: 'der' })), 'BAD_ARGUMENT');
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    await expectCode(importBlindRsaPublicKey(small.export({ type: 'spki', format: 'der' })), 'BAD_ARGUMENT');
  });
});

describe(`Round trip with a fresh 2048-bit issuer key (${BLIND_RSA_VARIANT})`, () => {
  it('prepare → blind → Node BlindSign → finalize → verify, and openssl verifies the result', async () => {
    const { privateKey, publicKey } = await generateIssuerKey(2048);
    const spki = exportIssuerPublicKeySpki(publicKey);
    expect(exportIssuerPublicKeySpki(privateKey)).toEqual(spki);

    // The voter's one-time credential public key stands in as the message.
    const credential = crypto.getRandomValues(new Uint8Array(32));
    const prepared = prepareBlindRsaMessage(credential);
    expect(prepared.length).toBe(32 + credential.length);

    const { blindedMsg, state } = await blindRsaMessage(spki, prepared);
    expect(blindedMsg.length).toBe(256);
    const again = await blindRsaMessage(spki, prepared);
    expect(again.blindedMsg).not.toEqual(blindedMsg); // fresh r every time: unlinkable

    const blindSig = blindSign(privateKey, blindedMsg);
    const sig = await finalizeBlindRsaSignature(spki, state, blindSig);
    expect(await verifyBlindRsaSignature(spki, prepared, sig)).toBe(true);
    expect(await verifyBlindRsaSignature(spki, prepared, sig, 'RSABSSA-SHA384-PSSZERO-Randomized')).toBe(
      false,
    );
    expect(await verifyBlindRsaSignature(spki, flip(prepared, 0), sig)).toBe(false);

    // Independent check by OpenSSL's RSASSA-PSS (SHA-384, MGF1-SHA-384, sLen 48) over prefix ‖ msg.
    // openssl is a prerequisite of the test suite (README; `.ci/run` installs it).
    expect(spawnSync('which', ['openssl']).status, 'openssl must be installed').toBe(0);
    {
      const dir = mkdtempSync(path.join(tmpdir(), 'opendeg-rfc9474-'));
      try {
        const [pub, sigFile, msgFile, badFile] = ['pub.pem', 'sig.bin', 'msg.bin', 'bad.bin'].map((f) =>
          path.join(dir, f),
        ) as [string, string, string, string];
        writeFileSync(pub, exportIssuerPublicKeyPem(privateKey));
        writeFileSync(sigFile, sig);
        writeFileSync(msgFile, prepared);
        writeFileSync(badFile, flip(prepared, 5));
        const opensslVerify = (file: string) =>
          spawnSync(
            'openssl',
            [
              'dgst',
              '-sha384',
              '-sigopt',
              'rsa_padding_mode:pss',
              '-sigopt',
              'rsa_pss_saltlen:48',
              '-verify',
              pub,
              '-signature',
              sigFile,
              file,
            ],
            { encoding: 'utf8' },
          );
        const ok = opensslVerify(msgFile);
        expect(ok.status, ok.stderr).toBe(0);
        expect(ok.stdout).toContain('Verified OK');
        expect(opensslVerify(badFile).status).not.toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
