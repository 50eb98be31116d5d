import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'documents',
    include: ['test/**/*.test.ts'],
    // Rendering PDFs and running poppler and openssl takes seconds, not milliseconds.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
