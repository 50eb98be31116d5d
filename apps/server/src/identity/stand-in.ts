// Stand-in of the state identity system (ESIA, P-6.4) on oidc-provider: a real OpenID Connect
// provider serving the accounts of a generated register, mounted on this server under a prefix
// (default `/esia`). Its login page picks an account without a password; consent is implicit.
// The provider is created on first use, when the public origin (and so the issuer) is known.
import { generateKeyPairSync } from 'node:crypto';
import { parse as parseQuery } from 'node:querystring';
import type { IncomingMessage } from 'node:http';
import { Type } from 'typebox';
import { Provider, type Account, type ClientMetadata } from 'oidc-provider';
import type { FastifyPluginAsyncTypebox, FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { ApiError } from '../errors.ts';
import { OIDC_CLAIMS } from './claims.ts';
import { renderLoginPage } from './login-page.ts';
import type { RegisterAccount } from './register.ts';

export interface StandInOptions {
  /** The issuer URL, e.g. `http://127.0.0.1:8080/esia`; read on first use. */
  issuer: () => string;
  /** Registered relying parties; read on first use. */
  clients: () => ClientMetadata[];
  register: readonly RegisterAccount[];
  cookieKeys: readonly string[];
}

/** The claims of one account, by OIDC name (standard names plus OpenDEG's custom ones). */
export function claimsOf(account: RegisterAccount): Record<string, unknown> {
  return {
    sub: account.id,
    family_name: account.familyName,
    given_name: account.givenName,
    middle_name: account.middleName,
    birthdate: account.birthDate,
    phone_number: account.phone,
    phone_number_verified: account.phoneConfirmed,
    trusted: account.accountConfirmed,
    register_matched: account.registerMatched,
    region_code: account.address.regionCode,
  };
}

function createProvider(options: StandInOptions, prefix: string): Provider {
  const byId = new Map(options.register.map((a) => [a.id, a]));
  // A fresh signing key per process: the stand-in's tokens need not outlive it.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'stand-in-rs256', alg: 'RS256', use: 'sig' };
  const provider = new Provider(options.issuer(), {
    clients: options.clients(),
    findAccount: (_ctx, sub): Promise<Account | undefined> => {
      const account = byId.get(sub);
      return Promise.resolve(account && { accountId: account.id, claims: () => claimsOf(account) });
    },
    scopes: ['openid', ...Object.keys(OIDC_CLAIMS)],
    claims: {
      openid: ['sub'],
      ...Object.fromEntries(Object.entries(OIDC_CLAIMS).map(([k, v]) => [k, [...v]])),
    },
    // Scope claims go into the ID token too, as the identity system's tokens carry them.
    conformIdTokenClaims: false,
    cookies: { keys: [...options.cookieKeys] },
    jwks: { keys: [jwk] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    // Explicit lifetimes (seconds), short as befits a login: nothing here outlives a session.
    ttl: {
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      IdToken: 600,
    },
    interactions: { url: (_ctx, interaction) => `${prefix}/interaction/${interaction.uid}` },
  });
  return provider;
}

function isSessionNotFound(error: unknown): boolean {
  return error instanceof Error && (error.name === 'SessionNotFound' || error.name === 'InvalidRequest');
}

const UidParams = Type.Object({
  uid: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }),
});
const Html = Type.String({ description: 'HTML page' });

