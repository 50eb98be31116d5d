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
import { createCommissionCa, type ElectionConfig } from '@opendeg/deg';
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
import { IssuerKeys } from '../src/voting/issuer-keys.ts';
import { Browser, logIn, startServer, type Server } from './harness.ts';
import { issuerKeyPairs, keysDeps, openTestLedger, type TestLedger } from './keys-fixture.ts';

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
  // No such observers: allowed callers get 422 COMMISSION_OBSERVERS_UNKNOWN, never 401/403.
  'POST /api/commission/observers-list': {
    allow: PERMISSIONS.recordCommissionDecisions,
    body: {
      meeting: 2,
      candidateId: 'matrix-candidate',
      observerIds: [randomUUID()],
      votes: { for: 7, against: 0 },
    },
  },
  // No ballot loaded: 404 BALLOT_NOT_FOUND (or 409 BALLOT_NOT_AVAILABLE outside voting), never 401/403.
  'GET /api/ballot/:region': { allow: ['public'], path: '/api/ballot/16?lang=tt' },
  'GET /api/ballot/versions': { allow: PERMISSIONS.viewBallotAnyTime },
  'POST /api/ballot/versions': {
    allow: PERMISSIONS.loadBallot,
    body: {
      reason: 'withdrawn',
      candidateId: 'matrix-b',
      source: {
        version: 2,
        title: 'Бюллетень',
        instructions: 'Отметьте одного',
        candidates: [{ id: 'matrix-a', name: 'А', info: '' }],
      },
    },
  },
  // The bundle at the workstation (P-3.2): an empty manifest is 422 BUNDLE_MALFORMED for those allowed.
  'POST /api/bundles/verify': {
    allow: PERMISSIONS.loadParticipantLists,
    body: { files: [{ path: 'manifest.json', base64: '' }] },
  },
  'POST /api/bundles/load': {
    allow: PERMISSIONS.loadParticipantLists,
    body: { files: [{ path: 'manifest.json', base64: '' }] },
  },
  // The premises (P-3.7): published by now; entering them after voting ended is 409 VOTING_ENDED.
  'GET /api/premises/:region': { allow: ['public'], path: '/api/premises/16' },
  'GET /api/premises/:region/history': { allow: ['public'], path: '/api/premises/16/history' },
  'POST /api/premises/:region': {
    allow: PERMISSIONS.enterPremises,
    path: '/api/premises/16',
    body: {
      name: 'Зал',
      address: 'г. Казань',
      equipment: 'Терминал',
      hours: [{ day: '2026-09-18', opens: '08:00', closes: '20:00' }],
    },
  },
  'PUT /api/premises/:region/:premisesId': {
    allow: PERMISSIONS.enterPremises,
    path: `/api/premises/16/${randomUUID()}`,
    body: {
      name: 'Зал',
      address: 'г. Казань',
      equipment: 'Терминал',
      hours: [{ day: '2026-09-18', opens: '08:00', closes: '20:00' }],
    },
  },
  // After the ceremony's deadline here (the clock is today's): allowed callers get 409, never 401/403.
  'POST /api/keys/ceremonies': {
    allow: PERMISSIONS.holdKeyCeremony,
    body: {
      keyGroup: 'main',
      mode: 'dealer',
      attendance: [{ kind: 'commission-member', memberId: 'chair', arrivedAt: '2026-01-01T00:00:00Z' }],
      passphrases: [{ holder: 'chair', passphrase: 'matrix passphrase 1' }],
    },
  },
  'GET /api/keys/ceremonies': { allow: PERMISSIONS.viewKeyCeremonies },
  // The distributed ceremony: opened by the commission (409 after the deadline here); each holder's
  // steps are public routes that need the holder's token (400 without its header).
  'POST /api/keys/distributed': {
    allow: PERMISSIONS.holdKeyCeremony,
    body: {
      keyGroup: 'main',
      attendance: [{ kind: 'commission-member', memberId: 'chair', arrivedAt: '2026-01-01T00:00:00Z' }],
    },
  },
  'GET /api/keys/distributed/:id': {
    allow: ['public'],
    path: '/api/keys/distributed/00000000-0000-4000-8000-000000000000',
  },
  'GET /api/keys/distributed/:id/shares': {
    allow: ['public'],
    path: '/api/keys/distributed/00000000-0000-4000-8000-000000000000/shares',
  },
  'POST /api/keys/distributed/:id/enrol': {
    allow: ['public'],
    path: '/api/keys/distributed/00000000-0000-4000-8000-000000000000/enrol',
    body: {},
  },
  'POST /api/keys/distributed/:id/dealing': {
    allow: ['public'],
    path: '/api/keys/distributed/00000000-0000-4000-8000-000000000000/dealing',
    body: {},
  },
  'POST /api/keys/distributed/:id/combine': {
    allow: ['public'],
    path: '/api/keys/distributed/00000000-0000-4000-8000-000000000000/combine',
    body: {},
  },
  'POST /api/keys/distributed/:id/complaints': {
    allow: ['public'],
    path: '/api/keys/distributed/00000000-0000-4000-8000-000000000000/complaints',
    body: {},
  },
  // No key yet: 409 MANIFEST_KEYS_MISSING; the public manifest is 404 until fixed.
  'POST /api/election/manifest': { allow: PERMISSIONS.fixElectionManifest },
  'GET /api/election/manifest': { allow: ['public'] },
  // The election record (tar) is public; before the manifest is fixed it answers 409.
  'GET /api/election/record': { allow: ['public'] },
  // The ballot box is public (it does not know who); without a manifest it answers 409.
  'POST /api/box/ballots': { allow: ['public'], body: {} },
  'POST /api/box/challenged': { allow: ['public'], body: {} },
  'GET /api/box/receipts/:tracker': { allow: ['public'], path: `/api/box/receipts/${'0'.repeat(64)}` },
  'GET /log/*': { allow: ['public'], path: '/log/checkpoint' },
  // P-10.10: the ledger's blocks for observers; an empty ledger here: allowed callers get the list or
  // 404 BLOCK_NOT_FOUND, never 401/403.
  'GET /api/observers/blocks': { allow: PERMISSIONS.downloadLedger },
  'GET /api/observers/blocks/:n': { allow: PERMISSIONS.downloadLedger, path: '/api/observers/blocks/0' },
  'GET /api/observers/blocks/:n/proof': {
    allow: PERMISSIONS.downloadLedger,
    path: '/api/observers/blocks/0/proof',
  },
  // Nobody here is on a list: every voter gets 422 NOT_ON_LIST (the texts and the status answer 200).
  'GET /api/voting/status': { allow: ['voter'] },
  'GET /api/voting/conditions': { allow: ['voter'] },
  'POST /api/voting/conditions': { allow: ['voter'], body: { version: '0'.repeat(64) } },
  'POST /api/voting/code': { allow: ['voter'], body: {} },
  'POST /api/voting/code/confirm': { allow: ['voter'], body: { code: '000000' } },
  'POST /api/voting/credential': { allow: ['voter'], body: { blindedMessage: 'AAAA' } },
  // The public figures (P-10.2) and their stream (P-10.8): the stream's body is not read here.
  'GET /api/figures': { allow: ['public'] },
  'GET /api/figures/stream': { allow: ['public'] },
  'GET /api/figures/history': { allow: ['public'] },
  // The close of voting (P-7–P-9). No manifest nor tallies here: ordering the final lists succeeds
  // once (the clock is past election night), the rest answer 404/409/422, never 401/403.
  'POST /api/closing/certificates': {
    allow: ['operator', 'chairman'],
    body: { memberId: 'chair', certificate: 'A'.repeat(64) },
  },
  'GET /api/closing/certificates': { allow: [...COMMISSION_ROLES, 'operator'] },
  'POST /api/closing/key-groups/:keyGroup/final-lists': {
    allow: ['chairman'],
    path: '/api/closing/key-groups/main/final-lists',
  },
  'GET /api/closing/key-groups/:keyGroup/final-lists': {
    allow: PERMISSIONS.viewParticipantLists,
    path: '/api/closing/key-groups/main/final-lists',
  },
  'POST /api/closing/key-groups/:keyGroup/final-lists/signatures': {
    allow: ['chairman', 'secretary'],
    path: '/api/closing/key-groups/main/final-lists/signatures',
    body: { signature: 'A'.repeat(64) },
  },
  'POST /api/closing/key-groups/:keyGroup/final-lists/custody': {
    allow: COMMISSION_ROLES,
    path: '/api/closing/key-groups/main/final-lists/custody',
    body: { medium: 'CD-R', place: 'сейф', bundleSha256: 'a'.repeat(64), placedAt: '2026-09-20T18:00:00Z' },
  },
  'POST /api/closing/key-groups/:keyGroup/decryption': {
    allow: ['chairman'],
    path: '/api/closing/key-groups/main/decryption',
    body: { mode: 'threshold' },
  },
  'GET /api/closing/key-groups/:keyGroup/decryption': {
    allow: ['public'],
    path: '/api/closing/key-groups/main/decryption',
  },
  'GET /api/closing/key-groups/:keyGroup/decryption/tallies': {
    allow: ['public'],
    path: '/api/closing/key-groups/main/decryption/tallies',
  },
  'POST /api/closing/key-groups/:keyGroup/decryption/key-parts': {
    allow: COMMISSION_ROLES,
    path: '/api/closing/key-groups/main/decryption/key-parts',
    body: { file: 'x'.repeat(16), passphrase: 'matrix' },
  },
  'POST /api/closing/key-groups/:keyGroup/decryption/shares': {
    allow: COMMISSION_ROLES,
    path: '/api/closing/key-groups/main/decryption/shares',
    body: { index: 1, regions: {} },
  },
  'POST /api/closing/key-groups/:keyGroup/decryption/assembled': {
    allow: ['chairman'],
    path: '/api/closing/key-groups/main/decryption/assembled',
    body: { parts: [{ file: 'x'.repeat(16), passphrase: 'matrix' }] },
  },
  'POST /api/closing/protocol/invalidations': {
    allow: ['chairman'],
    body: { region: '54', decision: 'Решение № 1', reason: 'Образец' },
  },
  'POST /api/closing/protocol': { allow: ['chairman'], body: { present: ['chair'] } },
  'GET /api/closing/protocol/document': { allow: COMMISSION_ROLES },
  'POST /api/closing/protocol/signatures': { allow: COMMISSION_ROLES, body: { signature: 'A'.repeat(64) } },
  'POST /api/closing/protocol/reasons': {
    allow: ['chairman'],
    body: { memberId: 'chair', reason: 'Образец' },
  },
  'GET /api/closing/protocol': { allow: ['public'] },
  'GET /api/closing/protocol/regions/:region/pdf': {
    allow: ['public'],
    path: '/api/closing/protocol/regions/16/pdf',
  },
  'GET /api/closing/results/:region': { allow: ['regional-commission'], path: '/api/closing/results/16' },
  'POST /api/closing/results/custody': {
    allow: COMMISSION_ROLES,
    body: { medium: 'DVD-R', place: 'ЦОД', bundleSha256: 'a'.repeat(64), placedAt: '2026-09-21T00:00:00Z' },
  },
  'GET /api/closing/retention': { allow: [...COMMISSION_ROLES, 'operator', 'cec-member'] },
  'POST /api/closing/destruction-acts': {
    allow: ['chairman', 'operator'],
    body: {
      number: 'А-1',
      items: ['keys'],
      destroyedAt: '2026-09-21T00:00:00Z',
      by: ['chair'],
      method: 'перезапись',
    },
  },
  'POST /api/closing/workstation-wipes': {
    allow: ['operator'],
    body: { workstation: 'АРМ № 1', wipedAt: '2026-09-21T00:00:00Z', method: 'удаление' },
  },
};

