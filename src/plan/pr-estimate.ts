/**
 * How long creating N pull requests takes under the job's pace: `limits.pr-rate` and the GitHub content-creation
 * budget (`limits.github-writes` per minute, `limits.github-writes-per-hour`). A new PR costs one content-creating
 * write for the creation plus one each for labels, assignees and review requests when the job has them (usually
 * about three). Writes go out one at a time at least 1 s apart, and requests that notify people (the creation, the
 * review request) at least 3 s apart — the GitHub code host's pacing (codehost/github/pacing.ts). A greedy
 * schedule of every write under sliding windows gives the time; the sustained rates name the limit that dominates.
 */
import type { LimitsSpec, PullRequestSpec, Rate } from '../manifest/job.js';

/** The write lane keeps mutations at least this far apart. */
export const WRITE_SPACING_MS = 1_000;
/** Requests that notify people (PR creation, review requests) are kept at least this far apart. */
export const NOTIFICATION_SPACING_MS = 3_000;

export type PrBound = 'pr-rate' | 'github-writes' | 'github-writes-per-hour' | 'write-spacing';

/** One content-creating request of a new pull request. */
export interface PrWrite {
  what: 'create' | 'labels' | 'assignees' | 'reviewers';
  notifies: boolean;
}

export interface PrEstimate {
  pullRequests: number;
  /** The writes one new pull request costs, in order. */
  writesPerPr: PrWrite['what'][];
  writes: number;
  /** Time from the first to the last write if every repo were ready at once. */
  durationMs: number;
  /** Sustained pull requests per hour under each limit (pr-rate only when set). */
  perHour: Partial<Record<PrBound, number>>;
  /** The limit with the lowest sustained rate. */
  bottleneck: PrBound;
}

export type PrPace = Pick<LimitsSpec, 'prRate' | 'githubWritesPerMinute' | 'githubWritesPerHour'>;

/** The writes a new PR of this shape costs: creation, then labels, assignees and review requests when set. */
export function prWrites(pr: Pick<PullRequestSpec, 'labels' | 'assignees' | 'reviewers' | 'teamReviewers'>): PrWrite[] {
  return [
    { what: 'create', notifies: true },
    ...(pr.labels.length ? [{ what: 'labels', notifies: false } as const] : []),
    ...(pr.assignees.length ? [{ what: 'assignees', notifies: false } as const] : []),
    ...(pr.reviewers.length || pr.teamReviewers.length ? [{ what: 'reviewers', notifies: true } as const] : []),
  ];
}

export function estimatePrCreation(pullRequests: number, limits: PrPace, writes: readonly PrWrite[] = DEFAULT_WRITES): PrEstimate {
  const perHour = sustainedRates(limits, writes);
  const bounds = Object.entries(perHour) as [PrBound, number][];
  const bottleneck = bounds.reduce((a, b) => (b[1] < a[1] ? b : a))[0];
  return {
    pullRequests,
    writesPerPr: writes.map((w) => w.what),
    writes: pullRequests * writes.length,
    durationMs: simulate(pullRequests, writes, limits),
    perHour,
    bottleneck,
  };
}

/** Creation, labels and review requests: the usual three. */
const DEFAULT_WRITES: readonly PrWrite[] = [
  { what: 'create', notifies: true },
  { what: 'labels', notifies: false },
  { what: 'reviewers', notifies: true },
];

function sustainedRates(limits: PrPace, writes: readonly PrWrite[]): Partial<Record<PrBound, number>> {
  const hour = 3_600_000;
  const notifying = writes.filter((w) => w.notifies).length;
  const spacingPerPr = Math.max(writes.length * WRITE_SPACING_MS, notifying * NOTIFICATION_SPACING_MS);
  return {
    ...(limits.prRate && { 'pr-rate': (limits.prRate.count * hour) / limits.prRate.perMs }),
    'github-writes': (limits.githubWritesPerMinute * 60) / writes.length,
    'github-writes-per-hour': limits.githubWritesPerHour / writes.length,
    'write-spacing': hour / spacingPerPr,
  };
}

/** Earliest time of every write under all constraints; returns the time of the last one. */
function simulate(pullRequests: number, writes: readonly PrWrite[], limits: PrPace): number {
  if (pullRequests === 0 || writes.length === 0) return 0;
  const prRate: Rate | undefined = limits.prRate;
  const perMinute = limits.githubWritesPerMinute;
  const perHour = limits.githubWritesPerHour;
  const times: number[] = [];
  const creations: number[] = [];
  let lastNotification = -Infinity;
  for (let pr = 0; pr < pullRequests; pr += 1) {
    for (const write of writes) {
      const k = times.length;
      let at = k === 0 ? 0 : (times[k - 1] as number) + WRITE_SPACING_MS;
      if (write.notifies) at = Math.max(at, lastNotification + NOTIFICATION_SPACING_MS);
      if (write.what === 'create' && prRate && pr >= prRate.count) at = Math.max(at, (creations[pr - prRate.count] as number) + prRate.perMs);
      if (k >= perMinute) at = Math.max(at, (times[k - perMinute] as number) + 60_000);
      if (k >= perHour) at = Math.max(at, (times[k - perHour] as number) + 3_600_000);
      times.push(at);
      if (write.notifies) lastNotification = at;
      if (write.what === 'create') creations.push(at);
    }
  }
  return times[times.length - 1] as number;
}
