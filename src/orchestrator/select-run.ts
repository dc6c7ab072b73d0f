/**
 * Which run an invocation works on. `run` continues the latest run of the same manifest only when it is the same
 * work: the same transformation (step files included — the manifest text does not show them) and the same
 * repositories (a `file:` list can change under an unchanged manifest). Otherwise it starts a new run and says
 * which unfinished one it left. `resume` refuses a run whose step files changed since it started: its results
 * would be journaled under a transformation that did not make them, and a later run would reuse them as that one's.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { UsageError } from '../domain/errors.js';
import type { RepoRef } from '../domain/repo.js';
import type { Job } from '../manifest/job.js';
import { MIXED_TRANSFORM_PREFIX, type RunOwner, type RunRecord } from '../store/types.js';
import { refuseWhileJobRuns } from './live-run-of-job.js';
import type { TaskDeps } from './task-context.js';
import { transformKey } from './transform-key.js';

export type RunSelection =
  | { mode: 'auto' }
  | { mode: 'new' }
  /**
   * `requireSameSteps`: refuse the run when its step files changed since it started (`resume`). `retry` does not
   * ask for it: re-running failures with a fixed step file is what it is for. Such a run then mixes two
   * transformations, so it loses its transform key: no later run reuses its results, and it reuses none.
   */
  | { mode: 'resume'; runId: string; requireSameSteps?: boolean };

export interface SelectRunOptions {
  job: Job;
  repos: readonly RepoRef[];
  selection: RunSelection;
  dryRun: boolean;
  stateDir: string;
  /** false: --no-reuse, kept with a new run so that resuming it reuses nothing either. */
  reuse?: boolean;
  resumeCommand?: (runId: string) => string;
  /** This process: a run it works on itself is no other live run of the job. */
  owner: RunOwner;
}

export interface SelectedRun {
  run: RunRecord;
  resumed: boolean;
  /**
   * Set when a retry runs step files that differ from the run's: what to tell the user once the run is claimed, when
   * the run is marked as mixing transformations (not before: a refused retry changes nothing).
   */
  mixesTransformations?: string;
  /**
   * Set when a new run leaves the job's unfinished one because its step files or repositories changed: what to tell
   * the user once the new run is claimed (not before: a refused run never started, and the notice would say it had).
   */
  leavesUnfinished?: string;
}

export async function selectRun(
  deps: Pick<TaskDeps, 'store' | 'now'>,
  options: SelectRunOptions,
): Promise<SelectedRun> {
  const { job } = options;
  const resume = options.resumeCommand ?? ((id: string) => `fleetmod resume ${id}`);
  if (options.selection.mode === 'resume') {
    const run = deps.store.getRun(options.selection.runId);
    if (!run) throw new UsageError(`run ${options.selection.runId} is not in the journal`);
    const same = await sameTransformation(job, run);
    if (options.selection.requireSameSteps && !same) {
      const why = isMixed(run)
        ? `a retry ran it with changed step files (${stepFiles(job)}), so no step files are the ones it ran with`
        : `its step files (${stepFiles(job)}) changed since it started, and its results would be recorded as those of the transformation it started with`;
      throw new UsageError(
        `run ${run.id} cannot be continued: ${why}.\n  fix: ${isMixed(run) ? '' : 'restore the step files as they were, or '}` +
          `start a new run with them as they are: fleetmod run --new ${job.displayPath ?? job.file}`,
      );
    }
    if (!run.dryRun) refuseWhileJobRuns(deps, run.jobName, options.owner, run.id);
    if (!same && !isMixed(run)) {
      return {
        run,
        resumed: true,
        mixesTransformations: `the step files (${stepFiles(job)}) changed since run ${run.id} started: the repos run again use them as they are now, and this run's results will not be reused by later runs (they no longer come from one transformation)`,
      };
    }
    return { run, resumed: true };
  }
  let leavesUnfinished: string | undefined;
  if (options.selection.mode === 'auto') {
    const { latest, change } = await latestOfThisWork(deps.store, job, options.repos, options.dryRun);
    if (latest && change === null) {
      if (!latest.dryRun) refuseWhileJobRuns(deps, latest.jobName, options.owner, latest.id);
      return { run: latest, resumed: true };
    }
    if (latest && latest.status !== 'finished') {
      const how = isMixed(latest)
        ? `a retry ran it with changed step files; to go on with it: fleetmod retry ${latest.id}`
        : change === 'step files'
          ? `to continue it as it was, restore its step files and run: ${resume(latest.id)}`
          : `to continue it with its own repositories: ${resume(latest.id)}`;
      leavesUnfinished = `run ${latest.id} of this job is unfinished, but its ${change} differ from now: starting a new run (${how})`;
    }
  }
  if (!options.dryRun) refuseWhileJobRuns(deps, job.name, options.owner);
  const id = newRunId(deps.now());
  const run = deps.store.createRun({
    id,
    jobName: job.name,
    manifestPath: job.file,
    manifestHash: job.hash,
    jobJson: JSON.stringify(job),
    provider: job.sandbox.provider,
    dryRun: options.dryRun,
    runDir: path.resolve(options.stateDir, 'runs', id),
    transformKey: await transformKey(job, id),
    noReuse: options.reuse === false,
  });
  return leavesUnfinished ? { run, resumed: false, leavesUnfinished } : { run, resumed: false };
}

/**
 * A run from before transformation keys were kept has none to compare: it is taken as it is. A run that mixes
 * transformations matches no step files.
 */
async function sameTransformation(job: Job, run: RunRecord): Promise<boolean> {
  if (isMixed(run)) return false;
  return run.transformKey === null || (await transformKey(job, run.id)) === run.transformKey;
}

function isMixed(run: RunRecord): boolean {
  return run.transformKey?.startsWith(MIXED_TRANSFORM_PREFIX) ?? false;
}

/**
 * The latest run of this manifest of the same kind (a dry run, or not: a dry run previewing a change does not hide
 * an unfinished real run), and what keeps it from being continued now (null: nothing). `plan` asks the same.
 */
export async function latestOfThisWork(
  store: TaskDeps['store'],
  job: Job,
  repos: readonly RepoRef[],
  dryRun: boolean,
): Promise<{ latest: RunRecord | undefined; change: 'step files' | 'repositories' | null }> {
  const latest = store.latestRun({ jobName: job.name, manifestHash: job.hash, dryRun });
  return { latest, change: latest ? await howItDiffers({ store }, job, latest, repos) : null };
}

/** What keeps `latest` from being continued by this invocation, or null when nothing does. */
async function howItDiffers(
  deps: Pick<TaskDeps, 'store'>,
  job: Job,
  latest: RunRecord,
  repos: readonly RepoRef[],
): Promise<'step files' | 'repositories' | null> {
  if (!(await sameTransformation(job, latest))) return 'step files';
  const journaled = new Set(deps.store.listTaskRepoKeys(latest.id));
  const wanted = new Set(repos.map((r) => r.key));
  const same = journaled.size === wanted.size && [...wanted].every((key) => journaled.has(key));
  return same ? null : 'repositories';
}

function stepFiles(job: Job): string {
  const files = [...new Set(job.candidates.flatMap((c) => c.steps.flatMap((s) => s.files)))].sort();
  return files.length > 0 ? files.join(', ') : 'none named';
}

export function newRunId(now: number): string {
  const d = new Date(now);
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}
