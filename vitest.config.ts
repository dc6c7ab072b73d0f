import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Test files that replace modules (`vi.mock`) are named `*.isolated.test.ts`: they get a fresh module cache. Every
 * other file shares its worker's modules with the files run before it, so fleetmod's modules are loaded once per
 * worker instead of once per file (import time summed over the suite: 22 s instead of 66 s). That is safe because
 * fleetmod keeps no module-level state; test/unit/test-isolation.test.ts checks the naming rule.
 */
const ISOLATED = 'test/**/*.isolated.test.ts';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Real git, SQLite and bubblewrap run in the tests. On two cores, two files at a time left 10–20% of the CPU
    // idle (tests that wait on a step, a lease or a signal); three keep it busy: 578 s against 644 s for the suite.
    maxWorkers: 3,
    // A file that fails half-way must not leave its fake clock or spies to the next file in the same worker.
    setupFiles: ['test/support/restore-globals.ts'],
    env: {
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
    },
    projects: [
      { extends: true, test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ISOLATED], isolate: false } },
      { extends: true, test: { name: 'isolated', include: [ISOLATED], isolate: true } },
    ],
  },
});
