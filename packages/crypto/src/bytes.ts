/**
 * Byte helpers shared by the suites: fixed-width big/little-endian integer codecs,
 * concatenation and constant-time comparison. Internal to the package.
 */

import { CryptoError } from './errors.ts';

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Two lower-case hex digits of each byte value (a table: the verifier converts thousands a ballot). */
const HEX_PAIRS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The value of each hex digit's character code, −1 for any other character. */
const HEX_VALUES = Int8Array.from({ length: 128 }, (_, c) => {
  const ch = String.fromCharCode(c);
  return /^[0-9a-fA-F]$/.test(ch) ? parseInt(ch, 16) : -1;
});

const hexValue = (c: number): number => (c < 128 ? (HEX_VALUES[c] ?? -1) : -1);

export function bytesToHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += HEX_PAIRS[x] ?? '';
  return s;
}

function badHex(): CryptoError {
  return new CryptoError('BAD_ARGUMENT', 'hex: expected an even number of hex digits');
}

export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) throw badHex();
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexValue(hex.charCodeAt(2 * i));
    const lo = hexValue(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw badHex();
    out[i] = (hi << 4) | lo;
  }
  return out;
}

export function bytesToNumberBE(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt('0x' + bytesToHex(b));
}

export function bytesToNumberLE(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  let s = '0x';
  for (let i = b.length - 1; i >= 0; i--) s += HEX_PAIRS[b[i] ?? 0] ?? '';
  return BigInt(s);
}

export function numberToBytesBE(n: bigint, len: number): Uint8Array {
  if (n < 0n) throw new CryptoError('BAD_ARGUMENT', 'integer: negative');
  const hex = n.toString(16).padStart(2 * len, '0');
  if (hex.length > 2 * len) throw new CryptoError('BAD_ARGUMENT', `integer: does not fit in ${len} bytes`);
  return hexToBytes(hex);
}

export function numberToBytesLE(n: bigint, len: number): Uint8Array {
  return numberToBytesBE(n, len).reverse();
}

/** Constant-time equality of two byte strings of public length. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return d === 0;
}

const encoder = new TextEncoder();

/** UTF-8 bytes; short ASCII strings (transcript labels and tags) without a call into the encoder. */
export function utf8(s: string): Uint8Array<ArrayBuffer> {
  if (s.length > 64) return encoder.encode(s);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return encoder.encode(s);
    out[i] = c;
  }
  return out;
}

/** Unsigned 32-bit big-endian length prefix. */
export function u32be(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new CryptoError('BAD_ARGUMENT', 'u32: out of range');
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

export function toBase64(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

export function fromBase64(s: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) {
    throw new CryptoError('BAD_ARGUMENT', 'base64: malformed');
  }
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
