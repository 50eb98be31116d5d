import { defineConfig } from 'vitest/config';

// End-to-end tests in Debian's Chromium: the app is built once (globalSetup), then each file starts
// a real API server, the web server (server/serve.ts) and a browser. One file at a time: the
// machine's two cores are shared.
export default defineConfig({
  test: {
    name: 'web',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
