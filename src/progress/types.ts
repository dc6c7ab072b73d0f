/** The progress port: the orchestrator announces events; renderers for terminals, logs and tools listen. */
import type { ErrorClass } from '../domain/errors.js';
import type { Outcome } from '../domain/outcome.js';
import type { RepoRef } from '../domain/repo.js';
import type { Stage } from '../domain/stage.js';

export interface RunStartedEvent {
  runId: string;
  jobName: string;
  total: number;
  /** Tasks already finished in an earlier invocation of this run (resume). */
  alreadyDone: number;
  resumed: boolean;
  provider: string;
  dryRun: boolean;
}

export interface TaskFinishedEvent {
  repo: RepoRef;
  outcome: Outcome;
  errorClass?: ErrorClass;
  message?: string;
  /** The change's branch, pushed or only planned (a dry run shows it, a failure in the steps pushed nothing). */
  branch?: string;
  /** Whether fleetmod pushed `branch` (the journal's `pushed`): the JSON event names a pushed branch only, as `status --json` does. */
  branchPushed?: boolean;
  prUrl?: string;
  durationMs: number;
}

export interface RunFinishedEvent {
  runId: string;
  counts: Partial<Record<Outcome | 'pending', number>>;
  durationMs: number;
  status: 'finished' | 'interrupted' | 'paused';
  /** Why a run that is not finished stopped: "stopped by user", "the canary failed: …", the window that closed. */
  reason?: string;
}

export interface ProgressSink {
  runStarted(event: RunStartedEvent): void;
  taskStarted(repo: RepoRef): void;
  stageChanged(repo: RepoRef, stage: Stage): void;
  taskRetrying(repo: RepoRef, attempt: number, reason: string, delayMs: number): void;
  taskFinished(event: TaskFinishedEvent): void;
  /** Free-form notices (warnings, "stopping after running repos finish"…). */
  notice(level: 'info' | 'warn' | 'error', text: string): void;
  runFinished(event: RunFinishedEvent): void;
  /** Stops timers and restores the terminal. */
  close(): void;
}

export const noopProgress: ProgressSink = {
  runStarted: () => undefined,
  taskStarted: () => undefined,
  stageChanged: () => undefined,
  taskRetrying: () => undefined,
  taskFinished: () => undefined,
  notice: () => undefined,
  runFinished: () => undefined,
  close: () => undefined,
};
