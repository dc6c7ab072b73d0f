/**
 * A full disk stops the run: every repository after the first that meets it would fail the same way within
 * milliseconds, so none is failed for it — the one that met it stays pending, no new one starts, and the run
 * resumes once there is room. Injected at the checkout (an ENOSPC from the file system) and at host git (git's
 * own words on stderr); git, the sandbox and SQLite are real otherwise.
 */
import { chmod, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DiskFull, GitFailed } from '../../src/domain/errors.js';
import { createHostGit, type HostGit } from '../../src/git/host-git.js';
import { createDirectCheckout, type RepoCheckout } from '../../src/git/mirror-cache.js';
import { loadJobOrThrow } from '../../src/manifest/load.js';
import { resolveRepos } from '../../src/manifest/repos.js';
import { runJob } from '../../src/orchestrator/run-job.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createSqliteRunStore } from '../../src/store/sqlite-run-store.js';
import { createRedactor } from '../../src/util/redact.js';
import { captureIo, cli, testEnv } from '../support/cli.js';
import { plainGitRunDeps, plainRunOptions } from '../support/in-process-run.js';
import { jobFixture } from '../support/job-fixture.js';

async function setup() {
  const fx = await jobFixture({ count: 5, concurrency: 1, retries: 2 });
  const { job } = await loadJobOrThrow(path.join(fx.root, fx.job));
  const env = testEnv();
  const { repos } = await resolveRepos(job, { env });
  const db = openDb(path.join(fx.root, 'fleetmod.db'));
  migrate(db);
  const store = createSqliteRunStore(db, { redactor: createRedactor([]), groupCommit: true });
  onTestFinished(() => store.close());
  const git = createHostGit({ env });
  const run = (deps: { git?: HostGit; checkouts?: RepoCheckout }, selection: Parameters<typeof runJob>[1]['selection']) =>
    runJob(plainGitRunDeps({ git: deps.git ?? git, store, env, ...(deps.checkouts && { checkouts: deps.checkouts }) }), plainRunOptions(job, repos, selection, path.join(fx.root, 'state'), { retryBaseMs: 1 }));
  return { fx, store, git, run };
}

describe('a full disk', () => {
  it('from the file system (ENOSPC) stops the run with no repository failed, and the run resumes', async () => {
    const { store, git, run } = await setup();
    const real = createDirectCheckout(git);
    let checkouts = 0;
    const fullAtSecond: RepoCheckout = {
      checkout: (...args) => {
        checkouts += 1;
        if (checkouts < 2) return real.checkout(...args);
        const err: NodeJS.ErrnoException = new Error(`ENOSPC: no space left on device, write`);
        err.code = 'ENOSPC';
        return Promise.reject(err);
      },
    };

    const stopped = await run({ checkouts: fullAtSecond }, { mode: 'new' }).catch((err: unknown) => err);

    expect(stopped).toBeInstanceOf(DiskFull);
    expect((stopped as DiskFull).message).toMatch(/the disk is full: ENOSPC.*\n.*no repository was failed for it.*fleetmod resume /s);
    expect(checkouts).toBe(2);
    const [runRecord] = store.listRuns();
    expect(runRecord).toMatchObject({ status: 'interrupted', statusReason: 'the disk is full' });
    const tasks = store.listTasks(runRecord!.id);
    expect(tasks.filter((t) => t.status === 'done').map((t) => t.outcome)).toEqual(['pushed']);
    expect(tasks.filter((t) => t.status !== 'done')).toHaveLength(4);
    expect(tasks.every((t) => t.retries === 0)).toBe(true);

    const resumed = await run({}, { mode: 'resume', runId: runRecord!.id });
    expect(resumed.counts).toEqual({ pushed: 5 });
  });

  it("from git's stderr (a quota) stops the run the same way", async () => {
    const { store, git, run } = await setup();
    const quotaGit: HostGit = {
      ...git,
      clone: () => Promise.reject(new GitFailed("git clone failed: error: unable to write file .git/objects/pack/x: Disk quota exceeded\nfatal: write error", 'permanent')),
    };

    await expect(run({ git: quotaGit }, { mode: 'new' })).rejects.toThrow(DiskFull);

    const [runRecord] = store.listRuns();
    const tasks = store.listTasks(runRecord!.id);
    expect(tasks.filter((t) => t.outcome !== null)).toEqual([]);
  });

  it('when the sandbox stops a step because the host disk ran under its floor, stops the run the same way (exit 3)', async () => {
    const fx = await jobFixture({ count: 3, concurrency: 1 });
    // A floor no disk can meet: the sandbox stops the first step at once.
    const io = captureIo(fx.root, testEnv({ FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors'), FLEETMOD_MIN_FREE_DISK: '100000GiB' }));

    expect(await cli(io, 'run', fx.job), io.err() + io.out()).toBe(3);

    expect(io.err() + io.out()).toMatch(/host disk nearly full/);
    expect(io.err() + io.out()).not.toMatch(/failed \(permanent\)/);
    expect(await cli(captureIo(fx.root), 'run', fx.job)).toBe(0);
  });

  it("a server that says its own disk is full refuses that repository's push: the repository fails, the run goes on", async () => {
    const { fx, run } = await setup();
    const refusing = fx.repos[0]!.path;
    const hook = path.join(refusing, 'hooks', 'pre-receive');
    await writeFile(hook, '#!/bin/sh\necho "fatal: write error: No space left on device" >&2\nexit 1\n');
    await chmod(hook, 0o755);

    const result = await run({}, { mode: 'new' });

    expect(result.counts).toEqual({ failed: 1, pushed: 4 });
  });

  it('a step that itself fills the disk under the floor fails its repositories; the run goes on (room again once it is gone)', async () => {
    const fx = await jobFixture({ count: 2, concurrency: 1 });
    // The floor sits 500 MiB under what is free now, and the step writes 1 GiB: the step, not the machine, is short
    // (the margin leaves room for what the tests running beside this one write meanwhile).
    const fs = await statfs(fx.root);
    const floorMiB = Math.floor((fs.bavail * fs.bsize) / 2 ** 20) - 500;
    await fx.control('head -c 1024M /dev/zero > filler.bin; sleep 5');
    const io = captureIo(fx.root, testEnv({ FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors'), FLEETMOD_MIN_FREE_DISK: `${floorMiB}MiB` }));

    expect(await cli(io, 'run', fx.job), io.err() + io.out()).toBe(1);

    expect(io.out()).toMatch(/failed \(permanent\).*host disk nearly full/);
    expect(io.out()).toMatch(/2 × step "control" did not finish: host disk nearly full.*\[failed, 2 permanent/);
  });
});
