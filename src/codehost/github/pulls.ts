/**
 * Pull requests on GitHub: find the open one for a head branch, read one, create one (with the 422 answers GitHub
 * gives for races, empty branches, repos without drafts and missing bases), update title/body/base/state.
 */
import { CodeHostFailed, RepoInvalid } from '../../domain/errors.js';
import type { RepoRef } from '../../domain/repo.js';
import type { PullRequestRef } from '../types.js';
import type { GithubApi } from './client.js';
import { call, hasFieldError, hasMessage, statusOf, toCodeHostError } from './errors.js';

/** A pull request as fleetmod reads it, with the author (never asked for review). */
export interface GithubPull extends PullRequestRef {
  author: string | null;
  base: string;
  mergedAt: string | null;
  closedAt: string | null;
}

interface PullData {
  number: number;
  html_url: string;
  state: string;
  draft?: boolean;
  merged_at?: string | null;
  closed_at?: string | null;
  title: string;
  body?: string | null;
  user?: { login: string } | null;
  labels?: ({ name?: string } | string)[];
  requested_reviewers?: { login: string }[] | null;
  requested_teams?: { slug: string }[] | null;
  assignees?: { login: string }[] | null;
  head: { sha: string };
  base: { ref: string };
}

/** GitHub refuses longer bodies (422 "body is too long"). */
export const MAX_BODY = 65_536;

