// P-6.7, P-6.8: the SMS confirmation code — requested by the voter, a new one at most once a
// minute, tries limited only by the end of voting.
import { useEffect, useRef, useState, type SyntheticEvent } from 'react';
import { ApiFailure } from '../api.ts';
import { ErrorNotice } from '../components/error-notice.tsx';
import { CodeField, ResendButton, resendAt } from '../components/resend-timer.tsx';
import { useI18n } from '../i18n.tsx';
import { votingApi, type CodeSentView } from './voting-api.ts';

export function CodeStep({ onConfirmed }: { onConfirmed: () => void }) {
  const { t } = useI18n();
  const [sent, setSent] = useState<CodeSentView>();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const field = useRef<HTMLDivElement>(null);
  // A (new) code was sent: the field for it takes focus, so the keyboard goes on from there.
  useEffect(() => {
    if (sent !== undefined) field.current?.querySelector('input')?.focus();
  }, [sent]);

  const request = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await votingApi.requestCode();
      setSent({ ...r, resendAfter: resendAt() });
      setCode('');
    } catch (e) {
      if (e instanceof ApiFailure && e.code === 'RESEND_TOO_SOON' && e.retryAfterSeconds !== undefined) {
        const resendAfter = resendAt(e.retryAfterSeconds * 1000);
        setSent((s) => (s ? { ...s, resendAfter } : { sentTo: '', expiresAt: resendAfter, resendAfter }));
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
      await votingApi.confirmCode(code);
      onConfirmed();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="code-heading">
      <h2 id="code-heading">{t('vote.codeHeading')}</h2>
      <p>{t('vote.codeIntro')}</p>
      <div aria-live="assertive">
        <ErrorNotice error={error} />
        {error instanceof ApiFailure && error.attemptsLeft !== undefined && (
          <p>{t('code.attemptsLeft', { n: error.attemptsLeft })}</p>
        )}
      </div>
      {sent === undefined ? (
        <button
          type="button"
          className="button-primary"
          disabled={busy}
          onClick={() => {
            void request();
          }}
        >
          {t('vote.getCode')}
        </button>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <div ref={field}>
            <CodeField
              value={code}
              onChange={setCode}
              sentTo={sent.sentTo === '' ? undefined : sent.sentTo}
              invalid={error instanceof ApiFailure && error.code.startsWith('CODE')}
            />
          </div>
          <div className="actions">
            <button type="submit" className="button-primary" disabled={busy}>
              {t('vote.confirmCode')}
            </button>
            <ResendButton
              resendAfter={sent.resendAfter}
              busy={busy}
              onResend={() => {
                void request();
              }}
            />
          </div>
        </form>
      )}
    </section>
  );
}
