/**
 * What runJob needs to run a fixture's job in the test's own process on plain git remotes: real host git (or the
 * test's wrapper of it), the local sandbox, the given journal, no progress output.
 */
import type { HostGit } from '../../src/git/host-git.js';
import { createDirectCheckout, type RepoCheckout } from '../../src/git/mirror-cache.js';
import { createPlainGitHost } from '../../src/codehost/plain/plain-git-host.js';
import { createStageLimiters } from '../../src/orchestrator/limiters.js';
import type { runJob } from '../../src/orchestrator/run-job.js';
import { noopProgress } from '../../src/progress/types.js';
import { createLocalProvider } from '../../src/sandbox/local/provider.js';
import type { RunStore } from '../../src/store/types.js';
import { createRedactor } from '../../src/util/redact.js';

export type RunJobDeps = Parameters<typeof runJob>[0];

export function plainGitRunDeps(options: {
  git: HostGit;
  store: RunStore;
  env: NodeJS.ProcessEnv;
  checkouts?: RepoCheckout;
  now?: () => number;
}): RunJobDeps {
  const { git, store, env } = options;
  const checkouts = options.checkouts ?? createDirectCheckout(git);
  return {
    store,
    git,
    checkouts,
    sandboxes: createLocalProvider({ git, env }),
    codeHosts: { forRepo: () => createPlainGitHost(git, checkouts) },
    limiters: createStageLimiters({ gitPerHost: 2, sandboxes: 2 }),
    progress: noopProgress,
    redactor: createRedactor([]),
    now: options.now ?? Date.now,
  };
}

export type RunJobOptions = Parameters<typeof runJob>[1];

/** runJob's options for a real (not dry) run of `job` on `repos` that nothing stops; `extra` adds or overrides. */
export function plainRunOptions(
  job: RunJobOptions['job'],
  repos: RunJobOptions['repos'],
  selection: RunJobOptions['selection'],
  stateDir: string,
  extra: Partial<RunJobOptions> = {},
): RunJobOptions {
  return {
    job,
    repos,
    selection,
    dryRun: false,
    stateDir,
    secrets: {},
    stopSignal: new AbortController().signal,
    abortSignal: new AbortController().signal,
    ...extra,
  };
}