export function toPull(data: PullData): GithubPull {
  return {
    number: data.number,
    url: data.html_url,
    state: data.merged_at ? 'merged' : data.state === 'open' ? 'open' : 'closed',
    draft: Boolean(data.draft),
    title: data.title,
    body: data.body ?? '',
    labels: (data.labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
    reviewers: (data.requested_reviewers ?? []).map((u) => u.login),
    teamReviewers: (data.requested_teams ?? []).map((t) => t.slug),
    assignees: (data.assignees ?? []).map((u) => u.login),
    headSha: data.head.sha,
    author: data.user?.login ?? null,
    base: data.base.ref,
    mergedAt: data.merged_at ?? null,
    closedAt: data.closed_at ?? null,
  };
}

/** The PR as the code-host port knows it (without what only GitHub's own code reads). */
export function toRef(pull: GithubPull): PullRequestRef {
  const { author: _author, base: _base, mergedAt: _mergedAt, closedAt: _closedAt, ...ref } = pull;
  return ref;
}

export function fitBody(body: string): string {
  if (body.length <= MAX_BODY) return body;
  const note = '\n\n…(truncated by fleetmod: GitHub allows 65536 characters)';
  return body.slice(0, MAX_BODY - note.length) + note;
}

/**
 * The PRs from `headOwner:branch` in one listing (open, closed and merged: the closed one is what says whether the
 * change was declined): the open one, as findOpenPull chooses it, and the newest into `base` that is no longer open.
 * GitHub lists the newest first, so the first page has both unless a hundred newer PRs from the branch were closed.
 */
export async function findBranchPulls(
  api: GithubApi,
  repo: RepoRef,
  headOwner: string,
  branch: string,
  base: string,
): Promise<{ open: GithubPull | null; lastClosed: GithubPull | null }> {
  const { data } = await call(`listing pull requests of ${repo.key}`, () =>
    api.rest.pulls.list({ owner: repo.owner, repo: repo.name, head: `${headOwner}:${branch}`, state: 'all', per_page: 100 }),
  );
  const pulls = (data as PullData[]).map(toPull);
  const open = pulls.filter((p) => p.state === 'open');
  const closed = pulls.filter((p) => p.state !== 'open' && p.base === base).sort((a, b) => b.number - a.number);
  return { open: open.find((p) => p.base === base) ?? open[0] ?? null, lastClosed: closed[0] ?? null };
}

/**
 * The open PR from `headOwner:branch`, or null. Listed by head only: a PR into another base is still the branch's PR
 * (the job's base changed since it was opened), to be retargeted rather than joined by a second one. Of several
 * (people can open more from one head), the one into `preferBase`.
 */
export async function findOpenPull(api: GithubApi, repo: RepoRef, headOwner: string, branch: string, preferBase?: string): Promise<GithubPull | null> {
  const { data } = await call(`listing pull requests of ${repo.key}`, () =>
    api.rest.pulls.list({ owner: repo.owner, repo: repo.name, head: `${headOwner}:${branch}`, state: 'open', per_page: 100 }),
  );
  const pulls = data as PullData[];
  const chosen = pulls.find((p) => p.base.ref === preferBase) ?? pulls[0];
  return chosen ? toPull(chosen) : null;
}

export async function getPull(api: GithubApi, repo: RepoRef, number: number): Promise<GithubPull | null> {
  try {
    return toPull((await api.rest.pulls.get({ owner: repo.owner, repo: repo.name, pull_number: number })).data as PullData);
  } catch (err) {
    if (statusOf(err) === 404) return null;
    throw toCodeHostError(err, `reading pull request #${number} of ${repo.key}`);
  }
}

export interface NewPull {
  repo: RepoRef;
  headOwner: string;
  branch: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
}

/** Opens the PR; `adopted` when GitHub said one already exists (a race, or an earlier attempt whose answer was lost). */
export async function createPull(api: GithubApi, want: NewPull, warnings: string[]): Promise<{ pull: GithubPull; adopted: boolean }> {
  const { repo } = want;
  const create = (draft: boolean) =>
    api.rest.pulls.create({
      owner: repo.owner,
      repo: repo.name,
      head: `${want.headOwner}:${want.branch}`,
      base: want.base,
      title: want.title,
      body: fitBody(want.body),
      draft,
      // From a fork, let the upstream's maintainers fix the branch.
      ...(want.headOwner !== repo.owner && { maintainer_can_modify: true }),
    });
  try {
    try {
      return { pull: toPull((await create(want.draft)).data as PullData), adopted: false };
    } catch (err) {
      if (!want.draft || !hasMessage(err, /draft pull requests are not supported/i)) throw err;
      warnings.push(`${repo.key} does not support draft pull requests; opened a regular one`);
      return { pull: toPull((await create(false)).data as PullData), adopted: false };
    }
  } catch (err) {
    if (statusOf(err) !== 422) throw toCodeHostError(err, `opening a pull request on ${repo.key}`);
    if (hasMessage(err, /a pull request already exists/i)) {
      const found = await findOpenPull(api, repo, want.headOwner, want.branch, want.base);
      if (found) return { pull: found, adopted: true };
      throw new CodeHostFailed(`GitHub says a pull request for ${want.headOwner}:${want.branch} exists on ${repo.key}, but it is not listed yet`, 'transient', 422);
    }
    if (hasMessage(err, /no commits between/i)) {
      throw new CodeHostFailed(`no commits between ${want.base} and ${want.branch} on ${repo.key}: there is nothing to open a pull request for`, 'permanent', 422);
    }
    if (hasFieldError(err, 'base', 'invalid')) throw new RepoInvalid(`base branch "${want.base}" does not exist on ${repo.key}`);
    // Right after a push GitHub can still be indexing the branch; a later attempt sees it.
    if (hasFieldError(err, 'head', 'invalid')) {
      throw new CodeHostFailed(`GitHub does not see branch ${want.headOwner}:${want.branch} on ${repo.key} yet`, 'transient', 422);
    }
    throw toCodeHostError(err, `opening a pull request on ${repo.key}`);
  }
}

export async function updatePull(
  api: GithubApi,
  repo: RepoRef,
  number: number,
  patch: { title?: string; body?: string; base?: string; state?: 'open' | 'closed' },
): Promise<GithubPull> {
  const body = patch.body === undefined ? {} : { body: fitBody(patch.body) };
  const { data } = await call(`updating pull request #${number} of ${repo.key}`, () =>
    api.rest.pulls.update({ owner: repo.owner, repo: repo.name, pull_number: number, ...patch, ...body }),
  );
  return toPull(data as PullData);
}
