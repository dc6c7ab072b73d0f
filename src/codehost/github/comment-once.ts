/**
 * A comment that is posted at most once per PR: closing a PR comments first and closes second, so a retry after
 * the close failed, or a run resumed after a crash between the two, must find its comment there and not repeat
 * it. The text names the run, so an equal comment is this run's own.
 */
import type { RepoRef } from '../../domain/repo.js';
import type { GithubApi } from './client.js';
import { call } from './errors.js';

export async function commentOnce(api: GithubApi, repo: RepoRef, number: number, body: string): Promise<void> {
  const comments = await call(`reading the comments of pull request #${number} of ${repo.key}`, () =>
    api.paginate(api.rest.issues.listComments, { owner: repo.owner, repo: repo.name, issue_number: number, per_page: 100 }),
  );
  if (comments.some((c) => c.body?.trim() === body.trim())) return;
  await call(`commenting on pull request #${number} of ${repo.key}`, () =>
    api.rest.issues.createComment({ owner: repo.owner, repo: repo.name, issue_number: number, body }),
  );
}
