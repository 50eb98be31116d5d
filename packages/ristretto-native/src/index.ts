/**
 * @opendeg/ristretto-native — ristretto255 (RFC 9496) with the verifier's public operations in C: a
 * Node-API addon (`native/`) for decoding and validation (§4.3.1), encoding (§4.3.2), addition and
 * multi-scalar multiplication (Straus for a few points, Pippenger's buckets for many).
 *
 * The group is byte-identical with the libsodium group of `@opendeg/crypto` (same element type: the
 * canonical 32-byte encoding) and is built on it: the addon is variable-time, so every operation
 * that may see a secret scalar — `multiplyBase` (proof nonces), `multiplySecret`, `multiplyBlinded`
 * (key shares), `randomScalar` — is libsodium's constant-time code, and only the operations on
 * public values (decoding, `add`, `subtract`, `negate`, `multiply` and `multiplyMany`, documented
 * for public scalars) run natively. Importing this module registers the backend as `native` with
 * `loadGroup` (and `auto` then prefers it), and Node's synchronous RSASSA-PSS verifier for blind-RSA
 * credentials (`registerBlindRsaVerifier`). Beyond `Group`, the native group offers a batch decoder
 * and native SHA-256 (`NativeGroupExtras`), which `@opendeg/election` uses where a group has them.
 */

import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  CryptoError,
  RISTRETTO255_ORDER,
  hashToScalarInput,
  loadSodiumRistretto255,
  mod,
  registerBackend,
} from '@opendeg/crypto';
import type { DecodeOptions, Group } from '@opendeg/crypto';
// The credential check's Node verifier (crypto's server-only part), registered with this backend.
import { registerNodeBlindRsaVerifier } from '@opendeg/crypto/node';

/** The addon's functions (native/addon.c). */
export interface RistrettoAddon {
  /** -1 when every packed 32-byte encoding is canonical, else the index of the first that is not. */
  decode(points: Uint8Array): number;
  /** Decodes the encoding at the start of a 192-byte slot and writes the point after it; false if invalid. */
  decodeInto(slot: Uint8Array): boolean;
  /**
   * Decodes n packed 32-byte encodings into n slots (n × 192 bytes): -1 when all are canonical, else
   * the index of the first that is not (the slots are then not to be used).
   */
  decodePacked(points: Uint8Array, slots: Uint8Array): number;
  /**
   * Σ ±kᵢ·Pᵢ as a new slot, or the index of the first non-canonical point. `flags[i]` has bit 0 set
   * when slot i carries its decoded point, bit 1 when the point enters negated; scalars are 32-byte
   * little-endian below 2^253.
   */
  msm(slots: Uint8Array, flags: Uint8Array, scalars: Uint8Array): Uint8Array | number;
}

/** The raw addon (public data only: it is variable-time). */
export const addon = createRequire(import.meta.url)('../build/Release/ristretto255.node') as RistrettoAddon;

/** Bytes of a slot: the encoding, then the decoded point. */
const SLOT = 192;
const IDENTITY = new Uint8Array(32);
const MASK64 = (1n << 64n) - 1n;
const HALF_ORDER = RISTRETTO255_ORDER >> 1n;
/** Flags of a point in the addon's msm: its slot carries the decoded point; it enters negated. */
const KNOWN = 1;
const NEGATE = 2;

/**
 * The slot of every element this backend produced or decoded, so the addon never decodes it again.
 * Elements are immutable values (as in every backend), so a slot stays true to its element.
 */
const slots = new WeakMap<Uint8Array, Uint8Array>();

/**
 * Slots of decoded elements are cut from shared slabs: a 192-byte buffer of its own per element
 * would be an off-heap allocation each, which costs more than the view.
 */
const SLAB_SLOTS = 256;
let slab = new Uint8Array(0);
let slabUsed = SLAB_SLOTS;

function newSlot(): Uint8Array {
  if (slabUsed === SLAB_SLOTS) {
    slab = new Uint8Array(SLOT * SLAB_SLOTS);
    slabUsed = 0;
  }
  const offset = SLOT * slabUsed++;
  return slab.subarray(offset, offset + SLOT);
}

/**
 * Buffers made only of filled slots (a batch decoded at once, a multiplication's result): an element
 * that is the first 32 bytes of a slot-aligned view into one finds its slot by its offset. One
 * registration a buffer instead of a weak-map entry an element, which costs more than the decoding
 * saved (issue 4). Slabs of `newSlot` are filled one by one, so their elements use `slots` instead.
 */
const slotted = new WeakSet<ArrayBufferLike>();

