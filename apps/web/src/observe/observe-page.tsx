// The observer portal (P-10.2, P-10.8, P-10.10, P-11.10.2), public: live figures, the ledger
// explorer, downloads and how to verify independently, the signed protocol once published — one
// page per part.
import { Page } from '../components/page.tsx';
import { useI18n } from '../i18n.tsx';
import { Link, useRoute } from '../router.tsx';
import { FiguresPanel } from './figures-panel.tsx';
import { LedgerExplorer } from './ledger-explorer.tsx';
import { PublishedProtocol } from './protocol-panel.tsx';
import { useText } from '../commission/texts.ts';
import { VerifyGuide } from './verify-guide.tsx';
import { BlocksPanel } from './blocks-panel.tsx';

const PARTS = [
  { to: '/observe', key: 'observe.part.figures' },
  { to: '/observe/ledger', key: 'observe.part.ledger' },
  { to: '/observe/verify', key: 'observe.part.verify' },
  { to: '/observe/blocks', key: 'observe.part.blocks' },
] as const;

export function ObservePage() {
  const { t } = useI18n();
  const ct = useText();
  const { path } = useRoute();
  return (
    <Page title={t('observe.title')} lead={t('observe.lead')}>
      <nav aria-label={t('observe.partsLabel')}>
        <ul className="nav-list">
          {PARTS.map((p) => (
            <li key={p.to}>
              <Link to={p.to} aria-current={path === p.to ? 'page' : undefined}>
                {t(p.key)}
              </Link>
            </li>
          ))}
          <li>
            <Link to="/observe/protocol" aria-current={path === '/observe/protocol' ? 'page' : undefined}>
              {ct('observeProtocol.part')}
            </Link>
          </li>
        </ul>
      </nav>
      {path === '/observe/ledger' ? (
        <LedgerExplorer />
      ) : path === '/observe/protocol' ? (
        <PublishedProtocol />
      ) : path === '/observe/blocks' ? (
        <BlocksPanel />
      ) : path === '/observe/verify' ? (
        <VerifyGuide />
      ) : (
        <FiguresPanel />
      )}
    </Page>
  );
}
