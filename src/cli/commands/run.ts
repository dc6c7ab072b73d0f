/** `fleetmod run JOB.yaml`: validate, resolve repos, then run the batch (resuming the latest run of this manifest). */
import path from 'node:path';
import type { Command } from 'commander';
import { ManifestInvalid } from '../../domain/errors.js';
import { formatDiagnostic } from '../../manifest/diagnostics.js';
import { loadJobOrThrow } from '../../manifest/load.js';
import { resolveRepos } from '../../manifest/repos.js';
import { createGithubSelectorResolver } from '../compose.js';
import type { ExitCode } from '../exit-codes.js';
import { addStateOptions } from '../global-options.js';
import type { CliIo } from '../io.js';
import { addExecutionOptions, type ExecutionOptions } from '../run-options.js';
import { runSession } from '../run-session.js';

export interface RunCommandOptions extends ExecutionOptions {
  new?: boolean;
  dryRun?: boolean;
}

export function registerRun(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const command = program
    .command('run')
    .description('run a job across its repositories (resumes the latest run of the same manifest)')
    .argument('<job>', 'job manifest (YAML)')
    .option('--new', 'start a fresh run instead of resuming the latest one')
    .option('--dry-run', 'do everything except push and open PRs; diffs are kept in the journal');
  addStateOptions(addExecutionOptions(command)).action(async (file: string, opts: RunCommandOptions) => {
    setExit(await runCommand(io, file, opts));
  });
}

export async function runCommand(io: CliIo, file: string, opts: RunCommandOptions): Promise<ExitCode> {
  const { job, warnings } = await loadJobOrThrow(path.resolve(io.cwd, file), file, { env: io.env });
  for (const w of warnings) io.stderr(`${formatDiagnostic(w)}\n`);
  const github = createGithubSelectorResolver(job, io);
  const resolved = await resolveRepos(job, { env: io.env, ...(github && { github }) });
  for (const w of resolved.warnings) io.stderr(`${formatDiagnostic(w)}\n`);
  if (resolved.errors.length > 0) throw new ManifestInvalid(resolved.errors);
  return runSession(
    io,
    { job, repos: resolved.repos, selection: { mode: opts.new ? 'new' : 'auto' }, dryRun: Boolean(opts.dryRun), manifestLabel: file },
    opts,
  );
}

/** The HTML and JSON reports go into the run's folder; failing to write them never changes the run's exit code. */
