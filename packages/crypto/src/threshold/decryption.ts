/**
 * Threshold decryption: each holder publishes dᵢ = xᵢ·α with a DLEQ proof that
 * log_g(Xᵢ) = log_α(dᵢ); any k valid shares combine by Lagrange interpolation in the exponent:
 * m·g = β − Σ λᵢ·dᵢ. The decryption key never exists in one place (compare `assembleKey`).
 */

import { CryptoError } from '../errors.ts';
import type { Group } from '../group.ts';
import type { Ciphertext } from '../elgamal.ts';
import { proveDleq, verifyDleq } from '../proofs/dleq.ts';
import type { DleqProof } from '../proofs/dleq.ts';
import { verificationKey } from './keys.ts';
import type { ThresholdPublicKey } from './keys.ts';
import { checkDistinct, lagrangeAtZero } from './shamir.ts';
import type { SecretShare } from './shamir.ts';

export interface DecryptionShare<E> {
  /** Part index i of the holder who computed it. */
  readonly index: number;
  /** dᵢ = xᵢ·α */
  readonly share: E;
  readonly proof: DleqProof;
}

const PROTOCOL = 'partial-decryption';

/** Holder i's share of the decryption of c, with its proof. The secret multiplication is blinded. */
export function partialDecrypt<E>(
  g: Group<E>,
  context: Uint8Array,
  part: SecretShare,
  c: Ciphertext<E>,
): DecryptionShare<E> {
  const share = g.multiplyBlinded(c.alpha, part.secret);
  const verification = g.multiplyBase(part.secret);
  const proof = proveDleq(
    g,
    context,
    { g1: g.generator, h1: verification, g2: c.alpha, h2: share },
    part.secret,
    PROTOCOL,
  );
  return { index: part.index, share, proof };
}

export function verifyPartialDecryption<E>(
  g: Group<E>,
  context: Uint8Array,
  verificationKeyOfPart: E,
  c: Ciphertext<E>,
  d: DecryptionShare<E>,
): boolean {
  return verifyDleq(
    g,
    context,
    { g1: g.generator, h1: verificationKeyOfPart, g2: c.alpha, h2: d.share },
    d.proof,
    PROTOCOL,
  );
}

/**
 * Combines k or more shares into m·g. Every share's proof is checked against its part's
 * verification key; an invalid one is named by its index (SHARE_INVALID), too few give
 * NOT_ENOUGH_SHARES, a repeated index DUPLICATE_SHARE. Only the first k valid shares are used.
 */
export function combineDecryptionShares<E>(
  g: Group<E>,
  context: Uint8Array,
  key: ThresholdPublicKey<E>,
  c: Ciphertext<E>,
  shares: readonly DecryptionShare<E>[],
): E {
  const { n, k } = key.params;
  checkDistinct(shares.map((s) => s.index));
  if (shares.length < k) {
    throw new CryptoError('NOT_ENOUGH_SHARES', `${shares.length} of the ${k} decryption shares needed`);
  }
  for (const s of shares) {
    if (!Number.isInteger(s.index) || s.index < 1 || s.index > n) {
      throw new CryptoError('SHARE_INVALID', `share index ${s.index} is outside 1..${n}`, { index: s.index });
    }
    if (!verifyPartialDecryption(g, context, verificationKey(g, key, s.index), c, s)) {
      throw new CryptoError('SHARE_INVALID', `the decryption share of part ${s.index} has an invalid proof`, {
        index: s.index,
      });
    }
  }
  const used = shares.slice(0, k);
  const indices = used.map((s) => s.index);
  const lambdas = used.map((s) => lagrangeAtZero(indices, s.index, g.order));
  return g.subtract(
    c.beta,
    g.multiplyMany(
      used.map((s) => s.share),
      lambdas,
    ),
  );
}
