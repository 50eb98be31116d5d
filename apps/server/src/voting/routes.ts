// The identity side of voting (DESIGN "The voting protocol", step 2; P-6.3–P-6.9) over HTTP, for
// any logged-in account ('voter'), each step within the voter's region's window (P-6.1, P-6.2):
//   GET  /api/voting/status        the region, its window in its own zone, whether voting is open
//                                  now, whether I am on the list (P-6.5; excluded: the ground) and
//                                  which steps are done
//   GET  /api/voting/conditions    the information and technical conditions (P-6.6), with version
//   POST /api/voting/conditions    confirm having read that version (P-6.6)
//   POST /api/voting/code          an SMS code to the account's phone (P-6.7), a new one at most
//                                  once a minute (P-6.8); only after the conditions
//   POST /api/voting/code/confirm  enter it: ≤ 5 wrong entries a code, then a new code (P-6.8)
//   POST /api/voting/credential    anonymisation (P-6.9): the device's blinded credential message
//                                  in, the blind signature under the region's issuer key out; ballot
//                                  access is set on the list (P-3.8) in the transaction that
//                                  records the issuance. One signature per participant, ever: the
//                                  same blinded message again (a reloaded page) gets the same
//                                  signature back, another one BALLOT_ALREADY_ISSUED.
//
// Unlinkability (P-1.2): the identity side keeps, of the anonymisation, only the blinded message
// and the blind signature (migration 014). Under RFC 9474 both are uniformly random to anyone
// without the blinding factor, which never leaves the device, so nothing here can be matched to
// the credential the ballot box later sees, nor to the ballot. The ballot box keeps no account id.
// Logs and audit rows name the region and codes, never the account, phone, code or messages.
import { codeError } from '../sms/code-errors.ts';
import { Type, type Static } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { CryptoError, fromBase64, toBase64 } from '@opendeg/crypto';
import { blindSign } from '@opendeg/crypto/node';
import {
  checkCode,
  EXCLUSION_TEXT,
  formatLocalRu,
  issueCode,
  region as regionOf,
  RESEND_INTERVAL_MS,
  votingWindow,
  type ExclusionReason,
} from '@opendeg/deg';
import { CodeSent } from '../applications/routes.ts';
import { codeForUpdate, saveCode } from '../applications/store.ts';
import { writeAudit } from '../audit.ts';
import { unauthenticated } from '../authz/access.ts';
import type { Clock } from '../deps.ts';
import { ApiError, Message } from '../errors.ts';
import type { AccountClaims } from '../identity/claims.ts';
import type { SessionReader } from '../identity/client.ts';
import { withTransaction } from '../transaction.ts';
import { CONDITIONS, CONDITIONS_VERSION } from './conditions.ts';
import type { VotingDeps } from './deps.ts';
import { applicationParticipants, type ParticipantRef } from './participant-directory.ts';
import {
  confirmCode,
  confirmConditions,
  participantState,
  recordIssuance,
  votingSteps,
  type Issuance,
  type ParticipantState,
} from './store.ts';
import {
  alreadyIssued,
  badBlindedMessage,
  codeNotConfirmed,
  conditionsChanged,
  conditionsNotConfirmed,
  ended,
  excluded,
  issuerKeyMissing,
  noPhone,
  notOnList,
  notOpenYet,
  smsFailed,
} from './voting-errors.ts';

const ACCESS_TEXT = {
  NOT_ON_LIST: {
    ru: 'Вы не включены в список участников ДЭГ; доступ к голосованию не предоставляется (п. 6.5).',
    en: 'You are not on the list of remote voting participants; you get no access to voting (P-6.5).',
  },
  ON_LIST: {
    ru: 'Вы включены в список участников ДЭГ.',
    en: 'You are on the list of remote voting participants.',
  },
  EXCLUDED: {
    ru: 'Вы исключены из списка участников ДЭГ.',
    en: 'You were excluded from the list of remote voting participants.',
  },
  BALLOT_ISSUED: {
    ru: 'Доступ к электронному бюллетеню вам уже предоставлен.',
    en: 'You have already been given access to the electronic ballot.',
  },
} as const;

const Base64 = Type.String({ pattern: '^[A-Za-z0-9+/]*={0,2}$', maxLength: 1024 });

