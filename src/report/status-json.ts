/** One line of `fleetmod status --json`: a repository of the run, with where the run stands. */
import type { RunRecord, TaskRecord } from '../store/types.js';
import { prStateLabel } from './render-status.js';
import { runStateOf } from './run-state.js';
import { visibleTaskStatus } from './task-status.js';

/**
 * One repository as JSON. `status` tells a repo being worked on from one not started (both have no outcome);
 * `branch` is the branch only once it was pushed: a repo that failed before pushing has its name planned, not a
 * branch anyone can fetch. `run` is the same on every line, so a consumer reading one line knows why a pending repo
 * waits and what continues it, as the table's heading says. `journalArgs`: the options naming the journal.
 */
export function statusJson(run: RunRecord, t: TaskRecord, runCrashed: boolean, journalArgs = ''): Record<string, unknown> {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    repo: t.repo.key,
    status: visibleTaskStatus(t.status, runCrashed),
    outcome: t.outcome,
    errorClass: t.errorClass,
    error: t.errorMessage,
    skipReason: t.skipReason,
    branch: t.pushed ? t.branch : null,
    pr:
      t.prNumber === null
        ? null
        : { number: t.prNumber, url: t.prUrl, state: prStateLabel(t), review: t.prReview, checks: t.prChecks, mergedAt: iso(t.prMergedAt), refreshedAt: iso(t.prRefreshedAt) },
    run: { id: run.id, ...runStateOf(run, runCrashed, journalArgs) },
  };
}
