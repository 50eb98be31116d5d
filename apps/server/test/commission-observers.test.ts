// P-1.4, P-5.4, P-5.6 (the commission's decisions) and P-10.4, P-10.5, P-10.9 (observers) through
// the HTTP API: a real server on port 0, real PostgreSQL, the real OIDC stand-in login, roles assigned
// by the bootstrapped operator as in lists.test.ts, and time from a ManualClock in the training
// configuration (dev/election.json: portal appointments 7–14 September, the Appendix 7 lists until
// the end of 14 September, the key ceremony at 18:00 on 17 September, Moscow time). Also: no
// observer's personal data reach the server log or audit_events.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useTestDatabase } from '@opendeg/db/testing';
import { ManualClock } from '@opendeg/deg';
import type { Api } from '../src/api.ts';
import type { LoadedElection } from '../src/applications/deps.ts';
import { readElectionConfigFile, storeElection } from '../src/elections/load-election.ts';
import { generateRegister, type RegisterAccount } from '../src/identity/register.ts';
import { refusal, Sessions, startServer, type Server } from './harness.ts';

const db = useTestDatabase();
const config = readElectionConfigFile(fileURLToPath(new URL('../dev/election.json', import.meta.url)));
// 12:00 Moscow time on 10 September 2026: inside the portal window, before every deadline here.
const START = '2026-09-10T09:00:00Z';
const clock = new ManualClock(START);

const register = generateRegister({ seed: 41, count: 40, referenceDate: new Date('2026-09-20T00:00:00Z') });
const [operator, chairman, secretary, member, observer, cec] = register as [
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
];
const rest = register.slice(6);
const confirmedAccounts = rest.filter((a) => a.accountConfirmed);
const unconfirmed = rest.find((a) => !a.accountConfirmed);

let server: Server;
let election: LoadedElection;
const sessions = new Sessions(() => server.baseUrl, [operator, chairman, secretary, member, observer, cec]);
const { call, logInAll } = sessions;
const at = (time: string, fn: () => Promise<void>): Promise<void> => sessions.at(clock, time, START, fn);

type Officers = Api['POST /api/commission/officers'];
type KeyParts = Api['POST /api/commission/key-parts'];
type Decisions = Api['GET /api/commission/decisions']['response'];
type EnterObserver = Api['POST /api/observers/commission'];
type CommissionObservers = Api['GET /api/observers/commission']['response'];
type AppointPortal = Api['POST /api/observers/portal'];
type PortalObservers = Api['GET /api/observers/portal']['response'];

const ballot = (votesFor: number, against = 0) => ({ for: votesFor, against });
const officers = (body: Officers['body']) =>
  call<Officers['response']>(chairman, 'POST', '/api/commission/officers', body);
const keyParts = (body: KeyParts['body']) =>
  call<KeyParts['response']>(chairman, 'POST', '/api/commission/key-parts', body);

let passportSeq = 0;
function appendix7(candidateId: string, name: string): EnterObserver['body'] {
  passportSeq++;
  return {
    candidateId,
    fullName: `${name} Наблюдатель Кандидатович`,
    birthDate: `1971-03-${String(10 + passportSeq).padStart(2, '0')}`,
    address: `г. Казань, ул. Наблюдательная, д. ${700 + passportSeq}`,
    passport: { series: '92 77', number: String(880000 + passportSeq) },
  };
}
const entered: EnterObserver['body'][] = [];
async function enter(body: EnterObserver['body'], who = secretary) {
  entered.push(body);
  return call<EnterObserver['response']>(who, 'POST', '/api/observers/commission', body);
}
const appoint = (
  subject: string,
  appointer: AppointPortal['body']['appointer'] = { kind: 'party', id: 'p-1' },
) => call<AppointPortal['response']>(operator, 'POST', '/api/observers/portal', { appointer, subject });

