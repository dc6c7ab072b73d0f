import { describe, expect, it, vi } from 'vitest';
import { runBestOfN } from '../../../src/orchestrator/best-of-n.js';
import { fakeBestOfN } from '../../support/best-of-n-fakes.js';

// What runTask throws is set per test: the error best of N itself throws.
let thrown: unknown;
let calls = 0;
vi.mock('../../../src/orchestrator/run-task.js', () => ({
  runTask: async () => {
    calls += 1;
    throw thrown;
  },
}));
const { executeTask } = await import('../../../src/orchestrator/execute-task.js');

/** The error of a best-of-N repo none of whose candidates passed verify. */
async function noCandidatePassed(): Promise<unknown> {
  const fake = fakeBestOfN({ exec: (position, command) => (command === 'tests' ? { exitCode: 1, stderr: `${position + 1} failed` } : {}) });
  return runBestOfN(fake.deps, fake.config, fake.input).then(
    () => expect.unreachable('a candidate passed'),
    (err: unknown) => err,
  );
}

describe('graceful stop while a best-of-N repo ends with no candidate passing verify', () => {
  it('records verify-failed at once: a real result, not a Ctrl-C reaching a step (the repo does not run again)', async () => {
    thrown = await noCandidatePassed();
    calls = 0;
    const journal: string[] = [];
    const store = {
      startTask: (id: number) => ({ id, retries: 0, attempts: 1 }),
      finishTask: (_id: number, o: { outcome: string; errorMessage?: string }) => journal.push(`finish ${o.outcome}: ${o.errorMessage}`),
      releaseTask: (_id: number, why: string) => journal.push(`release ${why}`),
      recordRetry: () => undefined,
      logEvent: () => undefined,
    };
    const deps = { store, progress: { taskStarted: () => undefined, taskRetrying: () => undefined }, now: () => 0 } as never;
    const config = { job: { limits: { retries: 2 } }, run: { id: 'r' } } as never;
    const stop = new AbortController();
    stop.abort(); // the user pressed Ctrl-C once: running repos are let finish

    const result = await executeTask(deps, config, { id: 1, repo: { key: 'acme/api' } as never, retries: 0 }, { signal: new AbortController().signal, stopSignal: stop.signal });

    expect(result.kind).toBe('finished');
    expect(calls).toBe(1);
    expect(journal).toEqual([
      'finish verify-failed: no candidate passed verify (candidate-1: verify "tests" exited with code 1: 1 failed; candidate-2: verify "tests" exited with code 1: 2 failed)',
    ]);
  });
});
