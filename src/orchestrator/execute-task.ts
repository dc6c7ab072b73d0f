/**
 * Runs one task to a result: starts it in the journal, runs the stages, retries transient failures with backoff
 * (up to `limits.retries`), and always ends with a value from the closed outcome set — never an exception that
 * could stop the batch.
 */
import { DiskFull, GitFailed, Interrupted, NoCandidatePassed, StepFailed, StoreFailed, VerifyFailed, errorMessage } from '../domain/errors.js';
import { gitDiedBySignal } from '../git/classify-git-error.js';
import type { PendingTask } from '../store/types.js';
import { stoppableSleep } from '../util/sleep.js';
import { backoffMs, classifyError } from './classify.js';
import { isDiskFull } from './disk-full.js';
import { runTask } from './run-task.js';
import type { TaskConfig, TaskDeps, TaskOutcome } from './task-context.js';

export interface ExecuteOptions {
  /** Aborting stops the task where it is (hard stop); it is left pending for resume. */
  signal: AbortSignal;
  /** Aborted once a graceful stop was asked for (the first Ctrl-C). */
  stopSignal?: AbortSignal;
  /**
   * Asked right before the result is journaled, and by runTask right before each push and pull request write: false
   * when another process has taken the run over meanwhile (this one was suspended past its stale heartbeat). Then
   * nothing more is journaled, pushed or written to the code host: the task is the other's now.
   */
  ownsRun?: () => boolean;
  retryBaseMs?: number;
  retryCapMs?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export type ExecuteResult = { kind: 'finished'; outcome: TaskOutcome; durationMs: number } | { kind: 'interrupted' };

export async function executeTask(
  deps: TaskDeps,
  config: TaskConfig,
  initial: PendingTask,
  options: ExecuteOptions,
): Promise<ExecuteResult> {
  const started = deps.now();
  const { repo } = initial;
  const owned = options.ownsRun ?? (() => true);
  const caughtByStop = (err: unknown) => Boolean(options.stopSignal?.aborted) && killedFromOutside(err);
  // Before anything is journaled or shown, a skip included: the run may be another process's by now.
  if (!owned()) return { kind: 'interrupted' };
  deps.progress.taskStarted(repo);
  if (repo.skip) {
    const outcome: TaskOutcome = { outcome: 'skipped', skipReason: repo.skip };
    deps.store.finishTask(initial.id, outcome);
    return { kind: 'finished', outcome, durationMs: 0 };
  }
  const sleep = options.sleep ?? abortableSleep;
  let retriesLeft = Math.max(0, config.job.limits.retries - initial.retries);
  let rerunAfterStopSignal = true;
  for (let pass = 0; ; pass += 1) {
    // Again before a retry: the run may have been taken over during its back-off.
    if (pass > 0 && !owned()) return { kind: 'interrupted' };
    const task = deps.store.startTask(initial.id);
    try {
      // Also asked before each push and pull request write: a process suspended in the middle of the repository
      // wakes there, before its heartbeat timer has fired.
      const outcome = await runTask(deps, config, task, options.signal, owned, caughtByStop);
      if (!owned()) return { kind: 'interrupted' };
      deps.store.finishTask(task.id, outcome);
      return { kind: 'finished', outcome, durationMs: deps.now() - started };
    } catch (err) {
      // The journal could not commit: the writes of that moment are gone, this repo's and others'. Not a result of
      // this repo — the run stops as if it had crashed there (run-job.ts), and a resume picks up from the journal.
      if (err instanceof StoreFailed) throw err;
      // Met after another process took the run over (which aborts this one's repos; a failure may be of its making,
      // as it removed this checkout): nothing is journaled — no release, retry or outcome — the task is the other's
      // now, and it may be running it.
      if (!owned()) return { kind: 'interrupted' };
      // A full disk is the machine's, not this repo's: it stays pending and the run stops taking repos (run-job.ts).
      if (await isDiskFull(err)) {
        deps.store.releaseTask(task.id, `stopped: the disk is full (${errorMessage(err)})`);
        throw new DiskFull(`the disk is full: ${errorMessage(err)}`, { cause: err });
      }
      const stopReachedIt = caughtByStop(err);
      // A graceful stop lets running repos finish: one whose step or git the Ctrl-C itself reached runs again, once.
      if (stopReachedIt && rerunAfterStopSignal && !options.signal.aborted) {
        rerunAfterStopSignal = false;
        deps.store.releaseTask(task.id, `the stop signal reached a ${err instanceof GitFailed ? 'git' : 'step'} as it started (${errorMessage(err)}); running the repo again`);
        continue;
      }
      if (options.signal.aborted || err instanceof Interrupted || stopReachedIt) {
        deps.store.releaseTask(task.id, `interrupted: ${errorMessage(err)}`);
        return { kind: 'interrupted' };
      }
      const { errorClass, message } = classifyError(err);
      if (errorClass === 'transient' && retriesLeft > 0) {
        retriesLeft -= 1;
        const attempt = task.retries + 1;
        const delay = backoffMs(attempt, options.retryBaseMs ?? 2_000, options.retryCapMs ?? 60_000);
        deps.store.recordRetry(task.id, message);
        deps.store.logEvent(config.run.id, task.id, 'warn', `transient failure, retry ${attempt} in ${delay}ms: ${message}`);
        deps.progress.taskRetrying(repo, attempt, message, delay);
        try {
          await sleep(delay, options.signal);
        } catch {
          return { kind: 'interrupted' };
        }
        continue;
      }
      // A verify failure is its own outcome: the steps worked, the result did not pass the job's checks.
      const verifyFailed = err instanceof VerifyFailed || err instanceof NoCandidatePassed;
      const outcome: TaskOutcome = { outcome: verifyFailed ? 'verify-failed' : 'failed', errorClass, errorMessage: message };
      deps.store.finishTask(task.id, outcome);
      return { kind: 'finished', outcome, durationMs: deps.now() - started };
    }
  }
}

/** Waits `ms`, or until `signal` aborts: then it rejects with Interrupted. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return stoppableSleep(ms, signal).catch((err: unknown) => {
    throw signal.aborted ? new Interrupted('aborted') : err;
  });
}

/**
 * A step, check or host git that died by a signal nobody in fleetmod sent (no timeout, no limit). While fleetmod is
 * stopping that is the terminal's Ctrl-C reaching a command as it was being started — the moment between fork and
 * its own session (host git's `setsid`), when it is still in the terminal's process group — not a failure of the
 * repo. (A host git killed by its timeout reads the same; running such a repo once more is harmless.)
 */
function killedFromOutside(err: unknown): boolean {
  if (err instanceof GitFailed) return gitDiedBySignal(err.message);
  if (!(err instanceof StepFailed) && !(err instanceof VerifyFailed)) return false;
  return err.exitCode === null && !/^(timed out|killed:)/.test(err.detail);
}
