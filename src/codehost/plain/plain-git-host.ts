/** A code host for any git remote (or local path): inspect with ls-remote, push with host git, no pull requests. */
import type { RepoRef } from '../../domain/repo.js';
import { RepoInvalid } from '../../domain/errors.js';
import type { HostGit } from '../../git/host-git.js';
import type { CodeHost, RemoteRepoInfo } from '../types.js';
import { existsSync } from 'node:fs';

export function createPlainGitHost(git: HostGit): CodeHost {
  return {
    kind: 'git',
    supportsPullRequests: false,
    async inspect(repo: RepoRef, _signal?: AbortSignal, lookAt?: { branch: string }): Promise<RemoteRepoInfo> {
      if (repo.kind === 'local' && !existsSync(repo.url)) {
        throw new RepoInvalid(`repository path ${repo.url} does not exist`);
      }
      // One ls-remote answers the default branch, its commit and, when the branch is known already, where it is.
      const state = await git.remoteState(repo.url, lookAt?.branch ?? null);
      return {
        defaultBranch: state.defaultBranch,
        defaultBranchSha: state.defaultBranchSha,
        pushUrl: repo.url,
        headOwner: repo.owner,
        ...(lookAt && { branchSha: state.branchSha }),
      };
    },
    async gitAuth() {
      return undefined;
    },
  };
}
