/**
 * The member's private key under the member's control (browser and Node).
 *
 * Key file: PKCS#8 EncryptedPrivateKeyInfo (RFC 5958 §3) with PBES2 (RFC 8018 §6.2): PBKDF2 with
 * HMAC-SHA-256 and AES-256-CBC — what `openssl pkcs8 -topk8 -v2 aes-256-cbc` writes and
 * `openssl pkcs8 -in key.pem -passin pass:…` reads. The file is made and opened on the member's
 * device; the server never receives it or the passphrase.
 *
 * Browser: `generateSigningKeyPair()` makes a non-extractable key kept in IndexedDB, or
 * `openKeyFile` imports the key file's key as non-extractable (`importNonExtractable`), so that
 * scripts can sign with it but never read it.
 */

import * as asn1js from 'asn1js';
import type { Message } from '../applications.ts';
import { generateSigningKeyPair } from './keys.ts';
import type { KeyAlgorithm } from './keys.ts';
import {
  OID_AES256_CBC,
  OID_EC_PUBLIC_KEY,
  OID_HMAC_SHA256,
  OID_P256,
  OID_P384,
  OID_PBES2,
  OID_PBKDF2,
  OID_RSASSA_PSS,
  OID_RSA_ENCRYPTION,
} from './oids.ts';
import { fromPem, toArrayBuffer, toPem } from './pem.ts';

/** Iterations written by default: OWASP's 2023 figure for PBKDF2-HMAC-SHA-256 (about 0.3 s). */
export const KEY_FILE_ITERATIONS = 600_000;
/** Fewest iterations accepted on reading: openssl's own default is 2048. */
const MIN_ITERATIONS_READ = 1000;
/** Most iterations accepted on reading, so that a hostile file cannot hang the member's browser. */
const MAX_ITERATIONS_READ = 10_000_000;
const MIN_PASSPHRASE = 8;

export type KeyFileFailureCode = 'KEY_FILE_MALFORMED' | 'KEY_FILE_UNSUPPORTED' | 'KEY_FILE_WRONG_PASSPHRASE';

const KEY_FILE_MESSAGES: Readonly<Record<KeyFileFailureCode, Message>> = {
  KEY_FILE_MALFORMED: {
    ru: 'Файл ключа повреждён или имеет неверный формат',
    en: 'The key file is malformed',
  },
  KEY_FILE_UNSUPPORTED: {
    ru: 'Файл ключа зашифрован неподдерживаемым способом (нужны PBES2, PBKDF2-HMAC-SHA-256, AES-256-CBC)',
    en: 'The key file uses unsupported encryption (PBES2, PBKDF2-HMAC-SHA-256, AES-256-CBC expected)',
  },
  KEY_FILE_WRONG_PASSPHRASE: {
    ru: 'Неверный пароль к файлу ключа',
    en: 'Wrong passphrase for the key file',
  },
};

export interface KeyFileFailure {
  readonly ok: false;
  readonly code: KeyFileFailureCode;
  readonly message: Message;
}

function fail(code: KeyFileFailureCode): KeyFileFailure {
  return { ok: false, code, message: KEY_FILE_MESSAGES[code] };
}

export interface KeyFile {
  readonly der: Uint8Array;
  /** `-----BEGIN ENCRYPTED PRIVATE KEY-----`. */
  readonly pem: string;
}

