// Liveness with dependency checks: 200 when every check passes, 503 when any fails, so a load
// balancer takes the instance out while it still answers.
import { Type, type Static } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { Clock, HealthCheck } from '../deps.ts';

const CheckResult = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('fail')]),
  durationMs: Type.Number(),
});

export const HealthBody = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  time: Type.String({ format: 'date-time' }),
  checks: Type.Record(Type.String(), CheckResult),
});
export type HealthBody = Static<typeof HealthBody>;

export const healthSchema = {
  summary: 'Liveness and dependency checks / Состояние сервера и зависимостей',
  tags: ['operations'],
  response: { 200: HealthBody, 503: HealthBody },
};

const CHECK_TIMEOUT_MS = 2000;

async function runCheck(check: HealthCheck): Promise<Static<typeof CheckResult>> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error('health check timed out'));
        }, CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'ok', durationMs: performance.now() - started };
  } catch {
    return { status: 'fail', durationMs: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

export interface HealthOptions {
  clock: Clock;
  checks: Readonly<Record<string, HealthCheck>>;
}

export const healthRoutes: FastifyPluginCallbackTypebox<HealthOptions> = (app, { clock, checks }, done) => {
  app.get('/health', { schema: healthSchema, config: { allow: 'public' } }, async (request, reply) => {
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((name) => runCheck(checks[name] as HealthCheck)));
    const body: HealthBody = {
      status: results.every((r) => r.status === 'ok') ? 'ok' : 'degraded',
      time: clock.now().toISOString(),
      checks: Object.fromEntries(names.map((name, i) => [name, results[i] as Static<typeof CheckResult>])),
    };
    if (body.status !== 'ok') request.log.warn({ checks: body.checks }, 'health degraded');
    return reply.status(body.status === 'ok' ? 200 : 503).send(body);
  });
  done();
};
