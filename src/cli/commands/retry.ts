/**
 * `fleetmod retry RUN --failed [--class transient|permanent] [--repo KEY…]`: put the selected finished repos of a
 * run back to pending and resume it. Work an earlier attempt journaled (a computed diff, a pushed commit) is
 * reused, so a retry after a push failure does not run the sandbox again.
 */
import type { Command } from 'commander';
import { FAILED_OUTCOMES, OUTCOMES } from '../../domain/outcome.js';
import type { ExitCode } from '../exit-codes.js';
import { addStateOptions } from '../global-options.js';
import type { CliIo } from '../io.js';
import { addExecutionOptions } from '../run-options.js';
import type { RetryOptions } from './retry-command.js';
import { REPO_NAMED_BY } from './show.js';

export function registerRetry(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const command = program
    .command('retry')
    .description('re-run selected repos of a run: --failed, optionally only one error class or some repos')
    .argument('<run>', 'run id (see fleetmod runs)')
    .option('--failed', `repos that ended ${FAILED_OUTCOMES.join(', ')}`)
    .option('--outcome <outcome...>', `repos with these outcomes (${OUTCOMES.join(', ')})`)
    .option('--class <class>', 'only failures of this class: transient or permanent')
    .option('--repo <repo...>', `only these repos, each named as show names one: ${REPO_NAMED_BY}`);
  addStateOptions(addExecutionOptions(command)).action(async (runId: string, opts: RetryOptions) => {
    const { retryCommand } = await import('./retry-command.js');
    setExit(await retryCommand(io, runId, opts));
  });
}
