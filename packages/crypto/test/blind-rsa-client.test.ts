/**
 * The Node client of RFC 9474 (`node/blind-rsa-client.ts`, issue 6): the Appendix A vectors of every
 * variant through the test hook's fixed salt and r, signatures crossing between it and the browser's
 * client (`blind-rsa.ts` on @cloudflare/blindrsa-ts) both ways under the server's signer (OpenSSL raw
 * RSA), and the issuer answers and keys that must be refused, each with its stable code.
 */

import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { beforeAll, describe, expect, it } from 'vitest';

import {
  BLIND_RSA_VARIANT,
  blindRsaMessage,
  finalizeBlindRsaSignature,
  prepareBlindRsaMessage,
  registerBlindRsaClient,
  registerBlindRsaVerifier,
  verifyBlindRsaSignature,
  type BlindRsaVariant,
  type BlindingState,
} from '../src/blind-rsa.ts';
import { bytesToNumberBE, concatBytes, equalBytes, hexToBytes, numberToBytesBE } from '../src/bytes.ts';
import { CryptoError, type CryptoErrorCode } from '../src/errors.ts';
import { invert } from '../src/group.ts';
import {
  blindRsaMessageWithForTests,
  finalizeBlindRsaSignatureNode,
  blindRsaMessageNode,
  prepareBlindRsaMessageNode,
} from '../src/node/blind-rsa-client.ts';
import { blindSign, exportIssuerPublicKeySpki, generateIssuerKey } from '../src/node/blind-rsa-signer.ts';
import * as nodeEntry from '../src/node/index.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const vectorsPath = path.resolve(repoRoot, '../shared/vectors/rfc9474/test_vectors_rfc9474.json');

interface RawVector {
  name: string;
  p: string;
  n: string;
  e: string;
  msg: string;
  msg_prefix: string;
  input_msg: string;
  salt: string;
  inv: string;
  blinded_msg: string;
  blind_sig: string;
  sig: string;
}

const bytes = (hex: string): Uint8Array => hexToBytes(hex.replace(/^0x/, ''));

/** The vector's public key: SPKI through a JWK of n and e (no private part is needed on this side). */
function vectorSpki(v: RawVector): Uint8Array {
  const b64url = (hex: string): string => Buffer.from(bytes(hex)).toString('base64url');
  const key = createPublicKey({ format: 'jwk', key: { kty: 'RSA', n: b64url(v.n), e: b64url(v.e) } });
  return exportIssuerPublicKeySpki(key);
}

const vectors = (JSON.parse(readFileSync(vectorsPath, 'utf8')) as RawVector[]).map((raw) => {
  const n = BigInt(raw.n);
  const kLen = Math.ceil(n.toString(16).length / 2);
  return {
    variant: raw.name as BlindRsaVariant,
    spki: vectorSpki(raw),
    n,
    p: BigInt(raw.p),
    kLen,
    msg: bytes(raw.msg),
    msgPrefix: bytes(raw.msg_prefix),
    inputMsg: bytes(raw.input_msg),
    salt: bytes(raw.salt),
    inv: numberToBytesBE(BigInt(raw.inv), kLen),
    // r is not in the vectors: it is inv⁻¹ mod n.
    r: invert(BigInt(raw.inv), n),
    blindedMsg: bytes(raw.blinded_msg),
    blindSig: bytes(raw.blind_sig),
    sig: bytes(raw.sig),
  };
});

function flip(b: Uint8Array, i: number, mask = 0x01): Uint8Array {
  const out = Uint8Array.from(b);
  out[i] = (out[i] ?? 0) ^ mask;
  return out;
}

function expectCode(f: () => unknown, code: CryptoErrorCode): CryptoError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CryptoError);
    expect((e as CryptoError).code).toBe(code);
    return e as CryptoError;
  }
  return expect.fail(`expected CryptoError ${code}`);
}

