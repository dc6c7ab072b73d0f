/**
 * The state of a PR for `fleetmod status --refresh`: open / merged / closed and draft from the PR, the review
 * decision from its reviews (each reviewer's latest approving or blocking review counts; a pending request means a
 * review is still required), and one check status combining commit statuses and check runs of the head commit.
 */
import type { RepoRef } from '../../domain/repo.js';
import type { PullRequestStatus } from '../types.js';
import type { GithubApi } from './client.js';
import { CodeHostFailed } from '../../domain/errors.js';
import { call } from './errors.js';
import { getPull } from './pulls.js';

type Check = NonNullable<PullRequestStatus['checks']>;

export async function pullRequestStatus(api: GithubApi, repo: RepoRef, number: number): Promise<PullRequestStatus> {
  const pull = await getPull(api, repo, number);
  if (!pull) throw new CodeHostFailed(`pull request #${number} of ${repo.key} is gone (deleted, or not visible to these credentials)`, 'permanent', 404);
  return {
    state: pull.state,
    draft: pull.draft,
    reviewDecision: await reviewDecision(api, repo, number, pull.reviewers.length + pull.teamReviewers.length > 0),
    checks: pull.headSha ? await checks(api, repo, pull.headSha) : null,
    mergedAt: pull.mergedAt,
  };
}

async function reviewDecision(api: GithubApi, repo: RepoRef, number: number, pendingRequests: boolean): Promise<PullRequestStatus['reviewDecision']> {
  const reviews = await call(`reading reviews of #${number} of ${repo.key}`, () =>
    api.paginate(api.rest.pulls.listReviews, { owner: repo.owner, repo: repo.name, pull_number: number, per_page: 100 }),
  );
  const latest = new Map<string, string>();
  for (const r of reviews) {
    const who = r.user?.login;
    if (!who || !['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED'].includes(r.state)) continue;
    latest.set(who.toLowerCase(), r.state);
  }
  const states = [...latest.values()];
  if (states.includes('CHANGES_REQUESTED')) return 'changes-requested';
  if (pendingRequests) return 'review-required';
  if (states.includes('APPROVED')) return 'approved';
  return null;
}

async function checks(api: GithubApi, repo: RepoRef, sha: string): Promise<PullRequestStatus['checks']> {
  const found: Check[] = [];
  const combined = await call(`reading commit statuses of ${repo.key}`, () => api.rest.repos.getCombinedStatusForRef({ owner: repo.owner, repo: repo.name, ref: sha }));
  if (combined.data.total_count > 0) {
    const s = combined.data.state;
    found.push(s === 'success' ? 'success' : s === 'pending' ? 'pending' : 'failure');
  }
  const runs = await call(`reading check runs of ${repo.key}`, () =>
    api.paginate(api.rest.checks.listForRef, { owner: repo.owner, repo: repo.name, ref: sha, per_page: 100 }),
  );
  for (const run of runs) {
    if (run.status !== 'completed') found.push('pending');
    else found.push(['success', 'neutral', 'skipped'].includes(run.conclusion ?? '') ? 'success' : 'failure');
  }
  if (found.includes('failure')) return 'failure';
  if (found.includes('pending')) return 'pending';
  return found.length > 0 ? 'success' : null;
}
