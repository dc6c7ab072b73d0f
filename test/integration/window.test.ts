import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPlainGitHost } from '../../src/codehost/plain/plain-git-host.js';
import { createHostGit } from '../../src/git/host-git.js';
import { createDirectCheckout } from '../../src/git/mirror-cache.js';
import { loadJobOrThrow } from '../../src/manifest/load.js';
import { resolveRepos } from '../../src/manifest/repos.js';
import { createStageLimiters } from '../../src/orchestrator/limiters.js';
import { runJob } from '../../src/orchestrator/run-job.js';
import { createAdmission } from '../../src/orchestrator/time-window.js';
import { noopProgress } from '../../src/progress/types.js';
import { createLocalProvider } from '../../src/sandbox/local/provider.js';
import { openRunStore } from '../../src/store/open-store.js';
import { createRedactor } from '../../src/util/redact.js';
import { testEnv } from '../support/cli.js';
import { jobFixture } from '../support/job-fixture.js';

describe('time window closing mid-run', () => {
  it('leaves the remainder pending and the run paused; a later resume inside the window finishes it', async () => {
    const fx = await jobFixture({ count: 6, concurrency: 1, limits: ['window: { start: "22:00", end: "06:00", timezone: UTC }'] });
    const { job } = await loadJobOrThrow(path.join(fx.root, fx.job));
    const { repos } = await resolveRepos(job, { env: testEnv() });
    const env = testEnv();
    const git = createHostGit({ env });
    const store = openRunStore(path.join(fx.root, 'journal.db'), createRedactor());
    const deps = {
      store,
      git,
      checkouts: createDirectCheckout(git),
      sandboxes: createLocalProvider({ git, env }),
      codeHosts: { forRepo: () => createPlainGitHost(git) },
      limiters: createStageLimiters({ gitPerHost: 2, sandboxes: 1 }),
      progress: noopProgress,
      redactor: createRedactor(),
      now: Date.now,
    };
    // A clock that starts at 05:30 UTC and moves ten minutes every time the scheduler asks: the window closes at
    // 06:00, so exactly three repos may start.
    let clock = Date.parse('2026-11-27T05:30:00Z');
    const ticking = () => {
      const at = clock;
      clock += 10 * 60_000;
      return at;
    };
    const base = { job, repos, dryRun: false, stateDir: path.join(fx.root, 'state'), secrets: {}, stopSignal: new AbortController().signal, abortSignal: new AbortController().signal };

    const paused = await runJob(deps, { ...base, selection: { mode: 'new' }, admission: createAdmission({ window: job.limits.window!, startedAt: clock }, ticking) });

    expect(paused.status).toBe('paused');
    expect(paused.counts).toEqual({ pushed: 3, pending: 3 });
    expect(paused.statusReason).toMatch(/^outside the time window 22:00-06:00 UTC; it opens again at 2026-11-27T22:00:00.000Z$/);

    clock = Date.parse('2026-11-27T22:00:00Z');
    const resumed = await runJob(deps, { ...base, selection: { mode: 'resume', runId: paused.run.id }, admission: createAdmission({ window: job.limits.window!, startedAt: clock }, () => clock) });
    store.close();

    expect(resumed.status).toBe('finished');
    expect(resumed.alreadyDone).toBe(3);
    expect(resumed.counts).toEqual({ pushed: 6 });
  });
});
