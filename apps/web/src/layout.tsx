// The frame of every page: skip link, header with the portals and the display settings (language,
// large print, high contrast), the main landmark, footer. After each navigation the new page's
// heading receives focus, so keyboard and screen-reader users start at the top of the new content.
import { useEffect, useRef, type ReactNode } from 'react';
import { useI18n } from './i18n.tsx';
import { usePreferences } from './preferences.tsx';
import { Link, useRoute } from './router.tsx';
import type { MessageKey } from './messages.ts';

const PORTALS: readonly { to: string; label: MessageKey }[] = [
  { to: '/apply', label: 'nav.apply' },
  { to: '/vote', label: 'nav.vote' },
  { to: '/verify', label: 'nav.verify' },
  { to: '/observe', label: 'nav.observe' },
  { to: '/commission', label: 'nav.commission' },
];

export function Layout({ children }: { children: ReactNode }) {
  const { t, lang, setLang } = useI18n();
  const prefs = usePreferences();
  const { path } = useRoute();
  // The path focus was last set for: a first render, a remount or a re-run never moves focus.
  const focusedFor = useRef(path);

  useEffect(() => {
    if (focusedFor.current === path) return;
    focusedFor.current = path;
    // After the new page has rendered: its heading, else the main landmark.
    const id = requestAnimationFrame(() => {
      const heading = document.querySelector<HTMLElement>('#main h1');
      (heading ?? document.getElementById('main'))?.focus();
    });
    return () => {
      cancelAnimationFrame(id);
    };
  }, [path]);

  return (
    <>
      <a className="skip-link" href="#main">
        {t('layout.skip')}
      </a>
      <header className="site-header">
        <div className="site-title">
          <Link to="/" className="brand">
            {t('site.title')}
          </Link>
        </div>
        <nav aria-label={t('nav.label')}>
          <ul className="nav-list">
            {PORTALS.map((p) => (
              <li key={p.to}>
                <Link to={p.to} aria-current={path.startsWith(p.to) ? 'page' : undefined}>
                  {t(p.label)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="settings" role="group" aria-label={t('settings.label')}>
          <button
            type="button"
            lang={lang === 'ru' ? 'en' : 'ru'}
            onClick={() => {
              setLang(lang === 'ru' ? 'en' : 'ru');
            }}
          >
            {lang === 'ru' ? 'English' : 'Русский'}
          </button>
          <button
            type="button"
            aria-pressed={prefs.largePrint}
            onClick={() => {
              prefs.set({ largePrint: !prefs.largePrint });
            }}
          >
            {t('settings.largePrint')}
          </button>
          <button
            type="button"
            aria-pressed={prefs.highContrast}
            onClick={() => {
              prefs.set({ highContrast: !prefs.highContrast });
            }}
          >
            {t('settings.highContrast')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <p>{t('layout.footer')}</p>
      </footer>
    </>
  );
}
