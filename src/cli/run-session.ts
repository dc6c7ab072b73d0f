/**
 * Executes a run from the CLI: secrets, sandbox check, journal, progress, signals (first Ctrl-C stops taking new
 * repos and gives running ones a grace time, a second one aborts them), time window and deadline, then the
 * summary and the exit code. Shared by `run`, `resume`, `retry` and `demo`.
 */
import { setMaxListeners } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { FAILED_OUTCOMES } from '../domain/outcome.js';
import { SandboxUnavailable, errorMessage } from '../domain/errors.js';
import type { RepoRef } from '../domain/repo.js';
import { GIT_SCRATCH_PREFIXES } from '../git/change-scripts.js';
import { CLONE_TEMPLATE_PREFIX } from '../git/clone-template.js';
import type { Job } from '../manifest/job.js';
import { missingLocalRepoMessages } from '../manifest/local-repo-check.js';
import { createStageLimiters } from '../orchestrator/limiters.js';
import { runJob, type RunJobResult, type RunSelection } from '../orchestrator/run-job.js';
import { fixedDeadlineAdvice } from '../orchestrator/fixed-deadline.js';
import { createAdmission, passedFixedDeadline, windowWaitEnd, type AdmissionRules } from '../orchestrator/time-window.js';
import { abortableSleep } from '../orchestrator/execute-task.js';
import { plural, shellWord } from '../report/format.js';
import { loadRunData } from '../report/run-data.js';
import { renderText } from '../report/render-text.js';
import { summarize } from '../report/summarize.js';
import type { Report } from '../report/model.js';
import { reportsWrittenLine } from '../progress/json-lines.js';
import type { ProgressSink } from '../progress/types.js';
import { writeRunReports } from '../report/write-reports.js';
import { UNISOLATED_BANNER } from '../sandbox/host/warning.js';
import { sandboxNeeds } from '../sandbox/shared/needs.js';
import { removeLeftoverTempDirs } from '../util/owned-temp.js';
import type { Redactor } from '../util/redact.js';
import type { RunStore } from '../store/types.js';
import {
  checkGithubAccess,
  createCodeHosts,
  createGit,
  createProgress,
  createRedactorFor,
  createRepoCheckout,
  createSandboxProvider,
  openStore,
  readSecrets,
} from './compose.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { journalArgs, stateLocation } from './global-options.js';
import type { CliIo } from './io.js';
import { parseConcurrency, parseGrace, type ExecutionOptions } from './run-options.js';
import { preferSmallHeap } from './small-heap.js';
import { usableSigningKey } from './signing-key.js';

export interface SessionRequest {
  job: Job;
  /** Repos to journal (new run or new repos); empty when resuming a run whose tasks exist. */
  repos: readonly RepoRef[];
  selection: RunSelection;
  dryRun: boolean;
  /** How the user named the manifest, for hints. */
  manifestLabel: string;
  /**
   * `retry`: which finished tasks go back to pending, read from the open journal before any check (their
   * repositories are checked like pending ones); they are reopened only once nothing refused the command.
   */
  reopen?: (store: RunStore) => Reopening;
  /** Called once the run is this process's, after every check: what to say only when the run really goes ahead. */
  onClaimed?: () => void;
}

/** Finished tasks a `retry` puts back to pending. */
export interface Reopening {
  repos: readonly RepoRef[];
  /** Reopens them; called by runJob once the run is known to be nobody else's, after every other check. */
  apply(): void;
}

