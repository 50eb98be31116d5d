// RFC 9162 §2.1: Merkle Tree Hash, inclusion and consistency proofs, against the
// transparency-dev/merkle vectors, the RFC 6962 reference tree, and a naive recursive MTH.

import { describe, expect, it } from 'vitest';

import {
  emptyRoot,
  hashChildren,
  hashLeaf,
  merkleTreeHash,
  MemoryMerkleTree,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../src/index.ts';
import { sha256 } from '../src/sha256.ts';
import { at, ascii, b64, hex, listJson, readVectorJson } from './helpers/vectors.ts';

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string | null;
  leafHash: string | null;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string | null;
  root2: string | null;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ReferenceTree {
  leaf_inputs_hex: string[];
  node_hashes_hex: string[][];
  root_hashes_hex: string[];
  hasher: {
    desc: string;
    hex: string;
    leaf_hex?: string;
    leaf_ascii?: string;
    left_ascii?: string;
    right_ascii?: string;
  }[];
}

const TD = 'merkle/transparency-dev-merkle/testdata';
const bytesOf = (s: string | null): Uint8Array => b64(s ?? '');

/** RFC 9162 §2.1.1 written as recursively as the RFC states it. */
function naiveMth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return emptyRoot();
  if (leaves.length === 1) return hashLeaf(at(leaves, 0));
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return hashChildren(naiveMth(leaves.slice(0, k)), naiveMth(leaves.slice(k)));
}

describe('RFC 9162 §2.1.3.2 inclusion proof verification (transparency-dev/merkle vectors)', () => {
  const files = listJson(TD, 'inclusion');
  it('has the 98 vector files', () => {
    expect(files).toHaveLength(98);
  });
  it.each(files)('%s', (file) => {
    const v = readVectorJson<InclusionVector>(TD, 'inclusion', file);
    const r = verifyInclusion(
      bytesOf(v.leafHash),
      v.leafIdx,
      v.treeSize,
      (v.proof ?? []).map(b64),
      bytesOf(v.root),
    );
    expect(r.ok, v.desc).toBe(!v.wantErr);
  });
});

describe('RFC 9162 §2.1.4.2 consistency proof verification (transparency-dev/merkle vectors)', () => {
  const files = listJson(TD, 'consistency');
  it('has the 98 vector files', () => {
    expect(files).toHaveLength(98);
  });
  it.each(files)('%s', (file) => {
    const v = readVectorJson<ConsistencyVector>(TD, 'consistency', file);
    const r = verifyConsistency(
      v.size1,
      v.size2,
      (v.proof ?? []).map(b64),
      bytesOf(v.root1),
      bytesOf(v.root2),
    );
    expect(r.ok, v.desc).toBe(!v.wantErr);
  });
});

describe('RFC 6962 reference tree', () => {
  const ref = readVectorJson<ReferenceTree>('merkle/rfc6962-reference-tree.json');
  const leaves = ref.leaf_inputs_hex.map(hex);
  const tree = new MemoryMerkleTree();
  for (const l of leaves) tree.appendLeafHash(hashLeaf(l));

  it('hashes leaves, nodes and the empty tree as the RFC does', () => {
    for (const h of ref.hasher) {
      if (h.leaf_hex !== undefined)
        expect(Buffer.from(hashLeaf(hex(h.leaf_hex))).toString('hex')).toBe(h.hex);
      else if (h.leaf_ascii !== undefined)
        expect(Buffer.from(hashLeaf(ascii(h.leaf_ascii))).toString('hex')).toBe(h.hex);
      else if (h.left_ascii !== undefined && h.right_ascii !== undefined) {
        // The vector hashes raw strings, not 32-byte hashes; our hashChildren takes hashes.
        const raw = sha256(Buffer.concat([Buffer.from([1]), ascii(h.left_ascii), ascii(h.right_ascii)]));
        expect(Buffer.from(raw).toString('hex')).toBe(h.hex);
      } else expect(Buffer.from(emptyRoot()).toString('hex')).toBe(h.hex);
    }
  });

  it('gives every root for sizes 0..8 and every complete-subtree hash', () => {
    ref.root_hashes_hex.forEach((want, n) => {
      expect(Buffer.from(merkleTreeHash(leaves.slice(0, n).map(hashLeaf))).toString('hex')).toBe(want);
      expect(Buffer.from(tree.root(n)).toString('hex')).toBe(want);
    });
    ref.node_hashes_hex.forEach((row, level) => {
      row.forEach((want, index) => {
        expect(Buffer.from(tree.node({ level, index })).toString('hex')).toBe(want);
      });
    });
  });

  it('generates the proofs of the vector directories 0..4 byte for byte', () => {
    for (const dir of ['0', '1', '2', '3', '4']) {
      const inc = readVectorJson<InclusionVector>(TD, 'inclusion', dir, 'happy-path.json');
      expect(
        tree.proveInclusion(inc.leafIdx, inc.treeSize).map((p) => Buffer.from(p).toString('base64')),
      ).toEqual(inc.proof ?? []);
      const con = readVectorJson<ConsistencyVector>(TD, 'consistency', dir, 'happy-path.json');
      expect(
        tree.proveConsistency(con.size1, con.size2).map((p) => Buffer.from(p).toString('base64')),
      ).toEqual(con.proof ?? []);
    }
  });
});

