/**
 * `fleetmod validate JOB.yaml`: every problem at once as `file:line:col: message`, exit 2 when invalid. Checks
 * what `run` would check before starting — the schema, the rules, `file:` lists, duplicates, secrets set in this
 * environment — without network access (GitHub selectors are resolved by `plan` and `run`). Runs nothing.
 */
import type { Command } from 'commander';
import type { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import type { ValidateOptions } from './validate-command.js';

export function registerValidate(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  program
    .command('validate')
    .description('check a job manifest and print every problem with its position')
    .argument('<job>', 'job manifest (YAML)')
    .option('--allow-missing-secrets', 'warn instead of failing when a secret in sandbox.secrets is not set here')
    .action(async (file: string, opts: ValidateOptions) => {
      const { validateCommand } = await import('./validate-command.js');
      setExit(await validateCommand(io, file, opts));
    });
}