describe('RFC 9474 Appendix A vectors on the Node client', () => {
  it('has the four variants of RFC 9474 §5, so every one below runs', () => {
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
    it('§4.2 Blind with the vector salt and r reproduces blinded_msg and inv', () => {
      const { blindedMsg, state } = blindRsaMessageWithForTests(v.spki, v.inputMsg, v.variant, v.salt, v.r);
      expect(blindedMsg).toEqual(v.blindedMsg);
      expect(state.inv).toEqual(v.inv);
      expect(state.preparedMsg).toEqual(v.inputMsg);
      expect(state.variant).toBe(v.variant);
      // Another salt (where the variant has one) or another r gives another blinded message.
      const other = blindRsaMessageWithForTests(v.spki, v.inputMsg, v.variant, v.salt, v.r + 1n);
      expect(equalBytes(other.blindedMsg, v.blindedMsg)).toBe(false);
    });

    it('§4.4 Finalize with the vector inv and blind_sig reproduces sig', () => {
      const state: BlindingState = { variant: v.variant, preparedMsg: v.inputMsg, inv: v.inv };
      expect(finalizeBlindRsaSignatureNode(v.spki, state, v.blindSig)).toEqual(v.sig);
    });

    it('§4.4 Finalize refuses a flipped bit in blind_sig or inv, and a message not signed (BLIND_SIGNATURE_INVALID)', () => {
      const state: BlindingState = { variant: v.variant, preparedMsg: v.inputMsg, inv: v.inv };
      for (const i of [0, 7, v.kLen >> 1, v.kLen - 1]) {
        const e = expectCode(
          () => finalizeBlindRsaSignatureNode(v.spki, state, flip(v.blindSig, i)),
          'BLIND_SIGNATURE_INVALID',
        );
        expect(e.message).toBe('finalize: invalid signature');
      }
      expectCode(
        () => finalizeBlindRsaSignatureNode(v.spki, { ...state, inv: flip(v.inv, 9) }, v.blindSig),
        'BLIND_SIGNATURE_INVALID',
      );
      expectCode(
        () =>
          finalizeBlindRsaSignatureNode(v.spki, { ...state, preparedMsg: flip(v.inputMsg, 0) }, v.blindSig),
        'BLIND_SIGNATURE_INVALID',
      );
      // Wrong sizes are the caller's error, not the issuer's.
      expectCode(() => finalizeBlindRsaSignatureNode(v.spki, state, v.blindSig.subarray(1)), 'BAD_ARGUMENT');
      expectCode(
        () => finalizeBlindRsaSignatureNode(v.spki, { ...state, inv: v.inv.subarray(1) }, v.blindSig),
        'BAD_ARGUMENT',
      );
    });

    it('§4.1 Prepare: a fresh 32-byte prefix before msg exactly for the Randomized variants', () => {
      const a = prepareBlindRsaMessageNode(v.msg, v.variant);
      const b = prepareBlindRsaMessageNode(v.msg, v.variant);
      expect(a.length).toBe(v.inputMsg.length);
      expect(a.subarray(v.msgPrefix.length)).toEqual(v.msg);
      if (v.msgPrefix.length === 32) expect(equalBytes(a.subarray(0, 32), b.subarray(0, 32))).toBe(false);
      else expect(a).toEqual(v.msg);
    });
  });
});

