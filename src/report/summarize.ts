/**
 * Pure: stored run → report model. No clock, no I/O: "now" is `data.generatedAt`, so the same journal always
 * gives the same report (golden tests rely on it), during a run, after a crash, or a year later.
 */
import type { Outcome } from '../domain/outcome.js';
import { heartbeatStale } from '../orchestrator/run-liveness.js';
import type { StageEvent, StepResultRecord, TaskRecord } from '../store/types.js';
import { candidateEntries, candidateTotals, e2bPricingOf } from './candidates.js';
import { openTimeEnd } from './clock.js';
import { compareRuns } from './compare.js';
import { countHeadline } from './headline.js';
import { errorSignature, failureExcerpt, groupFailures, groupSkips } from './failures.js';
import type { CandidateEntry, Category, PrState, PullRequestInfo, RepoEntry, Report, ReuseSummary, RunInfo } from './model.js';
import { byTask, type RunData } from './run-data.js';
import { visibleTaskStatus } from './task-status.js';
import { activeTime, repoDuration, slowestRepos, stageStats } from './timings.js';

const CATEGORY_OF: Record<Outcome, Category> = {
  'pr-opened': 'changed-pr',
  'pr-updated': 'changed-pr',
  pushed: 'changed',
  'dry-run': 'changed',
  unchanged: 'unchanged',
  'pr-closed': 'unchanged',
  'verify-failed': 'verify-failed',
  'edited-by-human': 'failed',
  failed: 'failed',
  skipped: 'skipped',
};

const NEEDS_EXCERPT: readonly Outcome[] = ['failed', 'verify-failed', 'edited-by-human'];

export interface SummarizeOptions {
  /** See Report.journalArgs. @default '' */
  journalArgs?: string;
}

export function summarize(data: RunData, options: SummarizeOptions = {}): Report {
  const { run, tasks, generatedAt } = data;
  const eventsByTask = byTask(data.stageEvents);
  const resultsByTask = byTask(data.stepResults);
  const candidatesByTask = byTask(data.candidates);
  const pricing = e2bPricingOf(run);
  const stalled = run.status === 'running' && (data.ownerGone || heartbeatStale(run, generatedAt));
  // A crashed run's open stages ended with it: its report must not grow with the clock it is read at.
  const now = openTimeEnd(run, stalled, generatedAt, data.lastTaskWriteAt);
  const repos = tasks.map((t) =>
    repoEntry(t, eventsByTask.get(t.id) ?? [], resultsByTask.get(t.id), now, candidateEntries(candidatesByTask.get(t.id), pricing), stalled),
  );

  const end = run.finishedAt ?? (run.status === 'running' ? now : run.updatedAt);
  const durationMs = Math.max(0, end - run.createdAt);
  const running = new Set(tasks.filter((t) => t.status === 'running').map((t) => t.id));
  const activeMs = activeTime(eventsByTask, running, now);
  const headline = countHeadline(repos, { stalled });
  const finished = headline.total - headline.pending;

  let sandboxSeconds = 0;
  let costUsd = 0;
  for (const t of tasks) {
    sandboxSeconds += t.sandboxSeconds;
    costUsd += t.costUsd;
  }
  const info: RunInfo = {
    id: run.id,
    jobName: run.jobName,
    manifestPath: run.manifestPath,
    status: run.status,
    statusReason: run.statusReason,
    stalled,
    dryRun: run.dryRun,
    provider: run.provider,
    isolated: run.provider !== 'host',
    runDir: run.runDir,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
    durationMs,
    activeMs,
  };
  return {
    generatedAt,
    run: info,
    headline,
    throughputPerMinute: activeMs > 0 ? (finished / activeMs) * 60_000 : 0,
    sandboxUsage:
      run.provider === 'e2b' || costUsd > 0 ? { seconds: sandboxSeconds, hours: sandboxSeconds / 3600, costUsd } : null,
    repos,
    candidates: candidateTotals(repos),
    reuse: reuseSummary(repos),
    failureGroups: groupFailures(repos),
    skipGroups: groupSkips(repos),
    pullRequests: repos.filter((r) => r.pr !== null),
    stageStats: stageStats(data.stageEvents),
    slowest: slowestRepos(repos, now),
    comparison: data.previous ? compareRuns(repos, tasks, data.previous) : null,
    journalArgs: options.journalArgs ?? '',
  };
}

export function repoEntry(
  t: TaskRecord,
  events: readonly StageEvent[],
  stepResults: readonly StepResultRecord[] | undefined,
  now: number,
  candidates: CandidateEntry[] = [],
  /** The run crashed: a task it left running is pending (task-status.ts). @default false */
  runCrashed = false,
): RepoEntry {
  const done = t.status === 'done' && t.outcome !== null;
  const failing = done && NEEDS_EXCERPT.includes(t.outcome as Outcome);
  return {
    taskId: t.id,
    position: t.position,
    key: t.repo.key,
    display: t.repo.display || t.repo.key,
    url: t.repo.url,
    status: visibleTaskStatus(t.status, runCrashed),
    outcome: done ? t.outcome : null,
    category: done ? CATEGORY_OF[t.outcome as Outcome] : 'pending',
    errorClass: t.errorClass,
    errorMessage: t.errorMessage,
    skipReason: t.skipReason,
    stage: t.stage,
    attempts: t.attempts,
    retries: t.retries,
    baseBranch: t.baseBranch,
    baseSha: t.baseSha,
    branch: t.branch,
    headSha: t.headSha,
    diffstat: t.filesChanged !== null ? { files: t.filesChanged, insertions: t.insertions ?? 0, deletions: t.deletions ?? 0 } : null,
    diff: t.diff,
    pr: pullRequest(t),
    startedAt: t.startedAt,
    finishedAt: t.finishedAt,
    durationMs: repoDuration(events, t, now),
    sandboxSeconds: t.sandboxSeconds,
    costUsd: t.costUsd,
    logPath: t.logPath,
    stages: events.map((e) => ({ stage: e.stage, state: e.state, at: e.at, durationMs: e.durationMs, detail: e.detail })),
    excerpt: failing ? failureExcerpt(stepResults, t.errorMessage, t.attempts) : null,
    signature: failing ? errorSignature(t.errorMessage ?? (t.outcome as string)) : null,
    candidates,
    reusedFromRun: t.reusedFromRun,
  };
}

function reuseSummary(repos: readonly RepoEntry[]): ReuseSummary | null {
  const byRun = new Map<string, number>();
  for (const r of repos) if (r.reusedFromRun !== null) byRun.set(r.reusedFromRun, (byRun.get(r.reusedFromRun) ?? 0) + 1);
  if (byRun.size === 0) return null;
  const fromRuns = [...byRun.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([run]) => run);
  return { repos: [...byRun.values()].reduce((a, b) => a + b, 0), fromRuns };
}

function pullRequest(t: TaskRecord): PullRequestInfo | null {
  if (!t.prUrl) return null;
  let state: PrState = 'unknown';
  if (t.prState === 'merged' || t.prMergedAt !== null) state = 'merged';
  else if (t.prState === 'closed') state = 'closed';
  else if (t.prState === 'open') state = t.prDraft ? 'draft' : 'open';
  return {
    number: t.prNumber,
    url: t.prUrl,
    state,
    checks: t.prChecks,
    review: t.prReview,
    mergedAt: t.prMergedAt,
    refreshedAt: t.prRefreshedAt,
  };
}
