// The application portal, a stand-in for the state portal (P-2): log in, check one's data, file the
// application with the SMS code (P-2.3), see every refusal reason in plain words (seed 003), follow
// the processing status (P-2.8), withdraw (P-2.5) and file again within the window.
import { useCallback, useEffect, useRef, useState, type SyntheticEvent } from 'react';
import type { AccountClaims, ApplicationView } from '@opendeg/server';
import { ApiFailure, call } from '../api.ts';
import { ErrorNotice } from '../components/error-notice.tsx';
import { LoginPrompt, LogoutButton } from '../components/login-prompt.tsx';
import { Page } from '../components/page.tsx';
import { CodeField, ResendButton, resendAt } from '../components/resend-timer.tsx';
import { useAccount } from '../components/use-account.ts';
import { formatDate, formatDateTime, MOSCOW, zoneLabel } from '../format.ts';
import { useI18n } from '../i18n.tsx';

function AccountData({ account }: { account: AccountClaims }) {
  const { t } = useI18n();
  const yesNo = (b: boolean) => (b ? t('common.yes') : t('common.no'));
  const name = [account.familyName, account.givenName, account.middleName].filter(Boolean).join(' ');
  return (
    <section aria-labelledby="data-heading" className="panel">
      <h2 id="data-heading">{t('apply.dataHeading')}</h2>
      <dl className="facts">
        <dt>{t('apply.fullName')}</dt>
        <dd>{name || '—'}</dd>
        <dt>{t('apply.birthDate')}</dt>
        <dd>{account.birthDate !== undefined ? formatDate(account.birthDate) : '—'}</dd>
        <dt>{t('apply.phone')}</dt>
        <dd>{account.phone ?? '—'}</dd>
        <dt>{t('apply.accountConfirmed')}</dt>
        <dd>{yesNo(account.accountConfirmed)}</dd>
        <dt>{t('apply.phoneConfirmed')}</dt>
        <dd>{yesNo(account.phoneConfirmed)}</dd>
        <dt>{t('apply.registerMatched')}</dt>
        <dd>{yesNo(account.registerMatched)}</dd>
      </dl>
      <p className="hint">{t('apply.dataHint')}</p>
    </section>
  );
}

function StatusList({ applications }: { applications: readonly ApplicationView[] }) {
  const { t, pick, lang } = useI18n();
  if (applications.length === 0) return <p>{t('apply.none')}</p>;
  return (
    <ol className="applications">
      {applications.map((a) => (
        <li key={a.id} className={`application status-${a.status}`} data-status={a.status}>
          <p className="status-line">
            <span className="status-badge">{pick(a.statusText)}</span>
          </p>
          <dl className="facts">
            <dt>{t('apply.filedAt')}</dt>
            <dd>
              {formatDateTime(a.filedAt, MOSCOW)} ({zoneLabel(MOSCOW, lang)})
            </dd>
            <dt>{t('apply.region')}</dt>
            <dd>
              {a.region}, {t('apply.precinct', { n: a.precinct })}
            </dd>
            {a.processedAt !== undefined && (
              <>
                <dt>{t('apply.processedAt')}</dt>
                <dd>{formatDateTime(a.processedAt, MOSCOW)}</dd>
              </>
            )}
            {a.withdrawnAt !== undefined && (
              <>
                <dt>{t('apply.withdrawnAt')}</dt>
                <dd>{formatDateTime(a.withdrawnAt, MOSCOW)}</dd>
              </>
            )}
            {a.rejection !== undefined && (
              <>
                <dt>{t('apply.rejection')}</dt>
                <dd data-code={a.rejection.code}>{pick(a.rejection.message)}</dd>
              </>
            )}
          </dl>
        </li>
      ))}
    </ol>
  );
}

interface CodeState {
  readonly sentTo: string;
  readonly resendAfter: string;
}

