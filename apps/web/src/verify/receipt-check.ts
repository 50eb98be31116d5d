// "Find my ballot", checked in the browser (P-10.10 for one voter): the ballot box's receipt is
// re-verified here, trusting nothing the server says without proof —
//   1. the tracker code is the one the device showed (twenty digits of the tracker hash);
//   2. the C2SP checkpoint's tree size and root are the receipt's;
//   3. RFC 9162 §2.1.3.2: the inclusion proof leads from the leaf hash to that root;
//   4. the leaf is an entry of the public ledger (its tile, c2sp.org/tlog-tiles) holding a ballot
//      whose encrypted vote hashes to the tracker;
//   5. with the log's verifier key (C2SP signed-note), the checkpoint's Ed25519 signature.
// SHA-256 and Ed25519 come from WebCrypto; nothing here needs Node.
import { trackerCode, trackerOf, type EncryptedVoteJson } from '@opendeg/election';
import type { BoxReceipt } from '../voting/box-api.ts';

export type CheckId = 'code' | 'checkpoint' | 'inclusion' | 'entry' | 'signature';

export interface CheckResult {
  readonly id: CheckId;
  /** undefined: not checked (say why in `detail`). */
  readonly ok: boolean | undefined;
  readonly detail?: string;
}

const HASH_SIZE = 32;
const TILE_WIDTH = 256;

function fromBase64(s: string): Uint8Array | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) return undefined;
  const bin = atob(s);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** RFC 9162 §2.1.1: leaf hash SHA-256(0x00 || entry). */
export const hashLeaf = (entry: Uint8Array): Promise<Uint8Array> =>
  sha256(concat(new Uint8Array([0]), entry));
/** RFC 9162 §2.1.1: interior node hash SHA-256(0x01 || left || right). */
export const hashChildren = (l: Uint8Array, r: Uint8Array): Promise<Uint8Array> =>
  sha256(concat(new Uint8Array([1]), l, r));

/** RFC 9162 §2.1.3.2: the root an inclusion proof implies, or a reason it has the wrong shape. */
export async function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): Promise<Uint8Array | string> {
  // 1. If leaf_index is greater than or equal to tree_size, then fail the proof verification.
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size)
    return 'index outside the tree';
  if (leafHash.length !== HASH_SIZE) return 'leaf hash is not 32 bytes';
  // 2. Set fn to leaf_index and sn to tree_size - 1.  3. Set r to hash.
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  // 4. For each value p in the inclusion_path array:
  for (const p of proof) {
    if (p.length !== HASH_SIZE) return 'proof element is not 32 bytes';
    // a. If sn is 0, then stop the iteration and fail the proof verification.
    if (sn === 0) return 'proof too long';
    // b. If LSB(fn) is set, or if fn is equal to sn, then: r = HASH(0x01 || p || r) and, if LSB(fn)
    //    is not set, right-shift fn and sn until either LSB(fn) is set or fn is 0.
    if (fn % 2 === 1 || fn === sn) {
      r = await hashChildren(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      // Otherwise: r = HASH(0x01 || r || p).
      r = await hashChildren(r, p);
    }
    // c. Finally, right-shift both fn and sn one time.
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 5. Compare sn to 0.
  return sn === 0 ? r : 'proof too short';
}

export interface SignedCheckpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
  /** The note's text (what the signatures cover). */
  readonly text: string;
  readonly signatures: readonly { readonly name: string; readonly keyId: number; readonly sig: Uint8Array }[];
}

/** C2SP signed-note + tlog-checkpoint: text, a blank line, "— name base64(keyid ‖ sig)" lines. */
export function parseSignedCheckpoint(note: string): SignedCheckpoint | undefined {
  const split = note.indexOf('\n\n');
  if (split < 0) return undefined;
  const text = note.slice(0, split + 1);
  const [origin, sizeLine, rootLine] = text.slice(0, -1).split('\n');
  if (origin === undefined || sizeLine === undefined || rootLine === undefined || origin === '')
    return undefined;
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine)) return undefined;
  const root = fromBase64(rootLine);
  if (root?.length !== HASH_SIZE) return undefined;
  const signatures = [];
  for (const line of note.slice(split + 2).split('\n')) {
    if (line === '') continue;
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    const raw = m?.[2] === undefined ? undefined : fromBase64(m[2]);
    if (m?.[1] === undefined || raw === undefined || raw.length < 5) return undefined;
    const keyId = new DataView(raw.buffer, raw.byteOffset, 4).getUint32(0);
    signatures.push({ name: m[1], keyId, sig: raw.slice(4) });
  }
  return { origin, size: Number(sizeLine), root, text, signatures };
}

