// The voter's application to vote remotely (P-2.1–P-2.8) over HTTP:
//   POST /api/applications/code      request the SMS confirmation code (P-2.3, once a minute)
//   POST /api/applications           file with the code: every seed-003 refusal, or 201 submitted
//   POST /api/applications/withdraw  withdraw until the deadline (P-2.5)
//   GET  /api/applications/status    the voter's applications, newest first (P-2.8)
//   POST /api/operator/applications/process  the daily processing run (P-2.6, P-2.7), operator only
//                                    (an operator's session or the operator's bearer token)
// The rules are packages/deg's (checkFiling, checkWithdrawal, issueCode/checkCode); this module
// gathers their inputs — claims from the identity provider, the register's record — stores the
// outcome with its audit row in one transaction, and logs an `event` without personal data.
import { codeError } from '../sms/code-errors.ts';
import { Type, type Static } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import {
  checkCode,
  checkFiling,
  checkWithdrawal,
  issueCode,
  PROCESSING_REJECTIONS,
  RESEND_INTERVAL_MS,
  type Applicant,
  type CodeFailure,
  type Refusal as DegRefusal,
} from '@opendeg/deg';
import type { AccountClaims } from '../identity/claims.ts';
import { requireAccount, type SessionReader } from '../identity/client.ts';
import type { Clock } from '../deps.ts';
import { ApiError, bilingual, Message } from '../errors.ts';
import { writeAudit } from '../audit.ts';
import { withTransaction } from '../transaction.ts';
import type { ApplicationsDeps } from './deps.ts';
import { processApplications } from './processing.ts';
import {
  activeApplicationForUpdate,
  codeForUpdate,
  insertApplication,
  isActiveApplicationConflict,
  listApplications,
  markWithdrawn,
  placeOfStayFiled,
  saveCode,
  type ApplicationContents,
  type ApplicationSummary,
} from './store.ts';
import type { VoterRecord } from './voter-register.ts';

const STATUS_TEXT: Record<ApplicationSummary['status'], Static<typeof Message>> = {
  submitted: { ru: 'Принято к рассмотрению', en: 'Submitted, being processed' },
  accepted: { ru: 'Учтено', en: 'Accepted' },
  rejected: { ru: 'Не учтено', en: 'Rejected' },
  withdrawn: { ru: 'Отозвано', en: 'Withdrawn' },
};

// The texts of processApplication (P-2.6), by the reason code stored with the application.
const REJECTION_TEXT = PROCESSING_REJECTIONS;

/**
 * P-3.7 (seed 004, 3.7): a voter included in the list who did not withdraw is excluded from the home
 * precinct's list and may vote only remotely, with no paper ballot. Shown with an accepted application.
 */
export const REMOTE_ONLY_NOTICE: Static<typeof Message> = {
  ru: 'Вы включены в список участников ДЭГ и можете проголосовать только дистанционно: избирательный бюллетень на бумажном носителе на участке вам не выдаётся. Проголосовать можно и в помещении, оборудованном для ДЭГ, — их список публикует избирательная комиссия вашего субъекта.',
  en: 'You are on the list of remote voting participants and may vote only remotely: no paper ballot is issued to you at a precinct. You may also vote in a premises equipped for remote voting, listed by your regional commission.',
};

export const ApplicationView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    electionId: Type.String(),
    status: Type.Union([
      Type.Literal('submitted'),
      Type.Literal('accepted'),
      Type.Literal('rejected'),
      Type.Literal('withdrawn'),
    ]),
    statusText: Message,
    region: Type.String(),
    precinct: Type.String(),
    filedAt: Type.String({ format: 'date-time' }),
    processedAt: Type.Optional(Type.String({ format: 'date-time' })),
    withdrawnAt: Type.Optional(Type.String({ format: 'date-time' })),
    rejection: Type.Optional(Type.Object({ code: Type.String(), message: Message })),
    /** P-3.7: with an accepted application, that the voter may vote only remotely. */
    notice: Type.Optional(Message),
  },
  { title: 'Application', additionalProperties: false },
);
export type ApplicationView = Static<typeof ApplicationView>;

export const CodeSent = Type.Object(
  {
    /** The phone the code went to, masked: +7 *** ***-**-67. */
    sentTo: Type.String(),
    expiresAt: Type.String({ format: 'date-time' }),
    resendAfter: Type.String({ format: 'date-time' }),
  },
  { title: 'CodeSent', additionalProperties: false },
);

