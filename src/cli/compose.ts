/**
 * The composition root: the one place that picks concrete implementations for the ports (sandbox provider, code
 * hosts, journal, progress) from the job and the environment. Everything else receives them as arguments.
 */
import path from 'node:path';
import { createPlainGitHost } from '../codehost/plain/plain-git-host.js';
import type { CodeHost, CodeHostRouter } from '../codehost/types.js';
import { UsageError } from '../domain/errors.js';
import { createHostGit, type HostGit } from '../git/host-git.js';
import { createDirectCheckout, createMirrorCache, defaultCacheDir, type RepoCheckout } from '../git/mirror-cache.js';
import type { Job } from '../manifest/job.js';
import type { GithubSelectorResolver } from '../manifest/repos.js';
import { createJsonProgress } from '../progress/json-lines.js';
import { createLinesProgress } from '../progress/lines.js';
import { createTtyProgress } from '../progress/tty.js';
import type { ProgressSink } from '../progress/types.js';
import { e2bConnectionFromEnv } from '../sandbox/e2b/connection.js';
import { createE2bProvider } from '../sandbox/e2b/provider.js';
import { createHostProvider } from '../sandbox/host/provider.js';
import { createLocalProvider, type LocalSandboxProvider } from '../sandbox/local/provider.js';
import type { SandboxProvider } from '../sandbox/types.js';
import { openRunStore } from '../store/open-store.js';
import { openRunStoreReadOnly } from '../store/open-store-readonly.js';
import type { RunStore } from '../store/types.js';
import { createRedactor, type Redactor } from '../util/redact.js';
import type { CliIo } from './io.js';

/** Host environment variables whose values are secrets wherever they appear. */
export const SECRET_ENV_NAMES = ['GITHUB_TOKEN', 'GH_TOKEN', 'E2B_API_KEY', 'GITHUB_APP_PRIVATE_KEY'];

export function createRedactorFor(io: CliIo, job?: Job): Redactor {
  const values: string[] = [];
  for (const name of [...SECRET_ENV_NAMES, ...(job?.sandbox.secrets ?? [])]) {
    const value = io.env[name];
    if (value) values.push(value);
  }
  return createRedactor(values);
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

export function createGit(io: CliIo, signal?: AbortSignal): HostGit {
  return createHostGit({ env: io.env, ...(signal && { signal }) });
}

export function createSandboxProvider(job: Job, io: CliIo, git: HostGit): SandboxProvider {
  switch (job.sandbox.provider) {
    case 'local':
      return createLocalProvider({ git, env: io.env });
    case 'host':
      return createHostProvider({ git, env: io.env });
    case 'e2b':
      return createE2bProvider({ connection: e2bConnectionFromEnv(io.env), notice: (message) => io.stderr(`fleetmod: ${message}\n`) });
  }
}

/** The bubblewrap provider on its own, for `fleetmod doctor`. */
export function createLocalSandboxProvider(io: CliIo, git: HostGit): LocalSandboxProvider {
  return createLocalProvider({ git, env: io.env });
}

export function createCodeHosts(_job: Job, _io: CliIo, git: HostGit): CodeHostRouter {
  const plain: CodeHost = createPlainGitHost(git);
  return { forRepo: () => plain };
}

/**
 * Lists the repositories of `github:` selectors. The GitHub code host provides it (it lists org, user or search
 * results through the API); until it is wired here this returns undefined, and a job with a selector fails
 * before anything runs with "a github: selector needs GitHub access".
 */
export function createGithubSelectorResolver(_job: Job, _io: CliIo): GithubSelectorResolver | undefined {
  return undefined;
}

export function createProgress(io: CliIo, options: { json: boolean }): ProgressSink {
  if (options.json) return createJsonProgress(io.stdout);
  if (io.isTTY) return createTtyProgress({ write: io.stdout, columns: () => process.stdout.columns ?? 100 });
  return createLinesProgress({ write: io.stdout });
}

/** The clone cache (bare mirrors reused across runs) unless --no-cache. */
export function createRepoCheckout(io: CliIo, git: HostGit, options: { cache?: boolean; cacheDir?: string }): RepoCheckout {
  if (options.cache === false) return createDirectCheckout(git);
  const dir = options.cacheDir ? path.resolve(io.cwd, options.cacheDir) : defaultCacheDir(io.env);
  return createMirrorCache({ git, dir });
}
