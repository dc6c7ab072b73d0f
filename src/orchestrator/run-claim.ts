/**
 * Who works on a run. A run marked running by another live process is refused; one whose owner died (stale
 * heartbeat, or a dead pid on this machine) is taken over.
 */
import { UsageError } from '../domain/errors.js';
import type { RunOwner, RunRecord, RunStore } from '../store/types.js';
import { runCrashed } from './run-liveness.js';

/**
 * Takes the run for `owner` unless another live process works on it. The check and the claim are one transaction
 * committed before any work: two fleetmods resuming the same run at once cannot both see it free.
 */
export function claimRun(deps: { store: RunStore; now: () => number }, selected: RunRecord, owner: RunOwner): RunRecord {
  const { claimed, run } = deps.store.claimRun(selected.id, owner, (current) => mayTake(current, owner, deps.now()));
  if (!run) throw new UsageError(`run ${selected.id} is not in the journal`);
  if (claimed) return run;
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
