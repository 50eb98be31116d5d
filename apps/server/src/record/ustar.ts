// The POSIX ustar framing of the record archive, written piece by piece so a member's data can be
// streamed after its header: the same headers, padding and end marker as packages/election's
// writeTar (mode 0644, uid and gid 0, mtime 0, so the archive is a function of its files), which
// builds the whole archive in one array and is not exported. The streamed archive must be byte for
// byte what recordArchiveBytes gives; test/record-stream.test.ts compares the two.

const BLOCK = 512;
const enc = new TextEncoder();

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

/** The 512-byte header of a regular file `name` of `size` bytes. */
export function ustarHeader(name: string, size: number): Uint8Array {
  const bytes = enc.encode(name);
  // The record's names are fixed and short; a long one is a programming error, not a request's.
  if (bytes.length > 100) throw new Error(`ustar: name too long: ${name}`);
  // 11 octal digits hold sizes below 8 GiB: the record of 1 M ballots (~5 GB) fits, 2 M would not.
  if (!Number.isSafeInteger(size) || size < 0 || size >= 8 ** 11)
    throw new Error(`ustar: size ${String(size)} does not fit the header`);
  const h = new Uint8Array(BLOCK);
  h.set(bytes, 0);
  h.set(enc.encode(octal(0o644, 8)), 100); // mode
  h.set(enc.encode(octal(0, 8)), 108); // uid
  h.set(enc.encode(octal(0, 8)), 116); // gid
  h.set(enc.encode(octal(size, 12)), 124); // size
  h.set(enc.encode(octal(0, 12)), 136); // mtime
  h.fill(0x20, 148, 156); // the checksum field counts as spaces
  h[156] = 0x30; // typeflag '0': regular file
  h.set(enc.encode('ustar\u000000'), 257); // magic "ustar\0" and version "00"
  let sum = 0;
  for (const b of h) sum += b;
  h.set(enc.encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
  return h;
}

/** The zero bytes after `size` bytes of data, up to the next block. */
export function ustarPadding(size: number): Uint8Array {
  return new Uint8Array((BLOCK - (size % BLOCK)) % BLOCK);
}

/** Bytes a member of `size` bytes takes: header, data, padding. */
export function ustarMemberLength(size: number): number {
  return BLOCK + size + ((BLOCK - (size % BLOCK)) % BLOCK);
}

/** The end of the archive: two zero blocks. */
export const USTAR_END = new Uint8Array(2 * BLOCK);
