// Premises equipped for remote voting over HTTP, Procedure P-3.7 (seed 004, 3.7), on
// premises-store.ts and premises-rules.ts:
//   GET  /api/premises/:region                   the region's premises as they are now: public from
//                                                `schedule.premisesPublished` (the start of that day in
//                                                the region's time zone); before that the commission
//                                                and the operator, who prepare the list
//   GET  /api/premises/:region/history           every version, so what was published stays readable
//                                                after a change (same access)
//   POST /api/premises/:region                   a premises entered (secretary or operator)
//   PUT  /api/premises/:region/:premisesId       a change or a closing: a new version (same roles)
// Hours are the region's local times on the voting days; each is also given as an instant. Changes
// are possible until the region's voting ends. Every change is audited by premises id, version and
// region; a premises is a public place, with no personal data.
import { Type, type Static } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { localToInstant, type RegionConfig } from '@opendeg/deg';
import type { LoadedElection } from '../applications/deps.ts';
import { writeAudit, type ActorRole } from '../audit.ts';
import type { AccessControl } from '../authz/access.ts';
import { COMMISSION_ROLES, PERMISSIONS, type Role } from '../authz/roles.ts';
import type { Clock } from '../deps.ts';
import { ApiError, bilingual } from '../errors.ts';
import { withTransaction } from '../transaction.ts';
import { checkHours, HOURS_MESSAGES, premisesChangeable, premisesPublishedFrom } from './premises-rules.ts';
import {
  currentPremises,
  insertPremisesVersion,
  latestForUpdate,
  premisesHistory,
  type PremisesContents,
  type PremisesVersion,
} from './premises-store.ts';

const Region = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const HourMinute = Type.String({ pattern: '^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$' });

const HoursBody = Type.Object(
  { day: Day, opens: HourMinute, closes: HourMinute },
  { additionalProperties: false },
);
const Contents = {
  precinct: Type.Optional(
    Type.String({ pattern: '^[0-9]{1,5}$', description: 'Its precinct, if a polling room' }),
  ),
  name: Type.String({ minLength: 1, maxLength: 300, pattern: '\\S' }),
  address: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' }),
  equipment: Type.String({
    minLength: 1,
    maxLength: 1000,
    pattern: '\\S',
    description: 'What is installed, how many',
  }),
  hours: Type.Array(HoursBody, { minItems: 1, maxItems: 31 }),
};

export const PremisesView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    version: Type.Integer({ minimum: 1 }),
    region: Region,
    precinct: Type.Optional(Type.String()),
    name: Type.String(),
    address: Type.String(),
    equipment: Type.String(),
    timeZone: Type.String({ description: "The region's time zone: hours are its local times" }),
    hours: Type.Array(
      Type.Object(
        {
          day: Day,
          opens: Type.String(),
          closes: Type.String(),
          opensAt: Type.String({ format: 'date-time' }),
          closesAt: Type.String({ format: 'date-time' }),
        },
        { additionalProperties: false },
      ),
    ),
    closed: Type.Boolean(),
    enteredAt: Type.String({ format: 'date-time' }),
    afterPublication: Type.Boolean({
      description: 'Entered after the publication date (a change of what was published)',
    }),
  },
  { title: 'Premises', additionalProperties: false },
);
export type PremisesView = Static<typeof PremisesView>;

const RegionParams = Type.Object({ region: Region }, { additionalProperties: false });
const RegionList = Type.Object(
  {
    electionId: Type.String(),
    region: Region,
    timeZone: Type.String(),
    publishedFrom: Type.String({ format: 'date-time' }),
    published: Type.Boolean(),
    premises: Type.Array(PremisesView),
  },
  { additionalProperties: false },
);

