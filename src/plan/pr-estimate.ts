/**
 * How long creating N pull requests takes under the job's pace: `limits.pr-rate` and the GitHub content-creation
 * budget (`limits.github-writes` per minute, `limits.github-writes-per-hour`), with each PR costing about three
 * content-creating writes (create, labels, reviewers), writes at least 1 s apart and PR creations at least 3 s
 * apart (github-api.md §1.4, §2). A greedy schedule of every write under sliding windows gives the time; the
 * steady-state rates name the limit that dominates.
 */
import type { LimitsSpec, Rate } from '../manifest/job.js';

/** Content-creating writes per pull request: create, add labels, request reviewers. */
export const WRITES_PER_PR = 3;
/** The write lane keeps mutations at least this far apart. */
export const WRITE_SPACING_MS = 1_000;
/** GitHub asks for pauses between notification-triggering creations (plugin-throttling's notifications lane). */
export const PR_CREATE_SPACING_MS = 3_000;

export type PrBound = 'pr-rate' | 'github-writes' | 'github-writes-per-hour' | 'write-spacing';

export interface PrEstimate {
  pullRequests: number;
  writes: number;
  /** Time from the first to the last write if every repo were ready at once. */
  durationMs: number;
  /** Sustained pull requests per hour under each limit (pr-rate only when set). */
  perHour: Partial<Record<PrBound, number>>;
  /** The limit with the lowest sustained rate. */
  bottleneck: PrBound;
}

export function estimatePrCreation(pullRequests: number, limits: Pick<LimitsSpec, 'prRate' | 'githubWritesPerMinute' | 'githubWritesPerHour'>): PrEstimate {
  const perHour = sustainedRates(limits);
  const bounds = Object.entries(perHour) as [PrBound, number][];
  const bottleneck = bounds.reduce((a, b) => (b[1] < a[1] ? b : a))[0];
  return {
    pullRequests,
    writes: pullRequests * WRITES_PER_PR,
    durationMs: simulate(pullRequests, limits.prRate, limits.githubWritesPerMinute, limits.githubWritesPerHour),
    perHour,
    bottleneck,
  };
}

function sustainedRates(limits: Pick<LimitsSpec, 'prRate' | 'githubWritesPerMinute' | 'githubWritesPerHour'>): Partial<Record<PrBound, number>> {
  const hour = 3_600_000;
  return {
    ...(limits.prRate && { 'pr-rate': (limits.prRate.count * hour) / limits.prRate.perMs }),
    'github-writes': (limits.githubWritesPerMinute * 60) / WRITES_PER_PR,
    'github-writes-per-hour': limits.githubWritesPerHour / WRITES_PER_PR,
    'write-spacing': hour / Math.max(PR_CREATE_SPACING_MS, WRITES_PER_PR * WRITE_SPACING_MS),
  };
}

/** Earliest time of every write under all constraints; returns the time of the last one. */
function simulate(pullRequests: number, prRate: Rate | undefined, perMinute: number, perHour: number): number {
  if (pullRequests === 0) return 0;
  const writes: number[] = [];
  const starts: number[] = [];
  for (let pr = 0; pr < pullRequests; pr += 1) {
    for (let w = 0; w < WRITES_PER_PR; w += 1) {
      const k = writes.length;
      let at = k === 0 ? 0 : (writes[k - 1] as number) + WRITE_SPACING_MS;
      if (w === 0 && pr > 0) at = Math.max(at, (starts[pr - 1] as number) + PR_CREATE_SPACING_MS);
      if (w === 0 && prRate && pr >= prRate.count) at = Math.max(at, (starts[pr - prRate.count] as number) + prRate.perMs);
      if (k >= perMinute) at = Math.max(at, (writes[k - perMinute] as number) + 60_000);
      if (k >= perHour) at = Math.max(at, (writes[k - perHour] as number) + 3_600_000);
      writes.push(at);
      if (w === 0) starts.push(at);
    }
  }
  return writes[writes.length - 1] as number;
}
