/**
 * A batch: pick the run (select-run.ts: continue the latest run of the same work, or start a new one), journal its
 * repos, and push every pending repo through `executeTask` on a p-queue with the job's concurrency. A soft stop (first
 * Ctrl-C, a closing window) stops taking new repos and lets running ones finish; a hard stop aborts them. Either
 * way every sandbox is destroyed and the run is left resumable.
 */
import os from 'node:os';
import path from 'node:path';
import PQueue from 'p-queue';
import { DiskFull, RunTakenOver } from '../domain/errors.js';
import type { Outcome } from '../domain/outcome.js';
import type { RepoRef } from '../domain/repo.js';
import type { Job } from '../manifest/job.js';
import type { RunOwner, RunRecord, RunStatus } from '../store/types.js';
import { removeTree } from '../util/remove-tree.js';
import { executeTask } from './execute-task.js';
import { createFailureBrake, TRANSFORMATION_FAILURES } from './failure-brake.js';
import { fenceTaskWrites, leasedOwnership } from './fenced-task-writes.js';
import { fixedDeadlineAdvice, fixedDeadlineOfReason } from './fixed-deadline.js';
import { selectRun, type RunSelection } from './select-run.js';
import type { TaskConfig, TaskDeps } from './task-context.js';
import { claimRun } from './run-claim.js';
import { makeWorkFolder } from './work-folder.js';

export type { RunSelection } from './select-run.js';

export interface RunJobOptions {
  job: Job;
  repos: readonly RepoRef[];
  selection: RunSelection;
  dryRun: boolean;
  /** Folder for runs' logs, checkouts and reports (e.g. .fleetmod). */
  stateDir: string;
  secrets: Readonly<Record<string, string>>;
  keepWorkdirs?: boolean;
  /** SSH key file the commits are signed with (checked by the caller); unsigned when absent. */
  signingKey?: string;
  /** Repos in flight for this invocation (default: the job's limits.concurrency). */
  concurrency?: number;
  /** First stop request: finish running repos, start no new ones. */
  stopSignal: AbortSignal;
  /** Second stop request: abort running repos now. */
  abortSignal: AbortSignal;
  /**
   * Called once the run is chosen and known to be nobody else's, before anything of it is written (`retry`
   * reopens its tasks here, so that a run another process works on is refused unchanged).
   */
  beforeStart?: () => void;
  /** The command that continues a run, as notices show it (the CLI adds the options naming its journal). */
  resumeCommand?: (runId: string) => string;
  /** Consulted before each repo starts; returns why no more repos may start (window closed, deadline passed). */
  admission?: () => string | null;
  retryBaseMs?: number;
  /**
   * Take the journaled result of an earlier run of the same transformation on the same base commit instead of
   * running the sandbox again (transform-key.ts). @default true
   */
  reuse?: boolean;
}

export interface RunJobResult {
  run: RunRecord;
  resumed: boolean;
  /** Tasks already done when this invocation started. */
  alreadyDone: number;
  /** Tasks finished by this invocation. */
  processed: number;
  counts: Partial<Record<Outcome | 'pending', number>>;
  status: RunStatus;
  statusReason: string | null;
  durationMs: number;
}

const HEARTBEAT_MS = 5_000;

/** The outcomes whose repository's branch this task has just pushed. */
const PUSHING_OUTCOMES: readonly Outcome[] = ['pushed', 'pr-opened', 'pr-updated'];

