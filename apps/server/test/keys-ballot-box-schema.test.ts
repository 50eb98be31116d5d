// Migrations 010–012 (the key ceremony, the manifest, the ballot box and its running tallies): the
// invariants the database itself keeps, whichever code path writes — P-5.2 one key set per key group,
// P-5.5 one part a holder, P-6.10 one ballot a credential, a tally that only grows, a box that only
// moves forward along the ledger, and rows that are never changed or deleted. Each refusal is named.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import { useTestDatabase } from '@opendeg/db/testing';

const db = useTestDatabase();

async function failure(sql: string, params: unknown[] = []): Promise<string | undefined> {
  try {
    await db.pool.query(sql, params);
    return undefined;
  } catch (e) {
    const err = e as { code?: string; constraint?: string };
    return `${err.code ?? '?'} ${err.constraint ?? '?'}`;
  }
}

const hex = (byte: number, n = 32): Buffer => Buffer.alloc(n, byte);
const decisionId = randomUUID();
const CEREMONY = `INSERT INTO key_ceremonies (id, election_id, key_group, decision_id, mode, suite, n, k, opened_by,
  held_at, public_key, commitments, proofs, ledger_index) VALUES ($1, 'e1', $2, $3, $4, 'ristretto255', $5, $6, 'chairman',
  now(), 'ab', $7, $8, 0)`;
const ceremony = (keyGroup: string, mode = 'dealer', n = 3, k = 2, vectors = 1) => [
  randomUUID(),
  keyGroup,
  decisionId,
  mode,
  n,
  k,
  JSON.stringify(Array.from({ length: vectors }, () => Array.from({ length: k }, () => 'ab'))),
  JSON.stringify(Array.from({ length: vectors }, () => ({ c: 'ab', z: 'cd' }))),
];
const BALLOT = `INSERT INTO box_ballots (election_id, credential_id, tracker, ballot_sha256, region, ledger_index,
  receipt_size, accepted_at) VALUES ('e1', $1, $2, $3, '77', $4, $5, now())`;

beforeAll(async () => {
  await db.pool.query(
    "INSERT INTO elections (id, kind, config, config_sha256) VALUES ('e1', 'training', '{}', $1)",
    [hex(1)],
  );
  await db.pool.query(
    `INSERT INTO commission_decisions (id, election_id, kind, meeting, payload, votes_for, votes_against, decided_at)
     VALUES ($1, 'e1', 'key-parts', 1, '{"n": 3, "k": 2, "holders": ["a", "b", "c"]}', 7, 0, now())`,
    [decisionId],
  );
});

describe('migration 010 key ceremonies and the manifest', () => {
  test('P-5.2 P-5.4 one ceremony a key group, K ≤ N, one commitment vector a dealer; never changed', async () => {
    const made = ceremony('main');
    expect(await failure(CEREMONY, made)).toBeUndefined();
    expect(await failure(CEREMONY, ceremony('main', 'dealer-free', 3, 2, 3))).toBe(
      '23505 key_ceremonies_one_per_key_group',
    );
    expect(await failure(CEREMONY, ceremony('g2', 'dealer', 2, 3))).toBe('23514 key_ceremonies_threshold');
    expect(await failure(CEREMONY, ceremony('g2', 'dealer', 3, 1))).toBe('23514 key_ceremonies_threshold');
    expect(await failure(CEREMONY, ceremony('g2', 'dealer-free', 3, 2, 1))).toBe(
      '23514 key_ceremonies_commitments_shape',
    );
    expect(await failure(CEREMONY, ceremony('g2', 'dealer', 3, 2, 2))).toBe(
      '23514 key_ceremonies_commitments_shape',
    );
    expect(await failure(CEREMONY, ceremony('g2', 'trusted', 3, 2, 3))).toBe(
      '23514 key_ceremonies_mode_valid',
    );
    expect(await failure(CEREMONY, ceremony('g2', 'dealer-free', 3, 2, 3))).toBeUndefined();
    expect(await failure("UPDATE key_ceremonies SET public_key = 'cd'")).toBe(
      '23001 key_ceremonies_append_only',
    );
    expect(await failure('DELETE FROM key_ceremonies')).toBe('23001 key_ceremonies_append_only');

    const PART = `INSERT INTO key_ceremony_parts (ceremony_id, part_index, holder, verification_key, file_sha256)
      VALUES ($1, $2, $3, 'ab', $4)`;
    expect(await failure(PART, [made[0], 1, 'a', hex(2)])).toBeUndefined();
    expect(await failure(PART, [made[0], 2, 'a', hex(3)])).toBe('23505 key_ceremony_parts_one_per_holder');
    expect(await failure(PART, [made[0], 2, 'b', hex(2)])).toBe('23505 key_ceremony_parts_file_unique');
    expect(await failure(PART, [made[0], 0, 'b', hex(3)])).toBe('23514 key_ceremony_parts_index_range');
    expect(await failure(PART, [made[0], 2, 'b', hex(3, 31)])).toBe(
      '23514 key_ceremony_parts_file_sha256_length',
    );
  });

  test('P-5.5 the attendance: a member by id, anyone else by name, times in order', async () => {
    const id = (await db.pool.query<{ id: string }>('SELECT id FROM key_ceremonies LIMIT 1')).rows[0]?.id;
    const ATTENDEE = `INSERT INTO key_ceremony_attendance (ceremony_id, seq, kind, member_id, full_name, arrived_at, left_at)
      VALUES ($1, $2, $3, $4, $5, '2026-09-10T08:00Z', $6)`;
    expect(await failure(ATTENDEE, [id, 1, 'commission-member', 'chair', null, null])).toBeUndefined();
    expect(
      await failure(ATTENDEE, [id, 2, 'media', null, 'Имя Фамилия', '2026-09-10T09:00Z']),
    ).toBeUndefined();
    expect(await failure(ATTENDEE, [id, 3, 'commission-member', 'chair', null, null])).toBe(
      '23505 key_ceremony_attendance_one_member',
    );
    expect(await failure(ATTENDEE, [id, 3, 'media', null, null, null])).toBe(
      '23514 key_ceremony_attendance_who',
    );
    expect(await failure(ATTENDEE, [id, 3, 'media', 'm1', 'Имя', null])).toBe(
      '23514 key_ceremony_attendance_who',
    );
    expect(await failure(ATTENDEE, [id, 3, 'guest', null, 'Имя', null])).toBe(
      '23514 key_ceremony_attendance_kind_valid',
    );
    expect(await failure(ATTENDEE, [id, 3, 'operator', null, 'Имя', '2026-09-10T07:00Z'])).toBe(
      '23514 key_ceremony_attendance_times',
    );
  });

  test('the manifest is fixed once and never changed', async () => {
    const MANIFEST = `INSERT INTO election_manifests (election_id, manifest, sha256, ledger_index, fixed_at)
      VALUES ('e1', '{}', $1, 1, now())`;
    expect(await failure(MANIFEST, [hex(4, 31)])).toBe('23514 election_manifests_sha256_length');
    expect(await failure(MANIFEST, [hex(4)])).toBeUndefined();
    expect(await failure(MANIFEST, [hex(5)])).toBe('23505 election_manifests_pkey');
    expect(await failure("UPDATE election_manifests SET manifest = '[]'")).toBe(
      '23001 election_manifests_append_only',
    );
  });
});