function FileForm({ onFiled }: { onFiled: () => void }) {
  const { t } = useI18n();
  const [sent, setSent] = useState<CodeState>();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const codeInput = useRef<HTMLDivElement>(null);
  // A (new) code was sent: the field for it takes focus, so the keyboard goes on from there.
  useEffect(() => {
    if (sent !== undefined) codeInput.current?.querySelector('input')?.focus();
  }, [sent]);

  const requestCode = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await call('POST /api/applications/code', { body: {} });
      setSent({ sentTo: r.sentTo, resendAfter: resendAt() });
      setCode('');
    } catch (e) {
      if (e instanceof ApiFailure && e.code === 'RESEND_TOO_SOON' && e.retryAfterSeconds !== undefined) {
        const resendAfter = resendAt(e.retryAfterSeconds * 1000);
        setSent((s) => (s ? { ...s, resendAfter } : s));
      }
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const submit = async (e: SyntheticEvent) => {
    e.preventDefault();
    if (!/^\d{6}$/.test(code)) {
      setError(new ApiFailure(0, 'CODE_FORMAT', { ru: t('code.format'), en: t('code.format') }));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await call('POST /api/applications', { body: { code } });
      setSent(undefined);
      setCode('');
      onFiled();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const codeError = error instanceof ApiFailure && error.code.startsWith('CODE');
  return (
    <section aria-labelledby="file-heading" className="panel">
      <h2 id="file-heading">{t('apply.fileHeading')}</h2>
      <p>{t('apply.fileIntro')}</p>
      {error !== undefined && (
        <div aria-live="assertive">
          {error instanceof ApiFailure && error.refusals.length > 0 && (
            <h3 className="refusal-heading">{t('apply.refusedHeading')}</h3>
          )}
          <ErrorNotice error={error} />
          {error instanceof ApiFailure && error.attemptsLeft !== undefined && (
            <p>{t('code.attemptsLeft', { n: error.attemptsLeft })}</p>
          )}
        </div>
      )}
      {sent === undefined ? (
        <button
          type="button"
          className="button-primary"
          disabled={busy}
          onClick={() => {
            void requestCode();
          }}
        >
          {t('apply.getCode')}
        </button>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <div ref={codeInput}>
            <CodeField value={code} onChange={setCode} sentTo={sent.sentTo} invalid={codeError} />
          </div>
          <div className="actions">
            <button type="submit" className="button-primary" disabled={busy}>
              {t('apply.submit')}
            </button>
            <ResendButton
              resendAfter={sent.resendAfter}
              busy={busy}
              onResend={() => {
                void requestCode();
              }}
            />
          </div>
        </form>
      )}
    </section>
  );
}

function WithdrawPanel({ onWithdrawn }: { onWithdrawn: () => void }) {
  const { t } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);
  const withdraw = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await call('POST /api/applications/withdraw', { body: {} });
      setConfirming(false);
      onWithdrawn();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="withdraw-heading" className="panel">
      <h2 id="withdraw-heading">{t('apply.withdrawHeading')}</h2>
      <p>{t('apply.withdrawIntro')}</p>
      <ErrorNotice error={error} />
      {!confirming ? (
        <button
          type="button"
          onClick={() => {
            setConfirming(true);
          }}
        >
          {t('apply.withdraw')}
        </button>
      ) : (
        <div className="confirm" role="group" aria-labelledby="withdraw-confirm-text">
          <p id="withdraw-confirm-text">{t('apply.withdrawConfirm')}</p>
          <div className="actions">
            <button
              ref={confirmRef}
              type="button"
              className="button-danger"
              disabled={busy}
              onClick={() => {
                void withdraw();
              }}
            >
              {t('apply.withdrawYes')}
            </button>
            <button
              type="button"
              onClick={() => {
                setConfirming(false);
              }}
            >
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

export function ApplyPage() {
  const { t } = useI18n();
  const { state } = useAccount();
  const [applications, setApplications] = useState<readonly ApplicationView[]>();
  const [statusError, setStatusError] = useState<unknown>();
  const [announcement, setAnnouncement] = useState('');

  const loadStatus = useCallback(async () => {
    try {
      const r = await call('GET /api/applications/status');
      setApplications(r.applications);
      setStatusError(undefined);
    } catch (e) {
      setStatusError(e);
    }
  }, []);

  useEffect(() => {
    if (state.kind === 'ready') void loadStatus();
  }, [state.kind, loadStatus]);

  const active = applications?.find((a) => a.status === 'submitted' || a.status === 'accepted');

  return (
    <Page title={t('apply.title')} lead={t('apply.lead')}>
      {state.kind === 'loading' && <p role="status">{t('common.loading')}</p>}
      {state.kind === 'anonymous' && <LoginPrompt returnTo="/apply" why={t('apply.loginWhy')} />}
      {state.kind === 'failed' && <ErrorNotice error={state.error} />}
      {state.kind === 'ready' && (
        <>
          <LogoutButton />
          <AccountData account={state.account} />
          <section aria-labelledby="status-heading" className="panel">
            <h2 id="status-heading">{t('apply.statusHeading')}</h2>
            <p role="status" className="visually-hidden">
              {announcement}
            </p>
            <ErrorNotice error={statusError} />
            {applications === undefined ? (
              <p>{t('common.loading')}</p>
            ) : (
              <StatusList applications={applications} />
            )}
            <button
              type="button"
              onClick={() => {
                void loadStatus().then(() => {
                  setAnnouncement(t('apply.statusRefreshed'));
                });
              }}
            >
              {t('apply.refresh')}
            </button>
          </section>
          {applications !== undefined &&
            (active !== undefined ? (
              <WithdrawPanel
                onWithdrawn={() => {
                  setAnnouncement(t('apply.withdrawn'));
                  void loadStatus();
                }}
              />
            ) : (
              <FileForm
                onFiled={() => {
                  setAnnouncement(t('apply.filed'));
                  void loadStatus();
                }}
              />
            ))}
        </>
      )}
    </Page>
  );
}