export async function runJob(deps: Omit<TaskDeps, 'limiters'> & Pick<TaskDeps, 'limiters'>, options: RunJobOptions): Promise<RunJobResult> {
  const started = deps.now();
  const { job } = options;
  const owner: RunOwner = { pid: process.pid, host: os.hostname() };
  const selected = await selectRun(deps, { ...options, owner });
  const claimed = claimRun(deps, selected.run, owner, { fresh: !selected.resumed });
  // Only once the run is this process's: a retry refused because another process works on the run changes nothing,
  // and a new run refused because another process runs the job never started.
  const run = selected.mixesTransformations ? { ...claimed, transformKey: deps.store.markTransformMixed(claimed.id) } : claimed;
  if (selected.mixesTransformations) deps.progress.notice('warn', selected.mixesTransformations);
  if (selected.leavesUnfinished) deps.progress.notice('warn', selected.leavesUnfinished);
  const { resumed } = selected;
  // Sandboxes an interrupted earlier process of this run left running (billed, on E2B) are killed even when no
  // repository left for this process gets as far as a sandbox.
  if (resumed) deps.sandboxes.resumingRun?.(run.id);
  options.beforeStart?.();

  deps.store.addTasks(run.id, options.repos);
  deps.store.releaseRunningTasks(run.id);

  // Only what starting a task needs: the pending list is held for the whole run, and 10,000 full records are
  // megabytes held for hours.
  const { pending, total } = deps.store.listPendingTasks(run.id);
  const alreadyDone = total - pending.length;
  deps.progress.runStarted({
    runId: run.id,
    jobName: job.name,
    total,
    alreadyDone,
    resumed,
    provider: job.sandbox.provider,
    dryRun: options.dryRun,
  });
  if (deps.sandboxes.isolated === false) {
    deps.progress.notice('warn', 'sandbox provider "host": steps run WITHOUT isolation on this machine');
  }

  const config: TaskConfig = {
    job,
    run,
    dryRun: options.dryRun,
    workRoot: await makeWorkFolder(run.runDir, { keep: options.keepWorkdirs ?? false }),
    logDir: path.join(run.runDir, 'logs'),
    secrets: options.secrets,
    keepWorkdirs: options.keepWorkdirs ?? false,
    ...(options.signingKey !== undefined && { signingKey: options.signingKey }),
    // Looked up once: a job run for the first time (or with changed steps) has no earlier result to look for.
    // A run started with --no-reuse keeps that choice when resumed.
    reuse: (options.reuse ?? true) && !run.noReuse && run.transformKey !== null && deps.store.hasOtherRunOfTransform(run.transformKey, run.id),
  };

  const queue = new PQueue({ concurrency: options.concurrency ?? job.limits.concurrency });
  let stopReason: string | null = null;
  let paused = false;
  const onStop = () => {
    if (stopReason) return;
    stopReason = 'stopped by user';
    queue.clear();
    deps.progress.notice('warn', 'stopping: running repos finish, no new repos start (Ctrl-C again to abort them)');
  };
  options.stopSignal.addEventListener('abort', onStop, { once: true });
  if (options.stopSignal.aborted) onStop();

  let processed = 0;
  const earlierCounts = alreadyDone > 0 ? deps.store.countTasks(run.id) : {};
  const earlierFailed = TRANSFORMATION_FAILURES.some((outcome) => (earlierCounts[outcome] ?? 0) > 0);
  const brake = createFailureBrake({ ...job.limits, earlier: { done: alreadyDone, failed: earlierFailed } }, pending.length);
  let braked = false;
  const pause = (why: string) => {
    if (stopReason) return;
    stopReason = why;
    paused = true;
    queue.clear();
    const deadline = fixedDeadlineOfReason(why);
    const goOn = deadline ? `to go on: ${fixedDeadlineAdvice(deadline)}` : (options.resumeCommand?.(run.id) ?? `fleetmod resume ${run.id}`);
    deps.progress.notice('warn', `pausing: ${why}; the remaining repos stay pending (${goOn})`);
  };
  // Anything thrown out of a task here is fleetmod's own failure (the journal cannot be written, a bug), never a
  // repo's result: stop taking repos, let the running ones end, clean up, and report it once.
  let fatal: unknown;
  const stopOnFatal = (err: unknown) => {
    if (fatal !== undefined) return;
    fatal = err;
    stopReason ??= err instanceof DiskFull ? 'the disk is full' : 'internal error';
    queue.clear();
  };
  // Aborted when the run turns out to be another process's: its repos are stopped where they are, as by a hard stop.
  const takenOver = new AbortController();
  const taskSignal = AbortSignal.any([options.abortSignal, takenOver.signal]);
  const ownsRun = () => {
    if (deps.store.heartbeat(run.id, owner)) {
      lease.confirmed();
      return true;
    }
    stopOnFatal(takeoverOf(deps, run.id));
    takenOver.abort();
    return false;
  };
  // What the repositories' work journals between those looks goes in only while the run is this process's.
  const lease = leasedOwnership(ownsRun, deps.now, HEARTBEAT_MS);
  const taskDeps = { ...deps, store: fenceTaskWrites(deps.store, lease.owned) };
  // A heartbeat the journal cannot commit ends the run like any other journal failure, not as an uncaught throw.
  // One that finds the run claimed by another process (this one was suspended past its stale heartbeat) stops this
  // one before it repeats the other's work or writes its own outcomes over the other's; so does the same look
  // executeTask takes before each repo starts and before its result is journaled, and runTask before each push and
  // pull request write (a heartbeat overdue on waking may come later).
  const heartbeat = setInterval(() => {
    try {
      ownsRun();
    } catch (err) {
      stopOnFatal(err);
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const runQueued = async (task: (typeof pending)[number]): Promise<void> => {
    if (stopReason) return;
    const refusal = options.admission?.() ?? null;
    if (refusal) {
      pause(refusal);
      return;
    }
    const result = await executeTask(taskDeps, config, task, {
      signal: taskSignal,
      stopSignal: options.stopSignal,
      ownsRun,
      ...(options.retryBaseMs !== undefined && { retryBaseMs: options.retryBaseMs }),
    });
    if (result.kind === 'finished') {
      processed += 1;
      // The branch is in the outcome, except for a failure after the resolve stage named it. Whether it was pushed
      // is the journal's, as `status` has it: an outcome that did not push may follow one that did (a failed pull
      // request, a retry), or only have planned the branch (failed steps, unchanged, a dry run).
      const pushedNow = PUSHING_OUTCOMES.includes(result.outcome.outcome);
      const record = pushedNow ? undefined : deps.store.getTask(task.id);
      const branch = result.outcome.branch ?? record?.branch;
      deps.progress.taskFinished({
        repo: task.repo,
        outcome: result.outcome.outcome,
        ...(result.outcome.errorClass && { errorClass: result.outcome.errorClass }),
        ...((result.outcome.errorMessage ?? result.outcome.skipReason) && {
          message: result.outcome.errorMessage ?? result.outcome.skipReason,
        }),
        ...(branch && { branch, branchPushed: pushedNow || record?.pushed === true }),
        ...(result.outcome.prUrl && { prUrl: result.outcome.prUrl }),
        durationMs: result.durationMs,
      });
      const brakeReason = brake.record(result.outcome.outcome);
      if (brakeReason && !braked && fatal === undefined) {
        // Also when a Ctrl-C or the window stopped the run first: the failure is why it must not go on as before
        // (a resume goes on without the canary only because someone was told it failed), and what the run says.
        braked = true;
        stopReason = null;
        pause(brakeReason);
      }
    }
  };
  const enqueue = (tasks: readonly (typeof pending)[number][]) => {
    for (const task of tasks) {
      void queue.add(async () => {
        try {
          await runQueued(task);
        } catch (err) {
          stopOnFatal(err);
        }
      });
    }
  };
  try {
    // The canary's repositories first, alone; the others only once they all finished without pausing the run.
    if (brake.canarySize > 0) {
      const rest = pending.length - brake.canarySize;
      const which = alreadyDone > 0 ? `the ${brake.canarySize} left of the first ${job.limits.canary}` : `the first ${brake.canarySize}`;
      if (rest > 0) deps.progress.notice('info', `canary: ${which} repos run before the other ${rest} start`);
      enqueue(pending.slice(0, brake.canarySize));
      await queue.onIdle();
    }
    if (!stopReason) enqueue(pending.slice(brake.canarySize));
    await queue.onIdle();
  } finally {
    options.stopSignal.removeEventListener('abort', onStop);
    clearInterval(heartbeat);
    await deps.sandboxes.shutdown();
    // Empty by now, unless the checkouts are kept.
    if (!config.keepWorkdirs) await removeTree(config.workRoot).catch(() => undefined);
  }
  if (fatal instanceof DiskFull) throw stoppedForDiskFull(deps, run, fatal, options);
  // The run's state is written by its owner only: one that took it over since the last heartbeat has it now.
  if (fatal === undefined) ownsRun();
  if (fatal !== undefined) throw fatal;

  const counts: Partial<Record<Outcome | 'pending', number>> = {};
  for (const [key, n] of Object.entries(deps.store.countTasks(run.id))) {
    const bucket = key === 'running' ? 'pending' : (key as Outcome | 'pending');
    counts[bucket] = (counts[bucket] ?? 0) + n;
  }
  const left = counts.pending ?? 0;
  const status: RunStatus = left === 0 ? 'finished' : paused ? 'paused' : 'interrupted';
  const reason = left === 0 ? null : (stopReason ?? (options.abortSignal.aborted ? 'aborted' : 'interrupted'));
  // A finished run that had nothing left to do keeps its end: running it again only to be told so (the README's
  // second `npm run demo`) must not stretch its wall time in `runs` and the report to this moment.
  const keptEnd = selected.run.status === 'finished' && pending.length === 0 && processed === 0 ? selected.run.finishedAt : null;
  deps.store.setRunStatus(run.id, status, reason, keptEnd ?? undefined);
  deps.store.heartbeat(run.id, null);
  const durationMs = deps.now() - started;
  deps.progress.runFinished({ runId: run.id, counts, durationMs, status, ...(reason !== null && { reason }) });
  return {
    run: deps.store.getRun(run.id) as RunRecord,
    resumed,
    alreadyDone,
    processed,
    counts,
    status,
    statusReason: reason,
    durationMs,
  };
}

/** Why this process stops: the process that claimed the run since, as the journal names it. */
function takeoverOf(deps: Pick<TaskDeps, 'store'>, runId: string): RunTakenOver {
  const current = deps.store.getRun(runId);
  const by = current?.ownerPid != null ? `process ${current.ownerPid} on ${current.ownerHost}` : 'another process';
  const since = current && current.status !== 'running' ? ` (the run is ${current.status} now)` : '';
  return new RunTakenOver(
    `run ${runId} was taken over by ${by}${since} while this process was not heard from (suspended, or its clock ` +
      'jumped): this one stops and leaves the run to it',
  );
}

/**
 * Marks the run stopped for the full disk when the journal still takes it (it may live on that disk: then the run
 * reads as crashed, which resumes the same way), and says how many repos are left and how to continue.
 */
function stoppedForDiskFull(deps: Pick<TaskDeps, 'store'>, run: RunRecord, err: DiskFull, options: RunJobOptions): DiskFull {
  let left = '';
  try {
    deps.store.setRunStatus(run.id, 'interrupted', 'the disk is full');
    deps.store.heartbeat(run.id, null);
    const counts = deps.store.countTasks(run.id);
    left = `${(counts.pending ?? 0) + (counts.running ?? 0)} repos left, `;
  } catch {
    // the journal is on the full disk too
  }
  const resume = options.resumeCommand?.(run.id) ?? `fleetmod resume ${run.id}`;
  return new DiskFull(
    `${err.message}\nrun ${run.id} stopped: no repository was failed for it (${left}none started after it). Free some space, then: ${resume}`,
    { cause: err },
  );
}