beforeAll(async () => {
  expect(confirmedAccounts.length).toBeGreaterThanOrEqual(5);
  expect(unconfirmed).toBeDefined();
  election = await storeElection(db.pool, config, clock.now());
  server = await startServer({
    clock,
    register,
    db: { pool: db.pool },
    roles: { election, bootstrapOperatorSub: operator.id },
  });
  await logInAll();
  const roles: [RegisterAccount, Record<string, string>][] = [
    [chairman, { role: 'chairman', memberId: 'chair' }],
    [secretary, { role: 'secretary', memberId: 'secretary' }],
    [member, { role: 'member', memberId: 'member-1' }],
    [observer, { role: 'commission-observer' }],
    [cec, { role: 'cec-member' }],
  ];
  for (const [a, role] of roles) {
    const r = await call(operator, 'POST', '/api/admin/roles', { subject: a.id, ...role });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
}, 60_000);
afterAll(async () => {
  await server.close();
});

describe('P-1.4 the deputy chairman and the secretary', () => {
  test('refused at a later meeting, without a majority of 7, with the chairman as deputy, or the same member twice', async () => {
    const good = {
      meeting: 1,
      deputy: { memberId: 'member-1', votes: ballot(9, 2) },
      secretary: { memberId: 'secretary', votes: ballot(10, 1) },
    };
    expect(refusal(await officers({ ...good, meeting: 2 }))).toBe('409 COMMISSION_NOT_FIRST_MEETING');
    expect(refusal(await officers({ ...good, deputy: { memberId: 'member-1', votes: ballot(6, 5) } }))).toBe(
      '422 COMMISSION_NO_MAJORITY',
    );
    expect(refusal(await officers({ ...good, deputy: { memberId: 'chair', votes: ballot(9) } }))).toBe(
      '422 COMMISSION_CHAIRMAN_NOT_ELIGIBLE',
    );
    expect(refusal(await officers({ ...good, deputy: { memberId: 'secretary', votes: ballot(9) } }))).toBe(
      '422 COMMISSION_SAME_PERSON',
    );
    expect(refusal(await officers({ ...good, deputy: { memberId: 'nobody', votes: ballot(9) } }))).toBe(
      '422 COMMISSION_NOT_A_MEMBER',
    );
    expect(refusal(await officers({ ...good, deputy: { memberId: 'member-1', votes: ballot(9, 4) } }))).toBe(
      '422 COMMISSION_BAD_VOTE_COUNT',
    );
    const decisions = await call<Decisions>(chairman, 'GET', '/api/commission/decisions');
    expect(decisions.body.decisions).toEqual([]);
  });

  test('P-1.4 elected at the first meeting: recorded with each ballot, once; only the chairman records; the elected member’s seat becomes the office', async () => {
    const body = {
      meeting: 1,
      deputy: { memberId: 'member-1', votes: ballot(9, 2) },
      secretary: { memberId: 'secretary', votes: ballot(10, 1) },
    };
    expect(refusal(await call(secretary, 'POST', '/api/commission/officers', body))).toBe('403 FORBIDDEN');
    const r = await officers(body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.decisions.map((d) => [d.kind, d.meeting, d.payload, d.votes])).toEqual([
      ['officers', 1, { office: 'deputy', memberId: 'member-1' }, ballot(9, 2)],
      ['officers', 1, { office: 'secretary', memberId: 'secretary' }, ballot(10, 1)],
    ]);
    expect(refusal(await officers(body))).toBe('409 COMMISSION_DECISION_EXISTS');
    for (const who of [member, cec, observer]) {
      const seen = await call<Decisions>(who, 'GET', '/api/commission/decisions');
      expect(seen.status).toBe(200);
      expect(seen.body.decisions.map((d) => d.id)).toEqual(r.body.decisions.map((d) => d.id));
    }
    // The member elected deputy holds the deputy's role from the next request, by the decision; the
    // secretary, configured and elected so, keeps the assignment the operator made.
    expect(r.body.roles).toEqual([expect.objectContaining({ memberId: 'member-1', role: 'deputy' })]);
    const roles = await call<{ roles: string[]; assignments: { role: string; memberId?: string }[] }>(
      member,
      'GET',
      '/api/roles/me',
    );
    expect(roles.body.roles.sort()).toEqual(['deputy', 'public', 'voter']);
    expect(roles.body.assignments).toEqual([
      expect.objectContaining({ role: 'deputy', memberId: 'member-1' }),
    ]);
    const kept = await call<{ roles: string[] }>(secretary, 'GET', '/api/roles/me');
    expect(kept.body.roles.sort()).toEqual(['public', 'secretary', 'voter']);
    const seats = await db.pool.query<{ role: string; source: string; decision: boolean; revoked: boolean }>(
      `SELECT role, source, decision_id IS NOT NULL AS decision, revoked_at IS NOT NULL AS revoked
       FROM role_assignments WHERE member_id = 'member-1' ORDER BY assigned_at, revoked_at NULLS LAST`,
    );
    expect(seats.rows).toEqual([
      { role: 'member', source: 'operator', decision: false, revoked: true },
      { role: 'deputy', source: 'decision', decision: true, revoked: false },
    ]);
    const audit = await db.pool.query<{ disposition: string; details: { failure?: string } }>(
      "SELECT disposition, details FROM audit_events WHERE action = 'commission.officers' ORDER BY at, event_id",
    );
    expect(audit.rows.filter((a) => a.disposition === 'success')).toHaveLength(1);
    expect(
      audit.rows
        .filter((a) => a.disposition === 'failure')
        .map((a) => a.details.failure)
        .sort(),
    ).toEqual([
      'COMMISSION_BAD_VOTE_COUNT',
      'COMMISSION_CHAIRMAN_NOT_ELIGIBLE',
      'COMMISSION_DECISION_EXISTS',
      'COMMISSION_NOT_A_MEMBER',
      'COMMISSION_NOT_FIRST_MEETING',
      'COMMISSION_NO_MAJORITY',
      'COMMISSION_SAME_PERSON',
    ]);
  });
});

describe('P-1.4 the seats after the decision', () => {
  test('P-1.4 a seat the operator assigns after the decision takes the office the meeting elected, in one call; the configured role is refused', async () => {
    const mine = await call<{ assignments: { id: string; role: string }[] }>(member, 'GET', '/api/roles/me');
    const seat = mine.body.assignments[0];
    expect(seat?.role).toBe('deputy');
    const revoked = await call(operator, 'DELETE', `/api/admin/roles/${seat?.id ?? ''}`);
    expect(revoked.status).toBe(200);
    const asMember = await call(operator, 'POST', '/api/admin/roles', {
      subject: member.id,
      role: 'member',
      memberId: 'member-1',
    });
    expect(refusal(asMember)).toBe('422 ROLE_ASSIGNMENT_INVALID');
    const asDeputy = await call(operator, 'POST', '/api/admin/roles', {
      subject: member.id,
      role: 'deputy',
      memberId: 'member-1',
    });
    expect(asDeputy.status, JSON.stringify(asDeputy.body)).toBe(201);
    const roles = await call<{ roles: string[] }>(member, 'GET', '/api/roles/me');
    expect(roles.body.roles.sort()).toEqual(['deputy', 'public', 'voter']);
  });

  test('P-1.4 the change of a seat is audited by ids and role names, with no account', async () => {
    const audit = await db.pool.query<{ actor_role: string; details: Record<string, unknown> }>(
      "SELECT actor_role, details FROM audit_events WHERE action = 'role.assign_by_decision'",
    );
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]).toMatchObject({
      actor_role: 'chairman',
      details: { memberId: 'member-1', role: 'deputy', from: 'member' },
    });
    expect(JSON.stringify(audit.rows)).not.toContain(member.id);
  });
});

