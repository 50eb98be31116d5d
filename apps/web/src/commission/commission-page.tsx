// The commission workstation (ТИК ДЭГ), by role: the member's roles, the participant lists (with
// exclusion), the decisions recorded, the observers, the key ceremony, and the close of voting —
// final lists, decryption, protocol. Each part shows what the API lets this role see or do; a part
// it may not use says so in the server's words.
import { useEffect, useState } from 'react';
import type { CommissionObserverView, DecisionView } from '../../../server/src/api.ts';
import { call } from '../api.ts';
import { ErrorNotice } from '../components/error-notice.tsx';
import { LoginPrompt, LogoutButton } from '../components/login-prompt.tsx';
import { Page } from '../components/page.tsx';
import { useAccount } from '../components/use-account.ts';
import { formatDate, formatDateTime, MOSCOW } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { Link, useRoute } from '../router.tsx';
import { BallotPanel } from './ballot-panel.tsx';
import { BundlePanel } from './bundle-panel.tsx';
import { DecryptionPanel } from './decryption-panel.tsx';
import { FinalListsPanel } from './final-lists-panel.tsx';
import { KeysPanel } from './keys-panel.tsx';
import { ListsPanel } from './lists-panel.tsx';
import { ProtocolPanel } from './protocol-panel.tsx';
import { RetentionPanel } from './retention-panel.tsx';
import { can, seatOf } from './seat.ts';
import { useText, type TextKey } from './texts.ts';

type Roles = Awaited<ReturnType<typeof call<'GET /api/roles/me'>>>;

const KIND_TEXT = {
  officers: 'commission.kind.officers',
  'key-parts': 'commission.kind.key-parts',
  'observers-list': 'commission.kind.observers-list',
} as const;

const PARTS = [
  { to: '/commission', key: 'commission.part.lists' },
  { to: '/commission/decisions', key: 'commission.part.decisions' },
  { to: '/commission/observers', key: 'commission.part.observers' },
] as const;

/** The write parts of the workstation (texts.ts keys). */
const WRITE_PARTS: readonly { to: string; key: TextKey }[] = [
  { to: '/commission/bundle', key: 'part.bundle' },
  { to: '/commission/keys', key: 'part.keys' },
  { to: '/commission/final-lists', key: 'part.finalLists' },
  { to: '/commission/decryption', key: 'part.decryption' },
  { to: '/commission/protocol', key: 'part.protocol' },
  { to: '/commission/ballot', key: 'part.ballot' },
  { to: '/commission/retention', key: 'part.retention' },
];

