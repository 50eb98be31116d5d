// After voting (seeds 002/003): the confirmation and the receipt — the tracker code to compare in
// the public ballot list, a file to keep, and the way to "find my ballot".
import { useI18n } from '../i18n.tsx';
import { Link } from '../router.tsx';
import { formatDateTime } from '../format.ts';
import type { ReceiptView } from './progress.ts';

export function downloadJson(name: string, value: unknown): void {
  const blob = new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 1000);
}

export function ReceiptPanel({ receipt, timeZone }: { receipt: ReceiptView; timeZone: string }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="receipt-heading" className="panel receipt">
      <h2 id="receipt-heading">{t('vote.receiptHeading')}</h2>
      <p className="notice notice-ok" role="status">
        {t('vote.accepted')}
      </p>
      <p>{t('vote.trackerIntro')}</p>
      <p className="tracker" data-testid="tracker-code">
        {receipt.tracker.code}
      </p>
      <p className="hint">{t('vote.receivedAt', { at: formatDateTime(receipt.receivedAt, timeZone) })}</p>
      <div className="actions">
        <button
          type="button"
          onClick={() => {
            downloadJson(`receipt-${receipt.tracker.code}.json`, {
              ...receipt.box,
              receivedAt: receipt.receivedAt,
            });
          }}
        >
          {t('vote.download')}
        </button>
        <Link to={`/verify?tracker=${receipt.tracker.hash}`} className="button">
          {t('vote.findBallot')}
        </Link>
      </div>
    </section>
  );
}