describe('P-5.4 P-5.6 the key parts, the threshold and the holders', () => {
  const good = {
    meeting: 2,
    n: 3,
    k: 2,
    holders: ['member-1', 'secretary', 'holder-3'],
    votes: ballot(8, 1),
  };

  test('refused with K > N, K = 1, duplicate or missing holders, and after the key ceremony began', async () => {
    expect(refusal(await keyParts({ ...good, k: 4 }))).toBe('422 KEY_PARTS_INVALID');
    expect(refusal(await keyParts({ ...good, k: 1 }))).toBe('422 KEY_PARTS_INVALID');
    expect(refusal(await keyParts({ ...good, holders: ['member-1', 'member-1', 'holder-3'] }))).toBe(
      '422 KEY_PART_HOLDERS_INVALID',
    );
    expect(refusal(await keyParts({ ...good, holders: ['member-1', 'secretary'] }))).toBe(
      '422 KEY_PART_HOLDERS_INVALID',
    );
    expect(refusal(await keyParts({ ...good, votes: ballot(6) }))).toBe('422 COMMISSION_NO_MAJORITY');
    // 18:01 Moscow time on 17 September: the ceremony of the configuration has begun.
    await at('2026-09-17T15:01:00Z', async () => {
      expect(refusal(await keyParts(good))).toBe('409 COMMISSION_AFTER_DEADLINE');
    });
  });

  test('recorded before the ceremony with its deadline and ballot, once', async () => {
    const r = await keyParts(good);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.deadline).toBe('2026-09-17T15:00:00.000Z');
    expect(r.body.decision).toMatchObject({
      kind: 'key-parts',
      meeting: 2,
      payload: { n: 3, k: 2, holders: ['member-1', 'secretary', 'holder-3'] },
      votes: ballot(8, 1),
    });
    expect(refusal(await keyParts(good))).toBe('409 COMMISSION_DECISION_EXISTS');
    const all = await call<Decisions>(observer, 'GET', '/api/commission/decisions');
    expect(all.body.decisions.map((d) => d.kind)).toEqual(['officers', 'officers', 'key-parts']);
  });
});

