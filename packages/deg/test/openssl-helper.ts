// Test helper: run the openssl CLI (a prerequisite of the test suite; CI installs it) in a scratch
// directory. A missing openssl fails the tests, never skips them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface OpensslRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function requireOpenssl(): string {
  const r = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0)
    throw new Error('openssl is a prerequisite of the test suite (apt-get install openssl)');
  return r.stdout.trim();
}

export class Scratch {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'opendeg-sig-'));

  path(name: string): string {
    return path.join(this.dir, name);
  }

  write(name: string, data: string | Uint8Array): string {
    const p = this.path(name);
    writeFileSync(p, data);
    return p;
  }

  read(name: string): Uint8Array {
    return new Uint8Array(readFileSync(this.path(name)));
  }

  readText(name: string): string {
    return readFileSync(this.path(name), 'utf8');
  }

  openssl(args: readonly string[]): OpensslRun {
    const r = spawnSync('openssl', args, { cwd: this.dir, encoding: 'utf8' });
    if (r.error !== undefined) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** `openssl cms -verify` of a detached DER signature over a document against a root file. */
  cmsVerify(sig: string, doc: string, root: string, extra: readonly string[] = []): OpensslRun {
    return this.openssl([
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      sig,
      '-content',
      doc,
      '-CAfile',
      root,
      '-out',
      this.path('verified.out'),
      ...extra,
    ]);
  }
}
