// buildApp(deps): the whole HTTP API as a Fastify instance, apart from starting a server
// (main.ts), so tests run it on port 0. Conventions every route follows:
//  - TypeBox schemas for params, querystring, body and every success response (enforced below:
//    a route without a response schema, or with URL parameters but no params schema, fails startup);
//  - who may call it in `config.allow` (authz/access.ts), enforced by one onRequest hook; a route
//    without the declaration fails startup too, so no route is open by omission;
//  - errors thrown as ApiError (or failed validation) become `{ code, message, eventId, details? }`;
//  - the OpenAPI document is generated from those schemas.
import { randomUUID } from 'node:crypto';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
  type RouteOptions,
} from 'fastify';
import { fastifyCookie } from '@fastify/cookie';
import { fastifySwagger } from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppDeps, HealthCheck } from './deps.ts';
import { ErrorBody, handleError, handleNotFound } from './errors.ts';
import { loggerOptions } from './logging.ts';
import { healthRoutes } from './routes/health.ts';
import { registerMetrics } from './routes/metrics.ts';
import { DEFAULT_SCOPE, STAND_IN_CLIENT_ID, STAND_IN_PREFIX } from './identity/config.ts';
import {
  createDiscovery,
  createSessionReader,
  identityClient,
  type RelyingParty,
} from './identity/client.ts';
import { MemorySessionStore } from './identity/session-store.ts';
import { identityStandIn } from './identity/stand-in.ts';
import { applicationRoutes } from './applications/routes.ts';
import { DevOutboxSms } from './sms/dev-outbox.ts';
import { devSmsRoutes } from './sms/dev-routes.ts';
import { devClockRoutes } from './dev/clock-routes.ts';
import { allowedRoles, checkAllow, createAccessControl } from './authz/access.ts';
import { bootstrapOperator } from './authz/bootstrap.ts';
import type { Role } from './authz/roles.ts';
import { roleRoutes } from './authz/routes.ts';
import { listRoutes } from './lists/routes.ts';
import { commissionRoutes } from './commission/decision-routes.ts';
import { observerRoutes } from './commission/observer-routes.ts';
import { closingRoutes } from './closing/routes.ts';
import { recordRoutes } from './record/routes.ts';
import { votingRoutes } from './voting/routes.ts';
import { figuresRoutes } from './figures/routes.ts';
import { blocksRoutes } from './observers/blocks-routes.ts';
import { ballotRoutes } from './ballot/ballot-routes.ts';
import { premisesRoutes } from './premises/premises-routes.ts';
import { bundleRoutes } from './bundles/bundle-routes.ts';
import { keyRoutes } from './keys/ceremony-routes.ts';
import { manifestRoutes } from './keys/manifest-routes.ts';
import { distributedRoutes } from './keys/distributed-routes.ts';
import { storedManifestSource } from './keys/manifest-store.ts';
import { ballotBoxRoutes } from './ballot-box/routes.ts';
import { votingWindows } from './ballot-box/voting-windows.ts';
import { chooseAccountDirectory } from './identity/account-directory.ts';

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** One registered route, as the OpenAPI test and the docs see it. */
export interface RouteEntry {
  method: string;
  url: string;
  /** A mounted foreign application (the identity stand-in's provider), outside our schemas. */
  foreign: boolean;
  schema: RouteOptions['schema'];
  /** Who may call it (`config.allow`). */
  allow: readonly Role[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    foreignApp?: boolean;
  }
  interface FastifyInstance {
    routeCatalogue: readonly RouteEntry[];
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Keeps a proxy's x-request-id when it is a UUID (so lines correlate), else makes one. */
function requestId(req: RawRequestDefaultExpression): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && UUID.test(incoming) ? incoming.toLowerCase() : randomUUID();
}

function checkRoute(route: RouteOptions): void {
  const where = `${String(route.method)} ${route.url}`;
  if (route.config?.foreignApp === true) {
    if (route.schema?.hide !== true) throw new Error(`foreign route ${where} must be hidden from OpenAPI`);
    checkAllow(route);
    return;
  }
  if (!route.schema?.response) throw new Error(`route ${where} has no response schema`);
  if (route.url.includes(':') && !route.schema.params) throw new Error(`route ${where} has no params schema`);
  checkAllow(route);
}

function checkIssuer(issuer: string): void {
  const url = new URL(issuer);
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new Error(`identity issuer must use https: ${issuer}`);
  }
}

