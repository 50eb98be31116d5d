// Test helpers: poppler-utils (pdftotext, pdftoppm) and openssl, run on files in a scratch
// directory. They are prerequisites of the suite: a missing tool fails the tests with a message
// saying what to install, never skips them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';

export function requireTools(): void {
  for (const [tool, args, pkg] of [
    ['pdftotext', ['-v'], 'poppler-utils'],
    ['pdftoppm', ['-v'], 'poppler-utils'],
    ['openssl', ['version'], 'openssl'],
  ] as const) {
    const r = spawnSync(tool, args, { encoding: 'utf8' });
    if (r.error !== undefined || r.status !== 0) {
      throw new Error(`${tool} is a prerequisite of the documents tests (apt-get install ${pkg})`);
    }
  }
}

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** PNG of one page, decoded to 8-bit grey pixels. */
export interface GreyImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

/** A word of `pdftotext -bbox`, in PDF points from the top left of its page. */
export interface Word {
  readonly text: string;
  readonly page: number;
  readonly xMin: number;
  readonly yMin: number;
  readonly xMax: number;
  readonly yMax: number;
}

export class Scratch {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'opendeg-documents-'));
  #n = 0;

  path(name: string): string {
    return path.join(this.dir, name);
  }

  write(name: string, data: string | Uint8Array): string {
    const p = this.path(name);
    writeFileSync(p, data);
    return p;
  }

  run(cmd: string, args: readonly string[]): Run {
    const r = spawnSync(cmd, args, { cwd: this.dir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (r.error !== undefined) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  #pdf(pdf: Uint8Array): string {
    return this.write(`doc-${++this.#n}.pdf`, pdf);
  }

  /** `pdftotext -raw`: text in content-stream order, which for pdfmake is reading order. */
  text(pdf: Uint8Array): string {
    const r = this.run('pdftotext', ['-raw', '-enc', 'UTF-8', this.#pdf(pdf), '-']);
    if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
    return r.stdout;
  }

  /** Words with their boxes (`pdftotext -bbox`). */
  words(pdf: Uint8Array): Word[] {
    const r = this.run('pdftotext', ['-bbox', '-enc', 'UTF-8', this.#pdf(pdf), '-']);
    if (r.status !== 0) throw new Error(`pdftotext -bbox failed: ${r.stderr}`);
    const out: Word[] = [];
    let page = 0;
    for (const line of r.stdout.split('\n')) {
      if (line.includes('<page ')) page++;
      const m = /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)<\/word>/.exec(
        line,
      );
      if (m !== null) {
        out.push({
          text: (m[5] as string)
            .replace(/&amp;/g, '&')
            .replace(/&lt;/g, '<')
            .replace(/&gt;/g, '>')
            .replace(/&quot;/g, '"'),
          page,
          xMin: Number(m[1]),
          yMin: Number(m[2]),
          xMax: Number(m[3]),
          yMax: Number(m[4]),
        });
      }
    }
    return out;
  }

  /** `pdftoppm -r <dpi> -png` of one page, decoded to grey. */
  pageImage(pdf: Uint8Array, page: number, dpi = 50): GreyImage {
    const file = this.#pdf(pdf);
    const stem = this.path(`page-${this.#n}`);
    const r = this.run('pdftoppm', [
      '-r',
      String(dpi),
      '-png',
      '-f',
      String(page),
      '-l',
      String(page),
      '-singlefile',
      file,
      stem,
    ]);
    if (r.status !== 0) throw new Error(`pdftoppm failed: ${r.stderr}`);
    return decodeGreyPng(new Uint8Array(readFileSync(`${stem}.png`)));
  }

  /** `pdftoppm -r 50 -png` of page 1: true when the image has ink on it. */
  pageHasInk(pdf: Uint8Array, page = 1): boolean {
    const img = this.pageImage(pdf, page, 50);
    let dark = 0;
    for (const p of img.pixels) if (p < 128) dark++;
    return dark > 200;
  }

  /** `openssl cms -verify` of a detached signature over a file, against a root certificate file. */
  cmsVerify(signature: Uint8Array | string, content: Uint8Array, caFile: string): Run {
    const pem = typeof signature === 'string';
    const sig = this.write(`sig-${++this.#n}.${pem ? 'pem' : 'der'}`, signature);
    const doc = this.write(`content-${this.#n}.bin`, content);
    return this.run('openssl', [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      pem ? 'PEM' : 'DER',
      '-in',
      sig,
      '-content',
      doc,
      '-CAfile',
      caFile,
      '-out',
      this.path(`verified-${this.#n}.bin`),
    ]);
  }
}

/** PNG (RFC 2083), 8-bit grey or RGB, non-interlaced, as `pdftoppm -png` writes; returned in grey. */
export function decodeGreyPng(png: Uint8Array): GreyImage {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((b, i) => png[i] === b)) throw new Error('not a PNG');
  let width = 0;
  let height = 0;
  let bpp = 0;
  const idat: Uint8Array[] = [];
  for (let at = 8; at < png.length;) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      bpp = data[9] === 0 ? 1 : data[9] === 2 ? 3 : 0;
      if (data[8] !== 8 || bpp === 0 || data[12] !== 0)
        throw new Error('expected 8-bit grey or RGB, non-interlaced');
    } else if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const bytes = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x] as number;
      const a = x >= bpp ? (bytes[y * stride + x - bpp] as number) : 0;
      const b = y > 0 ? (bytes[(y - 1) * stride + x] as number) : 0;
      const c = x >= bpp && y > 0 ? (bytes[(y - 1) * stride + x - bpp] as number) : 0;
      let pred = 0;
      if (filter === 1) pred = a;
      else if (filter === 2) pred = b;
      else if (filter === 3) pred = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      bytes[y * stride + x] = (v + pred) & 0xff;
    }
  }
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < pixels.length; i++) {
    let sum = 0;
    for (let k = 0; k < bpp; k++) sum += bytes[i * bpp + k] as number;
    pixels[i] = Math.round(sum / bpp);
  }
  return { width, height, pixels };
}

/**
 * Whether a line is drawn through a run of words: some pixel row inside their box is dark along
 * nearly its whole width, spaces between the words included. Text alone never is — glyphs leave
 * gaps between letters and words.
 */
export function struckThrough(
  img: GreyImage,
  dpi: number,
  box: { xMin: number; yMin: number; xMax: number; yMax: number },
): boolean {
  const k = dpi / 72;
  const x0 = Math.ceil(box.xMin * k) + 1;
  const x1 = Math.floor(box.xMax * k) - 1;
  const y0 = Math.floor(box.yMin * k);
  const y1 = Math.ceil(box.yMax * k);
  for (let y = y0; y <= y1; y++) {
    let dark = 0;
    for (let x = x0; x <= x1; x++) if ((img.pixels[y * img.width + x] as number) < 160) dark++;
    if (dark >= 0.97 * (x1 - x0 + 1)) return true;
  }
  return false;
}

/** Whitespace (no-break spaces and line breaks included) collapsed to single spaces. */
export function flat(text: string): string {
  return text.replace(/[\s\u00a0]+/gu, ' ');
}
