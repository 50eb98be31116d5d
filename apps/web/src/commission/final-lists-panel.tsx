// Closing a key group (P-7.1–P-7.5): the chairman orders the final lists (the lists frozen at the
// end of voting, lines 1 and 2 per region), the chairman and the secretary each sign the served
// bytes with their own key on this workstation, and the custody of the write-once medium is
// recorded. A group closes not before its configured time; the server says so when it is early.
import { useCallback, useEffect, useState, type SyntheticEvent } from 'react';
import { ApiFailure } from '../api.ts';
import { ErrorNotice } from '../components/error-notice.tsx';
import { formatDateTime, formatNumber, MOSCOW } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { commissionApi, documentBytes, type Custody, type FinalLists } from './closing-api.ts';
import { CustodyFields, custodyBody, EMPTY_CUSTODY } from './custody-fields.tsx';
import { KeyGroupField } from './key-group-field.tsx';
import { SignWithKey } from './member-signing.tsx';
import { SignOffs } from './sign-offs.tsx';
import { can, type Seat } from './seat.ts';
import { useText } from './texts.ts';

function CustodyForm({ keyGroup }: { keyGroup: string }) {
  const ct = useText();
  const [custody, setCustody] = useState(EMPTY_CUSTODY);
  const [done, setDone] = useState<Custody>();
  const [error, setError] = useState<unknown>();
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    setError(undefined);
    commissionApi.custody(keyGroup, custodyBody(custody)).then(setDone, setError);
  };
  if (done)
    return (
      <p role="status" className="notice notice-ok">
        {ct('custody.done', {
          medium: done.medium,
          place: done.place,
          at: formatDateTime(done.placedAt, MOSCOW),
        })}
      </p>
    );
  return (
    <form className="panel" aria-labelledby="custody-heading" onSubmit={submit}>
      <h3 id="custody-heading">{ct('custody.heading')}</h3>
      <CustodyFields idPrefix="custody" value={custody} onChange={setCustody} />
      <ErrorNotice error={error} />
      <button type="submit">{ct('custody.submit')}</button>
    </form>
  );
}

export function FinalListsPanel({ seat }: { seat: Seat }) {
  const ct = useText();
  const { lang } = useI18n();
  const [keyGroup, setKeyGroup] = useState('main');
  const [lists, setLists] = useState<FinalLists | null>();
  const [error, setError] = useState<unknown>();

  const load = useCallback(() => {
    setError(undefined);
    commissionApi.finalLists(keyGroup).then(setLists, (e: unknown) => {
      if (e instanceof ApiFailure && e.code === 'FINAL_LISTS_NOT_FOUND') setLists(null);
      else setError(e);
    });
  }, [keyGroup]);
  useEffect(load, [load]);

  const order = () => {
    setError(undefined);
    commissionApi.orderFinalLists(keyGroup).then(setLists, setError);
  };
  const mine = lists?.signOffs.find((s) => s.memberId === seat.memberId);
  const mayISign =
    lists != null && seat.memberId !== undefined && lists.signers.includes(seat.memberId) && !mine?.signed;

  return (
    <section aria-labelledby="final-lists-heading">
      <h2 id="final-lists-heading">{ct('final.heading')}</h2>
      <p className="hint">{ct('final.lead')}</p>
      <KeyGroupField id="final-key-group" value={keyGroup} onChange={setKeyGroup} />
      <ErrorNotice error={error} />
      {lists === null && (
        <div className="panel">
          <p>{ct('final.none', { keyGroup })}</p>
          {can(seat, 'chairman') && (
            <button type="button" className="button-primary" onClick={order}>
              {ct('final.order')}
            </button>
          )}
        </div>
      )}
      {lists && (
        <>
          <div className="table-wrap">
            <table>
              <caption>
                {ct('final.caption', {
                  keyGroup: lists.keyGroup,
                  at: formatDateTime(lists.orderedAt, MOSCOW),
                })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{ct('common.region')}</th>
                  <th scope="col" className="number">
                    {ct('final.line1')}
                  </th>
                  <th scope="col" className="number">
                    {ct('final.line2')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {lists.regions.map((r) => (
                  <tr key={r.region}>
                    <th scope="row">{r.region}</th>
                    <td className="number">{formatNumber(r.onList, lang)}</td>
                    <td className="number">{formatNumber(r.ballotsIssued, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p>
            {ct('common.sha256')}: <code>{lists.sha256}</code>
          </p>
          <SignOffs expected={lists.signers} signOffs={lists.signOffs} />
          {lists.publishedAt !== undefined ? (
            <p role="status" className="notice notice-ok">
              {ct('final.published', { at: formatDateTime(lists.publishedAt, MOSCOW) })}
            </p>
          ) : (
            <p role="status">{ct('final.awaiting')}</p>
          )}
          {mayISign && (
            <SignWithKey
              id="final-sign"
              content={documentBytes(lists.document)}
              onSigned={async (signature) => {
                setLists(await commissionApi.signFinalLists(lists.keyGroup, signature));
              }}
            />
          )}
          {lists.publishedAt !== undefined && <CustodyForm keyGroup={lists.keyGroup} />}
        </>
      )}
    </section>
  );
}
