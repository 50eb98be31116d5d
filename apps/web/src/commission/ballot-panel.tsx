// The ballot and its updates until the start (P-4.1–P-4.5): the current source data, every version
// with when and why it changed, the chairman's or the operator's update after a candidate withdrew
// or was deregistered or the CEC put one on the ballot, and a preview of each region's ballot as the
// participant will see it (GET /api/ballot/:region, which the commission may read at any time).
// The server decides whether an update is still allowed (P-4.3: not from the start of voting in the
// first region); its refusal is shown in its own words.
import { useCallback, useEffect, useState, type SyntheticEvent } from 'react';
import { ErrorNotice } from '../components/error-notice.tsx';
import { formatDateTime, MOSCOW, zoneLabel } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import {
  commissionApi,
  type BallotUpdateBody,
  type BallotVersions,
  type RegionBallot,
} from './closing-api.ts';
import { can, type Seat } from './seat.ts';
import { useText, type TextKey } from './texts.ts';

type Version = BallotVersions['versions'][number];
type Reason = BallotUpdateBody['reason'];

const REASONS: readonly Reason[] = ['withdrawn', 'deregistered', 'added'];
const REASON_TEXT: Readonly<Record<Reason, TextKey>> = {
  withdrawn: 'ballot.reason.withdrawn',
  deregistered: 'ballot.reason.deregistered',
  added: 'ballot.reason.added',
};

/** The highest version: the one in force. */
const currentOf = (versions: readonly Version[]): Version | undefined =>
  versions.reduce<Version | undefined>(
    (a, v) => (a === undefined || v.version > a.version ? v : a),
    undefined,
  );

function CurrentBallot({ current }: { current: Version }) {
  const ct = useText();
  return (
    <div className="table-wrap">
      <table>
        <caption>{ct('ballot.current', { version: current.version, title: current.source.title })}</caption>
        <thead>
          <tr>
            <th scope="col">{ct('ballot.candidateId')}</th>
            <th scope="col">{ct('ballot.candidateName')}</th>
            <th scope="col">{ct('ballot.candidateInfo')}</th>
          </tr>
        </thead>
        <tbody>
          {current.source.candidates.map((c) => (
            <tr key={c.id}>
              <td>{c.id}</td>
              <th scope="row">{c.name}</th>
              <td>{c.info}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function History({ versions }: { versions: readonly Version[] }) {
  const ct = useText();
  const why = (v: Version): string =>
    v.origin === 'bundle'
      ? ct('ballot.fromBundle', { hash: (v.bundleHash ?? v.sha256).slice(0, 16) })
      : ct('ballot.updateWhy', {
          reason: v.reason === undefined ? '' : ct(REASON_TEXT[v.reason]),
          candidate: v.candidateId ?? '',
        });
  return (
    <div className="table-wrap">
      <table>
        <caption>{ct('ballot.history')}</caption>
        <thead>
          <tr>
            <th scope="col" className="number">
              {ct('ballot.version')}
            </th>
            <th scope="col">{ct('ballot.when')}</th>
            <th scope="col">{ct('ballot.why')}</th>
            <th scope="col" className="number">
              {ct('ballot.candidates')}
            </th>
            <th scope="col">SHA-256</th>
          </tr>
        </thead>
        <tbody>
          {[...versions]
            .sort((a, b) => b.version - a.version)
            .map((v) => (
              <tr key={v.version} data-version={v.version}>
                <th scope="row" className="number">
                  {v.version}
                </th>
                <td>{formatDateTime(v.loadedAt, MOSCOW)}</td>
                <td>{why(v)}</td>
                <td className="number">{v.source.candidates.length}</td>
                <td>
                  <code>{v.sha256.slice(0, 16)}…</code>
                </td>
              </tr>
            ))}
        </tbody>
      </table>
    </div>
  );
}

/** The next source data: the named candidate gone (withdrawn, deregistered) or added. */
function nextSource(
  current: Version,
  reason: Reason,
  candidateId: string,
  added: { name: string; info: string },
): BallotUpdateBody['source'] {
  const s = current.source;
  const candidates =
    reason === 'added'
      ? [...s.candidates, { id: candidateId, name: added.name.trim(), info: added.info.trim() }]
      : s.candidates.filter((c) => c.id !== candidateId);
  return { ...s, version: s.version + 1, candidates };
}

function UpdateForm({ current, onDone }: { current: Version; onDone: (v: Version) => void }) {
  const ct = useText();
  const [reason, setReason] = useState<Reason>('withdrawn');
  const [chosen, setChosen] = useState(current.source.candidates[0]?.id ?? '');
  const [added, setAdded] = useState({ id: '', name: '', info: '' });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const candidateId = reason === 'added' ? added.id.trim() : chosen;
  const source = nextSource(current, reason, candidateId, added);
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    commissionApi
      .updateBallot({ reason, candidateId, source })
      .then((r) => {
        onDone(r.version);
      }, setError)
      .finally(() => {
        setBusy(false);
      });
  };
  return (
    <form className="panel" aria-labelledby="ballot-update-heading" onSubmit={submit}>
      <h3 id="ballot-update-heading">{ct('ballot.form.heading')}</h3>
      <div className="field">
        <label htmlFor="ballot-reason">{ct('ballot.form.reason')}</label>
        <select
          id="ballot-reason"
          value={reason}
          onChange={(e) => {
            setReason(e.target.value as Reason);
          }}
        >
          {REASONS.map((r) => (
            <option key={r} value={r}>
              {ct(REASON_TEXT[r])}
            </option>
          ))}
        </select>
      </div>
      {reason === 'added' ? (
        <>
          <div className="field">
            <label htmlFor="ballot-new-id">{ct('ballot.form.newId')}</label>
            <input
              id="ballot-new-id"
              required
              pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}"
              value={added.id}
              onChange={(e) => {
                setAdded({ ...added, id: e.target.value });
              }}
            />
          </div>
          <div className="field">
            <label htmlFor="ballot-new-name">{ct('ballot.form.newName')}</label>
            <input
              id="ballot-new-name"
              required
              maxLength={300}
              value={added.name}
              onChange={(e) => {
                setAdded({ ...added, name: e.target.value });
              }}
            />
          </div>
          <div className="field">
            <label htmlFor="ballot-new-info">{ct('ballot.form.newInfo')}</label>
            <input
              id="ballot-new-info"
              maxLength={4000}
              value={added.info}
              onChange={(e) => {
                setAdded({ ...added, info: e.target.value });
              }}
            />
          </div>
        </>
      ) : (
        <div className="field">
          <label htmlFor="ballot-candidate">{ct('ballot.form.candidate')}</label>
          <select
            id="ballot-candidate"
            value={chosen}
            onChange={(e) => {
              setChosen(e.target.value);
            }}
          >
            {current.source.candidates.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.id})
              </option>
            ))}
          </select>
        </div>
      )}
      <p className="hint">
        {ct('ballot.form.result', { version: source.version, n: source.candidates.length })}
      </p>
      <ErrorNotice error={error} />
      <button type="submit" className="button-primary" disabled={busy}>
        {ct('ballot.form.submit')}
      </button>
    </form>
  );
}

