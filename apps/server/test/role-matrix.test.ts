// Roles and rights (issue 5) on a real server with real PostgreSQL and the real OIDC stand-in: one
// logged-in account per role plus an anonymous client call every route the app registered (read
// from its route catalogue, so a new route is covered without editing this file — and fails here
// until it has a sample request below). Allowed roles never get 401/403; everyone else gets exactly
// 401 UNAUTHENTICATED (anonymous) or 403 FORBIDDEN (logged in). Also: the role model's clauses
// (P-3.3, P-10.6, P-10.10), role administration, the operator's bearer token and the bootstrap.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useTestDatabase } from '@opendeg/db/testing';
import type { ElectionConfig } from '@opendeg/deg';
import type { AssignmentView, ErrorBody } from '../src/api.ts';
import type { LoadedElection } from '../src/applications/deps.ts';
import { standInVoterRegister } from '../src/applications/voter-register.ts';
import { bootstrapOperator } from '../src/authz/bootstrap.ts';
import {
  COMMISSION_ROLES,
  isCommissionRole,
  PERMISSIONS,
  ROLE_TITLES,
  ROLES,
  STORED_ROLES,
  type Role,
  type StoredRole,
} from '../src/authz/roles.ts';
import { readElectionConfigFile, storeElection } from '../src/elections/load-election.ts';
import { generateRegister, type RegisterAccount } from '../src/identity/register.ts';
import { DevOutboxSms } from '../src/sms/dev-outbox.ts';
import { Browser, logIn, startServer, type Server } from './harness.ts';

const db = useTestDatabase();
const OPERATOR_TOKEN = 'operator-token-for-role-matrix-0123456789';
const base = readElectionConfigFile(fileURLToPath(new URL('../dev/election.json', import.meta.url)));
// The training configuration's commission, with a deputy so that every commission role has a seat.
const config: ElectionConfig = {
  ...structuredClone(base),
  electionId: 'roles-matrix',
  commission: {
    members: [
      ...base.commission.members,
      { id: 'deputy', fullName: 'Заместитель Тренировочной Комиссии', role: 'deputy' },
    ],
  },
};
const memberOf = (role: StoredRole): string | undefined =>
  config.commission.members.find((m) => m.role === role)?.id;

const register = generateRegister({ seed: 5, count: 20, referenceDate: new Date('2026-09-20T00:00:00Z') });
const accounts = [...register];
function account(): RegisterAccount {
  const a = accounts.shift();
  if (a === undefined) throw new Error('register too small');
  return a;
}

/** Everyone who calls: an anonymous client, a plain voter, and one account per stored role. */
type Principal = 'anonymous' | Exclude<Role, 'public'>;
const PRINCIPALS: readonly Principal[] = ['anonymous', 'voter', ...STORED_ROLES];
const holders = new Map<Principal, RegisterAccount>(
  PRINCIPALS.filter((p) => p !== 'anonymous').map((p) => [p, account()]),
);
const holder = (p: Principal): RegisterAccount => {
  const a = holders.get(p);
  if (a === undefined) throw new Error(`no account for ${p}`);
  return a;
};

/** One request that passes each route's validation, and who the route must let in. */
interface Sample {
  /** Compared with the route's `config.allow`: a change of access is a change of this table. */
  allow: readonly Role[];
  /** The URL to call, with parameters and query filled in; default the route's own. */
  path?: string;
  body?: unknown;
  form?: Record<string, string>;
  /** Ends the caller's session: called after every other route. */
  endsSession?: true;
}

