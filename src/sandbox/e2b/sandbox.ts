/**
 * One E2B sandbox behind fleetmod's Sandbox port. Commands run with an explicit deadline (never the SDK's 60 s
 * default), their output streams to the caller and is capped; a non-zero exit, a deadline or an abort is a plain
 * ExecResult, and only a lost sandbox (or a bad request) throws. Time is counted from creation to kill for billing.
 */
import { CommandExitError, FileNotFoundError, type CommandHandle, type Sandbox as SdkSandbox } from 'e2b';
import path from 'node:path';
import { ChangeTooLarge, Interrupted, type FleetmodError } from '../../domain/errors.js';
import { strictUtf8 } from '../../util/strict-utf8.js';
import { formatDuration } from '../../util/units.js';
import { CommandOutput } from '../shared/output-buffer.js';
import { WorkspaceEscape } from '../shared/workspace-path.js';
import type { ExecOptions, ExecResult, Sandbox, SandboxRequest } from '../types.js';
import { readAtMost } from './capped-read.js';
import { E2bFailed, TransferTimedOut, classifySandboxFailure, describeSdkError, isCommandDeadline } from './errors.js';
import { handleOutput } from './handle-output.js';
import { E2B_HOME, E2B_WORKSPACE, HOUSEKEEPING_TIMEOUT_MS, sandboxLifetimeMs } from './layout.js';
import { CHANGE_TOO_LARGE_EXIT, DIFF_FILE, exportDiffCommand, strictShell } from './shell.js';

export interface E2bSandboxHooks {
  /** Turns an error that means "the sandbox is gone" into the error to throw (lost once, or lost again). */
  lost(reason: string): FleetmodError;
  /** Kills the sandbox (with retries); never throws. */
  kill(): Promise<void>;
  now(): number;
  /** Deadline for reading a file back (the diff): transferTimeoutMs. */
  transferTimeoutMs: number;
  /** The commit the checkout was uploaded at, which the change is taken against (PackedWorkspace.head). */
  base?: string;
}

export class E2bSandbox implements Sandbox {
  readonly provider = 'e2b' as const;
  private readonly createdAt: number;
  private endedAt: number | undefined;
  /** The job's time budget starts when the workspace is in place. */
  private budgetStart = performance.now();
  private destroyed: Promise<void> | undefined;

  constructor(
    private readonly sdk: SdkSandbox,
    private readonly request: SandboxRequest,
    private readonly hooks: E2bSandboxHooks,
  ) {
    this.createdAt = hooks.now();
  }

  get id(): string {
    return this.sdk.sandboxId;
  }

  /**
   * The job's budget starts now, once the checkout is in place, and the sandbox's lifetime is counted again from
   * here: E2B counted it from the create, so a slow upload or unpack would have let the sandbox expire mid-step.
   */
  async startBudget(): Promise<void> {
    try {
      await this.sdk.setTimeout(sandboxLifetimeMs(this.request.limits.timeoutMs));
    } catch (err) {
      throw this.failure(err, 'setting its lifetime');
    }
    this.budgetStart = performance.now();
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const remaining = this.request.limits.timeoutMs - (performance.now() - this.budgetStart);
    return this.run(strictShell(command), {
      ...options,
      env: { ...this.request.env, ...(options.env ?? {}) },
      cwd: workspaceCwd(options.cwd),
      timeoutMs: Math.floor(Math.min(options.timeoutMs ?? Infinity, remaining)),
    });
  }

  /**
   * Runs fleetmod's own housekeeping command: not counted against the job's budget, and without the job's
   * environment (secrets reach steps only). Throws when it fails.
   */
  async housekeeping(what: string, script: string, cwd = E2B_HOME, alsoFine?: number): Promise<number> {
    const result = await this.run(script, { cwd, timeoutMs: HOUSEKEEPING_TIMEOUT_MS, ...(this.request.signal && { signal: this.request.signal }) });
    if (result.killedBy === 'aborted') throw new Interrupted(`stopped while ${what}`);
    if (result.exitCode !== 0 && result.exitCode !== alsoFine) {
      const detail = (result.stderr.trim() || result.stdout.trim() || result.killedBy || '').split('\n').slice(-3).join(' | ');
      throw new E2bFailed(`${what} in the E2B sandbox failed (${result.timedOut ? 'timed out' : `exit ${result.exitCode}`}): ${detail}`);
    }
    return result.exitCode;
  }

  async readFile(relativePath: string): Promise<Buffer> {
    // Without a limit the read always returns the bytes.
    return (await this.readAbsolute(inWorkspace(relativePath), relativePath)) as Buffer;
  }

  async writeFile(relativePath: string, data: Buffer | string): Promise<void> {
    const target = inWorkspace(relativePath);
    try {
      await this.sdk.files.write(target, typeof data === 'string' ? data : new Blob([data]));
    } catch (err) {
      throw this.failure(err, `writing ${relativePath}`);
    }
  }

