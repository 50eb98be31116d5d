// The development SMS outbox inside a route's transaction (P-2.3, P-6.7): a code is issued and sent in
// one transaction, so the outbox must write through that transaction's connection. Taking a second
// connection from the pool deadlocks once every connection holds such a transaction — `opendeg demo`
// saw 500s with more than a few code requests at once.
import { useTestDatabase } from '@opendeg/db/testing';
import { describe, expect, test } from 'vitest';
import { DevOutboxSms } from '../src/sms/dev-outbox.ts';

const db = useTestDatabase();
const clock = { now: () => new Date('2026-09-18T05:00:00Z') };

describe('development SMS outbox', () => {
  test('P-6.7 a code sent inside the only connection’s transaction is written through it, and commits with it', async () => {
    const pool = db.newPool(1);
    const outbox = new DevOutboxSms(pool, clock);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await outbox.send('+79990000001', 'код 123456', client);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const [m] = await outbox.latest('+79990000001');
    expect(m?.text).toBe('код 123456');
  });

  test('P-6.7 without the transaction’s connection, the outbox needs a second one, which a full pool cannot give', async () => {
    const pool = db.newPool(1);
    // The pool's wait for a free connection, shortened from forever so the test ends.
    pool.options.connectionTimeoutMillis = 500;
    const outbox = new DevOutboxSms(pool, clock);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await expect(outbox.send('+79990000002', 'код 654321')).rejects.toThrow(/timeout/i);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    expect(await outbox.latest('+79990000002')).toEqual([]);
  });

  test('P-6.7 many code requests at once, each in its own transaction, all get through a small pool', async () => {
    const pool = db.newPool(3);
    const outbox = new DevOutboxSms(pool, clock);
    await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await outbox.send(`+7999000010${String(i).padStart(2, '0')}`, `код ${String(i)}`, client);
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      }),
    );
    const r = await db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM sms_outbox WHERE phone LIKE '+7999000010%'`,
    );
    expect(Number(r.rows[0]?.n)).toBe(12);
  });
});