export async function buildApp(deps: AppDeps): Promise<App> {
  if (deps.identity.provider.kind === 'external') checkIssuer(deps.identity.provider.issuer);
  if (deps.identity.cookieSecret.length < 32)
    throw new Error('identity.cookieSecret must have at least 32 characters');
  const app = Fastify({
    logger: loggerOptions(deps.logger),
    genReqId: requestId,
    requestIdHeader: false,
    // Reject unknown fields where a schema closes an object, rather than silently dropping them.
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const catalogue: RouteEntry[] = [];
  app.decorate('routeCatalogue', catalogue);
  app.addHook('onRoute', (route) => {
    checkRoute(route);
    const foreign = route.config?.foreignApp === true;
    if (!foreign && route.schema?.response) {
      route.schema.response = { '4xx': ErrorBody, '5xx': ErrorBody, ...route.schema.response };
    }
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD' && !foreign) continue;
      catalogue.push({
        method,
        url: route.url,
        foreign,
        schema: route.schema,
        allow: allowedRoles(route.config?.allow ?? []),
      });
    }
  });

  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'OpenDEG API',
        description: 'Дистанционное электронное голосование / Remote electronic voting',
        version: '0.1.0',
      },
    },
  });
  await app.register(fastifyCookie, { secret: deps.identity.cookieSecret });

  const publicUrl = (): string => deps.identity.publicUrl ?? app.listeningOrigin;
  const store = deps.identity.sessionStore ?? new MemorySessionStore(() => deps.clock.now().getTime());
  const sessions = createSessionReader({ clock: deps.clock, store, publicUrl });
  const roles = deps.roles;
  const accessControl = createAccessControl({
    sessions,
    ...(roles && deps.db ? { assignments: { pool: deps.db.pool, electionId: roles.election.id } } : {}),
    ...(deps.applications?.operatorToken !== undefined
      ? { operatorToken: deps.applications.operatorToken }
      : {}),
  });
  // After the cookie plugin's own onRequest hook, so the session cookie is parsed.
  app.addHook('onRequest', (request) => accessControl.authorize(request));

  const { provider } = deps.identity;
  const relyingParty = (): RelyingParty =>
    provider.kind === 'external'
      ? {
          issuer: provider.issuer,
          clientId: provider.clientId,
          clientSecret: provider.clientSecret,
          scope: provider.scope ?? DEFAULT_SCOPE,
        }
      : {
          issuer: `${publicUrl()}${STAND_IN_PREFIX}`,
          clientId: STAND_IN_CLIENT_ID,
          clientSecret: provider.clientSecret,
          scope: DEFAULT_SCOPE,
        };
  const discover = createDiscovery(relyingParty, app.log);

  const db = deps.db;
  if (deps.applications && !db) throw new Error('applications need the database (deps.db)');
  if (deps.roles && !db) throw new Error('roles need the database (deps.db)');
  if (deps.applications && deps.applications.codePepper.length < 32)
    throw new Error('applications.codePepper must have at least 32 bytes');
  const checks: Record<string, HealthCheck> = {
    identity: async () => {
      await discover();
    },
    ...(db
      ? {
          db: async () => {
            await db.pool.query('SELECT 1');
          },
        }
      : {}),
    ...deps.healthChecks,
  };
  await app.register(healthRoutes, { clock: deps.clock, checks });
  registerMetrics(app);

  app.get(
    '/openapi.json',
    {
      schema: {
        summary: 'This API in OpenAPI 3.1 / Описание API в формате OpenAPI 3.1',
        tags: ['operations'],
        response: { 200: Type.Object({}, { additionalProperties: true }) },
      },
      config: { allow: 'public' },
    },
    () => app.swagger() as unknown as Record<string, unknown>,
  );

  if (provider.kind === 'stand-in') {
    await app.register(identityStandIn, {
      prefix: STAND_IN_PREFIX,
      issuer: () => relyingParty().issuer,
      clients: () => [
        {
          client_id: STAND_IN_CLIENT_ID,
          client_secret: provider.clientSecret,
          redirect_uris: [new URL('/auth/callback', publicUrl()).href],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      register: provider.register,
      cookieKeys: provider.cookieKeys,
    });
  }
  // Confirmed accounts for P-10.9: the stand-in's register, or what an external provider's logins said.
  const accounts = chooseAccountDirectory(provider, {
    given: deps.accounts,
    pool: deps.db?.pool,
    clock: deps.clock,
  });
  await app.register(identityClient, {
    ...(accounts.onLogin !== undefined ? { onLogin: accounts.onLogin } : {}),
    clock: deps.clock,
    store,
    sessionTtlSeconds: deps.identity.sessionTtlSeconds ?? 30 * 60,
    publicUrl,
    relyingParty,
    discover,
  });

  if (deps.applications && db) {
    await app.register(applicationRoutes, {
      clock: deps.clock,
      pool: db.pool,
      sessions,
      deps: deps.applications,
    });
    // Codes in the outbox are readable by anyone who can reach the server: never in production.
    if (deps.applications.sms instanceof DevOutboxSms && process.env.NODE_ENV !== 'production') {
      await app.register(devSmsRoutes, { outbox: deps.applications.sms });
    }
  }

  if (roles && db) {
    if (roles.bootstrapOperatorSub !== undefined) {
      const made = await bootstrapOperator(
        db.pool,
        roles.election.id,
        roles.bootstrapOperatorSub,
        deps.clock.now(),
      );
      app.log.info({ event: 'role.bootstrap', assigned: made }, 'first operator bootstrapped');
    }
    await app.register(roleRoutes, {
      clock: deps.clock,
      pool: db.pool,
      election: roles.election,
      accessControl,
    });
  }

  // The participant lists (P-3.3–P-3.9) of the election the server runs. Without role assignments
  // nobody holds a role that may call them, but they exist, so the API is the same in every setup.
  const election = roles?.election ?? deps.applications?.election;
  if (deps.devClock !== undefined) {
    if (election?.config.kind !== 'training')
      throw new Error('devClock: the scenario clock is only for a training run');
    if (process.env.NODE_ENV !== 'production') await app.register(devClockRoutes, { clock: deps.devClock });
  }
  if (db && election) {
    await app.register(listRoutes, { clock: deps.clock, pool: db.pool, election, accessControl });
    // The commission's decisions (P-1.4, P-5.4, P-5.6) and the observers (P-10.4, P-10.5, P-10.9).
    await app.register(commissionRoutes, { clock: deps.clock, pool: db.pool, election });
    await app.register(observerRoutes, {
      clock: deps.clock,
      pool: db.pool,
      election,
      accessControl,
      accounts: accounts.accounts,
    });
    // The live figures (P-3.9, P-10.2, P-10.8), public.
    await app.register(figuresRoutes, {
      clock: deps.clock,
      pool: db.pool,
      election,
      castCounts: deps.figures?.castCounts,
      ...(deps.figures?.pollMs !== undefined ? { pollMs: deps.figures.pollMs } : {}),
      ...(deps.figures?.refreshMs !== undefined ? { refreshMs: deps.figures.refreshMs } : {}),
      ...(deps.figures?.historyStepMs !== undefined ? { historyStepMs: deps.figures.historyStepMs } : {}),
      ...(deps.figures?.historyTickMs !== undefined ? { historyTickMs: deps.figures.historyTickMs } : {}),
    });
    // The ballot (P-4.1–P-4.5) and the premises for remote voting (P-3.7).
    await app.register(ballotRoutes, { clock: deps.clock, pool: db.pool, election, accessControl });
    await app.register(premisesRoutes, { clock: deps.clock, pool: db.pool, election, accessControl });
    // The list and ballot data bundle loaded at the workstation (P-3.2, P-4.2).
    await app.register(bundleRoutes, {
      clock: deps.clock,
      pool: db.pool,
      election,
      accessControl,
      trustedRoots: deps.bundles?.trustedRoots ?? deps.closing?.trustedRoots,
    });
    // The key ceremony (P-5.2–P-5.6), the manifest, and the ballot box (P-6.10) with the ledger's tiles.
    if (deps.keys) {
      await app.register(keyRoutes, {
        clock: deps.clock,
        pool: db.pool,
        election,
        accessControl,
        keys: deps.keys,
      });
      await app.register(manifestRoutes, { clock: deps.clock, pool: db.pool, election, keys: deps.keys });
      await app.register(distributedRoutes, {
        clock: deps.clock,
        pool: db.pool,
        election,
        accessControl,
        keys: deps.keys,
      });
    }
    if (deps.ballotBox) {
      await app.register(ballotBoxRoutes, {
        pool: db.pool,
        clock: deps.clock,
        manifest: storedManifestSource(db.pool, election.id, deps.ballotBox.backend),
        log: deps.ballotBox.log,
        votingWindows: votingWindows(election.config),
        ...(deps.ballotBox.maxBatch === undefined ? {} : { maxBatch: deps.ballotBox.maxBatch }),
        ...(deps.ballotBox.validationWorkers === undefined
          ? {}
          : { validationWorkers: deps.ballotBox.validationWorkers }),
        ...(deps.ballotBox.backend === undefined ? {} : { backend: deps.ballotBox.backend }),
        ...(deps.ballotBox.validationPreload === undefined
          ? {}
          : { validationPreload: deps.ballotBox.validationPreload }),
      });
    }
    if (deps.ballotBox)
      await app.register(recordRoutes, { ledger: deps.ballotBox.log, electionId: election.id });
    if (deps.ballotBox)
      await app.register(blocksRoutes, {
        pool: db.pool,
        clock: deps.clock,
        electionId: election.id,
        accessControl,
        ledger: deps.ballotBox.log,
      });
    // The close of voting: final lists, decryption, protocol (P-7), hand-over (P-8), retention (P-9).
    if (deps.closing) {
      await app.register(closingRoutes, {
        clock: deps.clock,
        pool: db.pool,
        election,
        accessControl,
        closing: { ...deps.closing, ledger: deps.closing.ledger ?? deps.ballotBox?.log },
      });
    }
  }

  // The identity side of voting (P-6.3–P-6.9): status, conditions, SMS code, blind signature.
  if (deps.voting) {
    if (!db) throw new Error('voting needs the database (deps.db)');
    if (deps.voting.codePepper.length < 32) throw new Error('voting.codePepper must have at least 32 bytes');
    await app.register(votingRoutes, { clock: deps.clock, pool: db.pool, sessions, deps: deps.voting });
  }

  return app;
}
