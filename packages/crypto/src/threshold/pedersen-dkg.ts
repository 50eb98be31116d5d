/**
 * Dealer-free key generation (Pedersen's DKG, Feldman-VSS based, as in Belenios and ElectionGuard):
 * no party ever holds the decryption key.
 *
 * Round 1 — each holder d picks a random polynomial f_d of degree k − 1, publishes its commitments
 *   C_{d,j} = a_{d,j}·g with a Schnorr proof of knowledge of a_{d,0}, and sends f_d(i) privately to
 *   every holder i (transport encryption belongs to the key-ceremony layer).
 * Round 2 — holder i checks every f_d(i) against C_d (naming a cheating dealer by index), then keeps
 *   xᵢ = Σ_d f_d(i). The public key is Y = Σ_d C_{d,0}; part i's verification key follows from the
 *   commitments alone (`verificationKey`).
 */

import { CryptoError } from '../errors.ts';
import { mod } from '../group.ts';
import type { Group } from '../group.ts';
import { proveSchnorr, verifySchnorr } from '../proofs/schnorr.ts';
import type { SchnorrProof } from '../proofs/schnorr.ts';
import type { ThresholdPublicKey } from './keys.ts';
import {
  checkIndex,
  checkThresholdParams,
  commitPolynomial,
  evaluatePolynomial,
  randomPolynomial,
  verifyShare,
} from './shamir.ts';
import type { SecretShare, ThresholdParams } from './shamir.ts';

/** What dealer d publishes in round 1. */
export interface DkgCommitment<E> {
  readonly dealer: number;
  readonly commitments: readonly E[];
  readonly proof: SchnorrProof;
}

/** Dealer d's private round-1 state and the shares to send (shares[i − 1] goes to holder i). */
export interface DkgDealing<E> {
  readonly commitment: DkgCommitment<E>;
  readonly shares: readonly SecretShare[];
}

export function dkgDeal<E>(
  g: Group<E>,
  context: Uint8Array,
  params: ThresholdParams,
  dealer: number,
): DkgDealing<E> {
  checkThresholdParams(params);
  checkIndex(dealer, params.n);
  const coefficients = randomPolynomial(g, g.randomScalar(), params.k);
  const commitments = commitPolynomial(g, coefficients);
  const shares: SecretShare[] = [];
  for (let i = 1; i <= params.n; i++) {
    shares.push({ index: i, secret: evaluatePolynomial(coefficients, BigInt(i), g.order) });
  }
  const a0 = coefficients[0] ?? 0n;
  const c0 = commitments[0] ?? g.identity;
  return { commitment: { dealer, commitments, proof: proveSchnorr(g, context, a0, c0) }, shares };
}

/** Checks a dealer's public round-1 message. */
export function dkgVerifyCommitment<E>(
  g: Group<E>,
  context: Uint8Array,
  params: ThresholdParams,
  c: DkgCommitment<E>,
): boolean {
  const c0 = c.commitments[0];
  return c.commitments.length === params.k && c0 !== undefined && verifySchnorr(g, context, c0, c.proof);
}

/**
 * Round 2 for holder `index`: verifies every received share against its dealer's commitments
 * and combines. `received[d]` is the share dealer d + 1 sent to this holder.
 * Throws SHARE_INVALID naming the dealer whose share or commitment is bad.
 */
export function dkgCombine<E>(
  g: Group<E>,
  context: Uint8Array,
  params: ThresholdParams,
  index: number,
  commitments: readonly DkgCommitment<E>[],
  received: readonly SecretShare[],
): { share: SecretShare; publicKey: ThresholdPublicKey<E> } {
  checkThresholdParams(params);
  checkIndex(index, params.n);
  const publicKey = dkgPublicKey(g, context, params, commitments);
  if (received.length !== params.n) {
    throw new CryptoError(
      'NOT_ENOUGH_SHARES',
      `holder ${index} has ${received.length} of ${params.n} dealings`,
    );
  }
  let x = 0n;
  for (let d = 1; d <= params.n; d++) {
    const s = received[d - 1];
    const c = commitments[d - 1];
    if (s?.index !== index || c === undefined || !verifyShare(g, c.commitments, s)) {
      throw new CryptoError('SHARE_INVALID', `the share from dealer ${d} fails its commitments`, {
        index: d,
      });
    }
    x = mod(x + s.secret, g.order);
  }
  return { share: { index, secret: x }, publicKey };
}

/** The joint public record from all n dealers' commitments (anyone can compute it). */
export function dkgPublicKey<E>(
  g: Group<E>,
  context: Uint8Array,
  params: ThresholdParams,
  commitments: readonly DkgCommitment<E>[],
): ThresholdPublicKey<E> {
  if (commitments.length !== params.n) {
    throw new CryptoError('NOT_ENOUGH_SHARES', `${commitments.length} of ${params.n} dealers committed`);
  }
  let y = g.identity;
  commitments.forEach((c, i) => {
    if (c.dealer !== i + 1 || !dkgVerifyCommitment(g, context, params, c)) {
      throw new CryptoError('SHARE_INVALID', `dealer ${i + 1}'s commitments are invalid`, { index: i + 1 });
    }
    y = g.add(y, c.commitments[0] ?? g.identity);
  });
  return {
    params,
    publicKey: y,
    commitments: commitments.map((c) => c.commitments),
    proofs: commitments.map((c) => c.proof),
  };
}
