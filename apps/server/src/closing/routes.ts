// The close of voting as one plugin: final lists (P-7.1–P-7.5), decryption (P-7.6–P-7.8), the
// protocol (P-7.9, P-7.10), handing the results on (P-8) and storage and destruction (P-9). Each
// step adds its public entries to the outbox in its transaction; after every step that changed
// something (and once at start, for what a crash left behind) they are forwarded to the ledger
// before the answer goes out, so a caller that sees a step done finds its entries in the log.
import type { FastifyPluginAsync } from 'fastify';
import { ClosingBundles } from './bundles.ts';
import type { ClosingRoutesOptions } from './closing-context.ts';
import { decryptionRoutes } from './decryption-routes.ts';
import { finalListRoutes } from './final-lists-routes.ts';
import { handOverRoutes } from './hand-over-routes.ts';
import { ClosingOutbox } from './ledger-outbox.ts';
import { protocolRoutes } from './protocol-routes.ts';
import { WriteOnceStore } from './write-once.ts';

export type { ClosingRoutesOptions };

export const closingRoutes: FastifyPluginAsync<ClosingRoutesOptions> = async (app, options) => {
  const outbox =
    options.outbox ??
    new ClosingOutbox(options.pool, options.election.id, options.closing.ledger, options.clock);
  const forward = async (): Promise<void> => {
    try {
      const n = await outbox.flush();
      if (n > 0)
        app.log.info({ event: 'closing.ledger_forwarded', entries: n }, 'closing entries in the ledger');
    } catch (err) {
      // The step itself is committed; its entries wait in the outbox for the next step or start.
      app.log.error({ event: 'closing.ledger_forward_failed', err }, 'closing entries not forwarded');
    }
  };
  const dir = options.closing.writeOnceDir;
  const bundles =
    options.bundles ??
    (dir === undefined
      ? undefined
      : new ClosingBundles(options.pool, options.election.id, new WriteOnceStore(dir)));
  /** The bundles of documents published by the step, written once (P-7.4, P-8.1). */
  const writeBundles = async (): Promise<void> => {
    try {
      for (const w of (await bundles?.ensurePublished()) ?? [])
        if (w.created) app.log.info({ event: 'closing.bundle_written', sha256: w.sha256 }, 'bundle written');
    } catch (err) {
      // Another bundle under the same name, or the store unwritable: the custody record is refused
      // until it is resolved, so nothing is recorded for a medium the server did not write.
      app.log.error({ event: 'closing.bundle_failed', err }, 'write-once bundle not written');
    }
  };
  if (!outbox.connected)
    app.log.warn({ event: 'closing.no_ledger' }, 'no ledger: closing entries wait in the outbox');
  app.addHook('onReady', forward);
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 300) {
      await forward();
      await writeBundles();
    }
    return payload;
  });
  const inner = { ...options, outbox, bundles };
  await app.register(finalListRoutes, inner);
  await app.register(decryptionRoutes, inner);
  await app.register(protocolRoutes, inner);
  await app.register(handOverRoutes, inner);
};
