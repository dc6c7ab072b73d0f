/** A code host for any git remote (or local path): inspect with ls-remote, push with host git, no pull requests. */
import type { RepoRef } from '../../domain/repo.js';
import { RepoInvalid } from '../../domain/errors.js';
import type { HostGit } from '../../git/host-git.js';
import type { RepoCheckout } from '../../git/mirror-cache.js';
import type { CodeHost, RemoteRepoInfo } from '../types.js';
import { existsSync } from 'node:fs';

/**
 * `checkouts`, when it is a clone cache, answers the first look at a repository it has no copy of by making that
 * copy (mirror-cache.ts, firstLook): the clone that comes next anyway says what ls-remote would have.
 */
export function createPlainGitHost(git: HostGit, checkouts?: Pick<RepoCheckout, 'firstLook'>): CodeHost {
  return {
    kind: 'git',
    supportsPullRequests: false,
    async inspect(repo: RepoRef, _signal?: AbortSignal, lookAt?: { branch: string }): Promise<RemoteRepoInfo> {
      if (repo.kind === 'local' && !existsSync(repo.url)) {
        throw new RepoInvalid(`repository path ${repo.url} does not exist`);
      }
      const where = { pushUrl: repo.url, headOwner: repo.owner };
      // The first copy is of the default branch: it answers only when that is the base and the branch is not asked.
      const first = !lookAt && repo.base === undefined ? await checkouts?.firstLook?.(repo) : undefined;
      if (first) return { ...first, ...where };
      // One ls-remote answers the default branch, its commit and, when the branch is known already, where it is.
      const state = await git.remoteState(repo.url, lookAt?.branch ?? null);
      return {
        defaultBranch: state.defaultBranch,
        defaultBranchSha: state.defaultBranchSha,
        ...where,
        ...(lookAt && { branchSha: state.branchSha }),
      };
    },
    async gitAuth() {
      return undefined;
    },
  };
}
