/**
 * The `fetch` every GitHub client uses, so that pacing is measured where requests actually leave the process
 * (after Octokit's plugins, including their retries):
 * - every request waits for the host's pause gate, and a refusal for a rate limit closes the gate for everyone;
 * - mutating requests go through one serial queue, one at a time, each sent at least `writeGapMs` after the
 *   previous one's answer (`notificationGapMs` between requests that notify people);
 * - content-creating requests take a slot of the run's write budget right before they are sent.
 */
import { throttling } from '@octokit/plugin-throttling';
import type { GithubPacing } from './pacing.js';
import { stoppableSleep } from '../../util/sleep.js';
import { monotonicNow, type PauseGate } from './pause-gate.js';
import type { BudgetSlot, WriteBudget } from './write-budget.js';

export interface PacedFetchOptions {
  /** REST base URL; paths are classified relative to it (GHES serves the API under /api/v3). */
  apiUrl: string;
  gate: PauseGate;
  budget: WriteBudget;
  pacing: GithubPacing;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
  /** Waits `ms`; rejects when `signal` aborts first. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * The run's hard stop (a second Ctrl-C, the end of --grace): every wait (a pause until the primary window resets,
   * the write budget, the PR rate) and every request in flight ends at once with an AbortError.
   */
  signal?: AbortSignal;
  /** Told when a write waits for the budget. */
  onBudgetWait?: (waitMs: number, window: 'minute' | 'hour') => void;
  /** `limits.pr-rate`: pull request creations allowed per window, shared by the run. */
  prBudget?: WriteBudget;
  /** Told when a pull request creation waits for `limits.pr-rate`. */
  onPrRateWait?: (waitMs: number) => void;
}

/** `POST /repos/{owner}/{repo}/pulls`: opening a pull request (what `limits.pr-rate` counts). */
const CREATE_PULL = /^\/repos\/[^/]+\/[^/]+\/pulls$/;

/** Token minting is authentication, not content: it skips the write queue and the budget (not the gate). */
const AUTH_PATH = /^\/(app\/installations\/[^/]+\/access_tokens|applications\/[^/]+\/token(\/scoped)?|login\/oauth\/access_token)$/;

