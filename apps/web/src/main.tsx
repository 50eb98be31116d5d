// Entry point: the providers (language, display preferences) around the routed app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { I18nProvider } from './i18n.tsx';
import { PreferencesProvider } from './preferences.tsx';
import './styles.css';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <I18nProvider>
      <PreferencesProvider>
        <App />
      </PreferencesProvider>
    </I18nProvider>
  </StrictMode>,
);
