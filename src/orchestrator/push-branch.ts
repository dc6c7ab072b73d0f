/**
 * The push stage: put the commit on the remote branch without ever overwriting work that is not fleetmod's.
 * The branch as the resolve stage saw it is the lease of the first push (no second look at the remote when
 * nothing changed in between); if it moved since, the push is refused (BranchMoved) and the branch is looked at
 * again. An existing branch is fetched and its commits since the base checked: any commit that is not fleetmod's
 * own (own-commits.ts) means a human edited it, and it is left alone. A branch whose tip already has the same tree
 * keeps its commit (a new commit message alone rewrites nothing), unless the job signs and that commit is unsigned.
 */
import type { RemoteRepoInfo } from '../codehost/types.js';
import { BranchMoved, type GitAuth } from '../git/host-git.js';
import type { TaskRecord } from '../store/types.js';
import { branchCommits, foreignSummary } from './branch-commits.js';
import type { CommitOwner } from './own-commits.js';
import type { BeforeRemoteWrite } from './remote-write-check.js';
import type { TaskLog } from './task-log.js';
import type { TaskDeps } from './task-context.js';

export interface PushInput {
  task: Pick<TaskRecord, 'id' | 'repo'>;
  log: Pick<TaskLog, 'line'>;
  workdir: string;
  info: RemoteRepoInfo;
  branch: string;
  baseSha: string;
  headSha: string;
  auth: GitAuth | undefined;
  /** SHA of the remote branch when the task resolved it (null: it did not exist). */
  seenSha: string | null;
  /** Whose commits are fleetmod's own (the job's trailer and commit identity). */
  owner: CommitOwner;
  /** Whether the job signs its commits: a branch with the same change in an unsigned commit then gets the signed one. */
  signed: boolean;
  /** Asked right before each push, once a git slot is free: the run may be another process's by then. */
  beforeWrite: BeforeRemoteWrite;
}

export type PushResult = 'pushed' | 'already' | 'edited-by-human';

export type PushDeps = Pick<TaskDeps, 'git' | 'limiters' | 'store'>;

export async function pushBranch(deps: PushDeps, input: PushInput): Promise<PushResult> {
  try {
    return await pushOver(deps, input, input.seenSha);
  } catch (err) {
    if (!(err instanceof BranchMoved)) throw err;
    input.log.line(`branch ${input.branch} moved since it was looked at; looking again`);
    // Fetching the branch is the look: it says where the branch is now, or that it is gone.
    return pushOver(deps, input, undefined);
  }
}

/** `remoteSha`: where the branch was seen (null: nowhere); undefined: not known, the fetch of the branch tells. */
async function pushOver(deps: PushDeps, input: PushInput, remoteSha: string | null | undefined): Promise<PushResult> {
  const { task, log, workdir, info, branch, baseSha, headSha, auth } = input;
  const { repo } = task;
  const push = (expectedRemoteSha: string | null) =>
    deps.limiters.git(
      repo,
      async () => {
        input.beforeWrite(`pushing ${branch}`);
        return deps.git.push(workdir, info.pushUrl, branch, headSha, { ...(auth && { auth }), expectedRemoteSha });
      },
      'publish',
    );
  if (remoteSha === headSha) {
    log.line(`branch ${branch} already at ${headSha.slice(0, 12)}; nothing to push`);
    return 'already';
  }
  if (remoteSha === null) {
    // Also when the branch was not looked at (run-task.ts): one that is there refuses the lease — unless it is at
    // this very commit already (the same change made in the same second by another machine's run).
    if ((await push(null)) === 'up-to-date') {
      log.line(`branch ${branch} already at ${headSha.slice(0, 12)}; nothing to push`);
      return 'already';
    }
    log.line(`pushed new branch ${branch}`);
    return 'pushed';
  }
  const { tip: fetched, foreign } = await branchCommits(deps, { repo, workdir, baseSha, pushUrl: info.pushUrl, branch, auth, owner: input.owner });
  if (fetched === null) {
    await push(null);
    log.line(`pushed new branch ${branch} (the branch seen earlier is gone)`);
    return 'pushed';
  }
  if (foreign.length > 0) {
    log.line(`branch ${branch} has ${foreignSummary(foreign)}; not overwriting`);
    return 'edited-by-human';
  }
  if ((await deps.git.treeSha(workdir, fetched)) === (await deps.git.treeSha(workdir, headSha))) {
    // Signing turned on for a branch an unsigned run pushed: a branch protected by "require signed commits" could
    // never merge what is there, so the signed commit replaces it.
    if (!input.signed || (await deps.git.commitIsSigned(workdir, fetched))) {
      log.line(`branch ${branch} already has this change (${fetched.slice(0, 12)}); nothing to push`);
      deps.store.updateTask(task.id, { headSha: fetched });
      return 'already';
    }
    log.line(`branch ${branch} has this change in an unsigned commit (${fetched.slice(0, 12)}); replacing it with the signed one`);
  }
  await push(fetched);
  log.line(`updated branch ${branch} (${fetched.slice(0, 12)} → ${headSha.slice(0, 12)}, force-with-lease)`);
  return 'pushed';
}