describe('P-10.4 P-10.5 commission observers (Appendix 7)', () => {
  test('three per candidate are entered by the secretary; a fourth and a repeated one are refused', async () => {
    for (const name of ['Первый', 'Второй', 'Третий']) {
      const r = await enter(appendix7('cand-a', name));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    expect(refusal(await enter(appendix7('cand-a', 'Четвёртый')))).toBe('409 OBSERVER_LIMIT_REACHED');
    const b1 = appendix7('cand-b', 'Другой');
    const r = await enter(b1);
    expect([r.status, r.body.appointedForCandidate]).toEqual([201, 1]);
    expect(refusal(await enter({ ...b1, passport: { ...b1.passport, series: '9277' } }))).toBe(
      '409 OBSERVER_ALREADY_APPOINTED',
    );
    expect(refusal(await enter(appendix7('cand-b', 'Оператор'), operator))).toBe('403 FORBIDDEN');
  });

  test('refused once the list deadline (end of 14 September, Moscow) has passed', async () => {
    await at('2026-09-14T21:00:00Z', async () => {
      expect(refusal(await enter(appendix7('cand-b', 'Поздний')))).toBe('409 OBSERVER_APPOINTMENT_CLOSED');
    });
  });

  test('the lists, with their personal data, are the commission’s only', async () => {
    const r = await call<CommissionObservers>(member, 'GET', '/api/observers/commission');
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body.observers.map((o) => `${o.candidateId} ${o.fullName}`).sort()).toEqual([
      'cand-a Второй Наблюдатель Кандидатович',
      'cand-a Первый Наблюдатель Кандидатович',
      'cand-a Третий Наблюдатель Кандидатович',
      'cand-b Другой Наблюдатель Кандидатович',
    ]);
    expect(r.body.observers.find((o) => o.fullName.startsWith('Первый'))?.passport).toEqual({
      series: '9277',
      number: '880001',
    });
    for (const who of [cec, observer, operator])
      expect(refusal(await call(who, 'GET', '/api/observers/commission'))).toBe('403 FORBIDDEN');
  });
});

