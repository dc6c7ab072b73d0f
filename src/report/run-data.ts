/**
 * Everything the report needs about one run, read from the journal in one go: one query per table, not one per
 * repo, so a 5,000-repo run loads as fast as a 50-repo one. The report itself is a pure function of this.
 */
import type { RunCandidateRecord, RunRecord, RunStore, StageEvent, StepResultRecord, TaskRecord } from '../store/types.js';
import { ownerProcessGone } from '../orchestrator/run-liveness.js';
import { CANDIDATE_DIFF_SOURCE_CHARS } from './candidates.js';
import { reportTime } from './clock.js';

export interface RunData {
  run: RunRecord;
  tasks: TaskRecord[];
  /** Ended stages of every task, plus the "started" events of tasks still running. */
  stageEvents: StageEvent[];
  /**
   * Step results; stdout/stderr only of failed commands and cut to their tail (`EXCERPT_SOURCE_CHARS`): the report
   * shows excerpts of failures only.
   */
  stepResults: StepResultRecord[];
  /** Best of N: the candidates of each task's latest attempt that ran them; diffs cut to `CANDIDATE_DIFF_SOURCE_CHARS`. */
  candidates: RunCandidateRecord[];
  /** The previous run of the same job, for "newly failing / newly fixed / PRs merged since". */
  previous: { run: RunRecord; tasks: TaskRecord[] } | null;
  /**
   * The moment the report describes: "now" (passed in) for a run in progress, the run's end for one that is not
   * running (see reportTime), so rendering is deterministic.
   */
  generatedAt: number;
  /** The run says it is running, but the process that owns it, on this machine, no longer exists (read at load). */
  ownerGone: boolean;
  /** Newest journal write of the run's repos (store lastTaskWriteAt), read for a run marked running; else null. */
  lastTaskWriteAt: number | null;
}

/** How much of each command's output tail the report reads; excerpts are cut further when rendered. */
export const EXCERPT_SOURCE_CHARS = 8_000;

export interface LoadOptions {
  /** "Now" for a run in progress and for stalled-run detection. */
  now: number;
  /** Compare with the previous run of the same job. @default true */
  compare?: boolean;
  /** Read every candidate's whole diff (the JSON report with --diffs) instead of its first part. @default false */
  fullCandidateDiffs?: boolean;
}

export function loadRunData(store: RunStore, runId: string, options: LoadOptions): RunData | undefined {
  const run = store.getRun(runId);
  if (!run) return undefined;
  const previousRun = options.compare === false ? undefined : store.previousRun(run);
  return {
    run,
    tasks: store.listTasks(runId),
    stageEvents: store.listRunStageEvents(runId, { startedOnlyWhileRunning: true }),
    stepResults: store.listRunStepResults(runId, { outputChars: EXCERPT_SOURCE_CHARS, outputOnlyOfFailures: true }),
    candidates: store.listRunCandidates(runId, options.fullCandidateDiffs ? {} : { diffChars: CANDIDATE_DIFF_SOURCE_CHARS }),
    previous: previousRun ? { run: previousRun, tasks: store.listTasks(previousRun.id) } : null,
    generatedAt: reportTime(run, options.now),
    ownerGone: ownerProcessGone(run),
    lastTaskWriteAt: run.status === 'running' ? store.lastTaskWriteAt(runId) : null,
  };
}

/** Groups rows by task id in one pass (rows arrive ordered by task, then time). */
export function byTask<T extends { taskId: number }>(rows: readonly T[]): Map<number, T[]> {
  const grouped = new Map<number, T[]>();
  for (const row of rows) {
    const list = grouped.get(row.taskId);
    if (list) list.push(row);
    else grouped.set(row.taskId, [row]);
  }
  return grouped;
}
