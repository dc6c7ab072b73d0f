import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Real git, SQLite and bubblewrap run in the tests. On two cores, two files at a time left 10–20% of the CPU
    // idle (tests that wait on a step, a lease or a signal); three keep it busy: 578 s against 644 s for the suite.
    maxWorkers: 3,
    env: {
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
    },
  },
});