describe('P-10.4 P-10.5 the commission’s decision on a candidate’s observers', () => {
  type ObserversList = Api['POST /api/commission/observers-list'];
  const decideObservers = (body: ObserversList['body'], who = chairman) =>
    call<ObserversList['response']>(who, 'POST', '/api/commission/observers-list', body);
  const idsOf = async (candidateId: string): Promise<string[]> => {
    const r = await call<CommissionObservers>(chairman, 'GET', '/api/observers/commission');
    return r.body.observers.filter((o) => o.candidateId === candidateId).map((o) => o.id);
  };

  test('P-10.5 refused: an observer not entered for the candidate, one twice, no majority; only the chairman records', async () => {
    const a = await idsOf('cand-a');
    const [b] = await idsOf('cand-b');
    expect(a).toHaveLength(3);
    const good = { meeting: 3, candidateId: 'cand-a', observerIds: a, votes: ballot(8, 0) };
    expect(refusal(await decideObservers({ ...good, observerIds: [b ?? ''] }))).toBe(
      '422 COMMISSION_OBSERVERS_UNKNOWN',
    );
    expect(
      refusal(await decideObservers({ ...good, observerIds: ['00000000-0000-4000-8000-000000000000'] })),
    ).toBe('422 COMMISSION_OBSERVERS_UNKNOWN');
    expect(refusal(await decideObservers({ ...good, observerIds: [a[0] ?? '', a[0] ?? ''] }))).toBe(
      '422 COMMISSION_OBSERVERS_UNKNOWN',
    );
    expect(refusal(await decideObservers({ ...good, votes: ballot(6, 0) }))).toBe(
      '422 COMMISSION_NO_MAJORITY',
    );
    expect(refusal(await decideObservers({ ...good, votes: ballot(8, 5) }))).toBe(
      '422 COMMISSION_BAD_VOTE_COUNT',
    );
    expect(refusal(await decideObservers(good, secretary))).toBe('403 FORBIDDEN');
  });

  test('P-10.4 P-10.5 the candidate’s observers admitted by decision, once; the decision is seen by those who attend', async () => {
    const a = await idsOf('cand-a');
    const r = await decideObservers({
      meeting: 3,
      candidateId: 'cand-a',
      observerIds: a,
      votes: ballot(8, 1),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.decision).toMatchObject({
      kind: 'observers-list',
      meeting: 3,
      payload: { candidateId: 'cand-a', observerIds: a },
      votes: ballot(8, 1),
    });
    const again = await decideObservers({
      meeting: 4,
      candidateId: 'cand-a',
      observerIds: a.slice(0, 1),
      votes: ballot(8, 1),
    });
    expect(refusal(again)).toBe('409 COMMISSION_DECISION_EXISTS');
    const seen = await call<Decisions>(observer, 'GET', '/api/commission/decisions');
    expect(seen.body.decisions.filter((d) => d.kind === 'observers-list').map((d) => d.id)).toEqual([
      r.body.decision.id,
    ]);
    const audit = await db.pool.query<{ disposition: string; details: Record<string, unknown> }>(
      "SELECT disposition, details FROM audit_events WHERE action = 'commission.observers_list' ORDER BY id",
    );
    expect(audit.rows.filter((x) => x.disposition === 'success')).toHaveLength(1);
    expect(audit.rows.map((x) => x.details.failure ?? 'ok')).toContain('COMMISSION_DECISION_EXISTS');
  });
});

describe('P-10.9 portal observers', () => {
  const [c1, c2, c3, c4, c5] = confirmedAccounts as [
    RegisterAccount,
    RegisterAccount,
    RegisterAccount,
    RegisterAccount,
    RegisterAccount,
  ];

  test('three confirmed accounts per appointer; a fourth refused, another appointer counts on its own', async () => {
    for (const a of [c1, c2, c3]) {
      const r = await appoint(a.id);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    expect(refusal(await appoint(c4.id))).toBe('409 OBSERVER_LIMIT_REACHED');
    expect(refusal(await appoint(c1.id, { kind: 'party', id: 'p-1' }))).toBe(
      '409 OBSERVER_ALREADY_APPOINTED',
    );
    const branch = await appoint(c4.id, { kind: 'party-branch', id: 'p-1', region: '16' });
    expect([branch.status, branch.body.observer.appointer]).toEqual([201, 'party-branch:p-1:16']);
  });

  test('an unconfirmed or unknown account is refused', async () => {
    expect(refusal(await appoint(unconfirmed?.id ?? '', { kind: 'candidate', id: 'cand-a' }))).toBe(
      '422 OBSERVER_ACCOUNT_NOT_CONFIRMED',
    );
    expect(refusal(await appoint('no-such-account', { kind: 'candidate', id: 'cand-a' }))).toBe(
      '422 OBSERVER_ACCOUNT_NOT_CONFIRMED',
    );
  });

  test('refused before 7 September and after 14 September (Moscow)', async () => {
    await at('2026-09-06T20:59:00Z', async () => {
      expect(refusal(await appoint(c5.id, { kind: 'public-chamber', region: '16' }))).toBe(
        '409 OBSERVER_APPOINTMENT_CLOSED',
      );
    });
    await at('2026-09-14T21:00:00Z', async () => {
      expect(refusal(await appoint(c5.id, { kind: 'public-chamber', region: '16' }))).toBe(
        '409 OBSERVER_APPOINTMENT_CLOSED',
      );
    });
  });

  test('the operator and the chairman see the appointments; nobody else', async () => {
    for (const who of [operator, chairman]) {
      const r = await call<PortalObservers>(who, 'GET', '/api/observers/portal');
      expect(r.status).toBe(200);
      expect(r.body.observers).toHaveLength(4);
    }
    for (const who of [secretary, member, observer, cec])
      expect(refusal(await call(who, 'GET', '/api/observers/portal'))).toBe('403 FORBIDDEN');
    expect(
      refusal(
        await call(chairman, 'POST', '/api/observers/portal', {
          appointer: { kind: 'party', id: 'x' },
          subject: c5.id,
        }),
      ),
    ).toBe('403 FORBIDDEN');
  });
});

describe('personal data', () => {
  test('no observer’s Appendix 7 data or account reaches the server log or audit_events', async () => {
    const audit = await db.pool.query<{ row: string }>(
      'SELECT row_to_json(a)::text AS row FROM audit_events a',
    );
    const text = `${server.logs.join('\n')}\n${audit.rows.map((r) => r.row).join('\n')}`;
    expect(audit.rows.length).toBeGreaterThan(10);
    const secrets = [
      ...entered.flatMap((o) => [
        o.fullName,
        o.fullName.split(' ')[0] ?? o.fullName,
        o.birthDate,
        o.address,
        o.passport.number,
      ]),
      ...confirmedAccounts.slice(0, 5).map((a) => a.id),
      unconfirmed?.id ?? 'unconfirmed',
    ];
    for (const secret of secrets) expect(text, secret).not.toContain(secret);
  });
});