const SAMPLES: Record<string, Sample> = {
  'GET /health': { allow: ['public'] },
  'GET /metrics': { allow: ['public'] },
  'GET /openapi.json': { allow: ['public'] },
  'GET /auth/login': { allow: ['public'], path: '/auth/login?returnTo=/' },
  'GET /auth/callback': { allow: ['public'] },
  'POST /auth/logout': { allow: ['public'], endsSession: true },
  'GET /esia/interaction/:uid': { allow: ['public'], path: '/esia/interaction/unknown' },
  'POST /esia/interaction/:uid/login': {
    allow: ['public'],
    path: '/esia/interaction/unknown/login',
    form: { account: 'nobody' },
  },
  // The identity stand-in's own provider (every method): public, as a real ESIA is.
  '* /esia/*': { allow: ['public'], path: '/esia/.well-known/openid-configuration' },
  'GET /dev/sms': { allow: ['public'], path: '/dev/sms?phone=%2B79990000000' },
  'GET /api/me': { allow: ['voter'] },
  'POST /api/applications/code': { allow: ['voter'], body: {} },
  'POST /api/applications': { allow: ['voter'], body: { code: '000000' } },
  'POST /api/applications/withdraw': { allow: ['voter'], body: {} },
  'GET /api/applications/status': { allow: ['voter'] },
  'POST /api/operator/applications/process': { allow: ['operator'] },
  'GET /api/roles/me': { allow: ['voter'] },
  'GET /api/admin/roles': {
    allow: PERMISSIONS.viewRoleAssignments,
    path: '/api/admin/roles?includeRevoked=true',
  },
  'POST /api/admin/roles': {
    allow: PERMISSIONS.assignRoles,
    body: { subject: 'matrix-sample-account', role: 'portal-observer' },
  },
  'DELETE /api/admin/roles/:id': { allow: PERMISSIONS.assignRoles, path: `/api/admin/roles/${randomUUID()}` },
  // No list is loaded here: allowed callers get 404 LIST_NOT_FOUND (or 409 VOTING_ENDED), never 401/403.
  'GET /api/lists/:region': { allow: PERMISSIONS.viewParticipantLists, path: '/api/lists/16?q=Ив&limit=10' },
  'GET /api/lists/:region/counts': { allow: PERMISSIONS.viewParticipantLists, path: '/api/lists/16/counts' },
  'POST /api/lists/:region/exclusions': {
    allow: PERMISSIONS.excludeParticipants,
    path: '/api/lists/16/exclusions',
    body: { participantId: 'matrix-sample', reason: 'VOTED_EARLY', document: 'Решение № 1' },
  },
  'GET /api/lists/:region/precincts/:precinct/register': {
    allow: PERMISSIONS.viewPrecinctRegisters,
    path: '/api/lists/16/precincts/1/register',
  },
  // Refused by the Procedure's rules here (meeting 2, K > N): allowed callers get 409/422, never 401/403.
  'POST /api/commission/officers': {
    allow: PERMISSIONS.recordCommissionDecisions,
    body: {
      meeting: 2,
      deputy: { memberId: 'member-1', votes: { for: 7, against: 0 } },
      secretary: { memberId: 'secretary', votes: { for: 7, against: 0 } },
    },
  },
  'POST /api/commission/key-parts': {
    allow: PERMISSIONS.recordCommissionDecisions,
    body: { meeting: 1, n: 2, k: 3, holders: ['a', 'b'], votes: { for: 7, against: 0 } },
  },
  'GET /api/commission/decisions': { allow: PERMISSIONS.viewCommissionDecisions },
  'POST /api/observers/commission': {
    allow: PERMISSIONS.enterCommissionObservers,
    body: {
      candidateId: 'matrix-candidate',
      fullName: 'Наблюдатель Образцовый',
      birthDate: '1980-01-01',
      address: 'г. Москва',
      passport: { series: '45 01', number: '000001' },
    },
  },
  'GET /api/observers/commission': { allow: PERMISSIONS.viewCommissionObservers },
  'POST /api/observers/portal': {
    allow: PERMISSIONS.appointPortalObservers,
    body: { appointer: { kind: 'party', id: 'matrix-party' }, subject: 'matrix-unknown-account' },
  },
  'GET /api/observers/portal': { allow: PERMISSIONS.viewPortalObservers },
};

let server: Server;
let election: LoadedElection;
const browsers = new Map<Principal, Browser>();

interface Result<T> {
  status: number;
  body: T & Partial<ErrorBody>;
}

