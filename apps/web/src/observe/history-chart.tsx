// P-10.2, P-10.8, P-11.10.2 (issue 7): turnout over time — ballots issued and ballots cast as
// shares of those on the list, per step of the server's clock (GET /api/figures/history), for one
// region or all of them. An SVG line chart without a chart library (the observer portal shares its
// bundle with the voting portal), and the same numbers as a table for screen readers and for
// copying. Times are shown in the region's own zone, Moscow time for the whole country (P-6.1).
import { useEffect, useState } from 'react';
import type { Static } from 'typebox';
import { requestJson } from '../api.ts';
import { ErrorNotice } from '../components/error-notice.tsx';
import { formatDateTime, formatNumber, zoneLabel } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import type { FiguresHistoryView } from '../../../server/src/figures/routes.ts';

export type FiguresHistory = Static<typeof FiguresHistoryView>;

/** The history is a step per 15 minutes: asking again each minute is more than often enough. */
const REFRESH_MS = 60_000;

function useHistory(region: string): { history: FiguresHistory | undefined; error: unknown } {
  const [history, setHistory] = useState<FiguresHistory>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let current = true;
    const query = region === '' ? '' : `?region=${encodeURIComponent(region)}`;
    const load = () => {
      requestJson<FiguresHistory>('GET', `/api/figures/history${query}`).then(
        (h) => {
          if (!current) return;
          setHistory(h);
          setError(undefined);
        },
        (e: unknown) => {
          if (current) setError(e);
        },
      );
    };
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [region]);
  return { history, error };
}

const WIDTH = 640;
const HEIGHT = 300;
const LEFT = 56;
const RIGHT = 16;
const TOP = 16;
const BOTTOM = 56;

/** The top of the y axis: the highest share rounded up to a multiple of 10 %, at least 10 %. */
function yMax(points: FiguresHistory['points']): number {
  const top = Math.max(0, ...points.map((p) => Math.max(p.turnoutPercent, p.castPercent ?? 0)));
  return Math.min(100, Math.max(10, Math.ceil(top / 10) * 10));
}

