/**
 * Proofs of possibly-blank votes (Belenios 2.0 specification §4.13). A question with "blank": true
 * has a leading choice m₀ (1 = blank) before the candidates m₁…m_n; with (α₀, β₀) the encryption of
 * m₀ and (α_Σ, β_Σ) the product of the candidates' encryptions (of m_Σ = m₁ + … + m_n):
 * - blank_proof proves m₀ = 0 ∨ m_Σ = 0, a two-branch disjunction hashed as
 *   Hbproof0 = SHA256("bproof0|S|A₀,B₀,A_Σ,B_Σ") mod q;
 * - overall_proof proves m₀ = 1 ∨ m_Σ ∈ [min … max], branches (m₀ = 1), (m_Σ = min), …, (m_Σ = max),
 *   hashed as Hbproof1 = SHA256("bproof1|S|A₀,B₀,…,A_k,B_k") mod q.
 * A non-blank vote (m₀ = 0) proves the first branch of blank_proof and the m_Σ branch of overall_proof;
 * a blank vote (m₀ = 1, m_Σ = 0) the other two. Both are `proveDisjunction` with branches on two
 * ciphertexts, which is exactly the construction of §4.13.1–4.13.2.
 */

import type { Ciphertext } from '@opendeg/crypto';
import type { Proof } from './encoding.ts';
import { proveDisjunction, range, verifyDisjunction } from './interval-proof.ts';
import type { DisjunctionBranch } from './interval-proof.ts';

export interface BlankStatement {
  /** (α₀, β₀): the encryption of the blank flag m₀. */
  readonly blank: Ciphertext<bigint>;
  /** (α_Σ, β_Σ): the product of the candidates' encryptions. */
  readonly sum: Ciphertext<bigint>;
  readonly min: number;
  readonly max: number;
}

const blankBranches = (s: BlankStatement): DisjunctionBranch[] => [
  { ciphertext: s.blank, m: 0 },
  { ciphertext: s.sum, m: 0 },
];

const overallBranches = (s: BlankStatement): DisjunctionBranch[] => [
  { ciphertext: s.blank, m: 1 },
  ...range(s.min, s.max).map((m) => ({ ciphertext: s.sum, m })),
];

/**
 * §4.13.1–4.13.2: the blank_proof and overall_proof of an answer. `r0`/`rSum` are the randomness of
 * the blank flag and the sum of the candidates' randomness; `blank` says which case is true.
 */
export function proveBlank(
  s: string,
  y: bigint,
  statement: BlankStatement,
  opening: { readonly blank: boolean; readonly count: number; readonly r0: bigint; readonly rSum: bigint },
): { overallProof: Proof[]; blankProof: Proof[] } {
  if (opening.blank) {
    return {
      blankProof: proveDisjunction(`bproof0|${s}|`, y, blankBranches(statement), 1, opening.rSum),
      overallProof: proveDisjunction(`bproof1|${s}|`, y, overallBranches(statement), 0, opening.r0),
    };
  }
  return {
    blankProof: proveDisjunction(`bproof0|${s}|`, y, blankBranches(statement), 0, opening.r0),
    overallProof: proveDisjunction(
      `bproof1|${s}|`,
      y,
      overallBranches(statement),
      opening.count - statement.min + 1,
      opening.rSum,
    ),
  };
}

/** §4.13.3: both proofs must pass. */
export function verifyBlank(
  s: string,
  y: bigint,
  statement: BlankStatement,
  overallProof: readonly Proof[],
  blankProof: readonly Proof[],
): boolean {
  return (
    verifyDisjunction(`bproof0|${s}|`, y, blankBranches(statement), blankProof) &&
    verifyDisjunction(`bproof1|${s}|`, y, overallBranches(statement), overallProof)
  );
}
