/** `fleetmod runs`: the runs in the journal, newest first, with their state and counts. */
import type { Command } from 'commander';
import type { ExitCode } from '../exit-codes.js';
import { addStateOptions } from '../global-options.js';
import type { CliIo } from '../io.js';
import type { RunsOptions } from './runs-command.js';

export function registerRuns(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  addStateOptions(
    program
      .command('runs')
      .description('list runs with their state (newest first)')
      .option('-n, --limit <n>', 'how many runs', '20')
      .option('--json', 'one JSON object per run'),
  ).action(async (opts: RunsOptions) => {
    const { runsCommand } = await import('./runs-command.js');
    setExit(await runsCommand(io, opts));
  });
}
