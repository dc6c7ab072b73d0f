/**
 * `fleetmod show RUN REPO`: one repo of a run — outcome, candidates, stage timings, commands, events — or, with
 * `--diff` / `--log` / `--candidate NAME`, its patch, its full log or one candidate's patch as they are (pipeable:
 * `fleetmod show RUN REPO --diff | git apply`).
 */
import type { Command } from 'commander';
import type { ExitCode } from '../exit-codes.js';
import { addStateOptions } from '../global-options.js';
import type { CliIo } from '../io.js';
import type { ShowCommandOptions } from './show-command.js';

/** How a repository of a run can be named: by `show`, and by `retry --repo`, which finds it the same way (pick-repo.ts). */
export const REPO_NAMED_BY = 'key, display name, name, or a unique part of one';

export function registerShow(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  addStateOptions(
    program
      .command('show')
      .description("show one repo of a run: outcome, stage timings, commands; --diff / --log print its patch / its full log")
      .argument('<run>', 'run id, or "latest"')
      .argument('<repo>', `repo ${REPO_NAMED_BY}`)
      .option('--diff', 'print the repo\'s diff (the patch as stored, also for dry runs)')
      .option('--log', 'print the repo\'s full log')
      .option('--candidate <name>', 'best of N: print that candidate\'s diff (the one shipped is --diff)'),
  ).action(async (runId: string, repo: string, opts: ShowCommandOptions) => {
    const { showCommand } = await import('./show-command.js');
    setExit(await showCommand(io, runId, repo, opts));
  });
}
