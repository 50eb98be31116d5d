/**
 * The observer node's HTTP interface (Fastify; `buildObserverApp` apart from listening):
 *
 *   GET  /status                     ok or alarm, the last verified checkpoint, counts (P-10.10)
 *   GET  /alarms, /alarms/:id/evidence
 *   GET  /entries/:index             an entry, the node's verdict and its inclusion proof (P-11.10.4)
 *   GET  /trackers/:tracker          entries by tracker (hex hash or the 20-digit code)
 *   GET  /counts                     per region: cast and challenged; verification entries apart
 *   GET  /issued-vs-cast             the server's published figures against the replica (P-11.10.4;
 *                                    `?fresh=true` compares now), election/issued-vs-cast.ts
 *   POST /witness/add-checkpoint     C2SP tlog-witness, cosigning only what the node verified
 *   GET  /log/checkpoint, /log/tile/*  the node's replica as C2SP tlog-tiles (P-10.7: a node of the
 *                                    distributed database others can replicate from)
 *   GET  /room; POST /room/queue, /room/next, /room/sessions/:id/finish, /room/sessions/:id/cancel
 *                                    the observation-room queue (P-11.10.4), staff only for changes
 *
 * Every route has TypeBox schemas; errors are `{ code, message: { ru, en } }`.
 */

import { timingSafeEqual } from 'node:crypto';

import { hashLeaf, serveLog, toBase64 } from '@opendeg/ledger';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';

import { ALARM_KINDS, msg, type Message } from '../errors.ts';
import type { ObserverNode } from '../observer-node.ts';
import type { RoomResult } from '../room-queue.ts';

const MessageSchema = Type.Object({ ru: Type.String(), en: Type.String() });
const ErrorBody = Type.Object({ code: Type.String(), message: MessageSchema });
type ErrorBody = Static<typeof ErrorBody>;

const CheckpointBody = Type.Object({
  size: Type.Integer({ minimum: 0 }),
  root: Type.String(),
  note: Type.String(),
  verifiedAt: Type.String({ format: 'date-time' }),
});

const RegionCountsBody = Type.Object({
  region: Type.String(),
  cast: Type.Integer({ minimum: 0 }),
  challenged: Type.Integer({ minimum: 0 }),
});

const CountsBody = Type.Object({
  entries: Type.Integer({ minimum: 0 }),
  counted: Type.Integer({ minimum: 0 }),
  rejected: Type.Integer({ minimum: 0 }),
  challenged: Type.Integer({ minimum: 0 }),
  verification: Type.Integer({ minimum: 0 }),
  published: Type.Integer({ minimum: 0 }),
  other: Type.Integer({ minimum: 0 }),
  regions: Type.Array(RegionCountsBody),
});

const AlarmBody = Type.Object({
  id: Type.Integer(),
  kind: Type.Union(ALARM_KINDS.map((k) => Type.Literal(k))),
  detectedAt: Type.String({ format: 'date-time' }),
  message: MessageSchema,
  evidenceFile: Type.Union([Type.String(), Type.Null()]),
});

export const StatusBody = Type.Object({
  state: Type.Union([Type.Literal('ok'), Type.Literal('alarm')]),
  origin: Type.String(),
  verified: Type.Union([CheckpointBody, Type.Null()]),
  last: Type.Union([
    Type.Object({ kind: Type.String(), message: Type.Optional(Type.String()) }),
    Type.Null(),
  ]),
  alarms: Type.Integer({ minimum: 0 }),
  counts: CountsBody,
});
export type StatusBody = Static<typeof StatusBody>;

export const EntryBody = Type.Object({
  index: Type.Integer({ minimum: 0 }),
  type: Type.String(),
  status: Type.String(),
  region: Type.Union([Type.String(), Type.Null()]),
  tracker: Type.Union([Type.String(), Type.Null()]),
  trackerCode: Type.Union([Type.String(), Type.Null()]),
  /** The entry: RFC 8785 canonical JSON text. */
  entry: Type.String(),
  leafHash: Type.String(),
  inclusionProof: Type.Array(Type.String()),
  /** The checkpoint the proof is for (the node's latest verified). */
  checkpoint: Type.String(),
  treeSize: Type.Integer({ minimum: 1 }),
});
export type EntryBody = Static<typeof EntryBody>;