export function HistoryChart({ regions }: { regions: { code: string; name: string }[] }) {
  const { t, lang } = useI18n();
  const [region, setRegion] = useState('');
  const { history, error } = useHistory(region);
  const points = history?.points ?? [];
  const zone = history?.timeZone ?? 'Europe/Moscow';
  const time = (iso: string) => formatDateTime(iso, zone);
  const pct = (p: number | undefined) =>
    p === undefined
      ? '—'
      : `${p.toLocaleString(lang === 'ru' ? 'ru-RU' : 'en-GB', { minimumFractionDigits: 2 })} %`;
  const num = (n: number | undefined) => (n === undefined ? '—' : formatNumber(n, lang));

  const first = points[0] === undefined ? 0 : Date.parse(points[0].at);
  const last = points.at(-1) === undefined ? 0 : Date.parse(points.at(-1)?.at ?? '');
  const span = Math.max(1, last - first);
  const top = yMax(points);
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const x = (iso: string) =>
    LEFT + (points.length < 2 ? plotW / 2 : ((Date.parse(iso) - first) / span) * plotW);
  const y = (p: number) => TOP + plotH - (Math.min(p, top) / top) * plotH;
  const line = (value: (p: FiguresHistory['points'][number]) => number | undefined) =>
    points.flatMap((p) => {
      const v = value(p);
      return v === undefined ? [] : [`${x(p.at).toFixed(1)},${y(v).toFixed(1)}`];
    });
  const issuedLine = line((p) => p.turnoutPercent);
  const castLine = line((p) => p.castPercent);
  const latest = points.at(-1);
  const xTicks =
    points.length < 2 ? points : [points[0], points[Math.floor(points.length / 2)], points.at(-1)];

  return (
    <section aria-labelledby="history-heading">
      <h3 id="history-heading">{t('observe.historyHeading')}</h3>
      <label htmlFor="history-region">{t('observe.historyRegion')}</label>{' '}
      <select
        id="history-region"
        value={region}
        onChange={(e) => {
          setRegion(e.target.value);
        }}
      >
        <option value="">{t('observe.historyAll')}</option>
        {regions.map((r) => (
          <option key={r.code} value={r.code}>
            {r.name}
          </option>
        ))}
      </select>
      <ErrorNotice error={error} />
      {history !== undefined && points.length === 0 && <p className="hint">{t('observe.historyEmpty')}</p>}
      {points.length > 0 && (
        <figure>
          <svg
            className="chart history-chart"
            viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
            width="100%"
            role="img"
            aria-labelledby="history-title history-desc"
            data-points={points.length}
          >
            <title id="history-title">{t('observe.historyTitle')}</title>
            <desc id="history-desc">
              {t('observe.historyDesc', {
                n: formatNumber(points.length, lang),
                from: time(points[0]?.at ?? ''),
                to: time(latest?.at ?? ''),
                zone: zoneLabel(zone, lang),
                issued: pct(latest?.turnoutPercent),
                cast: pct(latest?.castPercent),
              })}
            </desc>
            {[0, top / 2, top].map((v) => (
              <g key={v}>
                <line
                  x1={LEFT}
                  x2={WIDTH - RIGHT}
                  y1={y(v)}
                  y2={y(v)}
                  stroke="currentColor"
                  strokeOpacity={0.2}
                />
                <text x={LEFT - 6} y={y(v) + 4} textAnchor="end">
                  {`${formatNumber(v, lang)} %`}
                </text>
              </g>
            ))}
            <line x1={LEFT} x2={LEFT} y1={TOP} y2={TOP + plotH} stroke="currentColor" />
            <line x1={LEFT} x2={WIDTH - RIGHT} y1={TOP + plotH} y2={TOP + plotH} stroke="currentColor" />
            {xTicks.map((p, i) =>
              p === undefined ? null : (
                <text
                  key={`${p.at}-${String(i)}`}
                  x={x(p.at)}
                  y={TOP + plotH + 16}
                  textAnchor={
                    i === 0 && xTicks.length > 1 ? 'start' : i === xTicks.length - 1 ? 'end' : 'middle'
                  }
                >
                  {time(p.at)}
                </text>
              ),
            )}
            <text x={LEFT + plotW / 2} y={HEIGHT - 22} textAnchor="middle">
              {t('observe.historyXAxis', { zone: zoneLabel(zone, lang) })}
            </text>
            <text
              x={12}
              y={TOP + plotH / 2}
              textAnchor="middle"
              transform={`rotate(-90 12 ${TOP + plotH / 2})`}
            >
              {t('observe.historyYAxis')}
            </text>
            <polyline
              className="line-issued"
              points={issuedLine.join(' ')}
              fill="none"
              style={{ stroke: 'var(--accent)' }}
              strokeWidth={2}
            />
            <polyline
              className="line-cast"
              points={castLine.join(' ')}
              fill="none"
              style={{ stroke: 'var(--ok)' }}
              strokeWidth={2}
              strokeDasharray="6 3"
            />
            {points.map((p) => (
              <circle
                key={p.at}
                className="point-issued"
                cx={x(p.at)}
                cy={y(p.turnoutPercent)}
                r={3}
                style={{ fill: 'var(--accent)' }}
              />
            ))}
            <g transform={`translate(${LEFT}, ${HEIGHT - 6})`}>
              <rect className="bar-issued" width={12} height={4} y={-5} />
              <text x={16}>{t('observe.issued')}</text>
              <rect className="bar-cast" x={200} width={12} height={4} y={-5} />
              <text x={216}>{t('observe.cast')}</text>
            </g>
          </svg>
          <figcaption className="hint">{t('observe.historyCaption')}</figcaption>
        </figure>
      )}
      {points.length > 0 && (
        <details>
          <summary>{t('observe.historyTableSummary')}</summary>
          <div className="table-wrap">
            <table className="history-table">
              <caption>{t('observe.historyTitle')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('observe.historyTime', { zone: zoneLabel(zone, lang) })}</th>
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
                  <th scope="col" className="number">
                    {t('observe.historyCastShare')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {points.map((p) => (
                  <tr key={p.at} data-at={p.at}>
                    <th scope="row">{time(p.at)}</th>
                    <td className="number">{num(p.onList)}</td>
                    <td className="number">{num(p.ballotsIssued)}</td>
                    <td className="number">{num(p.ballotsCast)}</td>
                    <td className="number">{pct(p.turnoutPercent)}</td>
                    <td className="number">{pct(p.castPercent)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </section>
  );
}
