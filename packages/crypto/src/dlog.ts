/**
 * Baby-step giant-step discrete logarithm for tallies: finds m ∈ [0, max] with M = m·g.
 *
 * Tally values are bounded by the electorate, so the table is sized to it: with b baby steps
 * (default ⌈√(max + 1)⌉) the table holds j·g for j < b, and a solve walks M − i·b·g for
 * i ≤ (max + 1)/b. Table keys are 48-bit prefixes of encodings; every hit is confirmed by a full
 * multiplication, so a prefix collision can never produce a wrong count.
 */

import { CryptoError, check } from './errors.ts';
import type { Group } from './group.ts';

function prefixKey(bytes: Uint8Array, offset: number): number {
  let k = 0;
  for (let i = 0; i < 6; i++) k = k * 256 + (bytes[offset + i] ?? 0);
  return k;
}

export class DiscreteLogTable<E> {
  readonly max: number;
  readonly babySteps: number;
  readonly #group: Group<E>;
  readonly #table = new Map<number, number>();
  readonly #giant: E;
  /** Byte offset of the key prefix: skips a constant leading byte (e.g. SEC1 compression tag). */
  readonly #offset: number;

  constructor(group: Group<E>, max: number, babySteps?: number) {
    check(Number.isSafeInteger(max) && max >= 0, 'max', 'must be a non-negative safe integer');
    const b = babySteps ?? Math.max(1, Math.ceil(Math.sqrt(max + 1)));
    check(Number.isSafeInteger(b) && b >= 1, 'babySteps', 'must be a positive integer');
    this.#group = group;
    this.max = max;
    this.babySteps = b;
    this.#offset = group.elementLength > 32 ? 1 : 0;
    let p = group.identity;
    for (let j = 0; j < b; j++) {
      const key = prefixKey(group.encodeElement(p), this.#offset);
      if (!this.#table.has(key)) this.#table.set(key, j);
      p = group.add(p, group.generator);
    }
    this.#giant = group.multiplyBase(BigInt(b));
  }

  /** m with target = m·g, or a DLOG_NOT_FOUND error if m > max. */
  solve(target: E): number {
    const g = this.#group;
    let t = target;
    for (let i = 0; i * this.babySteps <= this.max; i++) {
      const j = this.#table.get(prefixKey(g.encodeElement(t), this.#offset));
      if (j !== undefined) {
        const m = i * this.babySteps + j;
        if (m <= this.max && g.equals(g.multiplyBase(BigInt(m)), target)) return m;
      }
      t = g.subtract(t, this.#giant);
    }
    throw new CryptoError('DLOG_NOT_FOUND', `no discrete logarithm in [0, ${this.max}]`);
  }
}
