// Login through the identity provider (P-6.4): a plain link, so it works without scripts' help and
// returns to the page it started from.
import { loginUrl } from '../api.ts';
import { useI18n } from '../i18n.tsx';

export function LoginPrompt({ returnTo, why }: { returnTo: string; why: string }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="login-heading" className="panel">
      <h2 id="login-heading">{t('login.heading')}</h2>
      <p>{why}</p>
      <p>
        <a className="button button-primary" href={loginUrl(returnTo)}>
          {t('login.button')}
        </a>
      </p>
    </section>
  );
}

export function LogoutButton() {
  const { t } = useI18n();
  return (
    <form method="post" action="/auth/logout" className="logout">
      <button type="submit" className="button-link">
        {t('login.logout')}
      </button>
    </form>
  );
}
