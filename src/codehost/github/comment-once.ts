/**
 * A comment that is posted at most once per PR: closing a PR comments first and closes second, so a retry after
 * the close failed, or a run resumed after a crash between the two, must find its comment there and not repeat
 * it. The text names the run, so an equal comment is this run's own.
 *
 * The POST is never retried blind: a 502 or a dropped connection can come after GitHub made the comment, and
 * posting again would post it twice. After a failure the comments are read again, and the failure stands (for the
 * run's own retry, which starts with that read too) only when the comment is not there.
 */
import type { RepoRef } from '../../domain/repo.js';
import type { GithubApi } from './client.js';
import { call } from './errors.js';

export async function commentOnce(api: GithubApi, repo: RepoRef, number: number, body: string): Promise<void> {
  if (await hasComment(api, repo, number, body)) return;
  try {
    await call(`commenting on pull request #${number} of ${repo.key}`, () =>
      // plugin-retry would send it again after a 5xx; the throttling plugin still retries what a rate limit refused.
      api.rest.issues.createComment({ owner: repo.owner, repo: repo.name, issue_number: number, body, request: { retries: 0 } }),
    );
  } catch (err) {
    if (await hasComment(api, repo, number, body)) return;
    throw err;
  }
}

async function hasComment(api: GithubApi, repo: RepoRef, number: number, body: string): Promise<boolean> {
  const comments = await call(`reading the comments of pull request #${number} of ${repo.key}`, () =>
    api.paginate(api.rest.issues.listComments, { owner: repo.owner, repo: repo.name, issue_number: number, per_page: 100 }),
  );
  return comments.some((c) => c.body?.trim() === body.trim());
}