export const ProcessingReport = Type.Object(
  {
    processed: Type.Integer({ minimum: 0 }),
    accepted: Type.Integer({ minimum: 0 }),
    rejected: Type.Integer({ minimum: 0 }),
    unaccountedPlaceOfStay: Type.Integer({ minimum: 0 }),
  },
  { title: 'ProcessingReport', additionalProperties: false },
);

const NoBody = Type.Optional(Type.Object({}, { additionalProperties: false }));

export const applicationSchemas = {
  code: {
    summary: 'Request the confirmation code by SMS / Запросить код подтверждения',
    tags: ['applications'],
    body: NoBody,
    response: { 200: CodeSent },
  },
  file: {
    summary: 'File an application to vote remotely / Подать заявление ДЭГ',
    tags: ['applications'],
    body: Type.Object(
      { code: Type.String({ pattern: '^[0-9]{6}$', description: 'The SMS confirmation code' }) },
      { additionalProperties: false },
    ),
    response: { 201: Type.Object({ application: ApplicationView }, { additionalProperties: false }) },
  },
  withdraw: {
    summary: 'Withdraw the application / Отозвать заявление',
    tags: ['applications'],
    body: NoBody,
    response: { 200: Type.Object({ application: ApplicationView }, { additionalProperties: false }) },
  },
  status: {
    summary: 'Processing status of my applications / Статус моих заявлений',
    tags: ['applications'],
    response: {
      200: Type.Object(
        { electionId: Type.String(), applications: Type.Array(ApplicationView) },
        { additionalProperties: false },
      ),
    },
  },
  process: {
    summary: 'Process submitted applications (operator) / Обработать поданные заявления (оператор)',
    tags: ['operator'],
    response: { 200: ProcessingReport },
  },
};

export interface ApplicationRoutesOptions {
  clock: Clock;
  pool: pg.Pool;
  sessions: SessionReader;
  deps: ApplicationsDeps;
}

function view(electionId: string, a: ApplicationSummary): ApplicationView {
  return {
    id: a.id,
    electionId,
    status: a.status,
    statusText: STATUS_TEXT[a.status],
    region: a.region,
    precinct: a.precinct,
    filedAt: a.filedAt.toISOString(),
    ...(a.processedAt ? { processedAt: a.processedAt.toISOString() } : {}),
    ...(a.withdrawnAt ? { withdrawnAt: a.withdrawnAt.toISOString() } : {}),
    ...(a.rejectionReason
      ? { rejection: { code: a.rejectionReason, message: REJECTION_TEXT[a.rejectionReason] } }
      : {}),
    ...(a.status === 'accepted' ? { notice: REMOTE_ONLY_NOTICE } : {}),
  };
}

/** "+7 *** ***-**-67": enough for the voter to recognise their phone, nothing more. */
function maskPhone(phone: string): string {
  return `+7 *** ***-**-${phone.slice(-2)}`;
}

/** E.164 from whatever separators the identity provider uses: "+7 (900) 123-45-67" → "+79001234567". */
function normalisePhone(phone: string | undefined): string | undefined {
  if (phone === undefined) return undefined;
  const digits = phone.replace(/\D/g, '');
  return /^7\d{10}$/.test(digits) ? `+${digits}` : undefined;
}

function fullNameOf(account: AccountClaims): string {
  return [account.familyName, account.givenName, account.middleName]
    .filter((p): p is string => p !== undefined)
    .join(' ')
    .trim();
}

/** What the rules see of the voter: the claims' flags and birth date, the register's region. */
function applicantOf(account: AccountClaims, record: VoterRecord | undefined): Applicant {
  return {
    birthDate: account.birthDate ?? '',
    accountConfirmed: account.accountConfirmed,
    phoneConfirmed: account.phoneConfirmed && normalisePhone(account.phone) !== undefined,
    // Matched by the identity provider and found in the register with the data an application needs.
    registerMatched:
      account.registerMatched &&
      record !== undefined &&
      account.birthDate !== undefined &&
      fullNameOf(account) !== '',
    regionCode: record?.regionCode ?? account.regionCode ?? '',
  };
}

function refused(refusals: readonly DegRefusal[]): ApiError {
  return new ApiError(
    'APPLICATION_REFUSED',
    422,
    'Заявление не может быть подано / The application cannot be filed',
    { refusals: refusals.map((r) => ({ code: r.code, message: { ru: r.message.ru, en: r.message.en } })) },
  );
}

/** Every voter route: any logged-in account (authz/access.ts). */
const VOTER = { allow: 'voter' } as const;

