// Observers over HTTP, Procedure P-10.4, P-10.5, P-10.9, on the rules of packages/deg
// (appointCommissionObserver, appointPortalObserver, appointerKey) and migration 006:
//   POST /api/observers/commission   a candidate's appointment (Appendix 7: full name, date of birth,
//                                    address, passport) entered by the secretary from the list the
//                                    commission received, by the deadline; at most three a candidate
//   GET  /api/observers/commission   the Appendix 7 lists: the commission only (personal data)
//   POST /api/observers/portal       a portal observer: the appointer (party, party branch, candidate,
//                                    proxy, regional public chamber) and the observer's account, which
//                                    must be confirmed; within the appointment window; at most three an
//                                    appointer (operator)
//   GET  /api/observers/portal       the portal appointments (operator, chairman)
// How a portal observer's account is known to be confirmed: the AccountDirectory of deps (the
// identity provider's register; with the stand-in, its generated register's «подтверждённая учётная
// запись» flag). An account it does not know counts as not confirmed. An appointment assigns no role:
// the operator assigns 'commission-observer' or 'portal-observer' by POST /api/admin/roles.
// Personal data (Appendix 7 data, the observer's account) never reach a log line or an audit row:
// those carry the candidate or appointer id, the record's id, counts and codes.
import { randomUUID } from 'node:crypto';
import { Type, type Static } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type pg from 'pg';
import {
  appointCommissionObserver,
  appointerKey,
  appointPortalObserver,
  OBSERVER_MESSAGES,
} from '@opendeg/deg';
import type { LoadedElection } from '../applications/deps.ts';
import { writeAudit, type ActorRole } from '../audit.ts';
import type { AccessControl } from '../authz/access.ts';
import { PERMISSIONS, type StoredRole } from '../authz/roles.ts';
import type { AccountDirectory, Clock } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { withTransaction } from '../transaction.ts';
import { observerApiError, violatedConstraint } from './commission-errors.ts';

const Id = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });

const Passport = Type.Object(
  {
    series: Type.String({ pattern: '^[0-9]{2} ?[0-9]{2}$', description: '«92 05» or «9205»' }),
    number: Type.String({ pattern: '^[0-9]{6}$' }),
  },
  { additionalProperties: false },
);

export const CommissionObserverView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    candidateId: Id,
    fullName: Type.String(),
    birthDate: Type.String({ format: 'date' }),
    address: Type.String(),
    passport: Type.Object({ series: Type.String(), number: Type.String() }, { additionalProperties: false }),
    enteredAt: Type.String({ format: 'date-time' }),
  },
  { title: 'CommissionObserver', additionalProperties: false },
);
export type CommissionObserverView = Static<typeof CommissionObserverView>;

const Appointer = Type.Union(
  [
    Type.Object({ kind: Type.Literal('party'), id: Id }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('party-branch'), id: Id, region: Id }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('candidate'), id: Id }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('proxy'), id: Id }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('public-chamber'), region: Id }, { additionalProperties: false }),
  ],
  { title: 'PortalAppointer' },
);

export const PortalObserverView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    appointer: Type.String({ description: 'party:<id>, party-branch:<id>:<region>, candidate:<id>, …' }),
    subject: Type.String({ description: 'The observer account at the identity provider (OIDC sub)' }),
    appointedAt: Type.String({ format: 'date-time' }),
  },
  { title: 'PortalObserver', additionalProperties: false },
);

export const observerSchemas = {
  enterCommission: {
    summary: 'Commission observer appointed (P-10.4, P-10.5, Appendix 7) / Наблюдатель в ТИК ДЭГ',
    tags: ['observers'],
    body: Type.Object(
      {
        candidateId: Id,
        fullName: Type.String({ minLength: 1, maxLength: 300, pattern: '\\S' }),
        birthDate: Type.String({ format: 'date' }),
        address: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' }),
        passport: Passport,
      },
      { additionalProperties: false },
    ),
    response: {
      201: Type.Object(
        {
          observer: Type.Object(
            {
              id: Type.String({ format: 'uuid' }),
              candidateId: Id,
              enteredAt: Type.String({ format: 'date-time' }),
            },
            { additionalProperties: false },
          ),
          appointedForCandidate: Type.Integer({ minimum: 1, maximum: 3 }),
        },
        { additionalProperties: false },
      ),
    },
  },
  listCommission: {
    summary: 'Commission observers (Appendix 7) / Списки наблюдателей в ТИК ДЭГ',
    tags: ['observers'],
    response: {
      200: Type.Object({ observers: Type.Array(CommissionObserverView) }, { additionalProperties: false }),
    },
  },
  appointPortal: {
    summary: 'Portal observer appointed (P-10.9) / Наблюдатель на портале наблюдения',
    tags: ['observers'],
    body: Type.Object(
      {
        appointer: Appointer,
        subject: Type.String({
          minLength: 1,
          maxLength: 255,
          description: 'The observer account (OIDC sub)',
        }),
      },
      { additionalProperties: false },
    ),
    response: {
      201: Type.Object(
        {
          observer: PortalObserverView,
          appointedByAppointer: Type.Integer({ minimum: 1, maximum: 3 }),
        },
        { additionalProperties: false },
      ),
    },
  },
  listPortal: {
    summary: 'Portal observers (P-10.9) / Наблюдатели на портале наблюдения',
    tags: ['observers'],
    response: {
      200: Type.Object({ observers: Type.Array(PortalObserverView) }, { additionalProperties: false }),
    },
  },
};

