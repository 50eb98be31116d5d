// The election record from the ledger (issue 6), public:
//   GET /api/election/record    the record as a single-file archive (POSIX ustar of manifest.json,
//                               ballots.jsonl, challenged.jsonl, tallies.json, decryptions.json,
//                               results.json), the bytes packages/election recordArchiveBytes gives
//                               for recordFromLedgerEntries of the ledger's entries up to a
//                               checkpoint (the latest when the request came), whose size the
//                               `x-ledger-size` header names; `readRecord` reads it and
//                               `verifyRecord` (or `opendeg verify`) checks it.
// The archive is streamed (archive-stream.ts): 1 M ballots make ~5 GB, which no process should hold.
// Nothing personal is in the ledger, so nothing personal is in the record.
import { Readable } from 'node:stream';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError, bilingual } from '../errors.ts';
import { planRecord, recordArchiveChunks, type RecordLedger, type RecordPlan } from './archive-stream.ts';

export type { RecordLedger } from './archive-stream.ts';

export interface RecordRoutesOptions {
  ledger: RecordLedger;
  electionId: string;
}

/**
 * Archives written at once; more requests wait for a slot. Each decodes and re-encodes every entry
 * (twice for the first request of a ledger size, which makes the plan), so a public endpoint must
 * not run one per request in parallel.
 */
const STREAMS = 2;

const notAvailable = (): ApiError =>
  new ApiError(
    'MANIFEST_NOT_FIXED',
    409,
    bilingual({
      ru: 'Запись о выборах будет доступна после внесения манифеста выборов в журнал',
      en: 'The election record is available once the election manifest is in the ledger',
    }),
  );

export const recordRoutes: FastifyPluginCallbackTypebox<RecordRoutesOptions> = (app, options, done) => {
  const { ledger, electionId } = options;
  let cached: { size: number; settled: boolean; plan: Promise<RecordPlan | undefined> } | undefined;
  let writing = 0;
  const waiting: (() => void)[] = [];
  const slot = async (): Promise<void> => {
    if (writing < STREAMS) {
      writing++;
      return;
    }
    // The slot is handed over by release(), so `writing` stays counted.
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next === undefined) writing--;
    else next();
  };

  app.get(
    '/api/election/record',
    {
      schema: {
        summary: 'The election record from the ledger / Запись о выборах из журнала',
        tags: ['public'],
        response: {
          200: Type.Unsafe<Readable>({
            type: 'string',
            format: 'binary',
            description: 'application/x-tar: the election record archive (packages/election readRecord)',
          }),
        },
      },
      config: { allow: 'public' },
    },
    async (_request, reply) => {
      // One plan at a time: while one is made, callers get its archive (of the size it started at);
      // a plan is made again only when the ledger has grown. The entries below a checkpoint never
      // change, so a plan stays true for its size.
      const size = ledger.checkpoint().size;
      if (cached === undefined || (cached.settled && cached.size !== size)) {
        const build = { size, settled: false, plan: planRecord(ledger, size) };
        cached = build;
        build.plan.then(
          () => (build.settled = true),
          () => {
            if (cached === build) cached = undefined;
          },
        );
      }
      const plan = await cached.plan;
      if (plan === undefined) throw notAvailable();
      await slot();
      // One chunk ahead at most: the socket's own buffer and backpressure do the rest.
      const body = Readable.from(recordArchiveChunks(ledger, plan), { objectMode: true, highWaterMark: 1 });
      body.once('close', release);
      return reply
        .header('content-type', 'application/x-tar')
        .header('content-length', String(plan.length))
        .header('content-disposition', `attachment; filename="election-record-${electionId}.tar"`)
        .header('x-ledger-size', String(plan.size))
        .header('cache-control', 'no-cache')
        .send(body);
    },
  );

  done();
};
