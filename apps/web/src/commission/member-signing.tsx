// A member signs a closing document on this workstation with their own key (P-7.3, P-7.9): the key
// file (PKCS#8 encrypted under the member's passphrase) and the member's certificate are read from
// the member's medium in the browser, the key is opened with WebCrypto as non-extractable, and the
// detached CMS over the served bytes is made here. Only the signature goes to the server — never
// the key file, the passphrase or the key; the passphrase field is cleared after every attempt.
import { useState, type SyntheticEvent } from 'react';
import { openKeyFile, signDetached } from '@opendeg/deg';
import { ErrorNotice } from '../components/error-notice.tsx';
import { useI18n } from '../i18n.tsx';
import { useText } from './texts.ts';

export function SignWithKey({
  id,
  content,
  onSigned,
}: {
  /** Unique prefix of the fields' ids on the page. */
  id: string;
  /** The bytes to sign, exactly as served. */
  content: Uint8Array;
  /** Sends the signature (PEM); rejects with the server's refusal. */
  onSigned: (signaturePem: string) => Promise<void>;
}) {
  const ct = useText();
  const { pick } = useI18n();
  const [keyFile, setKeyFile] = useState<File>();
  const [certificate, setCertificate] = useState<File>();
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [error, setError] = useState<unknown>();

  const submit = async (e: SyntheticEvent) => {
    e.preventDefault();
    setProblem(undefined);
    setError(undefined);
    if (keyFile === undefined || certificate === undefined || passphrase === '') {
      setProblem(ct('sign.missing'));
      return;
    }
    setBusy(true);
    try {
      const opened = await openKeyFile(await keyFile.text(), passphrase);
      if (!opened.ok) {
        setProblem(pick(opened.message));
        return;
      }
      let pem: string;
      try {
        const signed = await signDetached({
          content,
          signer: { certificate: await certificate.text(), privateKey: opened.privateKey },
          signingTime: new Date(),
        });
        pem = signed.pem;
      } catch {
        setProblem(ct('sign.badCertificate'));
        return;
      }
      await onSigned(pem);
    } catch (failure) {
      setError(failure);
    } finally {
      setPassphrase('');
      setBusy(false);
    }
  };

  return (
    <form
      className="panel"
      aria-labelledby={`${id}-heading`}
      onSubmit={(e) => {
        void submit(e);
      }}
    >
      <h3 id={`${id}-heading`}>{ct('sign.heading')}</h3>
      <p className="hint">{ct('sign.hint')}</p>
      <div className="field">
        <label htmlFor={`${id}-key`}>{ct('sign.keyFile')}</label>
        <input
          id={`${id}-key`}
          type="file"
          accept=".pem,.key,.p8"
          onChange={(e) => {
            setKeyFile(e.target.files?.[0]);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-cert`}>{ct('sign.certificate')}</label>
        <input
          id={`${id}-cert`}
          type="file"
          accept=".pem,.crt,.cer"
          onChange={(e) => {
            setCertificate(e.target.files?.[0]);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-pass`}>{ct('sign.passphrase')}</label>
        <input
          id={`${id}-pass`}
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
      <div className="actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? ct('sign.busy') : ct('sign.submit')}
        </button>
      </div>
    </form>
  );
}
