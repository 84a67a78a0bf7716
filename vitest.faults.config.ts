import { defineConfig } from 'vitest/config';

/**
 * The long fault runs (`npm run test:faults`): real server processes, a throwaway
 * PostgreSQL cluster, kills and restarts. One file at a time, so the faults of one never
 * disturb the timings of another.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
