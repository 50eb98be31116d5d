// "Find my ballot": the voter (or anyone) enters a tracker and the browser checks, with proofs,
// that this encrypted ballot is in the public ledger (receipt-check.ts). Public: no login.
import { useEffect, useState, type SyntheticEvent } from 'react';
import { ErrorNotice } from '../components/error-notice.tsx';
import { Page } from '../components/page.tsx';
import { useI18n } from '../i18n.tsx';
import type { MessageKey } from '../messages.ts';
import { navigate, useRoute } from '../router.tsx';
import { fetchReceipt, type BoxReceipt } from '../voting/box-api.ts';
import { checkReceipt, type CheckId, type CheckResult } from './receipt-check.ts';

const CHECK_TEXT: Record<CheckId, MessageKey> = {
  code: 'verify.check.code',
  checkpoint: 'verify.check.checkpoint',
  inclusion: 'verify.check.inclusion',
  entry: 'verify.check.entry',
  signature: 'verify.check.signature',
};

export function FindBallotPage() {
  const { t } = useI18n();
  const { query } = useRoute();
  const fromUrl = query.get('tracker') ?? '';
  const [tracker, setTracker] = useState(fromUrl);
  const [vkey, setVkey] = useState(query.get('vkey') ?? '');
  const [receipt, setReceipt] = useState<BoxReceipt>();
  const [results, setResults] = useState<CheckResult[]>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const run = async (hash: string) => {
    setBusy(true);
    setError(undefined);
    setResults(undefined);
    setReceipt(undefined);
    try {
      const r = await fetchReceipt(hash);
      setReceipt(r);
      setResults(await checkReceipt(r, vkey));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (/^[0-9a-f]{64}$/.test(fromUrl)) void run(fromUrl);
    // Only when arriving with a tracker in the address.
  }, [fromUrl]);

  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    const hash = tracker.trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(hash)) {
      setError(new Error('format'));
      return;
    }
    navigate(`/verify?tracker=${hash}`, { replace: true });
    void run(hash);
  };

  const allOk = results?.every((r) => r.ok !== false) === true;
  return (
    <Page title={t('verify.title')} lead={t('verify.lead')}>
      <form onSubmit={submit} className="panel" noValidate>
        <div className="field">
          <label htmlFor="tracker">{t('verify.trackerLabel')}</label>
          <p id="tracker-hint" className="hint">
            {t('verify.trackerHint')}
          </p>
          <input
            id="tracker"
            name="tracker"
            className="wide"
            size={66}
            spellCheck={false}
            autoComplete="off"
            aria-describedby="tracker-hint"
            value={tracker}
            onChange={(e) => {
              setTracker(e.target.value);
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="receipt-file">{t('verify.fileLabel')}</label>
          <input
            id="receipt-file"
            type="file"
            accept="application/json,.json"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file === undefined) return;
              void file.text().then((text) => {
                try {
                  const parsed = JSON.parse(text) as { tracker?: unknown };
                  if (typeof parsed.tracker === 'string') setTracker(parsed.tracker);
                  else setError(new Error('format'));
                } catch {
                  setError(new Error('format'));
                }
              });
            }}
          />
        </div>
        <details>
          <summary>{t('verify.advanced')}</summary>
          <div className="field">
            <label htmlFor="vkey">{t('verify.vkeyLabel')}</label>
            <p id="vkey-hint" className="hint">
              {t('verify.vkeyHint')}
            </p>
            <input
              id="vkey"
              size={66}
              spellCheck={false}
              aria-describedby="vkey-hint"
              value={vkey}
              onChange={(e) => {
                setVkey(e.target.value);
              }}
            />
          </div>
        </details>
        <button type="submit" className="button-primary" disabled={busy}>
          {t('verify.submit')}
        </button>
      </form>
      <div aria-live="polite">
        {busy && <p role="status">{t('verify.checking')}</p>}
        {error instanceof Error && error.message === 'format' ? (
          <p role="alert" className="bad">
            {t('verify.format')}
          </p>
        ) : (
          <ErrorNotice error={error} />
        )}
        {receipt && results && (
          <section aria-labelledby="result-heading" className="panel">
            <h2 id="result-heading">
              {allOk ? t('verify.found', { code: receipt.trackerCode }) : t('verify.problem')}
            </h2>
            <p>{t('verify.position', { index: receipt.index + 1, size: receipt.treeSize })}</p>
            <ul className="checks">
              {results.map((r) => (
                <li key={r.id} data-check={r.id} data-ok={String(r.ok)}>
                  <span className={r.ok === true ? 'ok' : r.ok === false ? 'bad' : 'hint'}>
                    {r.ok === true
                      ? t('verify.ok')
                      : r.ok === false
                        ? t('verify.failed')
                        : t('verify.skipped')}
                  </span>{' '}
                  {t(CHECK_TEXT[r.id])}
                </li>
              ))}
            </ul>
            <details>
              <summary>{t('verify.checkpoint')}</summary>
              <pre>{receipt.checkpoint}</pre>
            </details>
          </section>
        )}
      </div>
    </Page>
  );
}
