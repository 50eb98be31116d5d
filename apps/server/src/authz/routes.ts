// Role administration over HTTP (migration 004):
//   GET    /api/roles/me          the caller's roles in the election (any logged-in account)
//   GET    /api/admin/roles       every assignment (operator, chairman)
//   POST   /api/admin/roles       assign a role (operator); a commission role names its member of
//                                 the configuration's commission and must match the member's role (P-1.4)
//   DELETE /api/admin/roles/:id   revoke an assignment (operator)
// Every change and refused change is audited with ids and role names only: the account (OIDC sub)
// is personal data and stays in role_assignments.
import { Type, type Static } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type pg from 'pg';
import type { LoadedElection } from '../applications/deps.ts';
import { writeAudit } from '../audit.ts';
import type { Clock } from '../deps.ts';
import { ApiError, Message } from '../errors.ts';
import { withTransaction } from '../transaction.ts';
import { electedOffices, seatRoles } from '../commission/officer-roles.ts';
import type { AccessControl } from './access.ts';
import {
  isCommissionRole,
  PERMISSIONS,
  REGION_ALLOWED,
  REGION_REQUIRED,
  ROLE_TITLES,
  RoleSchema,
  StoredRoleSchema,
  type StoredRole,
} from './roles.ts';
import {
  assignmentConflict,
  insertAssignment,
  listAssignments,
  revokeAssignment,
  type RoleAssignment,
} from './store.ts';

const Id = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });

export const MyAssignment = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    role: StoredRoleSchema,
    title: Message,
    region: Type.Optional(Id),
    memberId: Type.Optional(Id),
    assignedAt: Type.String({ format: 'date-time' }),
  },
  { title: 'MyRoleAssignment', additionalProperties: false },
);

