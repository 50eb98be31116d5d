// The key ceremony over HTTP, one per key group (P-5.2–P-5.6), held at the commission's workstation:
//   POST /api/keys/ceremonies  the chairman or the secretary opens it with the attendance record
//                              (who was present, with times, P-5.5) and each named holder's
//                              passphrase; the key is made (dealer, or Pedersen dealer-free), each
//                              part sealed into its own key part file under its holder's passphrase,
//                              the public key and the commitments entered into the ledger; the
//                              response carries the files for the workstation to write to the
//                              holders' media (P-5.5, P-5.6)
//   GET  /api/keys/ceremonies  the ceremonies held, with their public values and attendance
// Only after the commission's key-parts decision (N, K, holders, P-5.4); once per key group; not
// after the configured deadline (P-5.2). The server keeps no secret: not the passphrases, not the
// parts, not the files — only the public key, the commitments, each part's verification key, each
// file's SHA-256 and the attendance. Nothing secret and no attendee's name is logged or audited.
import { randomUUID } from 'node:crypto';
import { Type, type Static } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type pg from 'pg';
import { loadGroup, type JsonValue } from '@opendeg/crypto';
import { localToInstant } from '@opendeg/deg';
import { keyCeremonyContext } from '@opendeg/election';
import type { LoadedElection } from '../applications/deps.ts';
import { writeAudit } from '../audit.ts';
import type { AccessControl } from '../authz/access.ts';
import { PERMISSIONS } from '../authz/roles.ts';
import type { Clock } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { withTransaction } from '../transaction.ts';
import { generateKey, keyGroupDef, sealParts, type CeremonyMode } from './ceremony.ts';
import type { KeyGroupDef } from '@opendeg/election';
import type { KeysDeps } from './deps.ts';
import { keyErrors } from './keys-errors.ts';

const Id = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });
const Hex = Type.String({ pattern: '^([0-9a-f]{2})+$' });
const Mode = Type.Union([Type.Literal('dealer'), Type.Literal('dealer-free')], {
  description: 'dealer: the key software makes the key and splits it (P-5.2); dealer-free: Pedersen',
});
const AttendeeKind = Type.Union([
  Type.Literal('commission-member'),
  Type.Literal('cec-member'),
  Type.Literal('media'),
  Type.Literal('operator'),
  Type.Literal('commission-observer'),
]);

export const Attendee = Type.Object(
  {
    kind: AttendeeKind,
    /** A commission member: the configuration's member id (and no name). */
    memberId: Type.Optional(Id),
    /** Anyone else: the name as in the attendance record. */
    fullName: Type.Optional(Type.String({ minLength: 1, maxLength: 300, pattern: '\\S' })),
    /** The media outlet, or the candidate who appointed an observer. */
    organisation: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    arrivedAt: Type.String({ format: 'date-time' }),
    leftAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { title: 'CeremonyAttendee', additionalProperties: false },
);
export type Attendee = Static<typeof Attendee>;

const PartView = Type.Object(
  { partIndex: Type.Integer({ minimum: 1 }), holder: Id, verificationKey: Hex, fileSha256: Hex },
  { title: 'KeyPartRecord', additionalProperties: false },
);

export const CeremonyView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    keyGroup: Id,
    mode: Mode,
    suite: Type.String(),
    n: Type.Integer(),
    k: Type.Integer(),
    openedBy: Type.Union([Type.Literal('chairman'), Type.Literal('secretary')]),
    heldAt: Type.String({ format: 'date-time' }),
    publicKey: Hex,
    commitments: Type.Array(Type.Array(Hex)),
    proofs: Type.Array(Type.Object({ c: Hex, z: Hex }, { additionalProperties: false })),
    ledgerIndex: Type.Integer({ minimum: 0 }),
    parts: Type.Array(PartView),
    attendance: Type.Array(Attendee),
  },
  { title: 'KeyCeremony', additionalProperties: false },
);
export type CeremonyView = Static<typeof CeremonyView>;

