// Handing the results on (P-8) and keeping and destroying the election's data (P-9) over HTTP:
//   GET  /api/closing/results/:region        the region's results for its regional commission (P-8.1,
//                                            P-8.2): the Appendix 4 lines of the published protocol with
//                                            the signed bytes and every sign-off, so the commission
//                                            checks them itself; none for an invalidated region (P-8.4)
//   POST /api/closing/results/custody        the write-once medium with the results handed to the data
//                                            centre (P-8.1): who, where, when, the bundle's hash
//   GET  /api/closing/retention              what is kept until when (P-9.1, P-9.2), the acts, the wipes
//   POST /api/closing/destruction-acts       an act of destruction (P-9.2, P-9.3), checked by packages/deg
//                                            checkDestructionAct; acts are kept forever
//   POST /api/closing/workstation-wipes      a member's workstation wiped (P-9.4), with its due date
// The retention periods run from the protocol's publication (the official publication of the
// results) and the end of the commission's term (packages/deg termEnds: ten days after it).
import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import {
  checkDestructionAct,
  RETAINED_ITEMS,
  retentionSchedule,
  termEnds,
  workstationWipeDue,
  type RetainedItem,
} from '@opendeg/deg';
import { writeAudit } from '../audit.ts';
import { COMMISSION_ROLES } from '../authz/roles.ts';
import { forbidden } from '../authz/access.ts';
import { withTransaction } from '../transaction.ts';
import { actingMember, actingRole, type ClosingRoutesOptions } from './closing-context.ts';
import { readDocument, readSignOffs } from './closing-documents.ts';
import { custodyBundle } from './bundles.ts';
import { refuse, refuseWith, violated } from './closing-errors.ts';
import { Base64, Fingerprint, Id, RegionParams, SignOffView, signOffView } from './closing-schemas.ts';
import { RegionProtocolView, type ProtocolBody } from './protocol-routes.ts';

const Item = Type.Enum(RETAINED_ITEMS, { title: 'RetainedItem' });
const RETENTION_VIEWERS = [...COMMISSION_ROLES, 'operator', 'cec-member'] as const;
const ACT_RECORDERS = ['chairman', 'operator'] as const;

const ActView = Type.Object(
  {
    number: Type.String(),
    items: Type.Array(Item),
    destroyedAt: Type.String({ format: 'date-time' }),
    by: Type.Array(Id),
    method: Type.String(),
    recordedAt: Type.String({ format: 'date-time' }),
  },
  { title: 'DestructionAct', additionalProperties: false },
);
const WipeView = Type.Object(
  {
    workstation: Type.String(),
    due: Type.String({ format: 'date-time', description: 'P-9.4: by the end of this moment' }),
    wipedAt: Type.String({ format: 'date-time' }),
    late: Type.Boolean(),
    method: Type.String(),
  },
  { title: 'WorkstationWipe', additionalProperties: false },
);

