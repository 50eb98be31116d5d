/**
 * Streebog: the GOST R 34.11-2012 hash function, 256- and 512-bit outputs (RFC 6986).
 *
 * Conventions. RFC 6986 writes every value as a binary vector, most significant bit first, and
 * prints it in hex the same way. The byte strings that go in and out of this module are the same
 * vectors stored least significant byte first: the vector a_63‖…‖a_0 of 64 bytes is the byte
 * string a_0, a_1, …, a_63. So the RFC's printed message M1 "3231…3130" is the byte string
 * "0123…012" and its printed hash "0055…159d" is output byte-reversed ("9d15…5500"), the form in
 * which OpenSSL's GOST engine and every other implementation print digests.
 *
 * Inside, a 512-bit vector is held as 16 little-endian 32-bit words (`Int32Array`), so 64-bit row
 * k of the RFC's 8×8 byte matrix is the word pair (2k, 2k+1). The transformations S, P and L
 * (RFC 6986 §7) are applied together through eight 256-entry tables built at module load, the
 * standard way to implement LPS (one table lookup per byte instead of 512 bit operations).
 */

import { check } from '../errors.ts';

/** RFC 6986 §6.2: the substitution Pi' (the same S-box as GOST R 34.12-2015 Kuznyechik). */
// prettier-ignore
const PI = Uint8Array.from([
  252, 238, 221, 17, 207, 110, 49, 22, 251, 196, 250, 218, 35, 197, 4, 77,
  233, 119, 240, 219, 147, 46, 153, 186, 23, 54, 241, 187, 20, 205, 95, 193,
  249, 24, 101, 90, 226, 92, 239, 33, 129, 28, 60, 66, 139, 1, 142, 79,
  5, 132, 2, 174, 227, 106, 143, 160, 6, 11, 237, 152, 127, 212, 211, 31,
  235, 52, 44, 81, 234, 200, 72, 171, 242, 42, 104, 162, 253, 58, 206, 204,
  181, 112, 14, 86, 8, 12, 118, 18, 191, 114, 19, 71, 156, 183, 93, 135,
  21, 161, 150, 41, 16, 123, 154, 199, 243, 145, 120, 111, 157, 158, 178, 177,
  50, 117, 25, 61, 255, 53, 138, 126, 109, 84, 198, 128, 195, 189, 13, 87,
  223, 245, 36, 169, 62, 168, 67, 201, 215, 121, 214, 246, 124, 34, 185, 3,
  224, 15, 236, 222, 122, 148, 176, 188, 220, 232, 40, 80, 78, 51, 10, 74,
  167, 151, 96, 115, 30, 0, 98, 68, 26, 184, 56, 130, 100, 159, 38, 65,
  173, 69, 70, 146, 39, 94, 85, 47, 140, 163, 165, 125, 105, 213, 149, 59,
  7, 88, 179, 64, 134, 172, 29, 247, 48, 55, 107, 228, 136, 217, 231, 137,
  225, 27, 131, 73, 76, 63, 248, 254, 141, 83, 170, 144, 202, 216, 133, 97,
  32, 113, 103, 164, 45, 43, 9, 91, 203, 155, 37, 208, 190, 229, 108, 82,
  89, 166, 116, 210, 230, 244, 180, 192, 209, 102, 175, 194, 57, 75, 99, 182,
]);

/**
 * RFC 6986 §6.3: the byte permutation tau = (0, 8, 16, 24, 32, 40, 48, 56, 1, 9, …, 63), i.e. the
 * transposition of the 8×8 byte matrix: byte 8i+j moves to 8j+i. It is not stored as a table:
 * `lps` reads byte j of row i (source byte 8i+j) when it fills row j.
 */

/**
 * RFC 6986 §6.4: the rows A_0 … A_63 of the matrix of the linear transformation l, in the RFC's
 * order: l(b_63‖…‖b_0) = ⊕ b_{63−i}·A_i, so A_0 is the row of the most significant bit.
 */
