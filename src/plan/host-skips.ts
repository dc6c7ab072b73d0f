/**
 * The repositories a `github:` selector brings in that `fleetmod run` will skip as soon as it reads them
 * (codehost/github/inspect.ts), told from what GitHub listed for the selector: an archived one (kept with
 * `archived: true`), for certain; an empty one, from a hint — GitHub lists an empty repository with size 0, but also
 * one pushed to since it last measured sizes (hourly) — so those few are read as the run reads them: the repository,
 * and git's list of its branches. A GitHub repository named one by one has no listing: with GitHub access it is read
 * the same way (archived, disabled, empty, no permission), one request each. Nothing is cloned and nothing is written.
 */
import { ARCHIVED_ON_GITHUB } from '../codehost/github/inspect.js';
import type { RemoteRepoInfo } from '../codehost/types.js';
import { errorMessage } from '../domain/errors.js';
import type { RepoRef } from '../domain/repo.js';
import type { ResolvedRepos } from '../manifest/repos.js';
import { eachAtMost } from '../util/each-at-most.js';

export interface HostSkipSources {
  /** The run's own look at a repository (the GitHub code host's inspect, as in a dry run: it makes no fork). */
  inspect(repo: RepoRef): Promise<RemoteRepoInfo>;
  /** A repository that could not be read: it stays among those to run. */
  warn(message: string): void;
  /** Whether GitHub repositories without a listing (named one by one) are read: only with GitHub access. */
  readUnlisted: boolean;
}

/** Skip reasons by repository key, for the repositories of `resolved` the run will skip for what GitHub says of them. */
export async function hostSkips(resolved: Pick<ResolvedRepos, 'repos' | 'githubListings'>, sources: HostSkipSources): Promise<Map<string, string>> {
  const skips = new Map<string, string>();
  const maybeEmpty: RepoRef[] = [];
  const unlisted: RepoRef[] = [];
  for (const repo of resolved.repos) {
    if (repo.skip !== undefined) continue;
    const listed = resolved.githubListings.get(repo.key);
    if (!listed) {
      if (repo.kind === 'github' && sources.readUnlisted) unlisted.push(repo);
    } else if (listed.archived) skips.set(repo.key, ARCHIVED_ON_GITHUB);
    else if (listed.size === 0) maybeEmpty.push(repo);
  }
  // Few at a time: these are reads, but a new organisation can list many repositories not measured yet.
  await eachAtMost([...maybeEmpty, ...unlisted], 4, async (repo) => {
    try {
      const info = await sources.inspect(repo);
      if (info.skipReason) skips.set(repo.key, info.skipReason);
    } catch (err) {
      const what = resolved.githubListings.has(repo.key) ? `tell whether ${repo.display} is empty` : `read ${repo.display} on GitHub`;
      sources.warn(`could not ${what} (${errorMessage(err)}); it is counted to run`);
    }
  });
  return skips;
}
