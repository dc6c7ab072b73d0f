/**
 * The CPU time a command's whole process tree used (user + system, in seconds), from bash's `times` after the
 * command exits: the children's totals of a shell count every descendant that was waited for, which is every
 * program a contender starts (fleetmod waits for its children, git for its helpers, xargs for its shells). Wall
 * times on two busy cores move with the machine's hour; the CPU a contender costs moves much less, so the two
 * together say whether a ratio changed because of the code or because of the hour.
 *
 * The command runs under `bash -c`, which becomes its parent: one short-lived shell more per sample, the same for
 * every contender. `times` goes to descriptor 3, so the command's own output is untouched.
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { finished, type Finished, type RunOptions } from './processes.js';

// The command itself gets no descriptor 3: it runs as it would without the wrapper.
const WRAPPER = '"$@" 3>&-; status=$?; times >&3; exit $status';

export interface FinishedWithCpu extends Finished {
  /** User + system CPU of the command and everything it started, in seconds. */
  cpuSeconds: number;
}

export async function runMeasuringCpu(command: string, args: readonly string[], options: RunOptions): Promise<FinishedWithCpu> {
  const started = performance.now();
  const child = spawn('bash', ['-c', WRAPPER, 'bench-cpu', command, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  let times = '';
  (child.stdio[3] as Readable).setEncoding('utf8').on('data', (chunk: string) => (times += chunk));
  const done = await finished(child, options, started);
  const cpuSeconds = childrenCpuSeconds(times);
  if (done.code === 0 && cpuSeconds === undefined) throw new Error(`bash printed no times: ${JSON.stringify(times)}`);
  return { ...done, cpuSeconds: cpuSeconds ?? Number.NaN };
}

/** User + system seconds of the children's line of `times` (its second line: `0m9.125s 0m9.284s`). */
export function childrenCpuSeconds(times: string): number | undefined {
  const line = times.trim().split('\n')[1];
  const match = line === undefined ? null : /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(line.trim());
  if (!match) return undefined;
  const [, um, us, sm, ss] = match.map(Number) as [number, number, number, number, number];
  return um * 60 + us + sm * 60 + ss;
}
