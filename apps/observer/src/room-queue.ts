/**
 * The observation-room queue of P-11.10.4 (seed 004, 11.10.4): access to the observer node is given
 * to at most one observer at a time, in a free queue, for at most one hour each; the queue is run by
 * the staff of the observation headquarters. Sessions are rows of `observer_room_session`; a partial
 * unique index keeps a second active session out even under concurrent requests, and a session whose
 * hour is over ends by itself at the next call. Time comes from the injected clock.
 */

import type pg from 'pg';

import { msg, type Message } from './errors.ts';

export const ROOM_SESSION_MS = 60 * 60 * 1000;

export interface RoomSession {
  readonly id: number;
  readonly observer: string;
  readonly state: 'waiting' | 'active' | 'done' | 'cancelled';
  readonly queuedAt: string;
  readonly startedAt: string | null;
  readonly endsAt: string | null;
}

export interface RoomState {
  readonly active: RoomSession | null;
  readonly waiting: readonly RoomSession[];
}

export type RoomErrorCode =
  'ROOM_BUSY' | 'QUEUE_EMPTY' | 'SESSION_NOT_FOUND' | 'SESSION_NOT_ACTIVE' | 'SESSION_NOT_WAITING';

export type RoomResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: RoomErrorCode; readonly message: Message };

const ERRORS: Record<RoomErrorCode, Message> = {
  ROOM_BUSY: msg('у узла уже работает наблюдатель', 'an observer is already at the node'),
  QUEUE_EMPTY: msg('в очереди никого нет', 'nobody is waiting'),
  SESSION_NOT_FOUND: msg('такой записи в очереди нет', 'no such session'),
  SESSION_NOT_ACTIVE: msg('этот наблюдатель сейчас не у узла', 'this observer is not at the node'),
  SESSION_NOT_WAITING: msg('этот наблюдатель уже не ждёт', 'this observer is no longer waiting'),
};

const err = (code: RoomErrorCode): RoomResult<never> => ({ ok: false, code, message: ERRORS[code] });

interface Row {
  id: string;
  observer: string;
  state: RoomSession['state'];
  queued_ms: string;
  started_ms: string | null;
  ends_ms: string | null;
}

const iso = (ms: string | null): string | null => (ms === null ? null : new Date(Number(ms)).toISOString());
const toSession = (r: Row): RoomSession => ({
  id: Number(r.id),
  observer: r.observer,
  state: r.state,
  queuedAt: iso(r.queued_ms) ?? '',
  startedAt: iso(r.started_ms),
  endsAt: iso(r.ends_ms),
});

const COLUMNS = 'id, observer, state, queued_ms, started_ms, ends_ms';

export class RoomQueue {
  constructor(
    private readonly pool: pg.Pool,
    private readonly clock: () => number,
  ) {}

  /** Ends a session whose hour is over. */
  private async expire(now: number): Promise<void> {
    await this.pool.query(
      "UPDATE observer_room_session SET state = 'done', finished_ms = ends_ms WHERE state = 'active' AND ends_ms <= $1",
      [now],
    );
  }

  async state(): Promise<RoomState> {
    await this.expire(this.clock());
    const r = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM observer_room_session WHERE state IN ('waiting', 'active') ORDER BY queued_ms, id`,
    );
    const rows = r.rows.map(toSession);
    return {
      active: rows.find((s) => s.state === 'active') ?? null,
      waiting: rows.filter((s) => s.state === 'waiting'),
    };
  }

  async enqueue(observer: string): Promise<RoomSession> {
    const r = await this.pool.query<Row>(
      `INSERT INTO observer_room_session (observer, state, queued_ms) VALUES ($1, 'waiting', $2) RETURNING ${COLUMNS}`,
      [observer, this.clock()],
    );
    return toSession(r.rows[0] as Row);
  }

  /** Lets the first observer in line in, for at most an hour. */
  async next(): Promise<RoomResult<RoomSession>> {
    const now = this.clock();
    await this.expire(now);
    try {
      const r = await this.pool.query<Row>(
        `UPDATE observer_room_session SET state = 'active', started_ms = $1, ends_ms = $2
         WHERE id = (SELECT id FROM observer_room_session WHERE state = 'waiting' ORDER BY queued_ms, id LIMIT 1)
           AND NOT EXISTS (SELECT 1 FROM observer_room_session WHERE state = 'active')
         RETURNING ${COLUMNS}`,
        [now, now + ROOM_SESSION_MS],
      );
      const row = r.rows[0];
      if (row !== undefined) return { ok: true, value: toSession(row) };
    } catch (e) {
      // Two staff members at once: the unique index lets one in.
      if ((e as { code?: string }).code === '23505') return err('ROOM_BUSY');
      throw e;
    }
    const s = await this.state();
    return err(s.active !== null ? 'ROOM_BUSY' : 'QUEUE_EMPTY');
  }

  async finish(id: number): Promise<RoomResult<RoomSession>> {
    const now = this.clock();
    await this.expire(now);
    const r = await this.pool.query<Row>(
      `UPDATE observer_room_session SET state = 'done', finished_ms = $2 WHERE id = $1 AND state = 'active' RETURNING ${COLUMNS}`,
      [id, now],
    );
    const row = r.rows[0];
    if (row !== undefined) return { ok: true, value: toSession(row) };
    return err((await this.exists(id)) ? 'SESSION_NOT_ACTIVE' : 'SESSION_NOT_FOUND');
  }

  async cancel(id: number): Promise<RoomResult<RoomSession>> {
    const r = await this.pool.query<Row>(
      `UPDATE observer_room_session SET state = 'cancelled', finished_ms = $2 WHERE id = $1 AND state = 'waiting' RETURNING ${COLUMNS}`,
      [id, this.clock()],
    );
    const row = r.rows[0];
    if (row !== undefined) return { ok: true, value: toSession(row) };
    return err((await this.exists(id)) ? 'SESSION_NOT_WAITING' : 'SESSION_NOT_FOUND');
  }

  private async exists(id: number): Promise<boolean> {
    const r = await this.pool.query('SELECT 1 FROM observer_room_session WHERE id = $1', [id]);
    return r.rowCount === 1;
  }
}
