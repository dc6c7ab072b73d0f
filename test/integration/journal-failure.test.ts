/**
 * A journal that cannot commit in the middle of a run (a full disk): the writes of that moment are rolled back,
 * whichever repositories made them, so no repository's result can be trusted to the journal any more. The run
 * stops the way a crash stops it — runJob rejects with the journal's error, no repository is failed for it, no
 * timer throws — and the journal resumes.
 */
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { StoreFailed } from '../../src/domain/errors.js';
import { createHostGit, type HostGit } from '../../src/git/host-git.js';
import { loadJobOrThrow } from '../../src/manifest/load.js';
import { resolveRepos } from '../../src/manifest/repos.js';
import { runJob } from '../../src/orchestrator/run-job.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createSqliteRunStore } from '../../src/store/sqlite-run-store.js';
import { createRedactor } from '../../src/util/redact.js';
import { testEnv } from '../support/cli.js';
import { plainGitRunDeps, plainRunOptions } from '../support/in-process-run.js';
import { jobFixture } from '../support/job-fixture.js';

describe('a journal commit that fails mid-run', () => {
  it('stops the run as a crash would: runJob rejects with it, no repository is failed for it, and a resume finishes', async () => {
    const fx = await jobFixture({ count: 4, concurrency: 2 });
    const { job } = await loadJobOrThrow(path.join(fx.root, fx.job));
    const env = testEnv();
    const { repos } = await resolveRepos(job, { env });
    const stateDir = path.join(fx.root, 'state');
    const db = openDb(path.join(fx.root, 'fleetmod.db'));
    migrate(db);
    const store = createSqliteRunStore(db, { redactor: createRedactor([]), groupCommit: true });
    onTestFinished(() => store.close());
    const real = createHostGit({ env });
    let pushes = 0;
    // The disk fills as the first push starts: this turn's statements succeed, its commit fails (a foreign key
    // checked only at COMMIT stands in for SQLITE_FULL).
    const failingGit: HostGit = {
      ...real,
      push: (...args) => {
        pushes += 1;
        if (pushes === 1) {
          db.pragma('defer_foreign_keys = ON');
          store.recordStage(999_999, 'push', 'succeeded', 5);
        }
        return real.push(...args);
      },
    };
    const run = (git: HostGit, selection: Parameters<typeof runJob>[1]['selection']) =>
      runJob(
        plainGitRunDeps({ git, store, env }),
        plainRunOptions(job, repos, selection, stateDir),
      );

    await expect(run(failingGit, { mode: 'new' })).rejects.toThrow(StoreFailed);

    const [runRecord] = store.listRuns();
    const tasks = store.listTasks(runRecord!.id);
    expect(tasks.filter((t) => t.outcome === 'failed')).toEqual([]);
    expect(tasks.some((t) => t.status !== 'done')).toBe(true);

    const resumed = await run(real, { mode: 'resume', runId: runRecord!.id });
    expect(resumed.counts).toEqual({ pushed: 4 });
  });
});