export const handOverSchemas = {
  results: {
    summary: "The region's results for its regional commission (P-8) / Итоги ДЭГ для ИКСРФ",
    tags: ['closing'],
    params: RegionParams,
    response: {
      200: Type.Object(
        {
          electionId: Id,
          region: RegionProtocolView,
          protocolDocument: Base64,
          protocolSha256: Fingerprint,
          signOffs: Type.Array(SignOffView),
          publishedAt: Type.String({ format: 'date-time' }),
        },
        { additionalProperties: false },
      ),
    },
  },
  resultsCustody: {
    summary: 'The results medium handed over (P-8.1) / Передача носителя с итогами',
    tags: ['closing'],
    body: Type.Object(
      {
        medium: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: 'Label or serial' }),
        place: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: 'e.g. «ЦОД»' }),
        bundleSha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
        placedAt: Type.String({ format: 'date-time' }),
      },
      { additionalProperties: false },
    ),
    response: {
      201: Type.Object(
        {
          id: Type.String({ format: 'uuid' }),
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
  retention: {
    summary: 'Retention schedule, acts and wipes (P-9) / Сроки хранения, акты, уничтожение данных',
    tags: ['closing'],
    response: {
      200: Type.Object(
        {
          publishedAt: Type.String({ format: 'date-time' }),
          termEnds: Type.String({ format: 'date-time' }),
          schedule: Type.Array(
            Type.Object(
              {
                item: Item,
                commissionUntil: Type.String({ format: 'date-time' }),
                disposal: Type.Union([
                  Type.Object(
                    { kind: Type.Literal('hand-over'), at: Type.String({ format: 'date-time' }) },
                    { additionalProperties: false },
                  ),
                  Type.Object(
                    { kind: Type.Literal('destroy'), notBefore: Type.String({ format: 'date-time' }) },
                    { additionalProperties: false },
                  ),
                ]),
                destroyedBy: Type.Optional(Type.String({ description: 'Number of the act' })),
              },
              { additionalProperties: false },
            ),
          ),
          wipeDue: Type.String({ format: 'date-time' }),
          acts: Type.Array(ActView),
          wipes: Type.Array(WipeView),
        },
        { additionalProperties: false },
      ),
    },
  },
  act: {
    summary: 'Record a destruction act (P-9.3) / Акт об уничтожении',
    tags: ['closing'],
    body: Type.Object(
      {
        number: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
        items: Type.Array(Item, { minItems: 1, maxItems: RETAINED_ITEMS.length }),
        destroyedAt: Type.String({ format: 'date-time' }),
        by: Type.Array(Id, { minItems: 1, maxItems: 12 }),
        method: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' }),
      },
      { additionalProperties: false },
    ),
    response: { 201: ActView },
  },
  wipe: {
    summary: 'Record a workstation wipe (P-9.4) / Уничтожение данных на рабочем месте',
    tags: ['closing'],
    body: Type.Object(
      {
        workstation: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
        wipedAt: Type.String({ format: 'date-time' }),
        method: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' }),
      },
      { additionalProperties: false },
    ),
    response: { 201: WipeView },
  },
};

interface ActRow {
  number: string;
  items: RetainedItem[];
  destroyed_at: Date;
  carried_out_by: string[];
  method: string;
  recorded_at: Date;
}

const actView = (a: ActRow) => ({
  number: a.number,
  items: a.items,
  destroyedAt: a.destroyed_at.toISOString(),
  by: a.carried_out_by,
  method: a.method,
  recordedAt: a.recorded_at.toISOString(),
});

interface WipeRow {
  workstation: string;
  due: Date;
  wiped_at: Date;
  method: string;
}

const wipeView = (w: WipeRow) => ({
  workstation: w.workstation,
  due: w.due.toISOString(),
  wipedAt: w.wiped_at.toISOString(),
  late: w.wiped_at.getTime() > w.due.getTime(),
  method: w.method,
});

export const handOverRoutes: FastifyPluginCallbackTypebox<ClosingRoutesOptions> = (app, options, done) => {
  const { clock, pool, election: loaded, accessControl } = options;
  const electionId = loaded.id;
  const zone = loaded.config.schedule.referenceTimeZone;
  const memberIds = loaded.config.commission.members.map((m) => m.id);

  async function published() {
    const doc = await readDocument(pool, electionId, 'protocol', 'protocol');
    if (doc === undefined) throw refuse('protocolNotFound');
    if (doc.publishedAt === undefined) throw refuse('protocolNotPublished');
    return { doc, publishedAt: doc.publishedAt, termEnds: termEnds(doc.publishedAt) };
  }

  async function destroyed(): Promise<ActRow[]> {
    const r = await pool.query<ActRow>(
      `SELECT number, items, destroyed_at, carried_out_by, method, recorded_at FROM destruction_acts
       WHERE election_id = $1 ORDER BY recorded_at, number`,
      [electionId],
    );
    return r.rows;
  }

  app.get(
    '/api/closing/results/:region',
    { schema: handOverSchemas.results, config: { allow: ['regional-commission'] } },
    async (request) => {
      const { region } = request.params;
      // A regional commission acts for its own region only (P-8.1).
      const access = await accessControl.access(request);
      if (!access.assignments.some((a) => a.role === 'regional-commission' && a.region === region))
        throw forbidden();
      const { doc, publishedAt } = await published();
      const body = JSON.parse(Buffer.from(doc.content).toString('utf8')) as ProtocolBody;
      const mine = body.regions.find((r) => r.region === region);
      // P-8.4: an invalidated region's results are not handed over (nor a region not in the protocol).
      if (mine === undefined || mine.invalidated !== undefined) throw refuse('resultsNotAvailable');
      const signOffs = await readSignOffs(pool, electionId, 'protocol', 'protocol');
      await writeAudit(pool, {
        electionId,
        at: clock.now(),
        actorRole: 'system',
        action: 'closing.results_hand_over',
        disposition: 'success',
        details: { region, requestId: request.id },
      });
      return {
        electionId,
        region: mine,
        protocolDocument: Buffer.from(doc.content).toString('base64'),
        protocolSha256: doc.sha256,
        signOffs: signOffs.map(signOffView),
        publishedAt: publishedAt.toISOString(),
      };
    },
  );

  app.post(
    '/api/closing/results/custody',
    { schema: handOverSchemas.resultsCustody, config: { allow: COMMISSION_ROLES } },
    async (request, reply) => {
      const me = await actingMember(accessControl, request, COMMISSION_ROLES);
      const at = clock.now();
      await published();
      const { medium, place, bundleSha256, placedAt } = request.body;
      // With a write-once store: the server's bundle, its path recorded too (bundle_path, 020).
      const bundlePath = await custodyBundle(options.bundles, 'protocol', 'protocol', bundleSha256);
      const id = randomUUID();
      await withTransaction(pool, async (client) => {
        await client.query(
          `INSERT INTO custody_records (id, election_id, content, scope, medium, place, member_id, bundle_sha256, placed_at, recorded_at${bundlePath === null ? '' : ', bundle_path'})
           VALUES ($1, $2, 'results', 'protocol', $3, $4, $5, $6, $7, $8${bundlePath === null ? '' : ', $9'})`,
          [
            id,
            electionId,
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
          details: { content: 'results', custodyId: id, memberId: me.memberId, requestId: request.id },
        });
      });
      return reply.status(201).send({
        id,
        memberId: me.memberId,
        medium,
        place,
        bundleSha256,
        ...(bundlePath === null ? {} : { bundlePath }),
        placedAt: new Date(placedAt).toISOString(),
      });
    },
  );

  app.get(
    '/api/closing/retention',
    { schema: handOverSchemas.retention, config: { allow: RETENTION_VIEWERS } },
    async () => {
      const p = await published();
      const acts = await destroyed();
      const wipes = await pool.query<WipeRow>(
        `SELECT workstation, due, wiped_at, method FROM workstation_wipes WHERE election_id = $1 ORDER BY workstation`,
        [electionId],
      );
      return {
        publishedAt: p.publishedAt.toISOString(),
        termEnds: p.termEnds.toISOString(),
        schedule: retentionSchedule(p.publishedAt, p.termEnds, zone).map((e) => {
          const act = acts.find((a) => a.items.includes(e.item));
          return {
            item: e.item,
            commissionUntil: e.commissionUntil.toISOString(),
            disposal:
              e.disposal.kind === 'hand-over'
                ? { kind: 'hand-over' as const, at: e.disposal.at.toISOString() }
                : { kind: 'destroy' as const, notBefore: e.disposal.notBefore.toISOString() },
            ...(act !== undefined ? { destroyedBy: act.number } : {}),
          };
        }),
        wipeDue: workstationWipeDue(p.termEnds, zone).toISOString(),
        acts: acts.map(actView),
        wipes: wipes.rows.map(wipeView),
      };
    },
  );

  app.post(
    '/api/closing/destruction-acts',
    { schema: handOverSchemas.act, config: { allow: ACT_RECORDERS } },
    async (request, reply) => {
      const actor = await actingRole(accessControl, request, ACT_RECORDERS);
      const at = clock.now();
      const p = await published();
      const { number, items, by, method } = request.body;
      const destroyedAt = new Date(request.body.destroyedAt);
      const acts = await destroyed();
      const already = new Set(acts.flatMap((a) => a.items));
      const failure = (code: string) =>
        writeAudit(pool, {
          electionId,
          at,
          actorRole: actor,
          action: 'closing.destruction_act',
          disposition: 'failure',
          details: { number, items, failure: code, requestId: request.id },
        });
      // An act records what was done: not in the future, by members of the commission.
      if (destroyedAt.getTime() > at.getTime() || by.some((id) => !memberIds.includes(id))) {
        await failure('BAD_ACT');
        throw refuseWith('DESTRUCTION_REFUSED', 422, {
          ru: 'Акт о будущем уничтожении или подписан не членами комиссии (BAD_ACT)',
          en: 'The act is dated in the future or names non-members (BAD_ACT)',
        });
      }
      const check = checkDestructionAct(
        { number, items, destroyedAt, by, method },
        retentionSchedule(p.publishedAt, p.termEnds, zone),
        already,
      );
      if (!check.ok) {
        await failure(check.code);
        const status = check.code === 'RETENTION_NOT_OVER' || check.code === 'ALREADY_DESTROYED' ? 409 : 422;
        throw refuseWith('DESTRUCTION_REFUSED', status, {
          ru: `${check.message.ru} (${check.code}${check.item !== undefined ? `: ${check.item}` : ''})`,
          en: `${check.message.en} (${check.code}${check.item !== undefined ? `: ${check.item}` : ''})`,
        });
      }
      let row: ActRow | undefined;
      try {
        row = await withTransaction(pool, async (client) => {
          const r = await client.query<ActRow>(
            `INSERT INTO destruction_acts (election_id, number, items, destroyed_at, carried_out_by, method, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             RETURNING number, items, destroyed_at, carried_out_by, method, recorded_at`,
            [electionId, number, items, destroyedAt, by, method, at],
          );
          await writeAudit(client, {
            electionId,
            at,
            actorRole: actor,
            action: 'closing.destruction_act',
            disposition: 'success',
            details: { number, items, requestId: request.id },
          });
          return r.rows[0];
        });
      } catch (e) {
        if (violated(e) === 'destruction_acts_pkey') throw refuse('actExists');
        throw e;
      }
      if (row === undefined) throw new Error('INSERT … RETURNING gave no row');
      return reply.status(201).send(actView(row));
    },
  );

  app.post(
    '/api/closing/workstation-wipes',
    { schema: handOverSchemas.wipe, config: { allow: ['operator'] } },
    async (request, reply) => {
      const at = clock.now();
      const p = await published();
      const { workstation, method } = request.body;
      const wipedAt = new Date(request.body.wipedAt);
      if (wipedAt.getTime() > at.getTime())
        throw refuseWith('DESTRUCTION_REFUSED', 422, {
          ru: 'Уничтожение данных не может быть записано заранее',
          en: 'A wipe cannot be recorded before it happens',
        });
      const due = workstationWipeDue(p.termEnds, zone);
      let row: WipeRow | undefined;
      try {
        row = await withTransaction(pool, async (client) => {
          const r = await client.query<WipeRow>(
            `INSERT INTO workstation_wipes (election_id, workstation, due, wiped_at, method, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING workstation, due, wiped_at, method`,
            [electionId, workstation, due, wipedAt, method, at],
          );
          await writeAudit(client, {
            electionId,
            at,
            actorRole: 'operator',
            action: 'closing.workstation_wipe',
            disposition: 'success',
            details: { late: wipedAt.getTime() > due.getTime(), requestId: request.id },
          });
          return r.rows[0];
        });
      } catch (e) {
        if (violated(e) === 'workstation_wipes_pkey') throw refuse('wipeExists');
        throw e;
      }
      if (row === undefined) throw new Error('INSERT … RETURNING gave no row');
      return reply.status(201).send(wipeView(row));
    },
  );

  done();
};
