/**
 * RSA blind signatures, issuer side: RFC 9474 §4.3 BlindSign on Node's own raw RSA (OpenSSL), plus
 * issuer key generation and export of the public key for the election manifest. Node-only.
 *
 * RSASP1 is OpenSSL's private-key operation without padding (`privateDecrypt` with `RSA_NO_PADDING`):
 * it uses CRT and RSA blinding, and the private exponent never enters JavaScript. The result is
 * checked with RSAVP1 on the public exponent (RFC 9474 §4.3 steps 3–4), which catches CRT faults
 * before a faulty signature could leak a factor of n.
 */

import { constants, createPublicKey, generateKeyPair, privateDecrypt, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

import { bytesToNumberBE, fromBase64, numberToBytesBE } from '../bytes.ts';
import { check, CryptoError } from '../errors.ts';

/** Issuer modulus sizes offered by `generateIssuerKey`. */
export type IssuerKeyBits = 2048 | 3072 | 4096;

const ISSUER_KEY_BITS: readonly number[] = [2048, 3072, 4096];

export interface IssuerKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

interface RsaPublicNumbers {
  readonly n: bigint;
  readonly e: bigint;
  /** kLen: length of n in bytes. */
  readonly kLen: number;
}

const publicNumbersCache = new WeakMap<KeyObject, RsaPublicNumbers>();

function base64UrlToBigint(s: string): bigint {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  return bytesToNumberBE(fromBase64(b64 + '='.repeat((4 - (b64.length % 4)) % 4)));
}

/** n and e of an RSA key, read from its public half only (internal). */
function publicNumbers(key: KeyObject): RsaPublicNumbers {
  let numbers = publicNumbersCache.get(key);
  if (numbers === undefined) {
    const jwk = publicHalf(key).export({ format: 'jwk' });
    check(typeof jwk.n === 'string' && typeof jwk.e === 'string', 'key', 'not an RSA key');
    const n = base64UrlToBigint(jwk.n);
    numbers = { n, e: base64UrlToBigint(jwk.e), kLen: Math.ceil(n.toString(2).length / 8) };
    publicNumbersCache.set(key, numbers);
  }
  return numbers;
}

/** The public key of an RSA key pair given either half (Node's createPublicKey wants a private one). */
function publicHalf(key: KeyObject): KeyObject {
  return key.type === 'public' ? key : createPublicKey(key);
}

/** bᵉ mod m by square-and-multiply. Variable-time: public exponents only (internal). */
function modPowPublic(b: bigint, e: bigint, m: bigint): bigint {
  let result = 1n;
  let base = b % m;
  for (let x = e; x > 0n; x >>= 1n) {
    if ((x & 1n) === 1n) result = (result * base) % m;
    base = (base * base) % m;
  }
  return result;
}

function checkIssuerKey(key: KeyObject, type: 'private' | 'public' | 'any'): void {
  check(
    typeof key === 'object' && (type === 'any' ? key.type !== 'secret' : key.type === type),
    'key',
    `expected an RSA ${type === 'any' ? '' : type + ' '}KeyObject`,
  );
  check(
    key.asymmetricKeyType === 'rsa',
    'key',
    `expected an 'rsa' key, got '${key.asymmetricKeyType ?? '?'}'`,
  );
}

/**
 * RFC 9474 §4.3 BlindSign(sk, blind_msg). `blindedMsg` must be exactly kLen bytes, as Blind outputs it.
 * Throws `BAD_ARGUMENT` for a message representative ≥ n, `BLIND_SIGNATURE_INVALID` if the RSAVP1
 * self-check fails (a fault in the private-key operation; the signature is then withheld).
 */
export function blindSign(privateKey: KeyObject, blindedMsg: Uint8Array): Uint8Array {
  checkIssuerKey(privateKey, 'private');
  const { n, e, kLen } = publicNumbers(privateKey);
  check(blindedMsg instanceof Uint8Array, 'blindedMsg', 'expected bytes');
  check(blindedMsg.length === kLen, 'blindedMsg', `expected ${kLen} bytes, got ${blindedMsg.length}`);

  // 1. m = bytes_to_int(blind_msg)
  const m = bytesToNumberBE(blindedMsg);
  // RSASP1 step 1: if m is not between 0 and n - 1, raise "message representative out of range"
  if (m >= n) {
    throw new CryptoError('BAD_ARGUMENT', 'blindedMsg: message representative out of range (m ≥ n)');
  }

  // 2. s = RSASP1(sk, m)
  let raw: Uint8Array;
  try {
    raw = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, blindedMsg);
  } catch (cause) {
    throw new CryptoError('BLIND_SIGNATURE_INVALID', 'blindSign: RSASP1 failed', { cause });
  }
  const s = bytesToNumberBE(raw);

  // 3. m' = RSAVP1(pk, s)
  const mPrime = s < n ? modPowPublic(s, e, n) : -1n;
  // 4. If m != m', raise "signing failure" and stop
  if (mPrime !== m) {
    throw new CryptoError('BLIND_SIGNATURE_INVALID', 'blindSign: signing failure (RSAVP1 check failed)');
  }

  // 5. blind_sig = int_to_bytes(s, modulus_len)
  return numberToBytesBE(s, kLen);
}

/** A fresh issuer key pair, e = 65537. Default 3072 bits (≈128-bit security, NIST SP 800-57). */
export async function generateIssuerKey(bits: IssuerKeyBits = 3072): Promise<IssuerKeyPair> {
  check(ISSUER_KEY_BITS.includes(bits), 'bits', 'expected 2048, 3072 or 4096');
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: bits,
    publicExponent: 0x10001,
  });
  return { privateKey, publicKey };
}

/**
 * The issuer public key as DER SubjectPublicKeyInfo with the `rsaEncryption` identifier, the form
 * published in the election manifest and accepted by `importBlindRsaPublicKey`. Takes either half.
 */
export function exportIssuerPublicKeySpki(key: KeyObject): Uint8Array {
  checkIssuerKey(key, 'any');
  return new Uint8Array(publicHalf(key).export({ type: 'spki', format: 'der' }));
}

/** The same SPKI, PEM-armoured (`-----BEGIN PUBLIC KEY-----`), e.g. for `openssl`. */
export function exportIssuerPublicKeyPem(key: KeyObject): string {
  checkIssuerKey(key, 'any');
  return publicHalf(key).export({ type: 'spki', format: 'pem' }).toString();
}
