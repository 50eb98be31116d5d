/**
 * `@opendeg/crypto/node`: the Node-only part of the cryptographic core (OpenSSL-backed operations
 * that must not reach the browser bundle).
 */

export * from './blind-rsa-signer.ts';
export * from './blind-rsa-verifier.ts';
export {
  blindRsaMessageNode,
  finalizeBlindRsaSignatureNode,
  prepareBlindRsaMessageNode,
  registerNodeBlindRsaClient,
  type BlindRsaClientKey,
} from './blind-rsa-client.ts';
