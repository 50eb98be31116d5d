// The close of voting as one plugin: final lists (P-7.1–P-7.5), decryption (P-7.6–P-7.8), the
// protocol (P-7.9, P-7.10), handing the results on (P-8) and storage and destruction (P-9).
import type { FastifyPluginAsync } from 'fastify';
import type { ClosingRoutesOptions } from './closing-context.ts';
import { decryptionRoutes } from './decryption-routes.ts';
import { finalListRoutes } from './final-lists-routes.ts';
import { handOverRoutes } from './hand-over-routes.ts';
import { protocolRoutes } from './protocol-routes.ts';

export type { ClosingRoutesOptions };

export const closingRoutes: FastifyPluginAsync<ClosingRoutesOptions> = async (app, options) => {
  await app.register(finalListRoutes, options);
  await app.register(decryptionRoutes, options);
  await app.register(protocolRoutes, options);
  await app.register(handOverRoutes, options);
};
