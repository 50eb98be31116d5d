// The protocol of the results (P-7.9, P-7.10, P-8.1): before it is compiled, the chairman may
// record a region's results as invalid by a decision; the chairman compiles it with the members
// present; every present member signs it on this workstation with their own key, or the chairman
// records why a member cannot; once complete it is published, and the hand-over exports are offered:
// the signed JSON, each member's detached signature, each region's Appendix 4 PDF, and the custody
// record of the results medium.
import { useCallback, useEffect, useState, type SyntheticEvent } from 'react';
import { ApiFailure, requestJson } from '../api.ts';
import { ErrorNotice } from '../components/error-notice.tsx';
import { ProtocolTables } from '../components/protocol-tables.tsx';
import { formatDateTime, MOSCOW } from '../format.ts';
import { commissionApi, documentBytes, download, type ProtocolView } from './closing-api.ts';
import { CustodyFields, custodyBody, EMPTY_CUSTODY } from './custody-fields.tsx';
import { SignWithKey } from './member-signing.tsx';
import { SignOffs } from './sign-offs.tsx';
import { can, type Seat } from './seat.ts';
import { useText } from './texts.ts';

function InvalidationForm({ onDone }: { onDone: (region: string) => void }) {
  const ct = useText();
  const [region, setRegion] = useState('');
  const [decision, setDecision] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    setError(undefined);
    commissionApi
      .invalidate({ region: region.trim(), decision: decision.trim(), reason: reason.trim() })
      .then((r) => {
        onDone(r.region);
        setRegion('');
        setDecision('');
        setReason('');
      }, setError);
  };
  return (
    <form className="panel" aria-labelledby="invalidate-heading" onSubmit={submit}>
      <h3 id="invalidate-heading">{ct('invalidate.heading')}</h3>
      <p className="hint">{ct('invalidate.hint')}</p>
      <div className="field">
        <label htmlFor="invalidate-region">{ct('common.region')}</label>
        <input
          id="invalidate-region"
          required
          size={6}
          value={region}
          onChange={(e) => {
            setRegion(e.target.value);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="invalidate-decision">{ct('invalidate.decision')}</label>
        <input
          id="invalidate-decision"
          required
          value={decision}
          onChange={(e) => {
            setDecision(e.target.value);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="invalidate-reason">{ct('invalidate.reason')}</label>
        <textarea
          id="invalidate-reason"
          required
          rows={2}
          value={reason}
          onChange={(e) => {
            setReason(e.target.value);
          }}
        />
      </div>
      <ErrorNotice error={error} />
      <button type="submit" className="button-danger">
        {ct('invalidate.submit')}
      </button>
    </form>
  );
}

function CompileForm({ onCompiled }: { onCompiled: (p: ProtocolView) => void }) {
  const ct = useText();
  const [members, setMembers] = useState<readonly string[]>([]);
  const [present, setPresent] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    requestJson<{ certificates: { memberId: string }[] }>('GET', '/api/closing/certificates').then((r) => {
      const ids = [...new Set(r.certificates.map((c) => c.memberId))];
      setMembers(ids);
      setPresent(new Set(ids));
    }, setError);
  }, []);
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    setError(undefined);
    commissionApi.compileProtocol(members.filter((m) => present.has(m))).then(onCompiled, setError);
  };
  return (
    <form className="panel" aria-labelledby="compile-heading" onSubmit={submit}>
      <h3 id="compile-heading">{ct('compile.heading')}</h3>
      <fieldset>
        <legend>{ct('compile.present')}</legend>
        {members.map((m) => (
          <div key={m}>
            <input
              type="checkbox"
              id={`present-${m}`}
              checked={present.has(m)}
              onChange={(e) => {
                const next = new Set(present);
                if (e.target.checked) next.add(m);
                else next.delete(m);
                setPresent(next);
              }}
            />{' '}
            <label htmlFor={`present-${m}`}>{m}</label>
          </div>
        ))}
      </fieldset>
      <ErrorNotice error={error} />
      <button type="submit" className="button-primary">
        {ct('compile.submit')}
      </button>
    </form>
  );
}

