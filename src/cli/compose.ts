/**
 * The composition root: the one place that picks concrete implementations for the ports (sandbox provider, code
 * hosts, journal, progress) from the job and the environment. Everything else receives them as arguments.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { githubCredentials } from '../codehost/github/credentials.js';
import { githubEndpoint } from '../codehost/github/endpoint.js';
import { createGithubHost } from '../codehost/github/github-host.js';
import { pacingFor } from '../codehost/github/pacing.js';
import { createPauseGate, monotonicNow } from '../codehost/github/pause-gate.js';
import { createSelectorResolver } from '../codehost/github/selector-resolver.js';
import { assertCanWrite, createGithubSessions, type GithubSessions } from '../codehost/github/sessions.js';
import { createWriteBudget, type WriteBudgetOptions } from '../codehost/github/write-budget.js';
import { createPlainGitHost } from '../codehost/plain/plain-git-host.js';
import type { CodeHost, CodeHostRouter } from '../codehost/types.js';
import { UsageError, errorMessage } from '../domain/errors.js';
import { OWN_CREDENTIAL_NAMES } from '../domain/own-credentials.js';
import { createHostGit, type HostGit } from '../git/host-git.js';
import { createHostGitThread, hostGitThreadAvailable } from '../git/thread/host-git-thread.js';
import { createDirectCheckout, createMirrorCache, defaultCacheDir, type RepoCheckout } from '../git/mirror-cache.js';
import type { Job } from '../manifest/job.js';
import type { GithubSelectorResolver } from '../manifest/repos.js';
import type { RepoRef } from '../domain/repo.js';
import { createJsonProgress } from '../progress/json-lines.js';
import { createLinesProgress } from '../progress/lines.js';
import { createTtyProgress } from '../progress/tty.js';
import { cleanTextProgress } from '../progress/clean-text.js';
import type { ProgressSink } from '../progress/types.js';
import { createHostProvider } from '../sandbox/host/provider.js';
import { createLocalProvider, type LocalSandboxProvider } from '../sandbox/local/provider.js';
import type { SandboxProvider } from '../sandbox/types.js';
import { openRunStore } from '../store/open-store.js';
import { openRunStoreReadOnly } from '../store/open-store-readonly.js';
import type { RunStore } from '../store/types.js';
import { createRedactor, type Redactor } from '../util/redact.js';
import { parseSize } from '../util/units.js';
import type { CliIo } from './io.js';

/** A redactor of fleetmod's own credentials and the job's sandbox secrets: their values are secrets wherever they appear. */
export function createRedactorFor(io: CliIo, job?: Job): Redactor {
  const values: string[] = [];
  for (const name of [...OWN_CREDENTIAL_NAMES, ...(job?.sandbox.secrets ?? [])]) {
    const value = io.env[name];
    if (value) values.push(value);
  }
  const key = privateKey(io);
  if (key) values.push(key);
  // The redactor censors each line of the key's body on its own too, so that even a fragment of it is censored.
  return createRedactor(values);
}

/** A GitHub App's private key, however it is given (inline with escaped newlines, or in a file). */
function privateKey(io: CliIo): string | undefined {
  let pem = io.env.GITHUB_APP_PRIVATE_KEY?.replace(/\\n/g, '\n');
  const file = io.env.GITHUB_APP_PRIVATE_KEY_FILE;
  if (!pem && file) {
    try {
      pem = readFileSync(path.resolve(io.cwd, file), 'utf8');
    } catch {
      return undefined;
    }
  }
  return pem || undefined;
}

/** Secret values by name for the sandbox; a name that is not set is a usage error before anything runs. */
export function readSecrets(io: CliIo, job: Job): Record<string, string> {
  const missing = job.sandbox.secrets.filter((name) => !io.env[name]);
  if (missing.length > 0) {
    throw new UsageError(
      `secret${missing.length > 1 ? 's' : ''} ${missing.join(', ')} named in ${job.displayPath} (sandbox.secrets) ${missing.length > 1 ? 'are' : 'is'} not set in the environment; nothing was run`,
    );
  }
  return Object.fromEntries(job.sandbox.secrets.map((name) => [name, io.env[name] as string]));
}

