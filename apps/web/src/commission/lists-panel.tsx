// Participant lists (P-3.3–P-3.9, P-10.6) as the commission sees them: alphabetical pages of the
// Appendix 1 form with search by the beginning of the name, paging forward, excluded rows struck
// through with their ground (Appendix 2), the counts of P-3.9. View only: nothing to copy or print.
import { useEffect, useState, type SyntheticEvent } from 'react';
import type { ListRowView } from '../../../server/src/api.ts';
import { call } from '../api.ts';
import { ErrorNotice } from '../components/error-notice.tsx';
import { formatNumber } from '../format.ts';
import { useI18n } from '../i18n.tsx';

const PAGE = 50;

export function ListsPanel({ regions }: { regions: readonly string[] }) {
  const { t, pick, lang } = useI18n();
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
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
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
