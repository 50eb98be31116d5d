// Decryption of a key group's tallies over HTTP, Procedure P-7.6–P-7.8 and P-11.7.8:
//   POST /api/closing/key-groups/:keyGroup/decryption              the commission's mode (chairman),
//                                                                  once the final lists are signed
//   GET  /api/closing/key-groups/:keyGroup/decryption              progress: total, decrypted, percent
//   GET  /api/closing/key-groups/:keyGroup/decryption/tallies      the closed tallies to decrypt (public)
//   POST /api/closing/key-groups/:keyGroup/decryption/key-parts    a holder's key-part file and
//                                                                  passphrase at the workstation
//   POST /api/closing/key-groups/:keyGroup/decryption/shares       a holder's partial decryptions made
//                                                                  on their own machine
//   POST /api/closing/key-groups/:keyGroup/decryption/assembled    assemble mode: K files at once
// Threshold mode (default): each holder's partial decryptions of every region, with DLEQ proofs, are
// checked on arrival against the part's verification key; a bad one is refused naming the part and
// its holder. Once K valid holders are in, packages/election decryptKeyGroup combines them and the
// counts are solved. A key part opened here lives in memory for the partial decryptions of this one
// request and is then dropped: never stored, never logged, never in an error message. Assemble mode
// (P-7.6 read literally) rebuilds the key from K parts in memory, checks it against the public key,
// and still publishes a proof with every decryption. Partial decryptions, decryptions and results
// go to the ledger through the outbox (ledger-outbox.ts); they carry no personal data.
import { Type } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type pg from 'pg';
import {
  CryptoError,
  openKeyPart,
  verificationKey,
  verifyPartialDecryption,
  type Ciphertext,
  type DecryptionShare,
  type SecretShare,
} from '@opendeg/crypto';
import {
  decodeChallengeResponse,
  decodeElementHex,
  decryptKeyGroup,
  decryptKeyGroupAssembled,
  encodeChallengeResponse,
  encodeElementHex,
  ElectionError,
  keyGroupOf as electionKeyGroup,
  LocalTrustee,
  RegionTally,
  type DecryptingTrustee,
  type DecryptionValueJson,
  type Election,
  type RegionDecryptionJson,
  type RegionResultJson,
  type RegionTallyJson,
} from '@opendeg/election';
import { writeAudit } from '../audit.ts';
import { COMMISSION_ROLES } from '../authz/roles.ts';
import { withTransaction } from '../transaction.ts';
import {
  actingMember,
  appendLedger,
  keyGroupOf,
  type ActingMember,
  type ClosingRoutesOptions,
} from './closing-context.ts';
import { readDocument } from './closing-documents.ts';
import { refuse, refuseWith } from './closing-errors.ts';
import { Id, KeyGroupParams } from './closing-schemas.ts';

