/**
 * `fleetmod resume [RUN]`: continue a run from the journal alone — the job as it was when the run started, its
 * repositories, their progress. The manifest file is not read again (it may have changed since).
 */
import type { Command } from 'commander';
import type { ExitCode } from '../exit-codes.js';
import { addStateOptions } from '../global-options.js';
import type { CliIo } from '../io.js';
import { addExecutionOptions, type ExecutionOptions } from '../run-options.js';

export function registerResume(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const command = program
    .command('resume')
    .description('continue an interrupted or paused run (default: the latest unfinished run)')
    .argument('[run]', 'run id');
  addStateOptions(addExecutionOptions(command)).action(async (runId: string | undefined, opts: ExecutionOptions) => {
    const { resumeCommand } = await import('./resume-command.js');
    setExit(await resumeCommand(io, runId, opts));
  });
}
