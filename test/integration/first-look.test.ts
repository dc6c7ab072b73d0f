/**
 * The first look at a repository the clone cache has no copy of is the clone that makes the copy: no ls-remote
 * before it, and no look at the change's branch until the push — whose lease on "no such branch" is refused by a
 * branch that is there, which is then looked at as always (a person's commits are never overwritten, fleetmod's
 * own change is found already there).
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHostGit, type HostGit } from '../../src/git/host-git.js';
import { createMirrorCache, MIRROR_PARTIAL_PREFIX } from '../../src/git/mirror-cache.js';
import { loadJobOrThrow } from '../../src/manifest/load.js';
import { resolveRepos } from '../../src/manifest/repos.js';
import { runJob } from '../../src/orchestrator/run-job.js';
import { openRunStore } from '../../src/store/open-store.js';
import { createRedactor } from '../../src/util/redact.js';
import { testEnv } from '../support/cli.js';
import { plainGitRunDeps, plainRunOptions } from '../support/in-process-run.js';
import { branchSha, git } from '../support/git.js';
import { jobFixture, type JobFixture } from '../support/job-fixture.js';

/** Host git that counts its looks at remotes (ls-remote, or fetching the change's branch), by URL. */
function countingGit(inner: HostGit): { git: HostGit; looks: string[] } {
  const looks: string[] = [];
  const git: HostGit = {
    ...inner,
    remoteState: (url, branch, auth) => (looks.push(url), inner.remoteState(url, branch, auth)),
    remoteBranchSha: (url, branch, auth) => (looks.push(url), inner.remoteBranchSha(url, branch, auth)),
    remoteDefaultBranch: (url, auth) => (looks.push(url), inner.remoteDefaultBranch(url, auth)),
    fetchBranch: (dir, url, branch, auth) => (looks.push(url), inner.fetchBranch(dir, url, branch, auth)),
  };
  return { git, looks };
}

/** One run of the fixture's job in this process, with the journal and clone cache in the folders named. */
async function runOnce(fx: JobFixture, where: { state: string; cache: string }, now: () => number = Date.now) {
  const { job } = await loadJobOrThrow(path.join(fx.root, fx.job));
  const env = testEnv();
  const { repos } = await resolveRepos(job, { env });
  const { git, looks } = countingGit(createHostGit({ env }));
  const checkouts = createMirrorCache({ git, dir: path.join(fx.root, where.cache) });
  const store = openRunStore(path.join(fx.root, where.state, 'fleetmod.db'), createRedactor([]));
  try {
    const result = await runJob(
      plainGitRunDeps({ git, store, env, checkouts, now }),
      plainRunOptions(job, repos, { mode: 'new' }, path.join(fx.root, where.state)),
    );
    const tasks = store.listTasks(result.run.id);
    const outcomes = Object.fromEntries(tasks.map((t) => [path.basename(t.repo.url, '.git'), t.outcome]));
    const logs = tasks.map((t) => store.readTaskLog(t.id)).join('\n');
    return { counts: result.counts, outcomes, looks, logs };
  } finally {
    store.close();
  }
}

/** Moves a bare repository's default branch from main to `name`. */
async function renameDefaultBranch(bare: string, name: string): Promise<void> {
  await git(bare, 'branch', '-m', 'main', name);
  await git(bare, 'symbolic-ref', 'HEAD', `refs/heads/${name}`);
}

