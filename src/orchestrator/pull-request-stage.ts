/**
 * The pull request stage: open or update the PR for the pushed branch (closing a superseded one with on-existing:
 * recreate), or close the PR an earlier run left open when the change is gone (close-stale). PR text is rendered
 * from the task's template values and checked for secrets before it leaves.
 */
import type { CodeHost, PullRequestRef, RemoteRepoInfo } from '../codehost/types.js';
import { renderTemplate } from '../manifest/template.js';
import type { CandidateRecord, TaskRecord } from '../store/types.js';
import { candidatesTable } from './candidates-table.js';
import { assertNoSecrets } from './secret-guard.js';
import type { TaskLog } from './task-log.js';
import type { StageRunner, TaskConfig, TaskDeps, TaskOutcome } from './task-context.js';

export async function ensurePr(
  deps: TaskDeps,
  config: TaskConfig,
  task: TaskRecord,
  codeHost: CodeHost,
  info: RemoteRepoInfo,
  base: string,
  branch: string,
  existingAtStart: PullRequestRef | null,
  values: Record<string, string>,
): Promise<{ action: 'opened' | 'updated' | 'unchanged'; url: string }> {
  const { job } = config;
  const pr = job.change.pr as NonNullable<typeof job.change.pr>;
  let existing = existingAtStart;
  // Once this task has asked for a PR (prRequestedAt), the open one is the PR it opened — an earlier attempt's whose
  // answer, labels or journal entry was lost to a failure or a crash — never one to supersede.
  const supersede = job.change.onExisting === 'recreate' && existing !== null && task.prRequestedAt === null && existing.number !== task.prNumber;
  if (existing && supersede && codeHost.closePullRequest) {
    await codeHost.closePullRequest(task.repo, existing, `Superseded by a new pull request from fleetmod run ${config.run.id} (on-existing: recreate).`);
    existing = null;
  }
  const title = renderTemplate(pr.title, values);
  const body = renderTemplate(pr.body, values);
  assertNoSecrets(`${title}\n${body}`, 'the pull request text', deps.redactor);
  // Journaled with this turn, so before the request can have opened anything: a PR this attempt opens but does not
  // live to journal is found open by the next attempt, and is still this run's PR.
  if (!existing && task.prRequestedAt === null) deps.store.updateTask(task.id, { prRequestedAt: deps.now() });
  const journalPr = (pr: PullRequestRef) =>
    deps.store.updateTask(task.id, { prNumber: pr.number, prUrl: pr.url, prState: pr.state, prDraft: pr.draft });
  const ensured = await (codeHost.ensurePullRequest as NonNullable<CodeHost['ensurePullRequest']>)(
    {
      repo: task.repo,
      base,
      branch,
      headOwner: info.headOwner,
      title,
      body,
      draft: job.change.publish === 'draft' || pr.draft,
      labels: pr.labels,
      reviewers: pr.reviewers,
      teamReviewers: pr.teamReviewers,
      assignees: pr.assignees,
    },
    existing,
    journalPr,
  );
  for (const warning of ensured.warnings) deps.store.logEvent(config.run.id, task.id, 'warn', warning);
  journalPr(ensured.pr);
  const openedByEarlierAttempt = existing !== null && task.prRequestedAt !== null;
  return { action: openedByEarlierAttempt ? 'opened' : ensured.action, url: ensured.pr.url };
}

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

/** {{ candidates.table }} and {{ candidate.name }} from the candidates journaled for the latest attempt. */
export function candidateValues(all: readonly CandidateRecord[], attempt: number): Record<string, string> {
  const latestAttempt = Math.max(0, ...all.map((c) => c.attempt));
  const latest = all.filter((c) => c.attempt === (latestAttempt || attempt));
  const chosen = latest.find((c) => c.chosen);
  return { 'candidates.table': candidatesTable(latest), 'candidate.name': chosen?.name ?? 'default' };
}
