// Login through the identity provider (P-6.4, P-6.3) with openid-client: discovery, authorization
// code flow with PKCE (S256), state and nonce; the callback checks them, exchanges the code, reads
// the ID token and userinfo, and opens a server-side session. The browser keeps only an opaque
// session id in a signed, httpOnly, SameSite=Lax cookie (Secure over https).
import { createHash, randomBytes } from 'node:crypto';
import { Type } from 'typebox';
import * as oidc from 'openid-client';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { AccountClaims, accountFromClaims } from './claims.ts';
import type { SessionRecord, SessionStore } from './session-store.ts';

export interface RelyingParty {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scope: string;
}

export interface IdentityClientOptions {
  clock: Clock;
  store: SessionStore;
  sessionTtlSeconds: number;
  /** Origin of this server as browsers reach it; read per request (known only once listening). */
  publicUrl: () => string;
  relyingParty: () => RelyingParty;
  discover: () => Promise<oidc.Configuration>;
  /**
   * Called with each account read at login (identity/account-directory.ts records an external
   * provider's `trusted` claim this way). A failure is logged; the login goes on.
   */
  onLogin?: (account: AccountClaims) => Promise<void>;
}

/**
 * Discovery of the provider's metadata, done once and retried on the next call if it failed.
 * Failure is an IDENTITY_PROVIDER_UNAVAILABLE error for the client; the cause goes to the log.
 */
export function createDiscovery(
  relyingParty: () => RelyingParty,
  log: FastifyBaseLogger,
): () => Promise<oidc.Configuration> {
  let configuration: Promise<oidc.Configuration> | undefined;
  return () => {
    if (!configuration) {
      const rp = relyingParty();
      const insecure = new URL(rp.issuer).protocol === 'http:';
      configuration = oidc
        .discovery(
          new URL(rp.issuer),
          rp.clientId,
          rp.clientSecret,
          oidc.ClientSecretBasic(rp.clientSecret),
          {
            timeout: 10,
            // Plain http only for the stand-in and local providers (buildApp refuses it otherwise).
            // eslint-disable-next-line @typescript-eslint/no-deprecated -- deprecated to stand out, as it should
            ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
          },
        )
        .catch((error: unknown) => {
          configuration = undefined;
          log.error({ err: error }, 'identity provider discovery failed');
          throw new ApiError(
            'IDENTITY_PROVIDER_UNAVAILABLE',
            502,
            'Система идентификации недоступна, попробуйте позже / Identity provider unavailable, try later',
          );
        });
    }
    return configuration;
  };
}

/** How long a started login may take before its callback is refused. */
const LOGIN_TTL_SECONDS = 600;

export const ReturnTo = Type.String({
  pattern: '^/(?![/\\\\])[\\x21-\\x7e]*$',
  maxLength: 512,
  description: 'A path on this server to return to after login',
});

export const authSchemas = {
  login: {
    summary: 'Start login at the identity provider / Начать вход через ЕСИА',
    tags: ['identity'],
    querystring: Type.Object({ returnTo: Type.Optional(ReturnTo) }, { additionalProperties: false }),
    response: { 303: Type.Null({ description: 'Redirect to the identity provider' }) },
  },
  callback: {
    summary: 'Return from the identity provider / Возврат из ЕСИА',
    tags: ['identity'],
    // Providers may add parameters of their own (session_state, …): allowed, not used.
    querystring: Type.Object({
      code: Type.Optional(Type.String({ maxLength: 2048 })),
      state: Type.Optional(Type.String({ maxLength: 512 })),
      iss: Type.Optional(Type.String({ maxLength: 2048 })),
      error: Type.Optional(Type.String({ maxLength: 256 })),
      error_description: Type.Optional(Type.String({ maxLength: 2048 })),
    }),
    response: { 303: Type.Null({ description: 'Redirect to the page the login started from' }) },
  },
  logout: {
    summary: 'End the session / Выйти',
    tags: ['identity'],
    response: { 303: Type.Null({ description: 'Redirect to the start page' }) },
  },
  me: {
    summary: 'The logged-in account / Текущая учётная запись',
    tags: ['identity'],
    response: { 200: AccountClaims },
  },
};

function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

function keyOf(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('base64url');
}

function unauthenticated(): ApiError {
  return new ApiError('UNAUTHENTICATED', 401, 'Требуется вход / Login required');
}

/** Reads the session of a request: the cookie's name depends on the origin (https or not). */
export interface SessionReader {
  readonly cookieName: () => string;
  /** The unexpired session the request's signed cookie names, if any (an expired one is deleted). */
  readonly current: (request: FastifyRequest) => Promise<SessionRecord | undefined>;
}

export function createSessionReader(options: {
  clock: Clock;
  store: SessionStore;
  publicUrl: () => string;
}): SessionReader {
  const { clock, store } = options;
  const secure = (): boolean => options.publicUrl().startsWith('https:');
  // The __Host- prefix makes browsers insist on Secure, path / and no Domain.
  const cookieName = (): string => (secure() ? '__Host-opendeg_session' : 'opendeg_session');
  return {
    cookieName,
    current: async (request) => {
      const signed = request.cookies[cookieName()];
      if (signed === undefined) return undefined;
      const unsigned = request.unsignCookie(signed);
      if (!unsigned.valid) return undefined;
      const record = await store.get(keyOf(unsigned.value));
      if (!record) return undefined;
      if (record.expiresAt <= clock.now().getTime()) {
        await store.delete(record.key);
        return undefined;
      }
      return record;
    },
  };
}