async function deriveKey(passphrase: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  // The passphrase's UTF-8 bytes, as openssl takes them from a UTF-8 terminal.
  const base = await globalThis.crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(passphrase),
    'PBKDF2',
    false,
    ['deriveKey'],
  );
  return globalThis.crypto.subtle.deriveKey(
    { name: 'PBKDF2', salt: toArrayBuffer(salt), iterations, hash: 'SHA-256' },
    base,
    { name: 'AES-CBC', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

const oid = (value: string): asn1js.ObjectIdentifier => new asn1js.ObjectIdentifier({ value });
const octets = (b: Uint8Array): asn1js.OctetString => new asn1js.OctetString({ valueHex: toArrayBuffer(b) });

/**
 * Encrypt an (extractable) private key into a key file. The clear PKCS#8 exists only inside this call
 * and is overwritten before it returns.
 */
export async function encryptKeyFile(
  privateKey: CryptoKey,
  passphrase: string,
  options: { iterations?: number } = {},
): Promise<KeyFile> {
  if (passphrase.length < MIN_PASSPHRASE)
    throw new RangeError(`passphrase: at least ${MIN_PASSPHRASE} characters`);
  const iterations = options.iterations ?? KEY_FILE_ITERATIONS;
  if (!Number.isSafeInteger(iterations) || iterations < MIN_ITERATIONS_READ)
    throw new RangeError(`iterations: an integer ≥ ${MIN_ITERATIONS_READ}`);
  const pkcs8 = new Uint8Array(await globalThis.crypto.subtle.exportKey('pkcs8', privateKey));
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const key = await deriveKey(passphrase, salt, iterations);
  const encrypted = new Uint8Array(
    await globalThis.crypto.subtle.encrypt({ name: 'AES-CBC', iv: toArrayBuffer(iv) }, key, pkcs8),
  );
  pkcs8.fill(0);
  // RFC 8018 Appendix A.2 and A.4, RFC 5958 §3.
  const info = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [
          oid(OID_PBES2),
          new asn1js.Sequence({
            value: [
              new asn1js.Sequence({
                value: [
                  oid(OID_PBKDF2),
                  new asn1js.Sequence({
                    value: [
                      octets(salt),
                      new asn1js.Integer({ value: iterations }),
                      new asn1js.Sequence({ value: [oid(OID_HMAC_SHA256), new asn1js.Null()] }),
                    ],
                  }),
                ],
              }),
              new asn1js.Sequence({ value: [oid(OID_AES256_CBC), octets(iv)] }),
            ],
          }),
        ],
      }),
      octets(encrypted),
    ],
  });
  const der = new Uint8Array(info.toBER(false));
  return { der, pem: toPem(der, 'ENCRYPTED PRIVATE KEY') };
}

/**
 * Generate a key pair on the member's device and write its private key straight into a key file.
 * Returns the public key for the certificate request; the private key object is not returned.
 */
export async function generateMemberKeyFile(
  passphrase: string,
  options: { algorithm?: KeyAlgorithm; iterations?: number } = {},
): Promise<{ keyFile: KeyFile; publicKey: CryptoKey }> {
  const keys = await generateSigningKeyPair(options.algorithm ?? 'ECDSA-P256', { extractable: true });
  const keyFile = await encryptKeyFile(keys.privateKey, passphrase, options);
  return { keyFile, publicKey: keys.publicKey };
}

function children(b: unknown, n: number): asn1js.AsnType[] | undefined {
  if (!(b instanceof asn1js.Sequence)) return undefined;
  const v = b.valueBlock.value;
  return v.length === n ? v : undefined;
}

function oidOf(b: unknown): string | undefined {
  return b instanceof asn1js.ObjectIdentifier ? b.getValue() : undefined;
}

interface Pbes2 {
  salt: Uint8Array;
  iterations: number;
  iv: Uint8Array;
  encrypted: Uint8Array;
}

type Parsed = { ok: true; value: Pbes2 } | KeyFileFailure;

/** RFC 8018 A.2/A.4 decoding; everything we did not write (other PRF, cipher, key length) is refused. */
function parseKeyFile(der: Uint8Array): Parsed {
  const asn = asn1js.fromBER(toArrayBuffer(der));
  if (asn.offset === -1 || asn.offset !== der.length) return fail('KEY_FILE_MALFORMED');
  const top = children(asn.result, 2);
  const alg = children(top?.[0], 2);
  const encrypted = top?.[1];
  if (alg === undefined || !(encrypted instanceof asn1js.OctetString)) return fail('KEY_FILE_MALFORMED');
  if (oidOf(alg[0]) !== OID_PBES2) return fail('KEY_FILE_UNSUPPORTED');
  const params = children(alg[1], 2);
  const kdf = children(params?.[0], 2);
  const scheme = children(params?.[1], 2);
  if (kdf === undefined || scheme === undefined) return fail('KEY_FILE_MALFORMED');
  if (oidOf(kdf[0]) !== OID_PBKDF2 || oidOf(scheme[0]) !== OID_AES256_CBC)
    return fail('KEY_FILE_UNSUPPORTED');
  const iv = scheme[1];
  if (!(iv instanceof asn1js.OctetString) || iv.valueBlock.valueHexView.length !== 16)
    return fail('KEY_FILE_MALFORMED');
  if (!(kdf[1] instanceof asn1js.Sequence)) return fail('KEY_FILE_MALFORMED');
  const [salt, count, ...rest] = kdf[1].valueBlock.value;
  if (!(salt instanceof asn1js.OctetString) || !(count instanceof asn1js.Integer))
    return fail('KEY_FILE_MALFORMED');
  let prf: string | undefined;
  for (const r of rest) {
    if (r instanceof asn1js.Integer) {
      if (r.valueBlock.valueDec !== 32) return fail('KEY_FILE_UNSUPPORTED');
    } else {
      const p = r instanceof asn1js.Sequence ? r.valueBlock.value : [];
      prf = oidOf(p[0]);
    }
  }
  // The PRF defaults to HMAC-SHA-1 when absent (RFC 8018 A.2); we accept only HMAC-SHA-256.
  if (prf !== OID_HMAC_SHA256) return fail('KEY_FILE_UNSUPPORTED');
  const iterations = count.valueBlock.valueDec;
  if (
    !Number.isSafeInteger(iterations) ||
    iterations < MIN_ITERATIONS_READ ||
    iterations > MAX_ITERATIONS_READ
  )
    return fail('KEY_FILE_UNSUPPORTED');
  const enc = encrypted.valueBlock.valueHexView;
  if (enc.length === 0 || enc.length % 16 !== 0) return fail('KEY_FILE_MALFORMED');
  return {
    ok: true,
    value: {
      salt: salt.valueBlock.valueHexView.slice(),
      iterations,
      iv: iv.valueBlock.valueHexView.slice(),
      encrypted: enc.slice(),
    },
  };
}

