// Access control of every route: a route declares who may call it in its options,
//   app.get('/x', { schema, config: { allow: ['chairman', 'secretary'] } }, handler)
// (or `allow: 'public'`, `allow: 'voter'`), and one onRequest hook enforces it before the body is
// read: 401 UNAUTHENTICATED when a role is needed and nobody is logged in, 403 FORBIDDEN when the
// account holds none of the roles. buildApp refuses to start with a route that declares nothing,
// so no route is open by omission.
//
// A request's roles: 'public' always; 'voter' for any logged-in account; the account's active
// assignments in the election the server runs (role_assignments). A route may also accept the
// operator's bearer token (`config.operatorToken: true`) for jobs that run without a browser
// session; a request bearing it holds 'operator' on that route only.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest, RouteOptions } from 'fastify';
import type pg from 'pg';
import { ApiError } from '../errors.ts';
import type { AccountClaims } from '../identity/claims.ts';
import type { SessionReader } from '../identity/client.ts';
import { ROLES, type Role } from './roles.ts';
import { activeAssignments, type RoleAssignment } from './store.ts';

/** Who may call a route: one role or several; 'public' lets anyone in, 'voter' any logged-in account. */
export type Allow = Role | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every route (checked at startup). */
    allow?: Allow;
    /** The operator's bearer token also grants 'operator' on this route. */
    operatorToken?: boolean;
  }
}

export function allowedRoles(allow: Allow): readonly Role[] {
  return typeof allow === 'string' ? [allow] : allow;
}

/** The startup guard: every route declares `allow`, with known roles only. */
export function checkAllow(route: RouteOptions): void {
  const where = `${String(route.method)} ${route.url}`;
  const allow = route.config?.allow;
  if (allow === undefined) throw new Error(`route ${where} has no allow declaration (config.allow)`);
  const roles = allowedRoles(allow);
  if (roles.length === 0) throw new Error(`route ${where} allows nobody`);
  for (const role of roles) {
    if (!(ROLES as readonly string[]).includes(role))
      throw new Error(`route ${where} allows unknown role ${role}`);
  }
}

/** What a request may do: its account (if logged in), its roles and the assignments behind them. */
export interface Access {
  account: AccountClaims | undefined;
  roles: ReadonlySet<Role>;
  assignments: readonly RoleAssignment[];
  via: 'session' | 'operator-token' | 'none';
}

export interface AccessControlOptions {
  sessions: SessionReader;
  /** Where assignments are read; without it nobody holds a stored role. */
  assignments?: { pool: pg.Pool; electionId: string };
  operatorToken?: string;
}

export interface AccessControl {
  /** The request's access, read once per request. */
  access(request: FastifyRequest): Promise<Access>;
  /** The onRequest hook enforcing `config.allow`. */
  authorize(request: FastifyRequest): Promise<void>;
}

export function unauthenticated(): ApiError {
  return new ApiError('UNAUTHENTICATED', 401, 'Требуется вход / Login required');
}

export function forbidden(): ApiError {
  return new ApiError('FORBIDDEN', 403, 'Недостаточно прав для этого действия / Not permitted');
}

function sameSecret(given: string, expected: string): boolean {
  // Hashing first gives equal lengths, so the comparison's time says nothing about the token.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  return header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
}

export function createAccessControl(options: AccessControlOptions): AccessControl {
  const { sessions } = options;
  const cache = new WeakMap<FastifyRequest, Promise<Access>>();

  async function load(request: FastifyRequest): Promise<Access> {
    if (request.routeOptions.config.operatorToken === true) {
      const given = bearer(request);
      if (given !== undefined) {
        if (options.operatorToken === undefined || !sameSecret(given, options.operatorToken)) {
          request.log.warn({ event: 'operator.unauthorized' }, 'operator token refused');
          throw new ApiError('OPERATOR_UNAUTHORIZED', 401, 'Нужен токен оператора / Operator token required');
        }
        return {
          account: undefined,
          roles: new Set(['public', 'operator']),
          assignments: [],
          via: 'operator-token',
        };
      }
    }
    const session = await sessions.current(request);
    const account = session?.account;
    if (account === undefined) return { account, roles: new Set(['public']), assignments: [], via: 'none' };
    const assignments = options.assignments
      ? await activeAssignments(options.assignments.pool, options.assignments.electionId, account.subject)
      : [];
    const roles = new Set<Role>(['public', 'voter', ...assignments.map((a) => a.role)]);
    return { account, roles, assignments, via: 'session' };
  }

  function access(request: FastifyRequest): Promise<Access> {
    let found = cache.get(request);
    if (found === undefined) {
      found = load(request);
      cache.set(request, found);
    }
    return found;
  }

  async function authorize(request: FastifyRequest): Promise<void> {
    // The not-found handler has no route and so nothing to declare.
    if (request.is404) return;
    const allow = request.routeOptions.config.allow;
    if (allow === undefined)
      throw new Error(`route ${request.routeOptions.url ?? '?'} has no allow declaration`);
    const allowed = allowedRoles(allow);
    if (allowed.includes('public')) return;
    const granted = await access(request);
    if (granted.via === 'none') throw unauthenticated();
    if (!allowed.some((role) => granted.roles.has(role))) {
      request.log.info({ event: 'authz.forbidden', allow: allowed }, 'request refused: no permitted role');
      throw forbidden();
    }
  }

  return { access, authorize };
}
