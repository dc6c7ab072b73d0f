/** The journal's rows as better-sqlite3 returns them, and how runs and tasks are read out of them. */
import type { ErrorClass } from '../domain/errors.js';
import type { Outcome, TaskStatus } from '../domain/outcome.js';
import type { RepoRef } from '../domain/repo.js';
import type { Stage } from '../domain/stage.js';
import type { CandidateRecord, RunRecord, RunStatus, StepResultRecord, TaskRecord } from './types.js';

export interface RunRow {
  id: string;
  job_name: string;
  manifest_path: string;
  manifest_hash: string;
  job_json: string;
  provider: string;
  dry_run: number;
  status: RunStatus;
  status_reason: string | null;
  run_dir: string;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  owner_pid: number | null;
  owner_host: string | null;
  heartbeat_at: number | null;
  transform_key: string | null;
  no_reuse: number;
}

export interface TaskRow {
  id: number;
  run_id: string;
  position: number;
  repo_key: string;
  repo_json: string;
  status: TaskStatus;
  stage: Stage | null;
  outcome: Outcome | null;
  error_class: ErrorClass | null;
  error_message: string | null;
  skip_reason: string | null;
  attempts: number;
  retries: number;
  base_branch: string | null;
  base_sha: string | null;
  branch: string | null;
  head_sha: string | null;
  commit_time: number | null;
  reused_from_run: string | null;
  diff: string | null;
  files_changed: number | null;
  insertions: number | null;
  deletions: number | null;
  pushed: number;
  pr_number: number | null;
  pr_url: string | null;
  pr_state: string | null;
  pr_draft: number | null;
  pr_checks: TaskRecord['prChecks'];
  pr_review: TaskRecord['prReview'];
  pr_merged_at: number | null;
  pr_refreshed_at: number | null;
  pr_requested_at: number | null;
  pr_close_requested_at: number | null;
  sandbox_seconds: number;
  cost_usd: number;
  log_path: string | null;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

export function toRun(row: RunRow): RunRecord {
  return {
    id: row.id,
    jobName: row.job_name,
    manifestPath: row.manifest_path,
    manifestHash: row.manifest_hash,
    jobJson: row.job_json,
    provider: row.provider,
    dryRun: row.dry_run === 1,
    status: row.status,
    statusReason: row.status_reason,
    runDir: row.run_dir,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    ownerPid: row.owner_pid,
    ownerHost: row.owner_host,
    heartbeatAt: row.heartbeat_at,
    transformKey: row.transform_key,
    noReuse: row.no_reuse === 1,
  };
}

export function toTask(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    runId: row.run_id,
    position: row.position,
    repo: JSON.parse(row.repo_json) as RepoRef,
    status: row.status,
    stage: row.stage,
    outcome: row.outcome,
    errorClass: row.error_class,
    errorMessage: row.error_message,
    skipReason: row.skip_reason,
    attempts: row.attempts,
    retries: row.retries,
    baseBranch: row.base_branch,
    baseSha: row.base_sha,
    branch: row.branch,
    headSha: row.head_sha,
    commitTime: row.commit_time,
    reusedFromRun: row.reused_from_run,
    diff: row.diff,
    filesChanged: row.files_changed,
    insertions: row.insertions,
    deletions: row.deletions,
    pushed: row.pushed === 1,
    prNumber: row.pr_number,
    prUrl: row.pr_url,
    prState: row.pr_state,
    prDraft: row.pr_draft === null ? null : row.pr_draft === 1,
    prChecks: row.pr_checks,
    prReview: row.pr_review,
    prMergedAt: row.pr_merged_at,
    prRefreshedAt: row.pr_refreshed_at,
    prRequestedAt: row.pr_requested_at,
    prCloseRequestedAt: row.pr_close_requested_at,
    sandboxSeconds: row.sandbox_seconds,
    costUsd: row.cost_usd,
    logPath: row.log_path,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
  };
}

/** A step_results row as `.get()` or `.all()` returns it (every column, by name). */
export function toStepResult(row: Record<string, unknown>): StepResultRecord {
  return {
    taskId: row.task_id as number,
    attempt: row.attempt as number,
    candidate: row.candidate as string,
    kind: row.kind as StepResultRecord['kind'],
    name: row.name as string,
    outcome: row.outcome as StepResultRecord['outcome'],
    exitCode: row.exit_code as number | null,
    durationMs: row.duration_ms as number,
    stdout: row.stdout as string,
    stderr: row.stderr as string,
    truncated: row.truncated === 1,
    at: row.at as number,
  };
}

/** A candidates row as `.get()` or `.all()` returns it (every column, by name). */
export function toCandidate(row: Record<string, unknown>): CandidateRecord {
  return {
    taskId: row.task_id as number,
    attempt: row.attempt as number,
    position: row.position as number,
    name: row.name as string,
    status: row.status as CandidateRecord['status'],
    score: row.score as number | null,
    diff: row.diff as string,
    filesChanged: row.files_changed as number,
    insertions: row.insertions as number,
    deletions: row.deletions as number,
    sandboxSeconds: row.sandbox_seconds as number,
    durationMs: row.duration_ms as number,
    detail: row.detail as string | null,
    chosen: row.chosen === 1,
    at: row.at as number,
  };
}

/** A step_results row as `.raw()` returns it, in the column order of listRunStepResults' SELECT. */
export type StepResultRow = [
  number,
  number,
  string,
  StepResultRecord['kind'],
  string,
  StepResultRecord['outcome'],
  number | null,
  number,
  string,
  string,
  number,
  number,
];

/** A candidates row as `.raw()` returns it, in the column order of listRunCandidates' SELECT. */
export type CandidateRow = [
  number,
  number,
  number,
  string,
  CandidateRecord['status'],
  number | null,
  string,
  number,
  number,
  number,
  number,
  number,
  number,
  string | null,
  number,
  number,
];
