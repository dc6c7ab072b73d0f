/**
 * Result reuse across runs: before a repository's transformation runs, look for the journaled result of an
 * earlier run of the same transformation (transform-key.ts) on the same repository entry at the same base commit,
 * and take it into this run's task — diff, counts, commit time, step results and candidates — instead of running
 * the sandbox again. The change is the same; only the commit, push and PR are this run's to check.
 */
import type { RepoRef } from '../domain/repo.js';
import type { TaskRecord } from '../store/types.js';
import type { TaskLog } from './task-log.js';
import type { TaskConfig, TaskDeps } from './task-context.js';

export interface AdoptedResult {
  /** The task as it is now, with the adopted result. */
  task: TaskRecord;
  /** The task the result was taken from (its head SHA and commit key tell whether the commit would be the same). */
  source: TaskRecord;
  /** The run that produced the result (the source's own run, or the one it reused from in turn). */
  producedInRun: string;
}

export interface BaseLookup {
  repo: RepoRef;
  /** What hasEarlierResult answered for this task: only then is there anything to look up. */
  anyEarlier: boolean;
  /** The base commit when resolve read it anyway (plain git hosts, default branch). */
  knownSha: string | undefined;
  /** Reads the base commit from the remote; called only when there is an earlier result to compare against. */
  lookUp: () => Promise<string | null>;
}

/**
 * Whether an earlier run of the same transformation left a result for this repository (on any base). A task with a
 * result of its own (an earlier attempt of this run) resumes from it instead.
 */
export function hasEarlierResult(deps: Pick<TaskDeps, 'store'>, config: Pick<TaskConfig, 'reuse' | 'run'>, task: TaskRecord): boolean {
  const transformKey = config.run.transformKey;
  if (!config.reuse || transformKey === null || task.diff !== null) return false;
  return deps.store.hasReusableResult({ transformKey, repo: task.repo, excludeRunId: config.run.id });
}

export async function adoptEarlierResult(
  deps: Pick<TaskDeps, 'store'>,
  config: Pick<TaskConfig, 'run'>,
  task: TaskRecord,
  base: BaseLookup,
  log: TaskLog,
): Promise<AdoptedResult | undefined> {
  const transformKey = config.run.transformKey;
  if (!base.anyEarlier || transformKey === null) return undefined;
  const query = { transformKey, repo: base.repo, excludeRunId: config.run.id };
  const baseSha = base.knownSha ?? (await base.lookUp()) ?? undefined;
  if (baseSha === undefined) return undefined;
  const source = deps.store.findReusableResult({ ...query, baseSha });
  if (!source) return undefined;
  deps.store.adoptResult(task.id, source.id, task.attempts);
  const producedInRun = source.reusedFromRun ?? source.runId;
  const message = `reusing the result of run ${producedInRun}: same transformation, same base commit ${baseSha.slice(0, 12)}`;
  log.line(message);
  deps.store.logEvent(config.run.id, task.id, 'info', message);
  return { task: deps.store.getTask(task.id) as TaskRecord, source, producedInRun };
}
