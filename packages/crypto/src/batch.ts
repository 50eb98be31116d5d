/**
 * Batch verification by random linear combination.
 *
 * Many proofs reduce to equations Σ kᵢ·Pᵢ = 0 (e.g. z·g − A − c·α = 0). Instead of checking each,
 * the verifier multiplies equation j by a fresh random 128-bit ρⱼ and checks the single sum
 * Σⱼ ρⱼ·(Σᵢ kⱼᵢ·Pⱼᵢ) = 0 with one multi-scalar multiplication. If any equation is false, the sum
 * is zero with probability at most 2⁻¹²⁸. Terms on the shared bases (g, the election key Y) are
 * folded into one scalar each, which is where most of the saving comes from; terms on the same
 * element (a ciphertext in every branch of its proof) are merged the same way.
 *
 * A failed batch says only that something is wrong: callers then verify one by one to name it.
 */

import { mod } from './group.ts';
import type { Group } from './group.ts';

/** Randomizers drawn from the CSPRNG at a time (16 bytes each): one call per 64 equations. */
const POOL_RANDOMIZERS = 64;

export class BatchVerifier<E> {
  readonly #g: Group<E>;
  readonly #points: E[] = [];
  /** Unreduced sums of ρⱼ·kⱼᵢ, reduced once in `verify`. */
  readonly #scalars: bigint[] = [];
  /** Where each point already is in #points: terms on the same element (object) share one entry. */
  readonly #index = new Map<E, number>();
  /** Shared bases (g and any registered key) and their folded, unreduced coefficients. */
  readonly #bases: { point: E; coefficient: bigint }[] = [];
  #equations = 0;
  readonly #pool = new DataView(new ArrayBuffer(16 * POOL_RANDOMIZERS));
  #poolUsed = POOL_RANDOMIZERS;

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
    const rho = this.#randomizer();
    for (const [p, k] of terms) {
      const i = this.#index.get(p);
      if (i === undefined) {
        this.#index.set(p, this.#points.length);
        this.#points.push(p);
        this.#scalars.push(rho * k);
      } else {
        this.#scalars[i] = (this.#scalars[i] ?? 0n) + rho * k;
      }
    }
    baseTerms.forEach((k, j) => {
      const b = this.#bases[j];
      if (b === undefined) throw new Error(`BatchVerifier: no shared base ${j}`);
      b.coefficient += rho * k;
    });
    this.#equations++;
  }

  /** True iff every added equation holds (up to the 2⁻¹²⁸ error of the method). */
  verify(): boolean {
    const q = this.#g.order;
    const points = [...this.#points, ...this.#bases.map((b) => b.point)];
    const scalars = [...this.#scalars, ...this.#bases.map((b) => b.coefficient)].map((k) => mod(k, q));
    return this.#g.isIdentity(this.#g.multiplyMany(points, scalars));
  }

  /** A uniform non-zero 128-bit randomizer. */
  #randomizer(): bigint {
    for (;;) {
      if (this.#poolUsed === POOL_RANDOMIZERS) {
        globalThis.crypto.getRandomValues(new Uint8Array(this.#pool.buffer));
        this.#poolUsed = 0;
      }
      const o = 16 * this.#poolUsed++;
      const r = (this.#pool.getBigUint64(o) << 64n) | this.#pool.getBigUint64(o + 8);
      if (r !== 0n) return r;
    }
  }
}
