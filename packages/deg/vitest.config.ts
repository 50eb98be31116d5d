import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'deg',
    include: ['test/**/*.test.ts'],
  },
});