/** Register with `{ prefix: '/esia' }`. */
export const identityStandIn: FastifyPluginAsyncTypebox<StandInOptions> = async (app, options) => {
  const prefix = app.prefix;
  let provider: Provider | undefined;
  let handler: ReturnType<Provider['callback']> | undefined;
  const getProvider = (): Provider => (provider ??= createProvider(options, prefix));

  // Interaction pages: our own routes, schema-validated like every other.
  const pagesPlugin: FastifyPluginCallbackTypebox = (pages, _options, done) => {
    pages.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 4096 },
      (_request, body, done) => {
        done(null, parseQuery(body as string));
      },
    );

    pages.get(
      '/interaction/:uid',
      {
        schema: {
          summary: 'Identity stand-in: login page / Имитация ЕСИА: страница входа',
          tags: ['identity stand-in'],
          params: UidParams,
          produces: ['text/html'],
          response: { 200: Html, 303: Type.Null() },
        },
        config: { allow: 'public' },
      },
      async (request, reply) => {
        const p = getProvider();
        const details = await p.interactionDetails(request.raw, reply.raw).catch((error: unknown) => {
          throw isSessionNotFound(error) ? expired() : error;
        });
        if (details.uid !== request.params.uid) throw expired();
        if (details.prompt.name === 'consent') {
          // Implicit consent: grant exactly what the relying party asked for.
          const accountId = details.session?.accountId;
          const clientId = details.params.client_id;
          if (accountId === undefined || typeof clientId !== 'string') throw expired();
          const grant = new p.Grant({ accountId, clientId });
          const missing = details.prompt.details;
          if (Array.isArray(missing.missingOIDCScope)) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
          if (Array.isArray(missing.missingOIDCClaims))
            grant.addOIDCClaims(missing.missingOIDCClaims as string[]);
          const grantId = await grant.save();
          const to = await p.interactionResult(request.raw, reply.raw, { consent: { grantId } });
          return reply.redirect(to, 303);
        }
        return reply.type('text/html; charset=utf-8').send(
          renderLoginPage({
            action: `${prefix}/interaction/${details.uid}/login`,
            accounts: options.register,
          }),
        );
      },
    );

    pages.post(
      '/interaction/:uid/login',
      {
        schema: {
          summary: 'Identity stand-in: pick an account / Имитация ЕСИА: выбор учётной записи',
          tags: ['identity stand-in'],
          params: UidParams,
          consumes: ['application/x-www-form-urlencoded'],
          body: Type.Object({ account: Type.String({ minLength: 1, maxLength: 64 }) }),
          produces: ['text/html'],
          response: { 303: Type.Null(), 422: Html },
        },
        config: { allow: 'public' },
      },
      async (request, reply) => {
        const p = getProvider();
        const details = await p.interactionDetails(request.raw, reply.raw).catch((error: unknown) => {
          throw isSessionNotFound(error) ? expired() : error;
        });
        if (details.uid !== request.params.uid || details.prompt.name !== 'login') throw expired();
        const entered = request.body.account.trim();
        if (!options.register.some((a) => a.id === entered)) {
          request.log.info({ code: 'STAND_IN_UNKNOWN_ACCOUNT' }, 'stand-in login refused');
          return reply
            .status(422)
            .type('text/html; charset=utf-8')
            .send(
              renderLoginPage({
                action: `${prefix}/interaction/${details.uid}/login`,
                accounts: options.register,
                error: { ru: 'Учётная запись не найдена', en: 'Account not found' },
                enteredAccount: entered,
              }),
            );
        }
        const to = await p.interactionResult(
          request.raw,
          reply.raw,
          { login: { accountId: entered } },
          { mergeWithLastSubmission: false },
        );
        return reply.redirect(to, 303);
      },
    );
    done();
  };
  await app.register(pagesPlugin);

  // Everything else under the prefix is oidc-provider's own (discovery, authorize, token,
  // userinfo, JWKS, end session), passed through untouched: it reads its own request bodies.
  const passthroughPlugin: FastifyPluginCallbackTypebox = (passthrough, _options, done) => {
    passthrough.removeAllContentTypeParsers();
    passthrough.addContentTypeParser('*', (_request, _payload, parsed) => {
      parsed(null);
    });
    passthrough.all(
      '/*',
      { schema: { hide: true }, config: { foreignApp: true, allow: 'public' } },
      async (request, reply) => {
        handler ??= getProvider().callback();
        const raw = request.raw as IncomingMessage & { originalUrl?: string };
        raw.originalUrl = raw.url;
        raw.url = (raw.url ?? '/').slice(prefix.length) || '/';
        // Hijacked replies skip onSend, so the event id header is set here.
        reply.raw.setHeader('x-request-id', request.id);
        reply.hijack();
        await handler(raw, reply.raw);
      },
    );
    done();
  };
  await app.register(passthroughPlugin);
};

function expired(): ApiError {
  return new ApiError(
    'STAND_IN_INTERACTION_EXPIRED',
    400,
    'Сеанс входа истёк или не найден, начните вход заново / Login session expired or not found, start again',
  );
}
