/**
 * Child processes for benchmarks, always asynchronous: the benchmark process hosts the git server and the fake
 * E2B, so a synchronous spawn would stop them from answering.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, in ms. */
  ms: number;
}

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Kill the process after this long. @default 30 min */
  timeoutMs?: number;
}

export function runProcess(command: string, args: readonly string[], options: RunOptions): Promise<Finished> {
  const started = performance.now();
  return finished(spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] }), options, started);
}

/**
 * What `child` printed and how it ended, its wall time from `started` (taken before its spawn); it is killed after
 * `options.timeoutMs`.
 */
export function finished(child: ChildProcess, options: Pick<RunOptions, 'timeoutMs'>, started: number): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30 * 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** Like runProcess, but a non-zero exit is an error that shows the end of the output. */
export async function runChecked(command: string, args: readonly string[], options: RunOptions): Promise<Finished> {
  return succeeded(command, args, await runProcess(command, args, options));
}

/** `done`, or an error that shows the end of its output when it exited non-zero. */
export function succeeded<T extends Finished>(command: string, args: readonly string[], done: T): T {
  if (done.code !== 0) {
    const tail = `${done.stdout}\n${done.stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${command} ${args.join(' ')} exited with ${done.code}:\n${tail}`);
  }
  return done;
}
