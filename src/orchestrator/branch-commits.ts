/**
 * A published branch's commits, as the push stage and close-stale look at them before touching it: the branch
 * fetched into the checkout of its base, and which of its commits since the base a person made (own-commits.ts).
 */
import type { RepoRef } from '../domain/repo.js';
import type { GitAuth, RemoteCommit } from '../git/host-git.js';
import { foreignCommits, type CommitOwner } from './own-commits.js';
import type { TaskDeps } from './task-context.js';

export interface BranchLook {
  repo: RepoRef;
  /** A checkout of the base, where the branch is fetched. */
  workdir: string;
  baseSha: string;
  pushUrl: string;
  branch: string;
  auth: GitAuth | undefined;
  owner: CommitOwner;
}

/** The branch's tip (null when it is gone) and the commits on it that are not fleetmod's. */
export async function branchCommits(deps: Pick<TaskDeps, 'git' | 'limiters'>, look: BranchLook): Promise<{ tip: string | null; foreign: RemoteCommit[] }> {
  const tip = await deps.limiters.git(look.repo, () => deps.git.fetchBranch(look.workdir, look.pushUrl, look.branch, look.auth), 'publish');
  if (tip === null) return { tip, foreign: [] };
  return { tip, foreign: foreignCommits(await deps.git.commitsBetween(look.workdir, look.baseSha, tip), look.owner) };
}

/** "2 commit(s) not made by fleetmod (e.g. 1a2b3c4d5e6f by dev@example.com)", for the repository's log. */
export function foreignSummary(foreign: readonly RemoteCommit[]): string {
  return `${foreign.length} commit(s) not made by fleetmod (e.g. ${foreign[0]?.sha.slice(0, 12)} by ${foreign[0]?.authorEmail})`;
}
