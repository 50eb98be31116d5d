/**
 * Chaum–Pedersen proof of equality of discrete logarithms (DLEQ):
 * proves log_g1(h1) = log_g2(h2) = x without revealing x.
 * Used for correct partial decryption (g1 = g, h1 = verification key Xᵢ, g2 = α, h2 = dᵢ = xᵢ·α).
 *
 * Proof (c, z): w random; A1 = w·g1, A2 = w·g2; c = H(ctx, label, g1, h1, g2, h2, A1, A2); z = w + c·x.
 * Verifier: A1' = z·g1 − c·h1, A2' = z·g2 − c·h2, and c = H(…, A1', A2').
 */

import { mod } from '../group.ts';
import type { Group } from '../group.ts';
import { Transcript } from '../transcript.ts';
import { inRange } from './schnorr.ts';

export interface DleqProof {
  readonly challenge: bigint;
  readonly response: bigint;
}

export interface DleqStatement<E> {
  readonly g1: E;
  readonly h1: E;
  readonly g2: E;
  readonly h2: E;
}

function challengeFor<E>(
  g: Group<E>,
  context: Uint8Array,
  protocol: string,
  s: DleqStatement<E>,
  a1: E,
  a2: E,
): bigint {
  return new Transcript(g, protocol, context)
    .appendElement('g1', s.g1)
    .appendElement('h1', s.h1)
    .appendElement('g2', s.g2)
    .appendElement('h2', s.h2)
    .appendElement('A1', a1)
    .appendElement('A2', a2)
    .challenge();
}

const mulG1 = <E>(g: Group<E>, base: E, k: bigint): E =>
  g.equals(base, g.generator) ? g.multiplyBase(k) : g.multiply(base, k);

/**
 * `protocol` names what the DLEQ proves (e.g. `partial-decryption`), so a proof for one purpose is
 * never accepted for another.
 */
export function proveDleq<E>(
  g: Group<E>,
  context: Uint8Array,
  statement: DleqStatement<E>,
  secret: bigint,
  protocol = 'dleq',
): DleqProof {
  const w = g.randomScalar();
  const a1 = mulG1(g, statement.g1, w);
  const a2 = g.multiplySecret(statement.g2, w);
  const challenge = challengeFor(g, context, protocol, statement, a1, a2);
  return { challenge, response: mod(w + challenge * secret, g.order) };
}

export function verifyDleq<E>(
  g: Group<E>,
  context: Uint8Array,
  statement: DleqStatement<E>,
  proof: DleqProof,
  protocol = 'dleq',
): boolean {
  if (!inRange(g, proof.challenge) || !inRange(g, proof.response)) return false;
  const { challenge: c, response: z } = proof;
  const a1 = g.subtract(mulG1(g, statement.g1, z), g.multiply(statement.h1, c));
  const a2 = g.subtract(g.multiply(statement.g2, z), g.multiply(statement.h2, c));
  return challengeFor(g, context, protocol, statement, a1, a2) === c;
}
