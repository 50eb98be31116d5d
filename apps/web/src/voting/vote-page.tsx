// The voting portal (P-6): log in → the information and technical conditions (P-6.6) → the SMS
// code (P-6.7, P-6.8) → anonymisation (P-6.9: the device's credential blind-signed) → the ballot →
// optionally "check my encryption" (Benaloh) → cast → confirmation and receipt. Every step resumes
// after a reload from what the server says and what the device kept (progress.ts): a ballot that
// was sent is sent again until its receipt arrives (the same ballot gets the same receipt), and a
// credential is asked for again with the same blinded message (the same signature comes back).
// At /vote/large the same steps run as the ballot for the visually impaired (P-11.4.4): very large
// print, high contrast, large targets and thick focus rings, whatever the display settings.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiFailure } from '../api.ts';
import { ErrorNotice } from '../components/error-notice.tsx';
import { LoginPrompt, LogoutButton } from '../components/login-prompt.tsx';
import { Page } from '../components/page.tsx';
import { useAccount } from '../components/use-account.ts';
import { useI18n } from '../i18n.tsx';
import { Link, useRoute } from '../router.tsx';
import type { MessageKey } from '../messages.ts';
import {
  challenge,
  completeCredential,
  encrypt,
  loadElection,
  sign,
  startCredential,
  type ChallengedVoteJson,
  type Election,
  type EncryptedVote,
} from './ballot-crypto.ts';
import { BallotForm, describeChoices, selectionsOf, type Choices } from './ballot-form.tsx';
import { fetchManifest, publishChallenged, sendBallot } from './box-api.ts';
import { CodeStep } from './code-step.tsx';
import { ConditionsStep } from './conditions-step.tsx';
import { loadProgress, saveProgress, type Progress, type ReceiptView } from './progress.ts';
import { downloadJson, ReceiptPanel } from './receipt-view.tsx';
import { votingApi, type VotingStatusView } from './voting-api.ts';

type Phase =
  | { readonly kind: 'loading' }
  | { readonly kind: 'refused'; readonly status: VotingStatusView }
  | { readonly kind: 'issued-elsewhere' }
  | { readonly kind: 'closed'; readonly status: VotingStatusView }
  | { readonly kind: 'conditions' }
  | { readonly kind: 'code' }
  | { readonly kind: 'anonymising' }
  | { readonly kind: 'ballot'; readonly choices: Choices }
  | { readonly kind: 'encrypting'; readonly choices: Choices }
  | { readonly kind: 'review'; readonly choices: Choices; readonly vote: EncryptedVote<unknown> }
  | {
      readonly kind: 'challenged';
      readonly choices: Choices;
      readonly challenged: ChallengedVoteJson;
      readonly revealed: readonly { question: string; answer: string }[] | undefined;
      readonly tracker: string;
    }
  | { readonly kind: 'sending' }
  | { readonly kind: 'receipt'; readonly receipt: ReceiptView }
  | { readonly kind: 'failed'; readonly error: unknown; readonly retry?: () => void };

const STEPS: readonly { key: MessageKey; phases: readonly Phase['kind'][] }[] = [
  { key: 'vote.step.conditions', phases: ['conditions'] },
  { key: 'vote.step.code', phases: ['code'] },
  { key: 'vote.step.anonymise', phases: ['anonymising'] },
  { key: 'vote.step.ballot', phases: ['ballot', 'encrypting', 'review', 'challenged', 'sending'] },
  { key: 'vote.step.receipt', phases: ['receipt'] },
];

function StepList({ phase }: { phase: Phase['kind'] }) {
  const { t } = useI18n();
  return (
    <ol className="steps" aria-label={t('vote.stepsLabel')}>
      {STEPS.map((s, i) => (
        <li key={s.key} aria-current={s.phases.includes(phase) ? 'step' : undefined}>
          {i + 1}. {t(s.key)}
        </li>
      ))}
    </ol>
  );
}

// One anonymisation at a time per voter and page, even if an effect runs twice: a second blinded
// message would be refused (one signature per voter, ever).
const inFlight = new Map<string, Promise<Progress>>();

/** P-11.4.4: the ballot for the visually impaired. */
export const LARGE_PATH = '/vote/large';

/** Lets the browser paint a "working" message before a long synchronous computation. */
const nextFrame = (): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, 30);
  });

