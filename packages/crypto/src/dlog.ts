/**
 * Baby-step giant-step discrete logarithm for tallies: finds m ∈ [0, max] with M = m·g.
 *
 * Tally values are bounded by the electorate, so the table is sized to it: with b baby steps
 * (default ⌈√(max + 1)⌉) the table holds j·g for j < b, and a solve walks M − i·b·g for
 * i ≤ (max + 1)/b. Table keys are the last 48 bits of encodings (the low-order bytes: a prefix
 * would collide for structured points such as gost256b's generator, x = 1). Colliding baby steps are
 * all kept, and every hit is confirmed by a full multiplication, so a collision can neither hide
 * the answer nor produce a wrong count.
 */

import { CryptoError, check } from './errors.ts';
import type { Group } from './group.ts';

function tableKey(bytes: Uint8Array): number {
  let k = 0;
  for (let i = bytes.length - 6; i < bytes.length; i++) k = k * 256 + (bytes[i] ?? 0);
  return k;
}

export class DiscreteLogTable<E> {
  readonly max: number;
  readonly babySteps: number;
  readonly #group: Group<E>;
  /** Key → the baby step j, or every j sharing that key (rare). */
  readonly #table = new Map<number, number | number[]>();
  readonly #giant: E;

  constructor(group: Group<E>, max: number, babySteps?: number) {
    check(Number.isSafeInteger(max) && max >= 0, 'max', 'must be a non-negative safe integer');
    const b = babySteps ?? Math.max(1, Math.ceil(Math.sqrt(max + 1)));
    check(Number.isSafeInteger(b) && b >= 1, 'babySteps', 'must be a positive integer');
    this.#group = group;
    this.max = max;
    this.babySteps = b;
    let p = group.identity;
    for (let j = 0; j < b; j++) {
      const key = tableKey(group.encodeElement(p));
      const seen = this.#table.get(key);
      this.#table.set(key, seen === undefined ? j : typeof seen === 'number' ? [seen, j] : [...seen, j]);
      p = group.add(p, group.generator);
    }
    this.#giant = group.multiplyBase(BigInt(b));
  }

  /** m with target = m·g, or a DLOG_NOT_FOUND error if m > max. */
  solve(target: E): number {
    const g = this.#group;
    let t = target;
    for (let i = 0; i * this.babySteps <= this.max; i++) {
      const hit = this.#table.get(tableKey(g.encodeElement(t)));
      for (const j of hit === undefined ? [] : typeof hit === 'number' ? [hit] : hit) {
        const m = i * this.babySteps + j;
        if (m <= this.max && g.equals(g.multiplyBase(BigInt(m)), target)) return m;
      }
      t = g.subtract(t, this.#giant);
    }
    throw new CryptoError('DLOG_NOT_FOUND', `no discrete logarithm in [0, ${this.max}]`);
  }
}
