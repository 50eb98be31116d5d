// The final participant lists of a key group over HTTP, Procedure P-7.1–P-7.5:
//   POST /api/closing/certificates                         a member's certificate (operator, chairman)
//   GET  /api/closing/certificates                         the registered certificates
//   POST /api/closing/key-groups/:keyGroup/final-lists     the chairman orders the final lists (P-7.2),
//                                                          not before the group's time (P-7.1)
//   GET  /api/closing/key-groups/:keyGroup/final-lists     the document's canonical bytes, its numbers,
//                                                          who signed
//   POST /api/closing/key-groups/:keyGroup/final-lists/signatures   the chairman's or the secretary's
//                                                          detached CMS signature (P-7.3)
//   POST /api/closing/key-groups/:keyGroup/final-lists/custody      where the write-once medium went (P-7.5)
// Ordering freezes every list of the group with its final numbers (lines 1 and 2, P-7.3; the list
// never changes after, P-7.4), takes the ballot box's cast counts (line 3) and closed tallies, and
// writes the document the two officers sign. The document names regions and numbers only.
import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type pg from 'pg';
import { isListStoreError, ParticipantListStore, type StoredListCounts } from '@opendeg/db';
import { closingNotBefore } from '@opendeg/deg';
import { writeAudit } from '../audit.ts';
import { COMMISSION_ROLES, PERMISSIONS } from '../authz/roles.ts';
import { ApiError } from '../errors.ts';
import { withTransaction } from '../transaction.ts';
import {
  actingMember,
  actingRole,
  appendLedger,
  keyGroupOf,
  regionsOf,
  type ClosingRoutesOptions,
} from './closing-context.ts';
import { createDocument, readDocument, readSignOffs, recordSignOff } from './closing-documents.ts';
import { custodyBundle } from './bundles.ts';
import { refuse, violated } from './closing-errors.ts';
import {
  Base64,
  Fingerprint,
  Id,
  KeyGroupParams,
  SignatureBody,
  SignOffView,
  signOffView,
} from './closing-schemas.ts';
import {
  importMemberCertificate,
  listMemberCertificates,
  verifyMemberSignature,
} from './member-signatures.ts';

/** Who may see the final lists' numbers and signatures: those who may view the lists (P-3.3, P-10.6). */
const VIEW = PERMISSIONS.viewParticipantLists;
const CERTIFICATE_IMPORTERS = ['operator', 'chairman'] as const;
const CERTIFICATE_VIEWERS = [...COMMISSION_ROLES, 'operator'] as const;
const FINAL_LIST_SIGNERS = ['chairman', 'secretary'] as const;

const CertificateView = Type.Object(
  {
    memberId: Id,
    fingerprint: Fingerprint,
    notBefore: Type.String({ format: 'date-time' }),
    notAfter: Type.String({ format: 'date-time' }),
    importedAt: Type.String({ format: 'date-time' }),
  },
  { title: 'MemberCertificate', additionalProperties: false },
);

const FinalListRegion = Type.Object(
  {
    region: Id,
    onList: Type.Integer({ minimum: 0, description: 'Line 1: on the list at the end of voting' }),
    ballotsIssued: Type.Integer({ minimum: 0, description: 'Line 2: ballots to which access was granted' }),
  },
  { title: 'FinalListRegion', additionalProperties: false },
);

const FinalListsView = Type.Object(
  {
    keyGroup: Id,
    orderedAt: Type.String({ format: 'date-time' }),
    regions: Type.Array(FinalListRegion),
    document: Base64,
    sha256: Fingerprint,
    signers: Type.Array(Id, { description: 'P-7.3: the chairman and the secretary' }),
    signOffs: Type.Array(SignOffView),
    publishedAt: Type.Optional(Type.String({ format: 'date-time', description: 'When both had signed' })),
  },
  { title: 'FinalLists', additionalProperties: false },
);

