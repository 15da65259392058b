import { defineConfig } from 'vitest/config';

// Tests against a real IMAP server (Debian's dovecot on loopback). `npm test` never runs these:
// `npm run test:imap` installs dovecot-imapd when missing, and `.ci/run` runs it.
export default defineConfig({
  test: {
    include: ['src/**/*.imap.test.ts'],
    globalSetup: ['src/testing/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
