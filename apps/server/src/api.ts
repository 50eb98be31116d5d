// The wire contract as types, for typed clients (apps/web, tests): each route's request parts and
// success response, derived from the same TypeBox schemas the server validates with.
import type { Static } from 'typebox';
import type { AccountClaims } from './identity/claims.ts';
import type { authSchemas } from './identity/client.ts';
import type { HealthBody } from './routes/health.ts';
import type { applicationSchemas, CodeSent, ProcessingReport } from './applications/routes.ts';
import type { devSmsSchema } from './sms/dev-routes.ts';
import type { roleSchemas } from './authz/routes.ts';
import type { listSchemas } from './lists/routes.ts';
import type { commissionSchemas } from './commission/decision-routes.ts';
import type { observerSchemas } from './commission/observer-routes.ts';

export type { ErrorBody, ErrorCode } from './errors.ts';
export type { AccountClaims } from './identity/claims.ts';
export type { HealthBody } from './routes/health.ts';
export type { ApplicationView } from './applications/routes.ts';
export type { AssignmentView } from './authz/routes.ts';
export type { ListRowView } from './lists/routes.ts';
export type { DecisionView } from './commission/decision-routes.ts';
export type { CommissionObserverView } from './commission/observer-routes.ts';
export type { Role, StoredRole } from './authz/roles.ts';

export interface Api {
  'GET /health': { response: HealthBody };
  'GET /metrics': { response: string };
  'GET /openapi.json': { response: Record<string, unknown> };
  'GET /auth/login': { query: Static<typeof authSchemas.login.querystring>; response: null };
  'GET /auth/callback': { query: Static<typeof authSchemas.callback.querystring>; response: null };
  'POST /auth/logout': { response: null };
  'GET /api/me': { response: AccountClaims };
  'POST /api/applications/code': { response: Static<typeof CodeSent> };
  'POST /api/applications': {
    body: Static<typeof applicationSchemas.file.body>;
    response: Static<(typeof applicationSchemas.file.response)[201]>;
  };
  'POST /api/applications/withdraw': { response: Static<(typeof applicationSchemas.withdraw.response)[200]> };
  'GET /api/applications/status': { response: Static<(typeof applicationSchemas.status.response)[200]> };
  'POST /api/operator/applications/process': { response: Static<typeof ProcessingReport> };
  'GET /api/roles/me': { response: Static<(typeof roleSchemas.me.response)[200]> };
  'GET /api/admin/roles': {
    query: Static<typeof roleSchemas.list.querystring>;
    response: Static<(typeof roleSchemas.list.response)[200]>;
  };
  'POST /api/admin/roles': {
    body: Static<typeof roleSchemas.assign.body>;
    response: Static<(typeof roleSchemas.assign.response)[201]>;
  };
  'DELETE /api/admin/roles/:id': {
    params: Static<typeof roleSchemas.revoke.params>;
    response: Static<(typeof roleSchemas.revoke.response)[200]>;
  };
  'GET /api/lists/:region': {
    params: Static<typeof listSchemas.page.params>;
    query: Static<typeof listSchemas.page.querystring>;
    response: Static<(typeof listSchemas.page.response)[200]>;
  };
  'GET /api/lists/:region/counts': {
    params: Static<typeof listSchemas.counts.params>;
    response: Static<(typeof listSchemas.counts.response)[200]>;
  };
  'POST /api/lists/:region/exclusions': {
    params: Static<typeof listSchemas.exclude.params>;
    body: Static<typeof listSchemas.exclude.body>;
    response: Static<(typeof listSchemas.exclude.response)[201]>;
  };
  'GET /api/lists/:region/precincts/:precinct/register': {
    params: Static<typeof listSchemas.register.params>;
    response: Static<(typeof listSchemas.register.response)[200]>;
  };
  'POST /api/commission/officers': {
    body: Static<typeof commissionSchemas.officers.body>;
    response: Static<(typeof commissionSchemas.officers.response)[201]>;
  };
  'POST /api/commission/key-parts': {
    body: Static<typeof commissionSchemas.keyParts.body>;
    response: Static<(typeof commissionSchemas.keyParts.response)[201]>;
  };
  'GET /api/commission/decisions': { response: Static<(typeof commissionSchemas.decisions.response)[200]> };
  'POST /api/observers/commission': {
    body: Static<typeof observerSchemas.enterCommission.body>;
    response: Static<(typeof observerSchemas.enterCommission.response)[201]>;
  };
  'GET /api/observers/commission': {
    response: Static<(typeof observerSchemas.listCommission.response)[200]>;
  };
  'POST /api/observers/portal': {
    body: Static<typeof observerSchemas.appointPortal.body>;
    response: Static<(typeof observerSchemas.appointPortal.response)[201]>;
  };
  'GET /api/observers/portal': { response: Static<(typeof observerSchemas.listPortal.response)[200]> };
  'GET /dev/sms': {
    query: Static<typeof devSmsSchema.querystring>;
    response: Static<(typeof devSmsSchema.response)[200]>;
  };
}

export type ApiRoute = keyof Api;
