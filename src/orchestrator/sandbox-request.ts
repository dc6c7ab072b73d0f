/** The sandbox a task (or one of its candidates) asks for, derived from the job. */
import type { CandidateSpec } from '../manifest/job.js';
import type { SandboxRequest } from '../sandbox/types.js';
import type { TaskRecord } from '../store/types.js';
import type { TaskConfig } from './task-context.js';
import { stepFiles } from './transform.js';

export function sandboxRequest(
  config: TaskConfig,
  task: TaskRecord,
  candidate: CandidateSpec,
  workspace: string,
  signal: AbortSignal,
  log: (line: string) => void,
  hooks: Pick<SandboxRequest, 'creationSlot' | 'onDiscarded'> = {},
): SandboxRequest {
  const { job } = config;
  const s = job.sandbox;
  return {
    workspace,
    files: stepFiles(job.dir, candidate.steps),
    env: { ...s.env, ...task.repo.env, ...config.secrets },
    network: s.network,
    limits: {
      timeoutMs: s.timeoutMs,
      ...(s.memoryBytes !== undefined && { memoryBytes: s.memoryBytes }),
      ...(s.cpus !== undefined && { cpus: s.cpus }),
      pids: s.pids,
      ...(s.diskBytes !== undefined && { diskBytes: s.diskBytes }),
      tmpBytes: s.tmpBytes,
      outputBytes: s.outputBytes,
      changeBytes: s.changeBytes,
    },
    template: s.template,
    labels: {
      job: job.name,
      run: config.run.id,
      repo: task.repo.key,
      ...(job.candidates.length > 1 && { candidate: candidate.name }),
    },
    signal,
    log,
    ...(hooks.creationSlot && { creationSlot: hooks.creationSlot }),
    ...(hooks.onDiscarded && { onDiscarded: hooks.onDiscarded }),
  };
}
