/**
 * Signing key pairs on WebCrypto (W3C Web Cryptography API): ECDSA P-256 with SHA-256 (RFC 5480,
 * RFC 5758) by default — supported by openssl, pkijs and every browser, with small keys and fast
 * signing in the member's browser; RSA-PSS 2048 with SHA-256 (RFC 4055) as the alternative.
 * GOST R 34.10-2012 is not in WebCrypto and so not available here.
 */

export type KeyAlgorithm = 'ECDSA-P256' | 'RSA-PSS-2048';

export const KEY_ALGORITHMS: Readonly<Record<KeyAlgorithm, EcKeyGenParams | RsaHashedKeyGenParams>> = {
  'ECDSA-P256': { name: 'ECDSA', namedCurve: 'P-256' },
  'RSA-PSS-2048': {
    name: 'RSA-PSS',
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: 'SHA-256',
  },
};

/**
 * A fresh key pair. `extractable: false` (the default) is the browser path: the private key can sign
 * but never be exported, and is kept in IndexedDB as a CryptoKey. `extractable: true` only to write
 * it at once into an encrypted key file (`encryptKeyFile`).
 */
export async function generateSigningKeyPair(
  algorithm: KeyAlgorithm = 'ECDSA-P256',
  options: { extractable?: boolean } = {},
): Promise<CryptoKeyPair> {
  return globalThis.crypto.subtle.generateKey(KEY_ALGORITHMS[algorithm], options.extractable ?? false, [
    'sign',
    'verify',
  ]);
}