export const VotingStatus = Type.Object(
  {
    electionId: Type.String(),
    access: Type.Object(
      {
        code: Type.Union([
          Type.Literal('NOT_ON_LIST'),
          Type.Literal('ON_LIST'),
          Type.Literal('EXCLUDED'),
          Type.Literal('BALLOT_ISSUED'),
        ]),
        message: Message,
      },
      { additionalProperties: false },
    ),
    exclusion: Type.Optional(
      Type.Object({ reason: Type.String(), message: Message }, { additionalProperties: false }),
    ),
    region: Type.Optional(
      Type.Object(
        {
          code: Type.String(),
          name: Message,
          timeZone: Type.String(),
          localTime: Type.String({ description: 'Now in the region: DD.MM.YYYY HH:mm (МСК±n)' }),
          opens: Type.String({ format: 'date-time' }),
          closes: Type.String({ format: 'date-time' }),
          opensLocal: Type.String(),
          closesLocal: Type.String(),
          voting: Type.Union([Type.Literal('not-started'), Type.Literal('open'), Type.Literal('ended')]),
        },
        { additionalProperties: false },
      ),
    ),
    steps: Type.Object(
      {
        conditionsConfirmed: Type.Boolean(),
        codeConfirmed: Type.Boolean({ description: 'In this login session' }),
        ballotIssued: Type.Boolean(),
      },
      { additionalProperties: false },
    ),
  },
  { title: 'VotingStatus', additionalProperties: false },
);

export const Conditions = Type.Object(
  {
    version: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    sections: Type.Array(Type.Object({ title: Message, text: Message }, { additionalProperties: false })),
  },
  { title: 'VotingConditions', additionalProperties: false },
);

export const Credential = Type.Object(
  {
    region: Type.String(),
    blindSignature: Type.String({ description: 'RFC 9474 blind signature, base64' }),
    issuedAt: Type.String({ format: 'date-time' }),
  },
  { title: 'BlindCredential', additionalProperties: false },
);

const NoBody = Type.Optional(Type.Object({}, { additionalProperties: false }));
const Confirmed = Type.Object(
  { confirmedAt: Type.String({ format: 'date-time' }) },
  { additionalProperties: false },
);

export const votingSchemas = {
  status: {
    summary: 'Can I vote now? / Могу ли я проголосовать сейчас?',
    tags: ['voting'],
    response: { 200: VotingStatus },
  },
  conditions: {
    summary: 'Information and technical conditions / Информация и технические условия',
    tags: ['voting'],
    response: { 200: Conditions },
  },
  confirmConditions: {
    summary: 'Confirm the conditions were read / Подтвердить ознакомление с условиями',
    tags: ['voting'],
    body: Type.Object(
      { version: Type.String({ pattern: '^[0-9a-f]{64}$' }) },
      { additionalProperties: false },
    ),
    response: { 200: Confirmed },
  },
  code: {
    summary: 'Request the confirmation code by SMS / Запросить код подтверждения',
    tags: ['voting'],
    body: NoBody,
    response: { 200: CodeSent },
  },
  confirmCode: {
    summary: 'Enter the confirmation code / Ввести код подтверждения',
    tags: ['voting'],
    body: Type.Object(
      { code: Type.String({ pattern: '^[0-9]{6}$', description: 'The SMS confirmation code' }) },
      { additionalProperties: false },
    ),
    response: { 200: Confirmed },
  },
  credential: {
    summary: 'Anonymisation: blind-sign my credential / Анонимизация: слепая подпись',
    tags: ['voting'],
    body: Type.Object(
      { blindedMessage: { ...Base64, description: 'RFC 9474 blinded message, base64' } },
      { additionalProperties: false },
    ),
    response: { 200: Credential, 201: Credential },
  },
};

export interface VotingRoutesOptions {
  clock: Clock;
  pool: pg.Pool;
  sessions: SessionReader;
  deps: VotingDeps;
}

/** Every route: any logged-in account (authz/access.ts). */
const VOTER = { allow: 'voter' } as const;

/** "+7 *** ***-**-67": enough for the voter to recognise their phone, nothing more. */
function maskPhone(phone: string): string {
  return `+7 *** ***-**-${phone.slice(-2)}`;
}

