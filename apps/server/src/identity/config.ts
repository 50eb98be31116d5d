// Identity configuration (P-6.4): which OIDC provider the server logs voters in with.
// The same client code talks to the built-in stand-in of the state identity system (ESIA) or to
// any production OIDC provider; only this configuration differs.
import type { RegisterAccount } from './register.ts';
import type { SessionStore } from './session-store.ts';

/** Any OpenID Connect provider reached by discovery from its issuer URL. */
export interface ExternalProvider {
  kind: 'external';
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Scopes to request; default `openid profile phone deg`. */
  scope?: string;
}

/**
 * The built-in stand-in, mounted on this server at `/esia`, serving the accounts of a generated
 * register. Its issuer is `<publicUrl>/esia`.
 */
export interface StandInProvider {
  kind: 'stand-in';
  register: readonly RegisterAccount[];
  clientSecret: string;
  /** Signs the stand-in's own cookies. */
  cookieKeys: readonly string[];
}

export interface IdentityDeps {
  provider: ExternalProvider | StandInProvider;
  /**
   * Origin of this server as browsers reach it (`https://deg.example.ru`). Default: the address
   * the server listens on, which suits tests and local runs.
   */
  publicUrl?: string;
  /** Signs the session cookie (at least 32 characters). */
  cookieSecret: string;
  /** Where sessions live; default an in-memory store. */
  sessionStore?: SessionStore;
  /** Lifetime of a logged-in session; default 30 minutes. */
  sessionTtlSeconds?: number;
}

export const STAND_IN_PREFIX = '/esia';
export const STAND_IN_CLIENT_ID = 'opendeg';
export const DEFAULT_SCOPE = 'openid profile phone deg';