export const AssignmentView = Type.Object(
  {
    ...MyAssignment.properties,
    subject: Type.String({ description: 'The account at the identity provider (OIDC sub)' }),
    source: Type.Union([Type.Literal('operator'), Type.Literal('bootstrap'), Type.Literal('decision')], {
      description: "'decision': a seat's office from the commission's officers decision (P-1.4)",
    }),
    revokedAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { title: 'RoleAssignment', additionalProperties: false },
);
export type AssignmentView = Static<typeof AssignmentView>;

const AssignmentParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const roleSchemas = {
  me: {
    summary: 'My roles / Мои роли',
    tags: ['roles'],
    response: {
      200: Type.Object(
        {
          electionId: Type.String(),
          roles: Type.Array(RoleSchema),
          assignments: Type.Array(MyAssignment),
        },
        { additionalProperties: false },
      ),
    },
  },
  list: {
    summary: 'Role assignments / Назначенные роли',
    tags: ['roles'],
    querystring: Type.Object(
      { includeRevoked: Type.Optional(Type.Boolean()) },
      { additionalProperties: false },
    ),
    response: {
      200: Type.Object(
        { electionId: Type.String(), assignments: Type.Array(AssignmentView) },
        { additionalProperties: false },
      ),
    },
  },
  assign: {
    summary: 'Assign a role (operator) / Назначить роль (оператор)',
    tags: ['roles'],
    body: Type.Object(
      {
        subject: Type.String({ minLength: 1, maxLength: 255, description: 'OIDC sub of the account' }),
        role: StoredRoleSchema,
        region: Type.Optional(Id),
        memberId: Type.Optional(Id),
      },
      { additionalProperties: false },
    ),
    response: { 201: Type.Object({ assignment: AssignmentView }, { additionalProperties: false }) },
  },
  revoke: {
    summary: 'Revoke a role (operator) / Отозвать роль (оператор)',
    tags: ['roles'],
    params: AssignmentParams,
    response: { 200: Type.Object({ assignment: AssignmentView }, { additionalProperties: false }) },
  },
};

function myView(a: RoleAssignment): Static<typeof MyAssignment> {
  return {
    id: a.id,
    role: a.role,
    title: ROLE_TITLES[a.role],
    ...(a.region !== null ? { region: a.region } : {}),
    ...(a.memberId !== null ? { memberId: a.memberId } : {}),
    assignedAt: a.assignedAt.toISOString(),
  };
}

function view(a: RoleAssignment): AssignmentView {
  return {
    ...myView(a),
    subject: a.subject,
    source: a.source,
    ...(a.revokedAt !== null ? { revokedAt: a.revokedAt.toISOString() } : {}),
  };
}

/** Why an assignment does not fit the election's configuration, or undefined when it fits. */
export function assignmentProblem(
  election: LoadedElection,
  a: { role: StoredRole; region?: string | undefined; memberId?: string | undefined },
  /** Each seat's role after the officers' decision (commission/officer-roles.ts), when there is one. */
  seats?: ReadonlyMap<string, { role: StoredRole }>,
): { code: string; message: Static<typeof Message> } | undefined {
  if (isCommissionRole(a.role)) {
    if (a.memberId === undefined)
      return {
        code: 'MEMBER_REQUIRED',
        message: {
          ru: 'Для роли члена комиссии укажите члена комиссии',
          en: 'A commission role needs a member id',
        },
      };
    const member = election.config.commission.members.find((m) => m.id === a.memberId);
    if (member === undefined)
      return {
        code: 'MEMBER_UNKNOWN',
        message: { ru: 'Такого члена комиссии нет', en: 'No such commission member' },
      };
    if ((seats?.get(member.id)?.role ?? member.role) !== a.role)
      return {
        code: 'MEMBER_ROLE_MISMATCH',
        message: {
          ru: 'Роль не совпадает с ролью члена комиссии',
          en: "The role differs from the member's role in the commission",
        },
      };
  } else if (a.memberId !== undefined) {
    return {
      code: 'MEMBER_NOT_ALLOWED',
      message: {
        ru: 'Член комиссии указывается только для ролей комиссии',
        en: 'Only commission roles have a member id',
      },
    };
  }
  if (a.region === undefined) {
    if (REGION_REQUIRED.includes(a.role))
      return { code: 'REGION_REQUIRED', message: { ru: 'Укажите регион', en: 'This role needs a region' } };
  } else {
    if (!REGION_ALLOWED.includes(a.role))
      return {
        code: 'REGION_NOT_ALLOWED',
        message: { ru: 'Эта роль не ограничивается регионом', en: 'This role has no region' },
      };
    if (!election.config.regions.some((r) => r.code === a.region))
      return {
        code: 'REGION_UNKNOWN',
        message: { ru: 'Такого региона нет в выборах', en: 'No such region in the election' },
      };
  }
  return undefined;
}

export interface RoleRoutesOptions {
  clock: Clock;
  pool: pg.Pool;
  election: LoadedElection;
  accessControl: AccessControl;
}

export const roleRoutes: FastifyPluginCallbackTypebox<RoleRoutesOptions> = (app, options, done) => {
  const { clock, pool, election, accessControl } = options;
  const electionId = election.id;

  /** The operator's account: admin routes are session-only (no bearer token). */
  async function operatorSubject(request: Parameters<AccessControl['access']>[0]): Promise<string> {
    const { account } = await accessControl.access(request);
    if (account === undefined) throw new Error('admin route reached without a session');
    return account.subject;
  }

  app.get('/api/roles/me', { schema: roleSchemas.me, config: { allow: 'voter' } }, async (request) => {
    const access = await accessControl.access(request);
    return {
      electionId,
      roles: [...access.roles],
      assignments: access.assignments.map(myView),
    };
  });

  app.get(
    '/api/admin/roles',
    { schema: roleSchemas.list, config: { allow: PERMISSIONS.viewRoleAssignments } },
    async (request) => {
      const assignments = await listAssignments(pool, electionId, request.query.includeRevoked === true);
      return { electionId, assignments: assignments.map(view) };
    },
  );

  app.post(
    '/api/admin/roles',
    { schema: roleSchemas.assign, config: { allow: PERMISSIONS.assignRoles } },
    async (request, reply) => {
      const assignedBy = await operatorSubject(request);
      const { subject, role, region, memberId } = request.body;
      const now = clock.now();
      const scope = { role, region: region ?? null, memberId: memberId ?? null };
      // P-1.4: a seat's role is the office the first meeting elected it to, where it did.
      const seats = isCommissionRole(role)
        ? seatRoles(election.config, await electedOffices(pool, electionId))
        : undefined;
      const problem = assignmentProblem(election, { role, region, memberId }, seats);
      if (problem !== undefined) {
        await writeAudit(pool, {
          electionId,
          at: now,
          actorRole: 'operator',
          action: 'role.assign',
          disposition: 'failure',
          details: { ...scope, failure: problem.code, requestId: request.id },
        });
        throw new ApiError('ROLE_ASSIGNMENT_INVALID', 422, `${problem.message.ru} / ${problem.message.en}`);
      }
      let assignment: RoleAssignment;
      try {
        assignment = await withTransaction(pool, async (client) => {
          const inserted = await insertAssignment(client, {
            electionId,
            subject,
            role,
            region: scope.region,
            memberId: scope.memberId,
            assignedBy,
            at: now,
          });
          await writeAudit(client, {
            electionId,
            at: now,
            actorRole: 'operator',
            action: 'role.assign',
            disposition: 'success',
            details: { assignmentId: inserted.id, ...scope, requestId: request.id },
          });
          return inserted;
        });
      } catch (e) {
        const conflict = assignmentConflict(e);
        if (conflict === undefined) throw e;
        await writeAudit(pool, {
          electionId,
          at: now,
          actorRole: 'operator',
          action: 'role.assign',
          disposition: 'failure',
          details: {
            ...scope,
            failure: conflict === 'role' ? 'ALREADY_ASSIGNED' : 'SEAT_TAKEN',
            requestId: request.id,
          },
        });
        throw conflict === 'role'
          ? new ApiError(
              'ROLE_ALREADY_ASSIGNED',
              409,
              'Эта роль уже назначена / This role is already assigned',
            )
          : new ApiError(
              'COMMISSION_SEAT_TAKEN',
              409,
              'Этот член комиссии уже связан с другой учётной записью / This member is already held by another account',
            );
      }
      request.log.info({ event: 'role.assigned', assignmentId: assignment.id, role }, 'role assigned');
      return reply.status(201).send({ assignment: view(assignment) });
    },
  );

  app.delete(
    '/api/admin/roles/:id',
    { schema: roleSchemas.revoke, config: { allow: PERMISSIONS.assignRoles } },
    async (request) => {
      const revokedBy = await operatorSubject(request);
      const now = clock.now();
      const { id } = request.params;
      const revoked = await withTransaction(pool, async (client) => {
        const done = await revokeAssignment(client, electionId, id, revokedBy, now);
        await writeAudit(client, {
          electionId,
          at: now,
          actorRole: 'operator',
          action: 'role.revoke',
          disposition: done ? 'success' : 'failure',
          details: done
            ? { assignmentId: id, role: done.role, requestId: request.id }
            : { assignmentId: id, failure: 'NOT_FOUND', requestId: request.id },
        });
        return done;
      });
      if (revoked === undefined) {
        throw new ApiError(
          'ROLE_ASSIGNMENT_NOT_FOUND',
          404,
          'Нет действующего назначения с таким идентификатором / No active assignment with this id',
        );
      }
      request.log.info({ event: 'role.revoked', assignmentId: id }, 'role revoked');
      return { assignment: view(revoked) };
    },
  );
  done();
};
