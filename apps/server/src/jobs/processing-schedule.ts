// When the daily processing of the applications runs (P-2.6: applications go to the processing base
// every day): `schedule.processingTime` of the configuration, local time of the reference zone
// (Moscow), 01:00 by default, as graphile-worker's crontab line. Its cron matches in UTC, so the
// local time becomes a UTC time by the zone's offset on the day the worker starts; a zone that
// changes its offset (Moscow has not since 2014) moves the run by the change until the next start.
import { DEFAULT_PROCESSING_TIME, localDate, localToInstant, type ElectionConfig } from '@opendeg/deg';

/** The task's name in graphile-worker's queue. */
export const PROCESS_APPLICATIONS_TASK = 'process-applications';
/** The crontab item's identifier: its runs are remembered under it (backfill after downtime). */
export const PROCESS_APPLICATIONS_CRON_ID = 'process-applications-daily';

export interface DailyRun {
  /** HH:MM in the reference zone. */
  local: string;
  timeZone: string;
  utcHour: number;
  utcMinute: number;
  /** graphile-worker crontab line. */
  crontab: string;
}

export function dailyProcessingRun(config: ElectionConfig, now: Date): DailyRun {
  const local = config.schedule.processingTime ?? DEFAULT_PROCESSING_TIME;
  const timeZone = config.schedule.referenceTimeZone;
  const at = localToInstant(`${localDate(now, timeZone)}T${local}`, timeZone);
  const utcHour = at.getUTCHours();
  const utcMinute = at.getUTCMinutes();
  // fill=1d: a run missed while the worker was down within the last day is made up at start;
  // the processing is idempotent, so a made-up run that finds nothing does nothing.
  const crontab = `${utcMinute} ${utcHour} * * * ${PROCESS_APPLICATIONS_TASK} ?fill=1d&max=3&id=${PROCESS_APPLICATIONS_CRON_ID}`;
  return { local, timeZone, utcHour, utcMinute, crontab };
}
