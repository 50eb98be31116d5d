// The public figures (P-10.2) and their continuous display (P-10.8, P-3.9) over HTTP, for anyone:
//   GET /api/figures          the snapshot as JSON: per region and per precinct on the list and
//                             ballots issued, per region ballots cast and turnout, local times,
//                             and the ballot box log's tree size the ballots cast are counted at
//   GET /api/figures/stream   Server-Sent Events: an event `figures` with a snapshot at once, then
//                             whenever the figures change and at least every few seconds
//   GET /api/figures/history  turnout over time: per step of the clock (15 minutes by default) on the
//                             list, issued and cast, as first read in that step (history.ts)
// All take `region` to show one region only (the history sums all regions without it). Nothing
// here is personal: counts and times.
import { Type, type Static } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type pg from 'pg';
import { region as regionOf } from '@opendeg/deg';
import type { LoadedElection } from '../applications/deps.ts';
import type { Clock } from '../deps.ts';
import { Message } from '../errors.ts';
import { forRegion, type CastCounts, type FiguresSnapshot } from './figures.ts';
import { FiguresFeed } from './figures-feed.ts';
import { HISTORY_STEP_MS, readHistory, stepStart } from './history.ts';

const Count = Type.Integer({ minimum: 0 });
const Percent = Type.Number({ minimum: 0, description: 'issued / on the list × 100, two decimals' });

