// P-2.6 the daily processing as a scheduled job: real graphile-worker workers (their schema made by
// their own migrations) on a real PostgreSQL test database, the applications slice's own store and
// processing. Two workers take several queued runs at once and every application is still processed
// exactly once; the daily run is graphile-worker's crontab at the configured time of the reference
// zone, registered when a worker starts.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useTestDatabase } from '@opendeg/db/testing';
import { ManualClock, type ElectionConfig } from '@opendeg/deg';
import type { LoadedElection } from '../src/applications/deps.ts';
import { insertApplication } from '../src/applications/store.ts';
import { readElectionConfigFile, storeElection } from '../src/elections/load-election.ts';
import { queueProcessing, startJobWorker, type JobLog, type JobWorker } from '../src/jobs/job-worker.ts';
import { dailyProcessingRun, PROCESS_APPLICATIONS_CRON_ID } from '../src/jobs/processing-schedule.ts';
import { withTransaction } from '../src/transaction.ts';

const db = useTestDatabase();
const config = readElectionConfigFile(fileURLToPath(new URL('../dev/election.json', import.meta.url)));
const clock = new ManualClock('2026-08-10T09:00:00Z');
const lines: { level: string; obj: object; msg: string }[] = [];
const log: JobLog = {
  error: (obj, msg) => void lines.push({ level: 'error', obj, msg }),
  warn: (obj, msg) => void lines.push({ level: 'warn', obj, msg }),
  info: (obj, msg) => void lines.push({ level: 'info', obj, msg }),
  debug: (obj, msg) => void lines.push({ level: 'debug', obj, msg }),
};

let election: LoadedElection;
const workers: JobWorker[] = [];

const COUNT = 60;
const NAMES = Array.from({ length: COUNT }, (_, i) => `Заявитель Номер ${i} Тестович`);

beforeAll(async () => {
  election = await storeElection(db.pool, config, clock.now());
  // Half inside precinct 1 of Novosibirsk (accepted), half in Berdsk, precinct 2's town (rejected).
  await withTransaction(db.pool, async (client) => {
    for (let i = 0; i < COUNT; i++) {
      await insertApplication(
        client,
        {
          electionId: election.id,
          subject: `job-voter-${i}`,
          region: '54',
          precinct: '1',
          filedAt: clock.now(),
        },
        {
          fullName: NAMES[i] ?? '',
          birthDate: '1980-01-01',
          address:
            i % 2 === 0
              ? `Новосибирская область, г. Новосибирск, ул. Ленина, д. ${i + 1}`
              : `Новосибирская область, г. Бердск, ул. Ленина, д. ${i + 1}`,
          phone: `+7913000${String(i).padStart(4, '0')}`,
          passport: { series: '5012', number: String(100000 + i) },
        },
      );
    }
  });
}, 60_000);
afterAll(async () => {
  // The pools are the test database's: it ends them when it is dropped.
  for (const w of workers) await w.stop();
}, 60_000);

async function until(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('P-2.6 the daily processing job', () => {
  test('P-2.6 the daily run is at 01:00 Moscow time by default, 22:00 UTC, or the configured time of the reference zone', () => {
    const moscow = dailyProcessingRun(config, clock.now());
    expect(moscow).toMatchObject({ local: '01:00', timeZone: 'Europe/Moscow', utcHour: 22, utcMinute: 0 });
    expect(moscow.crontab).toBe(
      `0 22 * * * process-applications ?fill=1d&max=3&id=${PROCESS_APPLICATIONS_CRON_ID}`,
    );
    const kamchatka: ElectionConfig = {
      ...config,
      schedule: { ...config.schedule, referenceTimeZone: 'Asia/Kamchatka', processingTime: '03:30' },
    };
    expect(dailyProcessingRun(kamchatka, clock.now())).toMatchObject({ utcHour: 15, utcMinute: 30 });
  });

  test('P-2.6 two workers, four runs queued at once: every application processed exactly once', async () => {
    for (let i = 0; i < 2; i++) {
      const pool = db.newPool(4);
      workers.push(
        await startJobWorker({
          pool,
          election,
          clock,
          log,
          concurrency: 2,
          pollInterval: 200,
          schedule: i === 0,
        }),
      );
    }
    clock.set('2026-08-11T00:00:00Z');
    await Promise.all([1, 2, 3, 4].map(() => queueProcessing(db.pool)));
    await until(async () => {
      const r = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM graphile_worker.jobs');
      return r.rows[0]?.n === 0;
    });
    const statuses = await db.pool.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM applications WHERE election_id = $1 GROUP BY status ORDER BY status',
      [election.id],
    );
    expect(statuses.rows).toEqual([
      { status: 'accepted', n: COUNT / 2 },
      { status: 'rejected', n: COUNT / 2 },
    ]);
    const audited = await db.pool.query<{ application: string; n: number }>(
      `SELECT details->>'applicationId' AS application, count(*)::int AS n FROM audit_events
       WHERE action IN ('application.accept', 'application.reject') GROUP BY 1`,
    );
    expect(audited.rows).toHaveLength(COUNT);
    expect(audited.rows.every((r) => r.n === 1)).toBe(true);
    // Four runs, one report each; together they processed each application once.
    const reports = lines.filter((l) => (l.obj as { event?: string }).event === 'applications.processed');
    expect(reports).toHaveLength(4);
    expect(reports.reduce((sum, l) => sum + (l.obj as { processed: number }).processed, 0)).toBe(COUNT);
    // Each run names the worker that took it (which of the two takes which run is up to them).
    for (const r of reports) expect((r.obj as { workerId: string }).workerId).toMatch(/^(worker|pool)-/);
  });

  test('P-2.6 a run with nothing submitted processes nothing (idempotent)', async () => {
    const before = lines.length;
    await queueProcessing(db.pool);
    await until(() =>
      Promise.resolve(
        lines.slice(before).some((l) => (l.obj as { event?: string }).event === 'applications.processed'),
      ),
    );
    const report = lines
      .slice(before)
      .find((l) => (l.obj as { event?: string }).event === 'applications.processed');
    expect(report?.obj).toMatchObject({ processed: 0, accepted: 0, rejected: 0 });
  });

  test('P-2.6 the worker that schedules registers the daily crontab item under its identifier', async () => {
    const known = await db.pool.query<{ identifier: string }>(
      'SELECT identifier FROM graphile_worker._private_known_crontabs',
    );
    expect(known.rows.map((r) => r.identifier)).toEqual([PROCESS_APPLICATIONS_CRON_ID]);
    expect(lines.some((l) => (l.obj as { event?: string }).event === 'jobs.scheduled')).toBe(true);
  });

  test('the worker’s log lines carry no personal data', () => {
    const text = JSON.stringify(lines);
    for (const name of NAMES) expect(text).not.toContain(name);
    expect(text).not.toContain('job-voter-');
    expect(text).not.toContain('+7913');
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
  });
});
