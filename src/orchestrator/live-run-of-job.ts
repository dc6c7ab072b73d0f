/**
 * One job, one live run. Two runs of a job at once — the second started from an edited manifest, or with `--new` —
 * work on the same branches and pull requests: they push over each other, and whichever finishes last wins. A new
 * run, or going on with an older one, is refused while another process runs the job; a crashed one (run-liveness.ts)
 * is no obstacle.
 */
import { UsageError } from '../domain/errors.js';
import type { RunOwner, RunStore } from '../store/types.js';
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
  const live = deps.store
    .runningRunsOfJob(jobName)
    .find((run) => run.id !== going && !runCrashed(run, deps.now()) && !(run.ownerPid === self.pid && run.ownerHost === self.host));
  if (!live) return;
  throw new UsageError(
    `job "${jobName}" is being run by process ${live.ownerPid} on ${live.ownerHost} (run ${live.id}): a second run of it now ` +
      'would push to the same branches and pull requests.\n  fix: wait for that run to end, or stop it (Ctrl-C there), then run again',
  );
}