async function call<T = ErrorBody>(
  browser: Browser,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Result<T>> {
  const response = await browser.request(`${server.baseUrl}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let parsed: unknown = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    // HTML pages, redirects and Prometheus text are not JSON: their status is what counts.
  }
  return { status: response.status, body: parsed as T & Partial<ErrorBody> };
}

async function loggedIn(a: RegisterAccount): Promise<Browser> {
  const b = new Browser();
  await logIn(b, server.baseUrl, a.id);
  return b;
}

function browserOf(p: Principal): Browser {
  const b = browsers.get(p);
  if (b === undefined) throw new Error(`no browser for ${p}`);
  return b;
}

/** A copy of a principal's cookie jar, so that a call setting cookies leaves the session alone. */
function copyOf(b: Browser): Browser {
  const copy = new Browser();
  for (const [name, cookie] of b.cookies) copy.cookies.set(name, { ...cookie });
  return copy;
}

const assign = (body: { subject: string; role: string; memberId?: string; region?: string }) =>
  call<{ assignment: AssignmentView }>(browserOf('operator'), 'POST', '/api/admin/roles', body);

beforeAll(async () => {
  const clock = { now: () => new Date() };
  election = await storeElection(db.pool, config, clock.now());
  server = await startServer({
    clock,
    register,
    db: { pool: db.pool },
    applications: (accounts) => ({
      election,
      voterRegister: standInVoterRegister(accounts, config),
      sms: new DevOutboxSms(db.pool, clock),
      codePepper: new Uint8Array(32).fill(9),
      operatorToken: OPERATOR_TOKEN,
    }),
    // The first operator comes from the bootstrap; it assigns every other role by the admin route.
    roles: { election, bootstrapOperatorSub: holder('operator').id },
  });
  browsers.set('anonymous', new Browser());
  for (const p of PRINCIPALS) if (p !== 'anonymous') browsers.set(p, await loggedIn(holder(p)));
  for (const role of STORED_ROLES) {
    if (role === 'operator') continue;
    const memberId = memberOf(role);
    const scoped = role === 'regional-commission' ? { region: '16' } : {};
    const r = await assign({
      subject: holder(role).id,
      role,
      ...(isCommissionRole(role) && memberId !== undefined ? { memberId } : {}),
      ...scoped,
    });
    expect(r.status, `${role}: ${JSON.stringify(r.body)}`).toBe(201);
  }
}, 60_000);
afterAll(async () => {
  await server.close();
});

describe('role × route matrix', () => {
  test('every registered route declares who may call it, and each role gets exactly that', async () => {
    const routes = new Map<string, readonly Role[]>();
    for (const r of server.app.routeCatalogue) {
      routes.set(r.foreign ? `* ${r.url}` : `${r.method} ${r.url}`, r.allow);
    }
    // Every route has a sample (a new route fails here until its author adds one), and every
    // sample still names a route.
    expect(
      [...routes.keys()].filter((k) => !(k in SAMPLES)),
      'routes without a sample',
    ).toEqual([]);
    expect(
      Object.keys(SAMPLES).filter((k) => !routes.has(k)),
      'samples without a route',
    ).toEqual([]);
    for (const [key, allow] of routes) {
      expect([...allow].sort(), `${key} allow`).toEqual([...(SAMPLES[key]?.allow ?? [])].sort());
    }

    const order = [...routes.keys()].sort(
      (a, b) => Number(SAMPLES[a]?.endsSession ?? false) - Number(SAMPLES[b]?.endsSession ?? false),
    );
    const failures: string[] = [];
    let calls = 0;
    for (const principal of PRINCIPALS) {
      for (const key of order) {
        const sample = SAMPLES[key];
        const allow = routes.get(key);
        if (sample === undefined || allow === undefined) continue;
        const [method = 'GET', url = '/'] = key.split(' ');
        const b = copyOf(browserOf(principal));
        const path = sample.path ?? url;
        const r = sample.form
          ? await (async () => {
              const response = await b.request(`${server.baseUrl}${path}`, {
                method,
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                body: new URLSearchParams(sample.form).toString(),
              });
              await response.arrayBuffer();
              return { status: response.status, body: {} as Partial<ErrorBody> };
            })()
          : await call(b, method === '*' ? 'GET' : method, path, sample.body);
        calls++;
        const allowed =
          allow.includes('public') ||
          (principal !== 'anonymous' && (allow.includes('voter') || allow.includes(principal)));
        const got = `${r.status} ${r.body.code ?? ''}`.trim();
        if (allowed) {
          if (r.status === 401 || r.status === 403 || r.status >= 500)
            failures.push(`${principal} ${key}: allowed, got ${got}`);
        } else {
          const expected = principal === 'anonymous' ? '401 UNAUTHENTICATED' : '403 FORBIDDEN';
          if (got !== expected) failures.push(`${principal} ${key}: expected ${expected}, got ${got}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(calls).toBe(PRINCIPALS.length * routes.size);
    // POST /auth/logout ended every session: log in again for the tests that follow.
    for (const p of PRINCIPALS) if (p !== 'anonymous') browsers.set(p, await loggedIn(holder(p)));
  });

  test('a forbidden answer names nothing secret: no role, route or account', async () => {
    const r = await call(browserOf('voter'), 'GET', '/api/admin/roles');
    expect(r.status).toBe(403);
    expect(r.body).toEqual({
      code: 'FORBIDDEN',
      message: 'Недостаточно прав для этого действия / Not permitted',
      eventId: r.body.eventId,
    });
  });
});

