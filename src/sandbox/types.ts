/**
 * The sandbox port. A provider creates sandboxes; a sandbox receives a checkout of one repository (and never any
 * credential), runs commands in it, and hands back the change as a binary git diff. Commit, push and PR happen on
 * the host. `local` (bubblewrap), `e2b` (cloud microVMs) and `host` (no isolation, opt-in) implement it.
 */
import type { NetworkPolicy } from '../manifest/job.js';
import type { OutputRedactor } from './shared/output-buffer.js';

export type ProviderName = 'local' | 'e2b' | 'host';

export interface SandboxLimits {
  /** Wall-clock budget for the whole sandbox; each exec also has its own timeout. */
  timeoutMs: number;
  memoryBytes?: number;
  cpus?: number;
  pids: number;
  /** Largest allowed workspace size, checked after each exec. */
  diskBytes?: number;
  /** Size of /tmp and of the home directory. */
  tmpBytes: number;
  /** Output kept per exec (head and tail); the middle of longer output is cut. */
  outputBytes: number;
  /** Largest diff exportDiff takes back; a larger change throws ChangeTooLarge. @default no limit */
  changeBytes?: number;
}

export interface SandboxRequest {
  /** Host directory holding the repository checkout; it appears at /workspace inside. */
  workspace: string;
  /** Files made available read-only at $FLEETMOD_FILES: relative name → host path. */
  files: ReadonlyMap<string, string>;
  /** Environment for every command (literal values and secret values). */
  env: Readonly<Record<string, string>>;
  network: NetworkPolicy;
  limits: SandboxLimits;
  /** E2B template; ignored by other providers. */
  template: string;
  /** Tags that identify the sandbox (job, run, repo); E2B stores them as metadata to find leftovers. */
  labels: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  /** Receives lines for the task's log: limits in force, network decisions, what was cleaned from the result. */
  log?: (line: string) => void;
  /**
   * Awaited before every attempt to create the sandbox (the job's creation rate); absent: no limit. Given the
   * request's signal, it rejects when that aborts (see waitForCreationSlot).
   */
  creationSlot?: (signal?: AbortSignal) => Promise<void>;
  /**
   * Receives each sandbox the provider created and destroyed again without handing it over (the checkout failed to
   * upload or unpack, a stop came): it was billed all the same, so its time must be counted too.
   */
  onDiscarded?: (sandbox: Sandbox) => void;
}

export interface ExecOptions {
  /** Working directory inside the sandbox, relative to /workspace. @default "." */
  cwd?: string;
  env?: Readonly<Record<string, string>>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called with output as it arrives (already decoded and redacted; may split lines). */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
  /**
   * Censors secrets in the command's output as it arrives, before it is handed on, kept or cut (the job's own
   * commands). Absent for fleetmod's own commands whose output is data, such as taking the diff.
   */
  redactor?: OutputRedactor;
}

export interface ExecResult {
  /** Exit code, or null when the command was killed (timeout, signal, limit). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** True when output beyond the cap was cut from the middle. */
  truncated: boolean;
  timedOut: boolean;
  durationMs: number;
  /** Why the command was stopped by the sandbox, when it was (e.g. "memory limit", "disk limit"). */
  killedBy?: string;
  /**
   * Stopped because the host's disk ran under its safety floor. `stillLow` looks again (once the workspace is gone):
   * still low, the machine's disk is full and the run stops rather than fail every repository after it the same way;
   * room again, the command itself filled the disk and its repository fails.
   */
  hostDiskLow?: { stillLow(): Promise<boolean> };
}

export interface Sandbox extends AsyncDisposable {
  readonly id: string;
  readonly provider: ProviderName;
  /** Runs a shell command (bash -c) in /workspace. Never throws for a non-zero exit; throws SandboxLost. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Reads a file inside the workspace (path relative to /workspace). */
  readFile(relativePath: string): Promise<Buffer>;
  /** Writes a file inside the workspace (path relative to /workspace). */
  writeFile(relativePath: string, data: Buffer | string): Promise<void>;
  /** The change made in the workspace, as `git diff --binary` against the checkout's HEAD ("" when none). */
  exportDiff(): Promise<string>;
  /** Seconds of sandbox time billed so far (E2B); 0 for local providers. */
  billedSeconds(): number;
  /** Destroys the sandbox and everything in it. Idempotent; never throws. */
  destroy(): Promise<void>;
}

export interface ProviderCheck {
  ok: boolean;
  /** What works and what is missing, one line each, for `fleetmod doctor`. */
  lines: string[];
  /** A command that fixes what is missing, when there is one. */
  fix?: string;
  /** Weaker-than-possible isolation that does not stop a run (e.g. no process limit), one line each. */
  warnings?: string[];
}

/**
 * What a job asks the sandbox to enforce. `check(needs)` fails when the machine cannot enforce one of them, so a
 * run never silently gets less isolation than its manifest says.
 */
export interface SandboxNeeds {
  memoryBytes?: number;
  cpus?: number;
  pids?: number;
  /** Whether `pids` was set in the manifest (a default process limit that cannot be enforced only warns). */
  pidsExplicit?: boolean;
  diskBytes?: number;
  tmpBytes?: number;
  network: NetworkPolicy;
}

export interface SandboxProvider {
  readonly name: ProviderName;
  /** Whether this provider isolates untrusted code. Only `host` says no. */
  readonly isolated: boolean;
  /** Checks what this machine supports, and with `needs` whether it can enforce them all; throws nothing. */
  check(needs?: SandboxNeeds): Promise<ProviderCheck>;
  create(request: SandboxRequest): Promise<Sandbox>;
  /**
   * A run that an earlier process worked on is continued: whatever that process left running for it (a crash, a
   * kill -9) is cleaned up now, whether or not a repository of this process gets to a sandbox. Optional: only a
   * provider whose sandboxes outlive fleetmod's process needs it.
   */
  resumingRun?(runId: string): void;
  /** Destroys every sandbox this provider still holds (Ctrl-C, crash paths). */
  shutdown(): Promise<void>;
}
