// An address the front end does not know.
import { useI18n } from '../i18n.tsx';
import { Link } from '../router.tsx';
import { Page } from '../components/page.tsx';

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <Page title={t('notFound.title')}>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </Page>
  );
}
