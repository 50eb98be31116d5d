/**
 * Belenios's trustee public key infrastructure (Belenios 2.0 specification §4.6.1 keys, signing and
 * encrypting, §4.6.2 certificates, §4.6.3 channels): how Pedersen trustees send each other their
 * shares through the server without the server learning them.
 *
 * - seed: 22 Base58 characters; sk = SHA256("sk|" seed), dk = SHA256("dk|" seed) (read big-endian);
 *   verification key g^sk, encryption key g^dk. The seed is the trustee's `.key` file in belenios-tool.
 * - encrypted_msg: α = g^r, β = ek^r·g^s, data = hex(AES-256-CCM(key = SHA256("key|" g^s),
 *   nonce = SHA256("iv|" α), M)). The CCM parameters are those of SJCL, which Belenios uses: a 64-bit
 *   tag and the nonce cut to 15 − L bytes, L = 2 for messages under 64 KiB (13-byte nonce).
 * - channel: send(sk, recipient, M) = encrypt(recipient, signed_msg(sk, {"recipient", "message": M})).
 *
 * Node-only (AES-CCM is not in WebCrypto): trustees run this in the key-ceremony tool, not in a browser.
 */

import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { check } from '@opendeg/crypto';
import { asObject, asString, bg, decodeElement, encodeDecimal, parseJson, sha256Hex } from './encoding.ts';
import type { Decimal } from './encoding.ts';
import { randomBase58 } from './election.ts';
import { BeleniosError } from './errors.ts';
import { signMessage, verifySignedMessage } from './schnorr.ts';
import type { SignedMsgJson } from './schnorr.ts';

export interface TrusteeKeys {
  readonly seed: string;
  /** Signing key sk and its verification key g^sk. */
  readonly signingKey: bigint;
  readonly verificationKey: bigint;
  /** Decryption key dk and its encryption key g^dk. */
  readonly decryptionKey: bigint;
  readonly encryptionKey: bigint;
}

/** §4.6.2 cert_keys. */
export interface CertKeysJson {
  readonly verification: Decimal;
  readonly encryption: Decimal;
}

const SEED = /^[1-9A-HJ-NP-Za-km-z]{22}$/;
const TAG_LENGTH = 8;
const MAX_MESSAGE = 0xffff;

export const generateTrusteeSeed = (): string => randomBase58(22);

const derive = (label: string, seed: string): bigint =>
  BigInt('0x' + sha256Hex(`${label}|${seed}`)) % bg.order;

/** §4.6.1 Deriving keys. */
export function deriveTrusteeKeys(seed: string): TrusteeKeys {
  check(SEED.test(seed), 'seed', 'a trustee seed is 22 Base58 characters');
  const signingKey = derive('sk', seed);
  const decryptionKey = derive('dk', seed);
  return {
    seed,
    signingKey,
    verificationKey: bg.multiplyBase(signingKey),
    decryptionKey,
    encryptionKey: bg.multiplyBase(decryptionKey),
  };
}

function symmetric(gs: bigint, alpha: bigint): { key: Buffer; nonce: Buffer } {
  const key = createHash('sha256').update(`key|${gs}`).digest();
  const nonce = createHash('sha256').update(`iv|${alpha}`).digest().subarray(0, 13);
  return { key, nonce };
}

/** §4.6.1 Encrypting: the serialised encrypted_msg of `plaintext` for the encryption key ek. */
export function encryptMessage(ek: bigint, plaintext: string): string {
  const data = Buffer.from(plaintext, 'utf8');
  check(data.length <= MAX_MESSAGE, 'plaintext', 'channel messages are limited to 64 KiB');
  const r = bg.randomScalar();
  const s = bg.randomScalar();
  const alpha = bg.multiplyBase(r);
  const gs = bg.multiplyBase(s);
  const beta = bg.add(bg.multiplySecret(ek, r), gs);
  const { key, nonce } = symmetric(gs, alpha);
  const cipher = createCipheriv('aes-256-ccm', key, nonce, { authTagLength: TAG_LENGTH });
  const body = Buffer.concat([cipher.update(data), cipher.final(), cipher.getAuthTag()]);
  return JSON.stringify({
    alpha: encodeDecimal(alpha),
    beta: encodeDecimal(beta),
    data: body.toString('hex'),
  });
}

