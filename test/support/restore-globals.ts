/**
 * Runs before every test file (vitest.config.ts's setupFiles). Files share a worker, so a file whose test failed
 * before putting the real clock or a spied function back must not hand them to the next file.
 */
import { afterAll, vi } from 'vitest';

afterAll(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});
