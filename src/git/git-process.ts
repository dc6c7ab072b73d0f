/**
 * One host git process (or one short `sh` script of git commands, git-script.ts), started by a ProcessLauncher
 * (src/process: a small helper process forks it where perl is installed, Node's spawn where not):
 * - in a session of its own, so a Ctrl-C in the terminal — which signals the whole foreground process
 *   group — reaches fleetmod only; a stop, a timeout or too much output ends the process's whole group, which
 *   includes the remote helper (`git-remote-http`) that holds the connection;
 * - with every setting of SAFE_GIT_CONFIG, and the auth header when there is one, in the GIT_CONFIG_* variables
 *   (the same precedence as `-c`; the header is thus in neither argv nor any file);
 * - killed after `timeoutMs` without any output;
 * - a failure is a GitFailed that says how git ended (exit code or signal) and what it printed.
 */
import { GitFailed, Interrupted } from '../domain/errors.js';
import { classifyGitError } from './classify-git-error.js';
import { SAFE_GIT_CONFIG } from './safe-config.js';
import type { ProcessLauncher } from '../process/launcher.js';

/** How much of a failed command's standard output its error message keeps. */
const FAILURE_STDOUT_CHARS = 2_000;

export interface GitProcessOptions {
  /** What starts the process (choose-launcher.ts). */
  launcher: ProcessLauncher;
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
  return new Promise((resolve, reject) => {
    let stopped: 'timeout' | 'aborted' | 'too large' | undefined;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let stdoutBytes = 0;
    let spawnError: Error | undefined;
    // Output restarts the count: the timeout is for a process that has gone quiet, not for a long one.
    const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
    const onAbort = () => stop('aborted');
    const child = options.launcher.launch(
      {
        file,
        args,
        ...(options.cwd !== undefined && { cwd: options.cwd }),
        env: { ...options.env, ...gitConfigEnv(options.extraConfig), ...options.extraEnv },
        ...(options.input !== undefined && { input: options.input }),
      },
      {
        stdout(chunk) {
          timer.refresh();
          if (stopped === 'too large') return;
          stdoutBytes += chunk.length;
          if (options.maxStdoutBytes !== undefined && stdoutBytes > options.maxStdoutBytes) {
            stdout.length = 0;
            stop('too large');
            return;
          }
          stdout.push(chunk);
        },
        stderr(chunk) {
          timer.refresh();
          stderr.push(chunk);
        },
        failed(err) {
          spawnError ??= err;
        },
        closed(code) {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          if (stopped === 'aborted') return reject(new Interrupted(`stopped while git ${what} ran`));
          if (stopped === 'too large') return reject(options.tooMuchOutput?.() ?? new GitFailed(`git ${what} wrote more than ${options.maxStdoutBytes} bytes`, 'permanent'));
          if (code === 0 && !spawnError) return resolve(Buffer.concat(stdout));
          // Standard output too: what some commands say about a failure is there (push --porcelain: each ref's refusal).
          const said = Buffer.concat(stderr).toString('utf8').trim();
          const printed = [said, Buffer.concat(stdout).toString('utf8').trim().slice(0, FAILURE_STDOUT_CHARS)].filter(Boolean).join('\n');
          const text =
            spawnError?.message ??
            (stopped === 'timeout'
              ? `timed out after ${options.timeoutMs} ms without output`
              : `git ${code === null ? 'was killed by a signal' : `exited with code ${code}`}${printed ? `: ${printed}` : ''}`);
          reject(new GitFailed(`git ${what} failed: ${text}`, stopped === 'timeout' ? 'transient' : classifyGitError(text)));
        },
      },
    );
    function stop(why: 'timeout' | 'aborted' | 'too large') {
      stopped ??= why;
      child.killGroup('SIGKILL');
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
