// The key ceremony of a key group (P-5.2–P-5.6) at the commission's workstation: N, K and the
// holders come from the commission's key-parts decision; each holder types their own passphrase
// here; the attendance record says who was present and when. The server makes the key, seals each
// part into a file under its holder's passphrase and keeps none of them: the files come back once,
// in this response, and each holder downloads theirs to their medium here and now.
import { useEffect, useState, type SyntheticEvent } from 'react';
import { call } from '../api.ts';
import { ErrorNotice } from '../components/error-notice.tsx';
import { formatDateTime, MOSCOW } from '../format.ts';
import { commissionApi, download, type Ceremony, type CeremonyBody } from './closing-api.ts';
import type { Seat } from './seat.ts';
import { useText } from './texts.ts';

type Attendee = CeremonyBody['attendance'][number];
type AttendeeKind = Attendee['kind'];
const KINDS: readonly AttendeeKind[] = [
  'commission-member',
  'cec-member',
  'operator',
  'commission-observer',
  'media',
];

interface KeyParts {
  readonly n: number;
  readonly k: number;
  readonly holders: readonly string[];
}

interface Row {
  kind: AttendeeKind;
  who: string;
  time: string;
}

/** "YYYY-MM-DDTHH:MM" (a datetime-local field, this workstation's zone) as an instant. */
function instantOf(local: string): string {
  const t = new Date(local);
  return Number.isNaN(t.getTime()) ? local : t.toISOString();
}