/** The logged-in account of a request, or UNAUTHENTICATED. */
export async function requireAccount(
  sessions: SessionReader,
  request: FastifyRequest,
): Promise<AccountClaims> {
  const session = await sessions.current(request);
  if (!session?.account) throw unauthenticated();
  return session.account;
}

export const identityClient: FastifyPluginCallbackTypebox<IdentityClientOptions> = (app, options, done) => {
  const { clock, store } = options;
  const { discover } = options;

  const sessions = createSessionReader(options);
  const secure = (): boolean => options.publicUrl().startsWith('https:');
  const cookieName = sessions.cookieName;
  const redirectUri = (): string => new URL('/auth/callback', options.publicUrl()).href;

  function setSessionCookie(reply: FastifyReply, sessionId: string, maxAgeSeconds: number): void {
    reply.setCookie(cookieName(), sessionId, {
      signed: true,
      httpOnly: true,
      sameSite: 'lax',
      secure: secure(),
      path: '/',
      maxAge: maxAgeSeconds,
    });
  }

  const currentSession = sessions.current;

  app.get(
    '/auth/login',
    { schema: authSchemas.login, config: { allow: 'public' } },
    async (request, reply) => {
      const config = await discover();
      const login = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        codeVerifier: oidc.randomPKCECodeVerifier(),
        returnTo: request.query.returnTo ?? '/',
      };
      const sessionId = newSessionId();
      await store.put({
        key: keyOf(sessionId),
        expiresAt: clock.now().getTime() + LOGIN_TTL_SECONDS * 1000,
        login,
      });
      setSessionCookie(reply, sessionId, LOGIN_TTL_SECONDS);
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri(),
        scope: options.relyingParty().scope,
        code_challenge: await oidc.calculatePKCECodeChallenge(login.codeVerifier),
        code_challenge_method: 'S256',
        state: login.state,
        nonce: login.nonce,
      });
      request.log.info({ event: 'auth.login.started' }, 'login started');
      return reply.redirect(url.href, 303);
    },
  );

  app.get(
    '/auth/callback',
    { schema: authSchemas.callback, config: { allow: 'public' } },
    async (request, reply) => {
      const session = await currentSession(request);
      const login = session?.login;
      if (!session || !login) {
        throw new ApiError(
          'AUTH_NO_LOGIN_IN_PROGRESS',
          400,
          'Вход не начат или устарел, начните вход заново / No login in progress, start again',
        );
      }
      // A login transaction is used once, whatever the outcome.
      await store.delete(session.key);
      const { query } = request;
      if (query.error !== undefined) {
        request.log.info({ event: 'auth.login.denied', providerError: query.error }, 'login denied');
        throw new ApiError(
          'AUTH_DENIED',
          403,
          'Вход отклонён системой идентификации / Login denied by the identity provider',
        );
      }
      if (query.state !== login.state) {
        request.log.warn({ event: 'auth.login.state_mismatch' }, 'login refused');
        throw new ApiError(
          'AUTH_STATE_MISMATCH',
          400,
          'Ответ системы идентификации не относится к этому входу / Identity provider response does not belong to this login',
        );
      }
      const config = await discover();
      let claims: Record<string, unknown>;
      try {
        const currentUrl = new URL(request.url, options.publicUrl());
        const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
          pkceCodeVerifier: login.codeVerifier,
          expectedState: login.state,
          expectedNonce: login.nonce,
          idTokenExpected: true,
        });
        const idClaims = tokens.claims();
        if (!idClaims) throw new Error('no ID token');
        claims = { ...idClaims };
        if (config.serverMetadata().userinfo_endpoint) {
          const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
          claims = { ...claims, ...userinfo };
        }
      } catch (error) {
        const code = error instanceof Error && 'code' in error ? String(error.code) : undefined;
        request.log.warn({ event: 'auth.login.failed', oidcError: code }, 'login failed');
        throw new ApiError(
          'AUTH_FAILED',
          400,
          'Не удалось выполнить вход, начните заново / Login failed, start again',
        );
      }
      const account = accountFromClaims(claims);
      // A new id after login: an id seen before authentication is never an authenticated one.
      const sessionId = newSessionId();
      await store.put({
        key: keyOf(sessionId),
        expiresAt: clock.now().getTime() + options.sessionTtlSeconds * 1000,
        account,
      });
      if (options.onLogin !== undefined) {
        await options.onLogin(account).catch((error: unknown) => {
          request.log.error({ event: 'auth.login.record_failed', err: error }, 'login not recorded');
        });
      }
      setSessionCookie(reply, sessionId, options.sessionTtlSeconds);
      request.log.info({ event: 'auth.login.succeeded' }, 'login succeeded');
      return reply.redirect(login.returnTo, 303);
    },
  );

  app.post(
    '/auth/logout',
    { schema: authSchemas.logout, config: { allow: 'public' } },
    async (request, reply) => {
      const session = await currentSession(request);
      if (session) await store.delete(session.key);
      reply.clearCookie(cookieName(), { path: '/' });
      request.log.info({ event: 'auth.logout' }, 'logout');
      return reply.redirect('/', 303);
    },
  );

  app.get('/api/me', { schema: authSchemas.me, config: { allow: 'voter' } }, (request) =>
    requireAccount(sessions, request),
  );
  done();
};
