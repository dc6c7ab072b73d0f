/**
 * The transformation of one repository in its sandbox: one candidate, or best of N (best-of-n.ts) when the job has
 * several, each in a sandbox of its own. Returns the change and the steps' output; a candidate that failed throws.
 */
import type { TaskRecord } from '../store/types.js';
import { runBestOfN } from './best-of-n.js';
import { runCandidate } from './run-candidate.js';
import type { StageRunner, TaskConfig, TaskDeps } from './task-context.js';
import type { TaskLog } from './task-log.js';
import type { StepOutput } from './variables.js';

export async function transformInSandbox(
  deps: TaskDeps,
  config: TaskConfig,
  task: TaskRecord,
  signal: AbortSignal,
  log: TaskLog,
  workdir: string,
  base: string,
  stage: StageRunner,
): Promise<{ diff: string; steps: StepOutput[] }> {
  const { job } = config;
  if (job.candidates.length > 1) {
    deps.store.recordStage(task.id, 'sandbox', 'skipped', 0, `one sandbox per candidate (${job.candidates.length})`);
    // runBestOfN journals the steps and verify stages from what the candidates did.
    const best = await runBestOfN(deps, config, { task, base, workdir, log, signal, stage });
    deps.store.recordStage(task.id, 'diff', 'succeeded', 0, `chose ${best.chosen.name}`);
    return { diff: best.chosen.diff, steps: best.chosen.steps };
  }
  const candidate = job.candidates[0] as (typeof job.candidates)[number];
  const result = await deps.limiters.sandbox(() =>
    runCandidate(deps, config, { task, base, workspace: workdir, candidate, position: 0, log, signal, stage }),
  );
  if (result.status === 'verify-failed') deps.store.updateTask(task.id, { diff: result.diff, ...diffColumns(result.counts) });
  if (result.failure) throw result.failure;
  return { diff: result.diff, steps: result.steps };
}

function diffColumns(counts: { files: number; insertions: number; deletions: number }) {
  return { filesChanged: counts.files, insertions: counts.insertions, deletions: counts.deletions };
}