/** WebCrypto import parameters from the PKCS#8 PrivateKeyInfo's algorithm (RFC 5958 §2). */
function importAlgorithm(pkcs8: Uint8Array): EcKeyImportParams | RsaHashedImportParams | undefined {
  try {
    const asn = asn1js.fromBER(toArrayBuffer(pkcs8));
    if (asn.offset === -1 || asn.offset !== pkcs8.length || !(asn.result instanceof asn1js.Sequence))
      return undefined;
    const alg = asn.result.valueBlock.value[1];
    if (!(alg instanceof asn1js.Sequence)) return undefined;
    const [id, param] = alg.valueBlock.value;
    switch (oidOf(id)) {
      case OID_EC_PUBLIC_KEY: {
        const curve = oidOf(param);
        if (curve === OID_P256) return { name: 'ECDSA', namedCurve: 'P-256' };
        if (curve === OID_P384) return { name: 'ECDSA', namedCurve: 'P-384' };
        return undefined;
      }
      // WebCrypto exports RSA-PSS keys under rsaEncryption; our RSA option is RSA-PSS (RFC 4055).
      case OID_RSA_ENCRYPTION:
      case OID_RSASSA_PSS:
        return { name: 'RSA-PSS', hash: 'SHA-256' };
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

/**
 * Import a clear PKCS#8 private key as a non-extractable signing key and overwrite the bytes given:
 * from here on the key can sign but no script can read it.
 */
export async function importNonExtractable(pkcs8: Uint8Array): Promise<CryptoKey | undefined> {
  const algorithm = importAlgorithm(pkcs8);
  try {
    if (algorithm === undefined) return undefined;
    return await globalThis.crypto.subtle.importKey('pkcs8', toArrayBuffer(pkcs8), algorithm, false, [
      'sign',
    ]);
  } catch {
    return undefined;
  } finally {
    pkcs8.fill(0);
  }
}

export type OpenKeyFileResult = { readonly ok: true; readonly privateKey: CryptoKey } | KeyFileFailure;

/** Decrypt a key file (PEM or DER) with the member's passphrase into a non-extractable signing key. */
export async function openKeyFile(file: Uint8Array | string, passphrase: string): Promise<OpenKeyFileResult> {
  const der = typeof file === 'string' ? fromPem(file, ['ENCRYPTED PRIVATE KEY']) : file;
  if (der === undefined) return fail('KEY_FILE_MALFORMED');
  let parsed: Parsed;
  try {
    parsed = parseKeyFile(der);
  } catch {
    return fail('KEY_FILE_MALFORMED');
  }
  if (!parsed.ok) return parsed;
  const { salt, iterations, iv, encrypted } = parsed.value;
  const key = await deriveKey(passphrase, salt, iterations);
  let pkcs8: Uint8Array;
  try {
    pkcs8 = new Uint8Array(
      await globalThis.crypto.subtle.decrypt(
        { name: 'AES-CBC', iv: toArrayBuffer(iv) },
        key,
        toArrayBuffer(encrypted),
      ),
    );
  } catch {
    // Bad PKCS#7 padding: with overwhelming probability the passphrase is wrong.
    return fail('KEY_FILE_WRONG_PASSPHRASE');
  }
  // Padding can come out right by chance (about 1 in 256) under a wrong key; then the PKCS#8 will not parse.
  const privateKey = await importNonExtractable(pkcs8);
  return privateKey === undefined ? fail('KEY_FILE_WRONG_PASSPHRASE') : { ok: true, privateKey };
}
