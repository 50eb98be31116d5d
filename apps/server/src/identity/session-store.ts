// Server-side sessions. The browser holds only an opaque random id in a signed cookie; the store
// is keyed by the id's SHA-256, so a leaked store does not yield usable cookies. The interface is
// small so that a PostgreSQL-backed store (packages/db) can replace the in-memory one.
import type { AccountClaims } from './claims.ts';

/** A login in progress: what the callback must check (OIDC state, nonce, PKCE verifier). */
export interface LoginTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

export interface SessionRecord {
  /** SHA-256 of the cookie's session id, base64url. */
  key: string;
  /** Milliseconds since the epoch, by the injected clock. */
  expiresAt: number;
  login?: LoginTransaction;
  account?: AccountClaims;
}

/**
 * Contract: `put` replaces any record with the same key and is visible to every later `get`
 * once it resolves; `get` may return an expired record (callers compare `expiresAt` with their
 * clock); `delete` of a missing key is not an error.
 */
export interface SessionStore {
  put(record: SessionRecord): Promise<void>;
  get(key: string): Promise<SessionRecord | undefined>;
  delete(key: string): Promise<void>;
}

/** Sessions in process memory: lost on restart, not shared between processes. */
export class MemorySessionStore implements SessionStore {
  readonly #records = new Map<string, SessionRecord>();
  readonly #now: () => number;
  #puts = 0;

  /** `now` (ms) lets the store drop expired records by itself, every 256 writes. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  put(record: SessionRecord): Promise<void> {
    this.#records.set(record.key, structuredClone(record));
    if (++this.#puts % 256 === 0) this.sweep(this.#now());
    return Promise.resolve();
  }

  get(key: string): Promise<SessionRecord | undefined> {
    const record = this.#records.get(key);
    return Promise.resolve(record && structuredClone(record));
  }

  delete(key: string): Promise<void> {
    this.#records.delete(key);
    return Promise.resolve();
  }

  /** Drops expired records; call now and then to bound memory. */
  sweep(nowMs: number): void {
    for (const [key, record] of this.#records) if (record.expiresAt <= nowMs) this.#records.delete(key);
  }

  get size(): number {
    return this.#records.size;
  }
}