const ViolationBody = Type.Object({
  check: Type.Union([Type.Literal('F.1'), Type.Literal('F.2'), Type.Literal('F.3')]),
  region: Type.String(),
  message: MessageSchema,
});
const BracketBody = Type.Union([
  Type.Object({ size: Type.Integer({ minimum: 0 }), note: Type.String(), verifiedAt: Type.String() }),
  Type.Null(),
]);
export const IssuedVsCastBody = Type.Object({
  state: Type.Union([Type.Literal('ok'), Type.Literal('violation'), Type.Literal('unverified')]),
  mode: Type.Union([Type.Literal('exact'), Type.Literal('bracket')]),
  treeSize: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
  figuresUrl: Type.String(),
  requestedAt: Type.String({ format: 'date-time' }),
  receivedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  settleMs: Type.Integer({ minimum: 0 }),
  before: BracketBody,
  after: BracketBody,
  exact: Type.Boolean(),
  regions: Type.Array(
    Type.Object({
      region: Type.String(),
      issued: Type.Integer({ minimum: 0 }),
      publishedCast: Type.Integer({ minimum: 0 }),
      castBefore: Type.Integer({ minimum: 0 }),
      castAfter: Type.Integer({ minimum: 0 }),
    }),
  ),
  violations: Type.Array(ViolationBody),
  reason: Type.Optional(MessageSchema),
  alarmId: Type.Optional(Type.Integer()),
  evidenceFile: Type.Optional(Type.String()),
});
export type IssuedVsCastBody = Static<typeof IssuedVsCastBody>;
const FreshQuery = Type.Object({ fresh: Type.Optional(Type.Boolean()) }, { additionalProperties: false });

const IndexParams = Type.Object({ index: Type.Integer({ minimum: 0 }) });
const TrackerParams = Type.Object({
  tracker: Type.String({ pattern: '^([0-9a-fA-F]{64}|[0-9]{4}(-[0-9]{4}){4})$' }),
});
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const TileParams = Type.Object({ '*': Type.String({ maxLength: 200 }) });

