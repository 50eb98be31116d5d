// Prometheus metrics: prom-client's default process metrics plus the duration of every HTTP
// request by method, route pattern and status. One registry per app, so several apps in one
// process (tests) do not collide.
import { Type } from 'typebox';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { App } from '../app.ts';

export const metricsSchema = {
  summary: 'Prometheus metrics / Метрики Prometheus',
  tags: ['operations'],
  produces: ['text/plain'],
  response: { 200: Type.String({ description: 'Prometheus text exposition format' }) },
};

/** Registers on the root instance (not as an encapsulated plugin) so the hook sees every route. */
export function registerMetrics(app: App): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests in seconds',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  // Route patterns, not raw URLs, keep the label set small and free of identifiers.
  app.addHook('onResponse', (request, reply, next) => {
    duration.observe(
      {
        method: request.method,
        route: request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched'),
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    next();
  });
  app.addHook('onClose', (_instance, next) => {
    registry.clear();
    next();
  });

  app.get('/metrics', { schema: metricsSchema, config: { allow: 'public' } }, async (_request, reply) => {
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
}
