/**
 * close-stale: when a re-run's transformation no longer changes a repository, the PR an earlier run left open for
 * its branch is closed, with a comment saying why.
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
  if (existingPr && job.change.closeStale && codeHost.closePullRequest) {
    await stage('pr', () =>
      codeHost.closePullRequest!(task.repo, existingPr, `fleetmod run ${config.run.id} of job ${job.name} no longer produces a change for this repository; closing.`),
    );
    deps.store.updateTask(task.id, { prNumber: existingPr.number, prUrl: existingPr.url, prState: 'closed' });
    return { outcome: 'pr-closed', branch, prUrl: existingPr.url };
  }
  return { outcome: 'unchanged', branch };
}