export function openStore(dbPath: string, redactor: Redactor): RunStore {
  return openRunStore(dbPath, redactor);
}

/** The journal for reading only (plan): undefined when there is none; never created or migrated. */
export function openStoreReadOnly(dbPath: string, redactor: Redactor): RunStore | undefined {
  return openRunStoreReadOnly(dbPath, redactor);
}

/** Host git runs on a thread of its own in the built program (host-git-thread.ts says why). */
export function createGit(io: CliIo, signal?: AbortSignal, templateDir?: string): HostGit {
  const options = { env: io.env, ...(signal && { signal }), ...(templateDir !== undefined && { templateDir }) };
  return hostGitThreadAvailable() ? createHostGitThread(options) : createHostGit(options);
}

/** The job's sandbox provider. The E2B SDK (a large module tree) is loaded only by jobs that use E2B. */
export async function createSandboxProvider(job: Job, io: CliIo, git: HostGit): Promise<SandboxProvider> {
  switch (job.sandbox.provider) {
    case 'local':
      return createLocalProvider({ git, env: io.env, ...minFreeDisk(io) });
    case 'host':
      return createHostProvider({ git, env: io.env });
    case 'e2b': {
      const [{ createE2bProvider }, { e2bConnectionFromEnv }] = await Promise.all([
        import('../sandbox/e2b/provider.js'),
        import('../sandbox/e2b/connection.js'),
      ]);
      return createE2bProvider({ connection: e2bConnectionFromEnv(io.env), notice: (message) => io.stderr(`fleetmod: ${message}\n`) });
    }
  }
}

/** FLEETMOD_MIN_FREE_DISK (e.g. "5GiB"): the free space a sandbox must leave on the workspace's filesystem. */
function minFreeDisk(io: CliIo): { minFreeBytes?: number } {
  const text = io.env.FLEETMOD_MIN_FREE_DISK;
  if (!text) return {};
  const bytes = parseSize(text);
  if (bytes === null) throw new UsageError(`FLEETMOD_MIN_FREE_DISK must be a size such as "5GiB", got "${text}"`);
  return { minFreeBytes: bytes };
}

/** The bubblewrap provider on its own, for `fleetmod doctor`. */
export function createLocalSandboxProvider(io: CliIo, git: HostGit): LocalSandboxProvider {
  return createLocalProvider({ git, env: io.env });
}

export interface CodeHostExtras {
  /** Learns tokens fetched at run time (GitHub App installation tokens). */
  redactor?: Redactor;
  /** Where GitHub pauses and budget waits are announced. */
  notice?: (level: 'info' | 'warn', text: string) => void;
  /** The run's hard stop: GitHub waits (a pause can last an hour) and requests end at once. */
  signal?: AbortSignal;
  /** The run's checkouts: a clone cache answers plain git's first look at a repository it has no copy of. */
  checkouts?: RepoCheckout;
  /** A dry run: nothing is written to GitHub, a fork included. */
  dryRun?: boolean;
  /** The journal: the write budgets start from the GitHub writes of the past hour (of any process) and add this run's. */
  writeLog?: Pick<RunStore, 'githubWrites' | 'recordGithubWrite'>;
}

/**
 * Code hosts for one run: GitHub repositories go to the GitHub host (created on first use, so jobs without them
 * need no credentials), everything else to plain git. The write budget and the pause gate are made here once,
 * so every repository of the run shares them.
 */
export function createCodeHosts(job: Job, io: CliIo, git: HostGit, extras: CodeHostExtras = {}): CodeHostRouter {
  const plain: CodeHost = createPlainGitHost(git, extras.checkouts);
  let github: CodeHost | undefined;
  return {
    forRepo(repo) {
      if (repo.kind !== 'github') return plain;
      github ??= createGithubHost({ sessions: createGithubSessionsFor(job, io, extras), git, fork: job.github.fork, ...(extras.dryRun && { dryRun: true }) });
      return github;
    },
  };
}

