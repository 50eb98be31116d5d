// P-6.6: the information and the technical conditions, read and confirmed before going on. The
// confirmation names the version of the texts this device showed.
import { useEffect, useState, type SyntheticEvent } from 'react';
import { ErrorNotice } from '../components/error-notice.tsx';
import { useI18n } from '../i18n.tsx';
import { votingApi, type ConditionsView } from './voting-api.ts';

export function ConditionsStep({ onConfirmed }: { onConfirmed: () => void }) {
  const { t, pick } = useI18n();
  const [conditions, setConditions] = useState<ConditionsView>();
  const [agreed, setAgreed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    votingApi.conditions().then(setConditions, setError);
  }, []);
  const submit = async (e: SyntheticEvent) => {
    e.preventDefault();
    if (!conditions || !agreed) return;
    setBusy(true);
    setError(undefined);
    try {
      await votingApi.confirmConditions(conditions.version);
      onConfirmed();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="conditions-heading">
      <h2 id="conditions-heading">{t('vote.conditionsHeading')}</h2>
      <ErrorNotice error={error} />
      {conditions === undefined ? (
        error === undefined && <p role="status">{t('common.loading')}</p>
      ) : (
        <form onSubmit={(e) => void submit(e)}>
          {conditions.sections.map((s) => (
            <section key={s.title.ru} className="panel">
              <h3>{pick(s.title)}</h3>
              <p>{pick(s.text)}</p>
            </section>
          ))}
          <div className="field checkbox">
            <input
              id="conditions-agree"
              type="checkbox"
              checked={agreed}
              onChange={(e) => {
                setAgreed(e.target.checked);
              }}
            />{' '}
            <label htmlFor="conditions-agree">{t('vote.conditionsAgree')}</label>
          </div>
          <button type="submit" className="button-primary" disabled={!agreed || busy}>
            {t('common.continue')}
          </button>
        </form>
      )}
    </section>
  );
}