// prettier-ignore
const A_HEX = [
  '8e20faa72ba0b470', '47107ddd9b505a38', 'ad08b0e0c3282d1c', 'd8045870ef14980e',
  '6c022c38f90a4c07', '3601161cf205268d', '1b8e0b0e798c13c8', '83478b07b2468764',
  'a011d380818e8f40', '5086e740ce47c920', '2843fd2067adea10', '14aff010bdd87508',
  '0ad97808d06cb404', '05e23c0468365a02', '8c711e02341b2d01', '46b60f011a83988e',
  '90dab52a387ae76f', '486dd4151c3dfdb9', '24b86a840e90f0d2', '125c354207487869',
  '092e94218d243cba', '8a174a9ec8121e5d', '4585254f64090fa0', 'accc9ca9328a8950',
  '9d4df05d5f661451', 'c0a878a0a1330aa6', '60543c50de970553', '302a1e286fc58ca7',
  '18150f14b9ec46dd', '0c84890ad27623e0', '0642ca05693b9f70', '0321658cba93c138',
  '86275df09ce8aaa8', '439da0784e745554', 'afc0503c273aa42a', 'd960281e9d1d5215',
  'e230140fc0802984', '71180a8960409a42', 'b60c05ca30204d21', '5b068c651810a89e',
  '456c34887a3805b9', 'ac361a443d1c8cd2', '561b0d22900e4669', '2b838811480723ba',
  '9bcf4486248d9f5d', 'c3e9224312c8c1a0', 'effa11af0964ee50', 'f97d86d98a327728',
  'e4fa2054a80b329c', '727d102a548b194e', '39b008152acb8227', '9258048415eb419d',
  '492c024284fbaec0', 'aa16012142f35760', '550b8e9e21f7a530', 'a48b474f9ef5dc18',
  '70a6a56e2440598e', '3853dc371220a247', '1ca76e95091051ad', '0edd37c48a08a6d8',
  '07e095624504536c', '8d70c431ac02a736', 'c83862965601dd1b', '641c314b2b8ee083',
];

/** RFC 6986 §6.5: the iteration constants C_1 … C_12, as printed (most significant byte first). */
const C_HEX = [
  'b1085bda1ecadae9ebcb2f81c0657c1f2f6a76432e45d016714eb88d7585c4fc' +
    '4b7ce09192676901a2422a08a460d31505767436cc744d23dd806559f2a64507',
  '6fa3b58aa99d2f1a4fe39d460f70b5d7f3feea720a232b9861d55e0f16b50131' +
    '9ab5176b12d699585cb561c2db0aa7ca55dda21bd7cbcd56e679047021b19bb7',
  'f574dcac2bce2fc70a39fc286a3d843506f15e5f529c1f8bf2ea7514b1297b7b' +
    'd3e20fe490359eb1c1c93a376062db09c2b6f443867adb31991e96f50aba0ab2',
  'ef1fdfb3e81566d2f948e1a05d71e4dd488e857e335c3c7d9d721cad685e353f' +
    'a9d72c82ed03d675d8b71333935203be3453eaa193e837f1220cbebc84e3d12e',
  '4bea6bacad4747999a3f410c6ca923637f151c1f1686104a359e35d7800fffbd' +
    'bfcd1747253af5a3dfff00b723271a167a56a27ea9ea63f5601758fd7c6cfe57',
  'ae4faeae1d3ad3d96fa4c33b7a3039c02d66c4f95142a46c187f9ab49af08ec6' +
    'cffaa6b71c9ab7b40af21f66c2bec6b6bf71c57236904f35fa68407a46647d6e',
  'f4c70e16eeaac5ec51ac86febf240954399ec6c7e6bf87c9d3473e33197a93c9' +
    '0992abc52d822c3706476983284a05043517454ca23c4af38886564d3a14d493',
  '9b1f5b424d93c9a703e7aa020c6e41414eb7f8719c36de1e89b4443b4ddbc49a' +
    'f4892bcb929b069069d18d2bd1a5c42f36acc2355951a8d9a47f0dd4bf02e71e',
  '378f5a541631229b944c9ad8ec165fde3a7d3a1b258942243cd955b7e00d0984' +
    '800a440bdbb2ceb17b2b8a9aa6079c540e38dc92cb1f2a607261445183235adb',
  'abbedea680056f52382ae548b2e4f3f38941e71cff8a78db1fffe18a1b336103' +
    '9fe76702af69334b7a1e6c303b7652f43698fad1153bb6c374b4c7fb98459ced',
  '7bcd9ed0efc889fb3002c6cd635afe94d8fa6bbbebab076120018021148466798' +
    'a1d71efea48b9caefbacd1d7d476e98dea2594ac06fd85d6bcaa4cd81f32d1b',
  '378ee767f11631bad21380b00449b17acda43c32bcdf1d77f82012d430219f9b' +
    '5d80ef9d1891cc86e71da4aa88e12852faf417d5d9b21b9948bc924af11bd720',
];

const WORDS = 16; // 512 bits as 32-bit words

/** A 512-bit vector printed most significant first (RFC notation) → 16 little-endian words. */
function vectorFromHex(hex: string): Int32Array {
  const v = new Int32Array(WORDS);
  for (let w = 0; w < WORDS; w++)
    v[w] = parseInt(hex.slice(hex.length - 8 * (w + 1), hex.length - 8 * w), 16) | 0;
  return v;
}

