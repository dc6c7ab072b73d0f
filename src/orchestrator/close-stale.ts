/**
 * close-stale: when a re-run's transformation no longer changes a repository, the PR an earlier run left open for
 * its branch is closed, with a comment saying why. The close request is journaled before it is sent, so a run
 * killed after GitHub closed the PR but before the answer was journaled still counts the PR as closed by it.
 */
import type { CodeHost, PullRequestRef } from '../codehost/types.js';
import type { TaskRecord } from '../store/types.js';
import type { TaskLog } from './task-log.js';
import type { StageRunner, TaskConfig, TaskDeps, TaskOutcome } from './task-context.js';

/** The transformation changed nothing: a pull request left open by an earlier run is closed when the job says so. */
export async function finishUnchanged(
  deps: TaskDeps,
  config: TaskConfig,
  task: TaskRecord,
  codeHost: CodeHost,
  log: TaskLog,
  stage: StageRunner,
  change: { branch: string; existingPr: PullRequestRef | null },
): Promise<TaskOutcome> {
  const { job } = config;
  const { branch, existingPr } = change;
  log.line('no change');
  if (!job.change.closeStale || !codeHost.closePullRequest) return { outcome: 'unchanged', branch };
  if (existingPr) {
    await stage('pr', async () => {
      // Committed with this turn, so before the close can have reached the code host.
      deps.store.updateTask(task.id, { prNumber: existingPr.number, prUrl: existingPr.url, prCloseRequestedAt: deps.now() });
      await codeHost.closePullRequest!(task.repo, existingPr, `fleetmod run ${config.run.id} of job ${job.name} no longer produces a change for this repository; closing.`);
    });
    deps.store.updateTask(task.id, { prState: 'closed' });
    return { outcome: 'pr-closed', branch, prUrl: existingPr.url };
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
