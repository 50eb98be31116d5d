// The election manifest over HTTP:
//   POST /api/election/manifest  fixes it, once (chairman): every key group has its key (P-5.2), the
//                                ballot's source data are loaded (P-4.2) and every region has its
//                                issuer key; the manifest is checked (every key's proofs too),
//                                stored, hashed and entered into the ledger, before any ballot
//   GET  /api/election/manifest  the manifest, public: its canonical JSON exactly, so that SHA-256 of
//                                the body is the election context every proof is bound to
import { createHash } from 'node:crypto';
import { Type } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type pg from 'pg';
import { canonicalJson, type JsonValue } from '@opendeg/crypto';
import { ElectionError, openElection } from '@opendeg/election';
import type { LoadedElection } from '../applications/deps.ts';
import { writeAudit } from '../audit.ts';
import { PERMISSIONS } from '../authz/roles.ts';
import type { Clock } from '../deps.ts';
import type { ApiError } from '../errors.ts';
import { withTransaction } from '../transaction.ts';
import { listCeremonies } from './ceremony-routes.ts';
import type { KeysDeps } from './deps.ts';
import { keyErrors } from './keys-errors.ts';
import { buildManifest } from './manifest.ts';
import { loadManifest } from './manifest-store.ts';

const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });

export const manifestSchemas = {
  fix: {
    summary: 'Fix the election manifest / Зафиксировать описание выборов',
    tags: ['keys'],
    response: {
      201: Type.Object(
        {
          sha256: Sha256,
          ledgerIndex: Type.Integer({ minimum: 0 }),
          fixedAt: Type.String({ format: 'date-time' }),
          bytes: Type.Integer({ minimum: 2 }),
        },
        { additionalProperties: false },
      ),
    },
  },
  get: {
    summary: 'The election manifest (canonical JSON) / Описание выборов',
    tags: ['public'],
    response: {
      // The stored canonical JSON is sent as it is, so the body hashes to the election context.
      200: Type.Unsafe<string>({
        type: 'object',
        additionalProperties: true,
        title: 'ElectionManifest',
        description: 'packages/election manifest, RFC 8785 canonical JSON',
      }),
    },
  },
};

export interface ManifestRoutesOptions {
  clock: Clock;
  pool: pg.Pool;
  election: LoadedElection;
  keys: KeysDeps;
}

export const manifestRoutes: FastifyPluginCallbackTypebox<ManifestRoutesOptions> = (app, options, done) => {
  const { clock, pool, election, keys } = options;
  const electionId = election.id;
  const config = election.config;

  app.post(
    '/api/election/manifest',
    { schema: manifestSchemas.fix, config: { allow: PERMISSIONS.fixElectionManifest } },
    async (request, reply) => {
      const at = clock.now();
      const refuse = async (error: ApiError): Promise<never> => {
        await writeAudit(pool, {
          electionId,
          at,
          actorRole: 'chairman',
          action: 'election.manifest',
          disposition: 'failure',
          details: { failure: error.code, requestId: request.id },
        });
        throw error;
      };
      if ((await loadManifest(pool, electionId)) !== undefined) return refuse(keyErrors.manifestFixed());
      const ceremonies = await listCeremonies(pool, electionId);
      const missing = config.keyGroups
        .filter((k) => !ceremonies.some((c) => c.keyGroup === k.id))
        .map((k) => k.id);
      if (missing.length > 0) return refuse(keyErrors.keysMissing(missing));

      let source;
      let issuers;
      try {
        source = await keys.ballotSource();
        issuers = await keys.issuerKeys(config.regions.map((r) => r.code));
      } catch (e) {
        request.log.warn({ err: e, event: 'election.manifest' }, 'manifest sources unavailable');
        return refuse(
          keyErrors.sourceInvalid(
            'Нет исходных данных бюллетеня или ключей выдачи',
            'The ballot source data or the issuer keys are not available',
          ),
        );
      }
      const built = buildManifest(
        config,
        ceremonies.map((c) => ({
          id: c.keyGroup,
          threshold: { n: c.n, k: c.k },
          publicKey: c.publicKey,
          commitments: c.commitments,
          proofs: c.proofs,
        })),
        source,
        issuers,
      );
      if (!built.ok)
        return refuse(
          keyErrors.sourceInvalid(
            'Описание выборов не собирается',
            `The manifest does not build: ${built.problem}`,
          ),
        );
      try {
        // Every key's commitments and proofs, and every issuer key, decode and verify.
        await openElection(built.manifest, {
          checkKeys: true,
          ...(keys.backend === undefined ? {} : { backend: keys.backend }),
        });
      } catch (e) {
        if (!(e instanceof ElectionError)) throw e;
        return refuse(
          keyErrors.sourceInvalid(
            'Описание выборов не проходит проверку',
            `The manifest fails its check: ${e.message}`,
          ),
        );
      }
      const canonical = canonicalJson(built.manifest);
      const sha256Hex = createHash('sha256').update(canonical, 'utf8').digest('hex');
      const fixed = await withTransaction(pool, async (client) => {
        await client.query("SELECT pg_advisory_xact_lock(hashtextextended('opendeg-manifest:' || $1, 0))", [
          electionId,
        ]);
        if ((await loadManifest(client, electionId)) !== undefined) return undefined;
        const receipt = await keys.ledger.append({
          type: 'manifest',
          sha256: sha256Hex,
          manifest: built.manifest as unknown as JsonValue,
        });
        if (!receipt.ok) throw new Error(`manifest: ledger append failed: ${receipt.error.message}`);
        await client.query(
          `INSERT INTO election_manifests (election_id, manifest, sha256, ledger_index, fixed_at)
           VALUES ($1, $2, decode($3, 'hex'), $4, $5)`,
          [electionId, canonical, sha256Hex, receipt.value.index, at],
        );
        await writeAudit(client, {
          electionId,
          at,
          actorRole: 'chairman',
          action: 'election.manifest',
          disposition: 'success',
          details: { sha256: sha256Hex, ledgerIndex: receipt.value.index, requestId: request.id },
        });
        return receipt.value.index;
      });
      if (fixed === undefined) return refuse(keyErrors.manifestFixed());
      request.log.info(
        { event: 'election.manifest', sha256: sha256Hex, ledgerIndex: fixed },
        'manifest fixed',
      );
      return reply.status(201).send({
        sha256: sha256Hex,
        ledgerIndex: fixed,
        fixedAt: at.toISOString(),
        bytes: Buffer.byteLength(canonical, 'utf8'),
      });
    },
  );

  app.get(
    '/api/election/manifest',
    { schema: manifestSchemas.get, config: { allow: 'public' } },
    async (_request, reply) => {
      const stored = await loadManifest(pool, electionId);
      if (stored === undefined) throw keyErrors.manifestNotFixed();
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('x-manifest-sha256', stored.sha256Hex)
        .header('etag', `"${stored.sha256Hex}"`)
        .header('cache-control', 'public, max-age=60')
        .send(stored.canonical);
    },
  );

  done();
};