export const premisesSchemas = {
  list: {
    summary: 'Premises for remote voting (P-3.7) / Помещения для дистанционного электронного голосования',
    tags: ['premises'],
    params: RegionParams,
    response: { 200: RegionList },
  },
  history: {
    summary: 'Premises, every version (P-3.7) / Помещения для ДЭГ, все версии',
    tags: ['premises'],
    params: RegionParams,
    response: { 200: RegionList },
  },
  enter: {
    summary: 'Enter a premises (P-3.7) / Внести помещение для ДЭГ',
    tags: ['premises'],
    params: RegionParams,
    body: Type.Object(Contents, { additionalProperties: false }),
    response: { 201: Type.Object({ premises: PremisesView }, { additionalProperties: false }) },
  },
  change: {
    summary: 'Change or close a premises (P-3.7) / Изменить или закрыть помещение для ДЭГ',
    tags: ['premises'],
    params: Type.Object(
      { region: Region, premisesId: Type.String({ format: 'uuid' }) },
      { additionalProperties: false },
    ),
    body: Type.Object(
      { ...Contents, closed: Type.Optional(Type.Boolean({ description: 'The premises no longer serves' })) },
      { additionalProperties: false },
    ),
    response: { 200: Type.Object({ premises: PremisesView }, { additionalProperties: false }) },
  },
};

export interface PremisesRoutesOptions {
  clock: Clock;
  pool: pg.Pool;
  election: LoadedElection;
  accessControl: AccessControl;
}

/** Who sees a region's premises before they are published: those who prepare them. */
const PREVIEW: readonly Role[] = [...COMMISSION_ROLES, ...PERMISSIONS.enterPremises];