/** E.164 from the identity provider's form: "+7 (900) 123-45-67" → "+79001234567". */
function normalisePhone(phone: string | undefined): string | undefined {
  if (phone === undefined) return undefined;
  const digits = phone.replace(/\D/g, '');
  return /^7\d{10}$/.test(digits) ? `+${digits}` : undefined;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

export const votingRoutes: FastifyPluginCallbackTypebox<VotingRoutesOptions> = (app, options, done) => {
  const { clock, pool, sessions, deps } = options;
  const { election } = deps;
  const electionId = election.id;
  const directory = deps.participants ?? applicationParticipants;

  async function session(request: FastifyRequest): Promise<{ account: AccountClaims; key: string }> {
    const current = await sessions.current(request);
    if (current?.account === undefined) throw unauthenticated();
    return { account: current.account, key: current.key };
  }

  /** P-6.1, P-6.2: the region's window, in its own zone. */
  function checkWindow(region: string, now: Date): void {
    const window = votingWindow(election.config, region);
    if (now.getTime() < window.opens.getTime()) {
      throw notOpenYet(window.opens, regionOf(election.config, region).timeZone);
    }
    if (now.getTime() >= window.closes.getTime()) throw ended();
  }

  /**
   * The checks every step repeats (P-6.5, P-3.4, P-6.1, P-7.4), in the order a voter would want
   * to hear them: on the list, not excluded, voting open, list not frozen.
   */
  async function eligible(
    db: pg.Pool | pg.PoolClient,
    account: AccountClaims,
    now: Date,
  ): Promise<{ ref: ParticipantRef; state: ParticipantState }> {
    const ref = await directory.find(db, electionId, account.subject);
    const state = ref && (await participantState(db, electionId, ref));
    if (ref === undefined || state === undefined) throw notOnList();
    if (state.exclusion !== null) throw excluded(state.exclusion);
    checkWindow(ref.region, now);
    if (state.frozen) throw ended();
    return { ref, state };
  }

  async function auditFailure(action: string, now: Date, code: string, requestId: string): Promise<void> {
    await writeAudit(pool, {
      electionId,
      at: now,
      actorRole: 'voter',
      action,
      disposition: 'failure',
      details: { failure: code, requestId },
    });
  }

  /** Runs a step; a refusal is audited and logged by its code, then thrown on. */
  async function step<T>(
    request: FastifyRequest,
    action: string,
    now: Date,
    fn: () => Promise<T>,
  ): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof ApiError && e.code !== 'UNAUTHENTICATED') {
        await auditFailure(action, now, e.code, request.id);
        request.log.info({ event: `${action}.refused`, code: e.code }, 'voting step refused');
      }
      throw e;
    }
  }

  app.get('/api/voting/status', { schema: votingSchemas.status, config: VOTER }, async (request) => {
    const { account, key } = await session(request);
    const now = clock.now();
    const ref = await directory.find(pool, electionId, account.subject);
    const state = ref && (await participantState(pool, electionId, ref));
    const steps = await votingSteps(pool, electionId, account.subject);
    const stepsView = {
      conditionsConfirmed: steps.conditionsVersion === CONDITIONS_VERSION,
      codeConfirmed: steps.codeSession === key,
      ballotIssued: state !== undefined && state.ballotAccessAt !== null,
    };
    if (ref === undefined || state === undefined) {
      return {
        electionId,
        access: { code: 'NOT_ON_LIST' as const, message: ACCESS_TEXT.NOT_ON_LIST },
        steps: stepsView,
      };
    }
    const r = regionOf(election.config, ref.region);
    const window = votingWindow(election.config, ref.region);
    const voting =
      now.getTime() < window.opens.getTime()
        ? ('not-started' as const)
        : now.getTime() >= window.closes.getTime() || state.frozen
          ? ('ended' as const)
          : ('open' as const);
    const code: keyof typeof ACCESS_TEXT =
      state.exclusion !== null ? 'EXCLUDED' : state.ballotAccessAt !== null ? 'BALLOT_ISSUED' : 'ON_LIST';
    const exclusion: ExclusionReason | null = state.exclusion;
    return {
      electionId,
      access: { code, message: ACCESS_TEXT[code] },
      ...(exclusion !== null ? { exclusion: { reason: exclusion, message: EXCLUSION_TEXT[exclusion] } } : {}),
      region: {
        code: r.code,
        name: { ru: r.name.ru, en: r.name.en ?? r.name.ru },
        timeZone: r.timeZone,
        localTime: formatLocalRu(now, r.timeZone),
        opens: window.opens.toISOString(),
        closes: window.closes.toISOString(),
        opensLocal: formatLocalRu(window.opens, r.timeZone),
        closesLocal: formatLocalRu(window.closes, r.timeZone),
        voting,
      },
      steps: stepsView,
    };
  });

  app.get('/api/voting/conditions', { schema: votingSchemas.conditions, config: VOTER }, () => ({
    version: CONDITIONS_VERSION,
    sections: CONDITIONS.map((s) => ({ title: { ...s.title }, text: { ...s.text } })),
  }));

  app.post(
    '/api/voting/conditions',
    { schema: votingSchemas.confirmConditions, config: VOTER },
    async (request) => {
      const { account } = await session(request);
      const now = clock.now();
      return step(request, 'voting.conditions.confirm', now, async () => {
        const { state } = await eligible(pool, account, now);
        if (state.ballotAccessAt !== null) throw alreadyIssued();
        if (request.body.version !== CONDITIONS_VERSION) throw conditionsChanged();
        await confirmConditions(pool, electionId, account.subject, CONDITIONS_VERSION, now);
        await writeAudit(pool, {
          electionId,
          at: now,
          actorRole: 'voter',
          action: 'voting.conditions.confirm',
          disposition: 'success',
          details: { version: CONDITIONS_VERSION, requestId: request.id },
        });
        request.log.info({ event: 'voting.conditions.confirmed' }, 'conditions confirmed');
        return { confirmedAt: now.toISOString() };
      });
    },
  );

  app.post('/api/voting/code', { schema: votingSchemas.code, config: VOTER }, async (request) => {
    const { account } = await session(request);
    const now = clock.now();
    return step(request, 'voting.code.issue', now, async () => {
      const { state } = await eligible(pool, account, now);
      if (state.ballotAccessAt !== null) throw alreadyIssued();
      const steps = await votingSteps(pool, electionId, account.subject);
      if (steps.conditionsVersion !== CONDITIONS_VERSION) throw conditionsNotConfirmed();
      const phone = normalisePhone(account.phone);
      if (phone === undefined || !account.phoneConfirmed) throw noPhone();
      const issued = await withTransaction(pool, async (client) => {
        const previous = await codeForUpdate(client, electionId, account.subject, 'ballot-access');
        const outcome = issueCode(deps.codePepper, 'ballot-access', previous, now.getTime());
        if (!outcome.ok) return outcome;
        await saveCode(client, electionId, account.subject, outcome.record);
        await writeAudit(client, {
          electionId,
          at: now,
          actorRole: 'voter',
          action: 'voting.code.issue',
          disposition: 'success',
          details: { purpose: 'ballot-access', requestId: request.id },
        });
        // Sent inside the transaction: if the gateway refuses, no code is recorded and the voter
        // may ask again at once instead of waiting a minute for a code that never came.
        try {
          await deps.sms.send(
            phone,
            `Код подтверждения для голосования ДЭГ: ${outcome.code}. Никому его не сообщайте. / Remote voting code: ${outcome.code}.`,
            client,
          );
        } catch (e) {
          request.log.error({ event: 'voting.code.sms_failed', err: e }, 'SMS gateway failed');
          throw smsFailed();
        }
        return outcome;
      });
      if (!issued.ok) throw codeError(issued.failure);
      request.log.info({ event: 'voting.code.sent' }, 'confirmation code sent');
      return {
        sentTo: maskPhone(phone),
        expiresAt: new Date(issued.record.expiresAt).toISOString(),
        resendAfter: new Date(issued.record.issuedAt + RESEND_INTERVAL_MS).toISOString(),
      };
    });
  });

  app.post(
    '/api/voting/code/confirm',
    { schema: votingSchemas.confirmCode, config: VOTER },
    async (request) => {
      const { account, key } = await session(request);
      const now = clock.now();
      return step(request, 'voting.code.check', now, async () => {
        const { state } = await eligible(pool, account, now);
        if (state.ballotAccessAt !== null) throw alreadyIssued();
        const steps = await votingSteps(pool, electionId, account.subject);
        if (steps.conditionsVersion !== CONDITIONS_VERSION) throw conditionsNotConfirmed();
        const checked = await withTransaction(pool, async (client) => {
          const result = checkCode(
            deps.codePepper,
            await codeForUpdate(client, electionId, account.subject, 'ballot-access'),
            request.body.code,
            now.getTime(),
          );
          // A wrong entry counts whatever happens next, so the record is stored in every case.
          if (result.record) await saveCode(client, electionId, account.subject, result.record);
          if (result.ok) {
            await confirmCode(client, electionId, account.subject, key, now);
            await writeAudit(client, {
              electionId,
              at: now,
              actorRole: 'voter',
              action: 'voting.code.check',
              disposition: 'success',
              details: { purpose: 'ballot-access', requestId: request.id },
            });
          }
          return result;
        });
        if (!checked.ok) throw codeError(checked.failure);
        request.log.info({ event: 'voting.code.confirmed' }, 'confirmation code accepted');
        return { confirmedAt: now.toISOString() };
      });
    },
  );

  app.post(
    '/api/voting/credential',
    { schema: votingSchemas.credential, config: VOTER },
    async (request, reply) => {
      const { account, key } = await session(request);
      const now = clock.now();
      const outcome = await step(request, 'ballot.issue', now, async () => {
        const { ref, state } = await eligible(pool, account, now);
        let blinded: Uint8Array;
        try {
          blinded = fromBase64(request.body.blindedMessage);
        } catch {
          throw badBlindedMessage();
        }
        // A reloaded page: the same blinded message gets the same signature, nothing more is recorded.
        if (state.issuance !== undefined) {
          if (sameBytes(state.issuance.blindedMessage, blinded))
            return { issuance: state.issuance, region: ref.region, fresh: false };
          throw alreadyIssued();
        }
        if (state.ballotAccessAt !== null) throw alreadyIssued();
        const steps = await votingSteps(pool, electionId, account.subject);
        if (steps.conditionsVersion !== CONDITIONS_VERSION) throw conditionsNotConfirmed();
        if (steps.codeSession !== key) throw codeNotConfirmed();
        const signingKey = await deps.issuerKeys.privateKey(pool, electionId, ref.region);
        if (signingKey === undefined) throw issuerKeyMissing();
        let signature: Uint8Array;
        try {
          signature = blindSign(signingKey, blinded);
        } catch (e) {
          if (e instanceof CryptoError && e.code === 'BAD_ARGUMENT') throw badBlindedMessage();
          throw e;
        }
        // Signed before the transaction, so the list's row lock is held for two statements only.
        // A signature made for a request that loses the race below is discarded, never returned.
        const issuance: Issuance = { blindedMessage: blinded, blindSignature: signature, issuedAt: now };
        return withTransaction(pool, async (client) => {
          const locked = await participantState(client, electionId, ref, true);
          if (locked === undefined) throw new Error('participant vanished');
          if (locked.exclusion !== null) throw excluded(locked.exclusion);
          if (locked.frozen) throw ended();
          if (locked.issuance !== undefined) {
            if (sameBytes(locked.issuance.blindedMessage, blinded))
              return { issuance: locked.issuance, region: ref.region, fresh: false };
            throw alreadyIssued();
          }
          if (locked.ballotAccessAt !== null) throw alreadyIssued();
          await recordIssuance(client, electionId, ref, issuance);
          await writeAudit(client, {
            electionId,
            at: now,
            actorRole: 'voter',
            action: 'ballot.issue',
            disposition: 'success',
            details: { region: ref.region, requestId: request.id },
          });
          return { issuance, region: ref.region, fresh: true };
        });
      });
      request.log.info(
        { event: outcome.fresh ? 'ballot.issued' : 'ballot.issue.repeated', region: outcome.region },
        'blind signature returned',
      );
      return reply.status(outcome.fresh ? 201 : 200).send({
        region: outcome.region,
        blindSignature: toBase64(outcome.issuance.blindSignature),
        issuedAt: outcome.issuance.issuedAt.toISOString(),
      });
    },
  );

  done();
};

export type VotingStatusView = Static<typeof VotingStatus>;
