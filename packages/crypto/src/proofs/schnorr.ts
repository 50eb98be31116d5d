/**
 * Schnorr proof of knowledge of a discrete logarithm (non-interactive, Fiat–Shamir):
 * proves knowledge of x with X = x·g. Used for public keys of key-part holders and DKG dealers.
 *
 * Proof (c, z): prover picks w, A = w·g, c = H(ctx, X, A), z = w + c·x.
 * Verifier recomputes A' = z·g − c·X and accepts iff c = H(ctx, X, A').
 */

import { mod } from '../group.ts';
import type { Group } from '../group.ts';
import { Transcript } from '../transcript.ts';

export interface SchnorrProof {
  readonly challenge: bigint;
  readonly response: bigint;
}

const PROTOCOL = 'schnorr-pok';

function challengeFor<E>(g: Group<E>, context: Uint8Array, x: E, a: E): bigint {
  return new Transcript(g, PROTOCOL, context).appendElement('X', x).appendElement('A', a).challenge();
}

export function proveSchnorr<E>(
  g: Group<E>,
  context: Uint8Array,
  secret: bigint,
  publicKey: E,
): SchnorrProof {
  const w = g.randomScalar();
  const challenge = challengeFor(g, context, publicKey, g.multiplyBase(w));
  return { challenge, response: mod(w + challenge * secret, g.order) };
}

export function verifySchnorr<E>(
  g: Group<E>,
  context: Uint8Array,
  publicKey: E,
  proof: SchnorrProof,
): boolean {
  if (!inRange(g, proof.challenge) || !inRange(g, proof.response) || g.isIdentity(publicKey)) return false;
  const a = g.subtract(g.multiplyBase(proof.response), g.multiply(publicKey, proof.challenge));
  return challengeFor(g, context, publicKey, a) === proof.challenge;
}

/** A scalar field member; proofs carrying out-of-range scalars are malformed, not merely wrong. */
export function inRange<E>(g: Group<E>, k: bigint): boolean {
  return k >= 0n && k < g.order;
}
