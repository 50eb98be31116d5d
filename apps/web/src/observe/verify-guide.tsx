// Downloads and how to verify independently (P-10.10): what is published, where to get it, and the
// commands that check it without trusting the operator.
import { useI18n } from '../i18n.tsx';

const DOWNLOADS = [
  { href: '/api/election/manifest', key: 'observe.dl.manifest' },
  { href: '/log/checkpoint', key: 'observe.dl.checkpoint' },
  { href: '/api/figures', key: 'observe.dl.figures' },
  { href: '/openapi.json', key: 'observe.dl.openapi' },
] as const;

export function VerifyGuide() {
  const { t } = useI18n();
  return (
    <>
      <section aria-labelledby="downloads-heading">
        <h2 id="downloads-heading">{t('observe.downloadsHeading')}</h2>
        <ul>
          {DOWNLOADS.map((d) => (
            <li key={d.href}>
              <a href={d.href}>{t(d.key)}</a> (<code>{d.href}</code>)
            </li>
          ))}
        </ul>
        <p>{t('observe.tilesText')}</p>
      </section>
      <section aria-labelledby="guide-heading">
        <h2 id="guide-heading">{t('observe.guideHeading')}</h2>
        <ol>
          <li>{t('observe.guide1')}</li>
          <li>{t('observe.guide2')}</li>
          <li>{t('observe.guide3')}</li>
          <li>{t('observe.guide4')}</li>
        </ol>
        <pre>
          <code>
            {
              'node packages/election/bin/opendeg-verify.js <record directory or record.tar> [--json]\nnpm run opendeg -- verify <record>'
            }
          </code>
        </pre>
      </section>
    </>
  );
}
