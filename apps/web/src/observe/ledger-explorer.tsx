// The ledger explorer (P-10.10, P-11.10.2): the log's latest signed checkpoint, its newest entries
// read from the public tiles (c2sp.org/tlog-tiles) with the tracker of each ballot, and a check by
// tracker that leads to "find my ballot".
import { useEffect, useState, type SyntheticEvent } from 'react';
import { trackerOf, type EncryptedVoteJson } from '@opendeg/election';
import { ApiFailure } from '../api.ts';
import { ErrorNotice } from '../components/error-notice.tsx';
import { formatNumber } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { Link, navigate } from '../router.tsx';
import { formatTileIndex, parseSignedCheckpoint } from '../verify/receipt-check.ts';

interface EntryRow {
  readonly index: number;
  readonly type: string;
  readonly region?: string;
  readonly tracker?: { hash: string; code: string };
  readonly bytes: number;
}

const SHOWN = 20;

async function fetchText(path: string): Promise<string> {
  const r = await fetch(path).catch(() => undefined);
  if (r?.ok !== true)
    throw new ApiFailure(r?.status ?? 0, 'LOG_UNAVAILABLE', {
      ru: 'Журнал недоступен: контрольная точка не получена.',
      en: 'The log is unavailable: no checkpoint.',
    });
  return r.text();
}

function describe(index: number, bytes: Uint8Array): EntryRow {
  try {
    const e = JSON.parse(new TextDecoder().decode(bytes)) as {
      type?: string;
      ballot?: { vote?: EncryptedVoteJson };
      vote?: { vote?: EncryptedVoteJson };
    };
    const vote = e.type === 'ballot' ? e.ballot?.vote : e.type === 'challenged' ? e.vote?.vote : undefined;
    return {
      index,
      type: e.type ?? '?',
      bytes: bytes.length,
      ...(vote ? { region: vote.region, tracker: trackerOf(vote) } : {}),
    };
  } catch {
    return { index, type: '?', bytes: bytes.length };
  }
}

/** The newest entries of a tree of `size`: the last entry bundle (and the one before if needed). */
async function latestEntries(size: number): Promise<EntryRow[]> {
  const rows: EntryRow[] = [];
  let tile = Math.floor((size - 1) / 256);
  while (tile >= 0 && rows.length < SHOWN) {
    const width = Math.min(256, size - tile * 256);
    const path = `/log/tile/entries/${formatTileIndex(tile)}${width === 256 ? '' : `.p/${width}`}`;
    const r = await fetch(path).catch(() => undefined);
    if (r?.ok !== true) break;
    const bundle = new Uint8Array(await r.arrayBuffer());
    const inTile: EntryRow[] = [];
    let at = 0;
    for (let i = 0; at + 2 <= bundle.length; i++) {
      const length = ((bundle[at] ?? 0) << 8) | (bundle[at + 1] ?? 0);
      inTile.push(describe(tile * 256 + i, bundle.slice(at + 2, at + 2 + length)));
      at += 2 + length;
    }
    rows.push(...inTile.reverse());
    tile--;
  }
  return rows.slice(0, SHOWN);
}

export function LedgerExplorer() {
  const { t, lang } = useI18n();
  const [checkpoint, setCheckpoint] = useState<string>();
  const [entries, setEntries] = useState<EntryRow[]>();
  const [error, setError] = useState<unknown>();
  const [tracker, setTracker] = useState('');

  useEffect(() => {
    fetchText('/log/checkpoint').then(
      async (text) => {
        setCheckpoint(text);
        const cp = parseSignedCheckpoint(text);
        setEntries(cp === undefined || cp.size === 0 ? [] : await latestEntries(cp.size));
      },
      (e: unknown) => {
        setError(e);
      },
    );
  }, []);

  const cp = checkpoint === undefined ? undefined : parseSignedCheckpoint(checkpoint);
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    navigate(`/verify?tracker=${tracker.trim().toLowerCase()}`);
  };
  return (
    <section aria-labelledby="ledger-heading">
      <h2 id="ledger-heading">{t('observe.ledgerHeading')}</h2>
      <ErrorNotice error={error} />
      {cp && (
        <dl className="facts">
          <dt>{t('observe.origin')}</dt>
          <dd>
            <code>{cp.origin}</code>
          </dd>
          <dt>{t('observe.treeSize')}</dt>
          <dd>{formatNumber(cp.size, lang)}</dd>
          <dt>{t('observe.signatures')}</dt>
          <dd>{cp.signatures.map((s) => s.name).join(', ')}</dd>
        </dl>
      )}
      {checkpoint !== undefined && (
        <details>
          <summary>{t('observe.checkpointText')}</summary>
          <pre>{checkpoint}</pre>
        </details>
      )}
      <form onSubmit={submit} className="panel">
        <div className="field">
          <label htmlFor="ledger-tracker">{t('observe.checkTracker')}</label>
          <input
            id="ledger-tracker"
            size={66}
            spellCheck={false}
            value={tracker}
            onChange={(e) => {
              setTracker(e.target.value);
            }}
          />
        </div>
        <button type="submit">{t('verify.submit')}</button>
      </form>
      {entries !== undefined && (
        <div className="table-wrap">
          <table>
            <caption>{t('observe.entriesCaption', { n: entries.length })}</caption>
            <thead>
              <tr>
                <th scope="col" className="number">
                  {t('observe.index')}
                </th>
                <th scope="col">{t('observe.entryType')}</th>
                <th scope="col">{t('observe.region')}</th>
                <th scope="col">{t('observe.tracker')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.index}>
                  <td className="number">{e.index}</td>
                  <td>{e.type}</td>
                  <td>{e.region ?? '—'}</td>
                  <td>
                    {e.tracker ? (
                      <Link to={`/verify?tracker=${e.tracker.hash}`}>
                        <code>{e.tracker.code}</code>
                      </Link>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
