// P-4.1–P-4.5 (the electronic ballot) through the HTTP API: a real server on port 0, real
// PostgreSQL with migration 007, the real OIDC stand-in login, roles assigned by the bootstrapped
// operator, time from a ManualClock in the training configuration (dev/election.json: voting
// 18–20 September 2026, 08:00–20:00 local; Novosibirsk (UTC+7) opens first, at 01:00 UTC on the
// 18th; Tatarstan and Moscow at 05:00 UTC; Tatarstan's ballot languages ru and tt). The first
// version comes as `opendeg bundle load` stores it (loadBallotVersion with a loaded bundle).
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useTestDatabase } from '@opendeg/db/testing';
import { ManualClock, type BallotSource } from '@opendeg/deg';
import type { Api } from '../src/api.ts';
import type { LoadedElection } from '../src/applications/deps.ts';
import { currentBallotSource, loadBallotVersion } from '../src/ballot/ballot-store.ts';
import { readElectionConfigFile, storeElection } from '../src/elections/load-election.ts';
import { generateRegister, type RegisterAccount } from '../src/identity/register.ts';
import { withTransaction } from '../src/transaction.ts';
import { refusal, Sessions, startServer, type Server } from './harness.ts';

const db = useTestDatabase();
const config = readElectionConfigFile(fileURLToPath(new URL('../dev/election.json', import.meta.url)));
// 12:00 Moscow time on 10 September 2026: long before voting.
const START = '2026-09-10T09:00:00Z';
const clock = new ManualClock(START);

const register = generateRegister({ seed: 47, count: 10, referenceDate: new Date('2026-09-20T00:00:00Z') });
const [operator, chairman, secretary, member, observer, voter] = register as [
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
];
const everyone = [operator, chairman, secretary, member, observer, voter];

let server: Server;
let election: LoadedElection;
const sessions = new Sessions(() => server.baseUrl, everyone);
const { call, logInAll } = sessions;
const at = (time: string, fn: () => Promise<void>): Promise<void> => sessions.at(clock, time, START, fn);

type Update = Api['POST /api/ballot/versions'];
type Versions = Api['GET /api/ballot/versions']['response'];
type RegionBallot = Api['GET /api/ballot/:region']['response'];
type Candidate = Update['body']['source']['candidates'][number];

const IVANOV = {
  id: 'c-ivanov',
  name: 'Иванов Иван Иванович',
  info: '1970 года рождения; выдвинут партией «Пример»',
  translations: { tt: { name: 'Иванов Иван Иван улы', info: '1970 елгы' } },
};
const PETROV = { id: 'c-petrov', name: 'Петров Пётр Петрович', info: '1965 года рождения; самовыдвижение' };
const SIDOROV = { id: 'c-sidorov', name: 'Сидоров Сидор Сидорович', info: '1980 года рождения' };
const source = (version: number, candidates: Candidate[]): Update['body']['source'] => ({
  version,
  title: 'Избирательный бюллетень для голосования на тренировке',
  instructions: 'Поставьте любой знак в пустом квадрате справа от фамилии одного кандидата.',
  candidates,
});

const update = (who: RegisterAccount, body: Update['body']) =>
  call<Update['response']>(who, 'POST', '/api/ballot/versions', body);

/** The bundle's version, as `opendeg bundle load` stores it. */
async function loadFromBundle(s: BallotSource) {
  const hash = randomBytes(32);
  return withTransaction(db.pool, async (client) => {
    await client.query(
      `INSERT INTO loaded_bundles (hash, election_id, kind, manifest, signer, loaded_at)
       VALUES ($1, $2, 'list-and-ballot-data', '{}', 'CN=Центр обработки данных', $3)`,
      [hash, election.id, clock.now()],
    );
    return loadBallotVersion(client, {
      electionId: election.id,
      config,
      source: s,
      at: clock.now(),
      origin: { kind: 'bundle', bundleHash: hash.toString('hex') },
    });
  });
}

beforeAll(async () => {
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
  ];
  for (const [a, role] of roles) {
    const r = await call(operator, 'POST', '/api/admin/roles', { subject: a.id, ...role });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
}, 60_000);
afterAll(async () => {
  await server.close();
});