describe('the role model', () => {
  test('P-3.3 commission members, CEC members and commission observers may view the participant lists, nobody else', () => {
    expect(new Set(PERMISSIONS.viewParticipantLists)).toEqual(
      new Set(['chairman', 'deputy', 'secretary', 'member', 'cec-member', 'commission-observer']),
    );
  });

  test('P-10.6 P-10.7 commission observers view the lists and the decisions taken at the meetings they attend, and hold no other right', () => {
    expect(PERMISSIONS.viewParticipantLists).toContain('commission-observer');
    expect(PERMISSIONS.viewCommissionDecisions).toContain('commission-observer');
    for (const [name, roles] of Object.entries(PERMISSIONS)) {
      if (name !== 'viewParticipantLists' && name !== 'viewCommissionDecisions')
        expect(roles, name).not.toContain('commission-observer');
    }
  });

  test('P-10.5 the Appendix 7 lists (personal data) are entered by the secretary and seen by the commission only', () => {
    expect([...PERMISSIONS.enterCommissionObservers]).toEqual(['secretary']);
    expect([...PERMISSIONS.viewCommissionObservers].sort()).toEqual([...COMMISSION_ROLES].sort());
  });

  test('P-3.4 P-3.6 the chairman and the secretary exclude from the lists; the commission sees the precinct registers', () => {
    expect([...PERMISSIONS.excludeParticipants].sort()).toEqual(['chairman', 'secretary']);
    expect([...PERMISSIONS.viewPrecinctRegisters].sort()).toEqual([...COMMISSION_ROLES].sort());
  });

  test('P-10.10 portal observers and regional commissions download the ledger', () => {
    expect([...PERMISSIONS.downloadLedger].sort()).toEqual(['portal-observer', 'regional-commission']);
  });

  test('P-1.4 the commission roles are the configuration member roles; every role has both titles', async () => {
    expect(COMMISSION_ROLES).toEqual(['chairman', 'deputy', 'secretary', 'member']);
    for (const role of ROLES) {
      expect(ROLE_TITLES[role].ru, role).toMatch(/[а-яё]/i);
      expect(ROLE_TITLES[role].en, role).toMatch(/^[A-Z][A-Za-z ]+$/);
    }
    // The database's list of stored roles is this one; 'public' and 'voter' are never stored.
    const r = await db.pool.query<{ def: string }>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'role_assignments_role_valid'`,
    );
    const listed = [...(r.rows[0]?.def ?? '').matchAll(/'([a-z-]+)'/g)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...STORED_ROLES].sort());
  });
});

describe('role administration', () => {
  test('GET /api/roles/me: a voter holds public and voter; a chairman also the seat of the configured chairman', async () => {
    const voter = await call<{ roles: Role[]; assignments: unknown[] }>(
      browserOf('voter'),
      'GET',
      '/api/roles/me',
    );
    expect(voter.status).toBe(200);
    expect(voter.body.roles.sort()).toEqual(['public', 'voter']);
    expect(voter.body.assignments).toEqual([]);
    const chair = await call<{ roles: Role[]; assignments: { role: string; memberId?: string }[] }>(
      browserOf('chairman'),
      'GET',
      '/api/roles/me',
    );
    expect(chair.body.roles.sort()).toEqual(['chairman', 'public', 'voter']);
    expect(chair.body.assignments).toMatchObject([{ role: 'chairman', memberId: 'chair' }]);
  });

  test('P-1.4 a commission role needs a configured member whose role matches; a regional commission needs a region of the election', async () => {
    const subject = account().id;
    const refusals = [
      { subject, role: 'member' },
      { subject, role: 'member', memberId: 'no-such-member' },
      { subject, role: 'chairman', memberId: 'member-1' },
      { subject, role: 'operator', memberId: 'member-1' },
      { subject, role: 'regional-commission' },
      { subject, role: 'regional-commission', region: '99' },
      { subject, role: 'cec-member', region: '16' },
    ];
    for (const body of refusals) {
      const r = await assign(body);
      expect([r.status, r.body.code], JSON.stringify(body)).toEqual([422, 'ROLE_ASSIGNMENT_INVALID']);
    }
    const seat = await assign({ subject, role: 'member', memberId: 'member-1' });
    expect([seat.status, seat.body.code]).toEqual([409, 'COMMISSION_SEAT_TAKEN']);
    const again = await assign({ subject: holder('cec-member').id, role: 'cec-member' });
    expect([again.status, again.body.code]).toEqual([409, 'ROLE_ALREADY_ASSIGNED']);
    const regional = await assign({ subject, role: 'regional-commission', region: '54' });
    expect(regional.status).toBe(201);
    expect(regional.body.assignment).toMatchObject({
      role: 'regional-commission',
      region: '54',
      source: 'operator',
    });
  });

  test('an assignment takes effect on the next request, and so does its revocation', async () => {
    const newcomer = account();
    const b = await loggedIn(newcomer);
    expect((await call(b, 'GET', '/api/admin/roles')).status).toBe(403);
    const made = await assign({ subject: newcomer.id, role: 'operator' });
    expect(made.status).toBe(201);
    expect((await call(b, 'GET', '/api/admin/roles')).status).toBe(200);
    const id = made.body.assignment.id;
    const revoked = await call<{ assignment: AssignmentView }>(
      browserOf('operator'),
      'DELETE',
      `/api/admin/roles/${id}`,
    );
    expect(revoked.status).toBe(200);
    expect(revoked.body.assignment.revokedAt).toBeDefined();
    expect((await call(b, 'GET', '/api/admin/roles')).status).toBe(403);
    const twice = await call(browserOf('operator'), 'DELETE', `/api/admin/roles/${id}`);
    expect([twice.status, twice.body.code]).toEqual([404, 'ROLE_ASSIGNMENT_NOT_FOUND']);
    // The chairman sees the history, revoked assignments included when asked.
    const all = await call<{ assignments: AssignmentView[] }>(
      browserOf('chairman'),
      'GET',
      '/api/admin/roles?includeRevoked=true',
    );
    expect(all.body.assignments.find((a) => a.id === id)?.revokedAt).toBeDefined();
    const active = await call<{ assignments: AssignmentView[] }>(
      browserOf('chairman'),
      'GET',
      '/api/admin/roles',
    );
    expect(active.body.assignments.some((a) => a.id === id)).toBe(false);
  });

  test('role changes are audited by id and role, with no account id or other personal data', async () => {
    const r = await db.pool.query<{
      action: string;
      actor_role: string;
      disposition: string;
      details: unknown;
    }>(
      "SELECT action, actor_role, disposition, details FROM audit_events WHERE action LIKE 'role.%' ORDER BY id",
    );
    const actions = new Set(r.rows.map((row) => `${row.action} ${row.actor_role} ${row.disposition}`));
    expect(actions).toEqual(
      new Set([
        'role.bootstrap system success',
        'role.assign operator success',
        'role.assign operator failure',
        'role.revoke operator success',
        'role.revoke operator failure',
      ]),
    );
    const text = JSON.stringify(r.rows);
    for (const a of register) {
      expect(text).not.toContain(a.id);
      expect(text).not.toContain(a.phone);
    }
    expect(text).not.toContain('matrix-sample-account');
  });

  test('BOOTSTRAP_OPERATOR_SUB: the first operator is assigned once, at start, by the system', async () => {
    const rows = await db.pool.query<{ source: string; assigned_by: string | null }>(
      "SELECT source, assigned_by FROM role_assignments WHERE subject = $1 AND role = 'operator'",
      [holder('operator').id],
    );
    expect(rows.rows).toEqual([{ source: 'bootstrap', assigned_by: null }]);
    expect(await bootstrapOperator(db.pool, election.id, holder('operator').id, new Date())).toBe(false);
  });
});

describe("the operator's bearer token", () => {
  const PROCESS = '/api/operator/applications/process';

  test('the processing job runs with the token and no session; a wrong token is OPERATOR_UNAUTHORIZED', async () => {
    const job = await call(new Browser(), 'POST', PROCESS, undefined, {
      authorization: `Bearer ${OPERATOR_TOKEN}`,
    });
    expect(job.status).toBe(200);
    const wrong = await call(browserOf('operator'), 'POST', PROCESS, undefined, {
      authorization: 'Bearer wrong',
    });
    expect([wrong.status, wrong.body.code]).toEqual([401, 'OPERATOR_UNAUTHORIZED']);
  });

  test('the token opens only the routes that accept it, not the rest of the operator role', async () => {
    const r = await call(new Browser(), 'GET', '/api/admin/roles', undefined, {
      authorization: `Bearer ${OPERATOR_TOKEN}`,
    });
    expect([r.status, r.body.code]).toEqual([401, 'UNAUTHENTICATED']);
  });
});
