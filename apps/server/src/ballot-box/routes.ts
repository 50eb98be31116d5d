// The ballot box over HTTP (P-6.10, DESIGN "The voting protocol" step 3), public — the box does not
// know who sends a ballot, only that its credential is certified and unused:
//   POST /api/box/ballots             cast a ballot: the region's window (P-6.1, the injected clock),
//                                     the credential, its single use, every proof (B.1–B.10; with
//                                     the ballots that arrive with it, cast-batcher.ts), then the
//                                     ledger and the running tally; the receipt
//                                     (tracker, leaf index, inclusion proof, signed checkpoint). The
//                                     same ballot again gets the same receipt (200), even sent twice
//                                     at once; another ballot with a used credential is refused
//   POST /api/box/challenged          publish a challenged (Benaloh) vote with its opening: checked
//                                     (C.1, C.2), entered into the ledger, never counted; a ballot
//                                     with its tracker is refused afterwards (B.10)
//   GET  /api/box/receipts/:tracker   the receipt of a cast or challenged tracker, against the latest
//                                     checkpoint
//   GET  /log/*                       the ledger's C2SP tlog-tiles read API: checkpoint, hash tiles,
//                                     entry bundles (P-10.10, P-11.10.5)
// The box reads only its own tables and the manifest; it never sees the identity side.
import { createHash } from 'node:crypto';
import { Type, type Static } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { canonicalJsonBytes, CryptoError } from '@opendeg/crypto';
import { trackerCode, verifyChallengedVote, type Election } from '@opendeg/election';
import { serveLog } from '@opendeg/ledger';
import { ApiError } from '../errors.ts';
import type { BallotBoxDeps } from './deps.ts';
import { boxErrors, refusal } from './box-errors.ts';
import { BallotBoxWriter, type BoxReceipt } from './box-writer.ts';
import { CastBatcher } from './cast-batcher.ts';
import { inThreadValidator, workerValidator, type BallotValidator } from './validation-pool.ts';

const Hash = Type.String({ pattern: '^[0-9a-f]{64}$' });
const Base64 = Type.String({ pattern: '^[A-Za-z0-9+/]*={0,2}$' });

export const ReceiptView = Type.Object(
  {
    tracker: Hash,
    /** The tracker code the voter's device showed, twenty digits in five groups. */
    trackerCode: Type.String({ pattern: '^[0-9]{4}(-[0-9]{4}){4}$' }),
    /** The ballot's region; null for a challenged vote. */
    region: Type.Union([Type.String(), Type.Null()]),
    index: Type.Integer({ minimum: 0 }),
    leafHash: Base64,
    inclusionProof: Type.Array(Base64),
    /** The C2SP signed checkpoint the proof is against. */
    checkpoint: Type.String(),
    treeSize: Type.Integer({ minimum: 1 }),
    rootHash: Base64,
  },
  { title: 'BallotReceipt', additionalProperties: false },
);

const Receipted = Type.Object({ receipt: ReceiptView }, { additionalProperties: false });
const AnyJson = Type.Object({}, { additionalProperties: true });

export const boxSchemas = {
  cast: {
    summary: 'Cast a ballot (P-6.10) / Опустить бюллетень',
    tags: ['ballot-box'],
    body: { ...AnyJson, title: 'Ballot', description: 'packages/election BallotJson (or a Belenios ballot)' },
    response: { 200: Receipted, 201: Receipted },
  },
  challenge: {
    summary: 'Publish a challenged vote (Benaloh) / Опубликовать проверенный бюллетень',
    tags: ['ballot-box'],
    body: { ...AnyJson, title: 'ChallengedVote', description: 'packages/election ChallengedVoteJson' },
    response: { 200: Receipted, 201: Receipted },
  },
  receipt: {
    summary: 'A receipt by tracker / Квитанция по коду бюллетеня',
    tags: ['ballot-box'],
    params: Type.Object({ tracker: Hash }, { additionalProperties: false }),
    response: { 200: Receipted },
  },
  log: {
    summary: 'Ledger checkpoint, tiles and entry bundles (C2SP tlog-tiles) / Блоки реестра',
    tags: ['public'],
    params: Type.Object({ '*': Type.String({ maxLength: 200 }) }),
    response: {
      200: Type.Unsafe<Uint8Array>({
        type: 'string',
        format: 'binary',
        description: 'checkpoint note (text) or tile bytes (binary)',
      }),
    },
  },
};

function view(r: BoxReceipt): { receipt: Static<typeof ReceiptView> } {
  return {
    receipt: {
      ...r,
      inclusionProof: [...r.inclusionProof],
      trackerCode: trackerCode(Buffer.from(r.tracker, 'hex')),
    },
  };
}