export function VotePage() {
  const large = useRoute().path === LARGE_PATH;
  const here = large ? LARGE_PATH : '/vote';
  useEffect(() => {
    if (!large) return;
    document.documentElement.dataset.ballotLarge = '';
    return () => {
      delete document.documentElement.dataset.ballotLarge;
    };
  }, [large]);
  const { t, pick } = useI18n();
  const { state: account } = useAccount();
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [status, setStatus] = useState<VotingStatusView>();
  // The challenged vote's place in the public ledger (P-10.10: anyone may check it), or a failure.
  const [published, setPublished] = useState<number | 'failed'>();
  const election = useRef<Election<unknown> | undefined>(undefined);
  const progress = useRef<Progress | undefined>(undefined);
  const subject = account.kind === 'ready' ? account.account.subject : undefined;

  const store = useCallback(
    (p: Progress) => {
      if (status === undefined || subject === undefined) throw new Error('no voter');
      saveProgress(status.electionId, subject, p);
      progress.current = p;
    },
    [status, subject],
  );

  const openElection = async (): Promise<Election<unknown>> => {
    election.current ??= await loadElection(await fetchManifest());
    return election.current;
  };

  /** Sends the stored ballot until the box answers; the receipt replaces the secrets. */
  const send = useCallback(async () => {
    const p = progress.current;
    if (p?.ballot === undefined || p.tracker === undefined) return;
    setPhase({ kind: 'sending' });
    try {
      const box = await sendBallot(p.ballot);
      const receipt: ReceiptView = { tracker: p.tracker, box, receivedAt: new Date().toISOString() };
      store({ version: 1, region: p.region, receipt });
      setPhase({ kind: 'receipt', receipt });
    } catch (e) {
      setPhase({
        kind: 'failed',
        error: e,
        retry: () => {
          void send();
        },
      });
    }
  }, [store]);

  const anonymise = useCallback(async () => {
    if (status?.region === undefined || subject === undefined) return;
    const region = status.region.code;
    setPhase({ kind: 'anonymising' });
    const key = `${status.electionId}.${subject}`;
    let run = inFlight.get(key);
    if (run === undefined) {
      run = (async () => {
        const el = await openElection();
        let pending = progress.current?.pending;
        if (pending?.region !== region) {
          const started = await startCredential(el, region);
          pending = { ...started.pending, blindedMessage: started.blindedMessage };
          store({ version: 1, region, pending });
        }
        const signed = await votingApi.credential(pending.blindedMessage);
        const credential = await completeCredential(el, pending, signed.blindSignature);
        const p: Progress = { version: 1, region, credential };
        store(p);
        return p;
      })().finally(() => inFlight.delete(key));
      inFlight.set(key, run);
    }
    try {
      await run;
      setPhase({ kind: 'ballot', choices: {} });
    } catch (e) {
      setPhase({
        kind: 'failed',
        error: e,
        retry: () => {
          void anonymise();
        },
      });
    }
  }, [status, subject, store]);

  // Where the voter stands: the server's status and the device's progress.
  const resume = useCallback(async () => {
    if (subject === undefined) return;
    setPhase({ kind: 'loading' });
    let s: VotingStatusView;
    try {
      s = await votingApi.status();
    } catch (e) {
      setPhase({ kind: 'failed', error: e });
      return;
    }
    setStatus(s);
    const p = loadProgress(s.electionId, subject);
    progress.current = p;
    if (p?.receipt !== undefined) {
      setPhase({ kind: 'receipt', receipt: p.receipt });
      return;
    }
    if (p?.ballot !== undefined) return; // the effect below sends it once `status` is set
    if (s.access.code === 'NOT_ON_LIST' || s.access.code === 'EXCLUDED') {
      setPhase({ kind: 'refused', status: s });
      return;
    }
    if (s.region?.voting !== 'open') {
      setPhase({ kind: 'closed', status: s });
      return;
    }
    if (p?.credential !== undefined) {
      try {
        await openElection();
        setPhase({ kind: 'ballot', choices: {} });
      } catch (e) {
        setPhase({ kind: 'failed', error: e });
      }
      return;
    }
    if (s.steps.ballotIssued && p?.pending === undefined) {
      setPhase({ kind: 'issued-elsewhere' });
      return;
    }
    if (s.steps.ballotIssued || (s.steps.conditionsConfirmed && s.steps.codeConfirmed)) {
      setPhase({ kind: 'anonymising' });
      return;
    }
    setPhase({ kind: s.steps.conditionsConfirmed ? 'code' : 'conditions' });
  }, [subject]);

  useEffect(() => {
    void resume();
  }, [resume]);

  // Work that needs `status` in state: the pending ballot, the anonymisation.
  useEffect(() => {
    if (status === undefined) return;
    if (phase.kind === 'loading' && progress.current?.ballot !== undefined) void send();
    else if (phase.kind === 'anonymising') void anonymise();
  }, [status, phase.kind]);

  const encryptChoices = async (choices: Choices) => {
    const el = election.current;
    const region = status?.region?.code;
    if (el === undefined || region === undefined) return;
    setPhase({ kind: 'encrypting', choices });
    await nextFrame();
    try {
      const vote = encrypt(el, region, selectionsOf(el, region, choices));
      setPhase({ kind: 'review', choices, vote });
    } catch (e) {
      setPhase({ kind: 'failed', error: e });
    }
  };

  const cast = (vote: EncryptedVote<unknown>) => {
    const el = election.current;
    const p = progress.current;
    if (el === undefined || p?.credential === undefined) return;
    const ballot = sign(el, vote, p.credential);
    // Write-ahead: from here on the ballot is sent again after any reload until its receipt arrives.
    store({ ...p, ballot, tracker: { hash: vote.tracker.hash, code: vote.tracker.code } });
    void send();
  };

  const check = (choices: Choices, vote: EncryptedVote<unknown>) => {
    const el = election.current;
    const region = status?.region?.code;
    if (el === undefined || region === undefined) return;
    const { challenged, check: result } = challenge(el, vote);
    const revealed = result.ok
      ? describeChoices(
          el,
          region,
          Object.fromEntries(
            (el.regions.get(region)?.style.questions ?? []).map((q, i) => [q.id, result.selections[i] ?? []]),
          ),
          pick,
          t('vote.blank'),
        )
      : undefined;
    setPhase({ kind: 'challenged', choices, challenged, revealed, tracker: vote.tracker.code });
    setPublished(undefined);
    publishChallenged(challenged).then(
      (r) => {
        setPublished(r.index);
      },
      () => {
        setPublished('failed');
      },
    );
  };

  const regionName = status?.region ? pick(status.region.name) : '';
  const timeZone = status?.region?.timeZone ?? 'Europe/Moscow';

  return (
    <Page title={large ? t('vote.largeTitle') : t('vote.title')} lead={t('vote.lead')}>
      <p className="large-link">
        {large ? (
          <Link to="/vote">{t('vote.toStandard')}</Link>
        ) : (
          <Link to={LARGE_PATH}>{t('vote.toLarge')}</Link>
        )}
      </p>
      {account.kind === 'loading' && <p role="status">{t('common.loading')}</p>}
      {account.kind === 'anonymous' && <LoginPrompt returnTo={here} why={t('vote.loginWhy')} />}
      {account.kind === 'failed' && <ErrorNotice error={account.error} />}
      {account.kind === 'ready' && (
        <>
          <LogoutButton />
          {status?.region && (
            <p>
              {t('vote.region', { region: regionName })}{' '}
              {t('vote.window', { opens: status.region.opensLocal, closes: status.region.closesLocal })}
            </p>
          )}
          <StepList phase={phase.kind} />
          <div aria-live="polite" className="visually-hidden" role="status">
            {phase.kind === 'anonymising' && t('vote.anonymising')}
            {phase.kind === 'encrypting' && t('vote.encrypting')}
            {phase.kind === 'sending' && t('vote.sending')}
          </div>
          {phase.kind === 'loading' && <p>{t('common.loading')}</p>}
          {phase.kind === 'refused' && (
            <div className="notice notice-error" role="alert">
              <p className="notice-title">{pick(phase.status.access.message)}</p>
              {phase.status.exclusion && <p>{pick(phase.status.exclusion.message)}</p>}
            </div>
          )}
          {phase.kind === 'issued-elsewhere' && (
            <div className="notice notice-error" role="alert">
              <p className="notice-title">{t('vote.issuedElsewhere')}</p>
              <p>{t('vote.issuedElsewhereHint')}</p>
            </div>
          )}
          {phase.kind === 'closed' && (
            <div className="notice" role="status">
              <p className="notice-title">
                {phase.status.region?.voting === 'ended' ? t('vote.ended') : t('vote.notStarted')}
              </p>
            </div>
          )}
          {phase.kind === 'conditions' && (
            <ConditionsStep
              onConfirmed={() => {
                setPhase({ kind: 'code' });
              }}
            />
          )}
          {phase.kind === 'code' && (
            <CodeStep
              onConfirmed={() => {
                setPhase({ kind: 'anonymising' });
              }}
            />
          )}
          {phase.kind === 'anonymising' && (
            <section aria-labelledby="anon-heading">
              <h2 id="anon-heading">{t('vote.anonHeading')}</h2>
              <p>{t('vote.anonText')}</p>
            </section>
          )}
          {phase.kind === 'ballot' && election.current && status?.region && (
            <BallotForm
              election={election.current}
              region={status.region.code}
              initial={phase.choices}
              onDone={(choices) => {
                void encryptChoices(choices);
              }}
            />
          )}
          {phase.kind === 'encrypting' && <p>{t('vote.encrypting')}</p>}
          {phase.kind === 'review' && election.current && status?.region && (
            <section aria-labelledby="review-heading" className="panel">
              <h2 id="review-heading">{t('vote.reviewHeading')}</h2>
              <dl className="facts">
                {describeChoices(
                  election.current,
                  status.region.code,
                  phase.choices,
                  pick,
                  t('vote.blank'),
                ).map((c) => (
                  <div key={c.question} style={{ display: 'contents' }}>
                    <dt>{c.question}</dt>
                    <dd>{c.answer}</dd>
                  </div>
                ))}
              </dl>
              <p>{t('vote.encryptedTracker')}</p>
              <p className="tracker">{phase.vote.tracker.code}</p>
              <p>{t('vote.castWarning')}</p>
              <div className="actions">
                <button
                  type="button"
                  className="button-primary"
                  onClick={() => {
                    cast(phase.vote);
                  }}
                >
                  {t('vote.cast')}
                </button>
                <button
                  type="button"
                  onClick={() => {
                    setPhase({ kind: 'ballot', choices: phase.choices });
                  }}
                >
                  {t('vote.change')}
                </button>
              </div>
              <section aria-labelledby="challenge-heading">
                <h3 id="challenge-heading">{t('vote.challengeHeading')}</h3>
                <p>{t('vote.challengeExplain')}</p>
                <button
                  type="button"
                  onClick={() => {
                    check(phase.choices, phase.vote);
                  }}
                >
                  {t('vote.challenge')}
                </button>
              </section>
            </section>
          )}
          {phase.kind === 'challenged' && (
            <section aria-labelledby="challenged-heading" className="panel">
              <h2 id="challenged-heading">{t('vote.challengedHeading')}</h2>
              {phase.revealed ? (
                <>
                  <p className="ok" role="status">
                    {t('vote.challengeOk', { tracker: phase.tracker })}
                  </p>
                  <ul>
                    {phase.revealed.map((c) => (
                      <li key={c.question}>
                        {c.question}: <strong>{c.answer}</strong>
                      </li>
                    ))}
                  </ul>
                </>
              ) : (
                <p className="bad" role="alert">
                  {t('vote.challengeBad')}
                </p>
              )}
              <p>{t('vote.challengeDiscarded')}</p>
              {published !== undefined && (
                <p role="status">
                  {published === 'failed'
                    ? t('vote.challengeNotPublished')
                    : t('vote.challengePublished', { index: published + 1 })}
                </p>
              )}
              <div className="actions">
                <button
                  type="button"
                  className="button-primary"
                  onClick={() => {
                    setPhase({ kind: 'ballot', choices: phase.choices });
                  }}
                >
                  {t('vote.backToBallot')}
                </button>
                <button
                  type="button"
                  onClick={() => {
                    downloadJson(`challenged-${phase.tracker}.json`, phase.challenged);
                  }}
                >
                  {t('vote.downloadChallenge')}
                </button>
              </div>
            </section>
          )}
          {phase.kind === 'sending' && <p>{t('vote.sending')}</p>}
          {phase.kind === 'receipt' && <ReceiptPanel receipt={phase.receipt} timeZone={timeZone} />}
          {phase.kind === 'failed' && (
            <>
              <ErrorNotice error={phase.error} />
              {phase.error instanceof ApiFailure && phase.error.code === 'UNAUTHENTICATED' ? (
                <LoginPrompt returnTo={here} why={t('vote.sessionEnded')} />
              ) : (
                <button
                  type="button"
                  onClick={() => {
                    if (phase.retry) phase.retry();
                    else void resume();
                  }}
                >
                  {t('common.retry')}
                </button>
              )}
            </>
          )}
        </>
      )}
    </Page>
  );
}
