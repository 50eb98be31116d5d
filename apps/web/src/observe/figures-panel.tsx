// P-10.2, P-10.8, P-11.10.2: the live figures — per region and per precinct the number on the list
// and the ballots issued, per region the ballots cast, turnout = issued / on the list — as a table
// and a simple chart, kept current by the server's event stream (polling if the stream fails); below
// them turnout over time (history-chart.tsx).
import { useEffect, useState } from 'react';
import { requestJson } from '../api.ts';
import { ErrorNotice } from '../components/error-notice.tsx';
import { formatDateTime, formatNumber, formatPercent } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { HistoryChart } from './history-chart.tsx';
import type { Static } from 'typebox';
import type { FiguresView } from '../../../server/src/figures/routes.ts';

export type Figures = Static<typeof FiguresView>;

function useFigures(): { figures: Figures | undefined; error: unknown; live: boolean } {
  const [figures, setFigures] = useState<Figures>();
  const [error, setError] = useState<unknown>();
  const [live, setLive] = useState(false);
  useEffect(() => {
    let poll: ReturnType<typeof setInterval> | undefined;
    const load = () => {
      requestJson<Figures>('GET', '/api/figures').then(
        (f) => {
          setFigures(f);
          setError(undefined);
        },
        (e: unknown) => {
          setError(e);
        },
      );
    };
    load();
    const stream = new EventSource('/api/figures/stream');
    stream.addEventListener('figures', (event) => {
      setFigures(JSON.parse((event as MessageEvent<string>).data) as Figures);
      setError(undefined);
      setLive(true);
    });
    stream.onerror = () => {
      setLive(false);
      if (stream.readyState === EventSource.CLOSED && poll === undefined) poll = setInterval(load, 10_000);
    };
    return () => {
      stream.close();
      if (poll !== undefined) clearInterval(poll);
    };
  }, []);
  return { figures, error, live };
}

const VOTING_TEXT = {
  'not-started': 'observe.voting.notStarted',
  open: 'observe.voting.open',
  ended: 'observe.voting.ended',
} as const;

/** Bars per region: issued and cast as shares of the list (SVG, no chart library). */
function Chart({ figures }: { figures: Figures }) {
  const { t, pick, lang } = useI18n();
  const rows = figures.regions;
  const rowHeight = 44;
  const labelWidth = 210;
  const width = 640;
  const barWidth = width - labelWidth - 70;
  const height = rows.length * rowHeight + 30;
  const share = (n: number, of: number) => (of === 0 ? 0 : n / of);
  return (
    <figure>
      <svg
        className="chart"
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        role="img"
        aria-labelledby="chart-title chart-desc"
      >
        <title id="chart-title">{t('observe.chartTitle')}</title>
        <desc id="chart-desc">
          {rows
            .map((r) =>
              t('observe.chartRow', {
                region: pick(r.name),
                issued: formatNumber(r.ballotsIssued, lang),
                cast: formatNumber(r.ballotsCast ?? 0, lang),
                onList: formatNumber(r.onList, lang),
              }),
            )
            .join(' ')}
        </desc>
        {rows.map((r, i) => {
          const y = i * rowHeight + 4;
          const issued = share(r.ballotsIssued, r.onList);
          const cast = share(r.ballotsCast ?? 0, r.onList);
          return (
            <g key={r.code}>
              <text x={0} y={y + 16}>
                {pick(r.name).slice(0, 28)}
              </text>
              <rect x={labelWidth} y={y} width={barWidth} height={16} fill="none" stroke="currentColor" />
              <rect className="bar-issued" x={labelWidth} y={y} width={barWidth * issued} height={16} />
              <rect className="bar-cast" x={labelWidth} y={y + 18} width={barWidth * cast} height={12} />
              <text x={labelWidth + barWidth + 6} y={y + 14}>
                {formatPercent(issued, lang)}
              </text>
            </g>
          );
        })}
        <g transform={`translate(${labelWidth}, ${height - 12})`}>
          <rect className="bar-issued" width={12} height={10} y={-9} />
          <text x={16}>{t('observe.issued')}</text>
          <rect className="bar-cast" x={170} width={12} height={10} y={-9} />
          <text x={186}>{t('observe.cast')}</text>
        </g>
      </svg>
      <figcaption className="hint">{t('observe.chartCaption')}</figcaption>
    </figure>
  );
}

