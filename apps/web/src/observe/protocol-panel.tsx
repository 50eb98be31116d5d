// The published protocol of the results on the observation portal (P-7.9: published on the portal
// once every present member has signed or has a recorded reason): each region's lines, a region
// declared invalid marked as such (P-7.10), who signed and who could not and why, and the signed
// JSON and each detached signature to download and check independently (openssl cms -verify).
import { useEffect, useState } from 'react';
import { ApiFailure, requestJson } from '../api.ts';
import { documentBytes, download, type ProtocolView } from '../commission/closing-api.ts';
import { SignOffs } from '../commission/sign-offs.tsx';
import { useText } from '../commission/texts.ts';
import { ErrorNotice } from '../components/error-notice.tsx';
import { ProtocolTables } from '../components/protocol-tables.tsx';
import { formatDateTime, MOSCOW } from '../format.ts';

export function PublishedProtocol() {
  const ct = useText();
  const [view, setView] = useState<ProtocolView | null>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    requestJson<ProtocolView>('GET', '/api/closing/protocol').then(setView, (e: unknown) => {
      if (e instanceof ApiFailure && (e.code === 'PROTOCOL_NOT_PUBLISHED' || e.code === 'PROTOCOL_NOT_FOUND'))
        setView(null);
      else setError(e);
    });
  }, []);
  return (
    <section aria-labelledby="published-heading">
      <h2 id="published-heading">{ct('observeProtocol.heading')}</h2>
      <ErrorNotice error={error} />
      {view === null && <p>{ct('observeProtocol.none')}</p>}
      {view && (
        <>
          <p>
            {ct('protocol.published', {
              at: formatDateTime(view.publishedAt ?? view.protocol.compiledAt, MOSCOW),
            })}{' '}
            {ct('common.sha256')}: <code>{view.sha256}</code>
          </p>
          <ProtocolTables protocol={view.protocol} />
          <SignOffs expected={view.protocol.present} signOffs={view.signOffs} />
          <ul className="downloads">
            <li>
              <button
                type="button"
                onClick={() => {
                  download('protocol.json', documentBytes(view.document), 'application/json');
                }}
              >
                {ct('handover.json')}
              </button>
            </li>
            {view.signOffs
              .filter((s) => s.signed)
              .map((s) => (
                <li key={s.memberId}>
                  <button
                    type="button"
                    onClick={() => {
                      download(`protocol.${s.memberId}.p7s`, documentBytes(s.signature ?? ''));
                    }}
                  >
                    {ct('handover.signature', { member: s.memberId })}
                  </button>
                </li>
              ))}
            {view.protocol.regions
              .filter((r) => r.invalidated === undefined)
              .map((r) => (
                <li key={r.region}>
                  <a
                    href={`/api/closing/protocol/regions/${r.region}/pdf`}
                    download={`protocol-${r.region}.pdf`}
                  >
                    {ct('handover.pdf', { region: r.region })}
                  </a>
                </li>
              ))}
          </ul>
        </>
      )}
    </section>
  );
}
