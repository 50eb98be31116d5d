// The distributed key ceremony over HTTP (P-5.2–P-5.6, issue 6): Pedersen's dealer-free generation
// in which every holder deals on their own machine (packages/crypto dkg-transport.ts, `opendeg keys`)
// and the server relays public values and encrypted shares only, so it could never rebuild the key.
//   POST /api/keys/distributed                 the chairman or the secretary opens it (key group,
//                                              attendance; N, K and the holders from the decision,
//                                              P-5.4, P-5.6); the response carries one token a holder,
//                                              handed over at the ceremony (kept as SHA-256 only)
//   GET  /api/keys/distributed/:id             the public state, to a holder (token header)
//   POST /api/keys/distributed/:id/enrol       round 0: the holder's transport key, proved possessed
//   POST /api/keys/distributed/:id/dealing     round 1: commitments, proof, one encrypted share a holder
//   GET  /api/keys/distributed/:id/shares      round 2: the shares addressed to the holder
//   POST /api/keys/distributed/:id/combine     round 2: the holder's verification key and key part file
//                                              SHA-256; the last one finishes the ceremony exactly as
//                                              the other modes do (ledger entry, key_ceremonies record)
//   POST /api/keys/distributed/:id/complaints  round 2: a share that failed, naming its dealer, with
//                                              the recipient's disclosure of that share's key; judged
//                                              from public values (a false one is refused), recorded,
//                                              the ceremony cannot finish, the ciphertext stays on record
// Each holder posts each round once, in order. Nothing secret is kept, logged or audited.
import { randomBytes, randomUUID } from 'node:crypto';
import { Type, type Static } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type pg from 'pg';
import {
  CryptoError,
  DKG_SHARE_TAG_LENGTH,
  DKG_TRANSPORT_GROUP,
  dkgPublicKey,
  dkgVerifyCommitment,
  hexToBytes,
  judgeComplaint,
  loadGroup,
  verificationKey,
  verifyThresholdPublicKey,
  verifyTransportKey,
  type DkgCeremonyBinding,
  type DkgCommitment,
  type Group,
} from '@opendeg/crypto';
import { localToInstant } from '@opendeg/deg';
import {
  decodeChallengeResponse,
  decodeElementHex,
  ElectionError,
  encodeElementHex,
  keyCeremonyContext,
} from '@opendeg/election';
import type { LoadedElection } from '../applications/deps.ts';
import { writeAudit } from '../audit.ts';
import type { AccessControl } from '../authz/access.ts';
import { PERMISSIONS } from '../authz/roles.ts';
import type { Clock } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { withTransaction } from '../transaction.ts';
import { keyGroupDef } from './ceremony.ts';
import {
  Attendee,
  CeremonyView,
  checkAttendance,
  listCeremonies,
  recordCeremony,
} from './ceremony-routes.ts';
import type { KeysDeps } from './deps.ts';
import {
  holderByToken,
  loadDistributed,
  openDistributed,
  sharesFor,
  tokenHash,
  type DistributedRound,
  type DistributedState,
} from './distributed-store.ts';
import { keyErrors } from './keys-errors.ts';

const Id = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });
const Hex = Type.String({ pattern: '^([0-9a-f]{2})+$', maxLength: 512 });
const Hex32 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const Proof = Type.Object({ c: Hex, z: Hex }, { additionalProperties: false });
const Index = Type.Integer({ minimum: 1, maximum: 255 });
const Round = Type.Union([
  Type.Literal('enrol'),
  Type.Literal('deal'),
  Type.Literal('combine'),
  Type.Literal('failed'),
  Type.Literal('done'),
]);
/** The holder's one-time token: 32 random bytes, base64url. */
export const HOLDER_TOKEN_HEADER = 'x-opendeg-holder-token';
const TokenHeaders = Type.Object({
  [HOLDER_TOKEN_HEADER]: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }),
});
const Params = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Disclosure = Type.Object({ shared: Hex32, proof: Proof }, { additionalProperties: false });
const EncryptedShareJson = Type.Object(
  { dealer: Index, recipient: Index, ephemeral: Hex32, ciphertext: Hex },
  { title: 'EncryptedShare', additionalProperties: false },
);