const C = C_HEX.map(vectorFromHex);

/**
 * The combined LPS tables: entry (k, v) is l applied to the 64-bit row whose byte k is Pi'(v)
 * and whose other bytes are zero. l is linear, so l of a row is the XOR of its eight entries.
 */
const T_LO = new Int32Array(8 * 256);
const T_HI = new Int32Array(8 * 256);
{
  const aLo = A_HEX.map((h) => parseInt(h.slice(8), 16) | 0);
  const aHi = A_HEX.map((h) => parseInt(h.slice(0, 8), 16) | 0);
  for (let k = 0; k < 8; k++) {
    for (let v = 0; v < 256; v++) {
      const s = PI[v] ?? 0;
      let lo = 0;
      let hi = 0;
      for (let t = 0; t < 8; t++) {
        if (((s >>> t) & 1) === 0) continue;
        // Bit t of byte k is bit 8k+t of the row, which l multiplies by A_{63−(8k+t)}.
        const i = 63 - (8 * k + t);
        lo ^= aLo[i] ?? 0;
        hi ^= aHi[i] ?? 0;
      }
      T_LO[k * 256 + v] = lo;
      T_HI[k * 256 + v] = hi;
    }
  }
}

/** dst = L(P(S(src))) (RFC 6986 §7: the composition LPS). `dst` must not alias `src`. */
function lps(src: Int32Array, dst: Int32Array): void {
  // Row j after P holds byte j of every source row i (tau transposes the byte matrix), so row j
  // of the result is the XOR of T[i][byte j of row i] over the eight rows i. Unrolled over i.
  for (let j = 0; j < 8; j++) {
    const half = j >>> 2;
    const shift = (j & 3) << 3;
    const i0 = ((src[half] ?? 0) >>> shift) & 0xff;
    const i1 = 256 | (((src[2 + half] ?? 0) >>> shift) & 0xff);
    const i2 = 512 | (((src[4 + half] ?? 0) >>> shift) & 0xff);
    const i3 = 768 | (((src[6 + half] ?? 0) >>> shift) & 0xff);
    const i4 = 1024 | (((src[8 + half] ?? 0) >>> shift) & 0xff);
    const i5 = 1280 | (((src[10 + half] ?? 0) >>> shift) & 0xff);
    const i6 = 1536 | (((src[12 + half] ?? 0) >>> shift) & 0xff);
    const i7 = 1792 | (((src[14 + half] ?? 0) >>> shift) & 0xff);
    dst[2 * j] =
      (T_LO[i0] ?? 0) ^
      (T_LO[i1] ?? 0) ^
      (T_LO[i2] ?? 0) ^
      (T_LO[i3] ?? 0) ^
      (T_LO[i4] ?? 0) ^
      (T_LO[i5] ?? 0) ^
      (T_LO[i6] ?? 0) ^
      (T_LO[i7] ?? 0);
    dst[2 * j + 1] =
      (T_HI[i0] ?? 0) ^
      (T_HI[i1] ?? 0) ^
      (T_HI[i2] ?? 0) ^
      (T_HI[i3] ?? 0) ^
      (T_HI[i4] ?? 0) ^
      (T_HI[i5] ?? 0) ^
      (T_HI[i6] ?? 0) ^
      (T_HI[i7] ?? 0);
  }
}

function xorInto(dst: Int32Array, a: Int32Array, b: Int32Array): void {
  for (let w = 0; w < WORDS; w++) dst[w] = (a[w] ?? 0) ^ (b[w] ?? 0);
}

/** a = a ⊞ b, addition in the ring Z/2^512 (the RFC's ⊞). */
function addInto(a: Int32Array, b: Int32Array): void {
  let carry = 0;
  for (let w = 0; w < WORDS; w++) {
    const s = ((a[w] ?? 0) >>> 0) + ((b[w] ?? 0) >>> 0) + carry;
    a[w] = s | 0;
    carry = s > 0xffffffff ? 1 : 0;
  }
}

/** a = a ⊞ n for a small non-negative integer n (the bit counter N). */
function addSmall(a: Int32Array, n: number): void {
  let carry = n;
  for (let w = 0; w < WORDS && carry !== 0; w++) {
    const s = ((a[w] ?? 0) >>> 0) + carry;
    a[w] = s | 0;
    carry = Math.floor(s / 0x100000000);
  }
}