describe('RFC 9162 §2.1 proofs for every (index, size) and (m, n) up to 70 leaves', () => {
  const N = 70;
  const leaves = Array.from({ length: N }, (_, i) => ascii(`leaf ${i}`));
  const tree = new MemoryMerkleTree();
  for (const l of leaves) tree.appendLeafHash(hashLeaf(l));
  const roots = Array.from({ length: N + 1 }, (_, n) => naiveMth(leaves.slice(0, n)));

  it('roots match the recursive definition', () => {
    for (let n = 0; n <= N; n++) expect(tree.root(n)).toEqual(roots[n]);
  });

  it('inclusion proofs verify, and fail for a wrong index, leaf or root', () => {
    for (let n = 1; n <= N; n++) {
      const root = at(roots, n);
      for (let i = 0; i < n; i++) {
        const proof = tree.proveInclusion(i, n);
        const leaf = hashLeaf(at(leaves, i));
        expect(verifyInclusion(leaf, i, n, proof, root).ok).toBe(true);
        expect(rootFromInclusionProof(leaf, i, n, proof)).toEqual({ ok: true, value: root });
        if (n > 1) expect(verifyInclusion(leaf, (i + 1) % n, n, proof, root).ok).toBe(false);
        expect(verifyInclusion(hashLeaf(ascii('other')), i, n, proof, root).ok).toBe(false);
        expect(verifyInclusion(leaf, i, n, proof, at(roots, n - 1)).ok).toBe(false);
      }
    }
  });

  it('consistency proofs verify, and fail for swapped or wrong roots', () => {
    for (let n = 1; n <= N; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = tree.proveConsistency(m, n);
        const r1 = at(roots, m);
        const r2 = at(roots, n);
        expect(verifyConsistency(m, n, proof, r1, r2).ok).toBe(true);
        if (m < n) {
          expect(verifyConsistency(m, n, proof, r2, r1).ok).toBe(false);
          expect(verifyConsistency(m, n, proof, r1, at(roots, n - 1)).ok).toBe(false);
          expect(verifyConsistency(m, n, proof.slice(1), r1, r2).ok).toBe(false);
          expect(verifyConsistency(m, n, [...proof, r1], r1, r2).ok).toBe(false);
        }
      }
    }
  });

  it('rejects out-of-range inputs with stable codes', () => {
    const leaf = hashLeaf(ascii('x'));
    const r = verifyInclusion(leaf, 5, 5, [], leaf);
    expect(r.ok ? undefined : r.error.code).toBe('OUT_OF_RANGE');
    const c = verifyConsistency(3, 2, [], leaf, leaf);
    expect(c.ok ? undefined : c.error.code).toBe('OUT_OF_RANGE');
    const z = verifyConsistency(0, 2, [], emptyRoot(), leaf);
    expect(z.ok ? undefined : z.error.code).toBe('PROOF_INVALID');
  });
});
