/**
 * A new change journaled next to an older commit: when the base moves and the transformation runs again, the
 * commit fleetmod made of the old change must not count as made of the new one. Killed between journaling the new
 * diff and its commit, a resumed repository used to find the old commit on the remote branch, call it "made of
 * this change" and finish as pushed with the old change on its branch.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHostGit, type HostGit } from '../../src/git/host-git.js';
import { loadJobOrThrow } from '../../src/manifest/load.js';
import { resolveRepos } from '../../src/manifest/repos.js';
import { runJob, type RunSelection } from '../../src/orchestrator/run-job.js';
import { openRunStore } from '../../src/store/open-store.js';
import { createRedactor } from '../../src/util/redact.js';
import { testEnv } from '../support/cli.js';
import { git } from '../support/git.js';
import { plainGitRunDeps, plainRunOptions } from '../support/in-process-run.js';
import { jobFixture, type JobFixture } from '../support/job-fixture.js';
import { tempDir } from '../support/temp.js';

async function runWith(fx: JobFixture, selection: RunSelection, gitFor: (real: HostGit) => HostGit, reopen = false) {
  const { job } = await loadJobOrThrow(path.join(fx.root, fx.job));
  const env = testEnv();
  const { repos } = await resolveRepos(job, { env });
  const git = gitFor(createHostGit({ env }));
  const store = openRunStore(path.join(fx.root, 'state', 'fleetmod.db'), createRedactor([]));
  try {
    const result = await runJob(
      plainGitRunDeps({ git, store, env }),
      plainRunOptions(job, repos, selection, path.join(fx.root, 'state'), {
        ...(reopen && selection.mode === 'resume' && { beforeStart: () => void store.reopenTasks(selection.runId, {}) }),
      }),
    );
    return { runId: result.run.id, task: store.listTasks(result.run.id)[0]! };
  } finally {
    store.close();
  }
}

describe('a change journaled after its base moved', () => {
  it('is committed and pushed anew on resume, even when the commit of the change before it is on the remote', async () => {
    const fx = await jobFixture({ count: 1, concurrency: 1, retries: 0 });
    const bare = fx.repos[0]!.path;
    const first = await runWith(fx, { mode: 'new' }, (real) => real);
    expect(first.task.outcome).toBe('pushed');
    const oldCommit = (await git(bare, 'rev-parse', 'fleetmod/fixture')).trim();

    // The base moves: a new file that calls the old API.
    const dev = path.join(await tempDir(), 'dev');
    await git(path.dirname(dev), 'clone', '-q', bare, dev);
    await writeFile(path.join(dev, 'src', 'extra.js'), 'fetchData();\n');
    await git(dev, 'add', '-A');
    await git(dev, '-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '-qm', 'extra');
    await git(dev, 'push', '-q', 'origin', 'HEAD:main');
    const newBase = (await git(bare, 'rev-parse', 'main')).trim();

    // The same repository again; fleetmod stops right after journaling the new change, before its commit.
    const crashed = await runWith(
      fx,
      { mode: 'resume', runId: first.runId },
      (real) => ({ ...real, commitDiff: async () => Promise.reject(new Error('killed before the commit was journaled')) }),
      true,
    );
    expect(crashed.task.baseSha).toBe(newBase);
    expect(crashed.task.diff).toContain('extra.js');

    const resumed = await runWith(fx, { mode: 'resume', runId: first.runId }, (real) => real, true);

    expect(resumed.task.outcome).toBe('pushed');
    const tip = (await git(bare, 'rev-parse', 'fleetmod/fixture')).trim();
    expect(tip).not.toBe(oldCommit);
    expect(resumed.task.headSha).toBe(tip);
    expect((await git(bare, 'rev-parse', 'fleetmod/fixture^')).trim()).toBe(newBase);
    expect(await git(bare, 'show', 'fleetmod/fixture:src/extra.js')).toBe('loadData();\n');
  });
});
