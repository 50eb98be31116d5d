// The commission's decisions (ТИК ДЭГ) over HTTP, Procedure P-1.4, P-5.4, P-5.6, on the rules of
// packages/deg (electOfficers, decideKeyParts) and the table commission_decisions (migration 006):
//   POST /api/commission/officers    the deputy chairman and the secretary elected at the first
//                                    meeting, each with its secret ballot's count (chairman)
//   POST /api/commission/key-parts   the number of key parts N, the threshold K and the holders,
//                                    before the key ceremony of the configuration (chairman)
//   POST /api/commission/observers-list  the commission observers a candidate appointed (P-10.4,
//                                    P-10.5), as the secretary entered them from the Appendix 7
//                                    list, admitted by the commission's decision (chairman)
//   GET  /api/commission/decisions   every decision recorded (the commission, CEC members,
//                                    commission observers)
// The chairman enters what the meeting adopted; the platform checks it against the Procedure and
// records it with its ballot. Electing the officers changes the roles of the seats (officer-roles.ts,
// migration 009): in the same transaction each seat an account already holds gets the role the
// decision gave it — the elected member becomes deputy or secretary — and a seat the operator
// assigns later takes that role too.
// Key part holders are identifiers (a member id or another id the commission gives), never names.
// Every decision and refused decision is audited with ids, counts and codes.
import { randomUUID } from 'node:crypto';
import { Type, type Static } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type pg from 'pg';
import {
  COMMISSION_SIZE,
  CommissionError,
  decideKeyParts,
  electOfficers,
  localToInstant,
  MAJORITY,
  type BallotCount,
} from '@opendeg/deg';
import type { LoadedElection } from '../applications/deps.ts';
import { writeAudit, type AuditEvent } from '../audit.ts';
import { PERMISSIONS } from '../authz/roles.ts';
import type { Clock } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { withTransaction } from '../transaction.ts';
import { commissionApiError, DECISION_EXISTS, violatedConstraint } from './commission-errors.ts';
import { applySeatRoles } from './officer-roles.ts';

const Id = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });
const Meeting = Type.Integer({ minimum: 1, maximum: 10_000, description: 'The meeting number, first = 1' });
const Ballot = Type.Object(
  { for: Type.Integer({ minimum: 0, maximum: 100 }), against: Type.Integer({ minimum: 0, maximum: 100 }) },
  { title: 'BallotCount', additionalProperties: false, description: 'Secret ballot count' },
);
const Officer = Type.Object({ memberId: Id, votes: Ballot }, { additionalProperties: false });

const OfficerPayload = Type.Object(
  { office: Type.Union([Type.Literal('deputy'), Type.Literal('secretary')]), memberId: Id },
  { title: 'OfficerElected', additionalProperties: false },
);
const KeyPartsPayload = Type.Object(
  {
    n: Type.Integer({ minimum: 1, maximum: 255 }),
    k: Type.Integer({ minimum: 1, maximum: 255 }),
    holders: Type.Array(Id, { maxItems: 255, description: 'Part i goes to holders[i − 1]' }),
  },
  { title: 'KeyParts', additionalProperties: false },
);

const ObserversListPayload = Type.Object(
  {
    candidateId: Id,
    observerIds: Type.Array(Type.String({ format: 'uuid' }), {
      minItems: 1,
      maxItems: 3,
      description: 'The commission observers admitted (ids of GET /api/observers/commission)',
    }),
  },
  { title: 'ObserversAdmitted', additionalProperties: false },
);

export const DecisionView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kind: Type.Union([Type.Literal('officers'), Type.Literal('key-parts'), Type.Literal('observers-list')]),
    meeting: Meeting,
    payload: Type.Union([OfficerPayload, KeyPartsPayload, ObserversListPayload, Type.Object({})]),
    votes: Ballot,
    decidedAt: Type.String({ format: 'date-time' }),
  },
  { title: 'CommissionDecision', additionalProperties: false },
);
export type DecisionView = Static<typeof DecisionView>;

