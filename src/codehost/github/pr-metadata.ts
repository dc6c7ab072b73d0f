/**
 * Labels, assignees and reviewers kept in sync as a diff: only what is missing is requested, so a re-run writes
 * nothing when nothing changed (each write counts against the content-creation budget). Nothing a person added
 * is removed, and a reviewer who already reviewed is not asked again. Problems with one reviewer or assignee are
 * warnings, not failures: the PR is there either way.
 */
import type { RepoRef } from '../../domain/repo.js';
import type { GithubApi } from './client.js';
import { call, messagesOf, statusOf, toCodeHostError } from './errors.js';
import type { GithubPull } from './pulls.js';

const missing = (want: readonly string[], have: readonly string[]): string[] => {
  const present = new Set(have.map((h) => h.toLowerCase()));
  const seen = new Set<string>();
  return want.filter((w) => {
    const key = w.toLowerCase();
    if (present.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/** Adds the labels the PR lacks; returns whether it wrote. */
export async function ensureLabels(api: GithubApi, repo: RepoRef, pull: GithubPull, labels: readonly string[], warnings: string[]): Promise<boolean> {
  const add = missing(labels, pull.labels);
  if (add.length === 0) return false;
  try {
    await api.rest.issues.addLabels({ owner: repo.owner, repo: repo.name, issue_number: pull.number, labels: add });
  } catch (err) {
    if (statusOf(err) !== 422) throw toCodeHostError(err, `labelling pull request #${pull.number} of ${repo.key}`);
    warnings.push(`labels ${add.join(', ')} could not be added to ${pull.url}: ${messagesOf(err).join('; ')}`);
  }
  return true;
}

/** Assigns the people the PR lacks; GitHub silently drops assignees it cannot assign, so the answer is checked. */
export async function ensureAssignees(api: GithubApi, repo: RepoRef, pull: GithubPull, assignees: readonly string[], warnings: string[]): Promise<boolean> {
  const add = missing(assignees, pull.assignees);
  if (add.length === 0) return false;
  const { data } = await call(`assigning pull request #${pull.number} of ${repo.key}`, () =>
    api.rest.issues.addAssignees({ owner: repo.owner, repo: repo.name, issue_number: pull.number, assignees: add }),
  );
  const assigned = new Set((data.assignees ?? []).map((a) => a.login.toLowerCase()));
  const dropped = add.filter((a) => !assigned.has(a.toLowerCase()));
  if (dropped.length > 0) warnings.push(`${dropped.join(', ')} could not be assigned to ${pull.url} (not a collaborator?)`);
  return true;
}

/**
 * Requests the reviews the PR lacks. `reviewed` are logins that already reviewed (asking them again would reset
 * their review). A team is asked only while nobody has reviewed: GitHub takes a team off the requested list once
 * one of its members reviews for it, and the reviews do not say for which team — asking again would ask the team
 * for a review it has given. GitHub answers 422 for the whole request when one login or team is not a
 * collaborator and does not say which, so after a refusal each one is requested on its own: one typo does not
 * cost the others.
 */
export async function ensureReviewers(
  api: GithubApi,
  repo: RepoRef,
  pull: GithubPull,
  want: { reviewers: readonly string[]; teamReviewers: readonly string[] },
  reviewed: readonly string[],
  warnings: string[],
): Promise<boolean> {
  const author = pull.author?.toLowerCase();
  if (author && want.reviewers.some((r) => r.toLowerCase() === author)) {
    warnings.push(`not requesting a review from ${pull.author}: they opened ${pull.url}`);
  }
  const users = missing(want.reviewers.filter((r) => r.toLowerCase() !== author), [...pull.reviewers, ...reviewed]);
  const teams = reviewed.length > 0 ? [] : missing(want.teamReviewers, pull.teamReviewers);
  if (users.length === 0 && teams.length === 0) return false;

  /** Null when the request went through, else GitHub's reason. */
  const request = async (reviewers: string[], teamReviewers: string[]): Promise<string | null> => {
    try {
      await api.rest.pulls.requestReviewers({
        owner: repo.owner,
        repo: repo.name,
        pull_number: pull.number,
        ...(reviewers.length > 0 && { reviewers }),
        ...(teamReviewers.length > 0 && { team_reviewers: teamReviewers }),
      });
      return null;
    } catch (err) {
      if (statusOf(err) !== 422) throw toCodeHostError(err, `requesting reviews on pull request #${pull.number} of ${repo.key}`);
      return messagesOf(err).join('; ');
    }
  };
  const whole = await request(users, teams);
  if (whole === null) return true;
  const singles: [string, string[], string[]][] = [...users.map((u): [string, string[], string[]] => [u, [u], []]), ...teams.map((t): [string, string[], string[]] => [`team ${t}`, [], [t]])];
  if (singles.length === 1) {
    warnings.push(`review could not be requested from ${singles[0]?.[0]} on ${pull.url}: ${whole}`);
    return true;
  }
  for (const [who, reviewers, teamReviewers] of singles) {
    const reason = await request(reviewers, teamReviewers);
    if (reason !== null) warnings.push(`review could not be requested from ${who} on ${pull.url}: ${reason}`);
  }
  return true;
}

/** Logins that have submitted a review on the PR (any state). */
export async function reviewersWhoReviewed(api: GithubApi, repo: RepoRef, number: number): Promise<string[]> {
  const reviews = await call(`reading reviews of pull request #${number} of ${repo.key}`, () =>
    api.paginate(api.rest.pulls.listReviews, { owner: repo.owner, repo: repo.name, pull_number: number, per_page: 100 }),
  );
  return reviews.map((r) => r.user?.login).filter((l): l is string => Boolean(l));
}
