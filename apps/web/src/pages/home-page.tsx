// The start page: the four portals, each with what it is for.
import { useI18n } from '../i18n.tsx';
import type { MessageKey } from '../messages.ts';
import { Link } from '../router.tsx';
import { Page } from '../components/page.tsx';

const CARDS: readonly { to: string; title: MessageKey; text: MessageKey }[] = [
  { to: '/apply', title: 'nav.apply', text: 'home.apply' },
  { to: '/vote', title: 'nav.vote', text: 'home.vote' },
  { to: '/verify', title: 'nav.verify', text: 'home.verify' },
  { to: '/observe', title: 'nav.observe', text: 'home.observe' },
  { to: '/commission', title: 'nav.commission', text: 'home.commission' },
];

export function HomePage() {
  const { t } = useI18n();
  return (
    <Page title={t('site.title')} lead={t('home.lead')}>
      <ul className="cards">
        {CARDS.map((c) => (
          <li key={c.to} className="card">
            <h2>
              <Link to={c.to}>{t(c.title)}</Link>
            </h2>
            <p>{t(c.text)}</p>
          </li>
        ))}
      </ul>
    </Page>
  );
}
