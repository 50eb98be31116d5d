// A failure as the user should read it: the server's message in the current language, what can be
// done, and the event id to quote to support — never a stack trace.
import { ApiFailure } from '../api.ts';
import { useI18n } from '../i18n.tsx';

export function ErrorNotice({ error }: { error: unknown }) {
  const { t, pick } = useI18n();
  if (error === undefined || error === null) return null;
  const failure = error instanceof ApiFailure ? error : undefined;
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-title">{failure ? pick(failure.text) : t('error.unexpected')}</p>
      {failure && failure.refusals.length > 0 && (
        <ul className="refusals">
          {failure.refusals.map((r) => (
            <li key={r.code} data-code={r.code}>
              {pick(r.message)}
            </li>
          ))}
        </ul>
      )}
      {failure?.eventId !== undefined && (
        <p className="event-id">{t('error.eventId', { id: failure.eventId })}</p>
      )}
    </div>
  );
}
