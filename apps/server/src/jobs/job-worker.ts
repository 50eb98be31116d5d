// The server's scheduled jobs on graphile-worker (its own schema `graphile_worker` in the election's
// database, made by graphile-worker's own migrations when a worker starts, on the embedded
// PostgreSQL or DATABASE_URL's). One task today:
//   process-applications  the daily processing of the applications (P-2.6, P-2.7) by
//                         applications/processing.ts, at `schedule.processingTime` every day
//                         (processing-schedule.ts), or whenever a job is queued (queueProcessing).
// Any number of workers may run against one database: graphile-worker gives each job to one worker,
// its cron schedules each run once, and the processing itself takes rows FOR UPDATE SKIP LOCKED, so
// an application is processed once even when two runs overlap. main.ts starts the worker beside the
// server and stops it on shutdown. Log lines carry job ids, task names and counts: a job's payload
// is empty and the report has only counts, so no personal data reaches them.
import type pg from 'pg';
import { addJobAdhoc, Logger, run, type LogLevel, type Runner, type TaskList } from 'graphile-worker';
import { processApplications } from '../applications/processing.ts';
import type { LoadedElection } from '../applications/deps.ts';
import type { Clock } from '../deps.ts';
import { dailyProcessingRun, PROCESS_APPLICATIONS_TASK, type DailyRun } from './processing-schedule.ts';

/** Where the worker's lines go: pino's signature (obj, msg), as app.log.child(…) has it. */
export interface JobLog {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface JobWorkerOptions {
  /** The worker's own pool: graphile-worker holds a connection for LISTEN, so not the API's. */
  pool: pg.Pool;
  election: LoadedElection;
  clock: Clock;
  log: JobLog;
  /** Jobs run at once in this worker; default 1 (the processing is one transaction anyway). */
  concurrency?: number;
  /** How often to look for jobs when no notification came, ms; default graphile-worker's 2 s. */
  pollInterval?: number;
  /** Schedule the daily run (default true); tests that queue jobs themselves may leave it out. */
  schedule?: boolean;
}

export interface JobWorker {
  /** The daily run as scheduled, when scheduled. */
  readonly daily: DailyRun | undefined;
  readonly runner: Runner;
  /** Stops taking jobs, waits for running ones, releases the worker's connections (not the pool). */
  stop(): Promise<void>;
}

function logger(log: JobLog): Logger {
  return new Logger((scope) => (level: LogLevel, message: string, meta?: Record<string, unknown>) => {
    const line = {
      event: 'jobs.worker',
      ...(scope.workerId !== undefined ? { workerId: scope.workerId } : {}),
      ...(scope.taskIdentifier !== undefined ? { task: scope.taskIdentifier } : {}),
      ...(scope.jobId !== undefined ? { jobId: scope.jobId } : {}),
      ...(meta?.error !== undefined ? { err: meta.error } : {}),
    };
    // LogLevel is a const enum of strings ('error', 'warning', 'info', 'debug').
    const name: string = level;
    if (name === 'error') log.error(line, message);
    else if (name === 'warning') log.warn(line, message);
    else if (name === 'info') log.info(line, message);
    else log.debug(line, message);
  });
}

/**
 * A client that loses its connection while idle emits 'error'; without a listener that ends the
 * process. graphile-worker asks for listeners on the pool and on each client (it warns otherwise).
 */
function guardPool(pool: pg.Pool, log?: JobLog): void {
  const report = (e: Error): void =>
    log?.warn({ event: 'jobs.db_error', message: e.message }, 'worker database connection error');
  if (pool.listeners('error').length === 0) pool.on('error', report);
  if (pool.listeners('connect').length === 0) pool.on('connect', (client) => client.on('error', report));
}

/** The tasks, by name. */
export function jobTasks(options: Pick<JobWorkerOptions, 'pool' | 'election' | 'clock' | 'log'>): TaskList {
  return {
    [PROCESS_APPLICATIONS_TASK]: async (_payload, helpers) => {
      const report = await processApplications(options.pool, options.election, options.clock.now(), 'system');
      options.log.info(
        {
          event: 'applications.processed',
          jobId: helpers.job.id,
          workerId: helpers.job.locked_by,
          ...report,
        },
        'applications processed by the daily job',
      );
    },
  };
}

/** Starts a worker; graphile-worker migrates its schema first if needed. */
export async function startJobWorker(options: JobWorkerOptions): Promise<JobWorker> {
  const daily =
    options.schedule === false ? undefined : dailyProcessingRun(options.election.config, options.clock.now());
  guardPool(options.pool, options.log);
  const runner = await run({
    pgPool: options.pool,
    concurrency: options.concurrency ?? 1,
    ...(options.pollInterval !== undefined ? { pollInterval: options.pollInterval } : {}),
    // main.ts owns the process's signals and stops the worker itself.
    noHandleSignals: true,
    logger: logger(options.log),
    taskList: jobTasks(options),
    ...(daily !== undefined ? { crontab: daily.crontab } : {}),
  });
  if (daily !== undefined) {
    options.log.info(
      {
        event: 'jobs.scheduled',
        task: PROCESS_APPLICATIONS_TASK,
        local: daily.local,
        timeZone: daily.timeZone,
        utc: `${String(daily.utcHour).padStart(2, '0')}:${String(daily.utcMinute).padStart(2, '0')}`,
      },
      'daily processing scheduled',
    );
  }
  return {
    daily,
    runner,
    stop: () => runner.stop(),
  };
}

/** Queues a processing run now (an operator's request, a test); any worker takes it. */
export async function queueProcessing(pool: pg.Pool): Promise<string> {
  guardPool(pool);
  const job = await addJobAdhoc({ pgPool: pool }, PROCESS_APPLICATIONS_TASK, {});
  return job.id;
}