/** Reads 64 bytes at `off` as a 512-bit vector (least significant byte first). */
function loadBlock(bytes: Uint8Array, off: number, dst: Int32Array): void {
  for (let w = 0; w < WORDS; w++) {
    const o = off + 4 * w;
    dst[w] =
      (bytes[o] ?? 0) |
      ((bytes[o + 1] ?? 0) << 8) |
      ((bytes[o + 2] ?? 0) << 16) |
      ((bytes[o + 3] ?? 0) << 24);
  }
}

/** Scratch vectors of one hash computation. */
interface State {
  readonly k: Int32Array;
  readonly st: Int32Array;
  readonly tmp: Int32Array;
}

/**
 * RFC 6986 §8: the compression function g_N(h, m) = E(LPS(h ⊕ N), m) ⊕ h ⊕ m, written into `h`,
 * where E(K, m) = X[K_13]LPSX[K_12]…LPSX[K_1](m) and K_{i+1} = LPS(K_i ⊕ C_i).
 */
function compress(s: State, h: Int32Array, n: Int32Array, m: Int32Array): void {
  const { k, st, tmp } = s;
  // K_1 = LPS(h ⊕ N)
  xorInto(tmp, h, n);
  lps(tmp, k);
  st.set(m);
  for (let i = 0; i < 12; i++) {
    // state = LPS(X[K_i](state))
    xorInto(tmp, k, st);
    lps(tmp, st);
    // K_{i+1} = LPS(K_i ⊕ C_i)
    xorInto(tmp, k, C[i] ?? tmp);
    lps(tmp, k);
  }
  // h = X[K_13](state) ⊕ h ⊕ m
  for (let w = 0; w < WORDS; w++) h[w] = (k[w] ?? 0) ^ (st[w] ?? 0) ^ (h[w] ?? 0) ^ (m[w] ?? 0);
}

/** RFC 6986 §9: the hash H^512 (outLen 64) or H^256 (outLen 32) of a byte string. */
function streebog(msg: Uint8Array, outLen: 32 | 64): Uint8Array {
  // A byte view of any realm (a Uint8Array from a worker or an iframe fails `instanceof`).
  check(ArrayBuffer.isView(msg) && msg.BYTES_PER_ELEMENT === 1, 'msg', 'must be a Uint8Array');
  const s: State = { k: new Int32Array(WORDS), st: new Int32Array(WORDS), tmp: new Int32Array(WORDS) };
  const zero = new Int32Array(WORDS);
  const m = new Int32Array(WORDS);

  // Stage 1: h = IV (§6.1: 0^512 for H^512, (00000001)^64 for H^256), N = 0^512, Σ = 0^512.
  const h = new Int32Array(WORDS).fill(outLen === 64 ? 0 : 0x01010101);
  const n = new Int32Array(WORDS);
  const sigma = new Int32Array(WORDS);

  // Stage 2: while |M| ≥ 512, take the least significant 512 bits m of M (the next 64 bytes):
  // h = g_N(h, m), N = N ⊞ 512, Σ = Σ ⊞ m, and M = M'.
  let off = 0;
  for (; msg.length - off >= 64; off += 64) {
    loadBlock(msg, off, m);
    compress(s, h, n, m);
    addSmall(n, 512);
    addInto(sigma, m);
  }

  // Stage 3: m = 0^{511−|M|} ‖ 1 ‖ M, i.e. the remaining bytes, then 0x01, then zero bytes.
  const rest = msg.length - off;
  const last = new Uint8Array(64);
  last.set(msg.subarray(off));
  last[rest] = 0x01;
  loadBlock(last, 0, m);
  // h = g_N(h, m), N = N ⊞ |M|, Σ = Σ ⊞ m, h = g_0(h, N), h = g_0(h, Σ).
  compress(s, h, n, m);
  addSmall(n, rest * 8);
  addInto(sigma, m);
  compress(s, h, zero, n);
  compress(s, h, zero, sigma);

  // H^512(M) = h; H^256(M) = MSB_256(h), the upper half: bytes 32…63.
  const out = new Uint8Array(64);
  for (let w = 0; w < WORDS; w++) {
    const x = h[w] ?? 0;
    out[4 * w] = x & 0xff;
    out[4 * w + 1] = (x >>> 8) & 0xff;
    out[4 * w + 2] = (x >>> 16) & 0xff;
    out[4 * w + 3] = (x >>> 24) & 0xff;
  }
  return outLen === 64 ? out : out.slice(32);
}

/** GOST R 34.11-2012 with a 512-bit output (H^512 of RFC 6986). */
export function streebog512(msg: Uint8Array): Uint8Array {
  return streebog(msg, 64);
}

/** GOST R 34.11-2012 with a 256-bit output (H^256 of RFC 6986). */
export function streebog256(msg: Uint8Array): Uint8Array {
  return streebog(msg, 32);
}
