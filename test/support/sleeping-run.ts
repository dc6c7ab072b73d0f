/**
 * A run in a process of its own whose every repository sleeps in its first step, caught once it is inside that
 * step: what tests of two fleetmods on one journal start from (a takeover, a second run refused).
 */
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { ensureBuilt, startCli, waitForOutput, type CliProcess } from './built-cli.js';
import { testEnv } from './cli.js';
import { jobFixture, type JobFixture } from './job-fixture.js';

export interface SleepingRun {
  fx: JobFixture;
  /** The first run's process, inside its first repository's step; killed when the test ends. */
  first: CliProcess;
  /** The environment for another fleetmod on the same job, whose steps sleep `seconds`. */
  env(seconds: string): NodeJS.ProcessEnv;
}

export async function startSleepingRun(options: { count: number; sleepSeconds: string }): Promise<SleepingRun> {
  await ensureBuilt();
  const fx = await jobFixture({ count: options.count, concurrency: 1, secrets: ['FIXTURE_SLEEP'] });
  await fx.control('sleep "$FIXTURE_SLEEP"');
  const env = (seconds: string) => testEnv({ FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors'), FIXTURE_SLEEP: seconds });
  const first = startCli(fx.root, env(options.sleepSeconds), 'run', '--json', fx.job);
  onTestFinished(() => void first.child.kill('SIGKILL'));
  await waitForOutput(first, '"stage":"steps"');
  return { fx, first, env };
}
