// The close's entries on their way into the ledger (issue 6): the outbox (closing_ledger) and its
// forwarder (closing/ledger-outbox.ts) over real PostgreSQL and the election's ledger on PostgreSQL.
// A crash is a forwarder whose process "dies" at a given point: its ledger fails there; a new
// forwarder (the restart) on the same database and ledger must then neither lose nor duplicate.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useTestDatabase } from '@opendeg/db/testing';
import { ManualClock, type ElectionConfig } from '@opendeg/deg';
import type { LoadedElection } from '../src/applications/deps.ts';
import { appendLedger, type LedgerKind } from '../src/closing/closing-context.ts';
import type { ClosingLedger } from '../src/closing/closing-deps.ts';
import { ClosingOutbox } from '../src/closing/ledger-outbox.ts';
import { storedClosingSources } from '../src/closing/stored-sources.ts';
import { readElectionConfigFile, storeElection } from '../src/elections/load-election.ts';
import { withTransaction } from '../src/transaction.ts';
import { startServer } from './harness.ts';
import { openTestLedger, type TestLedger } from './keys-fixture.ts';

const db = useTestDatabase();
const base = readElectionConfigFile(fileURLToPath(new URL('../dev/election.json', import.meta.url)));
const config: ElectionConfig = { ...structuredClone(base), electionId: 'outbox-test' };
const clock = new ManualClock('2026-09-20T18:00:00Z');
let log: TestLedger;
let electionId: string;
let loaded: LoadedElection;

/** A closing step: its entries added in one transaction, as the routes add them. */
async function step(entries: [LedgerKind, object][]): Promise<void> {
  await withTransaction(db.pool, async (client) => {
    for (const [kind, entry] of entries) await appendLedger(client, electionId, kind, entry, clock.now());
  });
}

/** The ledger's entries as text, and how many times each outbox entry is in it. */
async function ledgerState() {
  const size = log.ledger.checkpoint().size;
  const text = (await log.ledger.readEntries(0, size)).map((b) => Buffer.from(b).toString('utf8'));
  const outbox = await db.pool.query<{ seq: string; entry: Buffer; ledger_index: string | null }>(
    `SELECT o.seq, o.entry, f.ledger_index FROM closing_ledger o
       LEFT JOIN closing_ledger_forwarded f ON f.seq = o.seq ORDER BY o.seq`,
  );
  return {
    size,
    rows: outbox.rows.map((r) => {
      const entry = r.entry.toString('utf8');
      return {
        index: r.ledger_index === null ? null : Number(r.ledger_index),
        copies: text.filter((t) => t === entry).length,
        at: r.ledger_index === null ? undefined : text[Number(r.ledger_index)] === entry,
      };
    }),
  };
}

/** The election's ledger as a process that dies `when` an append is made: before or after it. */
function dying(when: 'before-append' | 'after-append'): ClosingLedger {
  return {
    checkpoint: () => log.ledger.checkpoint(),
    readEntries: (start, end) => log.ledger.readEntries(start, end),
    appendBytes: async (bytes) => {
      if (when === 'after-append') await log.ledger.appendBytes(bytes);
      throw new Error(`crash ${when}`);
    },
  };
}

beforeAll(async () => {
  loaded = await storeElection(db.pool, config, clock.now());
  electionId = loaded.id;
  log = await openTestLedger(db.newPool(), config.electionId);
  // Ballots before the close, as the ballot box appends them.
  for (let i = 0; i < 3; i++) {
    const r = await log.ledger.append({ type: 'ballot', sha256: String(i).repeat(64) });
    if (!r.ok) throw new Error(r.error.message);
  }
});
afterAll(async () => {
  await log.ledger.close();
});

