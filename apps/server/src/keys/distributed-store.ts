// The distributed key ceremony's storage (migration 020): reading one ceremony's public state and
// the round it is in. Every row is public or a ciphertext; the holders' tokens are kept as SHA-256.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Attendee } from './ceremony-routes.ts';

export type DistributedRound = 'enrol' | 'deal' | 'combine' | 'failed' | 'done';

export interface ProofJson {
  c: string;
  z: string;
}

export interface DistributedState {
  id: string;
  electionId: string;
  keyGroup: string;
  decisionId: string;
  suite: 'ristretto255' | 'gost256b';
  n: number;
  k: number;
  openedBy: 'chairman' | 'secretary';
  openedAt: Date;
  attendance: Attendee[];
  /** holders[i − 1] holds part i. */
  holders: string[];
  enrolments: Map<number, { transportKey: string; proof: ProofJson }>;
  dealings: Map<number, { commitments: string[]; proof: ProofJson }>;
  combines: Map<number, { verificationKey: string; fileSha256: string }>;
  complaints: {
    complainant: number;
    dealer: number;
    code: string;
    disclosure: { shared: string; proof: ProofJson };
    madeAt: Date;
  }[];
  /** The key_ceremonies record (same id) exists: the ceremony finished. */
  finished: boolean;
  round: DistributedRound;
}

export const tokenHash = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** One ceremony of the election with everything public about it, or undefined. */
export async function loadDistributed(
  db: pg.Pool | pg.PoolClient,
  electionId: string,
  id: string,
): Promise<DistributedState | undefined> {
  const c = await db.query<{
    id: string;
    key_group: string;
    decision_id: string;
    suite: 'ristretto255' | 'gost256b';
    n: number;
    k: number;
    opened_by: 'chairman' | 'secretary';
    opened_at: Date;
    attendance: Attendee[];
    finished: boolean;
  }>(
    `SELECT d.id, d.key_group, d.decision_id, d.suite, d.n, d.k, d.opened_by, d.opened_at, d.attendance,
       EXISTS (SELECT 1 FROM key_ceremonies k WHERE k.id = d.id) AS finished
     FROM distributed_ceremonies d WHERE d.election_id = $1 AND d.id = $2`,
    [electionId, id],
  );
  const row = c.rows[0];
  if (row === undefined) return undefined;
  // One query after another: a transaction's client runs one at a time.
  const [holders, enrolments, dealings, combines, complaints] = [
    await db.query<{ part_index: number; holder: string }>(
      'SELECT part_index, holder FROM distributed_ceremony_holders WHERE ceremony_id = $1 ORDER BY part_index',
      [id],
    ),
    await db.query<{ part_index: number; transport_key: string; proof: ProofJson }>(
      'SELECT part_index, transport_key, proof FROM distributed_ceremony_enrolments WHERE ceremony_id = $1',
      [id],
    ),
    await db.query<{ dealer: number; commitments: string[]; proof: ProofJson }>(
      'SELECT dealer, commitments, proof FROM distributed_ceremony_dealings WHERE ceremony_id = $1',
      [id],
    ),
    await db.query<{ part_index: number; verification_key: string; file_sha256: Buffer }>(
      `SELECT part_index, verification_key, file_sha256 FROM distributed_ceremony_combines
       WHERE ceremony_id = $1`,
      [id],
    ),
    await db.query<{
      complainant: number;
      dealer: number;
      code: string;
      shared: Buffer;
      proof: ProofJson;
      made_at: Date;
    }>(
      `SELECT complainant, dealer, code, shared, proof, made_at FROM distributed_ceremony_complaints
       WHERE ceremony_id = $1 ORDER BY made_at, complainant, dealer`,
      [id],
    ),
  ];
  const state: DistributedState = {
    id: row.id,
    electionId,
    keyGroup: row.key_group,
    decisionId: row.decision_id,
    suite: row.suite,
    n: row.n,
    k: row.k,
    openedBy: row.opened_by,
    openedAt: row.opened_at,
    attendance: row.attendance,
    holders: holders.rows.map((h) => h.holder),
    enrolments: new Map(
      enrolments.rows.map((e) => [e.part_index, { transportKey: e.transport_key, proof: e.proof }]),
    ),
    dealings: new Map(dealings.rows.map((d) => [d.dealer, { commitments: d.commitments, proof: d.proof }])),
    combines: new Map(
      combines.rows.map((x) => [
        x.part_index,
        { verificationKey: x.verification_key, fileSha256: x.file_sha256.toString('hex') },
      ]),
    ),
    complaints: complaints.rows.map((x) => ({
      complainant: x.complainant,
      dealer: x.dealer,
      code: x.code,
      disclosure: { shared: x.shared.toString('hex'), proof: x.proof },
      madeAt: x.made_at,
    })),
    finished: row.finished,
    round: 'enrol',
  };
  state.round = roundOf(state);
  return state;
}

/** The round follows from what is on record: nothing about it is stored apart. */
export function roundOf(s: Omit<DistributedState, 'round'>): DistributedRound {
  if (s.finished) return 'done';
  if (s.complaints.length > 0) return 'failed';
  if (s.enrolments.size < s.n) return 'enrol';
  if (s.dealings.size < s.n) return 'deal';
  return 'combine';
}

/** The part index a holder's token opens in this ceremony, or undefined. */
export async function holderByToken(
  db: pg.Pool | pg.PoolClient,
  ceremonyId: string,
  token: string,
): Promise<number | undefined> {
  const r = await db.query<{ part_index: number }>(
    'SELECT part_index FROM distributed_ceremony_holders WHERE ceremony_id = $1 AND token_sha256 = $2',
    [ceremonyId, tokenHash(token)],
  );
  return r.rows[0]?.part_index;
}

/** Ceremonies of a key group still open: not finished and without a complaint. */
export async function openDistributed(
  db: pg.Pool | pg.PoolClient,
  electionId: string,
  keyGroup: string,
): Promise<string[]> {
  const r = await db.query<{ id: string }>(
    `SELECT d.id FROM distributed_ceremonies d
     WHERE d.election_id = $1 AND d.key_group = $2
       AND NOT EXISTS (SELECT 1 FROM key_ceremonies k WHERE k.id = d.id)
       AND NOT EXISTS (SELECT 1 FROM distributed_ceremony_complaints c WHERE c.ceremony_id = d.id)`,
    [electionId, keyGroup],
  );
  return r.rows.map((x) => x.id);
}

/** The shares addressed to one holder, in dealer order. */
export async function sharesFor(
  db: pg.Pool | pg.PoolClient,
  ceremonyId: string,
  recipient: number,
): Promise<{ dealer: number; recipient: number; ephemeral: string; ciphertext: string }[]> {
  const r = await db.query<{ dealer: number; ephemeral: Buffer; ciphertext: Buffer }>(
    `SELECT dealer, ephemeral, ciphertext FROM distributed_ceremony_shares
     WHERE ceremony_id = $1 AND recipient = $2 ORDER BY dealer`,
    [ceremonyId, recipient],
  );
  return r.rows.map((x) => ({
    dealer: x.dealer,
    recipient,
    ephemeral: x.ephemeral.toString('hex'),
    ciphertext: x.ciphertext.toString('hex'),
  }));
}
