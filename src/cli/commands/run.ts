/** `fleetmod run JOB.yaml`: validate, resolve repos, check the sandbox, run (or resume) the batch, report. */
import path from 'node:path';
import type { Command } from 'commander';
import { SandboxUnavailable, UsageError } from '../../domain/errors.js';
import { FAILED_OUTCOMES } from '../../domain/outcome.js';
import { formatDiagnostic } from '../../manifest/diagnostics.js';
import { loadJobOrThrow } from '../../manifest/load.js';
import { resolveRepos } from '../../manifest/repos.js';
import { ManifestInvalid } from '../../domain/errors.js';
import { createStageLimiters } from '../../orchestrator/limiters.js';
import { runJob, type RunSelection } from '../../orchestrator/run-job.js';
import { loadRunData } from '../../report/run-data.js';
import { renderText } from '../../report/render-text.js';
import { summarize } from '../../report/summarize.js';
import { createCodeHosts, createGit, createProgress, createRedactorFor, createSandboxProvider, openStore, readSecrets } from '../compose.js';
import { createGithubSelectorResolver } from '../compose.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { addStateOptions, stateLocation } from '../global-options.js';
import type { CliIo } from '../io.js';

export interface RunCommandOptions {
  new?: boolean;
  dryRun?: boolean;
  json?: boolean;
  keepWorkdirs?: boolean;
  concurrency?: string;
  stateDir?: string;
  db?: string;
}

export function registerRun(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  addStateOptions(
    program
      .command('run')
      .description('run a job across its repositories (resumes the latest run of the same manifest)')
      .argument('<job>', 'job manifest (YAML)')
      .option('--new', 'start a fresh run instead of resuming the latest one')
      .option('--dry-run', 'do everything except push and open PRs; diffs are kept in the journal')
      .option('--json', 'print one JSON event per line instead of human progress')
      .option('--keep-workdirs', 'keep each repo\'s checkout under the run folder for debugging')
      .option('-j, --concurrency <n>', 'repos worked on at once (overrides limits.concurrency)'),
  ).action(async (file: string, opts: RunCommandOptions) => {
    setExit(await runCommand(io, file, opts, { mode: opts.new ? 'new' : 'auto' }));
  });
}

export async function runCommand(io: CliIo, file: string, opts: RunCommandOptions, selection: RunSelection): Promise<ExitCode> {
  const location = stateLocation(io, opts);
  const manifestPath = path.resolve(io.cwd, file);
  const { job, warnings } = await loadJobOrThrow(manifestPath, file, { env: io.env });
  for (const w of warnings) io.stderr(`${formatDiagnostic(w)}\n`);
  if (opts.concurrency !== undefined) {
    const n = Number(opts.concurrency);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--concurrency must be a whole number ≥ 1, got "${opts.concurrency}"`);
    job.limits.concurrency = n;
  }
  const secrets = readSecrets(io, job);
  const redactor = createRedactorFor(io, job);

  const github = createGithubSelectorResolver(job, io);
  const resolved = await resolveRepos(job, { env: io.env, ...(github && { github }) });
  for (const w of resolved.warnings) io.stderr(`${formatDiagnostic(w)}\n`);
  if (resolved.errors.length > 0) throw new ManifestInvalid(resolved.errors);

  const stop = new AbortController();
  const abort = new AbortController();
  const git = createGit(io, abort.signal);
  const sandboxes = createSandboxProvider(job, io, git);
  const check = await sandboxes.check();
  if (!check.ok) throw new SandboxUnavailable(check.lines.join('; '), check.fix);

  const store = openStore(location.dbPath, redactor);
  const progress = createProgress(io, { json: Boolean(opts.json) });
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts === 1) stop.abort();
    else abort.abort();
  };
  io.signals.on('SIGINT', onSignal);
  io.signals.on('SIGTERM', onSignal);
  try {
    const result = await runJob(
      {
        store,
        git,
        sandboxes,
        codeHosts: createCodeHosts(job, io, git),
        limiters: createStageLimiters({
          gitPerHost: job.limits.clone,
          sandboxes: job.limits.sandboxes ?? job.limits.concurrency,
          ...(job.limits.sandboxRate && { sandboxRate: job.limits.sandboxRate }),
        }),
        progress,
        redactor,
        now: Date.now,
      },
      {
        job,
        repos: resolved.repos,
        selection,
        dryRun: Boolean(opts.dryRun),
        stateDir: location.stateDir,
        secrets,
        keepWorkdirs: Boolean(opts.keepWorkdirs),
        stopSignal: stop.signal,
        abortSignal: abort.signal,
      },
    );
    progress.close();
    const data = loadRunData(store, result.run.id);
    if (!opts.json && data) {
      io.stdout('\n');
      if (result.resumed && result.processed === 0 && result.alreadyDone > 0 && result.status === 'finished') {
        io.stdout(`All ${result.alreadyDone} repos were already done in run ${result.run.id}; nothing was run again.\n`);
        io.stdout(`(fleetmod run --new ${file} starts a fresh run; fleetmod retry ${result.run.id} --failed re-runs failures)\n\n`);
      } else if (result.resumed && result.alreadyDone > 0) {
        io.stdout(`Resumed run ${result.run.id}: ${result.alreadyDone} repos were already done and not run again; ${result.processed} run now.\n\n`);
      }
      io.stdout(renderText(summarize(data)));
    }
    if (interrupts > 0 && result.status !== 'finished') return EXIT.interrupted;
    const failed = store.listTasks(result.run.id).some((t) => t.outcome && FAILED_OUTCOMES.includes(t.outcome));
    return failed ? EXIT.repoFailures : EXIT.ok;
  } finally {
    io.signals.off('SIGINT', onSignal);
    io.signals.off('SIGTERM', onSignal);
    progress.close();
    store.close();
  }
}
