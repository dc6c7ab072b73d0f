/** Process exit codes; only the CLI entry turns them into `process.exit`. */
export const EXIT = {
  /** Every repository ended without a failure. */
  ok: 0,
  /** The run finished but some repositories failed (failed, verify-failed, edited by a human). */
  repoFailures: 1,
  /** Invalid input or usage (bad manifest, unknown run, missing secret, sandbox not available); nothing ran. */
  usage: 2,
  /** Interrupted by Ctrl-C or SIGTERM; the run is resumable. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
