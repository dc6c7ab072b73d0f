/**
 * A Ctrl-C while fleetmod stops gracefully can reach a host git in the moment between fork and its own session
 * (`setsid`), when it is still in the terminal's process group. That git dies by a signal; the repo must not fail
 * for it, but run again, once, like a step the Ctrl-C reached.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPlainGitHost } from '../../src/codehost/plain/plain-git-host.js';
import { GitFailed } from '../../src/domain/errors.js';
import { createHostGit, type HostGit } from '../../src/git/host-git.js';
import { createDirectCheckout } from '../../src/git/mirror-cache.js';
import { loadJobOrThrow } from '../../src/manifest/load.js';
import { resolveRepos } from '../../src/manifest/repos.js';
import { createStageLimiters } from '../../src/orchestrator/limiters.js';
import { runJob } from '../../src/orchestrator/run-job.js';
import { noopProgress } from '../../src/progress/types.js';
import { createLocalProvider } from '../../src/sandbox/local/provider.js';
import { openRunStore } from '../../src/store/open-store.js';
import { createRedactor } from '../../src/util/redact.js';
import { testEnv } from '../support/cli.js';
import { branchSha } from '../support/git.js';
import { jobFixture } from '../support/job-fixture.js';

describe('a Ctrl-C that reaches a host git while fleetmod stops', () => {
  it('runs the repo again once instead of failing it (retries: 0)', async () => {
    const fx = await jobFixture({ count: 1, concurrency: 1 });
    const { job } = await loadJobOrThrow(path.join(fx.root, fx.job));
    const { repos } = await resolveRepos(job, { env: testEnv() });
    const real = createHostGit({ env: testEnv() });
    const stop = new AbortController();
    let pushes = 0;
    // The first push dies as a git the terminal's SIGINT caught before its setsid, and that Ctrl-C is fleetmod's stop.
    const git: HostGit = {
      ...real,
      push: async (...args) => {
        pushes += 1;
        if (pushes === 1) {
          stop.abort();
          throw new GitFailed('git push failed: git was killed by a signal', 'transient');
        }
        return real.push(...args);
      },
    };
    const store = openRunStore(path.join(fx.root, 'journal.db'), createRedactor());
    const sandboxes = createLocalProvider({ git, env: testEnv() });
    try {
      const result = await runJob(
        {
          store,
          git,
          checkouts: createDirectCheckout(git),
          sandboxes,
          codeHosts: { forRepo: () => createPlainGitHost(git) },
          limiters: createStageLimiters({ gitPerHost: 2, sandboxes: 1 }),
          progress: noopProgress,
          redactor: createRedactor(),
          now: Date.now,
        },
        { job, repos, dryRun: false, stateDir: path.join(fx.root, 'state'), secrets: {}, selection: { mode: 'new' }, stopSignal: stop.signal, abortSignal: new AbortController().signal },
      );

      const tasks = store.listTasks(result.run.id);
      expect(tasks.map((t) => [t.status, t.outcome])).toEqual([['done', 'pushed']]);
      expect(pushes).toBe(2);
      expect(await branchSha(fx.repos[0]!.path, 'fleetmod/fixture')).not.toBeNull();
    } finally {
      await sandboxes.shutdown();
      store.close();
    }
  });
});
