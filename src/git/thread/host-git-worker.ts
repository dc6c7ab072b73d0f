/**
 * The worker side of host-git-thread.ts: one HostGit, created as on the main thread, answering calls by message.
 * The run's stop signal arrives as an `abort` message and aborts every git this HostGit runs, as it would there.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createHostGit } from '../host-git.js';
import type { FromWorker, HostGitThreadData, ToWorker } from './protocol.js';
import { toWire } from './wire-errors.js';

function serve(): void {
  const port = parentPort;
  if (!port) throw new Error('host-git-worker.js runs only as a worker thread');
  const data = workerData as HostGitThreadData;
  const stop = new AbortController();
  const git = createHostGit({
    env: data.env,
    ...(data.timeoutMs !== undefined && { timeoutMs: data.timeoutMs }),
    ...(data.templateDir !== undefined && { templateDir: data.templateDir }),
    signal: stop.signal,
  });
  port.on('message', (message: ToWorker) => {
    if (message.kind === 'abort') {
      stop.abort();
      return;
    }
    const method = git[message.method] as (...args: unknown[]) => Promise<unknown>;
    method.apply(git, message.args).then(
      (value) => port.postMessage({ id: message.id, ok: true, value } satisfies FromWorker),
      (err: unknown) => port.postMessage({ id: message.id, ok: false, error: toWire(err) } satisfies FromWorker),
    );
  });
}

serve();
