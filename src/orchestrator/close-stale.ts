/**
 * close-stale: when a re-run's transformation no longer changes a repository, the PR an earlier run left open for
 * its branch is closed, with a comment saying why — unless a person has pushed commits to that branch, which makes
 * the PR theirs (edited-by-human, as the push stage would say). The close request is journaled before it is sent,
 * so a run killed after GitHub closed the PR but before the answer was journaled still counts the PR as closed by it.
 */
import type { CodeHost, PullRequestRef } from '../codehost/types.js';
import type { TaskRecord } from '../store/types.js';
import { branchCommits, foreignSummary } from './branch-commits.js';
import type { BeforeRemoteWrite } from './remote-write-check.js';
import type { TaskLog } from './task-log.js';
import type { StageRunner, TaskConfig, TaskDeps, TaskOutcome } from './task-context.js';

/** The checkout of the base, where the PR's branch is fetched to see whose commits it carries. */
export interface BaseCheckout {
  workdir: string;
  baseSha: string;
  pushUrl: string;
}

/**
 * The branch without a change, and the PR open for it. Closing the PR looks at the branch in a checkout of the base
 * first; a dry run closes nothing, so it is given no checkout (null) and makes none.
 */
export type UnchangedBranch = { branch: string } & ({ existingPr: null } | { existingPr: PullRequestRef; checkout: BaseCheckout | null });

/** The transformation changed nothing: a pull request left open by an earlier run is closed when the job says so. */
export async function finishUnchanged(
  deps: TaskDeps,
  config: TaskConfig,
  task: TaskRecord,
  codeHost: CodeHost,
  log: TaskLog,
  stage: StageRunner,
  change: UnchangedBranch,
  beforeWrite: BeforeRemoteWrite,
): Promise<TaskOutcome> {
  const { job } = config;
  const { branch } = change;
  log.line('no change');
  if (!job.change.closeStale || !codeHost.closePullRequest) return { outcome: 'unchanged', branch };
  // A dry run writes nothing to the code host: it says what a real run would close.
  if (change.existingPr && config.dryRun) {
    log.line(`dry run: a real run would close ${change.existingPr.url} (close-stale)`);
    return { outcome: 'unchanged', branch, prUrl: change.existingPr.url };
  }
  if (change.existingPr) {
    const pr = change.existingPr;
    const { checkout } = change;
    if (!checkout) throw new Error(`closing ${pr.url} needs a checkout of the base to look at its branch first`);
    const { human, closed } = await stage('pr', async () => {
      const { workdir, baseSha, pushUrl } = checkout;
      const owner = { jobName: job.name, identity: job.change.commit.author };
      const { foreign } = await branchCommits(deps, { repo: task.repo, workdir, baseSha, pushUrl, branch, auth: await codeHost.gitAuth(task.repo), owner });
      if (foreign.length > 0) return { human: foreign, closed: null };
      beforeWrite(`closing ${pr.url}`);
      // Committed with this turn, so before the close can have reached the code host.
      deps.store.updateTask(task.id, { prNumber: pr.number, prUrl: pr.url, prCloseRequestedAt: deps.now() });
      const text = `fleetmod run ${config.run.id} of job ${job.name} no longer produces a change for this repository; closing.`;
      return { human: [], closed: await codeHost.closePullRequest!(task.repo, pr, text) };
    });
    if (closed && !closed.closedNow) {
      // Merged or closed by someone since it was found open: not this run's doing, and not to be counted as such
      // (neither now nor, through prCloseRequestedAt, by a resumed attempt).
      log.line(`${pr.url} is ${closed.state} already (by someone else since it was found open); nothing to close`);
      deps.store.updateTask(task.id, { prState: closed.state, prCloseRequestedAt: null });
      return { outcome: 'unchanged', branch, prUrl: pr.url };
    }
    if (human.length > 0) {
      log.line(`branch ${branch} has ${foreignSummary(human)}; leaving ${pr.url} open`);
      deps.store.updateTask(task.id, { prNumber: pr.number, prUrl: pr.url, prState: pr.state });
      return {
        outcome: 'edited-by-human',
        errorClass: 'permanent',
        errorMessage: `branch ${branch} has commits that fleetmod did not make; its pull request was left open`,
        branch,
        prUrl: pr.url,
      };
    }
    deps.store.updateTask(task.id, { prState: 'closed' });
    return { outcome: 'pr-closed', branch, prUrl: pr.url };
  }
  const closed = await closedByEarlierAttempt(deps, task, codeHost, stage);
  if (closed) {
    log.line(`${closed.url} was closed by an earlier attempt of this run`);
    return { outcome: 'pr-closed', branch, prUrl: closed.url };
  }
  return { outcome: 'unchanged', branch };
}

/** The PR this task asked to close before it was stopped, if it is closed now (no open PR was found for the branch). */
async function closedByEarlierAttempt(deps: TaskDeps, task: TaskRecord, codeHost: CodeHost, stage: StageRunner): Promise<PullRequestRef | null> {
  const number = task.prNumber;
  if (task.prCloseRequestedAt === null || number === null || !codeHost.getPullRequest) return null;
  const pr = await stage('pr', () => codeHost.getPullRequest!(task.repo, number));
  if (pr?.state !== 'closed') return null;
  deps.store.updateTask(task.id, { prUrl: pr.url, prState: 'closed' });
  return pr;
}
