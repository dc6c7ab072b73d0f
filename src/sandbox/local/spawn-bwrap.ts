/**
 * Runs one command in a fresh bubblewrap sandbox and waits for it: argv through `--args 3` (off the process
 * list), the sandbox's init pid from `--info-fd 4`, output capped, and the whole tree killed on timeout or abort
 * by SIGKILLing that init pid (the kernel then kills everything in the pid namespace).
 *
 * With a cgroup to join, a tiny shell starts first: it moves itself into the cgroup, says so on fd 4 and execs
 * bwrap, which then waits for its options on fd 3. fleetmod writes them only after that word, so nothing of the
 * sandbox runs outside its cgroup. A process moving itself is cheap on cgroup v1 (writing `0` to `tasks` skips
 * the kernel's global threadgroup lock that moving another process takes: 0.2 ms instead of 11 ms here). If
 * fleetmod dies before writing the options, bwrap reads none and its command finds nothing to run in bwrap's
 * empty root; the window between writing them and bwrap arming --die-with-parent is the one any order has.
 */
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { CappedOutput } from '../shared/output-buffer.js';
import type { ExecResult } from '../types.js';

export interface SpawnBwrapOptions {
  binary: string;
  /** bwrap options, passed through --args 3. */
  args: readonly string[];
  /** The program to run inside and its arguments. */
  command: readonly string[];
  timeoutMs: number;
  outputBytes: number;
  signal?: AbortSignal;
  onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
  /** Extra descriptors for the child, from fd 5 on (e.g. a seccomp program), each a fresh pipe per spawn. */
  extraFds?: readonly (Buffer | null)[];
  /**
   * Cgroup files (`tasks` on v1, `cgroup.procs` on v2) the launcher writes `0` to, moving itself into the sandbox's
   * cgroup before it becomes bwrap; every process of the sandbox inherits that. If a write fails, bwrap never gets
   * its options and the promise rejects with a `CgroupJoinFailed`.
   */
  joinCgroupFiles?: readonly string[];
  /** Last resort when killing the sandbox's init did not end it (e.g. kill everything in its cgroup). */
  killRemaining?: () => Promise<void>;
  /**
   * Called with a kill function while the sandbox runs, so a provider can stop it (shutdown, a limit watcher);
   * returns the function that stops tracking.
   */
  track?: (kill: (reason: string) => void) => () => void;
}

/** Grace between killing the sandbox's init and killing bwrap itself (local-sandbox.md §5.3). */
const FALLBACK_KILL_MS = 500;

/** What the launcher writes on fd 4 once it is in the cgroup, before bwrap's own JSON follows on that fd. */
const JOINED = '.';
const LAUNCHER = '/bin/sh';
/** argv: the count of cgroup files, the files, then bwrap's argv. */
const LAUNCHER_SCRIPT = [
  'n=$1; shift',
  'while [ "$n" -gt 0 ]; do echo 0 > "$1" || exit 125; shift; n=$((n - 1)); done',
  `printf '${JOINED}' >&4 || exit 125`,
  'exec "$@"',
].join('\n');

export class CgroupJoinFailed extends Error {
  override readonly name = 'CgroupJoinFailed';
}

