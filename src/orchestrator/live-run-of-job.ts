/**
 * One job, one live run. Two runs of a job at once — the second started from an edited manifest, or with `--new` —
 * work on the same branches and pull requests: they push over each other, and whichever finishes last wins. A new
 * run, or going on with an older one, is refused while another process runs the job; a crashed one (run-liveness.ts)
 * is no obstacle. selectRun asks first, so a refused new run is not even created; claimRun asks again in the claim's
 * transaction, which is what two fleetmods starting the job in the same instant cannot both pass.
 */
import { UsageError } from '../domain/errors.js';
import type { RunOwner, RunRecord, RunStore } from '../store/types.js';
import { runCrashed } from './run-liveness.js';

/**
 * Refuses when another process runs the job. `going` is the run this one goes on with (resume, retry): whether that
 * very run is being worked on is for claimRun to say; another live run of the job refuses it as much as a new run.
 */
export function refuseWhileJobRuns(
  deps: { store: Pick<RunStore, 'runningRunsOfJob'>; now: () => number },
  jobName: string,
  self: RunOwner,
  going?: string,
): void {
  const live = otherLiveRunOfJob(deps.store.runningRunsOfJob(jobName), self, deps.now(), going);
  if (live) throw jobBeingRun(jobName, live);
}

/** Of the job's runs marked running, one that another live process works on, other than `going`. */
export function otherLiveRunOfJob(
  runningOfJob: readonly RunRecord[],
  self: RunOwner,
  now: number,
  going?: string,
): RunRecord | undefined {
  return runningOfJob.find(
    (run) =>
      run.id !== going &&
      run.ownerPid !== null &&
      !runCrashed(run, now) &&
      !(run.ownerPid === self.pid && run.ownerHost === self.host),
  );
}

export function jobBeingRun(jobName: string, live: RunRecord): UsageError {
  return new UsageError(
    `job "${jobName}" is being run by process ${live.ownerPid} on ${live.ownerHost} (run ${live.id}): a second run of it now ` +
      'would push to the same branches and pull requests.\n  fix: wait for that run to end, or stop it (Ctrl-C there), then run again',
  );
}
