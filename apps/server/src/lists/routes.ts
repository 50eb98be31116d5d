// Participant lists (списки участников ДЭГ) over HTTP, Procedure P-3.3–P-3.9 and P-10.6, on the
// lists store of packages/db:
//   GET  /api/lists/:region                  Appendix 1/2 rows, alphabetical (P-3.5), a page at a
//                                            time (`limit` ≤ 200, `after` = the previous `next`), or a
//                                            search by the beginning of the full name (`q`)
//   GET  /api/lists/:region/counts           on the list and ballots issued (P-3.9)
//   POST /api/lists/:region/exclusions       exclusion on an official document until the region's
//                                            voting ends (P-3.4): chairman or secretary
//   GET  /api/lists/:region/precincts/:precinct/register   Appendix 3 (P-3.6), commission roles
// Who may call each is PERMISSIONS (authz/roles.ts); an observer or CEC member appointed for one
// region sees that region only.
//
// P-10.6 "view but not copy". What the platform enforces: rows come only as JSON pages of at most
// 200 (no CSV, spreadsheet or print route, no "whole list" request); every response says
// `Cache-Control: no-store`, so no browser or proxy keeps a copy; every page viewed is in the audit
// log (region, row count, whether it was a search, the viewer's role — never the search text or a
// row), so walking the whole list is visible afterwards. What it cannot enforce: a viewer's screen
// can be photographed or transcribed, and a logged-in viewer can script page after page; against
// that there is the room's rules and the audit, not code.
//
// Personal data (rows, the search text, the exclusion's document) never reach a log line or an
// audit row: those name the region, the participant's opaque id, codes and the document's SHA-256.
import { createHash } from 'node:crypto';
import { Type, type Static } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { ParticipantListStore, type StoredListRow } from '@opendeg/db';
import {
  EXCLUSION_TEXT,
  precinctRegistersDue,
  votingWindow,
  type ExclusionReason,
  type Message as DegMessage,
} from '@opendeg/deg';
import type { LoadedElection } from '../applications/deps.ts';
import { writeAudit, type ActorRole } from '../audit.ts';
import { forbidden, type AccessControl } from '../authz/access.ts';
import { PERMISSIONS, type StoredRole } from '../authz/roles.ts';
import type { Clock } from '../deps.ts';
import { ApiError, Message } from '../errors.ts';
import { fromStore, listApiError } from './list-errors.ts';

const MAX_PAGE = 200;
const EXCLUSION_REASONS = Object.keys(EXCLUSION_TEXT) as ExclusionReason[];

const Region = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });
const ParticipantId = Type.String({
  pattern: '^[0-9a-z][0-9a-z-]{0,63}$',
  description: 'The opaque participant id of the list data',
});
const ExclusionReasonSchema = Type.Enum(EXCLUSION_REASONS, {
  title: 'ExclusionReason',
  description: 'P-3.4 ground: lost suffrage, voted early, conditions of P-1.3 no longer met',
});

export const ListRowView = Type.Object(
  {
    n: Type.Integer({ minimum: 1, description: '«N п/п»: the row number in the whole list' }),
    participantId: ParticipantId,
    fullName: Type.String(),
    birthDate: Type.String({ description: 'DD.MM.YYYY' }),
    address: Type.String(),
    phone: Type.String(),
    ballotAccess: Type.String({
      description: 'P-3.8: passport series and number once ballot access was granted; empty before',
    }),
    exclusion: Type.Optional(ExclusionReasonSchema),
    notes: Type.Optional(
      Type.Object(
        { ru: Type.String(), en: Type.String() },
        {
          additionalProperties: false,
          description: '«Особые отметки»: the Appendix 2 wording of the ground',
        },
      ),
    ),
    struck: Type.Boolean({ description: 'Appendix 2: an excluded row is shown struck through' }),
  },
  { title: 'ParticipantListRow', additionalProperties: false },
);
export type ListRowView = Static<typeof ListRowView>;

const Counts = Type.Object(
  {
    onList: Type.Integer({ minimum: 0, description: 'Participants on the list, excluded ones not counted' }),
    ballotsIssued: Type.Integer({ minimum: 0 }),
  },
  { title: 'ParticipantListCounts', additionalProperties: false },
);

export const RegisterRowView = Type.Object(
  {
    n: Type.Integer({ minimum: 1 }),
    fullName: Type.String(),
    birthDate: Type.String({ description: 'DD.MM.YYYY' }),
    address: Type.String(),
    note: Type.String(),
  },
  { title: 'PrecinctRegisterRow', additionalProperties: false },
);

