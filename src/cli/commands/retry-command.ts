/** What `fleetmod retry` does (registered in retry.ts, loaded only when it runs). */
import { UsageError } from '../../domain/errors.js';
import { FAILED_OUTCOMES, OUTCOMES, isOutcome, type Outcome } from '../../domain/outcome.js';
import type { ErrorClass } from '../../domain/errors.js';
import type { RunStore, TaskFilter } from '../../store/types.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import type { ExecutionOptions } from '../run-options.js';
import { runSession } from '../run-session.js';
import { pickRepo } from './pick-repo.js';
import { findRun } from './journal-access.js';
import { readRun, refuseAfterFixedDeadline, sessionFor } from './resume-command.js';

export interface RetryOptions extends ExecutionOptions {
  failed?: boolean;
  outcome?: string[];
  class?: string;
  repo?: string[];
}

export async function retryCommand(io: CliIo, runId: string, opts: RetryOptions): Promise<ExitCode> {
  const outcomes = selectedOutcomes(opts);
  if (opts.class !== undefined && opts.class !== 'transient' && opts.class !== 'permanent') {
    throw new UsageError(`--class must be transient or permanent, got "${opts.class}"`);
  }
  const { run, read: filter } = readRun(io, opts, 'retry', (store) => findRun(store, runId), (store, found) => selection(store, opts, found.id, outcomes));
  // With --json, stdout carries JSON events only: what retry says of itself goes to stderr.
  const say = opts.json ? io.stderr : io.stdout;
  if (filter === null) {
    say(`nothing to retry: no finished repo of run ${run.id} matches the selection; the run is left as it is\n`);
    return EXIT.ok;
  }
  const session = sessionFor(run);
  refuseAfterFixedDeadline(run, session);
  return runSession(
    io,
    {
      ...session,
      reopen(store) {
        return {
          repos: store.listReopenable(run.id, filter).map((t) => t.repo),
          apply() {
            const reopened = store.reopenTasks(run.id, filter);
            say(`retrying ${reopened} repo${reopened === 1 ? '' : 's'} of run ${run.id}\n`);
          },
        };
      },
    },
    opts,
  );
}

/** The finished repos to put back to pending, as a filter; null when none matches. Reads the journal only. */
function selection(store: RunStore, opts: RetryOptions, runId: string, outcomes: Outcome[]): TaskFilter | null {
  const tasks = store.listTasks(runId);
  // --repo takes what `show` takes: the key, the display name, or a part of it that names one repo.
  const repoKeys = opts.repo?.map((wanted) => pickRepo(tasks, wanted, runId).repo.key);
  const filter = { outcomes, ...(opts.class && { errorClass: opts.class as ErrorClass }), ...(repoKeys && { repoKeys }) };
  return store.listReopenable(runId, filter).length > 0 ? filter : null;
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
