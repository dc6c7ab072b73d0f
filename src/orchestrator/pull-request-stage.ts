/**
 * The pull request stage: open or update the PR for the pushed branch (closing a superseded one with on-existing:
 * recreate). PR text is rendered from the task's template values and checked for secrets before it leaves.
 * (A PR whose change is gone is closed by close-stale.ts.)
 */
import type { CodeHost, PullRequestRef, RemoteRepoInfo } from '../codehost/types.js';
import { renderTemplate } from '../manifest/template.js';
import type { CandidateRecord, TaskRecord } from '../store/types.js';
import { candidatesTable } from './candidates-table.js';
import type { BeforeRemoteWrite } from './remote-write-check.js';
import { assertNoSecrets } from './secret-guard.js';
import type { TaskConfig, TaskDeps } from './task-context.js';

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
  beforeWrite: BeforeRemoteWrite,
): Promise<{ action: 'opened' | 'updated' | 'unchanged'; url: string }> {
  const { job } = config;
  const pr = job.change.pr as NonNullable<typeof job.change.pr>;
  let existing = existingAtStart;
  // Once this task has asked for a PR (prRequestedAt), the open one is the PR it opened — an earlier attempt's whose
  // answer, labels or journal entry was lost to a failure or a crash — never one to supersede.
  const supersede = job.change.onExisting === 'recreate' && existing !== null && task.prRequestedAt === null && existing.number !== task.prNumber;
  if (existing && supersede && codeHost.closePullRequest) {
    beforeWrite(`closing ${existing.url} to supersede it`);
    await codeHost.closePullRequest(task.repo, existing, `Superseded by a new pull request from fleetmod run ${config.run.id} (on-existing: recreate).`);
    existing = null;
  }
  const title = renderTemplate(pr.title, values);
  const body = renderTemplate(pr.body, values);
  assertNoSecrets(`${title}\n${body}`, 'the pull request text', deps.redactor);
  // Asked before prRequestedAt is journaled, too: once the run is taken over, its task rows are the new owner's.
  beforeWrite(existing ? `updating ${existing.url}` : `opening a pull request for ${branch}`);
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

/**
 * {{ candidates.table }} and {{ candidate.name }} from the candidates journaled for the latest attempt. A job with a
 * single candidate (`candidates: 1`, or a list of one) journals none, as there is nothing to choose: its name is
 * `onlyCandidate`, the name the manifest gave it.
 */
export function candidateValues(all: readonly CandidateRecord[], attempt: number, onlyCandidate: string): Record<string, string> {
  const latestAttempt = Math.max(0, ...all.map((c) => c.attempt));
  const latest = all.filter((c) => c.attempt === (latestAttempt || attempt));
  const chosen = latest.find((c) => c.chosen);
  return { 'candidates.table': candidatesTable(latest), 'candidate.name': chosen?.name ?? onlyCandidate };
}
