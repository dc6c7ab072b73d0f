/**
 * `fleetmod retry RUN --failed [--class transient|permanent] [--repo KEY…]`: put the selected finished repos of a
 * run back to pending and resume it. Work an earlier attempt journaled (a computed diff, a pushed commit) is
 * reused, so a retry after a push failure does not run the sandbox again.
 */
import type { Command } from 'commander';
import { UsageError } from '../../domain/errors.js';
import { FAILED_OUTCOMES, OUTCOMES, isOutcome, type Outcome } from '../../domain/outcome.js';
import type { ErrorClass } from '../../domain/errors.js';
import type { ExitCode } from '../exit-codes.js';
import { addStateOptions } from '../global-options.js';
import type { CliIo } from '../io.js';
import { addExecutionOptions, type ExecutionOptions } from '../run-options.js';
import { runSession } from '../run-session.js';
import { findRun, sessionFor } from './resume.js';

interface RetryOptions extends ExecutionOptions {
  failed?: boolean;
  outcome?: string[];
  class?: string;
  repo?: string[];
}

export function registerRetry(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const command = program
    .command('retry')
    .description('re-run selected repos of a run: --failed, optionally only one error class or some repos')
    .argument('<run>', 'run id (see fleetmod runs)')
    .option('--failed', `repos that ended ${FAILED_OUTCOMES.join(', ')}`)
    .option('--outcome <outcome...>', `repos with these outcomes (${OUTCOMES.join(', ')})`)
    .option('--class <class>', 'only failures of this class: transient or permanent')
    .option('--repo <repo...>', 'only these repos (key or display name)');
  addStateOptions(addExecutionOptions(command)).action(async (runId: string, opts: RetryOptions) => {
    setExit(await retryCommand(io, runId, opts));
  });
}

export async function retryCommand(io: CliIo, runId: string, opts: RetryOptions): Promise<ExitCode> {
  const outcomes = selectedOutcomes(opts);
  if (opts.class !== undefined && opts.class !== 'transient' && opts.class !== 'permanent') {
    throw new UsageError(`--class must be transient or permanent, got "${opts.class}"`);
  }
  const run = findRun(io, opts, (store) => store.getRun(runId), runId);
  const session = sessionFor(run);
  return runSession(
    io,
    {
      ...session,
      reopen(store) {
        const tasks = store.listTasks(run.id);
        const repoKeys = opts.repo?.map((wanted) => {
          const match = tasks.find((t) => t.repo.key === wanted || t.repo.display === wanted);
          if (!match) throw new UsageError(`--repo ${wanted}: no such repo in run ${run.id}`);
          return match.repo.key;
        });
        const filter = { outcomes, ...(opts.class && { errorClass: opts.class as ErrorClass }), ...(repoKeys && { repoKeys }) };
        return {
          repos: store.listReopenable(run.id, filter).map((t) => t.repo),
          apply() {
            const reopened = store.reopenTasks(run.id, filter);
            io.stdout(`retrying ${reopened} repo${reopened === 1 ? '' : 's'} of run ${run.id}\n`);
          },
        };
      },
    },
    opts,
  );
}

function selectedOutcomes(opts: RetryOptions): Outcome[] {
  const chosen = new Set<Outcome>();
  if (opts.failed) for (const o of FAILED_OUTCOMES) chosen.add(o);
  for (const o of opts.outcome ?? []) {
    if (!isOutcome(o)) throw new UsageError(`--outcome ${o}: not an outcome (${OUTCOMES.join(', ')})`);
    chosen.add(o);
  }
  if (chosen.size === 0 && !opts.repo?.length) throw new UsageError('say what to retry: --failed, --outcome …, or --repo …');
  return [...chosen];
}
