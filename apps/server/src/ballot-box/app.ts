// The ballot box as an application of its own (DESIGN: the identity side and the box are separate
// modules with separate keys and tables, deployable as separate processes): the box's routes and the
// ledger's tiles on a Fastify instance that needs nothing but BallotBoxDeps — no identity provider,
// no session, no identity-side table. Same error format and logging as the main app (app.ts).
import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { LoggerDeps } from '../deps.ts';
import { handleError, handleNotFound } from '../errors.ts';
import { loggerOptions } from '../logging.ts';
import type { BallotBoxDeps } from './deps.ts';
import { ballotBoxRoutes } from './routes.ts';

export async function buildBallotBoxApp(deps: BallotBoxDeps & { logger?: LoggerDeps }) {
  const app = Fastify({
    logger: loggerOptions(deps.logger),
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Everything the box serves is public: it does not know who calls, and must not.
  app.addHook('onRoute', (route) => {
    if (route.config?.allow !== 'public')
      throw new Error(`ballot box route ${route.url} must be public (config.allow)`);
    if (!route.schema?.response) throw new Error(`ballot box route ${route.url} has no response schema`);
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  await app.register(ballotBoxRoutes, deps);
  return app;
}