  async exportDiff(): Promise<string> {
    const maxBytes = this.request.limits.changeBytes;
    const take = async (everyDiffBinary: boolean) => {
      // The check inside the sandbox only saves the download; the one that holds is the host's, as the bytes arrive.
      const exit = await this.housekeeping('taking the diff', exportDiffCommand({ everyDiffBinary, ...(this.hooks.base !== undefined && { base: this.hooks.base }), ...(maxBytes !== undefined && { maxBytes }) }), E2B_WORKSPACE, CHANGE_TOO_LARGE_EXIT);
      const diff = exit === CHANGE_TOO_LARGE_EXIT ? undefined : await this.readAbsolute(DIFF_FILE, 'the diff', maxBytes);
      if (diff === undefined) throw ChangeTooLarge.over(maxBytes ?? 0);
      return strictUtf8(diff);
    };
    const diff = (await take(false)) ?? (await take(true));
    if (diff === undefined) throw new E2bFailed(`E2B sandbox ${this.id}: its diff is not UTF-8, even in binary form`);
    return diff;
  }

  billedSeconds(): number {
    return Math.ceil(((this.endedAt ?? this.hooks.now()) - this.createdAt) / 1000);
  }

  destroy(): Promise<void> {
    this.destroyed ??= this.hooks.kill().then(() => {
      this.endedAt = this.hooks.now();
    });
    return this.destroyed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.destroy();
  }

  private async run(command: string, options: ExecOptions & { cwd: string; timeoutMs: number }): Promise<ExecResult> {
    const started = performance.now();
    const output = new CommandOutput(this.request.limits.outputBytes, options);
    const signal = options.signal && this.request.signal ? AbortSignal.any([options.signal, this.request.signal]) : (options.signal ?? this.request.signal);
    const result = (end: Pick<ExecResult, 'exitCode' | 'timedOut' | 'killedBy'>): ExecResult => ({
      ...output.result(),
      durationMs: performance.now() - started,
      ...end,
    });
    if (signal?.aborted) return result({ exitCode: null, timedOut: false, killedBy: 'aborted' });
    if (options.timeoutMs < 1) return result({ exitCode: null, timedOut: true, killedBy: 'timeout' });

    let handle: CommandHandle | undefined;
    const onAbort = () => void handle?.kill().catch(() => undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    // Chunks go to `output` alone: the SDK's handle would otherwise keep the whole output too.
    const streams = handleOutput((stream, chunk) => output.push(stream, chunk));
    try {
      handle = await this.sdk.commands.run(command, {
        background: true,
        cwd: options.cwd,
        envs: { ...(options.env ?? {}) },
        timeoutMs: options.timeoutMs,
        onStdout: streams.onStdout,
        onStderr: streams.onStderr,
        ...(signal && { signal }),
      });
      streams.attach(handle);
      const done = await handle.wait();
      return result({ exitCode: done.exitCode, timedOut: false });
    } catch (err) {
      if (err instanceof CommandExitError) {
        // envd reports -1 for a process ended by a signal.
        if (err.exitCode < 0) return result({ exitCode: null, timedOut: false, killedBy: 'signal' });
        return result({ exitCode: err.exitCode, timedOut: false });
      }
      if (signal?.aborted) return result({ exitCode: null, timedOut: false, killedBy: 'aborted' });
      if (isCommandDeadline(err, performance.now() - started, options.timeoutMs)) return result({ exitCode: null, timedOut: true, killedBy: 'timeout' });
      // The output redaction held back is still handed on (to the repository's log) before the sandbox's failure.
      output.result();
      throw this.failure(err, 'running a command');
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * The file's bytes, or `undefined` when it is larger than `maxBytes` (read no further than the chunk that
   * crossed it). Streamed, so a whole file is never held before its size is known; the SDK bounds a stream's start and
   * its idle time only, so the whole read gets a deadline of its own.
   */
  private async readAbsolute(target: string, shown: string, maxBytes = Infinity): Promise<Buffer | undefined> {
    const limitMs = this.hooks.transferTimeoutMs;
    const deadline = AbortSignal.timeout(limitMs);
    try {
      return await readAtMost(await this.sdk.files.read(target, { format: 'stream', requestTimeoutMs: limitMs, signal: deadline }), maxBytes);
    } catch (err) {
      if (err instanceof FileNotFoundError) throw new WorkspaceEscape(`path "${shown}" does not exist`);
      if (deadline.aborted) throw this.failure(new TransferTimedOut(`${shown} did not arrive within ${formatDuration(limitMs)}`, { cause: err }), `reading ${shown}`);
      throw this.failure(err, `reading ${shown}`);
    }
  }

  private failure(err: unknown, during: string): FleetmodError {
    const reason = `sandbox ${this.id} failed while ${during}: ${describeSdkError(err)}`;
    if (classifySandboxFailure(err) === 'lost') return this.hooks.lost(reason);
    return new E2bFailed(`E2B ${reason}`, { cause: err });
  }
}

function workspaceCwd(relative: string | undefined): string {
  const cwd = path.posix.join(E2B_WORKSPACE, relative ?? '.');
  return cwd === E2B_WORKSPACE || cwd.startsWith(`${E2B_WORKSPACE}/`) ? cwd : E2B_WORKSPACE;
}

function inWorkspace(relativePath: string): string {
  if (path.posix.isAbsolute(relativePath) || relativePath.split(/[\\/]/).includes('..')) {
    throw new WorkspaceEscape(`path "${relativePath}" is not inside the workspace`);
  }
  return path.posix.join(E2B_WORKSPACE, relativePath);
}
