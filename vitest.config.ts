import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'web/e2e/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // A worker runs file after file in one module graph: importing the app again for every
    // file cost more than most files' tests. Suites share no state but their databases, which
    // src/test/databases.ts empties between tests.
    isolate: false,
    // Vitest's default is one worker per core but one: a single worker on a 2-core machine,
    // while most of a file's time is waiting on PostgreSQL, a browser, a spawned server or a
    // mail server. Two keep both cores busy (three timed out heavy files on a loaded machine).
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
