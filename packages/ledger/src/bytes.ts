/**
 * Byte helpers: hex, base64 (RFC 4648 §4, standard alphabet with padding)
 * and strict UTF-8. Internal to the package.
 */

// The same as the crypto package's; the hex and base64 helpers below differ on purpose (they return
// undefined for bad input, the ledger's Result convention, where crypto's throw).
export { concatBytes, equalBytes } from '@opendeg/crypto';

export function bytesToHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Decodes lowercase or uppercase hex; returns undefined for anything else. */
export function hexToBytes(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

export function toBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

const BASE64_SHAPE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Strict base64: standard alphabet, padding, and canonical (unused trailing bits are zero), so
 * each byte string has exactly one accepted encoding.
 */
export function fromBase64(s: string): Uint8Array | undefined {
  if (!BASE64_SHAPE.test(s)) return undefined;
  const b = Buffer.from(s, 'base64');
  if (b.toString('base64') !== s) return undefined;
  return new Uint8Array(b);
}

/**
 * Base64 as Go's `encoding/base64.StdEncoding` reads it: standard alphabet and padding required,
 * non-zero unused trailing bits tolerated. Used only for note signature lines, where a mangled
 * encoding must surface as a signature that fails to verify (as in the reference implementation),
 * not as a parse error.
 */
export function fromBase64Lenient(s: string): Uint8Array | undefined {
  if (!BASE64_SHAPE.test(s)) return undefined;
  return new Uint8Array(Buffer.from(s, 'base64'));
}

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Strict UTF-8 decoding: undefined for any invalid sequence. */
export function decodeUtf8(b: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(b);
  } catch {
    return undefined;
  }
}

export function u32be(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, false);
  return b;
}

export function readU32be(b: Uint8Array, offset: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(offset, false);
}

export function u64be(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), false);
  return b;
}

export function readU64be(b: Uint8Array, offset: number): bigint {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(offset, false);
}

/** ASCII decimal with no leading zeroes (unless zero), as every C2SP size line requires. */
export function parseDecimal(s: string): number | undefined {
  if (!/^(?:0|[1-9][0-9]*)$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}
