import { setTimeout as delay } from 'node:timers/promises';

/**
 * Waits `ms`, or until `signal` aborts: then it rejects with an AbortError, as `fetch` does for an aborted request
 * (Octokit passes that on as it is, without retrying), and no timer is left behind.
 */
export function stoppableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, signal ? { signal } : {});
}