const SessionBody = Type.Object({
  id: Type.Integer(),
  observer: Type.String(),
  state: Type.Union([
    Type.Literal('waiting'),
    Type.Literal('active'),
    Type.Literal('done'),
    Type.Literal('cancelled'),
  ]),
  queuedAt: Type.String(),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  endsAt: Type.Union([Type.String(), Type.Null()]),
});
const RoomBody = Type.Object({
  active: Type.Union([SessionBody, Type.Null()]),
  waiting: Type.Array(SessionBody),
});
const EnqueueBody = Type.Object(
  { observer: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
const StaffHeaders = Type.Object({ 'x-staff-token': Type.Optional(Type.String()) });

export interface ObserverAppOptions {
  /** Token of the headquarters' staff who run the room queue; without it the queue cannot change. */
  readonly staffToken?: string;
  readonly logger?: boolean;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function buildObserverApp(node: ObserverNode, options: ObserverAppOptions = {}): FastifyInstance {
  const app = Fastify({ logger: options.logger ?? false });
  // tlog-witness bodies are text; tiles are served as bytes.
  app.addContentTypeParser('application/octet-stream', { parseAs: 'string' }, (_req, body, done) => {
    done(null, body);
  });
  const { follower, checker, index, room } = node;
  const error = (reply: FastifyReply, status: number, code: string, message: Message): FastifyReply =>
    reply.status(status).send({ code, message } satisfies ErrorBody);
  app.setErrorHandler(
    (err: { statusCode?: number; code?: string; message: string; validation?: unknown }, req, reply) => {
      const status = err.statusCode ?? 500;
      if (status >= 500) {
        req.log.error({ err }, 'observer request failed');
        return error(reply, 500, 'INTERNAL', msg('внутренняя ошибка узла', 'internal error of the node'));
      }
      const code = err.validation === undefined ? (err.code ?? 'BAD_REQUEST') : 'INVALID_REQUEST';
      return error(
        reply,
        status,
        code,
        msg(`неверный запрос: ${err.message}`, `invalid request: ${err.message}`),
      );
    },
  );

  app.get(
    '/status',
    { schema: { summary: 'Состояние узла / Node status', response: { 200: StatusBody } } },
    (): StatusBody => {
      const v = follower.checkpoint();
      const last = follower.lastResult;
      return {
        state: node.alarmTotal > 0 ? 'alarm' : 'ok',
        origin: follower.origin,
        verified:
          v === null
            ? null
            : { size: v.size, root: toBase64(v.root), note: v.note, verifiedAt: iso(v.timeMs) },
        last:
          last === undefined
            ? null
            : {
                kind: last.kind,
                ...('message' in last
                  ? {
                      message:
                        typeof last.message === 'string'
                          ? last.message
                          : `${last.message.ru} / ${last.message.en}`,
                    }
                  : {}),
              },
        alarms: node.alarmTotal,
        counts: checker.counts(),
      };
    },
  );

  app.get(
    '/alarms',
    { schema: { summary: 'Тревоги / Alarms', response: { 200: Type.Array(AlarmBody) } } },
    async () =>
      (await follower.listAlarms()).map((a) => ({
        id: a.id,
        kind: a.kind,
        detectedAt: iso(a.detectedMs),
        message: a.message,
        evidenceFile: a.evidenceFile,
      })),
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/alarms/:id/evidence',
    {
      schema: {
        summary: 'Доказательства тревоги / Evidence of an alarm',
        params: IdParams,
        response: {
          200: Type.Object({ format: Type.String() }, { additionalProperties: true }),
          404: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const e = await follower.alarmEvidence(req.params.id);
      if (e === undefined)
        return error(reply, 404, 'ALARM_NOT_FOUND', msg('нет такой тревоги', 'no such alarm'));
      return e;
    },
  );

  const entryBody = async (i: number): Promise<EntryBody | undefined> => {
    const cp = follower.checkpoint();
    if (cp === null || i >= cp.size) return undefined;
    const [row, [bytes], proof] = await Promise.all([
      index.byIndex(i),
      follower.replica.readEntries(i, i + 1),
      follower.proveInclusion(i),
    ]);
    if (bytes === undefined || proof === undefined) return undefined;
    return {
      index: i,
      type: row?.type ?? 'unknown',
      status: row?.status ?? 'unchecked',
      region: row?.region ?? null,
      tracker: row?.tracker ?? null,
      trackerCode: row?.trackerCode ?? null,
      entry: new TextDecoder().decode(bytes),
      leafHash: toBase64(hashLeaf(bytes)),
      inclusionProof: proof.map(toBase64),
      checkpoint: cp.note,
      treeSize: cp.size,
    };
  };

  app.get<{ Params: Static<typeof IndexParams> }>(
    '/entries/:index',
    {
      schema: {
        summary: 'Запись по номеру / Entry by index',
        params: IndexParams,
        response: { 200: EntryBody, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const e = await entryBody(req.params.index);
      if (e === undefined) {
        return error(
          reply,
          404,
          'ENTRY_NOT_FOUND',
          msg('узел не проверил такую запись', 'the node has verified no such entry'),
        );
      }
      return e;
    },
  );

  app.get<{ Params: Static<typeof TrackerParams> }>(
    '/trackers/:tracker',
    {
      schema: {
        summary: 'Записи по коду проверки / Entries by tracker',
        params: TrackerParams,
        response: { 200: Type.Array(EntryBody), 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const rows = await index.byTracker(req.params.tracker);
      const out: EntryBody[] = [];
      for (const r of rows) {
        const e = await entryBody(r.index);
        if (e !== undefined) out.push(e);
      }
      if (out.length === 0) {
        return error(
          reply,
          404,
          'TRACKER_NOT_FOUND',
          msg('такого кода проверки в журнале нет', 'no such tracker in the ledger'),
        );
      }
      return out;
    },
  );

  app.get(
    '/counts',
    { schema: { summary: 'Подсчёты по регионам / Counts per region', response: { 200: CountsBody } } },
    () => checker.counts(),
  );

  app.get<{ Querystring: Static<typeof FreshQuery> }>(
    '/issued-vs-cast',
    {
      schema: {
        summary:
          'Выдано и отдано: данные сервера против журнала / Issued vs cast: the figures against the log',
        querystring: FreshQuery,
        response: { 200: IssuedVsCastBody, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const figures = node.figures;
      if (figures === undefined) {
        return error(
          reply,
          404,
          'FIGURES_NOT_FOLLOWED',
          msg(
            'узел не следит за данными о ходе голосования (--figures)',
            'the node does not follow the figures (--figures)',
          ),
        );
      }
      const r =
        req.query.fresh === true ? await figures.check() : (figures.latest ?? (await figures.check()));
      return r;
    },
  );

  app.post<{ Body: string }>(
    '/witness/add-checkpoint',
    {
      schema: {
        summary: 'C2SP tlog-witness add-checkpoint',
        body: Type.String({ maxLength: 1 << 16 }),
        response: {
          '2xx': Type.String(),
          '4xx': Type.Union([Type.String(), ErrorBody]),
          '5xx': Type.Union([Type.String(), ErrorBody]),
        },
      },
    },
    async (req, reply) => {
      const witness = node.witness;
      if (witness === undefined)
        return reply.status(404).type('text/plain').send('this node does not witness\n');
      const r = await witness.addCheckpoint(req.body);
      return reply.status(r.status).headers(r.headers).send(r.body);
    },
  );

  const serveReplica = async (
    path: string,
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply> => {
    const accept = req.headers['accept-encoding'];
    const r = await serveLog(follower.replica, {
      path,
      ...(accept === undefined ? {} : { acceptEncoding: accept }),
    });
    return reply.status(r.status).headers(r.headers).send(Buffer.from(r.body));
  };
  const Bytes = Type.Unsafe<Uint8Array>({ type: 'string' });
  app.get(
    '/log/checkpoint',
    { schema: { summary: 'C2SP checkpoint of the replica', response: { '2xx': Bytes, '4xx': Bytes } } },
    (req, reply) => serveReplica('checkpoint', req, reply),
  );
  app.get<{ Params: Static<typeof TileParams> }>(
    '/log/tile/*',
    {
      schema: {
        summary: 'C2SP tiles of the replica',
        params: TileParams,
        response: { '2xx': Bytes, '4xx': Bytes },
      },
    },
    (req, reply) => serveReplica(`tile/${req.params['*']}`, req, reply),
  );

  const staff = (req: FastifyRequest<{ Headers: Static<typeof StaffHeaders> }>): boolean => {
    const want = options.staffToken;
    const got = req.headers['x-staff-token'];
    if (want === undefined || got === undefined) return false;
    const a = Buffer.from(want);
    const b = Buffer.from(got);
    return a.length === b.length && timingSafeEqual(a, b);
  };
  const forbidden = (reply: FastifyReply): FastifyReply =>
    error(
      reply,
      403,
      'STAFF_ONLY',
      msg('очередь ведут сотрудники штаба', 'the queue is run by the headquarters staff'),
    );
  const roomReply = <T>(reply: FastifyReply, r: RoomResult<T>): T | FastifyReply =>
    r.ok ? r.value : error(reply, r.code === 'SESSION_NOT_FOUND' ? 404 : 409, r.code, r.message);

  app.get(
    '/room',
    { schema: { summary: 'Очередь к узлу / The node queue', response: { 200: RoomBody } } },
    () => room.state(),
  );
  app.post<{ Body: Static<typeof EnqueueBody>; Headers: Static<typeof StaffHeaders> }>(
    '/room/queue',
    {
      schema: {
        summary: 'Записать в очередь / Queue an observer',
        headers: StaffHeaders,
        body: EnqueueBody,
        response: { 201: SessionBody, 403: ErrorBody },
      },
    },
    async (req, reply) => {
      if (!staff(req)) return forbidden(reply);
      return reply.status(201).send(await room.enqueue(req.body.observer));
    },
  );
  app.post<{ Headers: Static<typeof StaffHeaders> }>(
    '/room/next',
    {
      schema: {
        summary: 'Пустить следующего / Let the next observer in',
        headers: StaffHeaders,
        response: { 200: SessionBody, '4xx': ErrorBody },
      },
    },
    async (req, reply) => (staff(req) ? roomReply(reply, await room.next()) : forbidden(reply)),
  );
  for (const action of ['finish', 'cancel'] as const) {
    app.post<{ Params: Static<typeof IdParams>; Headers: Static<typeof StaffHeaders> }>(
      `/room/sessions/:id/${action}`,
      {
        schema: {
          summary:
            action === 'finish' ? 'Завершить сеанс / End a session' : 'Снять с очереди / Cancel a place',
          headers: StaffHeaders,
          params: IdParams,
          response: { 200: SessionBody, '4xx': ErrorBody },
        },
      },
      async (req, reply) =>
        staff(req) ? roomReply(reply, await room[action](req.params.id)) : forbidden(reply),
    );
  }
  return app;
}