/** The slot of an element of a slotted buffer, or undefined. */
function slotIn(e: Uint8Array): Uint8Array | undefined {
  if (e.length !== 32 || e.byteOffset % SLOT !== 0) return undefined;
  const b = e.buffer;
  if (!slotted.has(b) || e.byteOffset + SLOT > b.byteLength) return undefined;
  return new Uint8Array(b, e.byteOffset, SLOT);
}

/** A new element (its 32 bytes are a view of the slot) remembered with its decoded point. */
function elementOf(slot: Uint8Array): Uint8Array {
  const e = slot.subarray(0, 32);
  slots.set(e, slot);
  return e;
}

function isZero(e: Uint8Array): boolean {
  let acc = 0;
  for (const x of e) acc |= x;
  return acc === 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Writes k mod ℓ as 32 little-endian bytes at `offset`, as ℓ − k with the point negated when that is
 * smaller: the batch's −ρ (a 128-bit randomizer) then costs half of a full scalar. Returns whether
 * the point is negated. Public scalars: variable-time is fine.
 */
function writeScalar(view: DataView, offset: number, k: bigint): boolean {
  let x = k >= 0n && k < RISTRETTO255_ORDER ? k : mod(k, RISTRETTO255_ORDER);
  const negate = x > HALF_ORDER;
  if (negate) x = RISTRETTO255_ORDER - x;
  for (let i = 0; i < 4; i++) {
    view.setBigUint64(offset + 8 * i, x & MASK64, true);
    x >>= 64n;
  }
  return negate;
}

function invalid(what: string): CryptoError {
  return new CryptoError('NON_CANONICAL_ELEMENT', `${what}: not a canonical ristretto255 encoding`);
}

/** Σ kᵢ·Pᵢ over encoded points in one call into the addon (public scalars only). */
export function multiplyManyEncoded(points: readonly Uint8Array[], scalars: readonly bigint[]): Uint8Array {
  const n = points.length;
  if (n !== scalars.length) throw new CryptoError('BAD_ARGUMENT', 'multiplyMany: length mismatch');
  const packed = new Uint8Array(SLOT * n);
  const flags = new Uint8Array(n);
  const ks = new Uint8Array(32 * n);
  const view = new DataView(ks.buffer);
  for (let i = 0; i < n; i++) {
    const p = points[i];
    const k = scalars[i];
    if (p === undefined || k === undefined) {
      throw new CryptoError('BAD_ARGUMENT', 'multiplyMany: hole in input');
    }
    if (p.length !== 32) throw new CryptoError('BAD_LENGTH', `multiplyMany: point ${i} is not 32 bytes`);
    const slot = slotIn(p) ?? slots.get(p);
    let f = 0;
    if (slot === undefined) {
      packed.set(p, SLOT * i);
    } else {
      packed.set(slot, SLOT * i);
      f = KNOWN;
    }
    if (writeScalar(view, 32 * i, k)) f |= NEGATE;
    flags[i] = f;
  }
  const r = addon.msm(packed, flags, ks);
  if (typeof r === 'number') throw invalid(`multiplyMany: point ${r}`);
  slotted.add(r.buffer);
  return r.subarray(0, 32);
}

const PLUS_PLUS: readonly bigint[] = [1n, 1n];
const PLUS_MINUS: readonly bigint[] = [1n, -1n];
const MINUS: readonly bigint[] = [-1n];

/**
 * What the native group offers beyond `Group` for the verifier's hot paths (issue 4); callers find
 * them by their names (`@opendeg/election` looks for them on whatever group an election runs on).
 */
export interface NativeGroupExtras {
  /**
   * Decodes n packed 32-byte encodings (identity allowed: callers that refuse it check with
   * `isIdentity`) in one call: the elements, or the index of the first non-canonical encoding.
   */
  decodeElementsPacked(packed: Uint8Array, n: number): Uint8Array[] | number;
  /** SHA-256 on Node's OpenSSL (a ballot's tracker hashes kilobytes). */
  sha256(bytes: Uint8Array): Uint8Array;
}

/** Σ kᵢ·2^(64·i) of a 32-byte little-endian scalar, in four 64-bit reads. */
function scalarOf(b: Uint8Array): bigint {
  const v = new DataView(b.buffer, b.byteOffset, 32);
  return (
    (v.getBigUint64(24, true) << 192n) |
    (v.getBigUint64(16, true) << 128n) |
    (v.getBigUint64(8, true) << 64n) |
    v.getBigUint64(0, true)
  );
}

function decodeElementsPacked(packed: Uint8Array, n: number): Uint8Array[] | number {
  if (packed.length !== 32 * n) {
    throw new CryptoError('BAD_LENGTH', `elements: expected ${32 * n} bytes, got ${packed.length}`);
  }
  const all = new Uint8Array(SLOT * n);
  const bad = addon.decodePacked(packed, all);
  if (bad >= 0) return bad;
  slotted.add(all.buffer);
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const e = all.subarray(SLOT * i, SLOT * i + 32);
    out.push(isZero(e) ? IDENTITY : e);
  }
  return out;
}

