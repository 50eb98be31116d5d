// Decryption of a key group (P-7.6–P-7.8, P-11.7.8): the chairman starts it once the final lists
// are signed; then each key-part holder, in turn at this workstation, loads their part file and
// types their passphrase. The partial decryptions are made in the browser (holder-shares.ts) and
// only shares with proofs are sent — the server's own design for holders, so the part never
// travels. Progress — total, decrypted, percent — is read from the public progress route.
import { useCallback, useEffect, useState, type SyntheticEvent } from 'react';
import { ApiFailure } from '../api.ts';
import { ErrorNotice } from '../components/error-notice.tsx';
import { formatDateTime, formatNumber, MOSCOW } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { commissionApi, type Progress } from './closing-api.ts';
import { holderShares, KeyPartRefused } from './holder-shares.ts';
import { KeyGroupField } from './key-group-field.tsx';
import { can, type Seat } from './seat.ts';
import { useText } from './texts.ts';

function ProgressView({ progress }: { progress: Progress }) {
  const ct = useText();
  const { lang } = useI18n();
  return (
    <div className="panel">
      <label htmlFor="decryption-progress">{ct('decrypt.progress')}</label>
      <progress
        id="decryption-progress"
        max={Math.max(progress.total, 1)}
        value={progress.total === 0 ? 1 : progress.decrypted}
      >
        {progress.percent}%
      </progress>
      <dl className="facts" aria-live="polite">
        <dt>{ct('decrypt.total')}</dt>
        <dd data-fact="total">{formatNumber(progress.total, lang)}</dd>
        <dt>{ct('decrypt.decrypted')}</dt>
        <dd data-fact="decrypted">{formatNumber(progress.decrypted, lang)}</dd>
        <dt>{ct('decrypt.percent')}</dt>
        <dd data-fact="percent">{`${formatNumber(Math.round(progress.percent * 10) / 10, lang)} %`}</dd>
        <dt>{ct('decrypt.parts')}</dt>
        <dd>
          {ct('decrypt.partsOf', {
            parts: progress.parts.length === 0 ? '—' : progress.parts.join(', '),
            k: progress.k ?? '—',
          })}
        </dd>
      </dl>
      {progress.completedAt !== undefined && (
        <p role="status" className="notice notice-ok">
          {ct('decrypt.complete', { at: formatDateTime(progress.completedAt, MOSCOW) })}
        </p>
      )}
    </div>
  );
}

function HolderForm({ keyGroup, onProgress }: { keyGroup: string; onProgress: (p: Progress) => void }) {
  const ct = useText();
  const [file, setFile] = useState<File>();
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [accepted, setAccepted] = useState<number>();
  const submit = async (e: SyntheticEvent) => {
    e.preventDefault();
    setProblem(undefined);
    setError(undefined);
    setAccepted(undefined);
    if (file === undefined || passphrase === '') {
      setProblem(ct('holder.missing'));
      return;
    }
    setBusy(true);
    try {
      const tallies = await commissionApi.tallies(keyGroup);
      const body = await holderShares(keyGroup, tallies, await file.text(), passphrase);
      onProgress(await commissionApi.shares(keyGroup, body));
      setAccepted(body.index);
    } catch (failure) {
      if (failure instanceof KeyPartRefused) setProblem(ct('holder.refused', { code: failure.code }));
      else setError(failure);
    } finally {
      setPassphrase('');
      setBusy(false);
    }
  };
  return (
    <form
      className="panel"
      aria-labelledby="holder-heading"
      onSubmit={(e) => {
        void submit(e);
      }}
    >
      <h3 id="holder-heading">{ct('holder.heading')}</h3>
      <p className="hint">{ct('holder.hint')}</p>
      <div className="field">
        <label htmlFor="holder-file">{ct('holder.file')}</label>
        <input
          id="holder-file"
          type="file"
          onChange={(e) => {
            setFile(e.target.files?.[0]);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="holder-pass">{ct('holder.passphrase')}</label>
        <input
          id="holder-pass"
          type="password"
          autoComplete="off"
          value={passphrase}
          onChange={(e) => {
            setPassphrase(e.target.value);
          }}
        />
      </div>
      {problem !== undefined && (
        <div className="notice notice-error" role="alert">
          <p className="notice-title">{problem}</p>
        </div>
      )}
      <ErrorNotice error={error} />
      {accepted !== undefined && (
        <p role="status" className="notice notice-ok">
          {ct('holder.accepted', { index: accepted })}
        </p>
      )}
      <button type="submit" className="button-primary" disabled={busy}>
        {busy ? ct('holder.busy') : ct('holder.submit')}
      </button>
    </form>
  );
}

export function DecryptionPanel({ seat }: { seat: Seat }) {
  const ct = useText();
  const [keyGroup, setKeyGroup] = useState('main');
  const [progress, setProgress] = useState<Progress>();
  const [error, setError] = useState<unknown>();

  const load = useCallback(() => {
    commissionApi.progress(keyGroup).then(
      (p) => {
        setProgress(p);
        setError(undefined);
      },
      (e: unknown) => {
        setProgress(undefined);
        setError(e);
      },
    );
  }, [keyGroup]);
  useEffect(() => {
    load();
    // Other holders may be sending shares from their own machines: keep the figures fresh.
    const id = setInterval(load, 5000);
    return () => {
      clearInterval(id);
    };
  }, [load]);

  const start = () => {
    commissionApi.startDecryption(keyGroup).then(setProgress, setError);
  };
  const notStarted = progress !== undefined && progress.mode === undefined;
  const notFound = error instanceof ApiFailure && error.code === 'FINAL_LISTS_NOT_FOUND';
  return (
    <section aria-labelledby="decryption-heading">
      <h2 id="decryption-heading">{ct('decrypt.heading')}</h2>
      <p className="hint">{ct('decrypt.lead')}</p>
      <KeyGroupField id="decryption-key-group" value={keyGroup} onChange={setKeyGroup} />
      {notFound ? <p>{ct('decrypt.noLists')}</p> : <ErrorNotice error={error} />}
      {progress && <ProgressView progress={progress} />}
      {notStarted && can(seat, 'chairman') && (
        <button type="button" className="button-primary" onClick={start}>
          {ct('decrypt.start')}
        </button>
      )}
      {progress?.mode === 'threshold' &&
        progress.completedAt === undefined &&
        seat.memberId !== undefined && <HolderForm keyGroup={keyGroup} onProgress={setProgress} />}
    </section>
  );
}
