// The one-minute wait before a new SMS code may be requested (P-6.8): a visible countdown, and a
// polite live region that speaks only at the start and when the wait is over (a reading every
// second would drown everything else a screen reader says).
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n.tsx';

/**
 * P-6.8: a new code at most once a minute. Counted on this device from the moment the code was
 * sent, not from the server's `resendAfter`: the device's clock and the server's (a training run's
 * scenario clock) need not agree. A refusal's `retryAfterSeconds` restarts the count.
 */
export const RESEND_WAIT_MS = 60_000;

/** When the resend button opens, by this device's clock. */
export function resendAt(afterMs: number = RESEND_WAIT_MS): string {
  return new Date(Date.now() + afterMs).toISOString();
}

function secondsLeft(until: string | undefined): number {
  if (until === undefined) return 0;
  return Math.max(0, Math.ceil((new Date(until).getTime() - Date.now()) / 1000));
}

export function useCountdown(until: string | undefined): number {
  const [left, setLeft] = useState(() => secondsLeft(until));
  useEffect(() => {
    setLeft(secondsLeft(until));
    if (until === undefined) return;
    const id = setInterval(() => {
      const s = secondsLeft(until);
      setLeft(s);
      if (s === 0) clearInterval(id);
    }, 500);
    return () => {
      clearInterval(id);
    };
  }, [until]);
  return left;
}

export function ResendButton({
  resendAfter,
  onResend,
  busy,
}: {
  resendAfter: string | undefined;
  onResend: () => void;
  busy: boolean;
}) {
  const { t } = useI18n();
  const left = useCountdown(resendAfter);
  const mm = Math.floor(left / 60);
  const ss = String(left % 60).padStart(2, '0');
  return (
    <div className="resend">
      <button type="button" onClick={onResend} disabled={left > 0 || busy} aria-describedby="resend-timer">
        {t('code.resend')}
      </button>
      <span id="resend-timer" className="timer" aria-hidden={left > 0 ? 'true' : undefined}>
        {left > 0 ? t('code.resendIn', { time: `${mm}:${ss}` }) : t('code.resendNow')}
      </span>
      <span className="visually-hidden" role="status" aria-live="polite">
        {left > 0 ? t('code.resendWait') : t('code.resendNow')}
      </span>
    </div>
  );
}

export function CodeField({
  value,
  onChange,
  sentTo,
  invalid,
}: {
  value: string;
  onChange: (v: string) => void;
  sentTo: string | undefined;
  invalid: boolean;
}) {
  const { t } = useI18n();
  return (
    <div className="field">
      <label htmlFor="sms-code">{t('code.label')}</label>
      <p id="sms-code-hint" className="hint">
        {sentTo !== undefined ? t('code.sentTo', { phone: sentTo }) : t('code.hint')}
      </p>
      <input
        id="sms-code"
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9]{6}"
        maxLength={6}
        required
        aria-describedby="sms-code-hint"
        aria-invalid={invalid ? 'true' : undefined}
        value={value}
        onChange={(e) => {
          onChange(e.target.value.replace(/\D/g, '').slice(0, 6));
        }}
      />
    </div>
  );
}
