// The API's conventions, proved on a real server: the error format with stable codes, the route
// guard (every route has schemas), the OpenAPI document generated from them, /health and /metrics.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Type } from 'typebox';
import { buildApp } from '../src/app.ts';
import type { ErrorBody, HealthBody } from '../src/api.ts';
import { Browser, logIn, startServer, testRoutes, type Server } from './harness.ts';

let server: Server;
beforeAll(async () => {
  server = await startServer({ extraRoutes: testRoutes });
});
afterAll(async () => {
  await server.close();
});

const validBody = {
  fullName: 'Петрова Анна Сергеевна',
  birthDate: '1990-05-01',
  phone: '+79160000000',
  passport: { series: '4510', number: '123456' },
  snils: '112-233-445 95',
  email: 'anna@example.ru',
  address: 'г. Москва, ул. Тверская, д. 1',
  age: 33,
};

async function post(path: string, body: string, contentType = 'application/json') {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return { response, body: (await response.json()) as ErrorBody };
}

describe('error format { code, message, eventId }', () => {
  test('a valid body passes validation', async () => {
    const { response } = await post('/test/echo', JSON.stringify(validBody));
    expect(response.status).toBe(200);
  });

  test('a body failing its schema is 400 VALIDATION_FAILED with details and no echo of values', async () => {
    const { response, body } = await post('/test/echo', JSON.stringify({ ...validBody, age: -1 }));
    expect(response.status).toBe(400);
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.message).toMatch(/^Запрос не прошёл проверку \/ Request validation failed$/);
    expect(body.details).toEqual([{ in: 'body', path: '/age', message: expect.any(String) as string }]);
    expect(body.eventId).toBe(response.headers.get('x-request-id'));
    expect(JSON.stringify(body)).not.toContain(validBody.fullName);
  });

  test('unknown fields are refused, not silently dropped', async () => {
    const { response, body } = await post('/test/echo', JSON.stringify({ ...validBody, extra: 1 }));
    expect(response.status).toBe(400);
    expect(body.code).toBe('VALIDATION_FAILED');
  });

  test('malformed JSON is 400 BAD_REQUEST and a wrong content type 415, with fixed messages', async () => {
    const bad = await post('/test/echo', '{"fullName": "Иванов', 'application/json');
    expect(bad.response.status).toBe(400);
    expect(bad.body.code).toBe('BAD_REQUEST');
    expect(bad.body.message).not.toContain('Иванов');
    const media = await post('/test/echo', 'x', 'application/x-unknown');
    expect(media.response.status).toBe(415);
    expect(media.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  test('an unknown route is 404 NOT_FOUND', async () => {
    const response = await fetch(`${server.baseUrl}/no/such/route`);
    expect(response.status).toBe(404);
    const body = (await response.json()) as ErrorBody;
    expect(body).toEqual({
      code: 'NOT_FOUND',
      message: 'Не найдено / Not found',
      eventId: response.headers.get('x-request-id'),
    });
  });

  test('an unexpected error is 500 INTERNAL with no stack or internals; the log has them under the event id', async () => {
    const response = await fetch(`${server.baseUrl}/test/boom`);
    expect(response.status).toBe(500);
    const text = await response.text();
    const body = JSON.parse(text) as ErrorBody;
    expect(body).toEqual({
      code: 'INTERNAL',
      message: 'Внутренняя ошибка / Internal error',
      eventId: response.headers.get('x-request-id'),
    });
    expect(text).not.toMatch(/secret internal detail|\/var\/lib|at .*\.ts:\d+|stack/);
    const logged = server.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.reqId === body.eventId && l.err);
    expect(JSON.stringify(logged)).toContain('secret internal detail');
  });

  test('every response carries x-request-id as a UUID; a UUID from a proxy is kept', async () => {
    const own = await fetch(`${server.baseUrl}/health`);
    expect(own.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const id = '0b8f8c4e-5d1e-4c3b-9f6a-2d7e1c9a4b10';
    const kept = await fetch(`${server.baseUrl}/health`, { headers: { 'x-request-id': id } });
    expect(kept.headers.get('x-request-id')).toBe(id);
    const forged = await fetch(`${server.baseUrl}/health`, { headers: { 'x-request-id': 'forged id' } });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('route guard', () => {
  test('a route without a response schema, or with URL parameters but no params schema, fails startup', async () => {
    const deps = {
      clock: { now: () => new Date() },
      logger: { level: 'silent' as const },
      identity: {
        cookieSecret: 'x'.repeat(32),
        provider: {
          kind: 'external' as const,
          issuer: 'https://esia.example',
          clientId: 'c',
          clientSecret: 's',
        },
      },
    };
    const app = await buildApp(deps);
    expect(() => app.get('/unchecked', () => ({ ok: true }))).toThrow(/no response schema/);
    expect(() =>
      app.get('/thing/:id', { schema: { response: { 200: Type.Object({}) } } }, () => ({})),
    ).toThrow(/no params schema/);
    await app.close();
  });

  test('a route that does not declare who may call it (config.allow) fails startup', async () => {
    const app = await buildApp({
      clock: { now: () => new Date() },
      logger: { level: 'silent' },
      identity: {
        cookieSecret: 'x'.repeat(32),
        provider: { kind: 'external', issuer: 'https://esia.example', clientId: 'c', clientSecret: 's' },
      },
    });
    const schema = { response: { 200: Type.Object({}) } };
    expect(() => app.get('/open', { schema }, () => ({}))).toThrow(/no allow declaration/);
    expect(() => app.get('/nobody', { schema, config: { allow: [] } }, () => ({}))).toThrow(/allows nobody/);
    expect(() =>
      app.get('/typo', { schema, config: { allow: ['chairmen' as 'chairman'] } }, () => ({})),
    ).toThrow(/unknown role chairmen/);
    await app.close();
  });

  test('an external issuer over plain http is refused', async () => {
    await expect(
      buildApp({
        clock: { now: () => new Date() },
        identity: {
          cookieSecret: 'x'.repeat(32),
          provider: { kind: 'external', issuer: 'http://esia.example', clientId: 'c', clientSecret: 's' },
        },
      }),
    ).rejects.toThrow(/https/);
  });
});

describe('OpenAPI', () => {
  test('/openapi.json lists every registered route with its schemas; the mounted provider stays out', async () => {
    const response = await fetch(`${server.baseUrl}/openapi.json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: { in: string; name: string }[];
            requestBody?: unknown;
            responses: Record<string, unknown>;
          }
        >
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    const routes = server.app.routeCatalogue.filter((r) => !r.foreign);
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const route of routes) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      const operation = doc.paths[path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.url}`).toBeDefined();
      const schema = route.schema!;
      const declared = Object.keys(schema.response as Record<string, unknown>);
      // Fastify's '4xx'/'5xx' become OpenAPI's '4XX'/'5XX'.
      expect(Object.keys(operation!.responses).sort()).toEqual(declared.map((s) => s.toUpperCase()).sort());
      if (schema.body) expect(operation!.requestBody, `${route.url} body`).toBeDefined();
      for (const part of ['params', 'querystring'] as const) {
        const properties =
          (schema[part] as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
        const where = part === 'params' ? 'path' : 'query';
        for (const name of Object.keys(properties)) {
          expect(
            operation!.parameters?.some((p) => p.in === where && p.name === name),
            `${route.url} ${name}`,
          ).toBe(true);
        }
      }
    }
    for (const route of server.app.routeCatalogue.filter((r) => r.foreign)) {
      expect(doc.paths[route.url]).toBeUndefined();
    }
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/health', '/metrics', '/api/me', '/auth/callback']),
    );
  });
});

describe('operations', () => {
  test('/health is ok with a checks object covering the identity provider', async () => {
    const response = await fetch(`${server.baseUrl}/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as HealthBody;
    expect(body.status).toBe('ok');
    expect(body.checks.identity?.status).toBe('ok');
  });

  test('/health is 503 degraded when a dependency check fails', async () => {
    const degraded = await startServer({
      healthChecks: {
        db: () => Promise.reject(new Error('connection refused')),
      },
    });
    try {
      const response = await fetch(`${degraded.baseUrl}/health`);
      expect(response.status).toBe(503);
      const body = (await response.json()) as HealthBody;
      expect(body.status).toBe('degraded');
      expect(body.checks.db?.status).toBe('fail');
      expect(body.checks.identity?.status).toBe('ok');
      expect(JSON.stringify(body)).not.toContain('connection refused');
    } finally {
      await degraded.close();
    }
  });

  test('/metrics has default process metrics and request durations by route pattern and status', async () => {
    await fetch(`${server.baseUrl}/health`);
    await fetch(`${server.baseUrl}/no/such/route`);
    await logIn(new Browser(), server.baseUrl, server.register[0]!.id);
    const response = await fetch(`${server.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/health",status_code="200"\} \d+/,
    );
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="unmatched",status_code="404"\} \d+/,
    );
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/auth\/callback",status_code="303"\}/,
    );
    // Route patterns only: no session ids, codes or account ids in labels.
    expect(text).not.toMatch(/route="[^"]*\?/);
  });
});