export async function runSession(io: CliIo, request: SessionRequest, opts: ExecutionOptions): Promise<ExitCode> {
  const { job } = request;
  const location = stateLocation(io, opts);
  // The options naming this journal, for the commands the run suggests.
  const journal = journalArgs(io, opts);
  // -j applies to this invocation only; the job stored with the run keeps the manifest's value.
  const concurrency = parseConcurrency(opts.concurrency) ?? job.limits.concurrency;
  const graceMs = parseGrace(opts.grace);
  const secrets = readSecrets(io, job);
  const redactor = createRedactorFor(io, job);

  const stop = new AbortController();
  const abort = new AbortController();
  // Every git command and sandbox command in flight listens on it; concurrency (20 for E2B) decides how many.
  setMaxListeners(0, abort.signal);
  // The clone template lives with the journal (clone-template.ts): nothing of it is left in the temporary folder.
  const git = createGit(io, abort.signal, path.join(location.stateDir, 'git-template'));
  // What earlier fleetmods left in the temporary folder: a killed one's diff and commit scripts, and every one's clone
  // template (clone-template.ts; the sandbox's own scratch: see local).
  await removeLeftoverTempDirs(os.tmpdir(), [...GIT_SCRATCH_PREFIXES, CLONE_TEMPLATE_PREFIX]);
  const sandboxes = await createSandboxProvider(job, io, git);
  const check = await sandboxes.check(sandboxNeeds(job));
  if (!check.ok) throw new SandboxUnavailable(check.lines.join('; '), check.fix);
  for (const warning of check.warnings ?? []) io.stderr(`warning: sandbox: ${warning}\n`);
  if (!sandboxes.isolated) io.stderr(UNISOLATED_BANNER);
  const signingKey = await usableSigningKey(job, io);

  const store = openStore(location.dbPath, redactor);
  // Nothing in the journal changes before every check has passed: a refused command leaves the run as it was.
  let reopening: Reopening | undefined;
  try {
    reopening = request.reopen?.(store);
    const pendingRepos =
      request.selection.mode === 'resume'
        ? [...store.listTasks(request.selection.runId).filter((t) => t.status !== 'done').map((t) => t.repo), ...(reopening?.repos ?? [])]
        : request.repos;
    checkGithubAccess(job, io, pendingRepos, request.dryRun);
    // `run` warned from the manifest; a run gone on with from the journal has its repositories from there.
    if (request.selection.mode === 'resume') for (const message of missingLocalRepoMessages(pendingRepos)) io.stderr(`warning: ${message}\n`);
  } catch (err) {
    store.close();
    throw err;
  }
  const progress = createProgress(io, { json: Boolean(opts.json), redactor });
  let interrupts = 0;
  let graceTimer: NodeJS.Timeout | undefined;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts === 1) {
      stop.abort();
      graceTimer = setTimeout(() => {
        progress.notice('warn', `grace time of ${opts.grace ?? '5m'} is over: aborting the repos still running`);
        abort.abort();
      }, graceMs);
      graceTimer.unref();
    } else {
      progress.notice('warn', 'aborting the running repos now');
      abort.abort();
    }
  };
  // A hang-up (the terminal or SSH session closed) stops the run as SIGTERM does: Node's default would end the process
  // at once, leaving E2B sandboxes running (and billed) and repos in the middle of a stage.
  io.signals.on('SIGINT', onSignal);
  io.signals.on('SIGTERM', onSignal);
  io.signals.on('SIGHUP', onSignal);
  try {
    const timeLimits = { ...(job.limits.window && { window: job.limits.window }), ...(job.limits.deadline && { deadline: job.limits.deadline }) };
    if (opts.wait) await waitForWindow(timeLimits, progress, stop.signal);
    // After the wait: an HH:MM deadline is the first one after the run starts work, not after the command was typed.
    const startedAt = Date.now();
    const admission = job.limits.window || job.limits.deadline ? createAdmission({ ...timeLimits, startedAt }, Date.now) : undefined;
    preferSmallHeap();
    const checkouts = createRepoCheckout(io, git, opts);
    const result = await runJob(
      {
        store,
        git,
        checkouts,
        sandboxes,
        codeHosts: createCodeHosts(job, io, git, {
          redactor,
          notice: (level, text) => progress.notice(level, text),
          signal: abort.signal,
          checkouts,
          dryRun: request.dryRun,
          writeLog: store,
        }),
        limiters: createStageLimiters({
          gitPerHost: job.limits.clone,
          sandboxes: job.limits.sandboxes ?? concurrency,
          ...(job.limits.sandboxRate && { sandboxRate: job.limits.sandboxRate }),
        }),
        progress,
        redactor,
        now: Date.now,
      },
      {
        job,
        repos: request.repos,
        selection: request.selection,
        dryRun: request.dryRun,
        stateDir: location.stateDir,
        secrets,
        keepWorkdirs: Boolean(opts.keepWorkdirs),
        ...(signingKey !== undefined && { signingKey }),
        reuse: opts.reuse !== false,
        concurrency,
        stopSignal: stop.signal,
        abortSignal: abort.signal,
        ...(admission && { admission }),
        ...((reopening || request.onClaimed) && {
          beforeStart: () => {
            request.onClaimed?.();
            reopening?.apply();
          },
        }),
        resumeCommand: (runId) => `fleetmod resume ${runId}${journal}`,
      },
    );
    progress.close();
    const data = loadRunData(store, result.run.id, { now: Date.now() });
    const report = data ? summarize(data, { journalArgs: journal }) : undefined;
    if (!opts.json && report) printSummary(io, report, result, request.manifestLabel, job);
    if (report) await writeReports(io, report, Boolean(opts.json));
    if (interrupts > 0 && result.status !== 'finished') return EXIT.interrupted;
    const failed = store.listTasks(result.run.id).some((t) => t.outcome && FAILED_OUTCOMES.includes(t.outcome));
    return failed ? EXIT.repoFailures : EXIT.ok;
  } catch (err) {
    // What stops a run (a full disk, a journal that cannot commit) is printed by the CLI entry, which has no
    // redactor: a git error quoted in it must not carry a secret value to the terminal.
    throw withRedactedMessage(err, redactor);
  } finally {
    if (graceTimer) clearTimeout(graceTimer);
    io.signals.off('SIGINT', onSignal);
    io.signals.off('SIGTERM', onSignal);
    io.signals.off('SIGHUP', onSignal);
    progress.close();
    store.close();
  }
}

