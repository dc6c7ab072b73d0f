/**
 * The rerun-safe pull request: update the open one for the branch (read fresh, since the one found at the start
 * of the task may have been closed or edited since), or open one, then bring labels, assignees and reviewers up
 * to date as a diff. A run that finds everything as wanted writes nothing.
 */
import type { EnsuredPullRequest, PullRequestRef, PullRequestRequest, PullRequestState } from '../types.js';
import type { GithubApi } from './client.js';
import { withCloseMarker } from './close-marker.js';
import { commentOnce } from './comment-once.js';
import { ensureAssignees, ensureLabels, ensureReviewers, reviewersWhoReviewed } from './pr-metadata.js';
import { createPull, fitBody, getPull, toRef, updatePull, type GithubPull } from './pulls.js';

export async function ensurePullRequest(
  api: GithubApi,
  want: PullRequestRequest,
  existing: PullRequestRef | null,
  onPullRequest?: (pr: PullRequestRef) => void,
): Promise<EnsuredPullRequest> {
  const { repo } = want;
  const warnings: string[] = [];
  let pull: GithubPull | null = existing ? await getPull(api, repo, existing.number) : null;
  if (pull && pull.state !== 'open') pull = null;

  let action: EnsuredPullRequest['action'] = 'unchanged';
  let isNew = false;
  if (!pull) {
    const created = await createPull(api, want, warnings);
    pull = created.pull;
    isNew = !created.adopted;
    action = isNew ? 'opened' : 'updated';
  }
  // Told before labels, assignees and reviewers: a failure or crash among those must not leave the PR unjournaled.
  onPullRequest?.(toRef(pull));

  if (!isNew) {
    const patch: { title?: string; body?: string; base?: string } = {};
    if (pull.title !== want.title) patch.title = want.title;
    if (pull.body !== fitBody(want.body)) patch.body = want.body;
    if (pull.base !== want.base) patch.base = want.base;
    if (Object.keys(patch).length > 0) {
      pull = { ...(await updatePull(api, repo, pull.number, patch)), author: pull.author };
      action = 'updated';
    }
    if (pull.draft !== want.draft) {
      warnings.push(`${pull.url} is ${pull.draft ? 'a draft' : 'ready for review'}; GitHub only changes that through GraphQL, so it was left as it is`);
    }
  }

  const reviewed = isNew ? [] : await reviewersWhoReviewed(api, repo, pull.number);
  const wrote = [
    await ensureLabels(api, repo, pull, want.labels, warnings),
    await ensureAssignees(api, repo, pull, want.assignees, warnings),
    await ensureReviewers(api, repo, pull, want, reviewed, warnings),
  ];
  if (action === 'unchanged' && wrote.some(Boolean)) action = 'updated';
  return { pr: { ...toRef(pull), labels: union(pull.labels, want.labels) }, action, warnings };
}


/**
 * Closes the PR with a comment saying why (once, however often the close is tried), marked as fleetmod's: a later
 * run must not take the PR for one a person declined. One that is no longer open was
 * merged or closed by someone else meanwhile (or is gone: closed as far as anyone can see): it is left as it is.
 */
export async function closePullRequest(
  api: GithubApi,
  want: { repo: PullRequestRequest['repo']; number: number; comment: string },
): Promise<{ closedNow: boolean; state: PullRequestState }> {
  const { repo, number } = want;
  const current = await getPull(api, repo, number);
  if (!current || current.state !== 'open') return { closedNow: false, state: current?.state ?? 'closed' };
  await commentOnce(api, repo, number, withCloseMarker(want.comment));
  const closed = await updatePull(api, repo, number, { state: 'closed' });
  return { closedNow: true, state: closed.state };
}

function union(a: readonly string[], b: readonly string[]): string[] {
  const seen = new Set(a.map((x) => x.toLowerCase()));
  return [...a, ...b.filter((x) => !seen.has(x.toLowerCase()))];
}