describe('P-4.2 the source data arrive with the list data', () => {
  test('P-4.2 before the bundle there is no ballot, and nothing to update', async () => {
    expect(refusal(await call(member, 'GET', '/api/ballot/16'))).toBe('404 BALLOT_NOT_FOUND');
    const r = await update(chairman, {
      reason: 'withdrawn',
      candidateId: 'c-petrov',
      source: source(1, [IVANOV]),
    });
    expect(refusal(r)).toBe('404 BALLOT_NOT_FOUND');
    expect(await currentBallotSource(db.pool, election.id)).toBeUndefined();
  });

  test('P-4.2 the bundle’s ballot/source.json is version 1, the current source data', async () => {
    const loaded = await loadFromBundle(source(1, [IVANOV, PETROV, SIDOROV]));
    expect(loaded.ok).toBe(true);
    expect(await currentBallotSource(db.pool, election.id)).toEqual(source(1, [IVANOV, PETROV, SIDOROV]));
    // A second bundle with version 1 again does not follow it.
    const again = await loadFromBundle(source(1, [IVANOV]));
    expect(again).toMatchObject({ ok: false, code: 'BAD_VERSION' });
  });
});

describe('P-4.3 updated source data until voting starts', () => {
  test('P-4.3 refused: a version that does not follow, no candidates, a candidate twice, a change the data do not show; other roles forbidden', async () => {
    const cases: [Update['body'], string][] = [
      [
        { reason: 'withdrawn', candidateId: 'c-petrov', source: source(1, [IVANOV, SIDOROV]) },
        '409 BALLOT_BAD_VERSION',
      ],
      [
        { reason: 'withdrawn', candidateId: 'c-petrov', source: source(3, [IVANOV, SIDOROV]) },
        '409 BALLOT_BAD_VERSION',
      ],
      [{ reason: 'withdrawn', candidateId: 'c-petrov', source: source(2, []) }, '422 BALLOT_NO_CANDIDATES'],
      [
        { reason: 'withdrawn', candidateId: 'c-petrov', source: source(2, [IVANOV, IVANOV]) },
        '422 BALLOT_DUPLICATE_CANDIDATE',
      ],
      // Petrov withdrew, but the data still carry him; Sidorov is said to withdraw but Petrov is gone.
      [
        { reason: 'withdrawn', candidateId: 'c-petrov', source: source(2, [IVANOV, PETROV]) },
        '422 BALLOT_CANDIDATE_MISMATCH',
      ],
      [
        { reason: 'deregistered', candidateId: 'c-sidorov', source: source(2, [IVANOV, SIDOROV]) },
        '422 BALLOT_CANDIDATE_MISMATCH',
      ],
      [
        { reason: 'added', candidateId: 'c-ivanov', source: source(2, [IVANOV, PETROV]) },
        '422 BALLOT_CANDIDATE_MISMATCH',
      ],
    ];
    for (const [body, expected] of cases)
      expect(refusal(await update(chairman, body)), JSON.stringify(body)).toBe(expected);
    const good = {
      reason: 'withdrawn' as const,
      candidateId: 'c-petrov',
      source: source(2, [IVANOV, SIDOROV]),
    };
    for (const who of [secretary, member, observer, voter])
      expect(refusal(await update(who, good))).toBe('403 FORBIDDEN');
    expect(refusal(await call('anonymous', 'POST', '/api/ballot/versions', good))).toBe(
      '401 UNAUTHENTICATED',
    );
    const v = await call<Versions>(chairman, 'GET', '/api/ballot/versions');
    expect(v.body.versions.map((x) => x.version)).toEqual([1]);
  });

  test('P-4.3 a withdrawn candidate (chairman), a deregistered one (operator), one the CEC puts back: each a new version, the history kept', async () => {
    const withdrawn = await update(chairman, {
      reason: 'withdrawn',
      candidateId: 'c-petrov',
      source: source(2, [IVANOV, SIDOROV]),
    });
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(201);
    expect(withdrawn.body.version).toMatchObject({
      version: 2,
      origin: 'update',
      reason: 'withdrawn',
      candidateId: 'c-petrov',
    });
    const deregistered = await update(operator, {
      reason: 'deregistered',
      candidateId: 'c-sidorov',
      source: source(3, [IVANOV]),
    });
    expect(deregistered.status, JSON.stringify(deregistered.body)).toBe(201);
    const added = await update(chairman, {
      reason: 'added',
      candidateId: 'c-sidorov',
      source: source(4, [IVANOV, SIDOROV]),
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);

    const history = await call<Versions>(observer, 'GET', '/api/ballot/versions');
    expect(history.status).toBe(200);
    expect(history.body.fixedFrom).toBe('2026-09-18T01:00:00.000Z');
    expect(
      history.body.versions.map((v) => [
        v.version,
        v.origin,
        v.reason ?? null,
        v.source.candidates.map((c) => c.id),
      ]),
    ).toEqual([
      [1, 'bundle', null, ['c-ivanov', 'c-petrov', 'c-sidorov']],
      [2, 'update', 'withdrawn', ['c-ivanov', 'c-sidorov']],
      [3, 'update', 'deregistered', ['c-ivanov']],
      [4, 'update', 'added', ['c-ivanov', 'c-sidorov']],
    ]);
    expect(history.body.versions[0]?.bundleHash).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(history.body.versions.map((v) => v.sha256)).size).toBe(4);
    expect(await currentBallotSource(db.pool, election.id)).toEqual(source(4, [IVANOV, SIDOROV]));
    for (const who of [voter, 'anonymous'] as const)
      expect((await call(who, 'GET', '/api/ballot/versions')).status).toBe(who === 'anonymous' ? 401 : 403);
  });

  test('P-4.3 from the moment voting starts in the first region (Novosibirsk, 08:00 local) the ballot never changes, though Tatarstan still waits', async () => {
    const next = { reason: 'withdrawn' as const, candidateId: 'c-sidorov', source: source(5, [IVANOV]) };
    await at('2026-09-18T01:00:00Z', async () => {
      expect(refusal(await update(chairman, next))).toBe('409 BALLOT_FIXED');
      expect(refusal(await update(operator, next))).toBe('409 BALLOT_FIXED');
      // Tatarstan does not vote yet: its ballot is not public, but it is fixed all the same.
      expect(refusal(await call('anonymous', 'GET', '/api/ballot/16'))).toBe('409 BALLOT_NOT_AVAILABLE');
    });
    await at('2026-09-20T12:00:00Z', async () => {
      expect(refusal(await update(chairman, next))).toBe('409 BALLOT_FIXED');
    });
    // A millisecond before the start it is still accepted (and the next test sees version 5).
    await at('2026-09-18T00:59:59.999Z', async () => {
      const r = await update(chairman, next);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    });
  });
});