export const premisesRoutes: FastifyPluginCallbackTypebox<PremisesRoutesOptions> = (app, options, done) => {
  const { clock, pool, election, accessControl } = options;
  const electionId = election.id;
  const config = election.config;

  function regionOf(code: string): RegionConfig {
    const region = config.regions.find((r) => r.code === code);
    if (region === undefined)
      throw new ApiError(
        'REGION_NOT_FOUND',
        404,
        'Такого региона нет в выборах / No such region in the election',
      );
    return region;
  }

  function view(region: RegionConfig, v: PremisesVersion): PremisesView {
    const publishedFrom = premisesPublishedFrom(config, region.code);
    return {
      id: v.premisesId,
      version: v.version,
      region: v.region,
      ...(v.precinct !== null ? { precinct: v.precinct } : {}),
      name: v.name,
      address: v.address,
      equipment: v.equipment,
      timeZone: region.timeZone,
      hours: v.hours.map((h) => ({
        ...h,
        opensAt: localToInstant(`${h.day}T${h.opens}`, region.timeZone).toISOString(),
        closesAt: localToInstant(`${h.day}T${h.closes}`, region.timeZone).toISOString(),
      })),
      closed: v.closed,
      enteredAt: v.enteredAt.toISOString(),
      afterPublication: v.enteredAt.getTime() >= publishedFrom.getTime(),
    };
  }

  /** P-3.7: public from the publication date; before it, those who prepare the list. */
  async function readable(
    request: FastifyRequest,
    region: RegionConfig,
  ): Promise<{ from: Date; published: boolean }> {
    const from = premisesPublishedFrom(config, region.code);
    const published = clock.now().getTime() >= from.getTime();
    if (!published) {
      const { roles } = await accessControl.access(request);
      if (!PREVIEW.some((r) => roles.has(r))) {
        throw new ApiError(
          'PREMISES_NOT_PUBLISHED',
          409,
          'Сведения о помещениях ещё не опубликованы / The premises are not published yet',
        );
      }
    }
    return { from, published };
  }

  async function regionList(request: FastifyRequest, code: string, all: boolean) {
    const region = regionOf(code);
    const { from, published } = await readable(request, region);
    const history = await premisesHistory(pool, electionId, region.code);
    const shown = all ? history : currentPremises(history);
    return {
      electionId,
      region: region.code,
      timeZone: region.timeZone,
      publishedFrom: from.toISOString(),
      published,
      premises: shown.map((v) => view(region, v)),
    };
  }

  function checkContents(
    region: RegionConfig,
    body: { precinct?: string | undefined; hours: PremisesContents['hours'] },
  ): void {
    if (body.precinct !== undefined && !region.precincts.some((p) => p.number === body.precinct)) {
      throw new ApiError(
        'PREMISES_INVALID',
        422,
        'Такого участка в субъекте нет / No such precinct in the region',
      );
    }
    const problem = checkHours(config, body.hours);
    if (problem !== undefined)
      throw new ApiError('PREMISES_INVALID', 422, bilingual(HOURS_MESSAGES[problem]));
  }

  function checkChangeable(region: RegionConfig, at: Date): void {
    if (!premisesChangeable(config, region.code, at)) {
      throw new ApiError(
        'VOTING_ENDED',
        409,
        'Голосование в субъекте окончено / Voting in the region has ended',
      );
    }
  }

  async function actor(request: FastifyRequest): Promise<ActorRole> {
    return (await accessControl.access(request)).roles.has('secretary') ? 'secretary' : 'operator';
  }

  /** Runs a change; a refusal is audited with its code, then thrown. */
  async function change<T>(
    action: string,
    request: FastifyRequest,
    details: Record<string, string | number | boolean>,
    run: (at: Date, actorRole: ActorRole) => Promise<T>,
  ): Promise<T> {
    const at = clock.now();
    const actorRole = await actor(request);
    try {
      return await run(at, actorRole);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      await writeAudit(pool, {
        electionId,
        at,
        actorRole,
        action,
        disposition: 'failure',
        details: { ...details, failure: e.code, requestId: request.id },
      });
      throw e;
    }
  }

  app.get('/api/premises/:region', { schema: premisesSchemas.list, config: { allow: 'public' } }, (request) =>
    regionList(request, request.params.region, false),
  );

  app.get(
    '/api/premises/:region/history',
    { schema: premisesSchemas.history, config: { allow: 'public' } },
    (request) => regionList(request, request.params.region, true),
  );

  app.post(
    '/api/premises/:region',
    { schema: premisesSchemas.enter, config: { allow: PERMISSIONS.enterPremises } },
    async (request, reply) => {
      const details = { region: request.params.region };
      const made = await change('premises.enter', request, details, async (at, actorRole) => {
        const region = regionOf(request.params.region);
        checkChangeable(region, at);
        checkContents(region, request.body);
        return withTransaction(pool, async (client) => {
          const v = await insertPremisesVersion(client, electionId, {
            version: 1,
            region: region.code,
            precinct: request.body.precinct ?? null,
            name: request.body.name,
            address: request.body.address,
            equipment: request.body.equipment,
            hours: request.body.hours,
            closed: false,
            at,
          });
          await writeAudit(client, {
            electionId,
            at,
            actorRole,
            action: 'premises.enter',
            disposition: 'success',
            details: { ...details, premisesId: v.premisesId, version: 1, requestId: request.id },
          });
          return { region, v };
        });
      });
      request.log.info({ event: 'premises.entered', region: made.region.code }, 'premises entered');
      return reply.status(201).send({ premises: view(made.region, made.v) });
    },
  );

  app.put(
    '/api/premises/:region/:premisesId',
    { schema: premisesSchemas.change, config: { allow: PERMISSIONS.enterPremises } },
    async (request) => {
      const { premisesId } = request.params;
      const closed = request.body.closed === true;
      const details = { region: request.params.region, premisesId, closed };
      const made = await change('premises.change', request, details, async (at, actorRole) => {
        const region = regionOf(request.params.region);
        checkChangeable(region, at);
        checkContents(region, request.body);
        return withTransaction(pool, async (client) => {
          const latest = await latestForUpdate(client, electionId, premisesId);
          if (latest?.region !== region.code || latest.closed) {
            throw new ApiError(
              'PREMISES_NOT_FOUND',
              404,
              'Нет действующего помещения с таким идентификатором в субъекте / No open premises with this id in the region',
            );
          }
          const v = await insertPremisesVersion(client, electionId, {
            premisesId,
            version: latest.version + 1,
            region: region.code,
            precinct: request.body.precinct ?? null,
            name: request.body.name,
            address: request.body.address,
            equipment: request.body.equipment,
            hours: request.body.hours,
            closed,
            at,
          });
          await writeAudit(client, {
            electionId,
            at,
            actorRole,
            action: 'premises.change',
            disposition: 'success',
            details: { ...details, version: v.version, requestId: request.id },
          });
          return { region, v };
        });
      });
      request.log.info({ event: 'premises.changed', region: made.region.code, closed }, 'premises changed');
      return { premises: view(made.region, made.v) };
    },
  );

  done();
};
