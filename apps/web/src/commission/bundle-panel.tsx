// The list and ballot data bundle at the workstation (P-3.2, P-4.2): the chairman (or the operator)
// chooses the folder of the medium from the data centre, or its files; the browser sends them as
// they are and shows what the server's verification says — the signer, the election, each file with
// its SHA-256 and whether it matches the signed manifest — and only a verified bundle gets a load
// button. After the load: each region's list with its rows, and the ballot's source data version.
// The verdict is the server's: nothing here decides whether a bundle is good.
import { useState } from 'react';
import type { Api } from '../../../server/src/api.ts';
import { call } from '../api.ts';
import { ErrorNotice } from '../components/error-notice.tsx';
import { formatDateTime, formatNumber, MOSCOW } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { useText, type TextKey } from './texts.ts';

type Report = Api['POST /api/bundles/verify']['response'];
type Loaded = Api['POST /api/bundles/load']['response'];
type Sent = Api['POST /api/bundles/verify']['body']['files'];

const MANIFEST = 'manifest.json';
const STATUS_TEXT: Record<Report['files'][number]['status'], TextKey> = {
  ok: 'bundle.status.ok',
  mismatch: 'bundle.status.mismatch',
  missing: 'bundle.status.missing',
  extra: 'bundle.status.extra',
  unchecked: 'bundle.status.unchecked',
};

function base64(bytes: Uint8Array): string {
  let text = '';
  // String.fromCharCode takes its arguments on the stack: a chunk at a time.
  for (let i = 0; i < bytes.length; i += 0x8000)
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/**
 * Each file's path on the medium. A folder gives `folder/lists/16.csv`: the folder goes. Files
 * chosen one by one give bare names: each takes the manifest's path with that name, when only one
 * has it (the server's verification catches anything else).
 */
async function mediumFiles(chosen: readonly File[]): Promise<Sent> {
  const relative = chosen.map((f) => f.webkitRelativePath.split('/').slice(1).join('/'));
  let paths: string[];
  if (chosen.length > 0 && relative.every((p) => p !== '')) {
    paths = relative;
  } else {
    const manifest = chosen.find((f) => f.name === MANIFEST);
    const listed: string[] = [];
    try {
      const parsed = JSON.parse((await manifest?.text()) ?? '{}') as { files?: { name?: unknown }[] };
      for (const f of parsed.files ?? []) if (typeof f.name === 'string') listed.push(f.name);
    } catch {
      // No readable manifest: the names stay as they are and the server says what is wrong.
    }
    paths = chosen.map((f) => {
      const matches = listed.filter((p) => p === f.name || p.endsWith(`/${f.name}`));
      return matches.length === 1 && matches[0] !== undefined ? matches[0] : f.name;
    });
  }
  return Promise.all(
    chosen.map(async (f, i) => ({
      path: paths[i] ?? f.name,
      base64: base64(new Uint8Array(await f.arrayBuffer())),
    })),
  );
}

function Verdict({ report }: { report: Report }) {
  const ct = useText();
  const { pick } = useI18n();
  if (report.ok)
    return (
      <p role="status" className="notice notice-ok">
        {ct('bundle.verified')}
      </p>
    );
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-title">{ct('bundle.notVerified')}</p>
      {report.failure && (
        <p>
          {pick(report.failure.message)}
          {report.failure.detail !== undefined && (
            <>
              {' '}
              (<code>{report.failure.detail}</code>)
            </>
          )}{' '}
          <code>{report.failure.code}</code>
        </p>
      )}
    </div>
  );
}

