/**
 * The first program of every sandboxed command: a tiny shell that moves itself into the sandbox's cgroup, says so
 * on fd 4 and execs bwrap, which then waits for its options on fd 3. fleetmod sends them only after that word, so:
 * - nothing of the sandbox runs outside its cgroup. A process moving itself is cheap on cgroup v1: writing `0` to
 *   `tasks` skips the kernel's global threadgroup lock that moving another process takes (0.2 ms instead of 11 ms
 *   here, and no stall of every fork on the machine meanwhile);
 * - nothing of the sandbox runs before it left fleetmod's process group. Node starts it in a session of its own,
 *   but a Ctrl-C in the terminal (SIGINT to the whole foreground group) can still catch it between fork and that
 *   setsid; then nothing has run and it is started again (spawn-bwrap.ts);
 * - a fleetmod that dies before sending the options leaves bwrap none: its command then finds nothing to run in
 *   bwrap's empty root. The window between sending them and bwrap arming --die-with-parent is the one any order has.
 */
export const LAUNCHER = '/bin/sh';

/** What the launcher writes on fd 4 when it is ready; bwrap's own JSON (--info-fd 4) follows on that fd. */
export const READY = '.';

/** The launcher's exit code when it could not join the cgroup (its stderr says why). */
const NOT_JOINED = 125;

const SCRIPT = [
  'n=$1; shift',
  `while [ "$n" -gt 0 ]; do echo 0 > "$1" || exit ${NOT_JOINED}; shift; n=$((n - 1)); done`,
  `printf '${READY}' >&4 || exit ${NOT_JOINED}`,
  'exec "$@"',
].join('\n');

/** The launcher's argv: join `joinFiles` (none without a cgroup), then become `bwrap` with `bwrapArgs`. */
export function launcherArgs(joinFiles: readonly string[], bwrap: string, bwrapArgs: readonly string[]): string[] {
  return ['-c', SCRIPT, 'fleetmod-sandbox', String(joinFiles.length), ...joinFiles, bwrap, ...bwrapArgs];
}

/** A command whose sandbox never started: nothing of it ran. */
export class SandboxNotStarted extends Error {
  override readonly name = 'SandboxNotStarted';

  constructor(
    message: string,
    /** `cgroup`: could not join it; `signal`: caught by a signal before it left fleetmod's group; `spawn`: other. */
    readonly reason: 'cgroup' | 'signal' | 'spawn',
  ) {
    super(message);
  }

  /** Why a launcher that never said it was ready ended. */
  static fromExit(code: number | null, signal: NodeJS.Signals | null, stderr: string, spawnError?: Error): SandboxNotStarted {
    if (spawnError) return new SandboxNotStarted(spawnError.message, 'spawn');
    if (signal) return new SandboxNotStarted(`the launcher was killed by ${signal} before it started bwrap`, 'signal');
    if (code === NOT_JOINED) return new SandboxNotStarted(stderr || 'could not join the cgroup', 'cgroup');
    return new SandboxNotStarted(stderr || `the launcher ended with code ${code}`, 'spawn');
  }
}
