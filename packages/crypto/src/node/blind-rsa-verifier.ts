/**
 * The server's RSASSA-PSS-VERIFY for RFC 9474 credentials (issue 4): Node's own synchronous
 * `crypto.verify` on OpenSSL, the same check WebCrypto makes (SHA-384, MGF1-SHA-384, the variant's
 * salt length, checked exactly) without WebCrypto's asynchronous job once a ballot. Node-only:
 * `registerNodeBlindRsaVerifier` makes `verifyBlindRsaSignature` use it; the pure package keeps
 * WebCrypto for the browser. `@opendeg/ristretto-native` registers it with its backend, since both
 * are what a ballot box's or observer's validation workers load.
 */

import { constants, KeyObject, verify } from 'node:crypto';

import { registerBlindRsaVerifier } from '../blind-rsa.ts';
import type { BlindRsaVerifier } from '../blind-rsa.ts';

/** Each issuer key becomes a KeyObject once, not once a ballot. */
const keyObjects = new WeakMap<CryptoKey, KeyObject>();

function keyObjectOf(key: CryptoKey): KeyObject {
  let k = keyObjects.get(key);
  if (k === undefined) {
    k = KeyObject.from(key);
    keyObjects.set(key, k);
  }
  return k;
}

/** RSASSA-PSS-VERIFY with SHA-384 and MGF1-SHA-384; false for any invalid signature. */
export const verifyBlindRsaSignatureNode: BlindRsaVerifier = (key, preparedMsg, sig, saltLength) => {
  try {
    return verify(
      'sha384',
      preparedMsg,
      { key: keyObjectOf(key), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength },
      sig,
    );
  } catch {
    // OpenSSL refuses some invalid signatures (e.g. a representative not below n) with an error
    // rather than a false verdict: they are invalid signatures all the same, as WebCrypto says.
    return false;
  }
};

/** From now on `verifyBlindRsaSignature` runs on Node's OpenSSL, synchronously. */
export function registerNodeBlindRsaVerifier(): void {
  registerBlindRsaVerifier(verifyBlindRsaSignatureNode);
}
