// Builds the app once before the end-to-end tests (vite build into apps/web/dist), as production
// builds it: vitest sets NODE_ENV=test, and Vite would otherwise bundle React's development build.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export async function setup(): Promise<void> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root, configFile: `${root}/vite.config.ts`, mode: 'production', logLevel: 'error' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}
