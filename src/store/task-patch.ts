/** A TaskPatch (the orchestrator's names and values) as the task row's columns and SQL values. */
import type { TaskColumns } from './task-row-writer.js';
import type { TaskPatch } from './types.js';

const PATCH_COLUMNS: Record<keyof TaskPatch, string> = {
  stage: 'stage',
  baseBranch: 'base_branch',
  baseSha: 'base_sha',
  branch: 'branch',
  headSha: 'head_sha',
  commitTime: 'commit_time',
  reusedFromRun: 'reused_from_run',
  diff: 'diff',
  filesChanged: 'files_changed',
  insertions: 'insertions',
  deletions: 'deletions',
  pushed: 'pushed',
  prNumber: 'pr_number',
  prUrl: 'pr_url',
  prState: 'pr_state',
  prDraft: 'pr_draft',
  prChecks: 'pr_checks',
  prReview: 'pr_review',
  prMergedAt: 'pr_merged_at',
  prRefreshedAt: 'pr_refreshed_at',
  prRequestedAt: 'pr_requested_at',
  prCloseRequestedAt: 'pr_close_requested_at',
  sandboxSeconds: 'sandbox_seconds',
  costUsd: 'cost_usd',
  logPath: 'log_path',
  errorMessage: 'error_message',
};

/** Columns whose text may echo sandbox output and therefore pass through the redactor. */
const REDACTED_PATCH_FIELDS = new Set<keyof TaskPatch>(['diff', 'errorMessage']);

/** The columns a patch sets, with `updated_at`; booleans as 0/1, text that may echo sandbox output redacted. */
export function patchColumns(patch: TaskPatch, at: number, redact: (text: string) => string | null): TaskColumns {
  const columns: TaskColumns = { updated_at: at };
  for (const key of Object.keys(patch) as (keyof TaskPatch)[]) {
    const value = patch[key];
    columns[PATCH_COLUMNS[key]] =
      typeof value === 'boolean'
        ? value ? 1 : 0
        : REDACTED_PATCH_FIELDS.has(key) && typeof value === 'string'
          ? redact(value)
          : ((value ?? null) as string | number | null);
  }
  return columns;
}
