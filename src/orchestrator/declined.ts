/**
 * A declined change: the newest PR from the change's branch into the base was closed without being merged, and not
 * by fleetmod (close-stale, on-existing: recreate). Renovate's rule — a closed PR means "no" — because otherwise
 * every run pushes the branch again and opens a new PR, every night, until the team blocks the tool. Looked at in
 * the resolve stage, before anything is pushed; a merged PR is no answer to a later change, and neither is a PR
 * fleetmod closed itself.
 */
import type { BranchPullRequests, ClosedPullRequest, CodeHost } from '../codehost/types.js';
import type { RepoRef } from '../domain/repo.js';

export const NO_PULL_REQUESTS: BranchPullRequests = { open: null, lastClosed: null };

/** The newer of two closed PRs of one repository (its numbers only grow), from the branch here and from a fork. */
export function newerClosed(a: ClosedPullRequest | null, b: ClosedPullRequest | null): ClosedPullRequest | null {
  if (!a || !b) return a ?? b;
  return b.number > a.number ? b : a;
}

/** The PR a declined skip reason (declinedReason's words, as the journal keeps them) names, else undefined. */
export function declinedPullNumber(skipReason: string | null | undefined): number | undefined {
  const number = /^pull request #(\d+) was closed without merging\b/.exec(skipReason ?? '')?.[1];
  return number === undefined ? undefined : Number(number);
}

/**
 * The skip reason when the PR was declined, or null. Costs one look at the PR's comments, and only for a branch
 * whose newest PR was closed without a merge: fleetmod's own closes are told by the comment it posts with them.
 */
export async function declinedReason(codeHost: CodeHost, repo: RepoRef, closed: ClosedPullRequest | null): Promise<string | null> {
  if (closed?.state !== 'closed' || !codeHost.closedByFleetmod) return null;
  if (await codeHost.closedByFleetmod(repo, closed.number)) return null;
  const when = closed.closedAt ? ` (${closed.closedAt.slice(0, 10)})` : '';
  return `pull request #${closed.number} was closed without merging${when}; not opened again — set change.on-existing: recreate to open a new one`;
}