const Mode = Type.Union([Type.Literal('threshold'), Type.Literal('assembled')]);
const Hex = Type.String({ pattern: '^[0-9a-f]{2,1024}$' });
const ValueJson = Type.Object(
  { share: Hex, proof: Type.Object({ c: Hex, z: Hex }, { additionalProperties: false }) },
  { additionalProperties: false },
);
const KeyPartFile = Type.Object(
  {
    file: Type.String({
      minLength: 16,
      maxLength: 65536,
      description: 'The key-part file (P-5.5), its text',
    }),
    passphrase: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

const Progress = Type.Object(
  {
    keyGroup: Id,
    mode: Type.Optional(Mode),
    k: Type.Optional(Type.Integer({ minimum: 1, description: 'Parts needed, once decryption began' })),
    parts: Type.Array(Type.Integer({ minimum: 1 }), { description: 'Parts whose decryptions are in' }),
    total: Type.Integer({ minimum: 0, description: 'P-11.7.8: encrypted ballots in the group' }),
    decrypted: Type.Integer({ minimum: 0, description: 'Ballots of the regions decrypted' }),
    percent: Type.Number({ minimum: 0, maximum: 100 }),
    completedAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { title: 'DecryptionProgress', additionalProperties: false },
);

export const decryptionSchemas = {
  start: {
    summary: 'Start decryption (P-7.6) / Начало расшифрования',
    tags: ['closing'],
    params: KeyGroupParams,
    body: Type.Object({ mode: Mode }, { additionalProperties: false }),
    response: { 201: Progress },
  },
  progress: {
    summary: 'Decryption progress (P-11.7.8) / Ход расшифрования',
    tags: ['closing'],
    params: KeyGroupParams,
    response: { 200: Progress },
  },
  tallies: {
    summary: 'Closed tallies to decrypt / Зашифрованные итоги для расшифрования',
    tags: ['closing'],
    params: KeyGroupParams,
    response: {
      200: Type.Object(
        {
          keyGroup: Id,
          electionHash: Type.String({ description: 'The context bound into every decryption proof, hex' }),
          tallies: Type.Array(
            Type.Object(
              {
                region: Id,
                ballots: Type.Integer({ minimum: 0 }),
                aggregates: Type.Array(
                  Type.Array(
                    Type.Object(
                      { alpha: Type.String(), beta: Type.String() },
                      { additionalProperties: false },
                    ),
                  ),
                ),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    },
  },
  keyPart: {
    summary: 'Decrypt with a key part at the workstation (P-7.6) / Расшифрование частью ключа',
    tags: ['closing'],
    params: KeyGroupParams,
    body: KeyPartFile,
    response: { 201: Progress },
  },
  shares: {
    summary: "A holder's partial decryptions with proofs (P-7.7) / Частичное расшифрование держателя",
    tags: ['closing'],
    params: KeyGroupParams,
    body: Type.Object(
      {
        index: Type.Integer({ minimum: 1, maximum: 255, description: 'The key part (1..n)' }),
        regions: Type.Record(Id, Type.Array(Type.Array(ValueJson)), {
          description: 'Per region: values[question][choice], in the order of the tallies',
        }),
      },
      { additionalProperties: false },
    ),
    response: { 201: Progress },
  },
  assembled: {
    summary: 'Assemble the key from K parts (P-7.6) / Сборка ключа расшифрования',
    tags: ['closing'],
    params: KeyGroupParams,
    body: Type.Object(
      { parts: Type.Array(KeyPartFile, { minItems: 1, maxItems: 255 }) },
      { additionalProperties: false },
    ),
    response: { 201: Progress },
  },
};

interface DecryptionRow {
  mode: 'threshold' | 'assembled';
  completed_at: Date | null;
}

type Shares = Record<string, DecryptionValueJson[][]>;

export const decryptionRoutes: FastifyPluginCallbackTypebox<ClosingRoutesOptions> = (app, options, done) => {
  const { clock, pool, election: loaded, accessControl, closing } = options;
  const electionId = loaded.id;

  async function decryption(db: pg.Pool | pg.PoolClient, keyGroup: string, lock = false) {
    const r = await db.query<DecryptionRow>(
      `SELECT mode, completed_at FROM decryptions WHERE election_id = $1 AND key_group = $2${lock ? ' FOR UPDATE' : ''}`,
      [electionId, keyGroup],
    );
    return r.rows[0];
  }

  /** The closed tallies of the group's regions where ballots were cast, in the configuration's order. */
  async function tallies(election: Election<unknown>, keyGroup: string): Promise<RegionTally<unknown>[]> {
    const r = await pool.query<{ region: string; tally: RegionTallyJson }>(
      `SELECT region, tally FROM closing_regions WHERE election_id = $1 AND key_group = $2 AND tally IS NOT NULL`,
      [electionId, keyGroup],
    );
    const order = loaded.config.regions.map((x) => x.code);
    return r.rows
      .sort((a, b) => order.indexOf(a.region) - order.indexOf(b.region))
      .map((row) => {
        const style = election.regions.get(row.region)?.style;
        if (style === undefined) throw new Error(`region ${row.region} is not in the manifest`);
        return RegionTally.fromJson(election.group, style, row.tally);
      });
  }

  async function progress(keyGroup: string) {
    const d = await decryption(pool, keyGroup);
    // The threshold comes from the manifest, read once decryption has begun.
    const k =
      d === undefined ? undefined : electionKeyGroup(await closing.sources.election(), keyGroup).key.params.k;
    const totals = await pool.query<{ total: string | null; decrypted: string | null }>(
      `SELECT (SELECT sum(cast_count) FROM closing_regions WHERE election_id = $1 AND key_group = $2) AS total,
              (SELECT sum(ballots) FROM decryption_results WHERE election_id = $1 AND key_group = $2) AS decrypted`,
      [electionId, keyGroup],
    );
    const parts = await pool.query<{ part_index: number }>(
      `SELECT part_index FROM decryption_shares WHERE election_id = $1 AND key_group = $2 ORDER BY part_index`,
      [electionId, keyGroup],
    );
    const total = Number(totals.rows[0]?.total ?? 0);
    const decrypted = Number(totals.rows[0]?.decrypted ?? 0);
    const complete = d?.completed_at != null;
    return {
      keyGroup,
      ...(d !== undefined ? { mode: d.mode } : {}),
      ...(k !== undefined ? { k } : {}),
      parts: parts.rows.map((p) => p.part_index),
      total,
      decrypted,
      percent: total === 0 ? (complete ? 100 : 0) : Math.round((decrypted * 1000) / total) / 10,
      ...(d?.completed_at != null ? { completedAt: d.completed_at.toISOString() } : {}),
    };
  }

  /** The decryption in `mode`, started and not complete; refusals otherwise. */
  async function open(keyGroup: string, mode: 'threshold' | 'assembled'): Promise<void> {
    const d = await decryption(pool, keyGroup);
    if (d === undefined) throw refuse('decryptionNotStarted');
    if (d.completed_at !== null) throw refuse('decryptionComplete');
    if (d.mode !== mode) throw refuse('decryptionWrongMode');
  }

  /** Who holds part `index` by the commission's decision (P-5.6), for messages: an id, never a name. */
  async function holderOf(index: number): Promise<string> {
    const r = await pool.query<{ holders: string[] }>(
      `SELECT payload->'holders' AS holders FROM commission_decisions
       WHERE election_id = $1 AND kind = 'key-parts' ORDER BY decided_at DESC LIMIT 1`,
      [electionId],
    );
    return r.rows[0]?.holders[index - 1] ?? `part-${index}`;
  }

  async function badShare(index: number) {
    const holder = await holderOf(index);
    return refuseWith('SHARE_INVALID', 422, {
      ru: `Частичное расшифрование части ключа № ${index} (держатель ${holder}) не прошло проверку доказательства`,
      en: `The partial decryption of key part ${index} (holder ${holder}) failed its proof`,
    });
  }

  /** Checks one holder's shares of every region against the part's verification key. */
  function checkShares(
    election: Election<unknown>,
    keyGroup: string,
    ts: readonly RegionTally<unknown>[],
    index: number,
    shares: Shares,
  ): boolean {
    const g = election.group;
    const kg = electionKeyGroup(election, keyGroup);
    if (index > kg.key.params.n) return false;
    const vk = verificationKey(g, kg.key, index);
    if (Object.keys(shares).length !== ts.length) return false;
    for (const t of ts) {
      const values = shares[t.region];
      if (values?.length !== t.aggregates.length) return false;
      for (const [q, row] of t.aggregates.entries()) {
        const got = values[q];
        if (got?.length !== row.length) return false;
        for (const [c, ct] of row.entries()) {
          const v = got[c] as DecryptionValueJson;
          try {
            const share: DecryptionShare<unknown> = {
              index,
              share: decodeElementHex(g, v.share, 'share'),
              proof: decodeChallengeResponse(g, v.proof, 'proof'),
            };
            if (!verifyPartialDecryption(g, election.hash, vk, ct, share)) return false;
          } catch (e) {
            if (e instanceof ElectionError || e instanceof CryptoError) return false;
            throw e;
          }
        }
      }
    }
    return true;
  }

  /** Stores a holder's checked shares, and combines once K holders are in (threshold mode). */
  async function accept(
    election: Election<unknown>,
    keyGroup: string,
    ts: readonly RegionTally<unknown>[],
    index: number,
    source: 'key-file' | 'remote',
    shares: Shares,
    me: ActingMember,
    requestId: string,
  ): Promise<void> {
    const at = clock.now();
    await withTransaction(pool, async (client) => {
      const d = await decryption(client, keyGroup, true);
      if (d?.completed_at !== null) throw refuse('decryptionComplete');
      const r = await client.query(
        `INSERT INTO decryption_shares (election_id, key_group, part_index, source, shares, received_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [electionId, keyGroup, index, source, JSON.stringify(shares), at],
      );
      if (r.rowCount !== 1) throw refuse('shareExists');
      for (const t of ts) {
        await appendLedger(
          client,
          electionId,
          'partial-decryption',
          { keyGroup, region: t.region, index, values: shares[t.region] },
          at,
        );
      }
      await writeAudit(client, {
        electionId,
        at,
        actorRole: me.role,
        action: 'closing.decryption_share',
        disposition: 'success',
        details: { keyGroup, part: index, source, memberId: me.memberId, requestId },
      });
      // Combine once K holders are in.
      const all = await client.query<{ part_index: number; shares: Shares }>(
        `SELECT part_index, shares FROM decryption_shares WHERE election_id = $1 AND key_group = $2 ORDER BY part_index`,
        [electionId, keyGroup],
      );
      const k = electionKeyGroup(election, keyGroup).key.params.k;
      if (all.rows.length < k) return;
      const g = election.group;
      const decryptions: RegionDecryptionJson[] = [];
      const results: RegionResultJson[] = [];
      for (const t of ts) {
        // Stored shares, already checked, served as trustees; decryptKeyGroup checks them again.
        const trustees: DecryptingTrustee<unknown>[] = all.rows.map((row) => ({
          index: row.part_index,
          decrypt: (): Promise<readonly DecryptionShare<unknown>[]> =>
            Promise.resolve(
              (row.shares[t.region] ?? []).flat().map((v) => ({
                index: row.part_index,
                share: decodeElementHex(g, v.share, 'share'),
                proof: decodeChallengeResponse(g, v.proof, 'proof'),
              })),
            ),
        }));
        const out = await decryptKeyGroup(election, keyGroup, [t], trustees);
        decryptions.push(...out.decryptions);
        results.push(...out.results);
      }
      await saveResults(client, keyGroup, decryptions, results, at);
    });
  }

  async function saveResults(
    client: pg.PoolClient,
    keyGroup: string,
    decryptions: readonly RegionDecryptionJson[],
    results: readonly RegionResultJson[],
    at: Date,
  ): Promise<void> {
    for (const r of results) {
      const d = decryptions.find((x) => x.region === r.region);
      await client.query(
        `INSERT INTO decryption_results (election_id, key_group, region, ballots, counts, decryption, decrypted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [electionId, keyGroup, r.region, r.ballots, JSON.stringify(r.counts), JSON.stringify(d ?? {}), at],
      );
      // The region's decryption (shares and proofs, or the assembled key's) and its counts, in the
      // formats of the election record (packages/election), one entry each.
      if (d !== undefined) await appendLedger(client, electionId, 'decryption', { decryption: d }, at);
      await appendLedger(client, electionId, 'result', { result: r }, at);
    }
    await client.query(`UPDATE decryptions SET completed_at = $3 WHERE election_id = $1 AND key_group = $2`, [
      electionId,
      keyGroup,
      at,
    ]);
  }

  /** Opens a key-part file in memory; refusals name the file's problem, never its content. */
  async function openPart(
    election: Election<unknown>,
    keyGroup: string,
    file: string,
    passphrase: string,
  ): Promise<SecretShare> {
    try {
      const opened = await openKeyPart(file, passphrase, {
        electionId: election.manifest.electionId,
        keyGroup,
      });
      return { index: opened.metadata.partIndex, secret: election.group.decodeScalar(opened.secret) };
    } catch (e) {
      if (!(e instanceof CryptoError)) throw e;
      throw refuseWith('KEY_PART_REFUSED', 422, {
        ru: `Файл части ключа не принят (${e.code})`,
        en: `The key-part file was refused (${e.code})`,
      });
    }
  }

  function nativeOnly(election: Election<unknown>): void {
    if (election.manifest.suite === 'belenios-2048') throw refuse('suiteUnsupported');
  }

  app.post(
    '/api/closing/key-groups/:keyGroup/decryption',
    { schema: decryptionSchemas.start, config: { allow: ['chairman'] } },
    async (request, reply) => {
      const { keyGroup } = request.params;
      keyGroupOf(loaded, keyGroup);
      const at = clock.now();
      // P-7.6 "then": after the final lists are signed and written (P-7.3–P-7.5).
      const lists = await readDocument(pool, electionId, 'final-lists', keyGroup);
      if (lists === undefined) throw refuse('finalListsNotFound');
      if (lists.publishedAt === undefined) throw refuse('finalListsNotSigned');
      const election = await closing.sources.election();
      nativeOnly(election);
      const ts = await tallies(election, keyGroup);
      await withTransaction(pool, async (client) => {
        const r = await client.query(
          `INSERT INTO decryptions (election_id, key_group, mode, started_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING`,
          [electionId, keyGroup, request.body.mode, at],
        );
        if (r.rowCount !== 1) throw refuse('decryptionExists');
        // No ballot in any region of the group: nothing to decrypt.
        if (ts.length === 0) await saveResults(client, keyGroup, [], [], at);
        await writeAudit(client, {
          electionId,
          at,
          actorRole: 'chairman',
          action: 'closing.decryption_start',
          disposition: 'success',
          details: { keyGroup, mode: request.body.mode, requestId: request.id },
        });
      });
      return reply.status(201).send(await progress(keyGroup));
    },
  );

  app.get(
    '/api/closing/key-groups/:keyGroup/decryption',
    { schema: decryptionSchemas.progress, config: { allow: 'public' } },
    async (request) => {
      keyGroupOf(loaded, request.params.keyGroup);
      if ((await readDocument(pool, electionId, 'final-lists', request.params.keyGroup)) === undefined)
        throw refuse('finalListsNotFound');
      return progress(request.params.keyGroup);
    },
  );

  app.get(
    '/api/closing/key-groups/:keyGroup/decryption/tallies',
    { schema: decryptionSchemas.tallies, config: { allow: 'public' } },
    async (request) => {
      const { keyGroup } = request.params;
      keyGroupOf(loaded, keyGroup);
      if ((await decryption(pool, keyGroup)) === undefined) throw refuse('decryptionNotStarted');
      const election = await closing.sources.election();
      const ts = await tallies(election, keyGroup);
      return {
        keyGroup,
        electionHash: election.hashHex,
        tallies: ts.map((t) => {
          const j = t.toJson();
          return { region: j.region, ballots: j.ballots, aggregates: j.aggregates.map((row) => [...row]) };
        }),
      };
    },
  );

  app.post(
    '/api/closing/key-groups/:keyGroup/decryption/key-parts',
    { schema: decryptionSchemas.keyPart, config: { allow: COMMISSION_ROLES } },
    async (request, reply) => {
      const { keyGroup } = request.params;
      keyGroupOf(loaded, keyGroup);
      const me = await actingMember(accessControl, request, COMMISSION_ROLES);
      await open(keyGroup, 'threshold');
      const election = await closing.sources.election();
      nativeOnly(election);
      const ts = await tallies(election, keyGroup);
      let index: number;
      let shares: Shares;
      {
        // The part exists only in this block: partial decryptions made, then it is out of reach.
        const part = await openPart(election, keyGroup, request.body.file, request.body.passphrase);
        index = part.index;
        const trustee = new LocalTrustee(election.group, part);
        shares = {};
        for (const t of ts) {
          const made = await trustee.decrypt(
            election.hash,
            t.aggregates.flat<readonly (readonly Ciphertext<unknown>[])[]>(),
          );
          let i = 0;
          shares[t.region] = t.aggregates.map((row) =>
            row.map(() => {
              const s = made[i++] as DecryptionShare<unknown>;
              return {
                share: encodeElementHex(election.group, s.share),
                proof: encodeChallengeResponse(election.group, s.proof),
              };
            }),
          );
        }
      }
      if (!checkShares(election, keyGroup, ts, index, shares)) throw await badShare(index);
      await accept(election, keyGroup, ts, index, 'key-file', shares, me, request.id);
      request.log.info({ event: 'closing.decryption_share', keyGroup, part: index }, 'key part used');
      return reply.status(201).send(await progress(keyGroup));
    },
  );

  app.post(
    '/api/closing/key-groups/:keyGroup/decryption/shares',
    { schema: decryptionSchemas.shares, config: { allow: COMMISSION_ROLES } },
    async (request, reply) => {
      const { keyGroup } = request.params;
      keyGroupOf(loaded, keyGroup);
      const me = await actingMember(accessControl, request, COMMISSION_ROLES);
      await open(keyGroup, 'threshold');
      const election = await closing.sources.election();
      nativeOnly(election);
      const ts = await tallies(election, keyGroup);
      const { index, regions } = request.body;
      if (!checkShares(election, keyGroup, ts, index, regions)) {
        await writeAudit(pool, {
          electionId,
          at: clock.now(),
          actorRole: me.role,
          action: 'closing.decryption_share',
          disposition: 'failure',
          details: {
            keyGroup,
            part: index,
            source: 'remote',
            failure: 'SHARE_INVALID',
            requestId: request.id,
          },
        });
        throw await badShare(index);
      }
      await accept(election, keyGroup, ts, index, 'remote', regions, me, request.id);
      request.log.info({ event: 'closing.decryption_share', keyGroup, part: index }, 'shares accepted');
      return reply.status(201).send(await progress(keyGroup));
    },
  );

  app.post(
    '/api/closing/key-groups/:keyGroup/decryption/assembled',
    { schema: decryptionSchemas.assembled, config: { allow: ['chairman'] } },
    async (request, reply) => {
      const { keyGroup } = request.params;
      keyGroupOf(loaded, keyGroup);
      await open(keyGroup, 'assembled');
      const election = await closing.sources.election();
      nativeOnly(election);
      const ts = await tallies(election, keyGroup);
      const at = clock.now();
      let out: { decryptions: RegionDecryptionJson[]; results: RegionResultJson[] };
      {
        // The parts and the key rebuilt from them exist only in this block.
        const parts: SecretShare[] = [];
        for (const p of request.body.parts)
          parts.push(await openPart(election, keyGroup, p.file, p.passphrase));
        try {
          out = decryptKeyGroupAssembled(election, keyGroup, ts, parts);
        } catch (e) {
          if (!(e instanceof CryptoError)) throw e;
          throw refuseWith('KEY_ASSEMBLY_FAILED', 422, {
            ru: `Ключ расшифрования не собран (${e.code})`,
            en: `The decryption key could not be assembled (${e.code})`,
          });
        }
      }
      await withTransaction(pool, async (client) => {
        const d = await decryption(client, keyGroup, true);
        if (d?.completed_at !== null) throw refuse('decryptionComplete');
        await saveResults(client, keyGroup, out.decryptions, out.results, at);
        await writeAudit(client, {
          electionId,
          at,
          actorRole: 'chairman',
          action: 'closing.decryption_assembled',
          disposition: 'success',
          details: { keyGroup, parts: request.body.parts.length, requestId: request.id },
        });
      });
      request.log.info({ event: 'closing.decryption_assembled', keyGroup }, 'key assembled, decrypted');
      return reply.status(201).send(await progress(keyGroup));
    },
  );

  done();
};