const KeyPartFile = Type.Object(
  {
    partIndex: Type.Integer({ minimum: 1 }),
    holder: Id,
    fileName: Type.String(),
    /** The file's text (packages/crypto key part file v1), for the holder's medium. */
    content: Type.String(),
    sha256: Hex,
  },
  { title: 'KeyPartFile', additionalProperties: false },
);

export const keySchemas = {
  hold: {
    summary: 'Key ceremony of a key group (P-5.2–P-5.6) / Формирование ключей комплекта',
    tags: ['keys'],
    body: Type.Object(
      {
        keyGroup: Id,
        mode: Mode,
        attendance: Type.Array(Attendee, { minItems: 1, maxItems: 200 }),
        passphrases: Type.Array(
          Type.Object(
            { holder: Id, passphrase: Type.String({ minLength: 1, maxLength: 1024 }) },
            { additionalProperties: false },
          ),
          { minItems: 1, maxItems: 255 },
        ),
      },
      { additionalProperties: false },
    ),
    response: {
      201: Type.Object(
        { ceremony: CeremonyView, files: Type.Array(KeyPartFile) },
        { additionalProperties: false },
      ),
    },
  },
  list: {
    summary: 'Key ceremonies held / Проведённые формирования ключей',
    tags: ['keys'],
    response: { 200: Type.Object({ ceremonies: Type.Array(CeremonyView) }, { additionalProperties: false }) },
  },
};

export interface KeyRoutesOptions {
  clock: Clock;
  pool: pg.Pool;
  election: LoadedElection;
  accessControl: AccessControl;
  keys: KeysDeps;
}

interface CeremonyRow {
  id: string;
  key_group: string;
  mode: CeremonyMode;
  suite: string;
  n: number;
  k: number;
  opened_by: 'chairman' | 'secretary';
  held_at: Date;
  public_key: string;
  commitments: string[][];
  proofs: { c: string; z: string }[];
  ledger_index: string;
}

/** Every ceremony of an election with its parts and attendance, in key group order. */
export async function listCeremonies(
  db: pg.Pool | pg.PoolClient,
  electionId: string,
): Promise<CeremonyView[]> {
  const rows = await db.query<CeremonyRow>(
    `SELECT id, key_group, mode, suite, n, k, opened_by, held_at, public_key, commitments, proofs, ledger_index
     FROM key_ceremonies WHERE election_id = $1 ORDER BY key_group`,
    [electionId],
  );
  const ids = rows.rows.map((r) => r.id);
  const parts = await db.query<{
    ceremony_id: string;
    part_index: number;
    holder: string;
    verification_key: string;
    file_sha256: Buffer;
  }>(
    `SELECT ceremony_id, part_index, holder, verification_key, file_sha256 FROM key_ceremony_parts
     WHERE ceremony_id = ANY($1::uuid[]) ORDER BY part_index`,
    [ids],
  );
  const attendance = await db.query<{
    ceremony_id: string;
    kind: Attendee['kind'];
    member_id: string | null;
    full_name: string | null;
    organisation: string | null;
    arrived_at: Date;
    left_at: Date | null;
  }>(
    `SELECT ceremony_id, kind, member_id, full_name, organisation, arrived_at, left_at
     FROM key_ceremony_attendance WHERE ceremony_id = ANY($1::uuid[]) ORDER BY seq`,
    [ids],
  );
  return rows.rows.map((r) => ({
    id: r.id,
    keyGroup: r.key_group,
    mode: r.mode,
    suite: r.suite,
    n: r.n,
    k: r.k,
    openedBy: r.opened_by,
    heldAt: r.held_at.toISOString(),
    publicKey: r.public_key,
    commitments: r.commitments,
    proofs: r.proofs,
    ledgerIndex: Number(r.ledger_index),
    parts: parts.rows
      .filter((p) => p.ceremony_id === r.id)
      .map((p) => ({
        partIndex: p.part_index,
        holder: p.holder,
        verificationKey: p.verification_key,
        fileSha256: p.file_sha256.toString('hex'),
      })),
    attendance: attendance.rows
      .filter((a) => a.ceremony_id === r.id)
      .map((a) => ({
        kind: a.kind,
        ...(a.member_id === null ? {} : { memberId: a.member_id }),
        ...(a.full_name === null ? {} : { fullName: a.full_name }),
        ...(a.organisation === null ? {} : { organisation: a.organisation }),
        arrivedAt: a.arrived_at.toISOString(),
        ...(a.left_at === null ? {} : { leftAt: a.left_at.toISOString() }),
      })),
  }));
}

