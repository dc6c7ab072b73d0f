/** What `fleetmod resume` does (registered in resume.ts, loaded only when it runs). */
import { RunNotFound, UsageError } from '../../domain/errors.js';
import type { Job } from '../../manifest/job.js';
import { fixedDeadlineAdvice } from '../../orchestrator/fixed-deadline.js';
import { passedFixedDeadline } from '../../orchestrator/time-window.js';
import type { RunRecord, RunStore } from '../../store/types.js';
import { formatTime, shellWord } from '../../report/format.js';
import { createRedactorFor, openStore } from '../compose.js';
import type { ExitCode } from '../exit-codes.js';
import { journalArgs, stateLocation } from '../global-options.js';
import type { CliIo } from '../io.js';
import type { ExecutionOptions } from '../run-options.js';
import { runSession } from '../run-session.js';
import { findRun } from './journal-access.js';
import { newestUnsupersededRun } from './unfinished-run.js';
import { existsSync } from 'node:fs';

export async function resumeCommand(io: CliIo, runId: string | undefined, opts: ExecutionOptions): Promise<ExitCode> {
  const journal = journalArgs(io, opts);
  const { run } = readRun(io, opts, 'resume', (store) => (runId ? findRun(store, runId) : newestUnsupersededRun(store, journal)));
  // Said once the run is claimed: a run another process works on is refused, and then nothing is being resumed.
  const announce =
    !runId && !opts.json
      ? () => io.stdout(`Resuming run ${run.id} of job ${run.jobName} (${run.status}, started ${formatTime(run.createdAt)}): the newest unfinished run.\n`)
      : undefined;
  const session = sessionFor(run);
  refuseAfterFixedDeadline(run, session);
  return runSession(io, { ...session, selection: { ...session.selection, requireSameSteps: true }, ...(announce && { onClaimed: announce }) }, opts);
}

/**
 * Reads the run `pick` chooses from the journal (throwing RunNotFound with what there is when it finds none) and
 * whatever else `read` needs of it, in one opening (closed again before the run session opens it for itself).
 */
export function readRun<T = undefined>(
  io: CliIo,
  opts: { stateDir?: string; db?: string },
  command: 'resume' | 'retry',
  pick: (store: RunStore) => RunRecord,
  read: (store: RunStore, run: RunRecord) => T = () => undefined as T,
): { run: RunRecord; read: T } {
  const { dbPath } = stateLocation(io, opts);
  if (!existsSync(dbPath)) throw new RunNotFound(`no journal at ${dbPath}: nothing to ${command}`);
  const store = openStore(dbPath, createRedactorFor(io));
  try {
    const run = pick(store);
    return { run, read: read(store, run) };
  } finally {
    store.close();
  }
}

/**
 * A run whose fixed deadline has passed would pause again at once, as it keeps its manifest's limits: `resume` and
 * `retry` refuse it with what does help, before anything in the journal changes.
 */
export function refuseAfterFixedDeadline(run: RunRecord, session: ReturnType<typeof sessionFor>): void {
  const deadline = passedFixedDeadline(session.job.limits, Date.now());
  if (deadline) throw new UsageError(`run ${run.id} cannot go on: ${fixedDeadlineAdvice(deadline, shellWord(session.manifestLabel))}`);
}

export function sessionFor(run: RunRecord) {
  const job = JSON.parse(run.jobJson) as Job;
  return {
    job,
    repos: [],
    selection: { mode: 'resume', runId: run.id } as const,
    dryRun: run.dryRun,
    manifestLabel: job.displayPath ?? run.manifestPath,
  };
}
