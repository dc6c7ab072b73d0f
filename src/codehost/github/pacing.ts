/**
 * How fast fleetmod may talk to GitHub. The defaults follow GitHub's documented guidance (one mutating request at
 * a time, ≥ 1 s apart; the content-creation limits of 80/min and 500/h with ~20 % headroom). The manifest sets
 * the budget (`limits.github-writes`, `limits.github-writes-per-hour`); everything else may only be changed
 * through FLEETMOD_GITHUB_PACING, a test hook that shrinks the waits so a 50-repository test runs in seconds.
 */
import { UsageError } from '../../domain/errors.js';
import type { LimitsSpec } from '../../manifest/job.js';

export interface GithubPacing {
  /** Least time from the end of one mutating request to the start of the next. @default 1000 */
  writeGapMs: number;
  /** The same between two requests that notify people (PR creation, review requests, comments). @default 3000 */
  notificationGapMs: number;
  /** Content-creating requests allowed per `minuteMs`. @default 60 */
  perMinute: number;
  /** Content-creating requests allowed per `hourMs`. @default 400 */
  perHour: number;
  /** Length of the short budget window. @default 60000 */
  minuteMs: number;
  /** Length of the long budget window. @default 3600000 */
  hourMs: number;
  /** Pause after a secondary rate limit that names no `retry-after`, in seconds (GitHub: "at least one minute"). @default 60 */
  secondaryFallbackSeconds: number;
  /** Base of plugin-retry's backoff for 5xx answers (1×, 4×, 9×). @default 1000 */
  retryBaseMs: number;
  /** How long one request may take before it is abandoned. @default 120000 */
  requestTimeoutMs: number;
}

export const PACING_ENV = 'FLEETMOD_GITHUB_PACING';

const DEFAULTS: Omit<GithubPacing, 'perMinute' | 'perHour'> = {
  writeGapMs: 1_000,
  notificationGapMs: 3_000,
  minuteMs: 60_000,
  hourMs: 3_600_000,
  secondaryFallbackSeconds: 60,
  retryBaseMs: 1_000,
  requestTimeoutMs: 120_000,
};

export function pacingFor(limits: Pick<LimitsSpec, 'githubWritesPerMinute' | 'githubWritesPerHour'>, env: NodeJS.ProcessEnv): GithubPacing {
  const pacing: GithubPacing = { ...DEFAULTS, perMinute: limits.githubWritesPerMinute, perHour: limits.githubWritesPerHour };
  const raw = env[PACING_ENV];
  if (!raw) return pacing;
  let overrides: unknown;
  try {
    overrides = JSON.parse(raw);
  } catch {
    throw new UsageError(`${PACING_ENV} must be a JSON object such as {"writeGapMs":0}`);
  }
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw new UsageError(`${PACING_ENV} must be a JSON object such as {"writeGapMs":0}`);
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in pacing)) throw new UsageError(`${PACING_ENV}: unknown setting "${key}" (known: ${Object.keys(pacing).join(', ')})`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new UsageError(`${PACING_ENV}: ${key} must be a number ≥ 0, got ${JSON.stringify(value)}`);
    }
    pacing[key as keyof GithubPacing] = value;
  }
  return pacing;
}
