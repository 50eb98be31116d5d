// A page: its heading (focused by the layout after each navigation, so screen readers announce
// where the user is) and the document title, "page — ДЭГ".
import { useEffect, type ReactNode } from 'react';
import { useI18n } from '../i18n.tsx';

export function Page({ title, lead, children }: { title: string; lead?: ReactNode; children: ReactNode }) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${title} — ${t('site.short')}`;
  }, [title, t]);
  return (
    <>
      <h1 tabIndex={-1} className="page-heading">
        {title}
      </h1>
      {lead !== undefined && <p className="lead">{lead}</p>}
      {children}
    </>
  );
}