export const finalListSchemas = {
  importCertificate: {
    summary: "Import a member's certificate / Регистрация сертификата члена комиссии",
    tags: ['closing'],
    body: Type.Object(
      {
        memberId: Id,
        certificate: Type.String({ minLength: 64, maxLength: 32768, description: 'PEM or base64 DER' }),
      },
      { additionalProperties: false },
    ),
    response: { 201: Type.Object({ certificate: CertificateView }, { additionalProperties: false }) },
  },
  certificates: {
    summary: "Members' certificates / Сертификаты членов комиссии",
    tags: ['closing'],
    response: {
      200: Type.Object({ certificates: Type.Array(CertificateView) }, { additionalProperties: false }),
    },
  },
  order: {
    summary: 'Order the final lists (P-7.1, P-7.2) / Формирование итоговых списков участников ДЭГ',
    tags: ['closing'],
    params: KeyGroupParams,
    response: { 201: FinalListsView },
  },
  view: {
    summary: 'The final lists and their signatures (P-7.3) / Итоговые списки и подписи',
    tags: ['closing'],
    params: KeyGroupParams,
    response: { 200: FinalListsView },
  },
  sign: {
    summary: 'Sign the final lists (P-7.3) / Подписать итоговые списки',
    tags: ['closing'],
    params: KeyGroupParams,
    body: SignatureBody,
    response: { 201: FinalListsView },
  },
  custody: {
    summary: 'Custody of the write-once medium (P-7.4, P-7.5) / Передача носителя на хранение',
    tags: ['closing'],
    params: KeyGroupParams,
    body: Type.Object(
      {
        medium: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: 'Label or serial' }),
        place: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: 'e.g. «сейф № 2»' }),
        bundleSha256: Type.String({
          pattern: '^[0-9a-f]{64}$',
          description: "SHA-256 of the written bundle's manifest (packages/deg bundle)",
        }),
        placedAt: Type.String({ format: 'date-time' }),
      },
      { additionalProperties: false },
    ),
    response: {
      201: Type.Object(
        {
          id: Type.String({ format: 'uuid' }),
          keyGroup: Id,
          memberId: Id,
          medium: Type.String(),
          place: Type.String(),
          bundleSha256: Type.String(),
          bundlePath: Type.Optional(
            Type.String({ description: 'Where the server wrote the bundle in its write-once store' }),
          ),
          placedAt: Type.String({ format: 'date-time' }),
        },
        { additionalProperties: false },
      ),
    },
  },
};

interface RegionRow {
  region: string;
  on_list: number;
  issued: number;
  ordered_at: Date;
}

/** The final numbers of a region's list: frozen now, or as frozen before (a retried order). */
async function freezeList(
  store: ParticipantListStore,
  pool: pg.Pool,
  electionId: string,
  region: string,
  at: Date,
): Promise<{ counts: StoredListCounts; applications: number }> {
  const applications = await pool.query<{ participant_count: number }>(
    `SELECT participant_count FROM participant_lists WHERE election_id = $1 AND region = $2
       AND compiled_at IS NOT NULL`,
    [electionId, region],
  );
  const count = applications.rows[0]?.participant_count;
  // No list: nobody in the region applied (P-7.9 leaves it out of the protocol).
  if (count === undefined) return { counts: { onList: 0, ballotsIssued: 0 }, applications: 0 };
  try {
    return { counts: await store.freeze(region, at), applications: count };
  } catch (e) {
    if (!isListStoreError(e, 'LIST_FROZEN')) throw e;
    const r = await pool.query<{ final_on_list: number; final_ballots_issued: number }>(
      `SELECT final_on_list, final_ballots_issued FROM participant_lists WHERE election_id = $1 AND region = $2`,
      [electionId, region],
    );
    const row = r.rows[0];
    if (row === undefined) throw e;
    return {
      counts: { onList: row.final_on_list, ballotsIssued: row.final_ballots_issued },
      applications: count,
    };
  }
}

