/**
 * Merkle Tree Hash, inclusion and consistency proofs: RFC 9162 §2.1 (identical hashing to
 * RFC 6962 §2.1, which C2SP tlog-checkpoint and tlog-tiles reference).
 *
 * Proof generation is written against a `NodeReader` of complete-subtree hashes so the same code
 * serves an in-memory tree, stored tiles, or a verifier replaying a log. Indices are JavaScript
 * numbers and are never combined with 32-bit bitwise operators, so every size up to 2^53 works.
 */

import { concatBytes, equalBytes } from './bytes.ts';
import { fail, invariant, ok, type Result } from './errors.ts';
import { sha256 } from './sha256.ts';

export const HASH_SIZE = 32;

const EMPTY_ROOT = sha256(new Uint8Array(0));

/** §2.1.1: MTH({}) = SHA-256(). */
export function emptyRoot(): Uint8Array {
  return EMPTY_ROOT.slice();
}

/** §2.1.1: MTH({d(0)}) = SHA-256(0x00 || d(0)). */
export function hashLeaf(data: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + data.length);
  buf.set(data, 1);
  return sha256(buf);
}

/** §2.1.1: SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + 2 * HASH_SIZE);
  buf[0] = 1;
  buf.set(left, 1);
  buf.set(right, 1 + HASH_SIZE);
  return sha256(buf);
}

/** The largest power of two strictly less than n (n > 1): RFC 9162's k. */
export function largestPowerOfTwoBelow(n: number): number {
  invariant(n > 1, 'split of a tree of fewer than two leaves');
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** §2.1.1: MTH over a list of leaf hashes (not leaf data). */
export function merkleTreeHash(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (leafHashes.length === 0) return emptyRoot();
  // A binary counter of complete subtrees, folded right to left at the end: the same tree as the
  // recursive definition, in O(n) time and O(log n) memory.
  const stack: { hash: Uint8Array; size: number }[] = [];
  for (const h of leafHashes) {
    let node = { hash: h, size: 1 };
    for (let top = stack.at(-1); top?.size === node.size; top = stack.at(-1)) {
      stack.pop();
      node = { hash: hashChildren(top.hash, node.hash), size: node.size * 2 };
    }
    stack.push(node);
  }
  let root = stack.pop();
  invariant(root !== undefined, 'non-empty stack');
  for (let left = stack.pop(); left !== undefined; left = stack.pop()) {
    root = { hash: hashChildren(left.hash, root.hash), size: left.size + root.size };
  }
  return root.hash;
}

/** A complete subtree: leaves [index * 2^level, (index + 1) * 2^level). */
export interface Subtree {
  readonly level: number;
  readonly index: number;
}

/** Reads the hash of a complete subtree that lies within the tree being proven. */
export type NodeReader = (node: Subtree) => Uint8Array;

/** A half-open leaf range [start, end) whose MTH is one element of a proof. */
export type LeafRange = readonly [start: number, end: number];

/** §2.1.3.1 PATH(m, D[n]) as the list of leaf ranges whose MTHs form the proof, in proof order. */
export function inclusionProofRanges(index: number, size: number): LeafRange[] {
  invariant(Number.isSafeInteger(index) && index >= 0 && index < size, 'inclusion index within tree');
  const out: LeafRange[] = [];
  // Iterative form of the recursion; the proof lists the deepest sibling first.
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = largestPowerOfTwoBelow(hi - lo);
    if (index - lo < k) {
      out.push([lo + k, hi]);
      hi = lo + k;
    } else {
      out.push([lo, lo + k]);
      lo = lo + k;
    }
  }
  return out.reverse();
}

/** §2.1.4.1 PROOF(m, D[n]) = SUBPROOF(m, D[n], true), as leaf ranges in proof order. */
export function consistencyProofRanges(oldSize: number, newSize: number): LeafRange[] {
  invariant(0 < oldSize && oldSize <= newSize, 'consistency sizes 0 < m <= n');
  const out: LeafRange[] = [];
  let lo = 0;
  let hi = newSize;
  let m = oldSize;
  let b = true;
  for (;;) {
    const n = hi - lo;
    if (m === n) {
      // SUBPROOF(m, D[m], true) = {}; SUBPROOF(m, D[m], false) = {MTH(D[m])}.
      if (!b) out.push([lo, hi]);
      break;
    }
    const k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      // SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
      out.push([lo + k, hi]);
      hi = lo + k;
    } else {
      // SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
      out.push([lo, lo + k]);
      lo = lo + k;
      m -= k;
      b = false;
    }
  }
  return out.reverse();
}

/**
 * The complete subtrees, left to right, whose right-to-left fold is MTH(D[start:end]) for a range
 * produced by the proof recursions (aligned at its left edge to its own size).
 */