const RegionParams = Type.Object({ region: Region }, { additionalProperties: false });

export const listSchemas = {
  page: {
    summary: 'Participant list, a page (Appendix 1/2) / Список участников ДЭГ, страница (приложения 1, 2)',
    tags: ['lists'],
    params: RegionParams,
    querystring: Type.Object(
      {
        q: Type.Optional(
          Type.String({ maxLength: 300, description: 'Beginning of the full name; case and ё/е ignored' }),
        ),
        after: Type.Optional(ParticipantId),
        limit: Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 50 }),
      },
      { additionalProperties: false },
    ),
    response: {
      200: Type.Object(
        {
          region: Region,
          rows: Type.Array(ListRowView),
          next: Type.Optional(Type.String({ description: 'Pass as `after` for the next page' })),
        },
        { additionalProperties: false },
      ),
    },
  },
  counts: {
    summary: 'On the list and ballots issued (P-3.9) / Число участников и выданных бюллетеней',
    tags: ['lists'],
    params: RegionParams,
    response: {
      200: Type.Object({ region: Region, ...Counts.properties }, { additionalProperties: false }),
    },
  },
  exclude: {
    summary: 'Exclude a participant (P-3.4) / Исключить участника из списка',
    tags: ['lists'],
    params: RegionParams,
    body: Type.Object(
      {
        participantId: ParticipantId,
        reason: ExclusionReasonSchema,
        document: Type.String({
          minLength: 1,
          maxLength: 1000,
          pattern: '\\S',
          description: 'The official document the exclusion rests on («решение суда № …»)',
        }),
      },
      { additionalProperties: false },
    ),
    response: {
      201: Type.Object(
        {
          exclusion: Type.Object(
            {
              participantId: ParticipantId,
              reason: ExclusionReasonSchema,
              notes: Message,
              at: Type.String({ format: 'date-time' }),
            },
            { additionalProperties: false },
          ),
          counts: Counts,
        },
        { additionalProperties: false },
      ),
    },
  },
  register: {
    summary:
      'Precinct exclusion register (Appendix 3) / Реестр избирателей, подлежащих исключению (приложение 3)',
    tags: ['lists'],
    params: Type.Object(
      { region: Region, precinct: Type.String({ pattern: '^[0-9]{1,5}$' }) },
      { additionalProperties: false },
    ),
    response: {
      200: Type.Object(
        {
          region: Region,
          precinct: Type.String(),
          due: Type.String({ format: 'date-time', description: 'P-3.6: produced by this moment' }),
          rows: Type.Array(RegisterRowView),
        },
        { additionalProperties: false },
      ),
    },
  },
};

export interface ListRoutesOptions {
  clock: Clock;
  pool: pg.Pool;
  election: LoadedElection;
  accessControl: AccessControl;
}

/** The audit column's spelling of each role that acts on the lists. */
const ACTOR: Partial<Record<StoredRole, ActorRole>> = {
  chairman: 'chairman',
  deputy: 'deputy',
  secretary: 'secretary',
  member: 'member',
  'cec-member': 'cec_member',
  'commission-observer': 'commission_observer',
};

function message(m: DegMessage): Static<typeof Message> {
  return { ru: m.ru, en: m.en };
}

function rowView(r: StoredListRow): ListRowView {
  return {
    n: r.n,
    participantId: r.participantId,
    fullName: r.fullName,
    birthDate: r.birthDate,
    address: r.address,
    phone: r.phone,
    ballotAccess: r.ballotAccess,
    ...(r.exclusion !== undefined
      ? { exclusion: r.exclusion, notes: message(EXCLUSION_TEXT[r.exclusion]) }
      : {}),
    struck: r.struck,
  };
}

