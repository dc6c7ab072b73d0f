/**
 * `fleetmod status [RUN] [--refresh]`: each repository of a run (default: the latest) with its outcome and pull
 * request. From the journal only, unless --refresh reads every PR's current state (open, merged, closed, draft,
 * review decision, checks) from GitHub first and stores it in the journal.
 */
import type { Command } from 'commander';
import type { ExitCode } from '../exit-codes.js';
import { addStateOptions } from '../global-options.js';
import type { CliIo } from '../io.js';
import type { StatusOptions } from './status-command.js';

export function registerStatus(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  addStateOptions(
    program
      .command('status')
      .description('each repository of a run (default: the latest) with its pull request and the PR\'s state')
      .argument('[run]', 'run id')
      .option('--refresh', 'read every pull request\'s current state from GitHub and store it in the journal first')
      .option('--json', 'print one JSON object per repository'),
  ).action(async (runId: string | undefined, opts: StatusOptions) => {
    const { statusCommand } = await import('./status-command.js');
    setExit(await statusCommand(io, runId, opts));
  });
}
