/**
 * This run against the previous run of the same job: which repos started failing, which were fixed, and which of
 * the previous run's pull requests have been merged or closed since.
 */
import { FAILED_OUTCOMES, type Outcome } from '../domain/outcome.js';
import type { RunRecord, TaskRecord } from '../store/types.js';
import type { Comparison, PrChange, RepoChange, RepoEntry } from './model.js';

type Result = Outcome | 'pending';

function resultOf(t: Pick<TaskRecord, 'status' | 'outcome'>): Result {
  return t.status === 'done' && t.outcome ? t.outcome : 'pending';
}

function isFailure(result: Result | 'absent'): boolean {
  return result !== 'pending' && result !== 'absent' && FAILED_OUTCOMES.includes(result);
}

/**
 * Outcomes that mean the transformation worked on the repo (changed, or nothing to change). A repo skipped now
 * (archived, excluded) or still pending was not fixed: nobody knows whether it would still fail.
 */
const WORKED: readonly Outcome[] = ['pr-opened', 'pr-updated', 'pushed', 'dry-run', 'unchanged', 'pr-closed'];

export function compareRuns(repos: readonly RepoEntry[], current: readonly TaskRecord[], previous: { run: RunRecord; tasks: readonly TaskRecord[] }): Comparison {
  const before = new Map<string, TaskRecord>();
  for (const t of previous.tasks) before.set(t.repo.key, t);
  const now = new Map<string, TaskRecord>();
  for (const t of current) now.set(t.repo.key, t);

  const newlyFailing: RepoChange[] = [];
  const newlyFixed: RepoChange[] = [];
  let stillFailing = 0;
  let added = 0;
  for (const repo of repos) {
    const old = before.get(repo.key);
    if (!old) added += 1;
    const was: Result | 'absent' = old ? resultOf(old) : 'absent';
    const is: Result = repo.status === 'done' && repo.outcome ? repo.outcome : 'pending';
    const change = { key: repo.key, display: repo.display, before: was, after: is };
    if (isFailure(is) && isFailure(was)) stillFailing += 1;
    // A repo the previous run never finished (it paused at the canary or the failure brake, or stopped) had no
    // result there: failing now is nothing new about it, and it may have failed in every run before that one.
    else if (isFailure(is) && was !== 'pending') newlyFailing.push(change);
    else if (isFailure(was) && is !== 'pending' && WORKED.includes(is)) newlyFixed.push(change);
  }
  let removed = 0;
  for (const key of before.keys()) if (!now.has(key)) removed += 1;

  const prsMerged: PrChange[] = [];
  const prsClosed: PrChange[] = [];
  for (const old of previous.tasks) {
    if (!old.prUrl) continue;
    // A PR that the previous run itself closed (no change any more) was not closed "since" it.
    if (old.outcome === 'pr-closed') continue;
    const latest = latestObservation(old, now.get(old.repo.key));
    const state = latest.prMergedAt !== null || latest.prState === 'merged' ? 'merged' : latest.prState === 'closed' ? 'closed' : null;
    if (!state) continue;
    // Merged before the previous run ended: old news, not something that happened since.
    const endedAt = previous.run.finishedAt ?? previous.run.updatedAt;
    if (state === 'merged' && latest.prMergedAt !== null && latest.prMergedAt < endedAt) continue;
    const change: PrChange = {
      key: old.repo.key,
      display: old.repo.display,
      number: old.prNumber,
      url: old.prUrl,
      state,
      at: state === 'merged' ? latest.prMergedAt : latest.prRefreshedAt,
    };
    (state === 'merged' ? prsMerged : prsClosed).push(change);
  }

  return {
    previousRunId: previous.run.id,
    previousCreatedAt: previous.run.createdAt,
    previousStatus: previous.run.status,
    newlyFailing,
    newlyFixed,
    stillFailing,
    prsMerged,
    prsClosed,
    added,
    removed,
  };
}

/**
 * What is known last about the previous run's PR: this run's row when it refers to the same PR (same URL) and was
 * observed later — e.g. this run closed it as stale, or `status --refresh` read it — otherwise the old row.
 */
function latestObservation(old: TaskRecord, current: TaskRecord | undefined): TaskRecord {
  if (!current || current.prUrl !== old.prUrl) return old;
  const seen = (t: TaskRecord) => t.prRefreshedAt ?? t.finishedAt ?? t.updatedAt;
  return seen(current) >= seen(old) ? current : old;
}