export interface ObserverRoutesOptions {
  clock: Clock;
  pool: pg.Pool;
  election: LoadedElection;
  accessControl: AccessControl;
  accounts: AccountDirectory;
}

/** The audit column's spelling of the commission roles that read the lists. */
const ACTOR: Partial<Record<StoredRole, ActorRole>> = {
  chairman: 'chairman',
  deputy: 'deputy',
  secretary: 'secretary',
  member: 'member',
};

interface CommissionObserverRow {
  id: string;
  candidate_id: string;
  full_name: string;
  birth_date: string;
  address: string;
  passport_series: string;
  passport_number: string;
  entered_at: Date;
}

interface PortalObserverRow {
  id: string;
  appointer: string;
  subject: string;
  appointed_at: Date;
}

const portalView = (r: PortalObserverRow): Static<typeof PortalObserverView> => ({
  id: r.id,
  appointer: r.appointer,
  subject: r.subject,
  appointedAt: r.appointed_at.toISOString(),
});

export const observerRoutes: FastifyPluginCallbackTypebox<ObserverRoutesOptions> = (app, options, done) => {
  const { clock, pool, election, accessControl, accounts } = options;
  const electionId = election.id;

  // Appendix 7 data are personal: no browser or proxy keeps a copy of these answers.
  app.addHook('onSend', (_request, reply, payload, next) => {
    reply.header('cache-control', 'no-store');
    next(null, payload);
  });

  /** Refusals are values from deg; a race lost to another request is the constraint's refusal. */
  function raced(e: unknown): ApiError | undefined {
    const constraint = violatedConstraint(e);
    if (constraint?.endsWith('_at_most_three') === true)
      return observerApiError('LIMIT_REACHED', OBSERVER_MESSAGES.LIMIT_REACHED);
    if (
      constraint?.endsWith('_one_per_candidate') === true ||
      constraint?.endsWith('_one_per_appointer') === true
    )
      return observerApiError('ALREADY_APPOINTED', OBSERVER_MESSAGES.ALREADY_APPOINTED);
    return undefined;
  }

  app.post(
    '/api/observers/commission',
    { schema: observerSchemas.enterCommission, config: { allow: PERMISSIONS.enterCommissionObservers } },
    async (request, reply) => {
      const { candidateId, fullName, birthDate, address, passport } = request.body;
      const at = clock.now();
      const series = passport.series.replace(' ', '');
      const audit = (disposition: 'success' | 'failure', extra: Record<string, string | number>) =>
        writeAudit(pool, {
          electionId,
          at,
          actorRole: 'secretary',
          action: 'commission_observer.enter',
          disposition,
          details: { candidateId, ...extra, requestId: request.id },
        });
      let outcome: { id: string; count: number };
      try {
        outcome = await withTransaction(pool, async (client) => {
          // Serialises the appointments of one candidate (the same lock the table's trigger takes).
          await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
            `commission_observers/${electionId}/${candidateId}`,
          ]);
          const existing = await client.query<{ observer: string }>(
            `SELECT passport_series || passport_number AS observer FROM commission_observers
             WHERE election_id = $1 AND candidate_id = $2`,
            [electionId, candidateId],
          );
          const ids = existing.rows.map((r) => r.observer);
          // P-10.4, P-10.5: not twice, at most three, by the end of the list's last day.
          const decision = appointCommissionObserver(election.config, ids, `${series}${passport.number}`, at);
          if (!decision.ok) throw observerApiError(decision.code, decision.message);
          const id = randomUUID();
          await client.query(
            `INSERT INTO commission_observers
               (id, election_id, candidate_id, full_name, birth_date, address, passport_series, passport_number, entered_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
            [id, electionId, candidateId, fullName, birthDate, address, series, passport.number, at],
          );
          return { id, count: ids.length + 1 };
        });
      } catch (e) {
        const refused = e instanceof ApiError ? e : raced(e);
        if (refused === undefined) throw e;
        await audit('failure', { failure: refused.code });
        throw refused;
      }
      await audit('success', { observerRecordId: outcome.id, appointedForCandidate: outcome.count });
      request.log.info(
        { event: 'commission_observer.entered', appointedForCandidate: outcome.count },
        'commission observer entered',
      );
      return reply.status(201).send({
        observer: { id: outcome.id, candidateId, enteredAt: at.toISOString() },
        appointedForCandidate: outcome.count,
      });
    },
  );

  app.get(
    '/api/observers/commission',
    { schema: observerSchemas.listCommission, config: { allow: PERMISSIONS.viewCommissionObservers } },
    async (request) => {
      const access = await accessControl.access(request);
      const held = access.assignments.find((a) => ACTOR[a.role] !== undefined);
      const r = await pool.query<CommissionObserverRow>(
        `SELECT id, candidate_id, full_name, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, address,
                passport_series, passport_number, entered_at
         FROM commission_observers WHERE election_id = $1 ORDER BY candidate_id, entered_at, id`,
        [electionId],
      );
      await writeAudit(pool, {
        electionId,
        at: clock.now(),
        actorRole: (held && ACTOR[held.role]) ?? 'member',
        action: 'commission_observer.view',
        disposition: 'success',
        details: { rows: r.rows.length, requestId: request.id },
      });
      return {
        observers: r.rows.map((o) => ({
          id: o.id,
          candidateId: o.candidate_id,
          fullName: o.full_name,
          birthDate: o.birth_date,
          address: o.address,
          passport: { series: o.passport_series, number: o.passport_number },
          enteredAt: o.entered_at.toISOString(),
        })),
      };
    },
  );

  app.post(
    '/api/observers/portal',
    { schema: observerSchemas.appointPortal, config: { allow: PERMISSIONS.appointPortalObservers } },
    async (request, reply) => {
      const { subject } = request.body;
      const appointer = appointerKey(request.body.appointer);
      const at = clock.now();
      const audit = (disposition: 'success' | 'failure', extra: Record<string, string | number>) =>
        writeAudit(pool, {
          electionId,
          at,
          actorRole: 'operator',
          action: 'portal_observer.appoint',
          disposition,
          details: { appointer, ...extra, requestId: request.id },
        });
      const accountConfirmed = (await accounts.confirmed(subject)) === true;
      let row: PortalObserverRow;
      let count: number;
      try {
        [row, count] = await withTransaction(pool, async (client) => {
          await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
            `portal_observers/${electionId}/${appointer}`,
          ]);
          const existing = await client.query<{ subject: string }>(
            'SELECT subject FROM portal_observers WHERE election_id = $1 AND appointer = $2',
            [electionId, appointer],
          );
          const ids = existing.rows.map((r) => r.subject);
          // P-10.9: not twice, at most three, a confirmed account, within the window.
          const decision = appointPortalObserver(
            election.config,
            ids,
            { accountId: subject, accountConfirmed },
            at,
          );
          if (!decision.ok) throw observerApiError(decision.code, decision.message);
          const made = await client.query<PortalObserverRow>(
            `INSERT INTO portal_observers (id, election_id, appointer, subject, account_confirmed, appointed_at)
             VALUES ($1, $2, $3, $4, true, $5) RETURNING id, appointer, subject, appointed_at`,
            [randomUUID(), electionId, appointer, subject, at],
          );
          const first = made.rows[0];
          if (first === undefined) throw new Error('INSERT … RETURNING gave no row');
          return [first, ids.length + 1] as const;
        });
      } catch (e) {
        const refused = e instanceof ApiError ? e : raced(e);
        if (refused === undefined) throw e;
        await audit('failure', { failure: refused.code });
        throw refused;
      }
      await audit('success', { observerRecordId: row.id, appointedByAppointer: count });
      request.log.info(
        { event: 'portal_observer.appointed', appointedByAppointer: count },
        'portal observer appointed',
      );
      return reply.status(201).send({ observer: portalView(row), appointedByAppointer: count });
    },
  );

  app.get(
    '/api/observers/portal',
    { schema: observerSchemas.listPortal, config: { allow: PERMISSIONS.viewPortalObservers } },
    async () => {
      const r = await pool.query<PortalObserverRow>(
        `SELECT id, appointer, subject, appointed_at FROM portal_observers
         WHERE election_id = $1 ORDER BY appointer, appointed_at, id`,
        [electionId],
      );
      return { observers: r.rows.map(portalView) };
    },
  );

  done();
};
