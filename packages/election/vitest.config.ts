import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'election',
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
  },
});
