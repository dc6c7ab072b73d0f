/** What `fleetmod plan` does (registered in plan.ts, loaded only when it runs). */
import path from 'node:path';
import { githubCredentials } from '../../codehost/github/credentials.js';
import type { CodeHostRouter } from '../../codehost/types.js';
import { errorMessage, ManifestInvalid } from '../../domain/errors.js';
import type { RepoRef } from '../../domain/repo.js';
import { formatDiagnostic } from '../../manifest/diagnostics.js';
import type { Job } from '../../manifest/job.js';
import { loadJobOrThrow } from '../../manifest/load.js';
import { resolveRepos } from '../../manifest/repos.js';
import { runCrashed } from '../../orchestrator/run-liveness.js';
import { transformKey } from '../../orchestrator/transform-key.js';
import { latestOfThisWork } from '../../orchestrator/select-run.js';
import { hostSkips } from '../../plan/host-skips.js';
import { readEarlierPrs } from '../../plan/earlier-pull-requests.js';
import { earlierPrsToRead, planJob, type PlanHistory } from '../../plan/plan.js';
import { renderPlan } from '../../plan/render-plan.js';
import type { RunStore } from '../../store/types.js';
import type { Redactor } from '../../util/redact.js';
import { createCodeHosts, createGit, createGithubSelectorResolver, createRedactorFor, openStoreReadOnly } from '../compose.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { stateLocation } from '../global-options.js';
import type { CliIo } from '../io.js';

export interface PlanCommandOptions {
  json?: boolean;
  stateDir?: string;
  db?: string;
}

export async function planCommand(io: CliIo, file: string, opts: PlanCommandOptions): Promise<ExitCode> {
  const { dbPath } = stateLocation(io, opts);
  const { job, warnings } = await loadJobOrThrow(path.resolve(io.cwd, file), file, { env: io.env, missingSecrets: 'warning' });
  for (const w of warnings) io.stderr(`${formatDiagnostic(w)}\n`);

  const github = createGithubSelectorResolver(job, io);
  const resolved = await resolveRepos(job, { env: io.env, ...(github && { github }) });
  for (const w of resolved.warnings) io.stderr(`${formatDiagnostic(w)}\n`);
  if (resolved.errors.length > 0) throw new ManifestInvalid(resolved.errors);

  const codeHosts = lazyCodeHosts(job, io);
  const warn = (message: string) => io.stderr(`fleetmod: ${message}\n`);
  const githubAccess = githubCredentials(io.env).kind !== 'none';
  // Those the run skips as soon as it reads them on GitHub are not to run: told from a selector's listing, or read
  // as the run reads them (a listing's size-0 ones; with access, those named one by one).
  const readsGithub = resolved.githubListings.size > 0 || (githubAccess && resolved.repos.some((r) => r.kind === 'github'));
  const skips = readsGithub ? await hostSkips(resolved, { inspect: (repo) => codeHosts().forRepo(repo).inspect(repo), warn, readUnlisted: githubAccess }) : undefined;

  const journal = await readHistory(dbPath, job, createRedactorFor(io, job), resolved.repos);
  // With the access the run would have, the PRs it meets again are read as they are now (reads only); without it
  // the plan says it shows the journal's view.
  const toRead = earlierPrsToRead({ resolved, ...(journal.history && { history: journal.history }), ...(skips && { hostSkips: skips }) });
  const prsNow = githubAccess ? await readEarlierPrs((repo) => codeHosts().forRepo(repo), toRead, warn) : undefined;
  const plan = planJob({
    job,
    resolved,
    ...(skips && { hostSkips: skips }),
    ...(prsNow && { earlierPrsNow: prsNow }),
    ...(journal.history && { history: journal.history }),
    ...(journal.problem && { journalProblem: journal.problem }),
    ...(journal.reusable && { reusable: journal.reusable }),
  });
  io.stdout(opts.json ? `${JSON.stringify(plan, null, 2)}\n` : renderPlan(plan));
  return EXIT.ok;
}

/**
 * The code hosts as a dry run has them (the GitHub one reads, and makes no fork), built on first use: a plan that
 * reads nothing on GitHub starts no host git.
 */
function lazyCodeHosts(job: Job, io: CliIo): () => CodeHostRouter {
  let hosts: CodeHostRouter | undefined;
  return () => (hosts ??= createCodeHosts(job, io, createGit(io), { dryRun: true }));
}

/**
 * The run `fleetmod run` would resume (same manifest, not a dry run), else the latest run of the job; and which
 * repositories have a result of the same transformation in a run it would not resume (result reuse).
 */
async function readHistory(
  dbPath: string,
  job: Job,
  redactor: Redactor,
  repos: readonly RepoRef[],
): Promise<{ history?: PlanHistory; problem?: string; reusable?: Set<string> }> {
  try {
    const store = openStoreReadOnly(dbPath, redactor);
    if (!store) return {};
    try {
      // A transformation that reads {{ run.id }} gets a key of its own per run: nothing matches it, as in a run.
      const key = await transformKey(job, 'plan');
      // The same choice select-run.ts makes for `fleetmod run` without --new or --dry-run.
      const { latest: same, change } = await latestOfThisWork(store, job, repos, false);
      const resumes = same !== undefined && change === null;
      const run = resumes ? same : store.latestRun({ jobName: job.name });
      const reusable = reusableResults(store, key, repos, resumes && same ? same.id : '');
      if (!run) return { reusable };
      return { history: { run, tasks: store.listTasks(run.id), resumes, crashed: runCrashed(run, Date.now()) }, reusable };
    } finally {
      store.close();
    }
  } catch (err) {
    return { problem: `the journal ${dbPath} could not be read (${errorMessage(err)}); earlier results are not shown` };
  }
}

/** Repositories with a result of this transformation in another run than `excludeRunId`. */
function reusableResults(store: RunStore, transformKey: string, repos: readonly RepoRef[], excludeRunId: string): Set<string> {
  return new Set(repos.filter((repo) => store.hasReusableResult({ transformKey, repo, excludeRunId })).map((r) => r.key));
}