describe('P-7.8 P-7.9 P-10.10 the outbox of the close: what it publishes reaches the ledger once, in order (issue 6)', () => {
  test('entries go into the ledger in outbox order, each once; a second flush appends nothing', async () => {
    await step([
      ['final-lists', { keyGroup: 'main', sha256: 'a'.repeat(64), regions: [] }],
      ['tally', { tally: { region: '16', ballots: 0, aggregates: [] } }],
    ]);
    const outbox = new ClosingOutbox(db.pool, electionId, log.ledger, clock);
    expect(await outbox.flush()).toBe(2);
    const s = await ledgerState();
    expect(s.rows).toEqual([
      { index: 3, copies: 1, at: true },
      { index: 4, copies: 1, at: true },
    ]);
    expect(await outbox.flush()).toBe(0);
    expect((await ledgerState()).size).toBe(s.size);
  });

  test('a restart after a crash between the append and its record does not append the entry again', async () => {
    await step([['result', { result: { region: '16', ballots: 0, counts: [] } }]]);
    // Ballots keep coming into the log (another key group still votes).
    expect((await log.ledger.append({ type: 'ballot', sha256: 'f'.repeat(64) })).ok).toBe(true);
    await expect(
      new ClosingOutbox(db.pool, electionId, dying('after-append'), clock).flush(),
    ).rejects.toThrow('crash after-append');
    const crashed = await ledgerState();
    expect(crashed.rows[2]).toEqual({ index: null, copies: 1, at: undefined });
    const restarted = new ClosingOutbox(db.pool, electionId, log.ledger, clock);
    expect(await restarted.flush()).toBe(1);
    const s = await ledgerState();
    expect(s.size).toBe(crashed.size);
    expect(s.rows[2]).toEqual({ index: crashed.size - 1, copies: 1, at: true });
  });

  test('a restart after a crash before the append appends the entry, once; nothing is lost', async () => {
    await step([
      ['protocol', { sha256: 'b'.repeat(64), region: '16', lines: [{ line: 1, value: 0 }] }],
      ['invalidation', { region: '54', decision: '№ 1', at: clock.now().toISOString() }],
    ]);
    await expect(
      new ClosingOutbox(db.pool, electionId, dying('before-append'), clock).flush(),
    ).rejects.toThrow('crash before-append');
    const crashed = await ledgerState();
    expect(crashed.rows.slice(3).map((r) => r.copies)).toEqual([0, 0]);
    expect(await new ClosingOutbox(db.pool, electionId, log.ledger, clock).flush()).toBe(2);
    const s = await ledgerState();
    expect(s.size).toBe(crashed.size + 2);
    expect(s.rows.map((r) => [r.copies, r.at])).toEqual(s.rows.map(() => [1, true]));
    expect(s.rows.map((r) => r.index)).toEqual(
      [...s.rows.map((r) => r.index)].sort((a, b) => (a ?? 0) - (b ?? 0)),
    );
  });

  test('more entries than one chunk (256) go in outbox order, each once', async () => {
    const before = await ledgerState();
    await step(
      Array.from({ length: 300 }, (_, i): [LedgerKind, object] => [
        'partial-decryption',
        { keyGroup: 'main', region: `r${i}`, index: 1, values: [] },
      ]),
    );
    expect(await new ClosingOutbox(db.pool, electionId, log.ledger, clock).flush()).toBe(300);
    const s = await ledgerState();
    const added = s.rows.slice(before.rows.length);
    expect(added.map((r) => [r.copies, r.at])).toEqual(added.map(() => [1, true]));
    expect(added.map((r) => r.index)).toEqual(added.map((_, i) => before.size + i));
  });

  test('a server that starts with entries left in the outbox (a crash before forwarding) forwards them at start', async () => {
    await step([['invalidation', { region: '16', decision: '№ 2', at: clock.now().toISOString() }]]);
    expect((await ledgerState()).rows.at(-1)?.copies).toBe(0);
    const server = await startServer({
      clock,
      db: { pool: db.pool },
      roles: { election: loaded },
      closing: { sources: storedClosingSources(db.pool, electionId), trustedRoots: [], ledger: log.ledger },
    });
    try {
      const last = (await ledgerState()).rows.at(-1);
      expect([last?.copies, last?.at]).toEqual([1, true]);
    } finally {
      await server.close();
    }
  });

  test('without a ledger entries wait in the outbox; an entry over 65,535 bytes fails its step; a forwarded entry is never re-recorded', async () => {
    await step([['tally', { tally: { region: '54', ballots: 0, aggregates: [] } }]]);
    expect(await new ClosingOutbox(db.pool, electionId, undefined, clock).flush()).toBe(0);
    expect((await ledgerState()).rows.at(-1)?.copies).toBe(0);
    const before = (await ledgerState()).rows.length;
    await expect(step([['tally', { tally: { region: '77', pad: 'x'.repeat(70_000) } }]])).rejects.toThrow(
      /ENTRY_TOO_LARGE|limit 65535/,
    );
    expect((await ledgerState()).rows.length).toBe(before);
    expect(await new ClosingOutbox(db.pool, electionId, log.ledger, clock).flush()).toBe(1);
    await expect(
      db.pool.query('UPDATE closing_ledger_forwarded SET ledger_index = ledger_index + 1'),
    ).rejects.toMatchObject({ constraint: 'closing_ledger_forwarded_once' });
  });
});
