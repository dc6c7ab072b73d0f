/**
 * Runs one command in a fresh bubblewrap sandbox and waits for it: started by the launcher (launcher.ts, which
 * joins the sandbox's cgroup first), argv through `--args 3` (off the process list), the sandbox's init pid from
 * `--info-fd 4`, output capped, and the whole tree killed on timeout or abort by SIGKILLing that init pid (the
 * kernel then kills everything in the pid namespace).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { CommandOutput, type OutputRedactor } from '../shared/output-buffer.js';
import type { ExecResult } from '../types.js';
import { LAUNCHER, READY, SandboxNotStarted, launcherArgs } from './launcher.js';

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
  redactor?: OutputRedactor;
  /** Extra descriptors for the child, from fd 5 on (e.g. a seccomp program), each a fresh pipe per spawn. */
  extraFds?: readonly (Buffer | null)[];
  /**
   * Cgroup files (`tasks` on v1, `cgroup.procs` on v2) the launcher writes `0` to, moving itself into the sandbox's
   * cgroup before it becomes bwrap; every process of the sandbox inherits that. If a write fails, bwrap never gets
   * its options and the promise rejects with a `SandboxNotStarted`.
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

/**
 * How long fleetmod waits, once bwrap has exited, for the sandbox's init to end: it kills what the command left
 * running as it exits, which takes a moment (longer under load), and a kernel that takes this long is stuck.
 */
const INIT_END_WAIT_MS = 10_000;

/** Launches of one command that a signal meant for fleetmod's process group may cut short before it runs. */
const MAX_LAUNCHES = 3;

type Launch = { result: ExecResult } | { notStarted: SandboxNotStarted };

export async function spawnBwrap(options: SpawnBwrapOptions): Promise<ExecResult> {
  const started = performance.now();
  for (let launch = 1; ; launch += 1) {
    const outcome = await launchOnce(options, started);
    if ('result' in outcome) return outcome.result;
    // Caught by a Ctrl-C meant for fleetmod before it left fleetmod's process group: nothing of it ran, so it is
    // started again (a Ctrl-C lets running repos finish).
    if (outcome.notStarted.reason !== 'signal' || launch === MAX_LAUNCHES) throw outcome.notStarted;
  }
}

function launchOnce(options: SpawnBwrapOptions, started: number): Promise<Launch> {
  if (options.signal?.aborted) {
    return Promise.resolve({
      result: { exitCode: null, stdout: '', stderr: '', truncated: false, timedOut: false, durationMs: performance.now() - started, killedBy: 'aborted' },
    });
  }
  const extra = options.extraFds ?? [];
  const bwrapArgs = ['--args', '3', '--', ...options.command];
  const child = spawn(LAUNCHER, launcherArgs(options.joinCgroupFiles ?? [], options.binary, bwrapArgs), {
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
  /** The init's start time, which tells it from a later process given the same pid. */
  let initStart: string | undefined;
  const infoPipe = stdio[4] as Readable;
  infoPipe.setEncoding('utf8');
  infoPipe.on('data', (chunk: string) => {
    info += chunk;
    if (!optionsSent && info.startsWith(READY)) {
      info = info.slice(READY.length);
      if (!killedBy) start();
    }
    const match = /"child-pid"\s*:\s*(\d+)/.exec(info);
    if (match && initPid === undefined) {
      initPid = Number(match[1]);
      initStart = processState(initPid)?.start;
      // A kill requested before the pid was known is carried out now.
      if (killedBy) killInit();
    }
  });
  infoPipe.on('error', () => undefined);

  const output = new CommandOutput(options.outputBytes, options);
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => output.push('stdout', chunk));
  child.stderr?.on('data', (chunk: string) => output.push('stderr', chunk));

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
    // The launcher is not ready yet: bwrap never gets its options, so nothing of the sandbox ever runs.
    if (!optionsSent) {
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

  const timer = setTimeout(() => killTree('timeout'), Math.max(1, options.timeoutMs - (performance.now() - started)));
  const onAbort = () => killTree('aborted');
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const untrack = options.track?.((reason) => killTree(reason));

  return new Promise((resolve) => {
    let spawnError: Error | undefined;
    child.on('error', (err) => {
      spawnError = err;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (fallback) clearTimeout(fallback);
      options.signal?.removeEventListener('abort', onAbort);
      untrack?.();
      const { stdout, stderr, truncated } = output.result();
      if (!optionsSent && !killedBy) {
        resolve({ notStarted: SandboxNotStarted.fromExit(code, signal, stderr.trim(), spawnError) });
        return;
      }
      // bwrap exits as soon as the command's first process has (its init says so on a descriptor of theirs), while
      // the init is still killing what that process left running in the background: until the init has ended,
      // sandboxed code may still write to the checkout the host is about to take back (chown, chmod, git).
      void initEnded(initPid, initStart, options.signal).then(async (ended) => {
        if (!ended) {
          await options.killRemaining?.().catch(() => undefined);
          killedBy ??= options.signal?.aborted ? 'aborted' : `the sandbox's processes had not ended ${INIT_END_WAIT_MS / 1000} s after its command`;
        }
        resolve({
          result: {
            exitCode: killedBy || signal ? null : (code ?? null),
            stdout,
            stderr: spawnError ? `${stderr}${spawnError.message}` : stderr,
            truncated,
            timedOut: killedBy === 'timeout',
            durationMs: performance.now() - started,
            ...(killedBy && { killedBy }),
          },
        });
      });
    });
  });
}

/**
 * Whether the sandbox's init (pid `pid`, started at `start`) has ended, waiting for it up to INIT_END_WAIT_MS. It
 * kills everything else in its pid namespace before it becomes a zombie, so a zombie counts as ended: the host's
 * init may be slow to reap it (a container without --init).
 */
export async function initEnded(pid: number | undefined, start: string | undefined, signal?: AbortSignal): Promise<boolean> {
  if (pid === undefined || start === undefined) return true;
  const deadline = performance.now() + INIT_END_WAIT_MS;
  for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
    const state = processState(pid);
    if (state === null || state.start !== start || !state.running) return true;
    // A hard stop does not wait out a stuck init: what is left in the sandbox's cgroup is killed instead.
    if (performance.now() >= deadline || signal?.aborted) return false;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/** Process `pid`'s start time and whether it still runs (is not a zombie); null when there is none. */
function processState(pid: number): { start: string; running: boolean } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // After the name (which may hold spaces and parentheses): state is field 3, starttime field 22.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { start: fields[19] ?? '', running: fields[0] !== 'Z' && fields[0] !== 'X' };
}