/** A finished ceremony as every mode records it: public values only (P-5.4, P-5.6). */
export interface CeremonyRecord {
  readonly id: string;
  readonly electionId: string;
  readonly keyGroup: string;
  readonly decisionId: string;
  readonly mode: CeremonyMode;
  /** 'distributed': the dealer-free key was dealt on the holders' own machines. */
  readonly dealing?: 'distributed';
  readonly suite: string;
  readonly openedBy: string;
  readonly at: Date;
  readonly def: KeyGroupDef;
  readonly parts: readonly {
    index: number;
    holder: string;
    verificationKey: string;
    fileSha256: string;
  }[];
  readonly attendance: readonly Attendee[];
}

/**
 * Records a finished ceremony in the caller's transaction (under the key group's lock): the ledger
 * entry, then key_ceremonies, its parts and its attendance. Returns the entry's ledger index.
 */
export async function recordCeremony(
  client: pg.PoolClient,
  keys: KeysDeps,
  r: CeremonyRecord,
): Promise<number> {
  const { def, parts, attendance } = r;
  const entry = {
    type: 'key-ceremony',
    electionId: r.electionId,
    suite: r.suite,
    keyGroup: r.keyGroup,
    mode: r.mode,
    ...(r.dealing === undefined ? {} : { dealing: r.dealing }),
    threshold: def.threshold,
    publicKey: def.publicKey,
    commitments: def.commitments as unknown as JsonValue,
    proofs: def.proofs as unknown as JsonValue,
    parts: parts.map((p) => ({
      index: p.index,
      verificationKey: p.verificationKey,
      fileSha256: p.fileSha256,
    })),
    heldAt: r.at.toISOString(),
  };
  const receipt = await keys.ledger.append(entry);
  if (!receipt.ok) throw new Error(`key ceremony: ledger append failed: ${receipt.error.message}`);
  await client.query(
    `INSERT INTO key_ceremonies (id, election_id, key_group, decision_id, mode, suite, n, k, opened_by, held_at,
       public_key, commitments, proofs, ledger_index)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      r.id,
      r.electionId,
      r.keyGroup,
      r.decisionId,
      r.mode,
      r.suite,
      def.threshold.n,
      def.threshold.k,
      r.openedBy,
      r.at,
      def.publicKey,
      JSON.stringify(def.commitments),
      JSON.stringify(def.proofs),
      receipt.value.index,
    ],
  );
  await client.query(
    `INSERT INTO key_ceremony_parts (ceremony_id, part_index, holder, verification_key, file_sha256)
     SELECT $1, p.i, p.holder, p.vk, decode(p.sha, 'hex')
     FROM unnest($2::int[], $3::text[], $4::text[], $5::text[]) AS p(i, holder, vk, sha)`,
    [
      r.id,
      parts.map((p) => p.index),
      parts.map((p) => p.holder),
      parts.map((p) => p.verificationKey),
      parts.map((p) => p.fileSha256),
    ],
  );
  await client.query(
    `INSERT INTO key_ceremony_attendance (ceremony_id, seq, kind, member_id, full_name, organisation, arrived_at, left_at)
     SELECT $1, a.seq, a.kind, a.member_id, a.full_name, a.organisation, a.arrived_at, a.left_at
     FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[])
       AS a(seq, kind, member_id, full_name, organisation, arrived_at, left_at)`,
    [
      r.id,
      attendance.map((_, i) => i + 1),
      attendance.map((a) => a.kind),
      attendance.map((a) => a.memberId ?? null),
      attendance.map((a) => a.fullName ?? null),
      attendance.map((a) => a.organisation ?? null),
      attendance.map((a) => a.arrivedAt),
      attendance.map((a) => a.leftAt ?? null),
    ],
  );
  return receipt.value.index;
}

/** P-5.5: who may be present, each once, at times that have passed; the one who opens among them. */
export function checkAttendance(
  election: LoadedElection,
  attendance: readonly Attendee[],
  opener: string | undefined,
  now: Date,
): void {
  const invalid = keyErrors.attendanceInvalid;
  const members = new Set<string>();
  for (const a of attendance) {
    if (a.kind === 'commission-member') {
      if (a.memberId === undefined || a.fullName !== undefined)
        throw invalid(
          'Член комиссии указывается своим id, без имени',
          'A member is given by member id, without a name',
        );
      if (!election.config.commission.members.some((m) => m.id === a.memberId))
        throw invalid('Такого члена комиссии нет', 'No such commission member');
      if (members.has(a.memberId)) throw invalid('Член комиссии указан дважды', 'A member is listed twice');
      members.add(a.memberId);
    } else if (a.fullName === undefined || a.memberId !== undefined) {
      throw invalid(
        'Присутствующий указывается по имени',
        'An attendee other than a member is given by name',
      );
    }
    const arrived = Date.parse(a.arrivedAt);
    const left = a.leftAt === undefined ? undefined : Date.parse(a.leftAt);
    if (arrived > now.getTime() || (left !== undefined && (left < arrived || left > now.getTime())))
      throw invalid(
        'Время прихода и ухода — не позже начала формирования',
        'Arrival and departure times must have passed, in order',
      );
  }
  if (opener !== undefined && !members.has(opener))
    throw invalid(
      'Открывающий формирование ключей должен быть в списке присутствующих',
      'The one who opens the ceremony must be among those present',
    );
}

export const keyRoutes: FastifyPluginCallbackTypebox<KeyRoutesOptions> = (app, options, done) => {
  const { clock, pool, election, accessControl, keys } = options;
  const electionId = election.id;
  const config = election.config;
  const minPassphrase = keys.minPassphraseLength ?? 12;

  app.post(
    '/api/keys/ceremonies',
    { schema: keySchemas.hold, config: { allow: PERMISSIONS.holdKeyCeremony } },
    async (request, reply) => {
      const { keyGroup, mode, attendance, passphrases } = request.body;
      const at = clock.now();
      const access = await accessControl.access(request);
      const seat = access.assignments.find((a) => a.role === 'chairman' || a.role === 'secretary');
      const openedBy = seat?.role === 'secretary' && !access.roles.has('chairman') ? 'secretary' : 'chairman';
      const details = { keyGroup, mode, attendees: attendance.length, requestId: request.id };
      const refuse = async (error: ApiError): Promise<never> => {
        await writeAudit(pool, {
          electionId,
          at,
          actorRole: openedBy,
          action: 'keys.ceremony',
          disposition: 'failure',
          details: { ...details, failure: error.code },
        });
        throw error;
      };

      // 1. P-5.2: a key group of the configuration, before the deadline, in a suite we can seal.
      if (!config.keyGroups.some((k) => k.id === keyGroup))
        return refuse(keyErrors.keyGroupNotFound(keyGroup));
      const deadline = localToInstant(config.schedule.keyCeremony, config.schedule.referenceTimeZone);
      if (at.getTime() > deadline.getTime()) return refuse(keyErrors.afterDeadline(deadline));
      // A Belenios key is made by its own trustees' protocol (issue 4), not by this ceremony yet.
      if (config.suite === 'belenios-2048') return refuse(keyErrors.suiteUnsupported(config.suite));

      const held = await pool.query(
        'SELECT 1 FROM key_ceremonies WHERE election_id = $1 AND key_group = $2',
        [electionId, keyGroup],
      );
      if (held.rowCount !== 0) return refuse(keyErrors.done(keyGroup));

      // 2. P-5.4, P-5.6: the commission's decision names N, K and the holders.
      const decision = await pool.query<{ id: string; payload: { n: number; k: number; holders: string[] } }>(
        `SELECT id, payload FROM commission_decisions WHERE election_id = $1 AND kind = 'key-parts'`,
        [electionId],
      );
      const decided = decision.rows[0];
      if (decided === undefined) return refuse(keyErrors.noDecision());
      const { n, k, holders } = decided.payload;

      // 3. One passphrase from each named holder, nobody else; long enough and each its own.
      const given = new Map(passphrases.map((p) => [p.holder, p.passphrase]));
      if (
        given.size !== passphrases.length ||
        given.size !== holders.length ||
        holders.some((h) => !given.has(h))
      )
        return refuse(keyErrors.holdersMismatch());
      const values = [...given.values()];
      if (values.some((p) => p.length < minPassphrase) || new Set(values).size !== values.length)
        return refuse(keyErrors.passphraseWeak(minPassphrase));

      // 4. P-5.5: the attendance record.
      try {
        checkAttendance(election, attendance, seat?.memberId ?? undefined, at);
      } catch (e) {
        if (e instanceof ApiError) return refuse(e);
        throw e;
      }

      // 5. The key, and each part sealed into its own file (slow by design: scrypt).
      const g = await loadGroup(config.suite, keys.backend ?? 'auto');
      const context = keyCeremonyContext(electionId, config.suite, keyGroup);
      const made = generateKey(g, context, { n, k }, mode);
      const sealed = await sealParts(g, made, {
        suite: config.suite,
        electionId,
        keyGroup,
        holders,
        passphrases: given,
        ...(keys.keyPartScrypt === undefined ? {} : { scrypt: keys.keyPartScrypt }),
      });
      const def = keyGroupDef(g, keyGroup, made.key);

      // 6. Recorded once: the ledger entry, then the rows, under a lock per key group.
      const id = randomUUID();
      const stored = await withTransaction(pool, async (client) => {
        await client.query(
          "SELECT pg_advisory_xact_lock(hashtextextended('opendeg-key-ceremony:' || $1, 0))",
          [`${electionId}/${keyGroup}`],
        );
        const again = await client.query(
          'SELECT 1 FROM key_ceremonies WHERE election_id = $1 AND key_group = $2',
          [electionId, keyGroup],
        );
        if (again.rowCount !== 0) return undefined;
        const ledgerIndex = await recordCeremony(client, keys, {
          id,
          electionId,
          keyGroup,
          decisionId: decided.id,
          mode,
          suite: config.suite,
          openedBy,
          at,
          def,
          parts: sealed.map((p) => ({
            index: p.partIndex,
            holder: p.holder,
            verificationKey: p.verificationKey,
            fileSha256: p.sha256Hex,
          })),
          attendance,
        });
        await writeAudit(client, {
          electionId,
          at,
          actorRole: openedBy,
          action: 'keys.ceremony',
          disposition: 'success',
          details: { ...details, n, k, ceremonyId: id, ledgerIndex },
        });
        return (await listCeremonies(client, electionId)).find((c) => c.id === id);
      });
      if (stored === undefined) return refuse(keyErrors.done(keyGroup));
      request.log.info(
        { event: 'keys.ceremony', keyGroup, mode, n, k, ledgerIndex: stored.ledgerIndex },
        'key ceremony held',
      );
      const fileName = (i: number): string => `opendeg-${electionId}-${keyGroup}-part-${i}-of-${n}.key`;
      return reply
        .status(201)
        .header('cache-control', 'no-store')
        .send({
          ceremony: stored,
          files: sealed.map((p) => ({
            partIndex: p.partIndex,
            holder: p.holder,
            fileName: fileName(p.partIndex),
            content: p.file,
            sha256: p.sha256Hex,
          })),
        });
    },
  );

  app.get(
    '/api/keys/ceremonies',
    { schema: keySchemas.list, config: { allow: PERMISSIONS.viewKeyCeremonies } },
    async (_request, reply) => {
      const ceremonies = await listCeremonies(pool, electionId);
      return reply.header('cache-control', 'no-store').send({ ceremonies });
    },
  );

  done();
};