describe('P-4.5 P-4.1 the ballot in the regions', () => {
  test('P-4.5 public only during the region’s voting period, each region in its own time zone', async () => {
    // Before and after: 07:59 and 20:00 local time; Novosibirsk is UTC+7, Tatarstan UTC+3.
    const closed: [string, string][] = [
      ['2026-09-18T00:59:00Z', '54'],
      ['2026-09-18T04:59:00Z', '16'],
      ['2026-09-20T13:00:00Z', '54'],
      ['2026-09-20T17:00:00Z', '16'],
    ];
    for (const [time, region] of closed) {
      await at(time, async () => {
        expect(refusal(await call('anonymous', 'GET', `/api/ballot/${region}`)), `${region} ${time}`).toBe(
          '409 BALLOT_NOT_AVAILABLE',
        );
        expect(refusal(await call(voter, 'GET', `/api/ballot/${region}`))).toBe('409 BALLOT_NOT_AVAILABLE');
        // The commission and observers see it any time.
        for (const who of [member, observer])
          expect((await call(who, 'GET', `/api/ballot/${region}`)).status).toBe(200);
      });
    }
    const open: [string, string][] = [
      ['2026-09-18T01:00:00Z', '54'],
      ['2026-09-18T05:00:00Z', '16'],
      ['2026-09-20T12:59:00Z', '54'],
      ['2026-09-20T16:59:00Z', '16'],
    ];
    for (const [time, region] of open) {
      await at(time, async () => {
        const r = await call<RegionBallot>('anonymous', 'GET', `/api/ballot/${region}`);
        expect(r.status, `${region} ${time}`).toBe(200);
        expect(r.body).toMatchObject({ region, version: 5, language: 'ru' });
      });
    }
  });

  test('P-4.1 Tatarstan in Tatar: translated candidates, Russian where no translation; Novosibirsk has no Tatar ballot', async () => {
    const tt = await call<RegionBallot>(member, 'GET', '/api/ballot/16?lang=tt');
    expect(tt.status, JSON.stringify(tt.body)).toBe(200);
    expect(tt.body.languages).toEqual(['ru', 'tt']);
    expect(tt.body.candidates).toEqual([{ id: 'c-ivanov', name: 'Иванов Иван Иван улы', info: '1970 елгы' }]);
    const ru = await call<RegionBallot>(member, 'GET', '/api/ballot/16');
    expect(ru.body.candidates).toEqual([{ id: 'c-ivanov', name: IVANOV.name, info: IVANOV.info }]);
    expect(ru.body.votingOpens).toBe('2026-09-18T05:00:00.000Z');
    const nsk = await call<RegionBallot>(member, 'GET', '/api/ballot/54');
    expect(nsk.body.votingOpens).toBe('2026-09-18T01:00:00.000Z');
    // 8:00 in the region's own zone: the zone comes with the ballot for showing the window.
    expect([ru.body.timeZone, nsk.body.timeZone]).toEqual(['Europe/Moscow', 'Asia/Novosibirsk']);
    expect(refusal(await call(member, 'GET', '/api/ballot/54?lang=tt'))).toBe(
      '422 BALLOT_LANGUAGE_NOT_OFFERED',
    );
    expect(refusal(await call(member, 'GET', '/api/ballot/99'))).toBe('404 REGION_NOT_FOUND');
  });

  test('P-4.3 every update and refused update is audited by role, version, reason and candidate id: no names, no accounts', async () => {
    const r = await db.pool.query<{
      actor_role: string;
      disposition: string;
      details: Record<string, unknown>;
    }>(
      "SELECT actor_role, disposition, details FROM audit_events WHERE action = 'ballot.update' ORDER BY id",
    );
    const successes = r.rows.filter((a) => a.disposition === 'success');
    expect(successes.map((a) => [a.actor_role, a.details.version, a.details.reason])).toEqual([
      ['chairman', 2, 'withdrawn'],
      ['operator', 3, 'deregistered'],
      ['chairman', 4, 'added'],
      ['chairman', 5, 'withdrawn'],
    ]);
    const failures = r.rows.filter((a) => a.disposition === 'failure').map((a) => a.details.failure);
    expect(failures).toContain('BALLOT_FIXED');
    expect(failures).toContain('BALLOT_CANDIDATE_MISMATCH');
    const text = JSON.stringify(r.rows);
    for (const a of register) expect(text).not.toContain(a.id);
    for (const c of [IVANOV, PETROV, SIDOROV]) expect(text).not.toContain(c.name);
  });
});

