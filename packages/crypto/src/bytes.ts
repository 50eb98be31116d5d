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

export function bytesToHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new CryptoError('BAD_ARGUMENT', 'hex: expected an even number of hex digits');
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToNumberBE(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt('0x' + bytesToHex(b));
}

export function bytesToNumberLE(b: Uint8Array): bigint {
  return bytesToNumberBE(Uint8Array.from(b).reverse());
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

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Unsigned 32-bit big-endian length prefix. */
export function u32be(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new CryptoError('BAD_ARGUMENT', 'u32: out of range');
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, false);
  return b;
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