export function rangeSubtrees(start: number, end: number): Subtree[] {
  invariant(0 <= start && start < end, 'non-empty leaf range');
  const out: Subtree[] = [];
  let lo = start;
  let prev = Infinity;
  while (lo < end) {
    let level = 0;
    while (lo % 2 ** (level + 1) === 0 && lo + 2 ** (level + 1) <= end) level++;
    invariant(level < prev, 'range decomposes into strictly shrinking subtrees');
    prev = level;
    out.push({ level, index: lo / 2 ** level });
    lo += 2 ** level;
  }
  return out;
}

/** MTH(D[start:end]) from complete-subtree hashes. */
export function hashRange(start: number, end: number, read: NodeReader): Uint8Array {
  const parts = rangeSubtrees(start, end);
  let i = parts.length - 1;
  const last = parts[i];
  invariant(last !== undefined, 'range has a subtree');
  let h = read(last);
  for (i--; i >= 0; i--) {
    const p = parts[i];
    invariant(p !== undefined, 'subtree present');
    h = hashChildren(read(p), h);
  }
  return h;
}

/** Every complete subtree a set of ranges needs, deduplicated. */
export function subtreesForRanges(ranges: readonly LeafRange[]): Subtree[] {
  const seen = new Set<string>();
  const out: Subtree[] = [];
  for (const [s, e] of ranges) {
    for (const t of rangeSubtrees(s, e)) {
      const key = `${t.level}/${t.index}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(t);
      }
    }
  }
  return out;
}

/** §2.1.3.1: the inclusion proof of leaf `index` in the tree of `size` leaves. */
export function proveInclusion(index: number, size: number, read: NodeReader): Uint8Array[] {
  return inclusionProofRanges(index, size).map(([s, e]) => hashRange(s, e, read));
}

/** §2.1.4.1: the consistency proof from the tree of `oldSize` leaves to the tree of `newSize`. */
export function proveConsistency(oldSize: number, newSize: number, read: NodeReader): Uint8Array[] {
  if (oldSize === 0 || oldSize === newSize) return [];
  return consistencyProofRanges(oldSize, newSize).map(([s, e]) => hashRange(s, e, read));
}

const isLsbSet = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

/** §2.1.3.2: the root an inclusion proof implies, or a failure if the proof has the wrong shape. */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): Result<Uint8Array> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0) {
    return fail('OUT_OF_RANGE', 'inclusion: index and size must be non-negative integers');
  }
  // 1. If leaf_index is greater than or equal to tree_size, then fail the proof verification.
  if (index >= size) return fail('OUT_OF_RANGE', `inclusion: index ${index} not below size ${size}`);
  if (leafHash.length !== HASH_SIZE) return fail('PROOF_INVALID', 'inclusion: leaf hash is not 32 bytes');
  // 2. Set fn to leaf_index and sn to tree_size - 1.
  let fn = index;
  let sn = size - 1;
  // 3. Set r to hash.
  let r = leafHash;
  // 4. For each value p in the inclusion_path array:
  for (const p of proof) {
    if (p.length !== HASH_SIZE) return fail('PROOF_INVALID', 'inclusion: proof element is not 32 bytes');
    // a. If sn is 0, then stop the iteration and fail the proof verification.
    if (sn === 0) return fail('PROOF_INVALID', 'inclusion: proof too long');
    // b. If LSB(fn) is set, or if fn is equal to sn, then:
    if (isLsbSet(fn) || fn === sn) {
      // i. Set r to HASH(0x01 || p || r).
      r = hashChildren(p, r);
      // ii. If LSB(fn) is not set, then right-shift both fn and sn equally until either LSB(fn)
      //     is set or fn is 0.
      if (!isLsbSet(fn)) {
        while (!isLsbSet(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      // Otherwise: Set r to HASH(0x01 || r || p).
      r = hashChildren(r, p);
    }
    // c. Finally, right-shift both fn and sn one time.
    fn = half(fn);
    sn = half(sn);
  }
  // 5. Compare sn to 0 (the root comparison is the caller's).
  if (sn !== 0) return fail('PROOF_INVALID', 'inclusion: proof too short');
  return ok(r);
}

/** §2.1.3.2: verifies that `leafHash` is at `index` in the tree of `size` leaves with `root`. */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Result<void> {
  if (root.length !== HASH_SIZE) return fail('PROOF_INVALID', 'inclusion: root is not 32 bytes');
  const r = rootFromInclusionProof(leafHash, index, size, proof);
  if (!r.ok) return r;
  if (!equalBytes(r.value, root)) return fail('PROOF_INVALID', 'inclusion: computed root does not match');
  return ok(undefined);
}

/**
 * §2.1.4.2: verifies that the tree of `size2` leaves with `root2` extends the tree of `size1`
 * leaves with `root1`. Like the reference implementations, a proof from the empty tree is refused
 * (it proves nothing; callers such as tlog-witness handle size 0 themselves).
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): Result<void> {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0) {
    return fail('OUT_OF_RANGE', 'consistency: sizes must be non-negative integers');
  }
  if (size1 > size2) return fail('OUT_OF_RANGE', `consistency: size1 ${size1} > size2 ${size2}`);
  if (size1 === size2) {
    if (proof.length !== 0) return fail('PROOF_INVALID', 'consistency: equal sizes need an empty proof');
    if (!equalBytes(root1, root2)) return fail('PROOF_INVALID', 'consistency: equal sizes, different roots');
    if (size1 === 0 && !equalBytes(root1, EMPTY_ROOT)) {
      return fail('PROOF_INVALID', 'consistency: the empty tree has a fixed root');
    }
    return ok(undefined);
  }
  if (size1 === 0) return fail('PROOF_INVALID', 'consistency: a proof from the empty tree is meaningless');
  if (proof.length === 0) return fail('PROOF_INVALID', 'consistency: empty proof');
  for (const p of proof) {
    if (p.length !== HASH_SIZE) return fail('PROOF_INVALID', 'consistency: proof element is not 32 bytes');
  }
  // 1. If first is an exact power of 2, then prepend first_hash to the consistency_path array.
  const path =
    Number.isInteger(Math.log2(size1)) && 2 ** Math.log2(size1) === size1 ? [root1, ...proof] : proof;
  // 2. Set fn to first - 1 and sn to second - 1.
  let fn = size1 - 1;
  let sn = size2 - 1;
  // 3. If LSB(fn) is set, then right-shift both fn and sn equally until LSB(fn) is not set.
  while (isLsbSet(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // 4. Set both fr and sr to the first value in the consistency_path array.
  const first = path[0];
  invariant(first !== undefined, 'non-empty path');
  let fr = first;
  let sr = first;
  // 5. For each subsequent value c in the consistency_path array:
  for (const c of path.slice(1)) {
    // a. If sn is 0, then stop the iteration and fail the proof verification.
    if (sn === 0) return fail('PROOF_INVALID', 'consistency: proof too long');
    // b. If LSB(fn) is set, or if fn is equal to sn, then:
    if (isLsbSet(fn) || fn === sn) {
      // i. Set fr to HASH(0x01 || c || fr). Set sr to HASH(0x01 || c || sr).
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      // ii. If LSB(fn) is not set, then right-shift both fn and sn equally until either LSB(fn)
      //     is set or fn is 0.
      if (!isLsbSet(fn)) {
        while (!isLsbSet(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      // Otherwise: Set sr to HASH(0x01 || sr || c).
      sr = hashChildren(sr, c);
    }
    // c. Finally, right-shift both fn and sn one time.
    fn = half(fn);
    sn = half(sn);
  }
  // 6. Verify fr equals first_hash, sr equals second_hash, and sn is 0.
  if (sn !== 0) return fail('PROOF_INVALID', 'consistency: proof too short');
  if (!equalBytes(fr, root1)) return fail('PROOF_INVALID', 'consistency: old root does not match');
  if (!equalBytes(sr, root2)) return fail('PROOF_INVALID', 'consistency: new root does not match');
  return ok(undefined);
}

/** A tree held in memory: for tests, tools and small logs. Not used by the log core. */
export class MemoryMerkleTree {
  // levels[h][i] is the hash of complete subtree (h, i).
  private readonly levels: Uint8Array[][] = [[]];

  get size(): number {
    return this.levels[0]?.length ?? 0;
  }

  appendLeafHash(leafHash: Uint8Array): void {
    let h = 0;
    let hash = leafHash;
    for (;;) {
      const level = (this.levels[h] ??= []);
      level.push(hash);
      const n = level.length;
      if (n % 2 !== 0) return;
      const left = level[n - 2];
      invariant(left !== undefined, 'left sibling');
      hash = hashChildren(left, hash);
      h++;
    }
  }

  readonly node: NodeReader = ({ level, index }) => {
    const h = this.levels[level]?.[index];
    invariant(h !== undefined, `node ${level}/${index} exists`);
    return h;
  };

  root(size = this.size): Uint8Array {
    return size === 0 ? emptyRoot() : hashRange(0, size, this.node);
  }

  proveInclusion(index: number, size = this.size): Uint8Array[] {
    return proveInclusion(index, size, this.node);
  }

  proveConsistency(oldSize: number, newSize = this.size): Uint8Array[] {
    return proveConsistency(oldSize, newSize, this.node);
  }
}

/** Concatenated hashes, as tiles and witness requests carry them. */
export function joinHashes(hashes: readonly Uint8Array[]): Uint8Array {
  return concatBytes(...hashes);
}
