/**
 * A minimal POSIX ustar writer and reader (IEEE Std 1003.1, "pax" interchange format, ustar
 * headers only): regular files with short names, which is all the election record needs. Written
 * here because the format is 512-byte headers and padding — smaller than any dependency.
 */

import { ElectionError } from './errors.ts';

const BLOCK = 512;

export interface TarFile {
  readonly name: string;
  readonly data: Uint8Array;
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

export function writeTar(files: readonly TarFile[]): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  for (const f of files) {
    const name = enc.encode(f.name);
    if (name.length > 100) throw new ElectionError('MALFORMED', `tar: name too long: ${f.name}`);
    const h = new Uint8Array(BLOCK);
    h.set(name, 0);
    h.set(enc.encode(octal(0o644, 8)), 100); // mode
    h.set(enc.encode(octal(0, 8)), 108); // uid
    h.set(enc.encode(octal(0, 8)), 116); // gid
    h.set(enc.encode(octal(f.data.length, 12)), 124); // size
    h.set(enc.encode(octal(0, 12)), 136); // mtime: fixed, so the archive is a function of its files
    h.fill(0x20, 148, 156); // checksum field counts as spaces
    h[156] = 0x30; // typeflag '0': regular file
    h.set(enc.encode('ustar\u000000'), 257); // magic "ustar\0" and version "00"
    let sum = 0;
    for (const b of h) sum += b;
    h.set(enc.encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
    parts.push(h, f.data, new Uint8Array((BLOCK - (f.data.length % BLOCK)) % BLOCK));
  }
  parts.push(new Uint8Array(2 * BLOCK)); // end of archive
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function readTar(bytes: Uint8Array): TarFile[] {
  const dec = new TextDecoder();
  const field = (h: Uint8Array, at: number, len: number): string => {
    const s = h.subarray(at, at + len);
    const end = s.indexOf(0);
    return dec.decode(end < 0 ? s : s.subarray(0, end));
  };
  const files: TarFile[] = [];
  let o = 0;
  while (o + BLOCK <= bytes.length) {
    const h = bytes.subarray(o, o + BLOCK);
    if (h.every((b) => b === 0)) return files;
    let sum = 0;
    h.forEach((b, i) => (sum += i >= 148 && i < 156 ? 0x20 : b));
    if (parseInt(field(h, 148, 8).trim(), 8) !== sum || field(h, 257, 6) !== 'ustar') {
      throw new ElectionError('RECORD_INVALID', `not a ustar archive (header at byte ${o})`);
    }
    const size = parseInt(field(h, 124, 12).trim(), 8);
    if (!Number.isSafeInteger(size) || o + BLOCK + size > bytes.length) {
      throw new ElectionError('RECORD_INVALID', `truncated archive at byte ${o}`);
    }
    const type = String.fromCharCode(h[156] ?? 0);
    if (type === '0' || type === '\0')
      files.push({ name: field(h, 0, 100), data: bytes.slice(o + BLOCK, o + BLOCK + size) });
    o += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new ElectionError('RECORD_INVALID', 'archive has no end marker');
}
