// The election record from the ledger (issue 6), public:
//   GET /api/election/record    the record as a single-file archive (POSIX ustar of manifest.json,
//                               ballots.jsonl, challenged.jsonl, tallies.json, decryptions.json,
//                               results.json: packages/election recordArchiveBytes), built from the
//                               ledger's entries alone (recordFromLedgerEntries) up to a checkpoint
//                               (the latest when the build began), whose size the `x-ledger-size`
//                               header names; `readRecord` reads
//                               it and `verifyRecord` (or `opendeg verify`) checks it.
// Nothing personal is in the ledger, so nothing personal is in the record. The archive of a given
// ledger size is built once and kept: the entries below a checkpoint never change.
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { recordArchiveBytes, recordFromLedgerEntries } from '@opendeg/election';
import { decodeEntry, type Ledger } from '@opendeg/ledger';
import { ApiError, bilingual } from '../errors.ts';

/** What the record needs of the ledger: its checkpoint's size and its entries. */
export type RecordLedger = Pick<Ledger, 'readEntries' | 'checkpoint'>;

export interface RecordRoutesOptions {
  ledger: RecordLedger;
  electionId: string;
}

/** Entries read from the ledger at once. */
const CHUNK = 1024;

export async function ledgerEntries(ledger: RecordLedger, size: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let start = 0; start < size; start += CHUNK) {
    for (const bytes of await ledger.readEntries(start, Math.min(size, start + CHUNK))) {
      const d = decodeEntry(bytes);
      // An undecodable entry stays in the list as null: the record builder names its index.
      out.push(d.ok ? d.value : null);
    }
  }
  return out;
}

const isManifest = (e: unknown): boolean => (e as { type?: unknown } | null)?.type === 'manifest';

/** The record archive's bytes (one format, packages/election's); undefined before the manifest is in the ledger. */
function archive(entries: readonly unknown[]): Uint8Array | undefined {
  if (!entries.some(isManifest)) return undefined;
  return recordArchiveBytes(recordFromLedgerEntries(entries));
}

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
  let cached: { size: number; settled: boolean; bytes: Promise<Uint8Array | undefined> } | undefined;

  app.get(
    '/api/election/record',
    {
      schema: {
        summary: 'The election record from the ledger / Запись о выборах из журнала',
        tags: ['public'],
        response: {
          200: Type.Unsafe<Uint8Array>({
            type: 'string',
            format: 'binary',
            description: 'application/x-tar: the election record archive (packages/election readRecord)',
          }),
        },
      },
      config: { allow: 'public' },
    },
    async (_request, reply) => {
      // One build at a time: while one runs, callers get its archive (of the size it started at);
      // a finished archive is rebuilt only when the ledger has grown. Building costs ~80 µs of CPU
      // per ballot, so a public endpoint must not start one per request while ballots come in.
      const size = ledger.checkpoint().size;
      if (cached === undefined || (cached.settled && cached.size !== size)) {
        const build = { size, settled: false, bytes: ledgerEntries(ledger, size).then(archive) };
        cached = build;
        build.bytes.then(
          () => (build.settled = true),
          () => {
            if (cached === build) cached = undefined;
          },
        );
      }
      const { size: served, bytes: pending } = cached;
      const bytes = await pending;
      if (bytes === undefined) throw notAvailable();
      return reply
        .header('content-type', 'application/x-tar')
        .header('content-disposition', `attachment; filename="election-record-${electionId}.tar"`)
        .header('x-ledger-size', String(served))
        .header('cache-control', 'no-cache')
        .send(Buffer.from(bytes));
    },
  );

  done();
};
