// The list and ballot data bundle at the commission's workstation (P-3.1–P-3.3, P-4.2):
//   POST /api/bundles/verify   the medium's files → verifyBundle's verdict, the signer, the election and
//                              every file with its SHA-256 and status; writes nothing
//   POST /api/bundles/load     the same files → verified again and loaded in one transaction (lists,
//                              the bundle's record, the ballot's source data, audit); the same bundle
//                              again returns the earlier load
// Both take `{ files: [{ path, base64 }] }` (the medium as the browser read it) under a raised body
// limit, and both are for the chairman or the operator (P-3.2), checked before the body is read. The
// signature is checked under the server's trusted roots (deps `bundles.trustedRoots`, else the
// roots of the close, `closing.trustedRoots`: one CA issues the data centre's and the members'
// certificates); with none, BUNDLE_ROOT_NOT_CONFIGURED.
import { Type, type Static } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type pg from 'pg';
import type { CertificateInput } from '@opendeg/deg';
import type { LoadedElection } from '../applications/deps.ts';
import { writeAudit, type ActorRole } from '../audit.ts';
import type { AccessControl } from '../authz/access.ts';
import { PERMISSIONS, type Role } from '../authz/roles.ts';
import type { Clock } from '../deps.ts';
import { ApiError, Message } from '../errors.ts';
import { BUNDLE_VERIFY_CODES, bundleError } from './bundle-errors.ts';
import {
  BUNDLE_BODY_LIMIT,
  decodeBundleFiles,
  MAX_BUNDLE_BYTES,
  MAX_BUNDLE_FILES,
  MAX_PATH_LENGTH,
} from './bundle-files.ts';
import { loadBundle } from './bundle-load.ts';
import { bundleReport } from './bundle-report.ts';

const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const Region = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });

const BundleBody = Type.Object(
  {
    files: Type.Array(
      Type.Object(
        {
          path: Type.String({
            minLength: 1,
            maxLength: MAX_PATH_LENGTH,
            pattern: '^[^\\u0000-\\u001f\\u007f]+$',
            description: 'Relative to the medium’s root, e.g. lists/16.csv, manifest.json',
          }),
          base64: Type.String({
            maxLength: Math.ceil(MAX_BUNDLE_BYTES / 3) * 4,
            pattern: '^[A-Za-z0-9+/]*={0,2}$',
            description: 'The file’s bytes, base64 (RFC 4648 §4)',
          }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_BUNDLE_FILES },
    ),
  },
  { title: 'BundleFiles', additionalProperties: false },
);

export const BundleReportView = Type.Object(
  {
    ok: Type.Boolean({ description: 'verifyBundle’s verdict (P-3.2)' }),
    failure: Type.Optional(
      Type.Object(
        {
          code: Type.Enum(BUNDLE_VERIFY_CODES),
          message: Message,
          detail: Type.Optional(Type.String({ description: 'The file concerned, or the CMS failure code' })),
        },
        { additionalProperties: false },
      ),
    ),
    hash: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of manifest.json' })),
    electionId: Type.Optional(Type.String()),
    kind: Type.Optional(Type.String()),
    createdAt: Type.Optional(Type.String()),
    signer: Type.Optional(
      Type.Object(
        {
          subject: Type.String(),
          role: Type.Optional(Type.String()),
          organisation: Type.Optional(Type.String()),
          validUntil: Type.String({ format: 'date-time' }),
        },
        { additionalProperties: false },
      ),
    ),
    files: Type.Array(
      Type.Object(
        {
          path: Type.String(),
          size: Type.Integer({ minimum: 0 }),
          sha256: Sha256,
          status: Type.Enum(['ok', 'mismatch', 'missing', 'extra', 'unchecked']),
        },
        { additionalProperties: false },
      ),
    ),
    loadedAt: Type.Optional(
      Type.String({ format: 'date-time', description: 'When this bundle was loaded, if it was' }),
    ),
  },
  { title: 'BundleReport', additionalProperties: false },
);
export type BundleReportView = Static<typeof BundleReportView>;

export const LoadedBundleView = Type.Object(
  {
    hash: Sha256,
    kind: Type.String(),
    signer: Type.String(),
    loadedAt: Type.String({ format: 'date-time' }),
    alreadyLoaded: Type.Boolean({ description: 'Loaded before: nothing was written now' }),
    regions: Type.Array(
      Type.Object(
        { region: Region, participants: Type.Integer({ minimum: 0 }) },
        { additionalProperties: false },
      ),
    ),
    ballotVersion: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { title: 'LoadedBundle', additionalProperties: false },
);
export type LoadedBundleView = Static<typeof LoadedBundleView>;

export const bundleSchemas = {
  verify: {
    summary: 'Verify a list and ballot data bundle (P-3.2) / Проверка пакета данных',
    tags: ['lists'],
    body: BundleBody,
    response: { 200: BundleReportView },
  },
  load: {
    summary: 'Load a list and ballot data bundle (P-3.2, P-4.2) / Загрузка пакета данных',
    tags: ['lists'],
    body: BundleBody,
    response: { 200: LoadedBundleView, 201: LoadedBundleView },
  },
};

export interface BundleRoutesOptions {
  clock: Clock;
  pool: pg.Pool;
  election: LoadedElection;
  accessControl: AccessControl;
  /** Roots the data centre's certificate must chain to; none: the routes refuse. */
  trustedRoots: readonly CertificateInput[] | undefined;
}

/** The audit column's spelling of the roles that load the bundle. */
function loader(roles: ReadonlySet<Role>): ActorRole {
  return roles.has('chairman') ? 'chairman' : 'operator';
}

export const bundleRoutes: FastifyPluginCallbackTypebox<BundleRoutesOptions> = (app, options, done) => {
  const { clock, pool, election, accessControl } = options;
  const roots = (): readonly CertificateInput[] => {
    if (options.trustedRoots === undefined || options.trustedRoots.length === 0)
      throw bundleError('BUNDLE_ROOT_NOT_CONFIGURED');
    return options.trustedRoots;
  };

  app.post(
    '/api/bundles/verify',
    {
      schema: bundleSchemas.verify,
      config: { allow: PERMISSIONS.loadParticipantLists },
      bodyLimit: BUNDLE_BODY_LIMIT,
    },
    async (request) => {
      const trustedRoots = roots();
      const files = decodeBundleFiles(request.body.files);
      const report = await bundleReport({ files, electionId: election.id, trustedRoots, at: clock.now() });
      let loadedAt: string | undefined;
      if (report.ok && report.hash !== undefined) {
        const r = await pool.query<{ loaded_at: Date }>(
          'SELECT loaded_at FROM loaded_bundles WHERE hash = $1 AND election_id = $2',
          [Buffer.from(report.hash, 'hex'), election.id],
        );
        loadedAt = r.rows[0]?.loaded_at.toISOString();
      }
      request.log.info(
        { event: 'bundle.verified', ok: report.ok, failure: report.failure?.code, hash: report.hash },
        'bundle verified',
      );
      return { ...report, ...(loadedAt === undefined ? {} : { loadedAt }) };
    },
  );

  app.post(
    '/api/bundles/load',
    {
      schema: bundleSchemas.load,
      config: { allow: PERMISSIONS.loadParticipantLists },
      bodyLimit: BUNDLE_BODY_LIMIT,
    },
    async (request, reply) => {
      const actorRole = loader((await accessControl.access(request)).roles);
      let trustedRoots: readonly CertificateInput[];
      let files: Map<string, Uint8Array>;
      try {
        trustedRoots = roots();
        files = decodeBundleFiles(request.body.files);
      } catch (e) {
        // Refused before loadBundle, which audits its own refusals: audited here.
        if (e instanceof ApiError)
          await writeAudit(pool, {
            electionId: election.id,
            at: clock.now(),
            actorRole,
            action: 'bundle.load',
            disposition: 'failure',
            details: { failure: e.code, requestId: request.id },
          });
        throw e;
      }
      const loaded = await loadBundle(pool, {
        electionId: election.id,
        config: election.config,
        files,
        trustedRoots,
        at: clock.now(),
        actorRole,
        requestId: request.id,
      });
      request.log.info(
        {
          event: 'bundle.loaded',
          hash: loaded.hash,
          alreadyLoaded: loaded.alreadyLoaded,
          regions: loaded.regions.length,
        },
        'bundle loaded',
      );
      return reply.status(loaded.alreadyLoaded ? 200 : 201).send({
        hash: loaded.hash,
        kind: loaded.kind,
        signer: loaded.signer,
        loadedAt: loaded.loadedAt.toISOString(),
        alreadyLoaded: loaded.alreadyLoaded,
        regions: loaded.regions,
        ...(loaded.ballotVersion === undefined ? {} : { ballotVersion: loaded.ballotVersion }),
      });
    },
  );

  done();
};