function Decisions() {
  const { t } = useI18n();
  const [decisions, setDecisions] = useState<readonly DecisionView[]>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    call('GET /api/commission/decisions').then((r) => {
      setDecisions(r.decisions);
    }, setError);
  }, []);
  return (
    <section aria-labelledby="decisions-heading">
      <h2 id="decisions-heading">{t('commission.decisionsHeading')}</h2>
      <ErrorNotice error={error} />
      {decisions?.length === 0 && <p>{t('commission.noDecisions')}</p>}
      {decisions && decisions.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('commission.meeting')}</th>
                <th scope="col">{t('commission.decision')}</th>
                <th scope="col">{t('commission.votes')}</th>
                <th scope="col">{t('commission.decidedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {decisions.map((d) => (
                <tr key={d.id}>
                  <td className="number">{d.meeting}</td>
                  <td>
                    {t(KIND_TEXT[d.kind])}: <code>{JSON.stringify(d.payload)}</code>
                  </td>
                  <td>{t('commission.forAgainst', { for: d.votes.for, against: d.votes.against })}</td>
                  <td>{formatDateTime(d.decidedAt, MOSCOW)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Observers() {
  const { t } = useI18n();
  const [commission, setCommission] = useState<readonly CommissionObserverView[]>();
  const [portal, setPortal] = useState<readonly { id: string; appointer: string; appointedAt: string }[]>();
  const [errors, setErrors] = useState<unknown[]>([]);
  useEffect(() => {
    call('GET /api/observers/commission').then(
      (r) => {
        setCommission(r.observers);
      },
      (e: unknown) => {
        setErrors((x) => [...x, e]);
      },
    );
    call('GET /api/observers/portal').then(
      (r) => {
        setPortal(r.observers);
      },
      (e: unknown) => {
        setErrors((x) => [...x, e]);
      },
    );
  }, []);
  return (
    <section aria-labelledby="observers-heading">
      <h2 id="observers-heading">{t('commission.observersHeading')}</h2>
      {errors.map((e, i) => (
        <ErrorNotice key={i} error={e} />
      ))}
      {commission && (
        <div className="table-wrap">
          <table>
            <caption>{t('commission.commissionObservers', { n: commission.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('commission.candidate')}</th>
                <th scope="col">{t('apply.fullName')}</th>
                <th scope="col">{t('apply.birthDate')}</th>
                <th scope="col">{t('commission.address')}</th>
              </tr>
            </thead>
            <tbody>
              {commission.map((o) => (
                <tr key={o.id}>
                  <td>{o.candidateId}</td>
                  <td>{o.fullName}</td>
                  <td>{formatDate(o.birthDate)}</td>
                  <td>{o.address}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {portal && (
        <div className="table-wrap">
          <table>
            <caption>{t('commission.portalObservers', { n: portal.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('commission.appointer')}</th>
                <th scope="col">{t('commission.appointedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {portal.map((o) => (
                <tr key={o.id}>
                  <td>{o.appointer}</td>
                  <td>{formatDateTime(o.appointedAt, MOSCOW)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function CommissionPage() {
  const { t, pick } = useI18n();
  const ct = useText();
  const { state } = useAccount();
  const { path } = useRoute();
  const [roles, setRoles] = useState<Roles>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (state.kind === 'ready') call('GET /api/roles/me').then(setRoles, setError);
  }, [state.kind]);
  const seat = seatOf(roles?.assignments ?? []);
  const regions = [
    ...new Set((roles?.assignments ?? []).map((a) => a.region).filter((r): r is string => r !== undefined)),
  ];
  return (
    <Page title={t('commission.title')} lead={t('commission.lead')}>
      {state.kind === 'loading' && <p role="status">{t('common.loading')}</p>}
      {state.kind === 'anonymous' && <LoginPrompt returnTo={path} why={t('commission.loginWhy')} />}
      {state.kind === 'failed' && <ErrorNotice error={state.error} />}
      {state.kind === 'ready' && (
        <>
          <LogoutButton />
          <ErrorNotice error={error} />
          {roles && (
            <p>
              {roles.assignments.length === 0
                ? t('commission.noRoles')
                : t('commission.yourRoles', {
                    roles: roles.assignments
                      .map((a) => pick(a.title) + (a.region !== undefined ? ` (${a.region})` : ''))
                      .join(', '),
                  })}
            </p>
          )}
          <nav aria-label={t('commission.partsLabel')}>
            <ul className="nav-list">
              {PARTS.map((p) => (
                <li key={p.to}>
                  <Link to={p.to} aria-current={path === p.to ? 'page' : undefined}>
                    {t(p.key)}
                  </Link>
                </li>
              ))}
              {WRITE_PARTS.map((p) => (
                <li key={p.to}>
                  <Link to={p.to} aria-current={path === p.to ? 'page' : undefined}>
                    {ct(p.key)}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          {roles === undefined ? null : path === '/commission/decisions' ? (
            <Decisions />
          ) : path === '/commission/bundle' ? (
            <BundlePanel />
          ) : path === '/commission/observers' ? (
            <Observers />
          ) : path === '/commission/keys' ? (
            <KeysPanel seat={seat} />
          ) : path === '/commission/final-lists' ? (
            <FinalListsPanel seat={seat} />
          ) : path === '/commission/decryption' ? (
            <DecryptionPanel seat={seat} />
          ) : path === '/commission/protocol' ? (
            <ProtocolPanel seat={seat} />
          ) : path === '/commission/ballot' ? (
            <BallotPanel seat={seat} />
          ) : path === '/commission/retention' ? (
            <RetentionPanel seat={seat} />
          ) : (
            <ListsPanel regions={regions} mayExclude={can(seat, 'chairman', 'secretary')} />
          )}
        </>
      )}
    </Page>
  );
}