describe('the Node client against the browser client and the server signer', () => {
  // registerBlindRsaVerifier(undefined): verification below is blindrsa-ts's own, not OpenSSL's.
  let issuer: { privateKey: KeyObject; spki: Uint8Array };
  beforeAll(async () => {
    registerBlindRsaVerifier(undefined);
    // 2048 bits (the smallest accepted) keeps key generation short on a loaded machine.
    const k = await generateIssuerKey(2048);
    issuer = { privateKey: k.privateKey, spki: exportIssuerPublicKeySpki(k.publicKey) };
  }, 120_000);

  it('P-6.9 blinded here, signed by the issuer, finalized here: blindrsa-ts verifies the signature, and finalizes the same state to the same bytes', async () => {
    const prepared = prepareBlindRsaMessageNode(new TextEncoder().encode('credential ✓'));
    const { blindedMsg, state } = blindRsaMessageNode(issuer.spki, prepared);
    const blindSig = blindSign(issuer.privateKey, blindedMsg);
    const sig = finalizeBlindRsaSignatureNode(issuer.spki, state, blindSig);
    expect(await verifyBlindRsaSignature(issuer.spki, prepared, sig, BLIND_RSA_VARIANT)).toBe(true);
    expect(await finalizeBlindRsaSignature(issuer.spki, state, blindSig)).toEqual(sig);
    // The issuer saw neither the message nor the signature (the blinding hid them).
    expect(equalBytes(blindedMsg, sig)).toBe(false);
    expect(await verifyBlindRsaSignature(issuer.spki, flip(prepared, 40), sig)).toBe(false);
  });

  it('P-6.9 registered, the Node client serves crypto’s blindRsaMessage and finalizeBlindRsaSignature (so election’s credential calls); unregistered, the library does again', async () => {
    const calls: string[] = [];
    registerBlindRsaClient({
      blind: (key, prepared, variant) => {
        calls.push('blind');
        return blindRsaMessageNode(key, prepared, variant);
      },
      finalize: (key, state, blindSig) => {
        calls.push('finalize');
        return finalizeBlindRsaSignatureNode(key, state, blindSig);
      },
    });
    try {
      const prepared = prepareBlindRsaMessage(new TextEncoder().encode('credential'));
      const { blindedMsg, state } = await blindRsaMessage(issuer.spki, prepared);
      const blindSig = blindSign(issuer.privateKey, blindedMsg);
      const sig = await finalizeBlindRsaSignature(issuer.spki, state, blindSig);
      expect(calls).toEqual(['blind', 'finalize']);
      expect(await verifyBlindRsaSignature(issuer.spki, prepared, sig)).toBe(true);
      // The same refusal, with the same code, as the library's.
      await expect(finalizeBlindRsaSignature(issuer.spki, state, flip(blindSig, 7))).rejects.toMatchObject({
        code: 'BLIND_SIGNATURE_INVALID',
      });
      // The node entry's registration is this client.
      nodeEntry.registerNodeBlindRsaClient();
      const again = await blindRsaMessage(issuer.spki, prepared);
      const sig2 = await finalizeBlindRsaSignature(
        issuer.spki,
        again.state,
        blindSign(issuer.privateKey, again.blindedMsg),
      );
      expect(await verifyBlindRsaSignature(issuer.spki, prepared, sig2)).toBe(true);
      expect(calls).toEqual(['blind', 'finalize', 'finalize']);
    } finally {
      registerBlindRsaClient(undefined);
    }
    await blindRsaMessage(issuer.spki, prepareBlindRsaMessage(new Uint8Array([1])));
    expect(calls).toHaveLength(3);
  });

  it('P-6.9 blinded by blindrsa-ts, signed by the issuer, finalized here: the signature verifies there', async () => {
    const prepared = prepareBlindRsaMessage(new TextEncoder().encode('credential'));
    const { blindedMsg, state } = await blindRsaMessage(issuer.spki, prepared);
    const blindSig = blindSign(issuer.privateKey, blindedMsg);
    const sig = finalizeBlindRsaSignatureNode(issuer.spki, state, blindSig);
    expect(await verifyBlindRsaSignature(issuer.spki, prepared, sig)).toBe(true);
    expectCode(
      () => finalizeBlindRsaSignatureNode(issuer.spki, state, flip(blindSig, 100, 0x10)),
      'BLIND_SIGNATURE_INVALID',
    );
  });

  it('every blinding draws a fresh r and salt: the same message blinds differently, and each unblinds', () => {
    const prepared = prepareBlindRsaMessageNode(Uint8Array.of(1, 2, 3));
    const seen = new Set<string>();
    const invs = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const { blindedMsg, state } = blindRsaMessageNode(issuer.spki, prepared);
      seen.add(Buffer.from(blindedMsg).toString('hex'));
      invs.add(Buffer.from(state.inv).toString('hex'));
      const sig = finalizeBlindRsaSignatureNode(issuer.spki, state, blindSign(issuer.privateKey, blindedMsg));
      expect(sig.length).toBe(256);
    }
    expect(seen.size).toBe(8);
    expect(invs.size).toBe(8);
  });

  it('an answer under another issuer key does not finalize (BLIND_SIGNATURE_INVALID)', async () => {
    const other = await generateIssuerKey(2048);
    const prepared = prepareBlindRsaMessageNode(Uint8Array.of(9));
    // The other signer refuses a blinded message at or above its own modulus (BAD_ARGUMENT, a
    // different case): blind again until it answers — each try has about even odds.
    for (let attempt = 0; ; attempt++) {
      const { blindedMsg, state } = blindRsaMessageNode(issuer.spki, prepared);
      let answer: Uint8Array;
      try {
        answer = blindSign(other.privateKey, blindedMsg);
      } catch (e) {
        expect((e as CryptoError).code).toBe('BAD_ARGUMENT');
        expect(attempt).toBeLessThan(64);
        continue;
      }
      expectCode(() => finalizeBlindRsaSignatureNode(issuer.spki, state, answer), 'BLIND_SIGNATURE_INVALID');
      break;
    }
  }, 120_000);

  it('takes a Node public KeyObject as well as SPKI bytes', () => {
    const publicKey = createPublicKey({ key: Buffer.from(issuer.spki), format: 'der', type: 'spki' });
    const prepared = prepareBlindRsaMessageNode(Uint8Array.of(5));
    const { blindedMsg, state } = blindRsaMessageNode(publicKey, prepared);
    const sig = finalizeBlindRsaSignatureNode(issuer.spki, state, blindSign(issuer.privateKey, blindedMsg));
    expect(finalizeBlindRsaSignatureNode(publicKey, state, blindSign(issuer.privateKey, blindedMsg))).toEqual(
      sig,
    );
  });
});

