/** Options shared by the commands that execute a run (run, resume, retry, demo). */
import type { Command } from 'commander';
import { UsageError } from '../domain/errors.js';
import { MAX_DURATION_MS, MAX_DURATION_TEXT, parseDuration } from '../util/units.js';

export interface ExecutionOptions {
  json?: boolean;
  keepWorkdirs?: boolean;
  concurrency?: string;
  /** commander turns --no-cache into cache: false. */
  cache?: boolean;
  /** commander turns --no-reuse into reuse: false. */
  reuse?: boolean;
  cacheDir?: string;
  grace?: string;
  wait?: boolean;
  stateDir?: string;
  db?: string;
}

export function addExecutionOptions(command: Command): Command {
  return command
    .option('--json', 'print one JSON event per line instead of human progress')
    .option('--keep-workdirs', "keep each repo's checkout under the run folder for debugging")
    .option('-j, --concurrency <n>', 'repos worked on at once (overrides limits.concurrency)')
    .option('--no-cache', 'clone from the remotes instead of the clone cache')
    .option(
      '--no-reuse',
      'run every transformation again, even where an earlier run of the same steps produced a result on the same base commit',
    )
    .option('--cache-dir <dir>', 'clone cache folder (default: $FLEETMOD_CACHE_DIR, $XDG_CACHE_HOME/fleetmod/mirrors or ~/.cache/fleetmod/mirrors)')
    .option('--grace <duration>', 'after the first Ctrl-C, how long running repos may finish before they are aborted', '5m')
    .option('--wait', 'when outside the time window, wait for it to open instead of pausing the run');
}

/** The same ceiling as the manifest's limits.concurrency. */
const MAX_CONCURRENCY = 1000;

export function parseConcurrency(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  // Digits only: Number() would also take "1e3", "0x10" and " 4 ". The bound is limits.concurrency's.
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY) {
    throw new UsageError(`--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, got "${value}"`);
  }
  return n;
}

export function parseGrace(value: string | undefined): number {
  const ms = parseDuration(value ?? '5m');
  if (ms === null) throw new UsageError(`--grace must be a duration such as "30s" or "5m", got "${value}"`);
  if (ms > MAX_DURATION_MS) throw new UsageError(`--grace must be at most ${MAX_DURATION_TEXT}, got "${value}"`);
  return ms;
}
