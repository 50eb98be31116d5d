/**
 * Schnorr signatures in the election's group. A voter's one-time credential key signs its ballot
 * with one, as in Belenios: the credential's public key was certified by the blind signature,
 * the ballot's signature proves the ballot came from the holder of that credential.
 *
 * sign: w random (hedged with the key and message, so a weak RNG alone does not leak the key),
 * R = w·g, c = H(ctx, Y, R, msg), s = w − c·x. Signature (c, s); verify: R' = s·g + c·Y, c = H(…, R').
 */

import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToNumberBE, concatBytes } from '../bytes.ts';
import { mod } from '../group.ts';
import type { Group } from '../group.ts';
import { Transcript } from '../transcript.ts';
import { inRange } from './schnorr.ts';

export interface SchnorrSignature {
  readonly challenge: bigint;
  readonly response: bigint;
}

const PROTOCOL = 'schnorr-signature';

function challengeFor<E>(g: Group<E>, context: Uint8Array, y: E, r: E, message: Uint8Array): bigint {
  return new Transcript(g, PROTOCOL, context)
    .appendElement('Y', y)
    .appendElement('R', r)
    .appendBytes('message', message)
    .challenge();
}

export function signSchnorr<E>(
  g: Group<E>,
  context: Uint8Array,
  secretKey: bigint,
  message: Uint8Array,
): SchnorrSignature {
  const publicKey = g.multiplyBase(secretKey);
  const hedge = sha512(
    concatBytes(
      globalThis.crypto.getRandomValues(new Uint8Array(32)),
      g.encodeScalar(secretKey),
      sha512(message),
    ),
  );
  const w = mod(bytesToNumberBE(hedge), g.order - 1n) + 1n;
  const challenge = challengeFor(g, context, publicKey, g.multiplyBase(w), message);
  return { challenge, response: mod(w - challenge * secretKey, g.order) };
}

export function verifySchnorrSignature<E>(
  g: Group<E>,
  context: Uint8Array,
  publicKey: E,
  message: Uint8Array,
  signature: SchnorrSignature,
): boolean {
  if (!inRange(g, signature.challenge) || !inRange(g, signature.response) || g.isIdentity(publicKey)) {
    return false;
  }
  const r = g.add(g.multiplyBase(signature.response), g.multiply(publicKey, signature.challenge));
  return challengeFor(g, context, publicKey, r, message) === signature.challenge;
}