export const finalListRoutes: FastifyPluginCallbackTypebox<ClosingRoutesOptions> = (app, options, done) => {
  const { clock, pool, election, accessControl, closing } = options;
  const electionId = election.id;
  const store = new ParticipantListStore(pool, electionId);
  const members = election.config.commission.members;

  async function finalLists(keyGroup: string) {
    const doc = await readDocument(pool, electionId, 'final-lists', keyGroup);
    if (doc === undefined) throw refuse('finalListsNotFound');
    const regions = await pool.query<RegionRow>(
      `SELECT region, on_list, issued, ordered_at FROM closing_regions WHERE election_id = $1 AND key_group = $2`,
      [electionId, keyGroup],
    );
    const order = regionsOf(election, keyGroup);
    const rows = regions.rows.sort((a, b) => order.indexOf(a.region) - order.indexOf(b.region));
    const signOffs = await readSignOffs(pool, electionId, 'final-lists', keyGroup);
    return {
      keyGroup,
      orderedAt: doc.createdAt.toISOString(),
      regions: rows.map((r) => ({ region: r.region, onList: r.on_list, ballotsIssued: r.issued })),
      document: Buffer.from(doc.content).toString('base64'),
      sha256: doc.sha256,
      signers: [...doc.signers],
      signOffs: signOffs.map(signOffView),
      ...(doc.publishedAt !== undefined ? { publishedAt: doc.publishedAt.toISOString() } : {}),
    };
  }

  app.post(
    '/api/closing/certificates',
    { schema: finalListSchemas.importCertificate, config: { allow: CERTIFICATE_IMPORTERS } },
    async (request, reply) => {
      const at = clock.now();
      const actor = await actingRole(accessControl, request, CERTIFICATE_IMPORTERS);
      const { memberId, certificate } = request.body;
      const input = certificate.includes('-----BEGIN') ? certificate : Buffer.from(certificate, 'base64');
      const made = await importMemberCertificate(
        pool,
        electionId,
        { memberId, certificate: input, members: members.map((m) => m.id) },
        closing.trustedRoots,
        at,
      );
      const failed = made instanceof ApiError;
      await writeAudit(pool, {
        electionId,
        at,
        actorRole: actor,
        action: 'closing.certificate_import',
        disposition: failed ? 'failure' : 'success',
        details: { memberId, requestId: request.id, ...(failed ? { failure: made.code } : {}) },
      });
      if (failed) throw made;
      return reply.status(201).send({ certificate: made });
    },
  );

  app.get(
    '/api/closing/certificates',
    { schema: finalListSchemas.certificates, config: { allow: CERTIFICATE_VIEWERS } },
    async () => ({ certificates: await listMemberCertificates(pool, electionId) }),
  );

  app.post(
    '/api/closing/key-groups/:keyGroup/final-lists',
    { schema: finalListSchemas.order, config: { allow: ['chairman'] } },
    async (request, reply) => {
      const { keyGroup } = request.params;
      keyGroupOf(election, keyGroup);
      const at = clock.now();
      const audit = (disposition: 'success' | 'failure', failure?: string) =>
        writeAudit(pool, {
          electionId,
          at,
          actorRole: 'chairman',
          action: 'closing.final_lists_order',
          disposition,
          details: { keyGroup, requestId: request.id, ...(failure !== undefined ? { failure } : {}) },
        });
      // 1. P-7.1: not before 20:15 Moscow time, the late group not before 21:15 (the configuration's).
      const notBefore = closingNotBefore(election.config, keyGroup);
      if (at.getTime() < notBefore.getTime()) {
        await audit('failure', 'CLOSING_TOO_EARLY');
        throw refuse('tooEarly', {
          ru: `не ранее ${notBefore.toISOString()}`,
          en: `not before ${notBefore.toISOString()}`,
        });
      }
      if ((await readDocument(pool, electionId, 'final-lists', keyGroup)) !== undefined) {
        await audit('failure', 'FINAL_LISTS_EXIST');
        throw refuse('finalListsExist');
      }
      // 2. The ballot box's numbers, checked against the lists before anything is frozen.
      const regions = regionsOf(election, keyGroup);
      const cast = await closing.sources.castCounts();
      const tallies = new Map<string, object | null>();
      for (const region of regions) {
        const tally = await closing.sources.regionTally(region);
        const n = cast[region] ?? 0;
        if ((tally?.ballots ?? 0) !== n) {
          await audit('failure', 'CLOSING_COUNTS_INCONSISTENT');
          throw refuse('countsInconsistent', {
            ru: `${region}: в подсчёте ${tally?.ballots ?? 0}, проголосовали ${n}`,
            en: `${region}: tally holds ${tally?.ballots ?? 0}, cast ${n}`,
          });
        }
        tallies.set(region, n === 0 || tally === undefined ? null : tally.toJson());
      }
      // 3. P-7.2–P-7.4: every list of the group frozen as of now, its final numbers kept.
      const finals: { region: string; applications: number; onList: number; issued: number }[] = [];
      for (const region of regions) {
        const { counts, applications } = await freezeList(store, pool, electionId, region, at);
        if ((cast[region] ?? 0) > counts.ballotsIssued) {
          await audit('failure', 'CLOSING_COUNTS_INCONSISTENT');
          throw refuse('countsInconsistent', {
            ru: `${region}: проголосовали больше, чем выдано бюллетеней`,
            en: `${region}: more ballots cast than issued`,
          });
        }
        finals.push({ region, applications, onList: counts.onList, issued: counts.ballotsIssued });
      }
      // 4. The document for the chairman's and the secretary's signatures (P-7.3).
      const signers = members
        .filter((m) => m.role === 'chairman' || m.role === 'secretary')
        .sort((a, b) => (a.role === 'chairman' ? -1 : b.role === 'chairman' ? 1 : 0))
        .map((m) => m.id);
      try {
        await withTransaction(pool, async (client) => {
          for (const f of finals) {
            await client.query(
              `INSERT INTO closing_regions (election_id, key_group, region, applications, on_list, issued, cast_count, tally, ordered_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
              [
                electionId,
                keyGroup,
                f.region,
                f.applications,
                f.onList,
                f.issued,
                cast[f.region] ?? 0,
                // SQL NULL, not JSON null, for a region where nobody voted.
                tallies.get(f.region) == null ? null : JSON.stringify(tallies.get(f.region)),
                at,
              ],
            );
          }
          const doc = await createDocument(client, electionId, {
            kind: 'final-lists',
            scope: keyGroup,
            body: {
              format: 'opendeg-final-lists/1',
              title: {
                ru: 'Итоговые списки участников дистанционного электронного голосования',
                en: 'Final lists of the participants in remote electronic voting',
              },
              electionId,
              electionConfigSha256: election.sha256Hex,
              keyGroup,
              orderedAt: at.toISOString(),
              regions: finals.map((f) => ({ region: f.region, onList: f.onList, ballotsIssued: f.issued })),
            },
            signers,
            at,
          });
          // The public entries: lines 1–2 per region with the document's hash, and each region's
          // closed tally (the aggregates the decryption starts from; observers compare their own).
          await appendLedger(
            client,
            electionId,
            'final-lists',
            {
              keyGroup,
              sha256: doc.sha256,
              regions: finals.map((f) => ({ region: f.region, onList: f.onList, ballotsIssued: f.issued })),
            },
            at,
          );
          for (const f of finals) {
            const tally = tallies.get(f.region);
            if (tally != null) await appendLedger(client, electionId, 'tally', { tally }, at);
          }
          await writeAudit(client, {
            electionId,
            at,
            actorRole: 'chairman',
            action: 'closing.final_lists_order',
            disposition: 'success',
            details: { keyGroup, regions: finals.map((f) => f.region), requestId: request.id },
          });
        });
      } catch (e) {
        // Only a concurrent order of the same group (its document or a region already inserted)
        // means the lists exist; counts that break the tables' checks are inconsistent; anything
        // else is not a refusal and must surface as the failure it is.
        const constraint = violated(e);
        if (constraint === 'closing_documents_pkey' || constraint === 'closing_regions_pkey') {
          await audit('failure', 'FINAL_LISTS_EXIST');
          throw refuse('finalListsExist');
        }
        if (
          constraint === 'closing_regions_cast_le_issued' ||
          constraint === 'closing_regions_tally_ballots'
        ) {
          await audit('failure', 'CLOSING_COUNTS_INCONSISTENT');
          throw refuse('countsInconsistent', { ru: constraint, en: constraint });
        }
        throw e;
      }
      request.log.info({ event: 'closing.final_lists_order', keyGroup }, 'final lists ordered');
      return reply.status(201).send(await finalLists(keyGroup));
    },
  );

  app.get(
    '/api/closing/key-groups/:keyGroup/final-lists',
    { schema: finalListSchemas.view, config: { allow: VIEW } },
    async (request, reply) => {
      keyGroupOf(election, request.params.keyGroup);
      reply.header('cache-control', 'no-store');
      return finalLists(request.params.keyGroup);
    },
  );

  app.post(
    '/api/closing/key-groups/:keyGroup/final-lists/signatures',
    { schema: finalListSchemas.sign, config: { allow: FINAL_LIST_SIGNERS } },
    async (request, reply) => {
      const { keyGroup } = request.params;
      keyGroupOf(election, keyGroup);
      const at = clock.now();
      const me = await actingMember(accessControl, request, FINAL_LIST_SIGNERS);
      const audit = (disposition: 'success' | 'failure', failure?: string) =>
        writeAudit(pool, {
          electionId,
          at,
          actorRole: me.role,
          action: 'closing.final_lists_sign',
          disposition,
          details: {
            keyGroup,
            memberId: me.memberId,
            requestId: request.id,
            ...(failure !== undefined ? { failure } : {}),
          },
        });
      const doc = await readDocument(pool, electionId, 'final-lists', keyGroup);
      if (doc === undefined) throw refuse('finalListsNotFound');
      if (!doc.signers.includes(me.memberId)) {
        await audit('failure', 'SIGN_OFF_NOT_EXPECTED');
        throw refuse('signOffNotExpected');
      }
      const verified = await verifyMemberSignature(
        pool,
        electionId,
        me.memberId,
        doc.content,
        request.body.signature,
        closing.trustedRoots,
        at,
      );
      if (verified instanceof ApiError) {
        await audit('failure', verified.code);
        throw verified;
      }
      const r = await withTransaction(pool, async (client) => {
        const locked = await readDocument(client, electionId, 'final-lists', keyGroup, true);
        if (locked === undefined) throw new Error('document vanished');
        return recordSignOff(client, electionId, locked, {
          memberId: me.memberId,
          signature: verified.der,
          fingerprint: verified.fingerprint,
          at,
        });
      });
      if (!r.recorded) {
        await audit('failure', 'SIGN_OFF_EXISTS');
        throw refuse('signOffExists');
      }
      await audit('success');
      request.log.info(
        { event: 'closing.final_lists_sign', keyGroup, published: r.published },
        'final lists signed',
      );
      return reply.status(201).send(await finalLists(keyGroup));
    },
  );

  app.post(
    '/api/closing/key-groups/:keyGroup/final-lists/custody',
    { schema: finalListSchemas.custody, config: { allow: COMMISSION_ROLES } },
    async (request, reply) => {
      const { keyGroup } = request.params;
      keyGroupOf(election, keyGroup);
      const at = clock.now();
      const me = await actingMember(accessControl, request, COMMISSION_ROLES);
      const doc = await readDocument(pool, electionId, 'final-lists', keyGroup);
      if (doc === undefined) throw refuse('finalListsNotFound');
      // P-7.4: the signed lists are what is written; unsigned ones are not.
      if (doc.publishedAt === undefined) throw refuse('finalListsNotSigned');
      const { medium, place, bundleSha256, placedAt } = request.body;
      // With a write-once store: the server's bundle, its path recorded too (bundle_path, 020).
      const bundlePath = await custodyBundle(options.bundles, 'final-lists', keyGroup, bundleSha256);
      const id = randomUUID();
      await withTransaction(pool, async (client) => {
        await client.query(
          `INSERT INTO custody_records (id, election_id, content, scope, medium, place, member_id, bundle_sha256, placed_at, recorded_at${bundlePath === null ? '' : ', bundle_path'})
           VALUES ($1, $2, 'final-lists', $3, $4, $5, $6, $7, $8, $9${bundlePath === null ? '' : ', $10'})`,
          [
            id,
            electionId,
            keyGroup,
            medium,
            place,
            me.memberId,
            bundleSha256,
            new Date(placedAt),
            at,
            ...(bundlePath === null ? [] : [bundlePath]),
          ],
        );
        await writeAudit(client, {
          electionId,
          at,
          actorRole: me.role,
          action: 'closing.custody',
          disposition: 'success',
          details: { keyGroup, custodyId: id, memberId: me.memberId, requestId: request.id },
        });
      });
      return reply.status(201).send({
        id,
        keyGroup,
        memberId: me.memberId,
        medium,
        place,
        bundleSha256,
        ...(bundlePath === null ? {} : { bundlePath }),
        placedAt: new Date(placedAt).toISOString(),
      });
    },
  );

  done();
};
