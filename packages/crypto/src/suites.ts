/**
 * Suite selection at start-up: a suite by name and a backend by preference.
 *
 * `auto` picks libsodium for ristretto255 where it loads (6–12× faster on the server's heavy paths)
 * and noble otherwise; both produce identical bytes, so the choice never shows in any record.
 *
 * Backends that cannot live in this pure package (the Node-API addon `@opendeg/ristretto-native`)
 * register a loader with `registerBackend` when they are imported; `auto` then prefers them. This
 * package never imports them, so it still runs in the browser.
 */

import { CryptoError } from './errors.ts';
import type { Group, SuiteId } from './group.ts';
import { ristretto255 } from './groups/ristretto255.ts';

export type Backend = 'noble' | 'libsodium' | 'native' | 'auto';

/** Backends registered from outside this package, by name: a loader per suite they implement. */
export type RegisteredBackend = 'native';
export type BackendLoader = (suite: SuiteId) => Promise<AnyGroup> | undefined;

const registered = new Map<RegisteredBackend, BackendLoader>();

/**
 * Makes a backend selectable by `loadGroup`. Its loader returns `undefined` for a suite it does not
 * implement. Called by the backend's own package when it is imported.
 */
export function registerBackend(name: RegisteredBackend, loader: BackendLoader): void {
  registered.set(name, loader);
}

/** The names of the backends registered so far. */
export function registeredBackends(): RegisteredBackend[] {
  return [...registered.keys()];
}

export const SUITES: readonly SuiteId[] = ['ristretto255', 'gost256b', 'belenios-2048'];

export function isSuiteId(s: string): s is SuiteId {
  return (SUITES as readonly string[]).includes(s);
}

/** A group whose element type is opaque to the caller: protocol code is generic in E. */
export type AnyGroup = Group<unknown>;

export async function loadGroup(suite: SuiteId, backend: Backend = 'noble'): Promise<AnyGroup> {
  if (backend === 'native' || backend === 'auto') {
    const loader = registered.get('native');
    const group = loader?.(suite);
    if (group !== undefined) return group;
    if (backend === 'native') {
      throw new CryptoError(
        'BAD_ARGUMENT',
        loader === undefined
          ? 'backend: native is not registered (import @opendeg/ristretto-native)'
          : `backend: native has no ${suite}`,
      );
    }
  }
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
