/**
 * Host git on a thread of its own. Starting a process from Node blocks the thread that starts it until the child
 * has exec'd, and that takes longer the more memory the process holds: about 10 ms for each git (or diff
 * script) at the 120–150 MB of a large run here, 2,800 times in a 500-repository run. On the main thread that
 * holds back every timer — the sandbox creation pacing among them — and every reply; here it holds back only other
 * gits. (How much that shortens a run depends on the machine: on two busy cores, waiting for a core is what holds
 * timers back most; see README, Performance.)
 *
 * The thread holds a reference on the event loop only while a call is in flight, as a running child process would,
 * so it never keeps fleetmod alive by itself.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { HostGit, HostGitOptions } from '../host-git.js';
import { HOST_GIT_METHODS, type FromWorker, type HostGitMethod, type HostGitThreadData, type ToWorker } from './protocol.js';
import { fromWire } from './wire-errors.js';

const WORKER_URL = new URL('./host-git-worker.js', import.meta.url);

/**
 * Whether the worker's script is there: in the built program it is; when fleetmod's TypeScript sources are run
 * directly (the in-process tests) there is no JavaScript file for a worker to load.
 */
export function hostGitThreadAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_URL));
}

export function createHostGitThread(options: HostGitOptions): HostGit {
  const data: HostGitThreadData = {
    env: { ...options.env },
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(options.templateDir !== undefined && { templateDir: options.templateDir }),
  };
  // Not the main thread's Node options (`--input-type`, loaders): the worker is a plain module of this program.
  const worker = new Worker(WORKER_URL, { workerData: data, execArgv: [] });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  let nextId = 1;
  let failure: Error | undefined;

  const settle = (id: number) => {
    const call = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) worker.unref();
    return call;
  };
  worker.on('message', (message: FromWorker) => {
    const call = settle(message.id);
    if (!call) return;
    if (message.ok) call.resolve(message.value);
    else call.reject(fromWire(message.error));
  });
  // A thread that dies takes every call in flight with it; later calls fail at once with the same reason.
  const fail = (err: Error) => {
    failure ??= new Error(`the host git thread stopped: ${err.message}`);
    for (const id of [...pending.keys()]) settle(id)?.reject(failure);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  // After the listeners: adding a 'message' listener refs the thread again.
  worker.unref();

  const signal = options.signal;
  const forwardAbort = () => worker.postMessage({ kind: 'abort' } satisfies ToWorker);
  if (signal?.aborted) forwardAbort();
  else signal?.addEventListener('abort', forwardAbort, { once: true });

  const call = (method: HostGitMethod, args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      if (failure) {
        reject(failure);
        return;
      }
      const id = nextId++;
      if (pending.size === 0) worker.ref();
      pending.set(id, { resolve, reject });
      worker.postMessage({ kind: 'call', id, method, args } satisfies ToWorker);
    });

  const git: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const method of HOST_GIT_METHODS) git[method] = (...args) => call(method, args);
  return git as unknown as HostGit;
}
