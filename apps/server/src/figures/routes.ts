// The public figures (P-10.2) and their continuous display (P-10.8, P-3.9) over HTTP, for anyone:
//   GET /api/figures          the snapshot as JSON: per region and per precinct on the list and
//                             ballots issued, per region ballots cast and turnout, local times,
//                             and the ballot box log's tree size the ballots cast are counted at
//   GET /api/figures/stream   Server-Sent Events: an event `figures` with a snapshot at once, then
//                             whenever the figures change and at least every few seconds
// Both take `region` to show one region only. Nothing here is personal: counts and times.
import { Type } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type pg from 'pg';
import type { LoadedElection } from '../applications/deps.ts';
import type { Clock } from '../deps.ts';
import { Message } from '../errors.ts';
import { forRegion, type CastCounts, type FiguresSnapshot } from './figures.ts';
import { FiguresFeed } from './figures-feed.ts';

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

export const figuresSchemas = {
  figures: {
    summary: 'Figures of remote voting / Данные о ходе ДЭГ',
    tags: ['public'],
    querystring: RegionQuery,
    response: { 200: FiguresView },
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
}

const PUBLIC = { allow: 'public' } as const;
const SHUTDOWN_GRACE_MS = 1000;

export const figuresRoutes: FastifyPluginCallbackTypebox<FiguresRoutesOptions> = (app, options, done) => {
  const feed = new FiguresFeed({
    pool: options.pool,
    election: options.election,
    clock: options.clock,
    castCounts: options.castCounts,
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    ...(options.refreshMs !== undefined ? { refreshMs: options.refreshMs } : {}),
    onError: (err) => {
      app.log.error({ event: 'figures.poll_failed', err }, 'figures poll failed');
    },
  });
  const streams = new Set<() => void>();
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

  // Open streams never end by themselves: end them before the server waits for its connections.
  app.addHook('preClose', (doneClosing) => {
    for (const shutdown of [...streams]) shutdown();
    feed.close();
    doneClosing();
  });
  done();
};