/** Now, as a datetime-local field shows it. */
function nowLocal(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${String(d.getFullYear())}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function KeysPanel({ seat }: { seat: Seat }) {
  const ct = useText();
  const [parts, setParts] = useState<KeyParts | null>();
  const [keyGroup, setKeyGroup] = useState('main');
  const [mode, setMode] = useState<CeremonyBody['mode']>('dealer');
  const [passphrases, setPassphrases] = useState<Record<string, string>>({});
  const [rows, setRows] = useState<Row[]>(() => [
    { kind: 'commission-member', who: seat.memberId ?? '', time: nowLocal() },
  ]);
  const [held, setHeld] = useState<Ceremony>();
  const [saved, setSaved] = useState<ReadonlySet<number>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    call('GET /api/commission/decisions').then((r) => {
      // The latest key-parts decision is the one in force.
      const d = r.decisions.filter((x) => x.kind === 'key-parts').at(-1);
      setParts(d ? (d.payload as KeyParts) : null);
    }, setError);
  }, []);

  const setRow = (i: number, change: Partial<Row>) => {
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...change } : r)));
  };

  const submit = async (e: SyntheticEvent) => {
    e.preventDefault();
    if (!parts) return;
    setError(undefined);
    setBusy(true);
    try {
      const attendance: Attendee[] = rows
        .filter((r) => r.who.trim() !== '')
        .map((r) => ({
          kind: r.kind,
          ...(r.kind === 'commission-member' ? { memberId: r.who.trim() } : { fullName: r.who.trim() }),
          arrivedAt: instantOf(r.time),
        }));
      const made = await commissionApi.holdCeremony({
        keyGroup,
        mode,
        attendance,
        passphrases: parts.holders.map((holder) => ({ holder, passphrase: passphrases[holder] ?? '' })),
      });
      setHeld(made);
    } catch (failure) {
      setError(failure);
    } finally {
      // The passphrases are not kept on the page once sent.
      setPassphrases({});
      setBusy(false);
    }
  };

  if (held)
    return (
      <section aria-labelledby="keys-heading">
        <h2 id="keys-heading">{ct('keys.heading')}</h2>
        <p role="status" className="notice notice-ok">
          {ct('keys.held', {
            keyGroup: held.ceremony.keyGroup,
            n: held.ceremony.n,
            k: held.ceremony.k,
            at: formatDateTime(held.ceremony.heldAt, MOSCOW),
          })}
        </p>
        <p className="hint">{ct('keys.filesHint')}</p>
        <ul className="downloads">
          {held.files.map((f) => (
            <li key={f.partIndex}>
              <button
                type="button"
                onClick={() => {
                  download(f.fileName, f.content, 'text/plain');
                  setSaved((s) => new Set([...s, f.partIndex]));
                }}
              >
                {ct('keys.download', { index: f.partIndex, holder: f.holder })}
              </button>{' '}
              {saved.has(f.partIndex) && <span className="ok">{ct('keys.saved')}</span>}{' '}
              <code title="SHA-256">{f.sha256.slice(0, 16)}…</code>
            </li>
          ))}
        </ul>
      </section>
    );

  return (
    <section aria-labelledby="keys-heading">
      <h2 id="keys-heading">{ct('keys.heading')}</h2>
      <ErrorNotice error={error} />
      {parts === null && <p>{ct('keys.noDecision')}</p>}
      {parts && (
        <form
          className="panel"
          onSubmit={(e) => {
            void submit(e);
          }}
        >
          <p>{ct('keys.decision', { n: parts.n, k: parts.k })}</p>
          <div className="field">
            <label htmlFor="keys-group">{ct('close.keyGroup')}</label>
            <input
              id="keys-group"
              required
              value={keyGroup}
              onChange={(e) => {
                setKeyGroup(e.target.value);
              }}
            />
          </div>
          <div className="field">
            <label htmlFor="keys-mode">{ct('keys.mode')}</label>
            <select
              id="keys-mode"
              value={mode}
              onChange={(e) => {
                setMode(e.target.value as CeremonyBody['mode']);
              }}
            >
              <option value="dealer">{ct('keys.mode.dealer')}</option>
              <option value="dealer-free">{ct('keys.mode.dealer-free')}</option>
            </select>
          </div>
          <fieldset>
            <legend>{ct('keys.passphrases')}</legend>
            {parts.holders.map((holder, i) => (
              <div className="field" key={holder}>
                <label htmlFor={`keys-pass-${String(i + 1)}`}>
                  {ct('keys.passphraseOf', { index: i + 1, holder })}
                </label>
                <input
                  id={`keys-pass-${String(i + 1)}`}
                  type="password"
                  autoComplete="new-password"
                  required
                  value={passphrases[holder] ?? ''}
                  onChange={(e) => {
                    setPassphrases((p) => ({ ...p, [holder]: e.target.value }));
                  }}
                />
              </div>
            ))}
          </fieldset>
          <fieldset>
            <legend>{ct('keys.attendance')}</legend>
            {rows.map((r, i) => (
              <div className="actions" key={i}>
                <div className="field">
                  <label htmlFor={`att-kind-${String(i)}`}>{ct('keys.attendeeKind')}</label>
                  <select
                    id={`att-kind-${String(i)}`}
                    value={r.kind}
                    onChange={(e) => {
                      setRow(i, { kind: e.target.value as AttendeeKind });
                    }}
                  >
                    {KINDS.map((k) => (
                      <option key={k} value={k}>
                        {ct(`keys.kind.${k}`)}
                      </option>
                    ))}
                  </select>
                </div>
                <div className="field">
                  <label htmlFor={`att-who-${String(i)}`}>
                    {r.kind === 'commission-member' ? ct('keys.memberId') : ct('keys.fullName')}
                  </label>
                  <input
                    id={`att-who-${String(i)}`}
                    value={r.who}
                    onChange={(e) => {
                      setRow(i, { who: e.target.value });
                    }}
                  />
                </div>
                <div className="field">
                  <label htmlFor={`att-time-${String(i)}`}>{ct('keys.arrivedAt')}</label>
                  <input
                    id={`att-time-${String(i)}`}
                    type="datetime-local"
                    value={r.time}
                    onChange={(e) => {
                      setRow(i, { time: e.target.value });
                    }}
                  />
                </div>
              </div>
            ))}
            <button
              type="button"
              onClick={() => {
                setRows((rs) => [...rs, { kind: 'commission-member', who: '', time: nowLocal() }]);
              }}
            >
              {ct('keys.addAttendee')}
            </button>
          </fieldset>
          <div className="actions">
            <button type="submit" className="button-primary" disabled={busy}>
              {busy ? ct('keys.busy') : ct('keys.submit')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