function ReasonForm({ waiting, onDone }: { waiting: readonly string[]; onDone: (p: ProtocolView) => void }) {
  const ct = useText();
  const [memberId, setMemberId] = useState(waiting[0] ?? '');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    setError(undefined);
    commissionApi.reason(memberId, reason.trim()).then(onDone, setError);
  };
  return (
    <form className="panel" aria-labelledby="reason-heading" onSubmit={submit}>
      <h3 id="reason-heading">{ct('reason.heading')}</h3>
      <div className="field">
        <label htmlFor="reason-member">{ct('signOffs.member')}</label>
        <select
          id="reason-member"
          value={memberId}
          onChange={(e) => {
            setMemberId(e.target.value);
          }}
        >
          {waiting.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="reason-text">{ct('reason.text')}</label>
        <input
          id="reason-text"
          required
          value={reason}
          onChange={(e) => {
            setReason(e.target.value);
          }}
        />
      </div>
      <ErrorNotice error={error} />
      <button type="submit">{ct('reason.submit')}</button>
    </form>
  );
}

function HandOver({ view }: { view: ProtocolView }) {
  const ct = useText();
  const [custody, setCustody] = useState(EMPTY_CUSTODY);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>();
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    setError(undefined);
    commissionApi.resultsCustody(custodyBody(custody)).then(() => {
      setDone(true);
    }, setError);
  };
  return (
    <section aria-labelledby="handover-heading" className="panel">
      <h3 id="handover-heading">{ct('handover.heading')}</h3>
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
          .filter((s) => s.signed && s.signature !== undefined)
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
              <a href={`/api/closing/protocol/regions/${r.region}/pdf`} download={`protocol-${r.region}.pdf`}>
                {ct('handover.pdf', { region: r.region })}
              </a>
            </li>
          ))}
      </ul>
      {done ? (
        <p role="status" className="notice notice-ok">
          {ct('handover.recorded')}
        </p>
      ) : (
        <form onSubmit={submit} aria-label={ct('handover.custody')}>
          <CustodyFields idPrefix="handover" value={custody} onChange={setCustody} />
          <ErrorNotice error={error} />
          <button type="submit">{ct('handover.submit')}</button>
        </form>
      )}
    </section>
  );
}

export function ProtocolPanel({ seat }: { seat: Seat }) {
  const ct = useText();
  const [view, setView] = useState<ProtocolView | null>();
  const [invalidated, setInvalidated] = useState<readonly string[]>([]);
  const [error, setError] = useState<unknown>();
  const load = useCallback(() => {
    commissionApi.protocolDocument().then(setView, (e: unknown) => {
      if (e instanceof ApiFailure && e.code === 'PROTOCOL_NOT_FOUND') setView(null);
      else setError(e);
    });
  }, []);
  useEffect(load, [load]);
  const mine = view?.signOffs.find((s) => s.memberId === seat.memberId);
  const present = view?.protocol.present ?? [];
  const waiting = present.filter((m) => view?.signOffs.every((s) => s.memberId !== m) ?? false);
  return (
    <section aria-labelledby="protocol-heading">
      <h2 id="protocol-heading">{ct('protocol.heading')}</h2>
      <ErrorNotice error={error} />
      {view === null && (
        <>
          <p>{ct('protocol.none')}</p>
          {invalidated.length > 0 && (
            <p role="status" className="notice notice-ok">
              {ct('invalidate.done', { regions: invalidated.join(', ') })}
            </p>
          )}
          {can(seat, 'chairman') && (
            <>
              <InvalidationForm
                onDone={(r) => {
                  setInvalidated((x) => [...x, r]);
                }}
              />
              <CompileForm onCompiled={setView} />
            </>
          )}
        </>
      )}
      {view && (
        <>
          <p>
            {ct('protocol.compiled', { at: formatDateTime(view.protocol.compiledAt, MOSCOW) })}{' '}
            {ct('common.sha256')}: <code>{view.sha256}</code>
          </p>
          <ProtocolTables protocol={view.protocol} />
          <SignOffs expected={present} signOffs={view.signOffs} />
          {view.publishedAt !== undefined ? (
            <p role="status" className="notice notice-ok">
              {ct('protocol.published', { at: formatDateTime(view.publishedAt, MOSCOW) })}
            </p>
          ) : (
            <p role="status">{ct('protocol.awaiting', { n: waiting.length })}</p>
          )}
          {seat.memberId !== undefined && present.includes(seat.memberId) && mine === undefined && (
            <SignWithKey
              id="protocol-sign"
              content={documentBytes(view.document)}
              onSigned={async (signature) => {
                setView(await commissionApi.signProtocol(signature));
              }}
            />
          )}
          {can(seat, 'chairman') && view.publishedAt === undefined && waiting.length > 0 && (
            <ReasonForm key={waiting.join(',')} waiting={waiting} onDone={setView} />
          )}
          {view.publishedAt !== undefined && <HandOver view={view} />}
        </>
      )}
    </section>
  );
}
