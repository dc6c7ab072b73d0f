/**
 * How a PR that fleetmod closed says so, to any later run on any machine: the comment fleetmod posts when it closes
 * one (close-stale, on-existing: recreate) ends with a hidden marker. A PR closed without such a comment was closed
 * by a person — the change was declined — and is not opened again (orchestrator/declined.ts). The journal's
 * pr_close_requested_at would say the same only on the machine that closed it.
 */
import type { RepoRef } from '../../domain/repo.js';
import type { GithubApi } from './client.js';
import { call } from './errors.js';

/** HTML comment: GitHub does not show it. */
export const CLOSED_BY_FLEETMOD = '<!-- fleetmod: closed by fleetmod -->';

/** Closing comments of fleetmod versions before the marker, by their wording (orchestrator/close-stale.ts, pull-request-stage.ts). */
const UNMARKED = [
  /^fleetmod run \S+ of job .+ no longer produces a change for this repository; closing\.$/s,
  /^Superseded by a new pull request from fleetmod run \S+ \(on-existing: recreate\)\.$/,
];

export function withCloseMarker(comment: string): string {
  return `${comment.trimEnd()}\n\n${CLOSED_BY_FLEETMOD}`;
}

export function isClosingComment(body: string): boolean {
  const text = body.trim();
  return text.includes(CLOSED_BY_FLEETMOD) || UNMARKED.some((re) => re.test(text));
}

export async function closedByFleetmod(api: GithubApi, repo: RepoRef, number: number): Promise<boolean> {
  const comments = await call(`reading the comments of pull request #${number} of ${repo.key}`, () =>
    api.paginate(api.rest.issues.listComments, { owner: repo.owner, repo: repo.name, issue_number: number, per_page: 100 }),
  );
  return comments.some((c) => isClosingComment(c.body ?? ''));
}