/** A C2SP verifier key "name+keyid+base64(0x01 ‖ Ed25519 public key)", checked. */
export async function parseVerifierKey(
  vkey: string,
): Promise<{ name: string; keyId: number; publicKey: Uint8Array } | undefined> {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/.exec(vkey.trim());
  if (m?.[1] === undefined || m[2] === undefined || m[3] === undefined) return undefined;
  const raw = fromBase64(m[3]);
  if (raw?.length !== 33 || raw[0] !== 0x01) return undefined;
  const publicKey = raw.slice(1);
  // key ID = the first four bytes of SHA-256(name ‖ "\n" ‖ type ‖ public key).
  const id = await sha256(concat(new TextEncoder().encode(`${m[1]}\n`), raw));
  const keyId = new DataView(id.buffer).getUint32(0);
  return keyId === parseInt(m[2], 16) ? { name: m[1], keyId, publicKey } : undefined;
}

async function verifySignature(cp: SignedCheckpoint, vkey: string): Promise<CheckResult> {
  const key = await parseVerifierKey(vkey);
  if (key === undefined) return { id: 'signature', ok: false, detail: 'bad verifier key' };
  const sig = cp.signatures.find((s) => s.name === key.name && s.keyId === key.keyId);
  if (sig === undefined) return { id: 'signature', ok: false, detail: 'no signature by this key' };
  try {
    const k = await crypto.subtle.importKey(
      'raw',
      key.publicKey as Uint8Array<ArrayBuffer>,
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
    const ok = await crypto.subtle.verify(
      { name: 'Ed25519' },
      k,
      sig.sig as Uint8Array<ArrayBuffer>,
      new TextEncoder().encode(cp.text),
    );
    return { id: 'signature', ok };
  } catch {
    return { id: 'signature', ok: undefined, detail: 'Ed25519 unavailable in this browser' };
  }
}

/** `<N>` of a tile path: 3-digit groups, all but the last prefixed with x. */
export function formatTileIndex(index: number): string {
  const groups: string[] = [];
  let n = index;
  do {
    groups.unshift(String(n % 1000).padStart(3, '0'));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** The entry at `index` from its entry bundle (2-byte big-endian length before each entry). */
async function fetchEntry(index: number, treeSize: number): Promise<Uint8Array | undefined> {
  const tile = Math.floor(index / TILE_WIDTH);
  const full = (tile + 1) * TILE_WIDTH <= treeSize;
  const paths = [`/log/tile/entries/${formatTileIndex(tile)}`];
  if (!full) paths.push(`${paths[0] ?? ''}.p/${treeSize - tile * TILE_WIDTH}`);
  for (const path of full ? paths : paths.reverse()) {
    const response = await fetch(path).catch(() => undefined);
    if (response?.ok !== true) continue;
    const bundle = new Uint8Array(await response.arrayBuffer());
    let at = 0;
    for (let i = 0; at + 2 <= bundle.length; i++) {
      const length = ((bundle[at] ?? 0) << 8) | (bundle[at + 1] ?? 0);
      if (i === index % TILE_WIDTH) return bundle.slice(at + 2, at + 2 + length);
      at += 2 + length;
    }
  }
  return undefined;
}

/** Every check of a receipt, in order; stops nothing early so the voter sees each outcome. */
export async function checkReceipt(receipt: BoxReceipt, vkey: string | undefined): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  results.push({
    id: 'code',
    ok:
      /^[0-9a-f]{64}$/.test(receipt.tracker) &&
      trackerCode(hexToBytes(receipt.tracker)) === receipt.trackerCode,
  });
  const cp = parseSignedCheckpoint(receipt.checkpoint);
  const root = fromBase64(receipt.rootHash);
  results.push({
    id: 'checkpoint',
    ok: cp !== undefined && root !== undefined && cp.size === receipt.treeSize && equal(cp.root, root),
  });
  const leaf = fromBase64(receipt.leafHash);
  const proof = receipt.inclusionProof.map(fromBase64);
  if (cp === undefined || leaf === undefined || proof.some((p) => p === undefined)) {
    results.push({ id: 'inclusion', ok: false, detail: 'malformed receipt' });
  } else {
    const r = await rootFromInclusionProof(leaf, receipt.index, cp.size, proof as Uint8Array[]);
    results.push(
      typeof r === 'string'
        ? { id: 'inclusion', ok: false, detail: r }
        : { id: 'inclusion', ok: equal(r, cp.root) },
    );
  }
  const entry = leaf === undefined ? undefined : await fetchEntry(receipt.index, receipt.treeSize);
  if (entry === undefined || leaf === undefined) {
    results.push({ id: 'entry', ok: undefined, detail: 'entry tile not available' });
  } else {
    let holds = false;
    try {
      const parsed = JSON.parse(new TextDecoder().decode(entry)) as {
        type?: string;
        ballot?: { vote?: EncryptedVoteJson };
        vote?: { vote?: EncryptedVoteJson };
      };
      const vote = parsed.type === 'ballot' ? parsed.ballot?.vote : parsed.vote?.vote;
      holds = vote !== undefined && trackerOf(vote).hash === receipt.tracker;
    } catch {
      holds = false;
    }
    results.push({ id: 'entry', ok: holds && equal(await hashLeaf(entry), leaf) });
  }
  results.push(
    vkey === undefined || vkey.trim() === '' || cp === undefined
      ? { id: 'signature', ok: undefined, detail: 'no verifier key' }
      : await verifySignature(cp, vkey),
  );
  return results;
}