let server: Server;
let election: LoadedElection;
let ledger: TestLedger;
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
  // An event stream never ends by itself: its status and headers are the answer.
  if (response.headers.get('content-type')?.startsWith('text/event-stream') === true) {
    await response.body?.cancel();
    return { status: response.status, body: {} as T & Partial<ErrorBody> };
  }
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
  ledger = await openTestLedger(db.newPool(), config.electionId);
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
    keys: keysDeps(ledger.ledger, await issuerKeyPairs(config)),
    ballotBox: { log: ledger.ledger },
    closing: {
      sources: {
        election: () => Promise.reject(new Error('the role matrix has no manifest')),
        regionTally: () => Promise.resolve(undefined),
        castCounts: () => Promise.resolve({}),
        ballot: () => Promise.reject(new Error('the role matrix has no ballot')),
      },
      // A real root, so the bundle routes reach the bundle (without one they answer 503).
      trustedRoots: [
        (
          await createCommissionCa({
            commonName: 'Учебный УЦ',
            organisation: 'Учебная комиссия',
            validity: {
              notBefore: new Date('2026-01-01T00:00:00Z'),
              notAfter: new Date('2030-01-01T00:00:00Z'),
            },
          })
        ).certificate.pem,
      ],
    },
    voting: () => ({
      election,
      sms: new DevOutboxSms(db.pool, clock),
      codePepper: new Uint8Array(32).fill(9),
      issuerKeys: new IssuerKeys({ secret: new Uint8Array(32).fill(3), bits: 2048, clock }),
    }),
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
  await ledger.ledger.close();
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

  test('P-10.6 P-10.7 P-4.5 commission observers view the lists, the decisions taken at the meetings they attend and the ballot before voting, and hold no other right', () => {
    expect(PERMISSIONS.viewParticipantLists).toContain('commission-observer');
    expect(PERMISSIONS.viewCommissionDecisions).toContain('commission-observer');
    expect(PERMISSIONS.viewBallotAnyTime).toContain('commission-observer');
    for (const [name, roles] of Object.entries(PERMISSIONS)) {
      // P-4.5: they may also see the ballot outside the voting period, as every observer may.
      if (
        name !== 'viewParticipantLists' &&
        name !== 'viewCommissionDecisions' &&
        name !== 'viewBallotAnyTime'
      )
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
