import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'web/e2e/**/*.test.ts'],
    globalSetup: ['src/test/global-setup.ts', 'web/e2e/global-setup.ts'],
    pool: 'forks',
    // A worker runs file after file in one module graph: importing the app again for every
    // file cost more than most files' tests. Suites share no state but their databases, which
    // src/test/databases.ts empties between tests.
    isolate: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