export const FiguresView = Type.Object(
  {
    electionId: Type.String(),
    at: Type.String({ format: 'date-time' }),
    totals: Type.Object(
      { onList: Count, ballotsIssued: Count, ballotsCast: Type.Optional(Count), turnoutPercent: Percent },
      { additionalProperties: false },
    ),
    ledger: Type.Optional(
      Type.Object(
        {
          treeSize: Type.Integer({
            minimum: 1,
            description: 'The ballots cast are exactly the ballot entries of the log at index < treeSize',
          }),
          rootHash: Type.String({ description: 'RFC 9162 root of that tree, base64' }),
          checkpoint: Type.String({
            description: 'The log-signed checkpoint of that tree (C2SP signed note)',
          }),
        },
        { additionalProperties: false },
      ),
    ),
    regions: Type.Array(
      Type.Object(
        {
          code: Type.String(),
          name: Message,
          timeZone: Type.String(),
          localTime: Type.String({ description: 'Now in the region: DD.MM.YYYY HH:mm (МСК±n)' }),
          voting: Type.Union([Type.Literal('not-started'), Type.Literal('open'), Type.Literal('ended')]),
          onList: Count,
          ballotsIssued: Count,
          ballotsCast: Type.Optional(Count),
          turnoutPercent: Percent,
          precincts: Type.Array(
            Type.Object(
              { number: Type.String(), onList: Count, ballotsIssued: Count, turnoutPercent: Percent },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { title: 'Figures', additionalProperties: false },
);

const RegionQuery = Type.Object(
  { region: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' })) },
  { additionalProperties: false },
);

export const FiguresHistoryView = Type.Object(
  {
    electionId: Type.String(),
    region: Type.Optional(Type.String({ description: 'Absent: all regions summed' })),
    timeZone: Type.String({
      description: "The zone to show the times in: the region's own, Moscow for all regions",
    }),
    stepMinutes: Type.Number({ exclusiveMinimum: 0 }),
    points: Type.Array(
      Type.Object(
        {
          at: Type.String({ format: 'date-time', description: 'The start of the step' }),
          onList: Count,
          ballotsIssued: Count,
          ballotsCast: Type.Optional(Count),
          turnoutPercent: Percent,
          castPercent: Type.Optional(
            Type.Number({ minimum: 0, description: 'cast / on the list × 100, two decimals' }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { title: 'FiguresHistory', additionalProperties: false },
);

export const figuresSchemas = {
  figures: {
    summary: 'Figures of remote voting / Данные о ходе ДЭГ',
    tags: ['public'],
    querystring: RegionQuery,
    response: { 200: FiguresView },
  },
  history: {
    summary: 'Turnout over time / Явка по времени',
    tags: ['public'],
    querystring: RegionQuery,
    response: { 200: FiguresHistoryView },
  },
  stream: {
    summary: 'The figures as they change (Server-Sent Events) / Данные о ходе ДЭГ в реальном времени',
    tags: ['public'],
    querystring: RegionQuery,
    produces: ['text/event-stream'],
    response: {
      200: Type.String({ description: 'text/event-stream: events `figures`, each a Figures snapshot' }),
    },
  },
};

export interface FiguresRoutesOptions {
  clock: Clock;
  pool: pg.Pool;
  election: LoadedElection;
  castCounts?: CastCounts | undefined;
  pollMs?: number;
  refreshMs?: number;
  /** The step of the figures history; default HISTORY_STEP_MS (15 minutes). */
  historyStepMs?: number;
  /** The history's check for a step without its point, real ms; 0 turns it off; default 2000. */
  historyTickMs?: number;
}

const PUBLIC = { allow: 'public' } as const;
/** How often (real ms) the history checks whether the clock has entered a step without a point. */
const HISTORY_TICK_MS = 2000;
const SHUTDOWN_GRACE_MS = 1000;

export const figuresRoutes: FastifyPluginCallbackTypebox<FiguresRoutesOptions> = (app, options, done) => {
  const historyStepMs = options.historyStepMs ?? HISTORY_STEP_MS;
  const feed = new FiguresFeed({
    pool: options.pool,
    election: options.election,
    clock: options.clock,
    castCounts: options.castCounts,
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    ...(options.refreshMs !== undefined ? { refreshMs: options.refreshMs } : {}),
    historyStepMs,
    onError: (err) => {
      app.log.error({ event: 'figures.poll_failed', err }, 'figures poll failed');
    },
  });
  const streams = new Set<() => void>();
  let histories = { step: -1, byRegion: new Map<string, Static<typeof FiguresHistoryView>>() };
  const pick = (snapshot: FiguresSnapshot, region: string | undefined): FiguresSnapshot =>
    region === undefined ? snapshot : forRegion(snapshot, region);
  // Every display gets the same snapshot: each one (per region asked for) is serialised once.
  let texts = { sequence: -1, byRegion: new Map<string, string>() };
  const serialised = (snapshot: FiguresSnapshot, sequence: number, region: string | undefined): string => {
    if (texts.sequence !== sequence) texts = { sequence, byRegion: new Map() };
    let text = texts.byRegion.get(region ?? '');
    if (text === undefined) {
      text = JSON.stringify(pick(snapshot, region));
      texts.byRegion.set(region ?? '', text);
    }
    return text;
  };

  app.get('/api/figures', { schema: figuresSchemas.figures, config: PUBLIC }, async (request, reply) => {
    // Figures of a moment: a cache may keep them for as long as the feed does.
    void reply.header('cache-control', 'public, max-age=1');
    return pick(await feed.current(), request.query.region);
  });

  app.get(
    '/api/figures/history',
    { schema: figuresSchemas.history, config: PUBLIC },
    async (request, reply) => {
      const region = request.query.region;
      // The current step's point is written by the read of the figures, if nobody read them yet.
      // When the figures cannot be read now, the points already written are still the history.
      await feed.current().catch((err: unknown) => {
        request.log.warn({ event: 'figures.history.read_failed', err }, 'figures not read for the history');
      });
      const step = stepStart(options.clock.now(), historyStepMs).getTime();
      // Points are never rewritten: once the current step's point is written (here or by another
      // process) the history cannot change before the next step, and a crowd of page loads costs
      // one read per region asked for and step (about 0.1 s for three weeks of 29 regions).
      void reply.header('cache-control', 'public, max-age=1');
      if (histories.step !== step) histories = { step, byRegion: new Map() };
      const cached = histories.byRegion.get(region ?? '');
      if (cached !== undefined) return cached;
      // Known written before the read below: then the read includes it.
      const complete = feed.recordedStep === step;
      const config = options.election.config;
      const view = {
        electionId: options.election.id,
        ...(region === undefined ? {} : { region }),
        timeZone:
          config.regions.find((r) => r.code === region) === undefined
            ? 'Europe/Moscow'
            : regionOf(config, region ?? '').timeZone,
        stepMinutes: historyStepMs / 60_000,
        points: await readHistory(options.pool, options.election.id, region),
      };
      if (complete) histories.byRegion.set(region ?? '', view);
      return view;
    },
  );

  app.get('/api/figures/stream', { schema: figuresSchemas.stream, config: PUBLIC }, (request, reply) => {
    const region = request.query.region;
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // The stream holds its connection to the end, and then the connection ends too: nothing is
      // left idle for a closing server to wait on.
      connection: 'close',
      // Proxies (nginx) must pass each event on at once.
      'x-accel-buffering': 'no',
      'x-request-id': request.id,
    });
    raw.write('retry: 3000\n\n');
    const unsubscribe = feed.subscribe((snapshot, sequence) => {
      raw.write(`id: ${sequence}\nevent: figures\ndata: ${serialised(snapshot, sequence, region)}\n\n`);
    });
    const end = (): void => {
      unsubscribe();
      streams.delete(shutdown);
      raw.end();
    };
    // At shutdown a client that stopped reading would hold its connection, and the server's close
    // with it: after a grace period for the end of the stream to arrive, the socket is dropped.
    const shutdown = (): void => {
      end();
      setTimeout(() => raw.socket?.destroy(), SHUTDOWN_GRACE_MS).unref();
    };
    streams.add(shutdown);
    raw.on('close', end);
    request.log.info({ event: 'figures.stream.open', streams: streams.size }, 'figures stream opened');
  });

  // The history's points do not wait for readers: a check every few seconds of real time (a
  // training clock may run a step in seconds) reads the figures once a step.
  const tickMs = options.historyTickMs ?? HISTORY_TICK_MS;
  const historyTimer =
    tickMs > 0
      ? setInterval(() => {
          feed.recordDue().catch((err: unknown) => {
            app.log.error({ event: 'figures.history_failed', err }, 'figures history point failed');
          });
        }, tickMs)
      : undefined;
  historyTimer?.unref();

  // Open streams never end by themselves: end them before the server waits for its connections.
  app.addHook('preClose', (doneClosing) => {
    clearInterval(historyTimer);
    for (const shutdown of [...streams]) shutdown();
    feed.close();
    doneClosing();
  });
  done();
};
