/**
 * The pull-request part of a plan: how many new PRs the run opens at most, what it does with the PRs an earlier run
 * opened, and how long the new ones take at the configured pace (pr-estimate.ts). An earlier PR counts as GitHub has
 * it now when plan could read it (earlier-pull-requests.ts), else as the journal has it: open. Pure.
 */
import type { Job } from '../manifest/job.js';
import { declinedPullNumber } from '../orchestrator/declined.js';
import type { EarlierPrNow } from './earlier-pull-requests.js';
import { estimatePrCreation, prWrites, type PrEstimate } from './pr-estimate.js';
import type { PlannedRepo, PreviousResult } from './plan.js';

/** The earlier PRs of the repositories in the plan that are not open (any more), by what the run does with them. */
export interface EarlierPrCounts {
  /** Where their state comes from: GitHub now, or the journal (without GitHub access: a PR closed since counts as open). */
  from: 'github' | 'journal';
  /** Merged since: a new PR if the run still changes the repository (counted among the new ones). */
  merged: number;
  /** Closed by fleetmod, or gone from GitHub: a new PR if the run changes the repository (counted among the new ones). */
  closed: number;
  /** Closed by a person without merging: skipped as declined, or opened again with on-existing: recreate. */
  declined: number;
}

export type PlanPullRequests =
  | { opens: false; reason: string }
  | ({
      opens: true;
      draft: boolean;
      notOnGithub: number;
      /** Repositories to run whose PR from the earlier run is open (as `earlierPrs.from` says). */
      withOpenPr: number;
      earlierPrs: EarlierPrCounts;
      onExisting: Job['change']['onExisting'];
    } & PrEstimate);

/** Whether the repository's earlier result left a PR open, as the journal says. */
export function hadOpenPr(previous: PreviousResult | undefined): boolean {
  return Boolean(previous?.prUrl && (previous.outcome === 'pr-opened' || previous.outcome === 'pr-updated'));
}

/** The PR the earlier result names, when it left one open or was skipped because a person closed one (declined). */
export function earlierPrNumber(previous: PreviousResult | undefined): number | undefined {
  if (hadOpenPr(previous)) return previous?.prNumber;
  return previous?.outcome === 'skipped' ? declinedPullNumber(previous.message) : undefined;
}

/** The earlier PR's state as the plan counts it: GitHub's now, else the journal's (open, or declined). */
export function earlierPrState(repo: PlannedRepo): EarlierPrNow['state'] | null {
  if (hadOpenPr(repo.previous)) return repo.prNow?.state ?? 'open';
  if (earlierPrNumber(repo.previous) !== undefined) return repo.prNow?.state ?? 'declined';
  return null;
}

export function planPullRequests(job: Job, toRun: readonly PlannedRepo[], skipped: readonly PlannedRepo[], from: EarlierPrCounts['from']): PlanPullRequests {
  if (!job.change.pr) return { opens: false, reason: 'the job has no change.pr section: branches are pushed, no pull requests' };
  if (job.change.publish === false) return { opens: false, reason: 'publish: false: branches are pushed, no pull requests' };
  const onGithub = toRun.filter((r) => r.kind === 'github');
  const states = onGithub.map(earlierPrState);
  const count = (state: EarlierPrNow['state']) => states.filter((s) => s === state).length;
  const withOpenPr = count('open');
  // on-existing: recreate closes an open PR and opens a new one; update and skip open none for it.
  const recreated = job.change.onExisting === 'recreate' ? withOpenPr : 0;
  return {
    opens: true,
    draft: job.change.publish === 'draft' || job.change.pr.draft,
    notOnGithub: toRun.length - onGithub.length,
    withOpenPr,
    earlierPrs: {
      from,
      merged: count('merged'),
      closed: count('closed-by-fleetmod') + count('gone'),
      // Declined ones are skipped (and among those to run only with on-existing: recreate).
      declined: count('declined') + skipped.filter((r) => earlierPrState(r) === 'declined').length,
    },
    onExisting: job.change.onExisting,
    // A repository whose PR is still open gets that PR updated (or is left alone): it takes none of the creation
    // writes or time — unless it is recreated.
    ...estimatePrCreation(onGithub.length - withOpenPr + recreated, job.limits, prWrites(job.change.pr)),
  };
}