export function FiguresPanel() {
  const { t, pick, lang } = useI18n();
  const { figures, error, live } = useFigures();
  const [open, setOpen] = useState<string>();
  const num = (n: number | undefined) => (n === undefined ? '—' : formatNumber(n, lang));
  const pct = (p: number) =>
    `${p.toLocaleString(lang === 'ru' ? 'ru-RU' : 'en-GB', { minimumFractionDigits: 2 })} %`;
  return (
    <section aria-labelledby="figures-heading">
      <h2 id="figures-heading">{t('observe.figuresHeading')}</h2>
      <ErrorNotice error={error} />
      {figures === undefined ? (
        error === undefined && <p role="status">{t('common.loading')}</p>
      ) : (
        <>
          <p className="hint">
            {t('observe.updated', { at: formatDateTime(figures.at, 'Europe/Moscow') })}{' '}
            {live ? t('observe.live') : ''}
          </p>
          <dl className="facts totals">
            <dt>{t('observe.onList')}</dt>
            <dd>{num(figures.totals.onList)}</dd>
            <dt>{t('observe.issued')}</dt>
            <dd>{num(figures.totals.ballotsIssued)}</dd>
            <dt>{t('observe.cast')}</dt>
            <dd>{num(figures.totals.ballotsCast)}</dd>
            <dt>{t('observe.turnout')}</dt>
            <dd>{pct(figures.totals.turnoutPercent)}</dd>
          </dl>
          <div className="table-wrap">
            <table>
              <caption>{t('observe.tableCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('observe.region')}</th>
                  <th scope="col">{t('observe.localTime')}</th>
                  <th scope="col" className="number">
                    {t('observe.onList')}
                  </th>
                  <th scope="col" className="number">
                    {t('observe.issued')}
                  </th>
                  <th scope="col" className="number">
                    {t('observe.cast')}
                  </th>
                  <th scope="col" className="number">
                    {t('observe.turnout')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {figures.regions.map((r) => (
                  <RegionRows
                    key={r.code}
                    region={r}
                    expanded={open === r.code}
                    onToggle={() => {
                      setOpen(open === r.code ? undefined : r.code);
                    }}
                    num={num}
                    pct={pct}
                    name={pick(r.name)}
                    votingText={t(VOTING_TEXT[r.voting])}
                  />
                ))}
              </tbody>
            </table>
          </div>
          <Chart figures={figures} />
          <HistoryChart regions={figures.regions.map((r) => ({ code: r.code, name: pick(r.name) }))} />
        </>
      )}
    </section>
  );
}

function RegionRows({
  region,
  expanded,
  onToggle,
  num,
  pct,
  name,
  votingText,
}: {
  region: Figures['regions'][number];
  expanded: boolean;
  onToggle: () => void;
  num: (n: number | undefined) => string;
  pct: (p: number) => string;
  name: string;
  votingText: string;
}) {
  const { t } = useI18n();
  return (
    <>
      <tr>
        <th scope="row">
          {region.precincts.length > 0 ? (
            <button type="button" className="button-link" aria-expanded={expanded} onClick={onToggle}>
              {name}
            </button>
          ) : (
            name
          )}
        </th>
        <td>
          {region.localTime}, {votingText}
        </td>
        <td className="number">{num(region.onList)}</td>
        <td className="number">{num(region.ballotsIssued)}</td>
        <td className="number">{num(region.ballotsCast)}</td>
        <td className="number">{pct(region.turnoutPercent)}</td>
      </tr>
      {expanded &&
        region.precincts.map((p) => (
          <tr key={p.number} className="precinct">
            <th scope="row">{t('observe.precinct', { n: p.number })}</th>
            <td />
            <td className="number">{num(p.onList)}</td>
            <td className="number">{num(p.ballotsIssued)}</td>
            <td className="number">—</td>
            <td className="number">{pct(p.turnoutPercent)}</td>
          </tr>
        ))}
    </>
  );
}