function ReportView({ report }: { report: Report }) {
  const ct = useText();
  const { lang } = useI18n();
  const role = report.signer?.role;
  return (
    <>
      <Verdict report={report} />
      <dl className="facts">
        {report.signer && (
          <>
            <dt>{ct('bundle.signer')}</dt>
            <dd>{report.signer.subject}</dd>
            <dt>{ct('bundle.role')}</dt>
            <dd>{role === 'data-centre' ? ct('bundle.role.data-centre') : (role ?? '—')}</dd>
          </>
        )}
        {report.electionId !== undefined && (
          <>
            <dt>{ct('bundle.election')}</dt>
            <dd>{report.electionId}</dd>
            <dt>{ct('bundle.kind')}</dt>
            <dd>{report.kind}</dd>
          </>
        )}
        {report.createdAt !== undefined && (
          <>
            <dt>{ct('bundle.createdAt')}</dt>
            <dd>{formatDateTime(report.createdAt, MOSCOW)}</dd>
          </>
        )}
        {report.hash !== undefined && (
          <>
            <dt>{ct('bundle.hash')}</dt>
            <dd>
              <code style={{ wordBreak: 'break-all' }}>{report.hash}</code>
            </dd>
          </>
        )}
      </dl>
      <div className="table-wrap">
        <table>
          <caption>{ct('bundle.filesCaption', { n: report.files.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{ct('bundle.file')}</th>
              <th scope="col" className="number">
                {ct('bundle.size')}
              </th>
              <th scope="col">{ct('bundle.sha256')}</th>
              <th scope="col">{ct('bundle.status')}</th>
            </tr>
          </thead>
          <tbody>
            {report.files.map((f) => (
              <tr key={f.path} data-status={f.status}>
                <th scope="row">
                  <code>{f.path}</code>
                </th>
                <td className="number">{formatNumber(f.size, lang)}</td>
                <td>
                  <code style={{ wordBreak: 'break-all' }}>{f.sha256}</code>
                </td>
                <td>{ct(STATUS_TEXT[f.status])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function LoadedView({ loaded }: { loaded: Loaded }) {
  const ct = useText();
  const { lang } = useI18n();
  const at = formatDateTime(loaded.loadedAt, MOSCOW);
  return (
    <section aria-labelledby="bundle-loaded-heading">
      <h3 id="bundle-loaded-heading">{ct('bundle.regionsCaption')}</h3>
      <p role="status" className="notice notice-ok">
        {loaded.alreadyLoaded ? ct('bundle.alreadyLoaded', { at }) : ct('bundle.loaded', { at })}
      </p>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{ct('common.region')}</th>
              <th scope="col" className="number">
                {ct('bundle.participants')}
              </th>
            </tr>
          </thead>
          <tbody>
            {loaded.regions.map((r) => (
              <tr key={r.region}>
                <th scope="row">{r.region}</th>
                <td className="number">{formatNumber(r.participants, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        {loaded.ballotVersion !== undefined
          ? ct('bundle.ballotVersion', { version: loaded.ballotVersion })
          : ct('bundle.noBallot')}
      </p>
      <p>
        {ct('bundle.hash')}: <code>{loaded.hash}</code>
      </p>
    </section>
  );
}

export function BundlePanel() {
  const ct = useText();
  const [sent, setSent] = useState<Sent>();
  const [report, setReport] = useState<Report>();
  const [loaded, setLoaded] = useState<Loaded>();
  const [busy, setBusy] = useState<'reading' | 'loading'>();
  const [error, setError] = useState<unknown>();

  const choose = async (list: FileList | null) => {
    const chosen = Array.from(list ?? []);
    if (chosen.length === 0) return;
    setError(undefined);
    setReport(undefined);
    setLoaded(undefined);
    setSent(undefined);
    setBusy('reading');
    try {
      const files = await mediumFiles(chosen);
      setReport(await call('POST /api/bundles/verify', { body: { files } }));
      setSent(files);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  };

  const load = async () => {
    if (sent === undefined) return;
    setError(undefined);
    setBusy('loading');
    try {
      setLoaded(await call('POST /api/bundles/load', { body: { files: sent } }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section aria-labelledby="bundle-heading">
      <h2 id="bundle-heading">{ct('bundle.heading')}</h2>
      <p className="hint">{ct('bundle.lead')}</p>
      <div className="panel">
        <div className="field">
          <label htmlFor="bundle-folder">{ct('bundle.folder')}</label>
          <input
            id="bundle-folder"
            type="file"
            multiple
            ref={(el) => {
              if (el !== null) el.webkitdirectory = true;
            }}
            onChange={(e) => {
              void choose(e.target.files);
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="bundle-files">{ct('bundle.files')}</label>
          <input
            id="bundle-files"
            type="file"
            multiple
            onChange={(e) => {
              void choose(e.target.files);
            }}
          />
        </div>
      </div>
      {busy === 'reading' && <p role="status">{ct('bundle.reading')}</p>}
      {report && <ReportView report={report} />}
      {report?.loadedAt !== undefined && loaded === undefined && (
        <p>{ct('bundle.loadedBefore', { at: formatDateTime(report.loadedAt, MOSCOW) })}</p>
      )}
      {/* After the report: a refused load is read next to the button that asked for it. */}
      <ErrorNotice error={error} />
      {report?.ok === true && loaded === undefined && (
        <div className="actions">
          <button
            type="button"
            className="button-primary"
            disabled={busy !== undefined}
            onClick={() => {
              void load();
            }}
          >
            {busy === 'loading' ? ct('bundle.loading') : ct('bundle.load')}
          </button>
        </div>
      )}
      {loaded && <LoadedView loaded={loaded} />}
    </section>
  );
}
