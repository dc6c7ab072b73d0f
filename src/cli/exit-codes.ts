/** Process exit codes; only the CLI entry turns them into `process.exit`. */
export const EXIT = {
  /** Every repository ended without a failure. */
  ok: 0,
  /** The run finished but some repositories failed (failed, verify-failed, edited by a human). */
  repoFailures: 1,
  /** Invalid input or usage (bad manifest, unknown run, missing secret, sandbox not available, no journal where the options put it); nothing ran. */
  usage: 2,
  /**
   * Stopped by the machine, not by any repository: the journal could not be written, or the disk is full — or by
   * fleetmod itself (an unexpected error, a bug). No repository was failed for it; the run is resumable once that
   * is fixed.
   */
  stopped: 3,
  /** Interrupted by Ctrl-C or SIGTERM; the run is resumable. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
