/**
 * `fleetmod demo`: the first thing a new user runs. Makes sure the local sandbox works (installing bubblewrap
 * with the system package manager when allowed, otherwise printing the exact command), creates the sample
 * repositories, and runs the bundled demo job. No network, no accounts.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { ExitCode } from '../exit-codes.js';
import { addStateOptions } from '../global-options.js';
import type { CliIo } from '../io.js';
import { addExecutionOptions } from '../run-options.js';
import type { DemoOptions } from './demo-command.js';

/** The repository root (where `jobs/` lives), from src/cli/commands or dist/cli/commands. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DEMO_JOB = path.join(PACKAGE_ROOT, 'jobs', 'examples', 'demo.yaml');
export const DEMO_REPOS_DIR = path.join(PACKAGE_ROOT, '.fleetmod', 'demo', 'repos');
export const DEMO_REPO_COUNT = 25;

export function registerDemo(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const command = program
    .command('demo')
    .description(`create ${DEMO_REPO_COUNT} sample repositories and run jobs/examples/demo.yaml on them`)
    .option('--reset', 'recreate the sample repositories (drops branches pushed by earlier demo runs)')
    .option('--no-run', 'only create the sample repositories')
    .option('--no-install', 'never install bubblewrap; print the command instead')
    .option('--new', 'start a fresh run instead of resuming the latest one')
    .option('--dry-run', 'do everything except push');
  addStateOptions(addExecutionOptions(command)).action(async (opts: DemoOptions) => {
    const { demoCommand } = await import('./demo-command.js');
    setExit(await demoCommand(io, opts));
  });
}
