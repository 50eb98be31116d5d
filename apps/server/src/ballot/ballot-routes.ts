// The electronic ballot over HTTP, Procedure P-4.1–P-4.5, on the versions of ballot-store.ts:
//   GET  /api/ballot/:region           the current ballot of a region in one of its ballot languages
//                                      (`lang`, default Russian; a candidate without a translation is
//                                      shown in Russian, P-4.1): public during the region's voting
//                                      period only (P-4.5, P-6.1); the commission, CEC members,
//                                      observers and the operator see it at any time
//   GET  /api/ballot/versions          every version of the source data with why it changed (same
//                                      roles, any time)
//   POST /api/ballot/versions          updated source data after a candidate withdrew or was
//                                      deregistered, or the CEC put a candidate on the ballot (P-4.3):
//                                      chairman or operator, refused BALLOT_FIXED from the moment
//                                      voting starts in the first region
// The first version comes with the list data in the bundle (`opendeg bundle load`, P-4.2). Every
// update and refused update is audited with the version, the reason, the candidate id and the
// source's SHA-256; the source data are public, and no voter's data is involved.
import { Type, type Static } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type pg from 'pg';
import { localizeBallot, votingStarts, votingWindow, type Message as DegMessage } from '@opendeg/deg';
import type { LoadedElection } from '../applications/deps.ts';
import { writeAudit, type ActorRole } from '../audit.ts';
import type { AccessControl } from '../authz/access.ts';
import { PERMISSIONS, type Role } from '../authz/roles.ts';
import type { Clock } from '../deps.ts';
import { ApiError, bilingual, type ErrorCode } from '../errors.ts';
import { withTransaction } from '../transaction.ts';
import { BallotSourceSchema, toBallotSource } from './ballot-source-schema.ts';
import {
  BALLOT_UPDATE_REASONS,
  ballotHistory,
  currentBallotVersion,
  loadBallotVersion,
  type BallotLoadRefusal,
  type StoredBallotVersion,
} from './ballot-store.ts';

const Region = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });
const Id = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });
const Reason = Type.Enum(BALLOT_UPDATE_REASONS, {
  description:
    'withdrawn: выбытие кандидата; deregistered: отмена или аннулирование регистрации; added: решение ЦИК России о внесении данных о кандидате',
});

export const RegionBallotView = Type.Object(
  {
    electionId: Type.String(),
    region: Region,
    version: Type.Integer({ minimum: 1 }),
    language: Type.String({ description: 'The language shown' }),
    languages: Type.Array(Type.String(), { description: "The region's ballot languages, Russian first" }),
    title: Type.String(),
    instructions: Type.String(),
    candidates: Type.Array(
      Type.Object({ id: Id, name: Type.String(), info: Type.String() }, { additionalProperties: false }),
    ),
    votingOpens: Type.String({ format: 'date-time' }),
    votingCloses: Type.String({ format: 'date-time' }),
    /** The region's IANA time zone: the window is shown in the region's own time. */
    timeZone: Type.String({ minLength: 1 }),
  },
  { title: 'RegionBallot', additionalProperties: false },
);

export const BallotVersionView = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    source: BallotSourceSchema,
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    origin: Type.Union([Type.Literal('bundle'), Type.Literal('update')]),
    bundleHash: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
    reason: Type.Optional(Reason),
    candidateId: Type.Optional(Id),
    loadedAt: Type.String({ format: 'date-time' }),
  },
  { title: 'BallotVersion', additionalProperties: false },
);
export type BallotVersionView = Static<typeof BallotVersionView>;

export const ballotSchemas = {
  region: {
    summary: "A region's ballot (P-4.1, P-4.5) / Электронный бюллетень субъекта",
    tags: ['ballot'],
    params: Type.Object({ region: Region }, { additionalProperties: false }),
    querystring: Type.Object(
      { lang: Type.Optional(Type.String({ pattern: '^[a-z]{2,3}$' })) },
      { additionalProperties: false },
    ),
    response: { 200: RegionBallotView },
  },
  versions: {
    summary: 'Ballot source data, every version (P-4.2, P-4.3) / Исходные данные бюллетеня, все версии',
    tags: ['ballot'],
    response: {
      200: Type.Object(
        {
          electionId: Type.String(),
          fixedFrom: Type.String({ format: 'date-time', description: 'Voting starts in the first region' }),
          versions: Type.Array(BallotVersionView),
        },
        { additionalProperties: false },
      ),
    },
  },
  update: {
    summary: 'Updated ballot source data (P-4.3) / Уточнённые исходные данные бюллетеня',
    tags: ['ballot'],
    body: Type.Object(
      { reason: Reason, candidateId: Id, source: BallotSourceSchema },
      { additionalProperties: false },
    ),
    response: { 201: Type.Object({ version: BallotVersionView }, { additionalProperties: false }) },
  },
};

export interface BallotRoutesOptions {
  clock: Clock;
  pool: pg.Pool;
  election: LoadedElection;
  accessControl: AccessControl;
}

function versionView(v: StoredBallotVersion): BallotVersionView {
  return {
    version: v.version,
    source: {
      version: v.source.version,
      title: v.source.title,
      instructions: v.source.instructions,
      candidates: v.source.candidates.map((c) => ({
        id: c.id,
        name: c.name,
        info: c.info,
        ...(c.translations !== undefined ? { translations: { ...c.translations } } : {}),
      })),
    },
    sha256: v.sha256Hex,
    origin: v.origin,
    ...(v.bundleHash !== null ? { bundleHash: v.bundleHash } : {}),
    ...(v.reason !== null ? { reason: v.reason } : {}),
    ...(v.candidateId !== null ? { candidateId: v.candidateId } : {}),
    loadedAt: v.loadedAt.toISOString(),
  };
}

