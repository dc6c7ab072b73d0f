/**
 * Applies a GitHub selector's filters to the repositories the GitHub code host listed for it. The code host only
 * lists (org, user or search); which of those repositories the job takes — never a disabled one; topics,
 * include/exclude globs, archived, forks, limit — is decided here, purely, so it is the same for every code host
 * and testable without a server. Every repository left out is returned with the reason.
 */
import type { GithubSelector } from './job.js';
import { matchesAny } from './glob.js';

/** One repository as the GitHub code host lists it. */
export interface GithubRepoListing {
  owner: string;
  name: string;
  /** Archived (read-only) on GitHub. Treated as false when absent. */
  archived?: boolean;
  /** Disabled by GitHub (e.g. for billing or a terms violation): it cannot be cloned or pushed. False when absent. */
  disabled?: boolean;
  /** A fork of another repository. Treated as false when absent. */
  fork?: boolean;
  /** The repository's topics; needed when the selector filters on topics (absent means none). */
  topics?: string[];
  /**
   * GitHub's size in KB: 0 for an empty repository, but also for one pushed to since GitHub last measured it (it
   * does so hourly). Absent when not known.
   */
  size?: number;
}

export interface SelectedGithubRepos {
  kept: GithubRepoListing[];
  dropped: { repo: GithubRepoListing; reason: string }[];
}

export function selectGithubRepos(selector: GithubSelector, listed: readonly GithubRepoListing[]): SelectedGithubRepos {
  const kept: GithubRepoListing[] = [];
  const dropped: SelectedGithubRepos['dropped'] = [];
  const wantedTopics = selector.topics.map((t) => t.toLowerCase());
  for (const repo of listed) {
    const reason = dropReason(selector, wantedTopics, repo);
    if (reason) dropped.push({ repo, reason });
    else if (selector.limit !== undefined && kept.length >= selector.limit) dropped.push({ repo, reason: `beyond limit ${selector.limit}` });
    else kept.push(repo);
  }
  return { kept, dropped };
}

function dropReason(selector: GithubSelector, wantedTopics: readonly string[], repo: GithubRepoListing): string | undefined {
  // The run would only skip it (inspect.ts), so it is no repository of the job: plan must not count it to run.
  if (repo.disabled) return 'disabled on GitHub';
  if (repo.archived && !selector.archived) return 'archived (archived: false)';
  if (repo.fork && !selector.forks) return 'a fork (forks: false)';
  const topics = (repo.topics ?? []).map((t) => t.toLowerCase());
  const missing = wantedTopics.filter((t) => !topics.includes(t));
  if (missing.length > 0) return `no topic ${missing.join(', ')}`;
  if (selector.include.length > 0 && !matchesAny(selector.include, repo.owner, repo.name)) {
    return `not matched by include (${selector.include.join(', ')})`;
  }
  const excludedBy = matchesAny(selector.exclude, repo.owner, repo.name);
  if (excludedBy) return `matched by exclude ${excludedBy}`;
  return undefined;
}
