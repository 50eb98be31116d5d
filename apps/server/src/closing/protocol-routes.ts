// The commission's protocol of the results (Appendix 4) over HTTP, Procedure P-7.9 and P-7.10:
//   POST /api/closing/protocol/invalidations   a region's results declared invalid by the commission's
//                                              decision (P-7.10), before the protocol is compiled
//   POST /api/closing/protocol                 compile it from the frozen counts (lines 1, 2), the ballot
//                                              box's cast counts (line 3) and the decrypted results
//                                              (line 4, candidates), with the members present (chairman)
//   GET  /api/closing/protocol/document        the canonical bytes to sign and the sign-offs (commission)
//   POST /api/closing/protocol/signatures      a present member's detached CMS signature
//   POST /api/closing/protocol/reasons         the chairman's reason for a member who cannot sign
//   GET  /api/closing/protocol                 the published protocol, public (P-7.9: published on the
//                                              observation portal and the CEC's site)
//   GET  /api/closing/protocol/regions/:region/pdf   a region's Appendix 4 as PDF (packages/documents),
//                                              from the published protocol; its signed form is the JSON
// packages/deg compileProtocol checks the lines against each other and leaves out regions without
// applications; completeSignOffs decides that the protocol is complete. A blank ballot is invalid
// (line 4). Invalidated regions carry the mark (invalidateRegion).
import { Type, type Static } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import {
  compileProtocol,
  completeSignOffs,
  invalidateRegion,
  ProtocolError,
  type BallotSource,
  type RegionProtocol,
  type RegionResults,
} from '@opendeg/deg';
import { buildProtocol, renderProtocol, type MemberSigning } from '@opendeg/documents';
import type { Election } from '@opendeg/election';
import { writeAudit } from '../audit.ts';
import { COMMISSION_ROLES } from '../authz/roles.ts';
import { ApiError } from '../errors.ts';
import { withTransaction } from '../transaction.ts';
import { actingMember, appendLedger, type ClosingRoutesOptions } from './closing-context.ts';
import {
  createDocument,
  readDocument,
  readSignOffs,
  recordSignOff,
  type ClosingDocument,
} from './closing-documents.ts';
import { refuse, refuseWith, violated } from './closing-errors.ts';
import {
  Base64,
  Fingerprint,
  Id,
  RegionParams,
  SignatureBody,
  SignOffView,
  signOffView,
} from './closing-schemas.ts';
import { verifyMemberSignature } from './member-signatures.ts';

const SCOPE = 'protocol';