function refusalCode(code: BallotLoadRefusal): [ErrorCode, number] {
  switch (code) {
    case 'BALLOT_FIXED':
      return ['BALLOT_FIXED', 409];
    case 'BAD_VERSION':
      return ['BALLOT_BAD_VERSION', 409];
    case 'NO_CANDIDATES':
      return ['BALLOT_NO_CANDIDATES', 422];
    case 'DUPLICATE_CANDIDATE':
      return ['BALLOT_DUPLICATE_CANDIDATE', 422];
    case 'CANDIDATE_MISMATCH':
      return ['BALLOT_CANDIDATE_MISMATCH', 422];
    default:
      return unknownCode(code);
  }
}

/** A ballot refusal as the API says it; the message is the rule's, in both languages. */
export function ballotApiError(code: BallotLoadRefusal, message: DegMessage): ApiError {
  const [apiCode, status] = refusalCode(code);
  return new ApiError(apiCode, status, bilingual(message));
}

function unknownCode(code: never): never {
  throw new Error(`unknown code ${String(code)}`);
}

const NOT_LOADED = (): ApiError =>
  new ApiError(
    'BALLOT_NOT_FOUND',
    404,
    'Исходные данные бюллетеня ещё не загружены / The ballot source data are not loaded yet',
  );

/** The audit column's spelling of the roles that load the ballot. */
function loader(roles: ReadonlySet<Role>): ActorRole {
  return roles.has('chairman') ? 'chairman' : 'operator';
}

export const ballotRoutes: FastifyPluginCallbackTypebox<BallotRoutesOptions> = (app, options, done) => {
  const { clock, pool, election, accessControl } = options;
  const electionId = election.id;
  const anyTime: readonly Role[] = PERMISSIONS.viewBallotAnyTime;

  app.get(
    '/api/ballot/:region',
    { schema: ballotSchemas.region, config: { allow: 'public' } },
    async (request) => {
      const region = election.config.regions.find((r) => r.code === request.params.region);
      if (region === undefined) {
        throw new ApiError(
          'REGION_NOT_FOUND',
          404,
          'Такого региона нет в выборах / No such region in the election',
        );
      }
      const window = votingWindow(election.config, region.code);
      const now = clock.now();
      const open = now.getTime() >= window.opens.getTime() && now.getTime() < window.closes.getTime();
      if (!open) {
        // P-4.5: outside the voting period only those who prepare and watch the election see it.
        const { roles } = await accessControl.access(request);
        if (!anyTime.some((r) => roles.has(r))) {
          throw new ApiError(
            'BALLOT_NOT_AVAILABLE',
            409,
            'Электронный бюллетень доступен только в период голосования / The ballot is available only during the voting period',
          );
        }
      }
      const language = request.query.lang ?? 'ru';
      if (!region.languages.includes(language)) {
        throw new ApiError(
          'BALLOT_LANGUAGE_NOT_OFFERED',
          422,
          'Бюллетень в этом субъекте не формируется на этом языке / The region has no ballot in this language',
        );
      }
      const current = await currentBallotVersion(pool, electionId);
      if (current === undefined) throw NOT_LOADED();
      return {
        electionId,
        region: region.code,
        version: current.version,
        language,
        languages: [...region.languages],
        title: current.source.title,
        instructions: current.source.instructions,
        candidates: localizeBallot(current.source, language),
        votingOpens: window.opens.toISOString(),
        votingCloses: window.closes.toISOString(),
        timeZone: region.timeZone,
      };
    },
  );

  app.get(
    '/api/ballot/versions',
    { schema: ballotSchemas.versions, config: { allow: PERMISSIONS.viewBallotAnyTime } },
    async () => {
      const versions = await ballotHistory(pool, electionId);
      return {
        electionId,
        fixedFrom: votingStarts(election.config).toISOString(),
        versions: versions.map(versionView),
      };
    },
  );

  app.post(
    '/api/ballot/versions',
    { schema: ballotSchemas.update, config: { allow: PERMISSIONS.loadBallot } },
    async (request, reply) => {
      const { reason, candidateId } = request.body;
      const source = toBallotSource(request.body.source);
      const at = clock.now();
      const actorRole = loader((await accessControl.access(request)).roles);
      const details = { version: source.version, reason, candidateId, requestId: request.id };
      const outcome = await withTransaction(pool, async (client) => {
        const current = await currentBallotVersion(client, electionId);
        if (current === undefined) return { ok: false as const, notLoaded: true as const };
        const loaded = await loadBallotVersion(client, {
          electionId,
          config: election.config,
          source,
          at,
          origin: { kind: 'update', reason, candidateId },
        });
        if (loaded.ok) {
          await writeAudit(client, {
            electionId,
            at,
            actorRole,
            action: 'ballot.update',
            disposition: 'success',
            details: { ...details, sha256: loaded.version.sha256Hex },
          });
        }
        return loaded;
      });
      if (!outcome.ok) {
        const refused = 'notLoaded' in outcome ? NOT_LOADED() : ballotApiError(outcome.code, outcome.message);
        await writeAudit(pool, {
          electionId,
          at,
          actorRole,
          action: 'ballot.update',
          disposition: 'failure',
          details: { ...details, failure: refused.code },
        });
        throw refused;
      }
      request.log.info(
        { event: 'ballot.updated', version: outcome.version.version, reason },
        'ballot updated',
      );
      return reply.status(201).send({ version: versionView(outcome.version) });
    },
  );

  done();
};
