/**
 * What the journal keeps of a task's course, beside its row: the stage transitions, each step's result, the
 * candidates tried (best of N) and the events of its log. Part of the journal port (types.ts re-exports it).
 */
import type { Stage } from '../domain/stage.js';

/** "stopped": Ctrl-C or a takeover ended the stage, not the repository's own failure (migrations/015). */
export type StageState = 'started' | 'succeeded' | 'failed' | 'stopped' | 'skipped';

export interface StageEvent {
  taskId: number;
  stage: Stage;
  state: StageState;
  at: number;
  durationMs: number | null;
  detail: string | null;
}

export interface StepResultRecord {
  taskId: number;
  attempt: number;
  candidate: string;
  kind: 'step' | 'verify' | 'score';
  name: string;
  outcome: 'success' | 'failure' | 'skipped' | 'timeout';
  exitCode: number | null;
  durationMs: number;
  stdout: string;
  stderr: string;
  truncated: boolean;
  at: number;
}

export type CandidateStatus = 'passed' | 'step-failed' | 'verify-failed' | 'score-failed' | 'error' | 'cancelled';

/** One candidate solution tried for a repository (best of N). */
export interface CandidateRecord {
  taskId: number;
  attempt: number;
  position: number;
  name: string;
  status: CandidateStatus;
  score: number | null;
  diff: string;
  filesChanged: number;
  insertions: number;
  deletions: number;
  sandboxSeconds: number;
  durationMs: number;
  /** Why it failed, or what the selection said about it. */
  detail: string | null;
  chosen: boolean;
  at: number;
}

/** A candidate as the report reads it: its diff may be cut (`listRunCandidates`' `diffChars`). */
export interface RunCandidateRecord extends CandidateRecord {
  /** The stored diff is longer than the `diff` returned. */
  diffTruncated: boolean;
}

export type EventLevel = 'debug' | 'info' | 'warn' | 'error';

export interface TaskEvent {
  runId: string;
  taskId: number | null;
  at: number;
  level: EventLevel;
  message: string;
}
