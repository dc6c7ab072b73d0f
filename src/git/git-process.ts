/**
 * One host git process (or one short `sh` script of git commands, git-script.ts), run straight with Node's spawn:
 * - in a session of its own (`detached`), so a Ctrl-C in the terminal — which signals the whole foreground process
 *   group — reaches fleetmod only; a stop, a timeout or too much output ends the process's whole group, which
 *   includes the remote helper (`git-remote-http`) that holds the connection;
 * - with every setting of SAFE_GIT_CONFIG, and the auth header when there is one, in the GIT_CONFIG_* variables
 *   (the same precedence as `-c`; the header is thus in neither argv nor any file);
 * - killed after `timeoutMs` without any output;
 * - a failure is a GitFailed that says how git ended (exit code or signal) and what it printed.
 */
import { spawn } from 'node:child_process';
import { GitFailed, Interrupted } from '../domain/errors.js';
import { classifyGitError } from './classify-git-error.js';
import { SAFE_GIT_CONFIG } from './safe-config.js';

/** How much of a failed command's standard output its error message keeps. */
const FAILURE_STDOUT_CHARS = 2_000;

export interface GitProcessOptions {
  /** Working directory (the repository); fleetmod's own when absent. */
  cwd?: string;
  /** Base environment, already passed through safeGitEnv. */
  env: Readonly<Record<string, string>>;
  /** Variables for this process only (identity, index file); never credentials. */
  extraEnv?: Readonly<Record<string, string>>;
  /** Settings after SAFE_GIT_CONFIG, for this process only: the auth header (`http.extraHeader`). */
  extraConfig?: readonly (readonly [key: string, value: string])[];
  /** Written to standard input (which is empty when absent). */
  input?: string;
  /** The process is killed when it writes nothing for this long. */
  timeoutMs: number;
  /** The process is killed, and `tooMuchOutput()` thrown, when it writes more than this to standard output. */
  maxStdoutBytes?: number;
  tooMuchOutput?: () => Error;
  signal?: AbortSignal;
}

/** SAFE_GIT_CONFIG, then `extra`, as GIT_CONFIG_COUNT / _KEY_n / _VALUE_n. */
export function gitConfigEnv(extra: readonly (readonly [string, string])[] = []): Record<string, string> {
  const settings = [...SAFE_GIT_CONFIG.map((setting) => splitSetting(setting)), ...extra];
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(settings.length) };
  settings.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

function splitSetting(setting: string): [string, string] {
  const eq = setting.indexOf('=');
  return [setting.slice(0, eq), setting.slice(eq + 1)];
}

/** Runs `file` with `args`; resolves with its standard output, rejects with GitFailed (or Interrupted on a stop). */
export function runGitProcess(what: string, file: string, args: readonly string[], options: GitProcessOptions): Promise<Buffer> {
  if (options.signal?.aborted) return Promise.reject(new Interrupted(`stopped before git ${what}`));
  const child = spawn(file, args, {
    ...(options.cwd !== undefined && { cwd: options.cwd }),
    env: { ...options.env, ...gitConfigEnv(options.extraConfig), ...options.extraEnv },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  // A process that exits without reading all of it closes the pipe: its exit status is what counts, not EPIPE.
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input);
  let stopped: 'timeout' | 'aborted' | 'too large' | undefined;
  const stop = (why: 'timeout' | 'aborted' | 'too large') => {
    stopped ??= why;
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  };
  const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
  // Output restarts the count: the timeout is for a process that has gone quiet, not for a long one.
  const active = () => timer.refresh();
  const stdout: Buffer[] = [];
  let stderr = '';
  let stdoutBytes = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    active();
    stdoutBytes += chunk.length;
    if (options.maxStdoutBytes !== undefined && stdoutBytes > options.maxStdoutBytes) {
      stdout.length = 0;
      stop('too large');
      return;
    }
    stdout.push(chunk);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    active();
    stderr += chunk;
  });
  const onAbort = () => stop('aborted');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  return new Promise((resolve, reject) => {
    let spawnError: Error | undefined;
    child.on('error', (err) => (spawnError = err));
    child.on('close', (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (stopped === 'aborted') return reject(new Interrupted(`stopped while git ${what} ran`));
      if (stopped === 'too large') return reject(options.tooMuchOutput?.() ?? new GitFailed(`git ${what} wrote more than ${options.maxStdoutBytes} bytes`, 'permanent'));
      if (code === 0 && !spawnError) return resolve(Buffer.concat(stdout));
      // Standard output too: what some commands say about a failure is there (push --porcelain: each ref's refusal).
      const printed = [stderr.trim(), Buffer.concat(stdout).toString('utf8').trim().slice(0, FAILURE_STDOUT_CHARS)].filter(Boolean).join('\n');
      const text =
        spawnError?.message ??
        (stopped === 'timeout'
          ? `timed out after ${options.timeoutMs} ms without output`
          : `git ${code === null ? 'was killed by a signal' : `exited with code ${code}`}${printed ? `: ${printed}` : ''}`);
      reject(new GitFailed(`git ${what} failed: ${text}`, stopped === 'timeout' ? 'transient' : classifyGitError(text)));
    });
  });
}
