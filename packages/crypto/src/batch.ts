/**
 * Batch verification by random linear combination.
 *
 * Many proofs reduce to equations Σ kᵢ·Pᵢ = 0 (e.g. z·g − A − c·α = 0). Instead of checking each,
 * the verifier multiplies equation j by a fresh random 128-bit ρⱼ and checks the single sum
 * Σⱼ ρⱼ·(Σᵢ kⱼᵢ·Pⱼᵢ) = 0 with one multi-scalar multiplication. If any equation is false, the sum
 * is zero with probability at most 2⁻¹²⁸. Terms on the shared bases (g, the election key Y) are
 * folded into one scalar each, which is where most of the saving comes from.
 *
 * A failed batch says only that something is wrong: callers then verify one by one to name it.
 */

import { bytesToNumberBE } from './bytes.ts';
import { mod } from './group.ts';
import type { Group } from './group.ts';

export class BatchVerifier<E> {
  readonly #g: Group<E>;
  readonly #points: E[] = [];
  readonly #scalars: bigint[] = [];
  /** Shared bases (g and any registered key) and their folded coefficients. */
  readonly #bases: { point: E; coefficient: bigint }[] = [];
  #equations = 0;

  constructor(g: Group<E>, sharedBases: readonly E[] = []) {
    this.#g = g;
    this.#bases.push({ point: g.generator, coefficient: 0n });
    for (const b of sharedBases) this.#bases.push({ point: b, coefficient: 0n });
  }

  get equations(): number {
    return this.#equations;
  }

  /**
   * Adds the equation Σ kᵢ·Pᵢ + Σ bⱼ·Baseⱼ = 0. `baseTerms[j]` is the coefficient of shared base j
   * (0 = the generator, then the bases given to the constructor, in order).
   */
  addEquation(terms: readonly (readonly [E, bigint])[], baseTerms: readonly bigint[]): void {
    const q = this.#g.order;
    const rho = randomizer();
    for (const [p, k] of terms) {
      this.#points.push(p);
      this.#scalars.push(mod(rho * k, q));
    }
    baseTerms.forEach((k, j) => {
      const b = this.#bases[j];
      if (b === undefined) throw new Error(`BatchVerifier: no shared base ${j}`);
      b.coefficient = mod(b.coefficient + rho * k, q);
    });
    this.#equations++;
  }

  /** True iff every added equation holds (up to the 2⁻¹²⁸ error of the method). */
  verify(): boolean {
    const points = [...this.#points, ...this.#bases.map((b) => b.point)];
    const scalars = [...this.#scalars, ...this.#bases.map((b) => b.coefficient)];
    return this.#g.isIdentity(this.#g.multiplyMany(points, scalars));
  }
}

/** A uniform non-zero 128-bit randomizer. */
function randomizer(): bigint {
  for (;;) {
    const r = bytesToNumberBE(globalThis.crypto.getRandomValues(new Uint8Array(16)));
    if (r !== 0n) return r;
  }
}