export function createPacedFetch(options: PacedFetchOptions): typeof globalThis.fetch {
  const send = options.fetch ?? globalThis.fetch;
  const now = options.now ?? monotonicNow;
  const sleep = options.sleep ?? stoppableSleep;
  const stop = options.signal;
  const { gate, budget, pacing } = options;
  const basePath = new URL(options.apiUrl).pathname.replace(/\/+$/, '');
  let lastWriteEnd = -Infinity;
  let lastNotificationEnd = -Infinity;
  let queue: Promise<unknown> = Promise.resolve();

  const withTimeout = (init: RequestInit | undefined): RequestInit => {
    const timeout = stop ? AbortSignal.any([AbortSignal.timeout(pacing.requestTimeoutMs), stop]) : AbortSignal.timeout(pacing.requestTimeoutMs);
    return { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout };
  };

  const observe = async (response: Response, sentAt: number, write: boolean): Promise<void> => {
    const headers = response.headers;
    if (response.status === 403 || response.status === 429) {
      const text = await response.clone().text().catch(() => '');
      const retryAfter = Number(headers.get('retry-after'));
      const remaining = headers.get('x-ratelimit-remaining');
      if (/secondary rate|abuse detection/i.test(text) || (response.status === 429 && remaining !== '0')) {
        // GitHub's order: retry-after when given; else, with the primary window used up too, until its reset (and
        // never less than the minute a secondary limit asks for); else that minute.
        const fallbackMs = pacing.secondaryFallbackSeconds * 1000;
        const waitMs = retryAfter > 0 ? retryAfter * 1000 : remaining === '0' ? Math.max(untilReset(headers), fallbackMs) : fallbackMs;
        const why = retryAfter > 0 ? `retry-after ${retryAfter}s` : remaining === '0' ? 'no retry-after, primary window used up' : 'no retry-after';
        gate.pause({ waitMs, sentAt, grow: true, write, reason: `secondary rate limit (HTTP ${response.status}, ${why})` });
      } else if (remaining === '0') {
        gate.pause({ waitMs: untilReset(headers), sentAt, grow: false, write, reason: `primary rate limit used up (HTTP ${response.status})` });
      }
      return;
    }
    if (response.ok) gate.succeeded(sentAt, write);
    const limit = Number(headers.get('x-ratelimit-limit'));
    const left = Number(headers.get('x-ratelimit-remaining'));
    // Stop before the primary window is empty instead of running into it (≈ 2 % kept for status refreshes). Only
    // the core window: search has its own small one (30/min) that must not stop everything else.
    const resource = headers.get('x-ratelimit-resource') ?? 'core';
    if (resource === 'core' && limit > 0 && headers.has('x-ratelimit-remaining') && left < limit * 0.02) {
      gate.pause({ waitMs: untilReset(headers), sentAt, grow: false, write, reason: `only ${left} of ${limit} requests left until the primary window resets` });
    }
  };

  const read = async (url: string, init: RequestInit | undefined): Promise<Response> => {
    await gate.wait(stop);
    const sentAt = now();
    const response = await send(url, withTimeout(init));
    await observe(response, sentAt, false);
    return response;
  };

  /**
   * A slot of `limits.pr-rate`, taken before the request joins the serial write queue: a creation waiting for the
   * PR rate must not hold up other repositories' label or update writes behind it.
   */
  const prRateSlot = async (): Promise<BudgetSlot> => {
    const prBudget = options.prBudget as WriteBudget;
    let announced = false;
    for (;;) {
      const answer = prBudget.tryTake(now());
      if ('slot' in answer) return answer.slot;
      if (!announced) options.onPrRateWait?.(answer.waitMs);
      announced = true;
      await sleep(answer.waitMs, stop);
    }
  };

  const write = async (url: string, init: RequestInit | undefined, notifies: boolean, prSlot?: BudgetSlot): Promise<Response> => {
    let slot: { done(at: number): void } | undefined;
    let announced = false;
    for (;;) {
      await gate.wait(stop);
      const at = now();
      const ready = Math.max(lastWriteEnd + pacing.writeGapMs, notifies ? lastNotificationEnd + pacing.notificationGapMs : -Infinity);
      if (at < ready) {
        await sleep(ready - at, stop);
        continue;
      }
      if (gate.pausedUntil() > at) continue;
      const answer = budget.tryTake(at);
      if ('slot' in answer) {
        slot = answer.slot;
        break;
      }
      if (!announced) options.onBudgetWait?.(answer.waitMs, answer.window);
      announced = true;
      await sleep(answer.waitMs, stop);
    }
    const sentAt = now();
    try {
      const response = await send(url, withTimeout(init));
      await observe(response, sentAt, true);
      return response;
    } finally {
      const end = now();
      slot.done(end);
      prSlot?.done(end);
      lastWriteEnd = end;
      if (notifies) lastNotificationEnd = end;
    }
  };

  return (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET')).toUpperCase();
    const pathname = new URL(url).pathname;
    const route = pathname.startsWith(basePath) ? pathname.slice(basePath.length) || '/' : pathname;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || AUTH_PATH.test(route)) return read(url, init);
    const notifies = throttling.triggersNotification(route);
    if (options.prBudget && method === 'POST' && CREATE_PULL.test(route)) {
      return prRateSlot().then((prSlot) => {
        const mine = queue.then(() => write(url, init, notifies, prSlot));
        queue = mine.catch(() => undefined);
        return mine;
      });
    }
    const mine = queue.then(() => write(url, init, notifies));
    queue = mine.catch(() => undefined);
    return mine;
  };
}

/** Milliseconds until the primary window resets (x-ratelimit-reset is wall-clock epoch seconds), plus a second. */
function untilReset(headers: Headers): number {
  const reset = Number(headers.get('x-ratelimit-reset'));
  if (!(reset > 0)) return 60_000;
  return Math.max(1_000, reset * 1000 - Date.now() + 1_000);
}