export function spawnBwrap(options: SpawnBwrapOptions): Promise<ExecResult> {
  const started = performance.now();
  if (options.signal?.aborted) {
    return Promise.resolve({ exitCode: null, stdout: '', stderr: '', truncated: false, timedOut: false, durationMs: 0, killedBy: 'aborted' });
  }
  const extra = options.extraFds ?? [];
  const bwrapArgv = ['--args', '3', '--', ...options.command];
  const joinFiles = options.joinCgroupFiles ?? [];
  const launch: [string, string[]] =
    joinFiles.length > 0
      ? [LAUNCHER, ['-c', LAUNCHER_SCRIPT, 'fleetmod-sandbox', String(joinFiles.length), ...joinFiles, options.binary, ...bwrapArgv]]
      : [options.binary, bwrapArgv];
  const child = spawn(launch[0], launch[1], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe', ...extra.map(() => 'pipe' as const)],
    env: {},
    // Its own process group: a Ctrl-C in the terminal (SIGINT to the whole foreground group) must reach fleetmod
    // only, which lets running repos finish; --die-with-parent still ends the sandbox if fleetmod dies.
    detached: true,
  });
  const stdio = child.stdio as unknown as (Readable & Writable)[];

  const argsPipe = stdio[3] as Writable;
  argsPipe.on('error', () => undefined);
  let optionsSent = false;
  const start = () => {
    optionsSent = true;
    argsPipe.end(Buffer.from(`${options.args.join('\0')}\0`));
    extra.forEach((data, i) => {
      const pipe = stdio[5 + i] as Writable;
      pipe.on('error', () => undefined);
      pipe.end(data ?? Buffer.alloc(0));
    });
  };

  let info = '';
  let initPid: number | undefined;
  const infoPipe = stdio[4] as Readable;
  infoPipe.setEncoding('utf8');
  infoPipe.on('data', (chunk: string) => {
    info += chunk;
    if (!optionsSent && info.startsWith(JOINED)) {
      info = info.slice(JOINED.length);
      if (!killedBy) start();
    }
    const match = /"child-pid"\s*:\s*(\d+)/.exec(info);
    if (match && initPid === undefined) {
      initPid = Number(match[1]);
      // A kill requested before the pid was known is carried out now.
      if (killedBy) killInit();
    }
  });
  infoPipe.on('error', () => undefined);

  const stdout = new CappedOutput(options.outputBytes);
  const stderr = new CappedOutput(options.outputBytes);
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    stdout.push(chunk);
    options.onOutput?.('stdout', chunk);
  });
  child.stderr?.on('data', (chunk: string) => {
    stderr.push(chunk);
    options.onOutput?.('stderr', chunk);
  });

  let killedBy: string | undefined;
  let fallback: NodeJS.Timeout | undefined;
  let bwrapExited = false;
  child.on('exit', () => {
    bwrapExited = true;
  });
  const killInit = () => {
    // Once bwrap is gone its sandbox is gone too, and the pid may already belong to some other process.
    if (initPid === undefined || bwrapExited) return;
    try {
      process.kill(initPid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const killTree = (reason: string) => {
    if (killedBy) return;
    killedBy = reason;
    // Still joining its cgroup: bwrap never gets its options, so nothing of the sandbox ever runs.
    if (!optionsSent && joinFiles.length > 0) {
      child.kill('SIGKILL');
      return;
    }
    // Killing bwrap itself first could orphan a sandbox that has not armed --die-with-parent yet; the init pid
    // (from --info-fd) is killed as soon as it is known, and bwrap (and whatever is left in the sandbox's cgroup)
    // only as a late fallback.
    killInit();
    fallback = setTimeout(() => {
      child.kill('SIGKILL');
      void options.killRemaining?.().catch(() => undefined);
    }, FALLBACK_KILL_MS);
  };

  const timer = setTimeout(() => killTree('timeout'), Math.max(1, options.timeoutMs));
  const onAbort = () => killTree('aborted');
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const untrack = options.track?.((reason) => killTree(reason));

  return new Promise((resolve, reject) => {
    let spawnError: Error | undefined;
    child.on('error', (err) => {
      spawnError = err;
    });
    if (joinFiles.length === 0) start();
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (fallback) clearTimeout(fallback);
      options.signal?.removeEventListener('abort', onAbort);
      untrack?.();
      if (!optionsSent && !killedBy) {
        reject(new CgroupJoinFailed(stderr.text().trim() || spawnError?.message || `the launcher ended with ${signal ?? `code ${code}`}`));
        return;
      }
      const stderrText = spawnError ? `${stderr.text()}${spawnError.message}` : stderr.text();
      resolve({
        exitCode: killedBy || signal ? null : (code ?? null),
        stdout: stdout.text(),
        stderr: stderrText,
        truncated: stdout.truncated || stderr.truncated,
        timedOut: killedBy === 'timeout',
        durationMs: performance.now() - started,
        ...(killedBy && { killedBy }),
      });
    });
  });
}