/**
 * `--wait`: sleeps until the time window opens, unless waiting is for nothing (windowWaitEnd). Looks again on waking:
 * a timer may fire a millisecond before the wall clock reaches the opening, and the clock may have been set since.
 * A Ctrl-C ends the wait (the run then stops as it would at once).
 */
async function waitForWindow(limits: Omit<AdmissionRules, 'startedAt'>, progress: ProgressSink, signal: AbortSignal): Promise<void> {
  let told = false;
  for (let until = windowWaitEnd(limits, Date.now()); until !== null && !signal.aborted; until = windowWaitEnd(limits, Date.now())) {
    if (!told) progress.notice('info', `waiting for the time window to open at ${new Date(until).toISOString()} (Ctrl-C to stop)`);
    told = true;
    await abortableSleep(until - Date.now(), signal).catch(() => undefined);
  }
}

function printSummary(io: CliIo, report: Report, result: RunJobResult, manifestLabel: string, job: Job): void {
  io.stdout('\n');
  if (result.resumed && result.processed === 0 && result.alreadyDone > 0 && result.status === 'finished') {
    io.stdout(`All ${result.alreadyDone} repos were already done in run ${result.run.id}; nothing was run again.\n`);
    io.stdout(
      `(fleetmod run --new ${manifestLabel}${report.journalArgs} starts a fresh run, reusing the results of repositories whose base has not moved — ` +
        `add --no-reuse to run everything again; fleetmod retry ${result.run.id} --failed${report.journalArgs} re-runs failures)\n\n`,
    );
  } else if (result.resumed && result.alreadyDone > 0) {
    io.stdout(`Resumed run ${result.run.id}: ${result.alreadyDone} repos were already done and not run again; ${result.processed} run now.\n\n`);
  }
  io.stdout(renderText(report));
  if (result.status === 'paused') {
    const left = `${plural(result.counts.pending ?? 0, 'repo')} left`;
    const deadline = passedFixedDeadline(job.limits, Date.now());
    if (deadline) io.stdout(`\nThe run is paused (${result.statusReason}); ${left}. To go on: ${fixedDeadlineAdvice(deadline, shellWord(manifestLabel))}\n`);
    else io.stdout(`\nThe run is paused (${result.statusReason}); ${left}. Continue with: fleetmod resume ${result.run.id}${report.journalArgs}\n`);
  }
}


/** report.html and report.json in the run's folder; failing to write them is a warning, never a failed run. */
async function writeReports(io: CliIo, report: Report, json: boolean): Promise<void> {
  try {
    const files = await writeRunReports(report, report.run.runDir);
    if (json) io.stdout(reportsWrittenLine(report.run.id, files));
    else io.stdout(`\nReports: ${files.html}\n         ${files.json}\n`);
  } catch (err) {
    io.stderr(`fleetmod: could not write the reports into ${report.run.runDir}: ${errorMessage(err)}\n`);
  }
}

/** The error with secret values removed from its message (the same error object, so its class still decides the exit code). */
export function withRedactedMessage(err: unknown, redactor: Redactor): unknown {
  if (err instanceof Error) err.message = redactor.redact(err.message);
  return err;
}
