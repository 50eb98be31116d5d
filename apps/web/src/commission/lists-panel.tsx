// Participant lists (P-3.3–P-3.9, P-10.6) as the commission sees them: alphabetical pages of the
// Appendix 1 form with search by the beginning of the name, paging forward, excluded rows struck
// through with their ground (Appendix 2), the counts of P-3.9. Nothing to copy or print. The
// chairman and the secretary exclude a participant on a ground of P-3.4 with the document it rests
// on; the row stays, struck through, with the ground in its notes (Appendix 2).
import { useEffect, useRef, useState, type SyntheticEvent } from 'react';
import type { ListRowView } from '../../../server/src/api.ts';
import { call } from '../api.ts';
import { ErrorNotice } from '../components/error-notice.tsx';
import { formatNumber } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { commissionApi, type ExclusionReason } from './closing-api.ts';
import { useText } from './texts.ts';

const PAGE = 50;

const REASONS: readonly ExclusionReason[] = ['LOST_SUFFRAGE', 'VOTED_EARLY', 'CONDITIONS_NOT_MET'];

/** P-3.4: the ground and the document; the server refuses after the region's voting has ended. */
function ExclusionForm({
  region,
  row,
  onDone,
  onCancel,
}: {
  region: string;
  row: ListRowView;
  onDone: () => void;
  onCancel: () => void;
}) {
  const ct = useText();
  const [reason, setReason] = useState<ExclusionReason>('LOST_SUFFRAGE');
  const [document, setDocument] = useState('');
  const [error, setError] = useState<unknown>();
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => {
    first.current?.focus();
  }, []);
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    setError(undefined);
    commissionApi
      .exclude(region, { participantId: row.participantId, reason, document: document.trim() })
      .then(onDone, setError);
  };
  return (
    <form className="panel" aria-labelledby="exclude-heading" onSubmit={submit}>
      <h3 id="exclude-heading">{ct('exclude.heading', { n: row.n, name: row.fullName })}</h3>
      <div className="field">
        <label htmlFor="exclude-reason">{ct('exclude.reason')}</label>
        <select
          id="exclude-reason"
          ref={first}
          value={reason}
          onChange={(e) => {
            setReason(e.target.value as ExclusionReason);
          }}
        >
          {REASONS.map((r) => (
            <option key={r} value={r}>
              {ct(`exclude.reason.${r}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="exclude-document">{ct('exclude.document')}</label>
        <input
          id="exclude-document"
          required
          value={document}
          onChange={(e) => {
            setDocument(e.target.value);
          }}
        />
      </div>
      <ErrorNotice error={error} />
      <div className="actions">
        <button type="submit" className="button-danger">
          {ct('exclude.submit')}
        </button>
        <button type="button" onClick={onCancel}>
          {ct('exclude.cancel')}
        </button>
      </div>
    </form>
  );
}

export function ListsPanel({ regions, mayExclude }: { regions: readonly string[]; mayExclude: boolean }) {
  const { t, pick, lang } = useI18n();
  const ct = useText();
  const [excluding, setExcluding] = useState<ListRowView>();
  const [region, setRegion] = useState(regions[0] ?? '');
  const [q, setQ] = useState('');
  const [query, setQuery] = useState<{ region: string; q: string; after?: string; page: number }>();
  const [rows, setRows] = useState<readonly ListRowView[]>();
  const [next, setNext] = useState<string>();
  const [counts, setCounts] = useState<{ onList: number; ballotsIssued: number }>();
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    if (query === undefined) return;
    setError(undefined);
    const base = { params: { region: query.region } };
    call('GET /api/lists/:region', {
      ...base,
      query: {
        limit: PAGE,
        ...(query.q !== '' ? { q: query.q } : {}),
        ...(query.after !== undefined ? { after: query.after } : {}),
      },
    }).then(
      (r) => {
        setRows(r.rows);
        setNext(r.next);
      },
      (e: unknown) => {
        setError(e);
        setRows(undefined);
      },
    );
    call('GET /api/lists/:region/counts', base).then(setCounts, () => {
      setCounts(undefined);
    });
  }, [query]);

  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    setQuery({ region: region.trim(), q: q.trim(), page: 1 });
  };

  return (
    <section aria-labelledby="lists-heading">
      <h2 id="lists-heading">{t('commission.listsHeading')}</h2>
      <form onSubmit={submit} className="panel actions">
        <div className="field">
          <label htmlFor="list-region">{t('commission.region')}</label>
          <input
            id="list-region"
            list="list-regions"
            size={6}
            value={region}
            onChange={(e) => {
              setRegion(e.target.value);
            }}
          />
          <datalist id="list-regions">
            {regions.map((r) => (
              <option key={r} value={r} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor="list-search">{t('commission.search')}</label>
          <input
            id="list-search"
            type="search"
            value={q}
            onChange={(e) => {
              setQ(e.target.value);
            }}
          />
        </div>
        <button type="submit" className="button-primary">
          {t('commission.show')}
        </button>
      </form>
      <ErrorNotice error={error} />
      {counts && (
        <p role="status">
          {t('commission.counts', {
            onList: formatNumber(counts.onList, lang),
            issued: formatNumber(counts.ballotsIssued, lang),
          })}
        </p>
      )}
      {rows && query && (
        <>
          <div className="table-wrap">
            <table>
              <caption>{t('commission.listCaption', { region: query.region, page: query.page })}</caption>
              <thead>
                <tr>
                  <th scope="col" className="number">
                    {t('commission.n')}
                  </th>
                  <th scope="col">{t('apply.fullName')}</th>
                  <th scope="col">{t('apply.birthDate')}</th>
                  <th scope="col">{t('commission.address')}</th>
                  <th scope="col">{t('apply.phone')}</th>
                  <th scope="col">{t('commission.ballotAccess')}</th>
                  <th scope="col">{t('commission.notes')}</th>
                  {mayExclude && <th scope="col">{ct('exclude.column')}</th>}
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.participantId} className={r.struck ? 'excluded' : undefined}>
                    <td className="number">{r.n}</td>
                    <td>
                      {r.struck ? <del>{r.fullName}</del> : r.fullName}
                      {r.struck && <span className="visually-hidden"> ({t('commission.excluded')})</span>}
                    </td>
                    <td>{r.birthDate}</td>
                    <td>{r.address}</td>
                    <td>{r.phone}</td>
                    <td>{r.ballotAccess}</td>
                    <td className="reason">{r.notes ? pick(r.notes) : ''}</td>
                    {mayExclude && (
                      <td className="reason">
                        {!r.struck && (
                          <button
                            type="button"
                            aria-label={ct('exclude.rowButton', { n: r.n })}
                            onClick={() => {
                              setExcluding(r);
                            }}
                          >
                            {ct('exclude.button')}
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {excluding && (
            <ExclusionForm
              key={excluding.participantId}
              region={query.region}
              row={excluding}
              onCancel={() => {
                setExcluding(undefined);
              }}
              onDone={() => {
                setExcluding(undefined);
                // The same page again: the row comes back struck through with its ground.
                setQuery({ ...query });
              }}
            />
          )}
          <div className="actions">
            {query.after !== undefined && (
              <button
                type="button"
                onClick={() => {
                  setQuery({ region: query.region, q: query.q, page: 1 });
                }}
              >
                {t('commission.first')}
              </button>
            )}
            {next !== undefined && (
              <button
                type="button"
                onClick={() => {
                  setQuery({ ...query, after: next, page: query.page + 1 });
                }}
              >
                {t('commission.next')}
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
}