describe('keys and inputs the Node client refuses', () => {
  const v = vectors.find((x) => x.variant === 'RSABSSA-SHA384-PSS-Randomized')!;

  it('refuses an RSA-PSS SPKI, a non-canonical SPKI, a short modulus and garbage (BAD_ARGUMENT)', () => {
    const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).publicKey;
    const pssSpki = new Uint8Array(pss.export({ type: 'spki', format: 'der' }));
    expect(expectCode(() => blindRsaMessageNode(pssSpki, v.inputMsg), 'BAD_ARGUMENT').message).toMatch(
      /rsaEncryption/,
    );
    expectCode(() => blindRsaMessageNode(concatBytes(v.spki, Uint8Array.of(0)), v.inputMsg), 'BAD_ARGUMENT');
    const short = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    const shortSpki = new Uint8Array(short.export({ type: 'spki', format: 'der' }));
    expect(expectCode(() => blindRsaMessageNode(shortSpki, v.inputMsg), 'BAD_ARGUMENT').message).toMatch(
      /1024 bits/,
    );
    expectCode(() => blindRsaMessageNode(Uint8Array.of(0x30, 0x00), v.inputMsg), 'BAD_ARGUMENT');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expectCode(() => blindRsaMessageNode(ec, v.inputMsg), 'BAD_ARGUMENT');
  });

  it('refuses a Randomized message shorter than its prefix, an unknown variant, and an r that is not a unit', () => {
    expectCode(() => blindRsaMessageNode(v.spki, new Uint8Array(31)), 'BAD_ARGUMENT');
    expectCode(
      () => blindRsaMessageNode(v.spki, v.inputMsg, 'RSABSSA-SHA256-PSS-Randomized' as BlindRsaVariant),
      'BAD_ARGUMENT',
    );
    // 0, n and beyond are not in [1, n); a prime factor of n has no inverse.
    for (const r of [0n, v.n, v.n + 5n, v.p]) {
      expectCode(() => blindRsaMessageWithForTests(v.spki, v.inputMsg, v.variant, v.salt, r), 'BAD_ARGUMENT');
    }
    expectCode(
      () => blindRsaMessageWithForTests(v.spki, v.inputMsg, v.variant, v.salt.subarray(1), v.r),
      'BAD_ARGUMENT',
    );
  });

  it('the test hook with a fixed r is not part of @opendeg/crypto/node', () => {
    expect(Object.keys(nodeEntry)).toContain('blindRsaMessageNode');
    expect(Object.keys(nodeEntry)).toContain('finalizeBlindRsaSignatureNode');
    expect(Object.keys(nodeEntry)).not.toContain('blindRsaMessageWithForTests');
  });

  it('inv really is r⁻¹: r·inv ≡ 1 (mod n) for the vector', () => {
    const { state } = blindRsaMessageWithForTests(v.spki, v.inputMsg, v.variant, v.salt, v.r);
    expect((bytesToNumberBE(state.inv) * v.r) % v.n).toBe(1n);
  });
});
