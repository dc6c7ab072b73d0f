/**
 * `fleetmod plan JOB.yaml`: what `fleetmod run JOB.yaml` would do, without doing any of it — the repositories
 * (file lists and GitHub selectors resolved), which are skipped or left out and why, which already have a result
 * in an earlier run of the job (and what became of their pull requests since), and how long opening the pull
 * requests takes at the configured pace. Reads the journal read-only (never creates or migrates it) and GitHub
 * with reads only; exit 2 for an invalid manifest.
 */
import type { Command } from 'commander';
import type { ExitCode } from '../exit-codes.js';
import { addStateOptions } from '../global-options.js';
import type { CliIo } from '../io.js';
import type { PlanCommandOptions } from './plan-command.js';

export function registerPlan(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  addStateOptions(
    program
      .command('plan')
      .description('show what run would do: repositories, skips, earlier results, pull-request time; changes nothing')
      .argument('<job>', 'job manifest (YAML)')
      .option('--json', 'print the plan as JSON'),
  ).action(async (file: string, opts: PlanCommandOptions) => {
    const { planCommand } = await import('./plan-command.js');
    setExit(await planCommand(io, file, opts));
  });
}
