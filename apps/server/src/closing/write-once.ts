// The write-once store of the close (P-7.4: the signed final lists are written to a medium that
// cannot be rewritten; P-8.1: the results handed over on one). A directory where each file is made
// once and never replaced: its bytes go to a temporary file created exclusively (O_EXCL) with mode
// 0444 and synced, which is then hard-linked under its name — link(2) refuses an existing name, so
// publication is atomic and an existing bundle is never overwritten, even by another process. A
// crash leaves either no bundle or the whole one; a retry with the same bytes finds it (`ensure`).
import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';

export type WriteOnceErrorCode = 'BUNDLE_EXISTS' | 'BUNDLE_NAME_INVALID';

export class WriteOnceError extends Error {
  constructor(
    readonly code: WriteOnceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WriteOnceError';
  }
}

export interface Written {
  /** The bundle's absolute path. */
  readonly path: string;
  /** SHA-256 of its bytes, hex. */
  readonly sha256: string;
  /** False when `ensure` found the same bytes already written. */
  readonly created: boolean;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

export class WriteOnceStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  pathOf(name: string): string {
    if (!NAME.test(name)) throw new WriteOnceError('BUNDLE_NAME_INVALID', `not a bundle name: ${name}`);
    return path.join(this.dir, name);
  }

  /** Writes `name` once; refuses (BUNDLE_EXISTS) when it exists, whatever its bytes. */
  async write(name: string, bytes: Uint8Array): Promise<Written> {
    const file = this.pathOf(name);
    await mkdir(this.dir, { recursive: true });
    const tmp = path.join(this.dir, `.${name}.${randomBytes(8).toString('hex')}.tmp`);
    const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o444);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await link(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST')
        throw new WriteOnceError('BUNDLE_EXISTS', `${name} is written already and is never replaced`);
      throw e;
    } finally {
      await unlink(tmp);
    }
    // The new name durable too: the directory's entry synced.
    const dh = await open(this.dir, constants.O_RDONLY);
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
    return { path: file, sha256: sha256Hex(bytes), created: true };
  }

  /** Writes `name` once, or finds exactly these bytes there already; other bytes are refused. */
  async ensure(name: string, bytes: Uint8Array): Promise<Written> {
    try {
      return await this.write(name, bytes);
    } catch (e) {
      if (!(e instanceof WriteOnceError) || e.code !== 'BUNDLE_EXISTS') throw e;
      const there = await this.read(name);
      if (there === undefined || sha256Hex(there) !== sha256Hex(bytes)) throw e;
      return { path: this.pathOf(name), sha256: sha256Hex(there), created: false };
    }
  }

  /** The bytes of `name`, or undefined when it was never written. */
  async read(name: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.pathOf(name)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }
}