function createGithubSessionsFor(job: Job, io: CliIo, extras: CodeHostExtras): GithubSessions {
  const endpoint = githubEndpoint(job, io.env);
  const pacing = pacingFor(job.limits, io.env);
  const notice = extras.notice ?? (() => undefined);
  // GitHub counts its limits over the past, whichever process wrote: a resumed or new run starts from the writes
  // journaled within its windows, not from an empty budget.
  const journaled = (budget: string, windowMs: number): Pick<WriteBudgetOptions, 'earlier' | 'onDone'> => {
    const log = extras.writeLog;
    if (!log) return {};
    return {
      earlier: log.githubWrites(budget, monotonicNow() - windowMs),
      onDone: (at) => {
        try {
          log.recordGithubWrite(budget, at);
        } catch (err) {
          notice('warn', `a GitHub write could not be journaled (${errorMessage(err)}); a run started within the hour will not count it`);
        }
      },
    };
  };
  return createGithubSessions({
    endpoint,
    credentials: githubCredentials(io.env),
    pacing,
    gate: createPauseGate({
      onPause: ({ waitMs, reason }) => notice('warn', `GitHub ${endpoint.host}: ${reason}; pausing every request to it for ${Math.ceil(waitMs / 1000)}s`),
    }),
    budget: createWriteBudget({
      perMinute: pacing.perMinute,
      perHour: pacing.perHour,
      minuteMs: pacing.minuteMs,
      hourMs: pacing.hourMs,
      ...journaled(`writes ${endpoint.host}`, Math.max(pacing.minuteMs, pacing.hourMs)),
    }),
    ...(job.limits.prRate && {
      // One window of the configured length holding `count` PR creations (both windows of the budget are it).
      prBudget: createWriteBudget({
        perMinute: job.limits.prRate.count,
        perHour: job.limits.prRate.count,
        minuteMs: job.limits.prRate.perMs,
        hourMs: job.limits.prRate.perMs,
        // The job's pace of new PRs, across its runs too.
        ...journaled(`pull requests ${endpoint.host} ${job.name}`, job.limits.prRate.perMs),
      }),
    }),
    ...(extras.redactor && { redactor: extras.redactor }),
    ...(extras.signal && { signal: extras.signal }),
    warn: (text) => notice('warn', text),
  });
}

/** Lists repositories for `github:` selectors; built on first use, so manifests without selectors need no token. */
export function createGithubSelectorResolver(job: Job, io: CliIo, extras: CodeHostExtras = {}): GithubSelectorResolver | undefined {
  if (!job.repos.some((entry) => entry.kind === 'github')) return undefined;
  if (githubCredentials(io.env).kind === 'none') return undefined;
  let resolver: GithubSelectorResolver | undefined;
  return {
    resolve(selector, signal) {
      const warn = (text: string) => (extras.notice ? extras.notice('warn', text) : io.stderr(`fleetmod: ${text}\n`));
      resolver ??= createSelectorResolver(createGithubSessionsFor(job, io, extras), warn);
      return resolver.resolve(selector, signal);
    },
  };
}

/** Before anything runs: GitHub repositories need credentials to push (a dry run can read public ones without). */
export function checkGithubAccess(job: Job, io: CliIo, repos: readonly RepoRef[], dryRun: boolean): void {
  const onGithub = repos.filter((r) => r.kind === 'github').length;
  if (onGithub === 0) return;
  githubEndpoint(job, io.env);
  pacingFor(job.limits, io.env);
  if (!dryRun) assertCanWrite(githubCredentials(io.env), onGithub);
}

export function createProgress(io: CliIo, options: { json: boolean; redactor: Redactor }): ProgressSink {
  const sink = options.json
    ? createJsonProgress(io.stdout)
    : io.isTTY
      ? createTtyProgress({ write: io.stdout, columns: () => process.stdout.columns ?? 100 })
      : createLinesProgress({ write: io.stdout });
  return cleanTextProgress(sink, options.redactor);
}

/** The clone cache (bare mirrors reused across runs) unless --no-cache. */
export function createRepoCheckout(io: CliIo, git: HostGit, options: { cache?: boolean; cacheDir?: string }): RepoCheckout {
  if (options.cache === false) return createDirectCheckout(git);
  const dir = options.cacheDir ? path.resolve(io.cwd, options.cacheDir) : defaultCacheDir(io.env);
  return createMirrorCache({ git, dir });
}