const LineView = Type.Object(
  {
    line: Type.Integer({ minimum: 1 }),
    label: Type.Object({ ru: Type.String(), en: Type.String() }, { additionalProperties: false }),
    candidate: Type.Optional(Type.Object({ id: Id, name: Type.String() }, { additionalProperties: false })),
    value: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
const InvalidationView = Type.Object(
  { decision: Type.String(), reason: Type.String(), at: Type.String({ format: 'date-time' }) },
  { additionalProperties: false },
);
export const RegionProtocolView = Type.Object(
  { region: Id, lines: Type.Array(LineView), invalidated: Type.Optional(InvalidationView) },
  { title: 'RegionProtocol', additionalProperties: false },
);
const ProtocolBody = Type.Object(
  {
    format: Type.Literal('opendeg-protocol/1'),
    title: Type.Object({ ru: Type.String(), en: Type.String() }, { additionalProperties: false }),
    electionId: Id,
    electionConfigSha256: Type.String(),
    compiledAt: Type.String({ format: 'date-time' }),
    present: Type.Array(Id),
    regions: Type.Array(RegionProtocolView),
  },
  { title: 'Protocol', additionalProperties: false },
);
export type ProtocolBody = Static<typeof ProtocolBody>;

const ProtocolView = Type.Object(
  {
    protocol: ProtocolBody,
    document: Base64,
    sha256: Fingerprint,
    signOffs: Type.Array(SignOffView),
    publishedAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { title: 'ProtocolDocument', additionalProperties: false },
);

export const protocolSchemas = {
  invalidate: {
    summary: "Declare a region's results invalid (P-7.10) / Признание итогов недействительными",
    tags: ['closing'],
    body: Type.Object(
      {
        region: Id,
        decision: Type.String({
          minLength: 1,
          maxLength: 200,
          pattern: '\\S',
          description: 'Decision number',
        }),
        reason: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' }),
      },
      { additionalProperties: false },
    ),
    response: {
      201: Type.Object({ region: Id, invalidated: InvalidationView }, { additionalProperties: false }),
    },
  },
  compile: {
    summary: 'Compile the protocol (P-7.9) / Составление протокола об итогах ДЭГ',
    tags: ['closing'],
    body: Type.Object(
      { present: Type.Array(Id, { minItems: 1, maxItems: 12, uniqueItems: true }) },
      { additionalProperties: false },
    ),
    response: { 201: ProtocolView },
  },
  document: {
    summary: 'The protocol to sign and its sign-offs / Протокол для подписания',
    tags: ['closing'],
    response: { 200: ProtocolView },
  },
  sign: {
    summary: 'Sign the protocol (P-7.9) / Подписать протокол',
    tags: ['closing'],
    body: SignatureBody,
    response: { 201: ProtocolView },
  },
  reason: {
    summary: 'Reason a member cannot sign (P-7.9) / Причина отсутствия подписи',
    tags: ['closing'],
    body: Type.Object(
      { memberId: Id, reason: Type.String({ minLength: 1, maxLength: 1000, pattern: '\\S' }) },
      { additionalProperties: false },
    ),
    response: { 201: ProtocolView },
  },
  published: {
    summary: 'The published protocol (P-7.9) / Опубликованный протокол',
    tags: ['closing'],
    response: { 200: ProtocolView },
  },
  pdf: {
    summary: "A region's protocol as PDF (Appendix 4) / Протокол по субъекту в PDF (приложение 4)",
    tags: ['closing'],
    params: RegionParams,
    response: {
      200: Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary', description: 'application/pdf' }),
    },
  },
};

/** Votes per candidate and invalid ballots of one region from its decrypted counts (one question). */
export function regionVotes(
  election: Election<unknown>,
  region: string,
  counts: readonly (readonly number[])[] | undefined,
): { invalid: number; votes: Record<string, number> } {
  const style = election.regions.get(region)?.style;
  const question = style?.questions[0];
  if (question === undefined || style?.questions.length !== 1)
    throw new Error(`region ${region}: the protocol needs a ballot of one question`);
  const row = counts?.[0];
  const offset = question.blank ? 1 : 0;
  const votes: Record<string, number> = {};
  question.options.forEach((o, i) => {
    votes[o.id] = row?.[offset + i] ?? 0;
  });
  return { invalid: question.blank ? (row?.[0] ?? 0) : 0, votes };
}

export const protocolRoutes: FastifyPluginCallbackTypebox<ClosingRoutesOptions> = (app, options, done) => {
  const { clock, pool, election: loaded, accessControl, closing } = options;
  const electionId = loaded.id;
  const memberIds = loaded.config.commission.members.map((m) => m.id);

  async function view(doc: ClosingDocument) {
    const signOffs = await readSignOffs(pool, electionId, 'protocol', SCOPE);
    const ordered = doc.signers.flatMap((id) => signOffs.filter((s) => s.memberId === id));
    return {
      protocol: JSON.parse(Buffer.from(doc.content).toString('utf8')) as ProtocolBody,
      document: Buffer.from(doc.content).toString('base64'),
      sha256: doc.sha256,
      signOffs: ordered.map(signOffView),
      ...(doc.publishedAt !== undefined ? { publishedAt: doc.publishedAt.toISOString() } : {}),
    };
  }

  async function compiled(): Promise<ClosingDocument> {
    const doc = await readDocument(pool, electionId, 'protocol', SCOPE);
    if (doc === undefined) throw refuse('protocolNotFound');
    return doc;
  }

  /** Records a sign-off; publication happens with the last one (completeSignOffs agrees). */
  async function signOff(
    doc: ClosingDocument,
    s: { memberId: string; signature?: Uint8Array; fingerprint?: string; reason?: string },
    actor: { role: (typeof COMMISSION_ROLES)[number]; requestId: string },
  ) {
    const at = clock.now();
    const r = await withTransaction(pool, async (client) => {
      const locked = await readDocument(client, electionId, 'protocol', SCOPE, true);
      if (locked === undefined) throw new Error('protocol vanished');
      const out = await recordSignOff(client, electionId, locked, { ...s, at });
      if (out.published) {
        const all = await readSignOffs(client, electionId, 'protocol', SCOPE);
        completeSignOffs(
          locked.signers,
          all.map((x) =>
            x.signed
              ? { memberId: x.memberId, signed: true as const }
              : { memberId: x.memberId, signed: false as const, reason: x.reason ?? '' },
          ),
        );
        // One entry per region (an entry stays under 64 KiB however many regions): the signed
        // document's hash and the region's lines as numbers, candidates by their ballot id.
        const body = JSON.parse(Buffer.from(locked.content).toString('utf8')) as ProtocolBody;
        for (const region of body.regions) {
          await appendLedger(
            client,
            electionId,
            'protocol',
            {
              sha256: locked.sha256,
              publishedAt: at.toISOString(),
              region: region.region,
              lines: region.lines.map((l) => ({
                line: l.line,
                value: l.value,
                ...(l.candidate === undefined ? {} : { candidate: l.candidate.id }),
              })),
              ...(region.invalidated === undefined
                ? {}
                : { invalidated: { decision: region.invalidated.decision, at: region.invalidated.at } }),
            },
            at,
          );
        }
      }
      if (out.recorded)
        await writeAudit(client, {
          electionId,
          at,
          actorRole: actor.role,
          action: s.reason === undefined ? 'closing.protocol_sign' : 'closing.protocol_reason',
          disposition: 'success',
          details: { memberId: s.memberId, published: out.published, requestId: actor.requestId },
        });
      return out;
    });
    if (!r.recorded) throw refuse('signOffExists');
  }

  app.post(
    '/api/closing/protocol/invalidations',
    { schema: protocolSchemas.invalidate, config: { allow: ['chairman'] } },
    async (request, reply) => {
      const { region, decision, reason } = request.body;
      const at = clock.now();
      if (!loaded.config.regions.some((r) => r.code === region))
        throw refuseWith('REGION_NOT_FOUND', 404, { ru: 'Субъект не найден', en: 'No such region' });
      // The mark is part of the protocol's signed bytes: it is decided before the protocol is compiled.
      if ((await readDocument(pool, electionId, 'protocol', SCOPE)) !== undefined)
        throw refuse('protocolExists');
      try {
        await withTransaction(pool, async (client) => {
          await client.query(
            `INSERT INTO region_invalidations (election_id, region, decision, reason, decided_at)
             VALUES ($1, $2, $3, $4, $5)`,
            [electionId, region, decision, reason, at],
          );
          await appendLedger(
            client,
            electionId,
            'invalidation',
            { region, decision, at: at.toISOString() },
            at,
          );
          await writeAudit(client, {
            electionId,
            at,
            actorRole: 'chairman',
            action: 'closing.region_invalidate',
            disposition: 'success',
            details: { region, requestId: request.id },
          });
        });
      } catch (e) {
        if (violated(e) === 'region_invalidations_pkey') throw refuse('alreadyInvalidated');
        throw e;
      }
      return reply.status(201).send({ region, invalidated: { decision, reason, at: at.toISOString() } });
    },
  );

  app.post(
    '/api/closing/protocol',
    { schema: protocolSchemas.compile, config: { allow: ['chairman'] } },
    async (request, reply) => {
      const at = clock.now();
      const { present } = request.body;
      if (present.some((id) => !memberIds.includes(id)))
        throw refuseWith('PROTOCOL_INCONSISTENT', 422, {
          ru: 'Среди присутствующих указан не член комиссии',
          en: 'A member listed as present is not in the commission',
        });
      // 1. Every key group decrypted.
      const done_ = await pool.query<{ key_group: string }>(
        `SELECT key_group FROM decryptions WHERE election_id = $1 AND completed_at IS NOT NULL`,
        [electionId],
      );
      const decrypted = new Set(done_.rows.map((r) => r.key_group));
      const pending = loaded.config.keyGroups.filter((k) => !decrypted.has(k.id)).map((k) => k.id);
      if (pending.length > 0)
        throw refuse('protocolNotReady', { ru: pending.join(', '), en: pending.join(', ') });
      // 2. Lines 1–3 from the final lists, line 4 and the candidates from the results.
      const regions = await pool.query<{
        region: string;
        applications: number;
        on_list: number;
        issued: number;
        cast_count: number;
        counts: number[][] | null;
      }>(
        `SELECT c.region, c.applications, c.on_list, c.issued, c.cast_count, r.counts
         FROM closing_regions c LEFT JOIN decryption_results r USING (election_id, region)
         WHERE c.election_id = $1`,
        [electionId],
      );
      const election = await closing.sources.election();
      const ballot: BallotSource = await closing.sources.ballot();
      const results: RegionResults[] = regions.rows.map((r) => ({
        region: r.region,
        applications: r.applications,
        onList: r.on_list,
        issued: r.issued,
        cast: r.cast_count,
        ...regionVotes(election, r.region, r.counts ?? undefined),
      }));
      const invalidations = await pool.query<{
        region: string;
        decision: string;
        reason: string;
        decided_at: Date;
      }>(`SELECT region, decision, reason, decided_at FROM region_invalidations WHERE election_id = $1`, [
        electionId,
      ]);
      let protocol: RegionProtocol[];
      try {
        protocol = compileProtocol(
          loaded.config.regions.map((r) => r.code),
          ballot,
          results,
        ).map((p) => {
          const inv = invalidations.rows.find((i) => i.region === p.region);
          return inv === undefined
            ? p
            : invalidateRegion(p, {
                decision: inv.decision,
                reason: inv.reason,
                at: inv.decided_at.toISOString(),
              });
        });
      } catch (e) {
        if (e instanceof ProtocolError) throw refuseWith('PROTOCOL_INCONSISTENT', 409, e.messages);
        throw e;
      }
      const body: ProtocolBody = {
        format: 'opendeg-protocol/1',
        title: {
          ru: 'Протокол территориальной избирательной комиссии дистанционного электронного голосования об итогах дистанционного электронного голосования',
          en: 'Protocol of the remote voting commission on the results of remote electronic voting',
        },
        electionId,
        electionConfigSha256: loaded.sha256Hex,
        compiledAt: at.toISOString(),
        present: memberIds.filter((id) => present.includes(id)),
        regions: protocol.map((p) => ({
          region: p.region,
          lines: p.lines.map((l) => ({
            line: l.line,
            label: { ru: l.label.ru, en: l.label.en },
            ...(l.candidate !== undefined
              ? { candidate: { id: l.candidate.id, name: l.candidate.name } }
              : {}),
            value: l.value,
          })),
          ...(p.invalidated !== undefined ? { invalidated: { ...p.invalidated } } : {}),
        })),
      };
      let doc: ClosingDocument;
      try {
        doc = await withTransaction(pool, async (client) => {
          const made = await createDocument(client, electionId, {
            kind: 'protocol',
            scope: SCOPE,
            body,
            signers: body.present,
            at,
          });
          await writeAudit(client, {
            electionId,
            at,
            actorRole: 'chairman',
            action: 'closing.protocol_compile',
            disposition: 'success',
            details: { regions: body.regions.length, present: body.present, requestId: request.id },
          });
          return made;
        });
      } catch (e) {
        if (violated(e) === 'closing_documents_pkey') throw refuse('protocolExists');
        throw e;
      }
      request.log.info(
        { event: 'closing.protocol_compile', regions: body.regions.length },
        'protocol compiled',
      );
      return reply.status(201).send(await view(doc));
    },
  );

  app.get(
    '/api/closing/protocol/document',
    { schema: protocolSchemas.document, config: { allow: COMMISSION_ROLES } },
    async () => view(await compiled()),
  );

  app.post(
    '/api/closing/protocol/signatures',
    { schema: protocolSchemas.sign, config: { allow: COMMISSION_ROLES } },
    async (request, reply) => {
      const me = await actingMember(accessControl, request, COMMISSION_ROLES);
      const doc = await compiled();
      // P-7.9: every present member signs; nobody else.
      if (!doc.signers.includes(me.memberId)) throw refuse('signOffNotExpected');
      const verified = await verifyMemberSignature(
        pool,
        electionId,
        me.memberId,
        doc.content,
        request.body.signature,
        closing.trustedRoots,
        clock.now(),
      );
      if (verified instanceof ApiError) {
        await writeAudit(pool, {
          electionId,
          at: clock.now(),
          actorRole: me.role,
          action: 'closing.protocol_sign',
          disposition: 'failure',
          details: { memberId: me.memberId, failure: verified.code, requestId: request.id },
        });
        throw verified;
      }
      await signOff(
        doc,
        { memberId: me.memberId, signature: verified.der, fingerprint: verified.fingerprint },
        { role: me.role, requestId: request.id },
      );
      return reply.status(201).send(await view(await compiled()));
    },
  );

  app.post(
    '/api/closing/protocol/reasons',
    { schema: protocolSchemas.reason, config: { allow: ['chairman'] } },
    async (request, reply) => {
      const doc = await compiled();
      const { memberId, reason } = request.body;
      if (!doc.signers.includes(memberId)) throw refuse('signOffNotExpected');
      await signOff(doc, { memberId, reason: reason.trim() }, { role: 'chairman', requestId: request.id });
      return reply.status(201).send(await view(await compiled()));
    },
  );

  app.get(
    '/api/closing/protocol/regions/:region/pdf',
    { schema: protocolSchemas.pdf, config: { allow: 'public' } },
    async (request, reply) => {
      const doc = await compiled();
      if (doc.publishedAt === undefined) throw refuse('protocolNotPublished');
      const body = JSON.parse(Buffer.from(doc.content).toString('utf8')) as ProtocolBody;
      const region = body.regions.find((r) => r.region === request.params.region);
      if (region === undefined) throw refuse('resultsNotAvailable');
      const signOffs = await readSignOffs(pool, electionId, 'protocol', SCOPE);
      // Every member accounted for: present ones signed or have the chairman's reason; absent ones
      // were not at the meeting.
      const members: MemberSigning[] = memberIds.map((id) => {
        const s = signOffs.find((x) => x.memberId === id);
        if (s?.signed === true) return { memberId: id, signs: true };
        return {
          memberId: id,
          signs: false,
          reason: s?.reason ?? 'Отсутствовал на заседании комиссии',
        };
      });
      const value = (line: number) => region.lines.find((l) => l.line === line)?.value ?? 0;
      const candidates = region.lines.flatMap((l) => (l.candidate === undefined ? [] : [l.candidate]));
      const built = buildProtocol({
        config: loaded.config,
        region: region.region,
        candidates,
        results: {
          onList: value(1),
          ballotsIssued: value(2),
          ballotsCast: value(3),
          invalid: value(4),
          votes: Object.fromEntries(
            region.lines.flatMap((l) => (l.candidate === undefined ? [] : [[l.candidate.id, l.value]])),
          ),
        },
        members,
        ...(region.invalidated !== undefined
          ? { invalidated: { decision: region.invalidated.decision, at: new Date(region.invalidated.at) } }
          : {}),
        generatedAt: new Date(body.compiledAt),
      });
      // The published protocol passed compileProtocol: the form's own checks cannot disagree.
      if (!built.ok) throw new Error(`Appendix 4 refused a published protocol: ${built.code}`);
      const rendered = await renderProtocol(built.document);
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `inline; filename="protocol-${region.region}.pdf"`)
        .send(Buffer.from(rendered.pdf));
    },
  );

  app.get(
    '/api/closing/protocol',
    { schema: protocolSchemas.published, config: { allow: 'public' } },
    async () => {
      const doc = await compiled();
      if (doc.publishedAt === undefined) throw refuse('protocolNotPublished');
      return view(doc);
    },
  );

  done();
};