/** §4.6.1: decrypts with dk; a wrong key or altered data fails the CCM tag (CHANNEL_INVALID). */
export function decryptMessage(dk: bigint, message: string): string {
  const o = asObject(parseJson(message, 'encrypted_msg'), 'encrypted_msg');
  const alpha = decodeElement(o.alpha, 'encrypted_msg.alpha');
  const beta = decodeElement(o.beta, 'encrypted_msg.beta', true);
  const hex = asString(o.data, 'encrypted_msg.data');
  if (!/^([0-9a-f]{2})*$/.test(hex) || hex.length < 2 * TAG_LENGTH) {
    throw new BeleniosError('CHANNEL_INVALID', 'encrypted_msg.data: malformed');
  }
  const data = Buffer.from(hex, 'hex');
  const { key, nonce } = symmetric(bg.subtract(beta, bg.multiplyBlinded(alpha, dk)), alpha);
  try {
    const decipher = createDecipheriv('aes-256-ccm', key, nonce, { authTagLength: TAG_LENGTH });
    decipher.setAuthTag(data.subarray(data.length - TAG_LENGTH));
    return Buffer.concat([
      decipher.update(data.subarray(0, data.length - TAG_LENGTH)),
      decipher.final(),
    ]).toString('utf8');
  } catch (cause) {
    throw new BeleniosError('CHANNEL_INVALID', 'encrypted_msg: authentication failed', { cause });
  }
}

/** §4.6.3 send(sk, recipient, message). */
export function sendMessage(sk: bigint, recipient: bigint, message: string): string {
  const channel = JSON.stringify({ recipient: encodeDecimal(recipient), message });
  return encryptMessage(recipient, JSON.stringify(signMessage(sk, channel)));
}

/**
 * §4.6.3: decrypts with the recipient's keys, checks the sender's signature and that the message
 * was meant for this recipient, and returns the inner message.
 */
export function receiveMessage(keys: TrusteeKeys, senderVerificationKey: bigint, message: string): string {
  const signed = parseJson(decryptMessage(keys.decryptionKey, message), 'signed_msg');
  if (!verifySignedMessage(senderVerificationKey, signed)) {
    throw new BeleniosError('CHANNEL_INVALID', 'channel message: invalid signature of the sender');
  }
  const inner = asObject(parseJson((signed as SignedMsgJson).message, 'channel_msg'), 'channel_msg');
  if (decodeElement(inner.recipient, 'channel_msg.recipient') !== keys.encryptionKey) {
    throw new BeleniosError('CHANNEL_INVALID', 'channel message: meant for another recipient');
  }
  return asString(inner.message, 'channel_msg.message');
}

/** §4.6.2: the certificate of a trustee, signed with its signing key. */
export function makeCert(keys: TrusteeKeys): SignedMsgJson {
  const certKeys: CertKeysJson = {
    verification: encodeDecimal(keys.verificationKey),
    encryption: encodeDecimal(keys.encryptionKey),
  };
  return signMessage(keys.signingKey, JSON.stringify(certKeys));
}

/** §4.6.2: the keys of a valid certificate, or undefined. */
export function verifyCert(cert: unknown): { verification: bigint; encryption: bigint } | undefined {
  try {
    const o = asObject(cert, 'cert');
    const k = asObject(parseJson(asString(o.message, 'cert.message'), 'cert_keys'), 'cert_keys');
    const verification = decodeElement(k.verification, 'cert_keys.verification');
    const encryption = decodeElement(k.encryption, 'cert_keys.encryption');
    return verifySignedMessage(verification, cert) ? { verification, encryption } : undefined;
  } catch {
    return undefined;
  }
}
