// Keeping and destroying the election's data (P-9): what the commission keeps until when, counted
// from the protocol's publication and the end of its term (the server computes the schedule from
// the configuration), the acts of destruction (P-9.3: the chairman or the operator records one; the
// server refuses it before the retention period is over, in its own words) and the wipes of the
// members' workstations (P-9.4, recorded by the operator, late ones marked).
import { useCallback, useEffect, useState, type SyntheticEvent } from 'react';
import { RETAINED_ITEM_TITLES, type RetainedItem } from '@opendeg/deg';
import { ErrorNotice } from '../components/error-notice.tsx';
import { formatDateTime, MOSCOW } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { commissionApi, type Retention } from './closing-api.ts';
import { can, type Seat } from './seat.ts';
import { useText } from './texts.ts';

/** A datetime-local field's "YYYY-MM-DDTHH:MM", read as Moscow time (UTC+3, no summer time since 2014). */
const moscowInstant = (local: string): string => new Date(`${local}:00+03:00`).toISOString();

function Schedule({ retention }: { retention: Retention }) {
  const ct = useText();
  const { pick } = useI18n();
  return (
    <div className="table-wrap">
      <table>
        <caption>{ct('retention.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{ct('retention.item')}</th>
            <th scope="col">{ct('retention.until')}</th>
            <th scope="col">{ct('retention.then')}</th>
            <th scope="col">{ct('retention.state')}</th>
          </tr>
        </thead>
        <tbody>
          {retention.schedule.map((e) => (
            <tr key={e.item} data-item={e.item}>
              <th scope="row">{pick(RETAINED_ITEM_TITLES[e.item])}</th>
              <td>{formatDateTime(e.commissionUntil, MOSCOW)}</td>
              <td>
                {e.disposal.kind === 'hand-over'
                  ? ct('retention.handOver', { at: formatDateTime(e.disposal.at, MOSCOW) })
                  : ct('retention.destroyFrom', { at: formatDateTime(e.disposal.notBefore, MOSCOW) })}
              </td>
              <td>
                {e.destroyedBy === undefined
                  ? ct('retention.kept')
                  : ct('retention.destroyedBy', { number: e.destroyedBy })}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Acts({ retention }: { retention: Retention }) {
  const ct = useText();
  const { pick } = useI18n();
  if (retention.acts.length === 0) return <p>{ct('acts.none')}</p>;
  return (
    <div className="table-wrap">
      <table aria-labelledby="acts-heading">
        <thead>
          <tr>
            <th scope="col">{ct('act.number')}</th>
            <th scope="col">{ct('act.items')}</th>
            <th scope="col">{ct('act.destroyedAt')}</th>
            <th scope="col">{ct('act.byColumn')}</th>
            <th scope="col">{ct('act.method')}</th>
            <th scope="col">{ct('act.recordedAt')}</th>
          </tr>
        </thead>
        <tbody>
          {retention.acts.map((a) => (
            <tr key={a.number} data-act={a.number}>
              <th scope="row">{a.number}</th>
              <td>{a.items.map((i) => pick(RETAINED_ITEM_TITLES[i])).join('; ')}</td>
              <td>{formatDateTime(a.destroyedAt, MOSCOW)}</td>
              <td>{a.by.join(', ')}</td>
              <td>{a.method}</td>
              <td>{formatDateTime(a.recordedAt, MOSCOW)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ActForm({
  retention,
  memberId,
  onDone,
}: {
  retention: Retention;
  memberId: string | undefined;
  onDone: (number: string) => void;
}) {
  const ct = useText();
  const { pick } = useI18n();
  // What may still be destroyed: the P-9.2 items not destroyed yet (the server checks the dates).
  const open = retention.schedule.filter((e) => e.disposal.kind === 'destroy' && e.destroyedBy === undefined);
  const [number, setNumber] = useState('');
  const [items, setItems] = useState<ReadonlySet<RetainedItem>>(new Set());
  const [at, setAt] = useState('');
  const [by, setBy] = useState(memberId ?? '');
  const [method, setMethod] = useState('');
  const [error, setError] = useState<unknown>();
  if (open.length === 0) return null;
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    setError(undefined);
    commissionApi
      .recordDestruction({
        number: number.trim(),
        items: open.map((o) => o.item).filter((i) => items.has(i)),
        destroyedAt: moscowInstant(at),
        by: by
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
        method: method.trim(),
      })
      .then((a) => {
        onDone(a.number);
      }, setError);
  };
  return (
    <form className="panel" aria-labelledby="act-heading" onSubmit={submit}>
      <h3 id="act-heading">{ct('act.heading')}</h3>
      <div className="field">
        <label htmlFor="act-number">{ct('act.number')}</label>
        <input
          id="act-number"
          required
          maxLength={100}
          value={number}
          onChange={(e) => {
            setNumber(e.target.value);
          }}
        />
      </div>
      <fieldset>
        <legend>{ct('act.items')}</legend>
        {open.map((o) => (
          <div key={o.item}>
            <input
              type="checkbox"
              id={`act-item-${o.item}`}
              checked={items.has(o.item)}
              onChange={(e) => {
                const next = new Set(items);
                if (e.target.checked) next.add(o.item);
                else next.delete(o.item);
                setItems(next);
              }}
            />{' '}
            <label htmlFor={`act-item-${o.item}`}>{pick(RETAINED_ITEM_TITLES[o.item])}</label>
          </div>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="act-at">{ct('act.destroyedAt')}</label>
        <input
          id="act-at"
          type="datetime-local"
          required
          value={at}
          onChange={(e) => {
            setAt(e.target.value);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="act-by">{ct('act.by')}</label>
        <input
          id="act-by"
          required
          value={by}
          onChange={(e) => {
            setBy(e.target.value);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="act-method">{ct('act.method')}</label>
        <input
          id="act-method"
          required
          maxLength={500}
          value={method}
          onChange={(e) => {
            setMethod(e.target.value);
          }}
        />
      </div>
      <ErrorNotice error={error} />
      <button type="submit" className="button-primary">
        {ct('act.submit')}
      </button>
    </form>
  );
}

function Wipes({ retention }: { retention: Retention }) {
  const ct = useText();
  if (retention.wipes.length === 0) return <p>{ct('wipes.none')}</p>;
  return (
    <div className="table-wrap">
      <table aria-labelledby="wipes-heading">
        <thead>
          <tr>
            <th scope="col">{ct('wipe.workstation')}</th>
            <th scope="col">{ct('wipe.wipedAt')}</th>
            <th scope="col">{ct('wipe.due')}</th>
            <th scope="col">{ct('wipe.method')}</th>
          </tr>
        </thead>
        <tbody>
          {retention.wipes.map((w) => (
            <tr key={w.workstation} data-workstation={w.workstation}>
              <th scope="row">{w.workstation}</th>
              <td>
                {formatDateTime(w.wipedAt, MOSCOW)} ({w.late ? ct('wipe.late') : ct('wipe.inTime')})
              </td>
              <td>{formatDateTime(w.due, MOSCOW)}</td>
              <td>{w.method}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function WipeForm({ onDone }: { onDone: (workstation: string) => void }) {
  const ct = useText();
  const [workstation, setWorkstation] = useState('');
  const [at, setAt] = useState('');
  const [method, setMethod] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    setError(undefined);
    commissionApi
      .recordWipe({ workstation: workstation.trim(), wipedAt: moscowInstant(at), method: method.trim() })
      .then((w) => {
        onDone(w.workstation);
      }, setError);
  };
  return (
    <form className="panel" aria-labelledby="wipe-heading" onSubmit={submit}>
      <h3 id="wipe-heading">{ct('wipe.heading')}</h3>
      <div className="field">
        <label htmlFor="wipe-workstation">{ct('wipe.workstation')}</label>
        <input
          id="wipe-workstation"
          required
          maxLength={200}
          value={workstation}
          onChange={(e) => {
            setWorkstation(e.target.value);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="wipe-at">{ct('wipe.form.at')}</label>
        <input
          id="wipe-at"
          type="datetime-local"
          required
          value={at}
          onChange={(e) => {
            setAt(e.target.value);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="wipe-method">{ct('wipe.form.method')}</label>
        <input
          id="wipe-method"
          required
          maxLength={500}
          value={method}
          onChange={(e) => {
            setMethod(e.target.value);
          }}
        />
      </div>
      <ErrorNotice error={error} />
      <button type="submit" className="button-primary">
        {ct('wipe.submit')}
      </button>
    </form>
  );
}

export function RetentionPanel({ seat }: { seat: Seat }) {
  const ct = useText();
  const [retention, setRetention] = useState<Retention>();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const load = useCallback(() => {
    commissionApi.retention().then(setRetention, setError);
  }, []);
  useEffect(load, [load]);
  return (
    <section aria-labelledby="retention-heading">
      <h2 id="retention-heading">{ct('retention.heading')}</h2>
      <p className="hint">{ct('retention.lead')}</p>
      <ErrorNotice error={error} />
      {done !== undefined && (
        <p role="status" className="notice notice-ok">
          {done}
        </p>
      )}
      {retention !== undefined && (
        <>
          <dl className="facts">
            <dt>{ct('retention.published')}</dt>
            <dd data-fact="published">{formatDateTime(retention.publishedAt, MOSCOW)}</dd>
            <dt>{ct('retention.termEnds')}</dt>
            <dd data-fact="term-ends">{formatDateTime(retention.termEnds, MOSCOW)}</dd>
            <dt>{ct('retention.wipeDue')}</dt>
            <dd data-fact="wipe-due">{formatDateTime(retention.wipeDue, MOSCOW)}</dd>
          </dl>
          <Schedule retention={retention} />
          <h3 id="acts-heading">{ct('acts.caption')}</h3>
          <Acts retention={retention} />
          {can(seat, 'chairman', 'operator') && (
            <ActForm
              key={retention.acts.length}
              retention={retention}
              memberId={seat.memberId}
              onDone={(number) => {
                setDone(ct('act.done', { number }));
                load();
              }}
            />
          )}
          <h3 id="wipes-heading">{ct('wipes.caption')}</h3>
          <Wipes retention={retention} />
          {can(seat, 'operator') && (
            <WipeForm
              key={retention.wipes.length}
              onDone={(workstation) => {
                setDone(ct('wipe.done', { workstation }));
                load();
              }}
            />
          )}
        </>
      )}
    </section>
  );
}
