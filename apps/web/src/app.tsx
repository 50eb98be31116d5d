// The routes of the front end. Each portal is its own chunk, so the voting page loads only what
// voting needs (the observer's chart and the commission's tables stay out of its bundle).
import { lazy, Suspense, type ReactNode } from 'react';
import { useI18n } from './i18n.tsx';
import { Layout } from './layout.tsx';
import { HomePage } from './pages/home-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { useRoute } from './router.tsx';

const ApplyPage = lazy(() => import('./pages/apply-page.tsx').then((m) => ({ default: m.ApplyPage })));
const VotePage = lazy(() => import('./voting/vote-page.tsx').then((m) => ({ default: m.VotePage })));
const FindBallotPage = lazy(() =>
  import('./verify/find-ballot-page.tsx').then((m) => ({ default: m.FindBallotPage })),
);
const ObservePage = lazy(() =>
  import('./observe/observe-page.tsx').then((m) => ({ default: m.ObservePage })),
);
const CommissionPage = lazy(() =>
  import('./commission/commission-page.tsx').then((m) => ({ default: m.CommissionPage })),
);

function Loading() {
  const { t } = useI18n();
  return (
    <p role="status" className="loading">
      {t('common.loading')}
    </p>
  );
}

function pageOf(path: string): ReactNode {
  if (path === '/') return <HomePage />;
  if (path === '/apply') return <ApplyPage />;
  if (path === '/vote' || path === '/vote/large') return <VotePage />;
  if (path === '/verify') return <FindBallotPage />;
  if (path === '/observe' || path.startsWith('/observe/')) return <ObservePage />;
  if (path === '/commission' || path.startsWith('/commission/')) return <CommissionPage />;
  return <NotFoundPage />;
}

export function App() {
  const { path } = useRoute();
  return (
    <Layout>
      <Suspense fallback={<Loading />}>{pageOf(path)}</Suspense>
    </Layout>
  );
}
