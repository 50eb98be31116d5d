/**
 * Threshold election keys: the public side every verifier sees, and the two ways to make them.
 *
 * (a) Dealer mode — the key software generates the key and splits it into N parts with threshold K
 *     (P-5.2–P-5.5, the Procedure's literal model). The dealer's memory holds the whole key once.
 * (b) Dealer-free — Pedersen's distributed key generation (`pedersen-dkg.ts`): no one ever holds the key.
 *
 * Either way the result is the same public object: the election public key Y, the Feldman
 * commitments (one vector per dealer), and each part's verification key Xᵢ = xᵢ·g derived from them.
 */

import { CryptoError } from '../errors.ts';
import type { Group } from '../group.ts';
import { proveSchnorr, verifySchnorr } from '../proofs/schnorr.ts';
import type { SchnorrProof } from '../proofs/schnorr.ts';
import {
  checkThresholdParams,
  commitPolynomial,
  commitmentAt,
  evaluatePolynomial,
  interpolateSecret,
  randomPolynomial,
  verifyShare,
} from './shamir.ts';
import type { SecretShare, ThresholdParams } from './shamir.ts';

/** The public record of a threshold key (published in the election record). */
export interface ThresholdPublicKey<E> {
  readonly params: ThresholdParams;
  /** Y = x·g, the encryption key (P-5.3). */
  readonly publicKey: E;
  /** One Feldman commitment vector per dealer (one vector in dealer mode, n in DKG). */
  readonly commitments: readonly (readonly E[])[];
  /** Proof of knowledge of each dealer's constant term, bound to the election context. */
  readonly proofs: readonly SchnorrProof[];
}

export interface DealtKey<E> {
  readonly publicKey: ThresholdPublicKey<E>;
  /** Part i at shares[i − 1]; each goes to its own holder and medium (P-5.5, P-5.6). */
  readonly shares: readonly SecretShare[];
}

/** Dealer mode (P-5.2): generate the key, split into n parts with threshold k, then forget it. */
export function dealKey<E>(g: Group<E>, context: Uint8Array, params: ThresholdParams): DealtKey<E> {
  checkThresholdParams(params);
  const secret = g.randomScalar();
  const coefficients = randomPolynomial(g, secret, params.k);
  const commitments = commitPolynomial(g, coefficients);
  const c0 = commitments[0] ?? g.identity;
  const shares: SecretShare[] = [];
  for (let i = 1; i <= params.n; i++) {
    shares.push({ index: i, secret: evaluatePolynomial(coefficients, BigInt(i), g.order) });
  }
  return {
    publicKey: {
      params,
      publicKey: c0,
      commitments: [commitments],
      proofs: [proveSchnorr(g, context, secret, c0)],
    },
    shares,
  };
}

/** Xᵢ = Σ_dealers Σⱼ iʲ·C_{d,j}: the public image of part i. */
export function verificationKey<E>(g: Group<E>, key: ThresholdPublicKey<E>, index: number): E {
  let acc = g.identity;
  for (const c of key.commitments) acc = g.add(acc, commitmentAt(g, c, index));
  return acc;
}

export type KeyCheck = { ok: true } | { ok: false; code: string; message: string };

/**
 * Checks the public record: every commitment vector has k entries, every dealer proved knowledge
 * of its constant term, and Y is the sum of the constant terms.
 */
export function verifyThresholdPublicKey<E>(
  g: Group<E>,
  context: Uint8Array,
  key: ThresholdPublicKey<E>,
): KeyCheck {
  const { n, k } = key.params;
  if (key.commitments.length === 0 || key.commitments.length !== key.proofs.length) {
    return { ok: false, code: 'KEY_SHAPE', message: 'one proof is needed per commitment vector' };
  }
  if (key.commitments.length !== 1 && key.commitments.length !== n) {
    return { ok: false, code: 'KEY_SHAPE', message: `expected 1 or ${n} commitment vectors` };
  }
  let y = g.identity;
  for (let d = 0; d < key.commitments.length; d++) {
    const c = key.commitments[d] ?? [];
    const proof = key.proofs[d];
    const c0 = c[0];
    if (c.length !== k || c0 === undefined || proof === undefined) {
      return { ok: false, code: 'KEY_SHAPE', message: `dealer ${d + 1}: expected ${k} commitments` };
    }
    if (!verifySchnorr(g, context, c0, proof)) {
      return { ok: false, code: 'KEY_PROOF', message: `dealer ${d + 1}: proof of knowledge fails` };
    }
    y = g.add(y, c0);
  }
  if (!g.equals(y, key.publicKey)) {
    return {
      ok: false,
      code: 'KEY_MISMATCH',
      message: 'public key is not the sum of the dealers’ commitments',
    };
  }
  return { ok: true };
}

/**
 * P-7.6 literal mode: rebuild the decryption key in memory from k parts. Each part is checked
 * against the public commitments first (a corrupted part is named by its index), and the result
 * against the public key.
 */
export function assembleKey<E>(
  g: Group<E>,
  key: ThresholdPublicKey<E>,
  shares: readonly SecretShare[],
): bigint {
  const { k } = key.params;
  if (shares.length < k) {
    throw new CryptoError('NOT_ENOUGH_SHARES', `${shares.length} of the ${k} parts needed were presented`);
  }
  for (const s of shares) {
    if (!g.equals(g.multiplyBase(s.secret), verificationKey(g, key, s.index))) {
      throw new CryptoError('SHARE_INVALID', `part ${s.index} does not match the published commitments`, {
        index: s.index,
      });
    }
  }
  const x = interpolateSecret(shares.slice(0, k), g.order);
  if (!g.equals(g.multiplyBase(x), key.publicKey)) {
    throw new CryptoError('KEY_MISMATCH', 'the assembled key does not match the public key');
  }
  return x;
}

/** Checks one part against the public record (a holder does this on receipt, P-5.6). */
export function verifyPart<E>(g: Group<E>, key: ThresholdPublicKey<E>, share: SecretShare): boolean {
  if (key.commitments.length === 1) return verifyShare(g, key.commitments[0] ?? [], share);
  return g.equals(g.multiplyBase(share.secret), verificationKey(g, key, share.index));
}
