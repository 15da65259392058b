import { defineConfig } from 'vitest/config';

// Browser tests: need Debian's chromium (/usr/bin/chromium). `npm test` never runs these.
export default defineConfig({
  test: {
    include: ['src/**/*.e2e.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