export const applicationRoutes: FastifyPluginCallbackTypebox<ApplicationRoutesOptions> = (
  app,
  options,
  done,
) => {
  const { clock, pool, sessions, deps } = options;
  const election = deps.election;
  const electionId = election.id;

  /** The voter, what the register says of them, and their history: the inputs of checkFiling. */
  async function filingInputs(request: FastifyRequest) {
    const account = await requireAccount(sessions, request);
    const record = account.registerMatched ? await deps.voterRegister.lookup(account.subject) : undefined;
    const applicant = applicantOf(account, record);
    const [applications, placeOfStay] = await Promise.all([
      listApplications(pool, electionId, account.subject),
      placeOfStayFiled(pool, electionId, account.subject),
    ]);
    const now = clock.now();
    const verdict = checkFiling(
      election.config,
      applicant,
      { applications: applications.map((a) => a.status), placeOfStayFiled: placeOfStay },
      now,
    );
    return { account, record, applicant, now, verdict };
  }

  async function auditRefusal(action: string, now: Date, refusals: readonly DegRefusal[], requestId: string) {
    await writeAudit(pool, {
      electionId,
      at: now,
      actorRole: 'voter',
      action,
      disposition: 'failure',
      details: { refusals: refusals.map((r) => r.code), requestId },
    });
  }

  app.post('/api/applications/code', { schema: applicationSchemas.code, config: VOTER }, async (request) => {
    const { account, now, verdict } = await filingInputs(request);
    // A code for a filing the rules refuse would only be wasted (and could go to an unconfirmed phone).
    if (!verdict.ok) {
      await auditRefusal('confirmation_code.issue', now, verdict.refusals, request.id);
      request.log.info(
        { event: 'application.code.refused', refusals: verdict.refusals.map((r) => r.code) },
        'confirmation code refused',
      );
      throw refused(verdict.refusals);
    }
    const phone = normalisePhone(account.phone);
    if (phone === undefined) throw new Error('filing allowed without a usable phone');
    const outcome = await withTransaction(pool, async (client) => {
      const previous = await codeForUpdate(client, electionId, account.subject, 'application');
      const issued = issueCode(deps.codePepper, 'application', previous, now.getTime());
      if (!issued.ok) return issued;
      await saveCode(client, electionId, account.subject, issued.record);
      await writeAudit(client, {
        electionId,
        at: now,
        actorRole: 'voter',
        action: 'confirmation_code.issue',
        disposition: 'success',
        details: { purpose: 'application', requestId: request.id },
      });
      // Sent inside the transaction: if the gateway refuses, no code is recorded and the voter
      // may ask again at once instead of waiting a minute for a code that never came.
      try {
        await deps.sms.send(
          phone,
          `Код подтверждения заявления ДЭГ: ${issued.code}. Никому его не сообщайте. / Remote voting application code: ${issued.code}.`,
          client,
        );
      } catch (e) {
        request.log.error({ event: 'application.code.sms_failed', err: e }, 'SMS gateway failed');
        throw new ApiError(
          'SMS_GATEWAY_FAILED',
          502,
          'Не удалось отправить SMS, попробуйте ещё раз / The SMS could not be sent, try again',
        );
      }
      return issued;
    });
    if (!outcome.ok) {
      request.log.info({ event: 'application.code.too_soon' }, 'confirmation code refused');
      throw codeError(outcome.failure);
    }
    request.log.info({ event: 'application.code.sent' }, 'confirmation code sent');
    return {
      sentTo: maskPhone(phone),
      expiresAt: new Date(outcome.record.expiresAt).toISOString(),
      resendAfter: new Date(outcome.record.issuedAt + RESEND_INTERVAL_MS).toISOString(),
    };
  });

  app.post(
    '/api/applications',
    { schema: applicationSchemas.file, config: VOTER },
    async (request, reply) => {
      const { account, record, now, verdict } = await filingInputs(request);
      // The rules first: a refused filing spends no code entry.
      if (!verdict.ok) {
        await auditRefusal('application.submit', now, verdict.refusals, request.id);
        request.log.info(
          { event: 'application.refused', refusals: verdict.refusals.map((r) => r.code) },
          'application refused',
        );
        throw refused(verdict.refusals);
      }
      const phone = normalisePhone(account.phone);
      if (record === undefined || phone === undefined || account.birthDate === undefined)
        throw new Error('filing allowed without register data');
      const contents: ApplicationContents = {
        fullName: fullNameOf(account),
        birthDate: account.birthDate,
        address: record.address,
        phone,
        passport: record.passport,
      };
      let outcome: { ok: true; application: ApplicationSummary } | { ok: false; failure: CodeFailure };
      try {
        outcome = await withTransaction(pool, async (client) => {
          const checked = checkCode(
            deps.codePepper,
            await codeForUpdate(client, electionId, account.subject, 'application'),
            request.body.code,
            now.getTime(),
          );
          // A wrong entry counts whatever happens next, so the record is stored in every case.
          if (checked.record) await saveCode(client, electionId, account.subject, checked.record);
          if (!checked.ok) {
            await writeAudit(client, {
              electionId,
              at: now,
              actorRole: 'voter',
              action: 'confirmation_code.check',
              disposition: 'failure',
              details: { purpose: 'application', failure: checked.failure.code, requestId: request.id },
            });
            return { ok: false as const, failure: checked.failure };
          }
          const application = await insertApplication(
            client,
            {
              electionId,
              subject: account.subject,
              region: record.regionCode,
              precinct: record.precinct,
              filedAt: now,
            },
            contents,
          );
          await writeAudit(client, {
            electionId,
            at: now,
            actorRole: 'voter',
            action: 'application.submit',
            disposition: 'success',
            details: { applicationId: application.id, region: application.region, requestId: request.id },
          });
          return { ok: true as const, application };
        });
      } catch (e) {
        // Two filings at once: the database's one-active-application index decides (seed 003).
        if (!isActiveApplicationConflict(e)) throw e;
        const again = await filingInputs(request);
        const refusals = again.verdict.ok ? [] : again.verdict.refusals;
        await auditRefusal('application.submit', now, refusals, request.id);
        request.log.info(
          { event: 'application.refused', refusals: ['APPLICATION_EXISTS'] },
          'application refused',
        );
        throw refused(refusals);
      }
      if (!outcome.ok) {
        request.log.info(
          { event: 'application.code.rejected', failure: outcome.failure.code },
          'code rejected',
        );
        throw codeError(outcome.failure);
      }
      request.log.info(
        { event: 'application.submitted', applicationId: outcome.application.id },
        'application submitted',
      );
      return reply.status(201).send({ application: view(electionId, outcome.application) });
    },
  );

  app.post(
    '/api/applications/withdraw',
    { schema: applicationSchemas.withdraw, config: VOTER },
    async (request) => {
      const account = await requireAccount(sessions, request);
      const now = clock.now();
      const outcome = await withTransaction(pool, async (client) => {
        const active = await activeApplicationForUpdate(client, electionId, account.subject);
        if (active === undefined) return { ok: false as const, error: 'NO_APPLICATION' as const };
        const allowed = checkWithdrawal(election.config, active.status, now);
        if (!allowed.ok) {
          await writeAudit(client, {
            electionId,
            at: now,
            actorRole: 'voter',
            action: 'application.withdraw',
            disposition: 'failure',
            details: { applicationId: active.id, failure: allowed.code, requestId: request.id },
          });
          return { ok: false as const, error: allowed.code, message: allowed.message };
        }
        const withdrawn = await markWithdrawn(client, active.id, now);
        await writeAudit(client, {
          electionId,
          at: now,
          actorRole: 'voter',
          action: 'application.withdraw',
          disposition: 'success',
          details: { applicationId: active.id, from: active.status, requestId: request.id },
        });
        return { ok: true as const, application: withdrawn };
      });
      if (!outcome.ok) {
        request.log.info(
          { event: 'application.withdraw.refused', code: outcome.error },
          'withdrawal refused',
        );
        if (outcome.error === 'NO_APPLICATION') {
          throw new ApiError(
            'NO_APPLICATION',
            404,
            'Нет заявления, которое можно отозвать / No application to withdraw',
          );
        }
        throw new ApiError(outcome.error, 409, bilingual(outcome.message));
      }
      request.log.info(
        { event: 'application.withdrawn', applicationId: outcome.application.id },
        'application withdrawn',
      );
      return { application: view(electionId, outcome.application) };
    },
  );

  app.get(
    '/api/applications/status',
    { schema: applicationSchemas.status, config: VOTER },
    async (request) => {
      const account = await requireAccount(sessions, request);
      const applications = await listApplications(pool, electionId, account.subject);
      return { electionId, applications: applications.map((a) => view(electionId, a)) };
    },
  );

  // The operator's session, or the operator's bearer token for the scheduled job that has no
  // browser session (authz/access.ts checks both; a wrong token is OPERATOR_UNAUTHORIZED).
  app.post(
    '/api/operator/applications/process',
    { schema: applicationSchemas.process, config: { allow: ['operator'], operatorToken: true } },
    async (request) => {
      const now = clock.now();
      const report = await processApplications(pool, election, now, 'operator');
      request.log.info({ event: 'applications.processed', ...report }, 'applications processed');
      return report;
    },
  );
  done();
};
