/** What `fleetmod validate` does (registered in validate.ts, loaded only when it runs). */
import path from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../../manifest/diagnostics.js';
import { loadManifest } from '../../manifest/load.js';
import { resolveRepos } from '../../manifest/repos.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';

export interface ValidateOptions {
  /** Report secrets that are not set here as warnings (e.g. validating in CI where they do not exist). */
  allowMissingSecrets?: boolean;
}

export async function validateCommand(io: CliIo, file: string, opts: ValidateOptions = {}): Promise<ExitCode> {
  const result = await loadManifest(path.resolve(io.cwd, file), file, {
    env: io.env,
    missingSecrets: opts.allowMissingSecrets ? 'warning' : 'error',
  });
  const errors: Diagnostic[] = [...result.errors];
  const warnings: Diagnostic[] = [...result.warnings];
  let deferred = 0;
  // Also for a job with errors, so the repository list's problems (file: lists, pages, missing paths) come with
  // the others; an entry the rules already refused is refused here again, and said once (where it was first).
  const readable = result.job ?? result.partial;
  if (readable) {
    const repos = await resolveRepos(readable, { env: io.env, deferSelectors: true, displayPath: file });
    const at = (d: Diagnostic) => `${d.file}:${d.line}:${d.col}`;
    const said = new Set(errors.map(at));
    errors.push(...repos.errors.filter((d) => !said.has(at(d))));
    warnings.push(...repos.warnings);
    deferred = repos.deferredSelectors;
  }
  for (const d of [...errors, ...warnings].sort(bySource(file))) io.stderr(`${formatDiagnostic(d)}\n`);
  if (errors.length > 0) {
    io.stderr(`${file}: invalid (${errors.length} error${errors.length === 1 ? '' : 's'})\n`);
    return EXIT.usage;
  }
  const job = result.job;
  if (!job) return EXIT.usage;
  const entries = job.repos.length;
  const selectors = deferred > 0 ? ` (${deferred} GitHub selector${deferred === 1 ? '' : 's'}: fleetmod plan lists them)` : '';
  io.stdout(
    `${file}: valid — job "${job.name}", ${entries} repo entr${entries === 1 ? 'y' : 'ies'}${selectors}, ${job.steps.length} step${job.steps.length === 1 ? '' : 's'}, sandbox ${job.sandbox.provider}\n`,
  );
  return EXIT.ok;
}

/** The manifest's own diagnostics first, in line order, then those inside other files (repo lists). */
function bySource(file: string) {
  return (a: Diagnostic, b: Diagnostic) =>
    Number(a.file !== file) - Number(b.file !== file) || a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col;
}
