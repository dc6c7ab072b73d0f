/** What `fleetmod resume` does (registered in resume.ts, loaded only when it runs). */
import { RunNotFound, UsageError } from '../../domain/errors.js';
import { FAILED_OUTCOMES, type Outcome } from '../../domain/outcome.js';
import type { Job } from '../../manifest/job.js';
import { fixedDeadlineAdvice } from '../../orchestrator/fixed-deadline.js';
import { passedFixedDeadline } from '../../orchestrator/time-window.js';
import type { RunRecord, RunStore } from '../../store/types.js';
import { formatTime, plural, shellWord } from '../../report/format.js';
import { createRedactorFor, openStore } from '../compose.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { journalArgs, stateLocation } from '../global-options.js';
import type { CliIo } from '../io.js';
import type { ExecutionOptions } from '../run-options.js';
import { runSession } from '../run-session.js';
import { findRun } from './journal-access.js';
import { runToResume } from './unfinished-run.js';
import { existsSync } from 'node:fs';

export async function resumeCommand(io: CliIo, runId: string | undefined, opts: ExecutionOptions): Promise<ExitCode> {
  const journal = journalArgs(io, opts);
  const { run, read: failed } = readRun(
    io,
    opts,
    'resume',
    (store) => (runId ? findRun(store, runId) : runToResume(store, journal)),
    (store, found) => failedRepos(store, found.id),
  );
  if (run.status === 'finished') {
    // Said on stderr with --json, which keeps stdout to JSON events; there are none, since nothing runs.
    (opts.json ? io.stderr : io.stdout)(`${nothingToResume(run, failed, runId !== undefined, journal)}\n`);
    return EXIT.ok;
  }
  // Said once the run is claimed: a run another process works on is refused, and then nothing is being resumed.
  // With --json on stderr, as retry's 'retrying N repos': which run was chosen is worth saying to whoever watches.
  const announce = runId
    ? undefined
    : () =>
        (opts.json ? io.stderr : io.stdout)(
          `Resuming run ${run.id} of job ${run.jobName} (${run.status}, started ${formatTime(run.createdAt)}): the newest unfinished run.\n`,
        );
  const session = sessionFor(run);
  refuseAfterFixedDeadline(run, session);
  return runSession(io, { ...session, selection: { ...session.selection, requireSameSteps: true }, ...(announce && { onClaimed: announce }) }, opts);
}

/**
 * A finished run has nothing to resume, and saying so is no usage error (exit 0): a cron line resuming whatever was
 * left, a person checking. Nothing is claimed, checked or rewritten — no sandbox check, no refusal for a deadline
 * that has passed since — and its failures were counted when it finished, so they are pointed at, not counted again.
 */
function nothingToResume(run: RunRecord, failed: number, named: boolean, journal: string): string {
  const which = named ? `run ${run.id} of job ${run.jobName} finished` : `no run is unfinished; the newest, ${run.id} of job ${run.jobName}, finished`;
  const failures = failed > 0 ? ` ${plural(failed, 'repo')} failed in it; to run them again: fleetmod retry ${run.id} --failed${journal}` : '';
  return `nothing to resume: ${which} at ${formatTime(run.finishedAt)}.${failures}`;
}

function failedRepos(store: RunStore, runId: string): number {
  const counts = store.countTasks(runId);
  return FAILED_OUTCOMES.reduce((sum, outcome: Outcome) => sum + (counts[outcome] ?? 0), 0);
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
