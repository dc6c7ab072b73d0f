/** What `fleetmod run` does (registered in run.ts, loaded only when it runs). */
import path from 'node:path';
import { ManifestInvalid } from '../../domain/errors.js';
import { formatDiagnostic } from '../../manifest/diagnostics.js';
import { loadJobOrThrow } from '../../manifest/load.js';
import { resolveRepos } from '../../manifest/repos.js';
import { createGithubSelectorResolver } from '../compose.js';
import type { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import type { ExecutionOptions } from '../run-options.js';
import { runSession } from '../run-session.js';

export interface RunCommandOptions extends ExecutionOptions {
  new?: boolean;
  dryRun?: boolean;
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
