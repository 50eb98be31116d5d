// The daily transfer of submitted applications to the processing base (P-2.6, P-2.7): each one is
// checked by packages/deg processApplication — the address against the precinct the register
// records — and becomes accepted («Учтено») or rejected with a reason; an accepted voter's
// place-of-stay application goes to the register of unaccounted applications with the note
// «подано заявление ДЭГ». Runs as a job or through the operator route (routes.ts).
import type pg from 'pg';
import { processApplication, type ApplicationStatus } from '@opendeg/deg';
import { writeAudit, type ActorRole } from '../audit.ts';
import { withTransaction } from '../transaction.ts';
import type { LoadedElection } from './deps.ts';

export interface ProcessingReport {
  processed: number;
  accepted: number;
  rejected: number;
  /** Place-of-stay applications moved to the unaccounted register in this run. */
  unaccountedPlaceOfStay: number;
}

interface SubmittedRow {
  id: string;
  region: string;
  precinct: string;
  address: string;
  place_of_stay_id: string | null;
}

/**
 * Processes the election's applications submitted up to `now`, in one transaction. Rows another
 * run holds are skipped (SKIP LOCKED), so two runs at once never process an application twice.
 */
export async function processApplications(
  pool: pg.Pool,
  election: LoadedElection,
  now: Date,
  actorRole: ActorRole = 'system',
): Promise<ProcessingReport> {
  return withTransaction(pool, async (client) => {
    const report: ProcessingReport = { processed: 0, accepted: 0, rejected: 0, unaccountedPlaceOfStay: 0 };
    const submitted = await client.query<SubmittedRow>(
      `SELECT a.id, a.region, a.precinct, a.address, p.id AS place_of_stay_id
       FROM applications a
       LEFT JOIN place_of_stay_applications p ON p.election_id = a.election_id AND p.subject = a.subject
       WHERE a.election_id = $1 AND a.status = 'submitted' AND a.filed_at <= $2
       ORDER BY a.filed_at, a.id
       FOR UPDATE OF a SKIP LOCKED`,
      [election.id, now],
    );
    for (const row of submitted.rows) {
      const outcome = processApplication(election.config, {
        regionCode: row.region,
        precinct: row.precinct,
        address: row.address,
        placeOfStayFiled: row.place_of_stay_id !== null,
      });
      const status: ApplicationStatus = outcome.status;
      const reason = outcome.status === 'rejected' ? outcome.reason : null;
      await client.query(
        'UPDATE applications SET status = $2, rejection_reason = $3, processed_at = $4 WHERE id = $1',
        [row.id, status, reason, now],
      );
      await writeAudit(client, {
        electionId: election.id,
        at: now,
        actorRole,
        action: status === 'accepted' ? 'application.accept' : 'application.reject',
        disposition: 'success',
        details: { applicationId: row.id, region: row.region, reason },
      });
      report.processed++;
      if (outcome.status === 'accepted') {
        report.accepted++;
        if (outcome.unaccountedPlaceOfStay && row.place_of_stay_id !== null) {
          const moved = await client.query(
            `INSERT INTO unaccounted_place_of_stay (place_of_stay_id, application_id, note, recorded_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (place_of_stay_id) DO NOTHING`,
            [row.place_of_stay_id, row.id, outcome.unaccountedPlaceOfStay.note, now],
          );
          if (moved.rowCount === 1) {
            report.unaccountedPlaceOfStay++;
            await writeAudit(client, {
              electionId: election.id,
              at: now,
              actorRole,
              action: 'place_of_stay.unaccounted',
              disposition: 'success',
              details: { placeOfStayId: row.place_of_stay_id, applicationId: row.id },
            });
          }
        }
      } else {
        report.rejected++;
      }
    }
    return report;
  });
}
