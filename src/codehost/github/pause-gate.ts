/**
 * The host-wide pause gate. GitHub asks clients to stop *all* requests while a rate limit is in effect, but
 * plugin-throttling only delays the request that was refused (the others keep going). Every request to a host
 * awaits this gate before it is sent; a refused request closes it for the wait GitHub named.
 */
import { stoppableSleep } from '../../util/sleep.js';

export interface PauseRequest {
  /** How long GitHub asked to wait (retry-after, or until the reset of the primary window). */
  waitMs: number;
  /** When the refused request was sent; refusals of requests sent before the current pause began do not count twice. */
  sentAt: number;
  /** Grow the wait exponentially while refusals continue (secondary limits); primary resets are exact. */
  grow: boolean;
  /** The refused request was a mutating one (GitHub's content-creation limit refuses only those). */
  write: boolean;
  reason: string;
}

export interface PauseGate {
  /**
   * Resolves once no pause is in effect (a pause extended while waiting is waited for too); rejects with an
   * AbortError when `signal` aborts first — a pause can last an hour, a hard stop cannot wait for it.
   */
  wait(signal?: AbortSignal): Promise<void>;
  /** Records a refusal and closes the gate. */
  pause(request: PauseRequest): void;
  /**
   * A request sent at `sentAt` went through: the next refusal starts again from the wait GitHub names — unless a
   * write was refused and this was a read, which says nothing about the content-creation limit that refused it.
   */
  succeeded(sentAt: number, write: boolean): void;
  /** End of the current pause (a time in the past when open). */
  pausedUntil(): number;
}

export interface PauseGateOptions {
  now?: () => number;
  /** Waits `ms`; rejects (an AbortError) when `signal` aborts first. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Told about every pause (to print "pausing GitHub requests for 60 s"). */
  onPause?: (event: { until: number; waitMs: number; reason: string }) => void;
  /** Longest pause that doubling reaches (never shorter than the wait GitHub named). @default 15 minutes */
  maxGrownWaitMs?: number;
  /**
   * Longest pause of any kind: only a guard against an absurd wait (a reset time far in the future, from a clock
   * far behind GitHub's or a broken proxy). GitHub's primary window is one hour, so its reset is never further;
   * five minutes more allow for this machine's clock running behind. @default 65 minutes
   */
  maxWaitMs?: number;
}

export function createPauseGate(options: PauseGateOptions = {}): PauseGate {
  const now = options.now ?? monotonicNow;
  const sleep = options.sleep ?? stoppableSleep;
  const maxGrownWaitMs = options.maxGrownWaitMs ?? 15 * 60_000;
  const maxWaitMs = options.maxWaitMs ?? 65 * 60_000;
  let until = 0;
  let startedAt = -Infinity;
  /** Refusals in a row (of requests sent after the pause before them began), reset by a success. */
  let streak = 0;
  /**
   * When a write was last refused in the streak: until a write goes through, only that shows the content-creation
   * limit is over — or this long without another refused write (the run may have no write left to try).
   */
  let writeRefusedAt: number | null = null;

  return {
    async wait(signal) {
      for (let left = until - now(); left > 0; left = until - now()) await sleep(left, signal);
    },
    pause(request) {
      const at = now();
      // A request already in flight when the current pause began belongs to the same episode: it must not double
      // the wait. One sent after the pause began (so after it ended) was refused again: GitHub is still limiting.
      const again = request.sentAt >= startedAt;
      const factor = request.grow && again ? 2 ** streak : 1;
      if (request.grow && again) streak += 1;
      if (request.grow && request.write) writeRefusedAt = at;
      // Only the doubling is capped, never below the wait GitHub named: a primary reset or a retry-after is waited
      // for in full, since a request sent before it is only refused again (and GitHub may ban an integration that
      // keeps making requests while it is limited).
      const wanted = request.grow ? Math.max(request.waitMs, Math.min(maxGrownWaitMs, request.waitMs * factor)) : request.waitMs;
      const waitMs = Math.min(maxWaitMs, wanted);
      if (at + waitMs <= until) return;
      until = at + waitMs;
      startedAt = at;
      options.onPause?.({ until, waitMs, reason: request.reason });
    },
    succeeded(sentAt, write) {
      // Reads keep going through while GitHub blocks content creation: their success must not end the doubling.
      if (sentAt < startedAt) return;
      // Counted from the end of the pause that refusal led to: reads wait behind it, so the first read after a long
      // pause must not end the doubling as if writes had been left alone all that time.
      if (!write && writeRefusedAt !== null && now() - Math.max(writeRefusedAt, until) < maxGrownWaitMs) return;
      streak = 0;
      writeRefusedAt = null;
    },
    pausedUntil() {
      return until;
    },
  };
}

/** Milliseconds on a clock that never goes backwards, comparable across the process (and with the forge's log). */
export function monotonicNow(): number {
  return performance.timeOrigin + performance.now();
}