export const commissionSchemas = {
  officers: {
    summary: 'Deputy chairman and secretary elected (P-1.4) / Избрание заместителя председателя и секретаря',
    tags: ['commission'],
    body: Type.Object(
      { meeting: Meeting, deputy: Officer, secretary: Officer },
      { additionalProperties: false },
    ),
    response: {
      201: Type.Object(
        {
          decisions: Type.Array(DecisionView),
          roles: Type.Array(
            Type.Object(
              {
                assignmentId: Type.String({ format: 'uuid' }),
                memberId: Id,
                role: Type.Union([Type.Literal('deputy'), Type.Literal('secretary'), Type.Literal('member')]),
                revokedAssignmentId: Type.String({ format: 'uuid' }),
              },
              { additionalProperties: false },
            ),
            { description: 'Seats held by an account whose role the decision changed (P-1.4)' },
          ),
        },
        { additionalProperties: false },
      ),
    },
  },
  observersList: {
    summary: 'Commission observers admitted (P-10.4, P-10.5) / Решение о наблюдателях в ТИК ДЭГ от кандидата',
    tags: ['commission'],
    body: Type.Object(
      {
        meeting: Meeting,
        candidateId: Id,
        observerIds: Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 3 }),
        votes: Ballot,
      },
      { additionalProperties: false },
    ),
    response: { 201: Type.Object({ decision: DecisionView }, { additionalProperties: false }) },
  },
  keyParts: {
    summary: 'Key parts and threshold (P-5.4, P-5.6) / Число частей ключа, порог и держатели',
    tags: ['commission'],
    body: Type.Object(
      { meeting: Meeting, ...KeyPartsPayload.properties, votes: Ballot },
      { additionalProperties: false },
    ),
    response: {
      201: Type.Object(
        { decision: DecisionView, deadline: Type.String({ format: 'date-time' }) },
        { additionalProperties: false },
      ),
    },
  },
  decisions: {
    summary: 'Commission decisions / Решения ТИК ДЭГ',
    tags: ['commission'],
    response: { 200: Type.Object({ decisions: Type.Array(DecisionView) }, { additionalProperties: false }) },
  },
};

/** A decision's secret ballot, as deg counts it for the officers and the key parts (P-1.4). */
function checkBallot(v: BallotCount): void {
  if (v.for + v.against > COMMISSION_SIZE)
    throw new CommissionError('BAD_VOTE_COUNT', { ru: 'Неверный подсчёт голосов', en: 'Invalid vote count' });
  if (v.for < MAJORITY) {
    throw new CommissionError('NO_MAJORITY', {
      ru: `Решение не принято: нужно не менее ${MAJORITY} голосов «за»`,
      en: `Not adopted: at least ${MAJORITY} votes in favour are needed`,
    });
  }
}

export interface CommissionRoutesOptions {
  clock: Clock;
  pool: pg.Pool;
  election: LoadedElection;
}

interface DecisionRow {
  id: string;
  kind: DecisionView['kind'];
  meeting: number;
  payload: DecisionView['payload'];
  votes_for: number;
  votes_against: number;
  decided_at: Date;
}

function view(r: DecisionRow): DecisionView {
  return {
    id: r.id,
    kind: r.kind,
    meeting: r.meeting,
    payload: r.payload,
    votes: { for: r.votes_for, against: r.votes_against },
    decidedAt: r.decided_at.toISOString(),
  };
}

async function insertDecision(
  client: pg.PoolClient,
  electionId: string,
  d: { kind: DecisionView['kind']; meeting: number; payload: object; votes: BallotCount; at: Date },
): Promise<DecisionRow> {
  const r = await client.query<DecisionRow>(
    `INSERT INTO commission_decisions (id, election_id, kind, meeting, payload, votes_for, votes_against, decided_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     RETURNING id, kind, meeting, payload, votes_for, votes_against, decided_at`,
    [
      randomUUID(),
      electionId,
      d.kind,
      d.meeting,
      JSON.stringify(d.payload),
      d.votes.for,
      d.votes.against,
      d.at,
    ],
  );
  const row = r.rows[0];
  if (row === undefined) throw new Error('INSERT … RETURNING gave no row');
  return row;
}

