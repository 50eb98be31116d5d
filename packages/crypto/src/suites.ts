/**
 * Suite selection at start-up: a suite by name and a backend by preference.
 *
 * `auto` picks libsodium for ristretto255 where it loads (6–12× faster on the server's heavy paths)
 * and noble otherwise; both produce identical bytes, so the choice never shows in any record.
 */

import { CryptoError } from './errors.ts';
import type { Group, SuiteId } from './group.ts';
import { ristretto255 } from './groups/ristretto255.ts';

export type Backend = 'noble' | 'libsodium' | 'auto';

export const SUITES: readonly SuiteId[] = ['ristretto255', 'gost256b', 'belenios-2048'];

export function isSuiteId(s: string): s is SuiteId {
  return (SUITES as readonly string[]).includes(s);
}

/** A group whose element type is opaque to the caller: protocol code is generic in E. */
export type AnyGroup = Group<unknown>;

export async function loadGroup(suite: SuiteId, backend: Backend = 'noble'): Promise<AnyGroup> {
  switch (suite) {
    case 'ristretto255': {
      if (backend === 'noble') return ristretto255;
      try {
        const { loadSodiumRistretto255 } = await import('./groups/ristretto255-sodium.ts');
        return await loadSodiumRistretto255();
      } catch (cause) {
        if (backend === 'auto') return ristretto255;
        throw new CryptoError('BAD_ARGUMENT', 'backend: libsodium could not be loaded', { cause });
      }
    }
    case 'gost256b': {
      if (backend === 'libsodium') {
        throw new CryptoError('BAD_ARGUMENT', 'backend: libsodium has no gost256b; use noble');
      }
      const { gost256b } = await import('./groups/gost256b.ts');
      return gost256b;
    }
    case 'belenios-2048': {
      if (backend === 'libsodium') {
        throw new CryptoError('BAD_ARGUMENT', 'backend: libsodium has no belenios-2048; use noble');
      }
      const { belenios2048 } = await import('./groups/belenios-2048.ts');
      return belenios2048;
    }
  }
}
