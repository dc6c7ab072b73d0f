import { describe, expect, it, vi } from 'vitest';
import { Interrupted, SandboxLost } from '../../../src/domain/errors.js';

// The takeover comes while the repo's work runs: until then the process owns the run.
let ran = false;
vi.mock('../../../src/orchestrator/run-task.js', () => ({
  runTask: async (_deps: unknown, _config: unknown, _task: unknown, signal: AbortSignal) => {
    ran = true;
    throw signal.aborted ? new Interrupted('aborted') : new SandboxLost('the sandbox went away');
  },
}));
const { executeTask } = await import('../../../src/orchestrator/execute-task.js');

/** A repo of a process whose run another process took over (run-job.ts aborts its repos and ownsRun says false). */
async function takenOver(aborted: boolean): Promise<{ kind: string; journal: string[] }> {
  const journal: string[] = [];
  const store = {
    startTask: (id: number) => ({ id, retries: 0, attempts: 1 }),
    finishTask: (_id: number, o: { outcome: string }) => journal.push(`finish ${o.outcome}`),
    releaseTask: (_id: number, why: string) => journal.push(`release ${why}`),
    recordRetry: (_id: number, why: string) => journal.push(`retry ${why}`),
    logEvent: () => undefined,
  };
  const deps = { store, progress: { taskStarted: () => undefined, taskRetrying: () => undefined }, now: () => 0 } as never;
  const config = { job: { limits: { retries: 2 } }, run: { id: 'r' } } as never;
  ran = false;
  const signal = new AbortController();
  if (aborted) signal.abort();
  const result = await executeTask(deps, config, { id: 1, repo: { key: 'acme/api' } as never, retries: 0 }, { signal: signal.signal, ownsRun: () => !ran, sleep: async () => undefined });
  return { kind: result.kind, journal };
}

describe('a repo of a run another process took over', () => {
  it('journals nothing when its work is aborted: the task is the new owner\'s, who may be running it', async () => {
    expect(await takenOver(true)).toEqual({ kind: 'interrupted', journal: [] });
  });

  it('journals no retry of a transient failure met after the takeover', async () => {
    expect(await takenOver(false)).toEqual({ kind: 'interrupted', journal: [] });
  });
});
