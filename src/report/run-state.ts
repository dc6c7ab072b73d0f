/**
 * Where a run stands and how it goes on, as `status` says it above its table and `status --json` gives it on every
 * line: a list of `pending` repositories alone does not say whether the run waits for a window, was paused by its
 * canary, was stopped, or died, nor whether `fleetmod resume` can help.
 */
import { fixedDeadlineAdvice, fixedDeadlineOfReason } from '../orchestrator/fixed-deadline.js';
import type { RunRecord, RunStatus } from '../store/types.js';
import { statusReasonOf } from './format.js';

export interface RunState {
  /** `crashed`: marked running, but its process is gone (run-liveness.ts). */
  state: RunStatus | 'crashed';
  /** Why a paused or interrupted run stopped (`stopped by user`, `the canary failed: …`, the time window), else null. */
  reason: string | null;
  /** The command that continues a run that is not finished and not running (with the journal's options), else null. */
  resumeCommand: string | null;
  /** How a run goes on that resuming cannot help (its fixed deadline has passed), else null. */
  advice: string | null;
}

/** `journalArgs`: the options naming the journal, for the command that continues the run. */
export function runStateOf(run: RunRecord, runCrashed: boolean, journalArgs = ''): RunState {
  const state = runCrashed ? 'crashed' : run.status;
  const reason = runCrashed ? null : statusReasonOf(run);
  if (state === 'finished' || state === 'running') return { state, reason, resumeCommand: null, advice: null };
  const deadline = state === 'paused' ? fixedDeadlineOfReason(run.statusReason) : undefined;
  if (deadline) return { state, reason, resumeCommand: null, advice: fixedDeadlineAdvice(deadline) };
  return { state, reason, resumeCommand: `fleetmod resume ${run.id}${journalArgs}`, advice: null };
}