describe('migration 007 ballot_versions', () => {
  test('versions are never changed or deleted, and follow each other without a gap', async () => {
    const fail = async (sql: string, params: unknown[]) => {
      try {
        await db.pool.query(sql, params);
        return undefined;
      } catch (e) {
        return (e as { constraint?: string }).constraint;
      }
    };
    expect(
      await fail('UPDATE ballot_versions SET loaded_at = now() WHERE election_id = $1', [election.id]),
    ).toBe('ballot_versions_append_only');
    expect(await fail('DELETE FROM ballot_versions WHERE election_id = $1', [election.id])).toBe(
      'ballot_versions_append_only',
    );
    const insert = (
      version: number,
      s: unknown,
      extra: { reason?: string | null; candidate?: string | null } = {},
    ) =>
      fail(
        `INSERT INTO ballot_versions (election_id, version, source, sha256, origin, reason, candidate_id, loaded_at)
         VALUES ($1, $2, $3, $4, 'update', $5, $6, now())`,
        [
          election.id,
          version,
          JSON.stringify(s),
          randomBytes(32),
          'reason' in extra ? extra.reason : 'withdrawn',
          extra.candidate ?? 'c-x',
        ],
      );
    expect(await insert(7, source(7, [IVANOV]))).toBe('ballot_versions_consecutive');
    expect(await insert(6, source(5, [IVANOV]))).toBe('ballot_versions_source_version');
    expect(await insert(6, { ...source(6, [IVANOV]), version: 'six' })).toBe('ballot_versions_source_shape');
    expect(await insert(6, source(6, [IVANOV]), { reason: null })).toBe('ballot_versions_update_reason');
    expect(await insert(6, source(6, [IVANOV]), { reason: 'moved' })).toBe('ballot_versions_reason_valid');
    // The valid row these variants spoil is accepted.
    expect(await insert(6, source(6, [IVANOV]))).toBeUndefined();
  });
});
