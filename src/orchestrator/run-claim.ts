/**
 * Who works on a run. A run marked running by another live process is refused; one whose owner died (stale
 * heartbeat, or a dead pid on this machine) is taken over. So is a run while another live process runs its job
 * (live-run-of-job.ts), unless it is a dry run.
 */
import { UsageError } from '../domain/errors.js';
import type { RunOwner, RunRecord, RunStore } from '../store/types.js';
import { jobBeingRun, otherLiveRunOfJob } from './live-run-of-job.js';
import { runCrashed } from './run-liveness.js';

/**
 * Takes the run for `owner` unless another live process works on it or on its job. The checks and the claim are one
 * transaction committed before any work: two fleetmods resuming the same run, or starting the same job, at once
 * cannot both see it free. `fresh`: the run was just created for this claim; refused, it is removed with the refusal.
 */
export function claimRun(
  deps: { store: RunStore; now: () => number },
  selected: RunRecord,
  owner: RunOwner,
  options: { fresh?: boolean } = {},
): RunRecord {
  let jobRunBy: RunRecord | undefined;
  const { claimed, run } = deps.store.claimRun(
    selected.id,
    owner,
    (current, runningOfJob) => {
      if (!mayTake(current, owner, deps.now())) return false;
      jobRunBy = current.dryRun ? undefined : otherLiveRunOfJob(runningOfJob, owner, deps.now(), current.id);
      return jobRunBy === undefined;
    },
    { discardIfRefused: options.fresh ?? false },
  );
  if (!run) throw new UsageError(`run ${selected.id} is not in the journal`);
  if (claimed) return run;
  if (jobRunBy) throw jobBeingRun(run.jobName, jobRunBy);
  throw new UsageError(
    `run ${run.id} is being worked on by process ${run.ownerPid} on ${run.ownerHost}; wait for it or stop it first`,
  );
}

function mayTake(run: RunRecord, owner: RunOwner, now: number): boolean {
  if (run.status !== 'running' || run.ownerPid === null || runCrashed(run, now)) return true;
  // This very process (a retry within it): the same pid on the same host. A pid alone is not enough — in containers
  // every fleetmod may be pid 1.
  return run.ownerPid === owner.pid && run.ownerHost === owner.host;
}