export const listRoutes: FastifyPluginCallbackTypebox<ListRoutesOptions> = (app, options, done) => {
  const { clock, pool, election, accessControl } = options;
  const electionId = election.id;
  const store = new ParticipantListStore(pool, electionId);

  // P-10.6: no copy of a list is kept by a browser or a proxy; errors of these routes included.
  app.addHook('onSend', (_request, reply, payload, next) => {
    reply.header('cache-control', 'no-store');
    next(null, payload);
  });

  /**
   * The role the caller acts in for this region: one of `allow` held with no region or with this
   * one (observers may be appointed for one region). Refuses an unknown region as a missing list.
   */
  async function actingRole(
    request: FastifyRequest,
    allow: readonly StoredRole[],
    region: string,
  ): Promise<ActorRole> {
    const access = await accessControl.access(request);
    const held = access.assignments.find(
      (a) => allow.includes(a.role) && (a.region === null || a.region === region),
    );
    const actor = held === undefined ? undefined : ACTOR[held.role];
    if (actor === undefined) {
      request.log.info({ event: 'authz.forbidden', scope: 'region' }, 'request refused: another region');
      throw forbidden();
    }
    if (!election.config.regions.some((r) => r.code === region)) {
      throw listApiError('LIST_NOT_FOUND') ?? new Error('LIST_NOT_FOUND has no API error');
    }
    return actor;
  }

  app.get(
    '/api/lists/:region',
    { schema: listSchemas.page, config: { allow: PERMISSIONS.viewParticipantLists } },
    async (request) => {
      const { region } = request.params;
      const actor = await actingRole(request, PERMISSIONS.viewParticipantLists, region);
      const { q, after, limit } = request.query;
      const page = await fromStore(() =>
        store.page(region, {
          ...(q !== undefined ? { query: q } : {}),
          ...(after !== undefined ? { after } : {}),
          limit,
        }),
      );
      await writeAudit(pool, {
        electionId,
        at: clock.now(),
        actorRole: actor,
        action: 'participant_list.view',
        disposition: 'success',
        details: {
          region,
          rows: page.rows.length,
          search: q !== undefined && q.trim() !== '',
          continued: after !== undefined,
          requestId: request.id,
        },
      });
      request.log.info(
        { event: 'participant_list.view', region, rows: page.rows.length },
        'participant list viewed',
      );
      return {
        region,
        rows: page.rows.map(rowView),
        ...(page.next !== undefined ? { next: page.next } : {}),
      };
    },
  );

  app.get(
    '/api/lists/:region/counts',
    { schema: listSchemas.counts, config: { allow: PERMISSIONS.viewParticipantLists } },
    async (request) => {
      const { region } = request.params;
      await actingRole(request, PERMISSIONS.viewParticipantLists, region);
      const counts = await fromStore(() => store.counts(region));
      return { region, onList: counts.onList, ballotsIssued: counts.ballotsIssued };
    },
  );

  app.post(
    '/api/lists/:region/exclusions',
    { schema: listSchemas.exclude, config: { allow: PERMISSIONS.excludeParticipants } },
    async (request, reply) => {
      const { region } = request.params;
      const actor = await actingRole(request, PERMISSIONS.excludeParticipants, region);
      const { participantId, reason, document } = request.body;
      const at = clock.now();
      // The region's own end of voting, in its time zone, from the loaded configuration (P-6.1).
      const votingEnds = votingWindow(election.config, region).closes;
      // The document itself may name people: the audit keeps its hash, which ties the row to it.
      const documentSha256 = createHash('sha256').update(document, 'utf8').digest('hex');
      const audit = (disposition: 'success' | 'failure', failure?: string) =>
        writeAudit(pool, {
          electionId,
          at,
          actorRole: actor,
          action: 'participant_list.exclude',
          disposition,
          details: {
            region,
            participantId,
            reason,
            documentSha256,
            ...(failure !== undefined ? { failure } : {}),
            requestId: request.id,
          },
        });
      try {
        await fromStore(() => store.exclude(region, participantId, { reason, document, at, votingEnds }));
      } catch (e) {
        if (e instanceof ApiError) {
          await audit('failure', e.code);
          request.log.info({ event: 'participant_list.exclude.refused', code: e.code }, 'exclusion refused');
        }
        throw e;
      }
      await audit('success');
      request.log.info({ event: 'participant_list.excluded', region, reason }, 'participant excluded');
      const counts = await fromStore(() => store.counts(region));
      return reply.status(201).send({
        exclusion: { participantId, reason, notes: message(EXCLUSION_TEXT[reason]), at: at.toISOString() },
        counts: { onList: counts.onList, ballotsIssued: counts.ballotsIssued },
      });
    },
  );

  app.get(
    '/api/lists/:region/precincts/:precinct/register',
    { schema: listSchemas.register, config: { allow: PERMISSIONS.viewPrecinctRegisters } },
    async (request) => {
      const { region, precinct } = request.params;
      await actingRole(request, PERMISSIONS.viewPrecinctRegisters, region);
      const rows = await fromStore(() => store.precinctRegister(region, precinct));
      return {
        region,
        precinct,
        due: precinctRegistersDue(election.config, region).toISOString(),
        rows: rows.map((r) => ({
          n: r.n,
          fullName: r.fullName,
          birthDate: r.birthDate,
          address: r.address,
          note: r.note,
        })),
      };
    },
  );

  done();
};
