/**
 * Alarms of one observed log in the node's PostgreSQL: one row per distinct misbehaviour (a
 * fingerprint names it, so the same fork seen at every poll stays one alarm), with its evidence.
 */

import type pg from 'pg';

import type { AlarmKind, Message } from '../errors.ts';
import type { Evidence } from '../evidence.ts';

export interface AlarmRecord {
  readonly id: number;
  readonly kind: AlarmKind;
  readonly detectedMs: number;
  readonly message: Message;
  readonly evidenceFile: string | null;
}

interface AlarmRow {
  id: string;
  kind: AlarmKind;
  detected_ms: string;
  message_ru: string;
  message_en: string;
  evidence_file: string | null;
}

const toRecord = (r: AlarmRow): AlarmRecord => ({
  id: Number(r.id),
  kind: r.kind,
  detectedMs: Number(r.detected_ms),
  message: { ru: r.message_ru, en: r.message_en },
  evidenceFile: r.evidence_file,
});

export class AlarmStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly origin: string,
  ) {}

  /** Records an alarm; resolves with its id, or null when this fingerprint was already recorded. */
  async add(fingerprint: string, detectedMs: number, evidence: Evidence): Promise<number | null> {
    const r = await this.pool.query<{ id: string }>(
      `INSERT INTO observer_alarm (origin, kind, detected_ms, message_ru, message_en, fingerprint, evidence)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (origin, fingerprint) DO NOTHING RETURNING id`,
      [
        this.origin,
        evidence.kind,
        detectedMs,
        evidence.message.ru,
        evidence.message.en,
        fingerprint,
        JSON.stringify(evidence),
      ],
    );
    const id = r.rows[0]?.id;
    return id === undefined ? null : Number(id);
  }

  async setEvidenceFile(id: number, file: string): Promise<void> {
    await this.pool.query('UPDATE observer_alarm SET evidence_file = $2 WHERE id = $1', [id, file]);
  }

  async list(): Promise<AlarmRecord[]> {
    const r = await this.pool.query<AlarmRow>(
      `SELECT id, kind, detected_ms, message_ru, message_en, evidence_file FROM observer_alarm
       WHERE origin = $1 ORDER BY id`,
      [this.origin],
    );
    return r.rows.map(toRecord);
  }

  async evidence(id: number): Promise<Evidence | undefined> {
    const r = await this.pool.query<{ evidence: Evidence }>(
      'SELECT evidence FROM observer_alarm WHERE origin = $1 AND id = $2',
      [this.origin, id],
    );
    return r.rows[0]?.evidence;
  }

  async count(): Promise<number> {
    const r = await this.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM observer_alarm WHERE origin = $1',
      [this.origin],
    );
    return Number(r.rows[0]?.n ?? 0);
  }
}