/**
 * len(dst) ‖ dst, the start of `hashToScalarInput(dst, msg)`, by tag: the same few tags hash every
 * proof, and the message then goes to the hash as it is instead of copied behind its tag.
 */
const dstPrefixes = new Map<string, Uint8Array>();
const EMPTY = new Uint8Array(0);

function dstPrefix(dst: string): Uint8Array {
  let p = dstPrefixes.get(dst);
  if (p === undefined) {
    p = hashToScalarInput(dst, EMPTY);
    if (dstPrefixes.size < 256) dstPrefixes.set(dst, p);
  }
  return p;
}

let cached: Promise<Group<Uint8Array> & NativeGroupExtras> | undefined;

/** The ristretto255 group with native public operations and libsodium secret ones. */
export function loadNativeRistretto255(): Promise<Group<Uint8Array> & NativeGroupExtras> {
  cached ??= loadSodiumRistretto255().then(makeGroup);
  return cached;
}

function makeGroup(sodium: Group<Uint8Array>): Group<Uint8Array> & NativeGroupExtras {
  const generator = new Uint8Array(SLOT);
  generator.set(sodium.generator);
  if (!addon.decodeInto(generator)) throw new Error('ristretto255: the generator does not decode');
  return {
    suite: 'ristretto255',
    backend: 'native',
    order: RISTRETTO255_ORDER,
    elementLength: 32,
    scalarLength: 32,
    generator: elementOf(generator),
    identity: IDENTITY,

    add: (a, b) => multiplyManyEncoded([a, b], PLUS_PLUS),
    subtract: (a, b) => multiplyManyEncoded([a, b], PLUS_MINUS),
    negate: (a) => multiplyManyEncoded([a], MINUS),
    // Proof nonces go through multiplyBase: constant-time libsodium.
    multiplyBase: (k) => sodium.multiplyBase(k),
    multiply: (p, k) => multiplyManyEncoded([p], [k]),
    multiplySecret: (p, k) => sodium.multiplySecret(p, k),
    multiplyBlinded: (p, k) => sodium.multiplyBlinded(p, k),
    prepare: (p) => p,
    multiplyMany: multiplyManyEncoded,
    equals: sameBytes,
    isIdentity: isZero,

    encodeElement: (e) => Uint8Array.from(e),
    decodeElement(bytes: Uint8Array, options?: DecodeOptions) {
      if (bytes.length !== 32)
        throw new CryptoError('BAD_LENGTH', `element: expected 32 bytes, got ${bytes.length}`);
      if (isZero(bytes)) {
        if (options?.allowIdentity === true) return IDENTITY;
        throw new CryptoError('IDENTITY_ELEMENT', 'element: the identity is not allowed here');
      }
      const slot = newSlot();
      slot.set(bytes);
      if (!addon.decodeInto(slot)) {
        slot.fill(0);
        throw invalid('element');
      }
      return elementOf(slot);
    },
    encodeScalar: (k) => sodium.encodeScalar(k),
    // As the other backends decode (32 bytes little-endian, below ℓ), without a hex round trip.
    decodeScalar(b) {
      if (b.length !== 32) throw new CryptoError('BAD_LENGTH', `scalar: expected 32 bytes, got ${b.length}`);
      const k = scalarOf(b);
      if (k >= RISTRETTO255_ORDER)
        throw new CryptoError('NON_CANONICAL_SCALAR', 'scalar: not reduced modulo ℓ');
      return k;
    },
    randomScalar: () => sodium.randomScalar(),
    // The same H as the other backends (SHA-512 taken little-endian, mod ℓ), on Node's OpenSSL.
    hashToScalar(dst, msg) {
      const h = createHash('sha512').update(dstPrefix(dst)).update(msg).digest();
      let x = 0n;
      for (let i = 7; i >= 0; i--) x = (x << 64n) | h.readBigUInt64LE(8 * i);
      return x % RISTRETTO255_ORDER;
    },
    decodeElementsPacked,
    sha256: (bytes) => new Uint8Array(createHash('sha256').update(bytes).digest()),
  };
}

registerBackend('native', (suite) => (suite === 'ristretto255' ? loadNativeRistretto255() : undefined));
// The same workers check blind-RSA credentials (B.5): on OpenSSL, synchronously (same verdicts).
registerNodeBlindRsaVerifier();