describe('the first look at a repository is the clone cache making its copy', () => {
  it('a first run asks no remote anything before cloning, and bases each change on the default branch the clone found', async () => {
    const fx = await jobFixture({ count: 3, unchangedEvery: 3 });
    await renameDefaultBranch(fx.repos[1]!.path, 'trunk');

    const first = await runOnce(fx, { state: 'state', cache: 'cache' });

    expect(first.looks).toEqual([]);
    expect(first.counts).toEqual({ pushed: 2, unchanged: 1 });
    const trunk = (await git(fx.repos[1]!.path, 'rev-parse', 'trunk')).trim();
    expect((await git(fx.repos[1]!.path, 'rev-parse', 'fleetmod/fixture~1')).trim()).toBe(trunk);
    expect(await branchSha(fx.repos[2]!.path, 'fleetmod/fixture')).toBeNull();

    // The cache has its copies now: a new run asks the remotes where they are (its results are reusable too).
    const second = await runOnce(fx, { state: 'state', cache: 'cache' });
    expect([...new Set(second.looks)].sort()).toEqual(fx.repos.map((r) => r.path).sort());
    expect(second.counts).toEqual({ pushed: 2, unchanged: 1 });
  });

  it('a branch already on the remote refuses the push\'s lease and is looked at: a person\'s commits stay, fleetmod\'s own change is found there', async () => {
    const fx = await jobFixture({ count: 2 });
    // Another machine's run (its own journal and cache) published both branches.
    await runOnce(fx, { state: 'elsewhere', cache: 'elsewhere-cache' });
    // Commits carry their second: made in a later one, this machine's commit of the same change is another commit.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const published = await Promise.all(fx.repos.map((r) => branchSha(r.path, 'fleetmod/fixture')));
    // Then a person pushed a commit to the first one.
    const work = path.join(fx.root, 'person');
    await git(fx.root, 'clone', '--quiet', '--branch', 'fleetmod/fixture', fx.repos[0]!.path, work);
    await git(work, '-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '--quiet', '--allow-empty', '-m', 'Review fix');
    await git(work, 'push', '--quiet', 'origin', 'fleetmod/fixture');
    const edited = (await git(work, 'rev-parse', 'HEAD')).trim();

    const here = await runOnce(fx, { state: 'state', cache: 'cache' });

    expect(here.outcomes).toEqual({ [fx.repos[0]!.name]: 'edited-by-human', [fx.repos[1]!.name]: 'pushed' });
    expect(await branchSha(fx.repos[0]!.path, 'fleetmod/fixture')).toBe(edited);
    expect(await branchSha(fx.repos[1]!.path, 'fleetmod/fixture')).toBe(published[1]);
    // Looked at only when the lease was refused: once each, by the push stage's fetch of the branch.
    expect(here.looks.sort()).toEqual(fx.repos.map((r) => r.path).sort());
  });

  it('a branch already at the very commit this run makes (same change, same second, another machine) is left as it is, unlooked at', async () => {
    const fx = await jobFixture({ count: 1 });
    const second = () => 1_800_000_000_000;
    await runOnce(fx, { state: 'elsewhere', cache: 'elsewhere-cache' }, second);
    const published = await branchSha(fx.repos[0]!.path, 'fleetmod/fixture');

    const here = await runOnce(fx, { state: 'state', cache: 'cache' }, second);

    expect(here.outcomes).toEqual({ [fx.repos[0]!.name]: 'pushed' });
    expect(await branchSha(fx.repos[0]!.path, 'fleetmod/fixture')).toBe(published);
    expect(here.looks).toEqual([]);
    expect(here.logs).toContain(`branch fleetmod/fixture already at ${published!.slice(0, 12)}; nothing to push`);
  });

  it('a checkout the first look made and no stage took (the task failed after resolving) is removed when the task ends', async () => {
    const fx = await jobFixture({ count: 1 });
    const manifest = path.join(fx.root, fx.job);
    // Known to be wrong only once the first look has said which branch is the base.
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('branch: fleetmod/fixture', 'branch: main'));

    const run = await runOnce(fx, { state: 'state', cache: 'cache' });

    expect(run.counts).toEqual({ failed: 1 });
    expect(run.logs).toContain('is the base branch of');
    const cache = await readdir(path.join(fx.root, 'cache'));
    expect(cache.filter((name) => name.endsWith('.git'))).toHaveLength(1);
    expect(cache.filter((name) => name.startsWith(MIRROR_PARTIAL_PREFIX))).toEqual([]);
  });

  it('on-existing: skip looks at the branch before cloning, even the first time', async () => {
    const fx = await jobFixture({ count: 1 });
    const manifest = path.join(fx.root, fx.job);
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('change:\n', 'change:\n  on-existing: skip\n'));

    const first = await runOnce(fx, { state: 'state', cache: 'cache' });

    expect(first.looks).toEqual([fx.repos[0]!.path]);
    expect(first.counts).toEqual({ pushed: 1 });
  });
});
