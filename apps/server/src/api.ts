// The wire contract as types, for typed clients (apps/web, tests): each route's request parts and
// success response, derived from the same TypeBox schemas the server validates with.
import type { Static } from 'typebox';
import type { AccountClaims } from './identity/claims.ts';
import type { authSchemas } from './identity/client.ts';
import type { HealthBody } from './routes/health.ts';

export type { ErrorBody, ErrorCode } from './errors.ts';
export type { AccountClaims } from './identity/claims.ts';
export type { HealthBody } from './routes/health.ts';

export interface Api {
  'GET /health': { response: HealthBody };
  'GET /metrics': { response: string };
  'GET /openapi.json': { response: Record<string, unknown> };
  'GET /auth/login': { query: Static<typeof authSchemas.login.querystring>; response: null };
  'GET /auth/callback': { query: Static<typeof authSchemas.callback.querystring>; response: null };
  'POST /auth/logout': { response: null };
  'GET /api/me': { response: AccountClaims };
}

export type ApiRoute = keyof Api;
