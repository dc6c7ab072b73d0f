/**
 * Several git plumbing commands in a row as one short `sh` script. Taking a diff and committing one are each a
 * handful of commands; one process for them is cheaper than one simple-git call (and one Node child process) per
 * command.
 *
 * Safe by construction: the script is a constant of this module (nothing is spliced into it; everything variable
 * arrives as a positional argument), the pinned settings of SAFE_GIT_CONFIG reach every git in it through the
 * GIT_CONFIG_* variables (the same precedence as `-c`), the environment is safeGitEnv's, and no script is ever
 * given a credential.
 */
import { spawn } from 'node:child_process';
import { GitFailed, Interrupted } from '../domain/errors.js';
import { classifyGitError } from './classify-git-error.js';
import { SAFE_GIT_CONFIG } from './safe-config.js';

export interface GitScriptOptions {
  /** Working directory (the repository). */
  cwd: string;
  /** Base environment, already passed through safeGitEnv. */
  env: Readonly<Record<string, string>>;
  /** Extra variables for this script (identity, index file); never credentials. */
  extraEnv?: Readonly<Record<string, string>>;
  /** $1, $2, … of the script. */
  args: readonly string[];
  /** Written to the script's standard input (empty when absent). */
  input?: string;
  /** The script is killed when it runs longer. */
  timeoutMs: number;
  /** The script is killed, and `tooMuchOutput()` thrown, when it writes more than this to standard output. */
  maxStdoutBytes?: number;
  tooMuchOutput?: () => Error;
  signal?: AbortSignal;
}

/** SAFE_GIT_CONFIG as GIT_CONFIG_COUNT / _KEY_n / _VALUE_n. */
export function safeConfigEnv(): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(SAFE_GIT_CONFIG.length) };
  SAFE_GIT_CONFIG.forEach((setting, i) => {
    const eq = setting.indexOf('=');
    env[`GIT_CONFIG_KEY_${i}`] = setting.slice(0, eq);
    env[`GIT_CONFIG_VALUE_${i}`] = setting.slice(eq + 1);
  });
  return env;
}

/** Runs `script` with `sh -c`; resolves with its standard output, rejects with GitFailed (or Interrupted). */
export async function runGitScript(what: string, script: string, options: GitScriptOptions): Promise<string> {
  return (await runGitScriptBytes(what, script, options)).toString('utf8');
}

/** runGitScript, its standard output as the bytes git wrote (a diff of a file that is not UTF-8). */
export function runGitScriptBytes(what: string, script: string, options: GitScriptOptions): Promise<Buffer> {
  if (options.signal?.aborted) return Promise.reject(new Interrupted(`stopped before git ${what}`));
  const child = spawn('/bin/sh', ['-c', script, 'fleetmod-git', ...options.args], {
    cwd: options.cwd,
    env: { ...options.env, ...safeConfigEnv(), ...options.extraEnv },
    stdio: ['pipe', 'pipe', 'pipe'],
    // A session of its own, like every host git (host-git.ts): a Ctrl-C in the terminal must not kill a commit
    // half-way; fleetmod decides when to stop it.
    detached: true,
  });
  // A script that exits without reading all of it closes the pipe: its exit status is what counts, not EPIPE.
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input);
  const stdout: Buffer[] = [];
  let stderr = '';
  let stdoutBytes = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    stdoutBytes += chunk.length;
    if (options.maxStdoutBytes !== undefined && stdoutBytes > options.maxStdoutBytes) {
      stdout.length = 0;
      stop('too large');
      return;
    }
    stdout.push(chunk);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let stopped: 'timeout' | 'aborted' | 'too large' | undefined;
  const stop = (why: 'timeout' | 'aborted' | 'too large') => {
    stopped ??= why;
    // The whole group: the script and the git it is running.
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  };
  const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
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
      const text = spawnError?.message ?? (stopped === 'timeout' ? `timed out after ${options.timeoutMs} ms` : stderr.trim() || `exit ${code}`);
      reject(new GitFailed(`git ${what} failed: ${text}`, stopped === 'timeout' ? 'transient' : classifyGitError(text)));
    });
  });
}
