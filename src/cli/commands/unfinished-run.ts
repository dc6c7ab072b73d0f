/**
 * The run `fleetmod resume` continues when none is named: the newest unfinished run that no newer run of the same
 * job has superseded. An older unfinished run whose job was run again since (an edited manifest, `run --new`) is
 * left alone: continuing it would redo that job's repositories with what the newer run replaced. When every run is
 * finished, the newest run, which `resume` reports as finished: nothing left to resume is no mistake of the user's.
 */
import { RunNotFound } from '../../domain/errors.js';
import type { RunRecord, RunStore } from '../../store/types.js';

export function runToResume(store: RunStore, journalArgs: string): RunRecord {
  const runs = store.listRuns(1000);
  // A dry run does not replace a real one's work, nor the other way round: each supersedes only its own kind.
  const jobsSeen = new Set<string>();
  const superseded: RunRecord[] = [];
  for (const run of runs) {
    const job = `${run.dryRun ? 'dry' : 'real'}\0${run.jobName}`;
    if (run.status !== 'finished') {
      if (!jobsSeen.has(job)) return run;
      superseded.push(run);
    }
    jobsSeen.add(job);
  }
  const newest = runs[0];
  if (!newest) throw new RunNotFound('the journal has no runs yet: nothing to resume (fleetmod run JOB.yaml starts one)');
  if (superseded.length === 0) return newest;
  const named = superseded
    .slice(0, 5)
    .map((r) => `${r.id} (job ${r.jobName}, ${r.status})`)
    .join(', ');
  throw new RunNotFound(
    `no unfinished run to resume: ${named} ${superseded.length === 1 ? 'has' : 'have'} a newer run of the same job. ` +
      `To continue one anyway, name it: fleetmod resume ${superseded[0]!.id}${journalArgs}`,
  );
}