export const commissionRoutes: FastifyPluginCallbackTypebox<CommissionRoutesOptions> = (
  app,
  options,
  done,
) => {
  const { clock, pool, election } = options;
  const electionId = election.id;

  /** Runs a decision; deg refusals and a decision taken before become ApiErrors, audited. */
  async function decide<T>(
    action: string,
    at: Date,
    details: NonNullable<AuditEvent['details']>,
    run: (client: pg.PoolClient) => Promise<T>,
  ): Promise<T> {
    try {
      return await withTransaction(pool, run);
    } catch (e) {
      let refused: ApiError | undefined;
      if (e instanceof ApiError) refused = e;
      else if (e instanceof CommissionError) refused = commissionApiError(e.code, e.message);
      else if (violatedConstraint(e)?.startsWith('commission_decisions_one_')) refused = DECISION_EXISTS();
      if (refused === undefined) throw e;
      await writeAudit(pool, {
        electionId,
        at,
        actorRole: 'chairman',
        action,
        disposition: 'failure',
        details: { ...details, failure: refused.code },
      });
      throw refused;
    }
  }

  app.post(
    '/api/commission/officers',
    { schema: commissionSchemas.officers, config: { allow: PERMISSIONS.recordCommissionDecisions } },
    async (request, reply) => {
      const { meeting, deputy, secretary } = request.body;
      const at = clock.now();
      const details = {
        meeting,
        deputy: deputy.memberId,
        secretary: secretary.memberId,
        requestId: request.id,
      };
      const rows = await decide('commission.officers', at, details, async (client) => {
        // 1. P-1.4: members, not the chairman, two different ones, each by a majority, at meeting 1.
        electOfficers(election.config, { meeting, deputy, secretary, at });
        // 2. One row per office, each with its own ballot.
        const made: DecisionRow[] = [];
        for (const [office, officer] of [
          ['deputy', deputy],
          ['secretary', secretary],
        ] as const) {
          made.push(
            await insertDecision(client, electionId, {
              kind: 'officers',
              meeting,
              payload: { office, memberId: officer.memberId },
              votes: officer.votes,
              at,
            }),
          );
        }
        await writeAudit(client, {
          electionId,
          at,
          actorRole: 'chairman',
          action: 'commission.officers',
          disposition: 'success',
          details: { ...details, decisionIds: made.map((d) => d.id) },
        });
        // 3. P-1.4: the seats' roles follow the decision (migration 009).
        const roles = await applySeatRoles(client, electionId, election.config, at, request.id);
        return { made, roles };
      });
      request.log.info(
        { event: 'commission.officers', meeting, rolesChanged: rows.roles.length },
        'officers elected recorded',
      );
      return reply.status(201).send({
        decisions: rows.made.map(view),
        roles: rows.roles.map((g) => ({
          assignmentId: g.assignmentId,
          memberId: g.memberId,
          role: g.role,
          revokedAssignmentId: g.revokedAssignmentId,
        })),
      });
    },
  );

  app.post(
    '/api/commission/key-parts',
    { schema: commissionSchemas.keyParts, config: { allow: PERMISSIONS.recordCommissionDecisions } },
    async (request, reply) => {
      const { meeting, n, k, holders, votes } = request.body;
      const at = clock.now();
      // P-5.4: decided before the keys are generated, at the ceremony of the configuration.
      const { keyCeremony, referenceTimeZone } = election.config.schedule;
      const deadline = localToInstant(keyCeremony, referenceTimeZone);
      const details = { meeting, n, k, requestId: request.id };
      const row = await decide('commission.key_parts', at, details, async (client) => {
        const decided = decideKeyParts({ n, k, holders, votes, at }, deadline);
        const made = await insertDecision(client, electionId, {
          kind: 'key-parts',
          meeting,
          payload: { n: decided.n, k: decided.k, holders: decided.holders },
          votes,
          at,
        });
        await writeAudit(client, {
          electionId,
          at,
          actorRole: 'chairman',
          action: 'commission.key_parts',
          disposition: 'success',
          details: { ...details, decisionId: made.id },
        });
        return made;
      });
      request.log.info({ event: 'commission.key_parts', n, k }, 'key parts decision recorded');
      return reply.status(201).send({ decision: view(row), deadline: deadline.toISOString() });
    },
  );

  app.post(
    '/api/commission/observers-list',
    { schema: commissionSchemas.observersList, config: { allow: PERMISSIONS.recordCommissionDecisions } },
    async (request, reply) => {
      const { meeting, candidateId, observerIds, votes } = request.body;
      const at = clock.now();
      const details = { meeting, candidateId, observers: observerIds.length, requestId: request.id };
      const row = await decide('commission.observers_list', at, details, async (client) => {
        checkBallot(votes);
        // P-10.4, P-10.5: each one an observer the secretary entered for this candidate, not
        // admitted by an earlier decision, none twice.
        const known = await client.query<{ id: string; admitted: boolean }>(
          `SELECT o.id, EXISTS (
             SELECT 1 FROM commission_decisions d
             WHERE d.election_id = o.election_id AND d.kind = 'observers-list'
               AND d.payload->'observerIds' ? o.id::text) AS admitted
           FROM commission_observers o
           WHERE o.election_id = $1 AND o.candidate_id = $2 AND o.id = ANY($3::uuid[])`,
          [electionId, candidateId, observerIds],
        );
        if (new Set(observerIds).size !== observerIds.length || known.rows.length !== observerIds.length) {
          throw new ApiError(
            'COMMISSION_OBSERVERS_UNKNOWN',
            422,
            'Наблюдатели должны быть внесены от этого кандидата, каждый один раз / The observers must be entered for this candidate, each once',
          );
        }
        if (known.rows.some((o) => o.admitted)) throw DECISION_EXISTS();
        const made = await insertDecision(client, electionId, {
          kind: 'observers-list',
          meeting,
          payload: { candidateId, observerIds },
          votes,
          at,
        });
        await writeAudit(client, {
          electionId,
          at,
          actorRole: 'chairman',
          action: 'commission.observers_list',
          disposition: 'success',
          details: { ...details, decisionId: made.id },
        });
        return made;
      });
      request.log.info(
        { event: 'commission.observers_list', observers: observerIds.length },
        'observers decision recorded',
      );
      return reply.status(201).send({ decision: view(row) });
    },
  );

  app.get(
    '/api/commission/decisions',
    { schema: commissionSchemas.decisions, config: { allow: PERMISSIONS.viewCommissionDecisions } },
    async () => {
      const r = await pool.query<DecisionRow>(
        `SELECT id, kind, meeting, payload, votes_for, votes_against, decided_at FROM commission_decisions
         WHERE election_id = $1 ORDER BY decided_at, meeting, kind, payload->>'office'`,
        [electionId],
      );
      return { decisions: r.rows.map(view) };
    },
  );

  done();
};