/** The region's ballot read-only, as the voting page shows its text, in one of its languages. */
function Preview({ version }: { version: number }) {
  const ct = useText();
  const { lang } = useI18n();
  const [typed, setTyped] = useState('');
  const [region, setRegion] = useState('');
  const [language, setLanguage] = useState('ru');
  const [ballot, setBallot] = useState<RegionBallot>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (region === '') return;
    setError(undefined);
    commissionApi.regionBallot(region, language).then(setBallot, (e: unknown) => {
      setBallot(undefined);
      setError(e);
    });
  }, [region, language, version]);
  // The window in the region's own time zone (the ballot names it).
  const zone = ballot?.timeZone ?? MOSCOW;
  const names = new Intl.DisplayNames([lang], { type: 'language' });
  const show = (e: SyntheticEvent) => {
    e.preventDefault();
    setLanguage('ru');
    setRegion(typed.trim());
  };
  return (
    <section className="panel" aria-labelledby="ballot-preview-heading">
      <h3 id="ballot-preview-heading">{ct('ballot.preview.heading')}</h3>
      <form className="actions" onSubmit={show}>
        <div className="field">
          <label htmlFor="ballot-preview-region">{ct('common.region')}</label>
          <input
            id="ballot-preview-region"
            required
            size={8}
            pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}"
            value={typed}
            onChange={(e) => {
              setTyped(e.target.value);
            }}
          />
        </div>
        <button type="submit">{ct('ballot.preview.show')}</button>
      </form>
      {region === '' && <p className="hint">{ct('ballot.preview.choose')}</p>}
      {ballot !== undefined && ballot.languages.length > 1 && (
        <div className="field">
          <label htmlFor="ballot-preview-language">{ct('ballot.preview.language')}</label>
          <select
            id="ballot-preview-language"
            value={language}
            onChange={(e) => {
              setLanguage(e.target.value);
            }}
          >
            {ballot.languages.map((l) => (
              <option key={l} value={l}>
                {names.of(l) ?? l}
              </option>
            ))}
          </select>
        </div>
      )}
      <ErrorNotice error={error} />
      {ballot !== undefined && (
        <div className="ballot-preview" data-region={ballot.region} lang={ballot.language}>
          <p className="hint" lang={lang}>
            {ct('ballot.preview.window', {
              version: ballot.version,
              opens: formatDateTime(ballot.votingOpens, zone),
              closes: formatDateTime(ballot.votingCloses, zone),
              zone: zoneLabel(zone, lang),
            })}
          </p>
          <h4>{ballot.title}</h4>
          <p>{ballot.instructions}</p>
          <ol className="ballot-preview-candidates">
            {ballot.candidates.map((c) => (
              <li key={c.id} data-candidate={c.id}>
                <strong>{c.name}</strong>
                {c.info !== '' && <p className="candidate-info">{c.info}</p>}
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}

export function BallotPanel({ seat }: { seat: Seat }) {
  const ct = useText();
  const [data, setData] = useState<BallotVersions>();
  const [error, setError] = useState<unknown>();
  const [recorded, setRecorded] = useState<number>();
  const load = useCallback(() => {
    commissionApi.ballotVersions().then(setData, setError);
  }, []);
  useEffect(load, [load]);
  const current = data === undefined ? undefined : currentOf(data.versions);
  return (
    <section aria-labelledby="ballot-heading">
      <h2 id="ballot-heading">{ct('ballot.heading')}</h2>
      <p className="hint">{ct('ballot.lead')}</p>
      <ErrorNotice error={error} />
      {data !== undefined && <p>{ct('ballot.fixedFrom', { at: formatDateTime(data.fixedFrom, MOSCOW) })}</p>}
      {data !== undefined && current === undefined && <p>{ct('ballot.none')}</p>}
      {recorded !== undefined && (
        <p role="status" className="notice notice-ok">
          {ct('ballot.form.done', { version: recorded })}
        </p>
      )}
      {data !== undefined && current !== undefined && (
        <>
          <CurrentBallot current={current} />
          {can(seat, 'chairman', 'operator') && (
            <UpdateForm
              key={current.version}
              current={current}
              onDone={(v) => {
                setRecorded(v.version);
                load();
              }}
            />
          )}
          <History versions={data.versions} />
          <Preview version={current.version} />
        </>
      )}
    </section>
  );
}
