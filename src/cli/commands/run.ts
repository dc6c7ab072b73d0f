/** `fleetmod run JOB.yaml`: validate, resolve repos, then run the batch (resuming the latest run of this manifest). */
import type { Command } from 'commander';
import type { ExitCode } from '../exit-codes.js';
import { addStateOptions } from '../global-options.js';
import type { CliIo } from '../io.js';
import { addExecutionOptions } from '../run-options.js';
import type { RunCommandOptions } from './run-command.js';

export function registerRun(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const command = program
    .command('run')
    .description('run a job across its repositories (resumes the latest run of the same manifest)')
    .argument('<job>', 'job manifest (YAML)')
    .option('--new', 'start a fresh run instead of resuming the latest one')
    .option('--dry-run', 'do everything except push and open PRs; diffs are kept in the journal');
  addStateOptions(addExecutionOptions(command)).action(async (file: string, opts: RunCommandOptions) => {
    const { runCommand } = await import('./run-command.js');
    setExit(await runCommand(io, file, opts));
  });
}