const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The ballot box's routes; needs nothing but BallotBoxDeps. */
export const ballotBoxRoutes: FastifyPluginCallbackTypebox<BallotBoxDeps> = (app, deps, done) => {
  let writer: Promise<BallotBoxWriter> | undefined;
  let validator: Promise<BallotValidator> | undefined;
  let batcher: { writer: BallotBoxWriter; validator: BallotValidator; batcher: CastBatcher } | undefined;

  async function box(): Promise<{
    election: Election<unknown>;
    writer: BallotBoxWriter;
    batcher: CastBatcher;
  }> {
    const election = await deps.manifest.current();
    if (election === undefined) throw boxErrors.notReady();
    writer ??= BallotBoxWriter.open({
      pool: deps.pool,
      clock: deps.clock,
      log: deps.log,
      election,
      ...(deps.maxBatch === undefined ? {} : { maxBatch: deps.maxBatch }),
      onError: (e) => {
        app.log.error(
          { err: e, event: 'box.stopped' },
          'ballot box stopped; restart to reconcile with the ledger',
        );
      },
    });
    writer.catch(() => {
      writer = undefined;
    });
    const workers = deps.validationWorkers ?? 0;
    validator ??=
      workers > 0
        ? workerValidator(election, workers, deps.backend, deps.validationPreload)
        : Promise.resolve(inThreadValidator(election));
    // A pool that could not start is tried again by the next request (and logged as an error).
    validator.catch(() => {
      validator = undefined;
    });
    const w = await writer;
    if (w.isStopped) throw boxErrors.unavailable();
    const v = await validator;
    // One batcher per writer and validator (a validator that failed to start is started again).
    if (batcher?.writer !== w || batcher.validator !== v)
      batcher = { writer: w, validator: v, batcher: new CastBatcher(election, w, v, deps.votingWindows) };
    return { election, writer: w, batcher: batcher.batcher };
  }

  app.addHook('onClose', async () => {
    if (writer !== undefined) await (await writer.catch(() => undefined))?.close();
    if (validator !== undefined) await (await validator.catch(() => undefined))?.close();
  });

  app.post(
    '/api/box/ballots',
    { schema: boxSchemas.cast, config: { allow: 'public' }, bodyLimit: 256 * 1024 },
    async (request, reply) => {
      const at = deps.clock.now();
      const { batcher } = await box();
      const ballot = request.body as Record<string, unknown>;
      // The ballot's identity: the SHA-256 of its canonical JSON, canonicalised once here; the same
      // bytes go to the validation worker and, spliced, into the ledger entry.
      let canonical: Uint8Array;
      try {
        canonical = canonicalJsonBytes(ballot);
      } catch (e) {
        if (e instanceof CryptoError) throw boxErrors.rejected([{ check: 'B.1', message: e.message }]);
        throw e;
      }
      const cast = await batcher.cast({ ballot, canonical, sha256: sha256Hex(canonical), at });
      if (cast.kind === 'refused') throw cast.error;
      if (cast.fresh)
        request.log.info(
          { event: 'box.ballot', region: cast.receipt.region, index: cast.receipt.index },
          'ballot accepted',
        );
      return reply.status(cast.fresh ? 201 : 200).send(view(cast.receipt));
    },
  );

  app.post(
    '/api/box/challenged',
    { schema: boxSchemas.challenge, config: { allow: 'public' }, bodyLimit: 256 * 1024 },
    async (request, reply) => {
      const { election, writer: w } = await box();
      const v = verifyChallengedVote(election, request.body);
      if (!v.ok) throw boxErrors.challengeRejected(v.failures);
      const outcome = await w.submit({ kind: 'challenged', vote: request.body, tracker: v.tracker.hash });
      if (outcome.kind !== 'accepted') throw refusal(outcome);
      if (outcome.fresh)
        request.log.info(
          { event: 'box.challenged', index: outcome.receipt.index },
          'challenged vote published',
        );
      return reply.status(outcome.fresh ? 201 : 200).send(view(outcome.receipt));
    },
  );

  app.get(
    '/api/box/receipts/:tracker',
    { schema: boxSchemas.receipt, config: { allow: 'public' } },
    async (request) => {
      const { writer: w } = await box();
      const receipt = await w.freshReceipt(request.params.tracker);
      if (receipt === undefined) throw boxErrors.receiptNotFound();
      return view(receipt);
    },
  );

  app.get('/log/*', { schema: boxSchemas.log, config: { allow: 'public' } }, async (request, reply) => {
    const accept = request.headers['accept-encoding'];
    const res = await serveLog(deps.log, {
      path: request.params['*'],
      ...(typeof accept === 'string' ? { acceptEncoding: accept } : {}),
    });
    if (res.status === 400) throw new ApiError('BAD_REQUEST', 400, 'Некорректный путь / Bad tile path');
    if (res.status !== 200) throw new ApiError('NOT_FOUND', 404, 'Не найдено / Not found');
    return reply.status(200).headers(res.headers).send(res.body);
  });

  done();
};
