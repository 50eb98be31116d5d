/**
 * Ed25519 (RFC 8032) for note signatures and cosignatures, on Node's OpenSSL binding.
 * Keys are 32-byte seeds and 32-byte public keys, as C2SP signed-note encodes them.
 */

import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

// DER prefixes of PKCS#8 and SPKI for id-Ed25519 (RFC 8410), followed by the raw 32 bytes.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface Ed25519KeyPair {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export function ed25519FromSeed(seed: Uint8Array): Ed25519KeyPair {
  if (seed.length !== 32) throw new RangeError('ed25519 seed: expected 32 bytes');
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = new Uint8Array(spki.subarray(SPKI_PREFIX.length));
  return {
    publicKey,
    sign: (message) => new Uint8Array(sign(null, message, privateKey)),
  };
}

export interface Ed25519Verifier {
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** Returns undefined when the 32 bytes are not a valid encoded point. */
export function ed25519Verifier(publicKey: Uint8Array): Ed25519Verifier | undefined {
  if (publicKey.length !== 32) return undefined;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
  return {
    verify: (message, signature) => {
      if (signature.length !== 64) return false;
      try {
        return verify(null, message, key, signature);
      } catch {
        return false;
      }
    },
  };
}
