// The development SMS gateway: messages are written to the `sms_outbox` table instead of being
// sent, and a development-only route shows the latest ones for a phone, so training runs and
// tests read confirmation codes from it. Never used in production (main.ts refuses).
import type pg from 'pg';
import type { Clock } from '../deps.ts';
import type { SmsGateway } from './sms-gateway.ts';

export interface OutboxMessage {
  text: string;
  sentAt: Date;
}

export class DevOutboxSms implements SmsGateway {
  readonly #pool: pg.Pool;
  readonly #clock: Clock;

  constructor(pool: pg.Pool, clock: Clock) {
    this.#pool = pool;
    this.#clock = clock;
  }

  async send(phone: string, text: string, db?: pg.ClientBase): Promise<void> {
    await (db ?? this.#pool).query('INSERT INTO sms_outbox (phone, text, sent_at) VALUES ($1, $2, $3)', [
      phone,
      text,
      this.#clock.now(),
    ]);
  }

  /** The latest `limit` messages to `phone`, newest first. */
  async latest(phone: string, limit = 10): Promise<OutboxMessage[]> {
    const r = await this.#pool.query<{ text: string; sent_at: Date }>(
      'SELECT text, sent_at FROM sms_outbox WHERE phone = $1 ORDER BY id DESC LIMIT $2',
      [phone, limit],
    );
    return r.rows.map((row) => ({ text: row.text, sentAt: row.sent_at }));
  }
}
