/**
 * Creating a sandbox when E2B pushes back: a 429 (concurrency or creation-rate cap hit, e.g. by another process
 * on the same account), a 503 or another 5xx, or a network failure is retried with exponential backoff and
 * jitter; anything else is final. The SDK itself only retries a 429 that carries an integer Retry-After.
 */
import { RateLimitError } from 'e2b';
import { Interrupted } from '../../domain/errors.js';
import { backoffMs } from '../../orchestrator/classify.js';
import { isRetryableApiError } from './errors.js';

export interface CreateRetryOptions {
  /** Attempts in all, the first included. @default 8 */
  attempts?: number;
  /** First backoff ceiling; doubles per attempt. @default 1000 */
  baseMs?: number;
  /** Largest backoff. @default 30000 */
  capMs?: number;
}

export interface RetryReport {
  attempt: number;
  delayMs: number;
  error: unknown;
}

export async function createWithRetry<T>(
  create: () => Promise<T>,
  options: CreateRetryOptions & {
    signal: AbortSignal;
    sleep: (ms: number, signal: AbortSignal) => Promise<void>;
    onRetry?: (report: RetryReport) => void;
    /**
     * Every attempt waits for a creation slot (the job's rate): the first 429 is then retried without a backoff of
     * its own — the slot spaces it, and most such refusals are a moment's jitter at the window's edge. Later
     * refusals (a cap that persists, e.g. another process on the account) back off as usual.
     */
    paced?: boolean;
  },
): Promise<{ value: T; attempts: number } | { error: unknown; attempts: number; retryable: boolean }> {
  const attempts = Math.max(1, options.attempts ?? 8);
  for (let attempt = 1; ; attempt += 1) {
    if (options.signal.aborted) throw new Interrupted('stopped while creating an E2B sandbox');
    try {
      return { value: await create(), attempts: attempt };
    } catch (error) {
      // A stop while waiting for the creation slot, or during the create itself, is the stop, not E2B failing.
      if (error instanceof Interrupted) throw error;
      if (options.signal.aborted) throw new Interrupted('stopped while creating an E2B sandbox');
      const retryable = isRetryableApiError(error);
      if (!retryable || attempt >= attempts) return { error, attempts: attempt, retryable };
      const delayMs = options.paced && attempt === 1 && error instanceof RateLimitError ? 0 : backoffMs(attempt, options.baseMs ?? 1_000, options.capMs ?? 30_000);
      options.onRetry?.({ attempt, delayMs, error });
      if (delayMs > 0) await options.sleep(delayMs, options.signal);
    }
  }
}