describe('migrations 011–012 the ballot box and its running tallies', () => {
  test('P-6.10 one ballot a credential, one row a tracker and a leaf; a receipt covers its leaf; never changed', async () => {
    expect(await failure(BALLOT, ['cred-1', hex(1), hex(1), 5, 6])).toBeUndefined();
    expect(await failure(BALLOT, ['cred-1', hex(2), hex(2), 6, 7])).toBe('23505 box_ballots_pkey');
    expect(await failure(BALLOT, ['cred-2', hex(1), hex(2), 6, 7])).toBe('23505 box_ballots_tracker_unique');
    expect(await failure(BALLOT, ['cred-2', hex(2), hex(1), 6, 7])).toBe('23505 box_ballots_ballot_unique');
    expect(await failure(BALLOT, ['cred-2', hex(2), hex(2), 5, 7])).toBe(
      '23505 box_ballots_ledger_index_unique',
    );
    expect(await failure(BALLOT, ['cred-2', hex(2), hex(2), 6, 6])).toBe('23514 box_ballots_receipt_covers');
    expect(await failure(BALLOT, ['cred-2', hex(2, 31), hex(2), 6, 7])).toBe(
      '23514 box_ballots_tracker_length',
    );
    expect(await failure("UPDATE box_ballots SET region = '16'")).toBe('23001 box_ballots_append_only');
    expect(await failure('DELETE FROM box_ballots')).toBe('23001 box_ballots_append_only');
  });

  test('the box only moves forward along the ledger; a tally only grows', async () => {
    await db.pool.query("INSERT INTO box_applied (election_id, ledger_size) VALUES ('e1', 10)");
    expect(await failure("UPDATE box_applied SET ledger_size = 12 WHERE election_id = 'e1'")).toBeUndefined();
    expect(await failure("UPDATE box_applied SET ledger_size = 11 WHERE election_id = 'e1'")).toBe(
      '23514 box_applied_forward',
    );
    expect(await failure('DELETE FROM box_applied')).toBe('23514 box_applied_forward');
    const TALLY = `INSERT INTO box_tallies (election_id, region, ballots, aggregates, updated_at) VALUES ('e1', $1, $2, $3, now())`;
    expect(await failure(TALLY, ['77', 0, '[]'])).toBe('23514 box_tallies_aggregates_shape');
    expect(await failure(TALLY, ['77', -1, '[[]]'])).toBe('23514 box_tallies_ballots_range');
    expect(await failure(TALLY, ['77', 0, '[[]]'])).toBeUndefined();
    expect(await failure("UPDATE box_tallies SET ballots = 2 WHERE region = '77'")).toBeUndefined();
    expect(await failure("UPDATE box_tallies SET ballots = 1 WHERE region = '77'")).toBe(
      '23514 box_tallies_grow_only',
    );
    expect(await failure("UPDATE box_tallies SET region = '16'")).toBe('23514 box_tallies_grow_only');
    expect(await failure('DELETE FROM box_tallies')).toBe('23514 box_tallies_grow_only');
  });
});
