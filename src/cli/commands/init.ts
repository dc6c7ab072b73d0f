/**
 * `fleetmod init [NAME]`: writes a commented starter job NAME.yaml (or the path given) that validates as is.
 * Never overwrites: an existing file is an error and stays untouched.
 */
import type { Command } from 'commander';
import type { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';

/** The job name `fleetmod init` uses when none is given. */
export const DEFAULT_NAME = 'my-job';

export function registerInit(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  program
    .command('init')
    .description('write a commented starter job (NAME.yaml, or the .yaml path given); never overwrites')
    .argument('[name]', `job name or file (default ${DEFAULT_NAME})`)
    .action(async (name: string | undefined) => {
      const { initCommand } = await import('./init-command.js');
      setExit(await initCommand(io, name));
    });
}
