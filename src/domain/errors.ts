/**
 * The error vocabulary of fleetmod. Everything thrown inside the program is a FleetmodError; the CLI entry maps
 * them to exit codes, the orchestrator maps them to a task's error class. Each class says when it is thrown.
 */
import { formatBytes } from '../util/units.js';

export type ErrorClass = 'transient' | 'permanent';

export abstract class FleetmodError extends Error {
  /** Whether retrying the same operation later can succeed. */
  abstract readonly errorClass: ErrorClass;
}

/** Thrown when the user's input (manifest, flags, arguments) is invalid; nothing has run. */
export class UsageError extends FleetmodError {
  override readonly name = 'UsageError';
  readonly errorClass = 'permanent';
}

/** Thrown when a manifest fails to load; carries every diagnostic found. */
export class ManifestInvalid extends FleetmodError {
  override readonly name = 'ManifestInvalid';
  readonly errorClass = 'permanent';
  constructor(readonly diagnostics: readonly { file: string; line: number; col: number; message: string }[]) {
    super(diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`).join('\n'));
  }
}

/** Thrown when the machine cannot provide the isolation a job asks for (bubblewrap missing, userns blocked…). */
export class SandboxUnavailable extends FleetmodError {
  override readonly name = 'SandboxUnavailable';
  readonly errorClass = 'permanent';
  constructor(message: string, readonly fix?: string) {
    super(fix ? `${message}\n  fix: ${fix}` : message);
  }
}

/** Thrown when sandbox infrastructure fails in a way a fresh attempt can fix (boot failure, sandbox lost). */
export class SandboxLost extends FleetmodError {
  override readonly name = 'SandboxLost';
  readonly errorClass = 'transient';
}

/** Thrown when a transformation step exits non-zero (or times out) inside the sandbox. */
export class StepFailed extends FleetmodError {
  override readonly name = 'StepFailed';
  readonly errorClass = 'permanent';
  constructor(
    readonly step: string,
    readonly exitCode: number | null,
    readonly detail: string,
  ) {
    super(`step "${step}" ${exitCode === null ? 'did not finish' : `exited with code ${exitCode}`}${detail ? `: ${detail}` : ''}`);
  }
}

/** Thrown when a verify command fails after the steps; the repo's outcome becomes verify-failed. */
export class VerifyFailed extends FleetmodError {
  override readonly name = 'VerifyFailed';
  readonly errorClass = 'permanent';
  constructor(
    readonly check: string,
    readonly exitCode: number | null,
    readonly detail: string,
  ) {
    super(`verify "${check}" ${exitCode === null ? 'did not finish' : `exited with code ${exitCode}`}${detail ? `: ${detail}` : ''}`);
  }
}

/**
 * Best of N: every candidate ran and none passed verify (or got a score); the repo's outcome becomes verify-failed.
 * A result, not a command cut short: unlike a VerifyFailed without an exit code, a stop signal never explains it.
 */
export class NoCandidatePassed extends FleetmodError {
  override readonly name = 'NoCandidatePassed';
  readonly errorClass = 'permanent';
  constructor(
    /** Each candidate's name and why it did not pass. */
    readonly candidates: readonly { name: string; detail: string }[],
  ) {
    super(`no candidate passed verify (${candidates.map((c) => `${c.name}: ${c.detail}`).join('; ')})`);
  }
}

/** The change a sandbox made is larger than `sandbox.change-size`: the host does not take it in. */
export class ChangeTooLarge extends FleetmodError {
  override readonly name = 'ChangeTooLarge';
  readonly errorClass = 'permanent';

  static over(maxBytes: number): ChangeTooLarge {
    return new ChangeTooLarge(`the change is larger than ${formatBytes(maxBytes)} (sandbox.change-size)`);
  }
}

/** Thrown when a host git command fails; transient when the remote hung up or the network failed. */
export class GitFailed extends FleetmodError {
  override readonly name = 'GitFailed';
  constructor(
    message: string,
    readonly errorClass: ErrorClass,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Thrown when a repository cannot be worked on as configured (missing, empty, bad base branch). */
export class RepoInvalid extends FleetmodError {
  override readonly name = 'RepoInvalid';
  readonly errorClass = 'permanent';
}

/** Thrown when a code host API call fails; the class says whether waiting helps. */
export class CodeHostFailed extends FleetmodError {
  override readonly name = 'CodeHostFailed';
  constructor(
    message: string,
    readonly errorClass: ErrorClass,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Thrown when a named run, or any run of a job, is not in the journal. */
export class RunNotFound extends FleetmodError {
  override readonly name = 'RunNotFound';
  readonly errorClass = 'permanent';
}

/** Thrown when work is cut short by Ctrl-C, SIGTERM or a closing time window. */
export class Interrupted extends FleetmodError {
  override readonly name = 'Interrupted';
  readonly errorClass = 'transient';
}

/** Thrown when the journal cannot be opened where the options put it (a folder that is a file, no access): nothing ran. */
export class JournalUnavailable extends FleetmodError {
  override readonly name = 'JournalUnavailable';
  readonly errorClass = 'permanent';
}

/** Thrown when the journal cannot be migrated or a commit to it fails (a full disk): the run stops, resumable. */
export class StoreFailed extends FleetmodError {
  override readonly name = 'StoreFailed';
  readonly errorClass = 'permanent';
}

/**
 * Thrown when another process took the run over while this one was working on it (its heartbeat had gone stale: it
 * was suspended, frozen, or its clock jumped). The run is the other process's now: this one stops at once and
 * leaves the run's state to it.
 */
export class RunTakenOver extends FleetmodError {
  override readonly name = 'RunTakenOver';
  readonly errorClass = 'transient';
}

/**
 * Thrown when the machine's disk or disk quota is full (ENOSPC, EDQUOT, or git saying so). Not a result of the
 * repository that met it: the run stops taking repositories, that one stays pending, and the run resumes once there
 * is room.
 */
export class DiskFull extends FleetmodError {
  override readonly name = 'DiskFull';
  readonly errorClass = 'transient';
}

/**
 * A step or check the sandbox stopped because the host's disk ran under its safety floor: the machine's problem,
 * like DiskFull (a step filling the disk is stopped by `sandbox.disk` and fails on its own).
 */
export class HostDiskLow extends FleetmodError {
  override readonly name = 'HostDiskLow';
  readonly errorClass = 'permanent';
  constructor(
    message: string,
    /** Whether the disk is still under the floor now (see ExecResult.hostDiskLow). */
    readonly stillLow: () => Promise<boolean>,
  ) {
    super(message);
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