export const DistributedView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    electionId: Type.String(),
    keyGroup: Id,
    suite: Type.String(),
    n: Type.Integer(),
    k: Type.Integer(),
    round: Round,
    /** To a holder reading it with its token: its own part index. */
    self: Type.Optional(Index),
    openedAt: Type.String({ format: 'date-time' }),
    holders: Type.Array(
      Type.Object(
        {
          partIndex: Index,
          holder: Id,
          transportKey: Type.Optional(Hex32),
          transportProof: Type.Optional(Proof),
          dealt: Type.Boolean(),
          verificationKey: Type.Optional(Hex),
          fileSha256: Type.Optional(Hex32),
        },
        { additionalProperties: false },
      ),
    ),
    dealings: Type.Array(
      Type.Object(
        { dealer: Index, commitments: Type.Array(Hex), proof: Proof },
        { additionalProperties: false },
      ),
    ),
    complaints: Type.Array(
      Type.Object(
        {
          complainant: Index,
          dealer: Index,
          code: Type.String(),
          madeAt: Type.String({ format: 'date-time' }),
          /** The share complained of, as it was relayed: checkable against the dealer's commitments. */
          share: EncryptedShareJson,
          /** S = t·R of that share with its DLEQ proof: anyone can decrypt and judge it. */
          disclosure: Disclosure,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { title: 'DistributedKeyCeremony', additionalProperties: false },
);
export type DistributedView = Static<typeof DistributedView>;

/** What every holder's route takes: the ceremony id and the holder's token. */
const holderRoute = { tags: ['keys'], params: Params, headers: TokenHeaders };

export const distributedSchemas = {
  open: {
    summary: 'Open a distributed key ceremony (P-5.2–P-5.6) / Начать распределённое формирование ключей',
    tags: ['keys'],
    body: Type.Object(
      { keyGroup: Id, attendance: Type.Array(Attendee, { minItems: 1, maxItems: 200 }) },
      { additionalProperties: false },
    ),
    response: {
      201: Type.Object(
        {
          ceremony: DistributedView,
          tokens: Type.Array(
            Type.Object(
              { partIndex: Index, holder: Id, token: Type.String() },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    },
  },
  view: {
    summary: 'A distributed key ceremony, to a holder / Состояние формирования ключей',
    ...holderRoute,
    response: { 200: DistributedView },
  },
  enrol: {
    summary: 'Round 0: a holder’s transport key / Ключ передачи держателя',
    ...holderRoute,
    body: Type.Object({ transportKey: Hex32, proof: Proof }, { additionalProperties: false }),
    response: { 201: DistributedView },
  },
  dealing: {
    summary: 'Round 1: a holder’s dealing / Раздача держателя',
    ...holderRoute,
    body: Type.Object(
      {
        commitments: Type.Array(Hex, { minItems: 2, maxItems: 255 }),
        proof: Proof,
        shares: Type.Array(
          Type.Object(
            { recipient: Index, ephemeral: Hex32, ciphertext: Hex },
            { additionalProperties: false },
          ),
          { minItems: 2, maxItems: 255 },
        ),
      },
      { additionalProperties: false },
    ),
    response: { 201: DistributedView },
  },
  shares: {
    summary: 'Round 2: the shares addressed to a holder / Доли, адресованные держателю',
    ...holderRoute,
    response: {
      200: Type.Object({ shares: Type.Array(EncryptedShareJson) }, { additionalProperties: false }),
    },
  },
  combine: {
    summary: 'Round 2: a holder’s verification key and key part file hash / Ключ проверки части',
    ...holderRoute,
    body: Type.Object({ verificationKey: Hex, fileSha256: Hex32 }, { additionalProperties: false }),
    response: {
      201: Type.Object(
        { ceremony: DistributedView, keyCeremony: Type.Optional(CeremonyView) },
        { additionalProperties: false },
      ),
    },
  },
  complain: {
    summary: 'Round 2: a complaint naming a dealer / Жалоба на раздающего',
    ...holderRoute,
    body: Type.Object(
      { dealer: Index, code: Type.Literal('SHARE_INVALID'), disclosure: Disclosure },
      { additionalProperties: false },
    ),
    response: { 201: DistributedView },
  },
};

export interface DistributedRoutesOptions {
  clock: Clock;
  pool: pg.Pool;
  election: LoadedElection;
  accessControl: AccessControl;
  keys: KeysDeps;
}

/** The view of a state; the complaints' shares come from the table they were relayed through. */
async function viewOf(db: pg.Pool | pg.PoolClient, s: DistributedState): Promise<DistributedView> {
  const complained = [];
  for (const c of s.complaints) {
    const share = (await sharesFor(db, s.id, c.complainant)).find((x) => x.dealer === c.dealer);
    if (share === undefined) throw new Error('distributed ceremony: complaint without its share');
    complained.push({ ...c, madeAt: c.madeAt.toISOString(), share });
  }
  return {
    id: s.id,
    electionId: s.electionId,
    keyGroup: s.keyGroup,
    suite: s.suite,
    n: s.n,
    k: s.k,
    round: s.round,
    openedAt: s.openedAt.toISOString(),
    holders: s.holders.map((holder, i) => {
      const e = s.enrolments.get(i + 1);
      const c = s.combines.get(i + 1);
      return {
        partIndex: i + 1,
        holder,
        ...(e === undefined ? {} : { transportKey: e.transportKey, transportProof: e.proof }),
        dealt: s.dealings.has(i + 1),
        ...(c ?? {}),
      };
    }),
    dealings: [...s.dealings.entries()]
      .sort(([a], [b]) => a - b)
      .map(([dealer, d]) => ({ dealer, commitments: d.commitments, proof: d.proof })),
    complaints: complained,
  };
}

const malformed = (ru: string, en: string) => keyErrors.messageInvalid(ru, en);

/** Decodes public values the way the manifest does; a bad point or scalar is the holder's error. */
function decoded<T>(what: { ru: string; en: string }, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ElectionError || e instanceof CryptoError) throw malformed(what.ru, what.en);
    throw e;
  }
}

export const distributedRoutes: FastifyPluginCallbackTypebox<DistributedRoutesOptions> = (
  app,
  options,
  done,
) => {
  const { clock, pool, election, accessControl, keys } = options;
  const electionId = election.id;
  const config = election.config;
  let group: Promise<Group<unknown>> | undefined;
  const g = (): Promise<Group<unknown>> => (group ??= loadGroup(config.suite, keys.backend ?? 'auto'));
  const deadline = localToInstant(config.schedule.keyCeremony, config.schedule.referenceTimeZone);
  const lock = (client: pg.PoolClient, keyGroup: string) =>
    // The same lock as the other modes' ceremony: one key per key group, whichever mode finishes.
    client.query("SELECT pg_advisory_xact_lock(hashtextextended('opendeg-key-ceremony:' || $1, 0))", [
      `${electionId}/${keyGroup}`,
    ]);
  const bindingOf = (s: DistributedState): DkgCeremonyBinding => ({
    ceremonyId: s.id,
    electionId,
    suite: s.suite,
    keyGroup: s.keyGroup,
  });

  app.post(
    '/api/keys/distributed',
    { schema: distributedSchemas.open, config: { allow: PERMISSIONS.holdKeyCeremony } },
    async (request, reply) => {
      const { keyGroup, attendance } = request.body;
      const at = clock.now();
      const access = await accessControl.access(request);
      const seat = access.assignments.find((a) => a.role === 'chairman' || a.role === 'secretary');
      const openedBy = seat?.role === 'secretary' && !access.roles.has('chairman') ? 'secretary' : 'chairman';
      const details = { keyGroup, mode: 'distributed', attendees: attendance.length, requestId: request.id };
      const refuse = async (error: ApiError): Promise<never> => {
        await writeAudit(pool, {
          electionId,
          at,
          actorRole: openedBy,
          action: 'keys.distributed.open',
          disposition: 'failure',
          details: { ...details, failure: error.code },
        });
        throw error;
      };
      if (!config.keyGroups.some((k) => k.id === keyGroup))
        return refuse(keyErrors.keyGroupNotFound(keyGroup));
      if (at.getTime() > deadline.getTime()) return refuse(keyErrors.afterDeadline(deadline));
      if (config.suite === 'belenios-2048') return refuse(keyErrors.suiteUnsupported(config.suite));
      const decision = await pool.query<{ id: string; payload: { n: number; k: number; holders: string[] } }>(
        `SELECT id, payload FROM commission_decisions WHERE election_id = $1 AND kind = 'key-parts'`,
        [electionId],
      );
      const decided = decision.rows[0];
      if (decided === undefined) return refuse(keyErrors.noDecision());
      const { n, k, holders } = decided.payload;
      // Pedersen's DKG needs a polynomial of degree ≥ 1: a single part has nothing to share.
      if (k < 2) return refuse(keyErrors.suiteUnsupported(`${config.suite} (K = ${k})`));
      try {
        checkAttendance(election, attendance, seat?.memberId ?? undefined, at);
      } catch (e) {
        if (e instanceof ApiError) return refuse(e);
        throw e;
      }
      const id = randomUUID();
      const tokens = holders.map((holder, i) => ({
        partIndex: i + 1,
        holder,
        token: randomBytes(32).toString('base64url'),
      }));
      const refusal = await withTransaction(pool, async (client) => {
        await lock(client, keyGroup);
        const held = await client.query(
          'SELECT 1 FROM key_ceremonies WHERE election_id = $1 AND key_group = $2',
          [electionId, keyGroup],
        );
        if (held.rowCount !== 0) return keyErrors.done(keyGroup);
        if ((await openDistributed(client, electionId, keyGroup)).length > 0)
          return keyErrors.inProgress(keyGroup);
        await client.query(
          `INSERT INTO distributed_ceremonies (id, election_id, key_group, decision_id, suite, n, k, opened_by,
             opened_at, attendance) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            id,
            electionId,
            keyGroup,
            decided.id,
            config.suite,
            n,
            k,
            openedBy,
            at,
            JSON.stringify(attendance),
          ],
        );
        await client.query(
          `INSERT INTO distributed_ceremony_holders (ceremony_id, part_index, holder, token_sha256)
           SELECT $1, h.i, h.holder, h.token FROM unnest($2::int[], $3::text[], $4::bytea[]) AS h(i, holder, token)`,
          [
            id,
            tokens.map((t) => t.partIndex),
            tokens.map((t) => t.holder),
            tokens.map((t) => tokenHash(t.token)),
          ],
        );
        await writeAudit(client, {
          electionId,
          at,
          actorRole: openedBy,
          action: 'keys.distributed.open',
          disposition: 'success',
          details: { ...details, n, k, ceremonyId: id },
        });
        return undefined;
      });
      if (refusal !== undefined) return refuse(refusal);
      const state = await loadDistributed(pool, electionId, id);
      if (state === undefined) throw new Error('distributed ceremony: not stored');
      request.log.info({ event: 'keys.distributed.open', keyGroup, n, k, ceremonyId: id }, 'ceremony opened');
      return reply
        .status(201)
        .header('cache-control', 'no-store')
        .send({ ceremony: await viewOf(pool, state), tokens });
    },
  );

  /**
   * A holder's step: under the key group's lock, the ceremony (404), the holder by token (401), the
   * deadline and the round; `step` records the message and returns what to answer.
   */
  async function holderStep<T>(
    request: { id: string; params: { id: string }; headers: Record<string, unknown> },
    action: string,
    round: DistributedRound | readonly DistributedRound[],
    step: (client: pg.PoolClient, s: DistributedState, index: number, at: Date) => Promise<T>,
  ): Promise<T> {
    const at = clock.now();
    const token = String(request.headers[HOLDER_TOKEN_HEADER]);
    const ceremonyId = request.params.id;
    const first = await loadDistributed(pool, electionId, ceremonyId);
    let index: number | undefined;
    try {
      if (first === undefined) throw keyErrors.ceremonyNotFound();
      return await withTransaction(pool, async (client) => {
        await lock(client, first.keyGroup);
        const s = await loadDistributed(client, electionId, ceremonyId);
        if (s === undefined) throw keyErrors.ceremonyNotFound();
        index = await holderByToken(client, ceremonyId, token);
        if (index === undefined) throw keyErrors.holderTokenInvalid();
        if (at.getTime() > deadline.getTime()) throw keyErrors.afterDeadline(deadline);
        const rounds: readonly DistributedRound[] = typeof round === 'string' ? [round] : round;
        if (!rounds.includes(s.round)) throw keyErrors.wrongRound(s.round, rounds.join('|'));
        const out = await step(client, s, index, at);
        await writeAudit(client, {
          electionId,
          at,
          actorRole: 'system',
          action,
          disposition: 'success',
          details: { actor: 'key-holder', ceremonyId, partIndex: index, requestId: request.id },
        });
        return out;
      });
    } catch (e) {
      if (e instanceof ApiError)
        await writeAudit(pool, {
          electionId,
          at,
          actorRole: 'system',
          action,
          disposition: 'failure',
          details: {
            actor: 'key-holder',
            ceremonyId,
            partIndex: index ?? null,
            failure: e.code,
            requestId: request.id,
          },
        });
      throw e;
    }
  }

  const viewCfg = { allow: 'public' as const };

  app.get(
    '/api/keys/distributed/:id',
    { schema: distributedSchemas.view, config: viewCfg },
    async (request, reply) => {
      const s = await loadDistributed(pool, electionId, request.params.id);
      if (s === undefined) throw keyErrors.ceremonyNotFound();
      const self = await holderByToken(pool, s.id, request.headers[HOLDER_TOKEN_HEADER]);
      if (self === undefined) throw keyErrors.holderTokenInvalid();
      return reply.header('cache-control', 'no-store').send({ ...(await viewOf(pool, s)), self });
    },
  );

  app.post(
    '/api/keys/distributed/:id/enrol',
    { schema: distributedSchemas.enrol, config: viewCfg },
    async (request, reply) => {
      const { transportKey, proof } = request.body;
      const view = await holderStep(
        request,
        'keys.distributed.enrol',
        'enrol',
        async (client, s, index, at) => {
          if (s.enrolments.has(index)) throw keyErrors.alreadyPosted('enrol');
          const p = decoded({ ru: 'Доказательство не читается', en: 'The proof does not decode' }, () =>
            decodeChallengeResponse(DKG_TRANSPORT_GROUP, proof, 'proof'),
          );
          if (!verifyTransportKey(bindingOf(s), index, hexToBytes(transportKey), p))
            throw malformed(
              'Ключ передачи — не точка ristretto255 или без доказательства владения',
              'The transport key is no ristretto255 point or its proof of possession fails',
            );
          if ([...s.enrolments.values()].some((e) => e.transportKey === transportKey))
            throw malformed('Этот ключ передачи уже занят', 'This transport key is already enrolled');
          await client.query(
            `INSERT INTO distributed_ceremony_enrolments (ceremony_id, part_index, transport_key, proof, enrolled_at)
           VALUES ($1, $2, $3, $4, $5)`,
            [s.id, index, transportKey, JSON.stringify(proof), at],
          );
          return viewOf(client, (await loadDistributed(client, electionId, s.id)) ?? s);
        },
      );
      request.log.info({ event: 'keys.distributed.enrol', ceremonyId: view.id }, 'holder enrolled');
      return reply.status(201).send(view);
    },
  );

  app.post(
    '/api/keys/distributed/:id/dealing',
    { schema: distributedSchemas.dealing, config: viewCfg },
    async (request, reply) => {
      const grp = await g();
      const body = request.body;
      const view = await holderStep(
        request,
        'keys.distributed.deal',
        'deal',
        async (client, s, index, at) => {
          if (s.dealings.has(index)) throw keyErrors.alreadyPosted('deal');
          const params = { n: s.n, k: s.k };
          const context = keyCeremonyContext(electionId, s.suite, s.keyGroup);
          const commitment: DkgCommitment<unknown> = decoded(
            { ru: 'Обязательства не читаются', en: 'The commitments do not decode' },
            () => ({
              dealer: index,
              commitments: body.commitments.map((c, j) => decodeElementHex(grp, c, `commitments[${j}]`)),
              proof: decodeChallengeResponse(grp, body.proof, 'proof'),
            }),
          );
          if (!dkgVerifyCommitment(grp, context, params, commitment))
            throw malformed(
              `Нужно ${s.k} обязательств с доказательством знания первого`,
              `Expected ${s.k} commitments with a valid proof of knowledge of the first`,
            );
          const recipients = body.shares.map((x) => x.recipient).sort((a, b) => a - b);
          if (recipients.length !== s.n || recipients.some((r, i) => r !== i + 1))
            throw malformed(
              'Нужна ровно одна зашифрованная доля каждому держателю',
              'Exactly one encrypted share is needed for each holder',
            );
          for (const x of body.shares) {
            decoded({ ru: 'Эфемерный ключ — не точка', en: 'An ephemeral key is not a point' }, () =>
              DKG_TRANSPORT_GROUP.decodeElement(hexToBytes(x.ephemeral)),
            );
            if (x.ciphertext.length !== 2 * (grp.scalarLength + DKG_SHARE_TAG_LENGTH))
              throw malformed('Доля неверной длины', 'An encrypted share has the wrong length');
          }
          await client.query(
            `INSERT INTO distributed_ceremony_dealings (ceremony_id, dealer, commitments, proof, dealt_at)
           VALUES ($1, $2, $3, $4, $5)`,
            [s.id, index, JSON.stringify(body.commitments), JSON.stringify(body.proof), at],
          );
          await client.query(
            `INSERT INTO distributed_ceremony_shares (ceremony_id, dealer, recipient, ephemeral, ciphertext)
           SELECT $1, $2, x.recipient, decode(x.eph, 'hex'), decode(x.ct, 'hex')
           FROM unnest($3::int[], $4::text[], $5::text[]) AS x(recipient, eph, ct)`,
            [
              s.id,
              index,
              body.shares.map((x) => x.recipient),
              body.shares.map((x) => x.ephemeral),
              body.shares.map((x) => x.ciphertext),
            ],
          );
          return viewOf(client, (await loadDistributed(client, electionId, s.id)) ?? s);
        },
      );
      request.log.info({ event: 'keys.distributed.deal', ceremonyId: view.id }, 'holder dealt');
      return reply.status(201).send(view);
    },
  );

  app.get(
    '/api/keys/distributed/:id/shares',
    { schema: distributedSchemas.shares, config: viewCfg },
    async (request, reply) => {
      const shares = await holderStep(
        request,
        'keys.distributed.fetch',
        ['combine', 'failed', 'done'],
        (client, s, index) => sharesFor(client, s.id, index),
      );
      return reply.header('cache-control', 'no-store').send({ shares });
    },
  );

  app.post(
    '/api/keys/distributed/:id/complaints',
    { schema: distributedSchemas.complain, config: viewCfg },
    async (request, reply) => {
      const grp = await g();
      const { dealer, code, disclosure } = request.body;
      const view = await holderStep(
        request,
        'keys.distributed.complain',
        'combine',
        async (client, s, index, at) => {
          if (s.combines.has(index)) throw keyErrors.alreadyPosted('combine');
          const share = (await sharesFor(client, s.id, index)).find((x) => x.dealer === dealer);
          const dealt = s.dealings.get(dealer);
          const recipientKey = s.enrolments.get(index)?.transportKey;
          if (share === undefined || dealt === undefined || recipientKey === undefined)
            throw malformed('Такого раздающего нет', 'No such dealer');
          // Public arithmetic: the disclosed key opens that one share, which is judged by the
          // dealer's commitments. Only a complaint that holds is recorded.
          const verdict = await judgeComplaint(
            grp,
            bindingOf(s),
            hexToBytes(recipientKey),
            {
              dealer,
              recipient: index,
              ephemeral: hexToBytes(share.ephemeral),
              ciphertext: hexToBytes(share.ciphertext),
            },
            {
              shared: hexToBytes(disclosure.shared),
              proof: decoded({ ru: 'Доказательство не читается', en: 'The proof does not decode' }, () =>
                decodeChallengeResponse(DKG_TRANSPORT_GROUP, disclosure.proof, 'proof'),
              ),
            },
            dealt.commitments.map((c) => decodeElementHex(grp, c, 'commitment')),
          );
          if (verdict === 'disclosure-invalid')
            throw malformed(
              'Раскрытие ключа доли не доказано',
              'The disclosure of the share key is not proved',
            );
          if (verdict === 'share-valid') throw keyErrors.complaintUnfounded(dealer);
          await client.query(
            `INSERT INTO distributed_ceremony_complaints (ceremony_id, complainant, dealer, code, shared, proof,
               made_at) VALUES ($1, $2, $3, $4, decode($5, 'hex'), $6, $7)`,
            [s.id, index, dealer, code, disclosure.shared, JSON.stringify(disclosure.proof), at],
          );
          return viewOf(client, (await loadDistributed(client, electionId, s.id)) ?? s);
        },
      );
      request.log.info(
        { event: 'keys.distributed.complaint', ceremonyId: view.id, dealer },
        'complaint against a dealer recorded',
      );
      return reply.status(201).send(view);
    },
  );

  app.post(
    '/api/keys/distributed/:id/combine',
    { schema: distributedSchemas.combine, config: viewCfg },
    async (request, reply) => {
      const grp = await g();
      const body = request.body;
      const out = await holderStep(
        request,
        'keys.distributed.combine',
        'combine',
        async (client, s, index, at) => {
          if (s.combines.has(index)) throw keyErrors.alreadyPosted('combine');
          const params = { n: s.n, k: s.k };
          const context = keyCeremonyContext(electionId, s.suite, s.keyGroup);
          // Public arithmetic only: the key and part i's image from the dealers' commitments.
          const key = dkgPublicKey(
            grp,
            context,
            params,
            [...s.dealings.entries()]
              .sort(([a], [b]) => a - b)
              .map(([dealer, d]) => ({
                dealer,
                commitments: d.commitments.map((c) => decodeElementHex(grp, c, 'commitment')),
                proof: decodeChallengeResponse(grp, d.proof, 'proof'),
              })),
          );
          if (encodeElementHex(grp, verificationKey(grp, key, index)) !== body.verificationKey)
            throw malformed(
              'Ключ проверки части не следует из обязательств',
              'The verification key does not follow from the commitments',
            );
          await client.query(
            `INSERT INTO distributed_ceremony_combines (ceremony_id, part_index, verification_key, file_sha256,
               combined_at) VALUES ($1, $2, $3, decode($4, 'hex'), $5)`,
            [s.id, index, body.verificationKey, body.fileSha256, at],
          );
          const now = await loadDistributed(client, electionId, s.id);
          if (now === undefined) throw new Error('distributed ceremony: vanished');
          if (now.combines.size < s.n) return { view: await viewOf(client, now) };
          const finished = await finish(client, now, key, at, request.id);
          const after = (await loadDistributed(client, electionId, s.id)) ?? now;
          return { view: await viewOf(client, after), keyCeremony: finished };
        },
      );
      if (out.keyCeremony !== undefined)
        request.log.info(
          {
            event: 'keys.ceremony',
            keyGroup: out.keyCeremony.keyGroup,
            mode: 'distributed',
            ledgerIndex: out.keyCeremony.ledgerIndex,
          },
          'key ceremony held',
        );
      return reply
        .status(201)
        .send(
          out.keyCeremony === undefined
            ? { ceremony: out.view }
            : { ceremony: out.view, keyCeremony: out.keyCeremony },
        );
    },
  );

  /**
   * The last holder has combined: the ceremony is recorded as the other modes record theirs (the
   * ledger entry, key_ceremonies under the same id, the parts, the attendance), in the caller's
   * transaction under the key group's lock.
   */
  async function finish(
    client: pg.PoolClient,
    s: DistributedState,
    key: ReturnType<typeof dkgPublicKey<unknown>>,
    at: Date,
    requestId: string,
  ): Promise<CeremonyView> {
    const grp = await g();
    const context = keyCeremonyContext(electionId, s.suite, s.keyGroup);
    const checked = verifyThresholdPublicKey(grp, context, key);
    if (!checked.ok) throw new Error(`distributed ceremony: the key fails its own check: ${checked.message}`);
    const held = await client.query(
      'SELECT 1 FROM key_ceremonies WHERE election_id = $1 AND key_group = $2',
      [electionId, s.keyGroup],
    );
    if (held.rowCount !== 0) throw keyErrors.done(s.keyGroup);
    const def = keyGroupDef(grp, s.keyGroup, key);
    const parts = s.holders.map((holder, i) => {
      const c = s.combines.get(i + 1);
      if (c === undefined) throw new Error('distributed ceremony: a part is missing');
      return { index: i + 1, holder, verificationKey: c.verificationKey, fileSha256: c.fileSha256 };
    });
    const ledgerIndex = await recordCeremony(client, keys, {
      id: s.id,
      electionId,
      keyGroup: s.keyGroup,
      decisionId: s.decisionId,
      mode: 'dealer-free',
      dealing: 'distributed',
      suite: s.suite,
      openedBy: s.openedBy,
      at,
      def,
      parts,
      attendance: s.attendance,
    });
    await writeAudit(client, {
      electionId,
      at,
      actorRole: s.openedBy,
      action: 'keys.ceremony',
      disposition: 'success',
      details: {
        keyGroup: s.keyGroup,
        mode: 'distributed',
        n: s.n,
        k: s.k,
        ceremonyId: s.id,
        ledgerIndex,
        requestId,
      },
    });
    const view = (await listCeremonies(client, electionId)).find((c) => c.id === s.id);
    if (view === undefined) throw new Error('distributed ceremony: the record is missing');
    return view;
  }

  done();
};
