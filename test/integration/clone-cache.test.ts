import { execFile, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createHostGit } from '../../src/git/host-git.js';
import { createMirrorCache, MIRROR_PARTIAL_PREFIX, mirrorPath } from '../../src/git/mirror-cache.js';
import { captureIo, cli } from '../support/cli.js';
import { demoFixture } from '../support/demo-fixture.js';
import { attributesOf, canSetAttributes } from '../support/file-attributes.js';
import { branchSha, git } from '../support/git.js';

const run = promisify(execFile);

async function objectsOf(mirror: string): Promise<string[]> {
  const packs = (await readdir(path.join(mirror, 'objects', 'pack'))).filter((f) => f.endsWith('.pack')).sort();
  const { stdout } = await run('git', ['count-objects', '-v'], { cwd: mirror });
  const loose = /^count: (\d+)$/m.exec(stdout)?.[1];
  return [...packs, `loose:${loose}`];
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** The pid of a process that has just ended. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((resolve) => child.on('close', resolve));
  return child.pid as number;
}

/** One sample repository on this machine, as a run's RepoRef, with host git and a cache folder for it. */
async function oneLocalRepo() {
  const demo = await demoFixture(1);
  const hostGit = createHostGit({ env: { PATH: process.env.PATH, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
  const remote = demo.repos[0]!;
  const repo = { key: remote.path, url: remote.path, kind: 'local' as const, owner: 'demo', name: remote.name, display: remote.name, env: {} };
  return { demo, cacheDir: path.join(demo.root, 'cache'), hostGit, remote, repo };
}

describe('clone cache', () => {
  it('a second run over a warm cache downloads no objects for unchanged repos, and only new ones for a changed repo', async () => {
    const demo = await demoFixture(4);
    const cacheDir = path.join(demo.root, 'cache');
    const first = captureIo(demo.root);
    expect(await cli(first, 'run', '--cache-dir', cacheDir, demo.job), first.err()).toBe(0);
    const mirrors = demo.repos.map((r) => mirrorPath(cacheDir, { key: r.path, name: r.name }));
    // Mirrors and checkouts are spread over the disk (spread-subdirectories.ts), where the filesystem can.
    if (canSetAttributes(cacheDir)) {
      const runs = path.join(demo.root, '.fleetmod', 'runs');
      const [runId] = await readdir(runs);
      expect(attributesOf(cacheDir)).toContain('T');
      expect(attributesOf(path.join(runs, runId as string, 'work'))).toContain('T');
    }
    const before = await Promise.all(mirrors.map(objectsOf));

    // Someone commits to service-02's main between the runs.
    const work = path.join(demo.root, 'work-02');
    await git(demo.root, 'clone', '--quiet', demo.repos[1]!.path, work);
    await writeFile(path.join(work, 'NOTICE'), 'upstream change\n');
    await git(work, 'add', 'NOTICE');
    await git(work, '-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '--quiet', '-m', 'upstream change');
    await git(work, 'push', '--quiet', 'origin', 'main');

    const second = captureIo(demo.root);
    expect(await cli(second, 'run', '--new', '--cache-dir', cacheDir, demo.job), second.err()).toBe(0);
    const after = await Promise.all(mirrors.map(objectsOf));

    expect(after[0]).toEqual(before[0]);
    expect(after[2]).toEqual(before[2]);
    expect(after[3]).toEqual(before[3]);
    expect(after[1]).not.toEqual(before[1]);
    const upstream = (await git(demo.repos[1]!.path, 'rev-parse', 'main')).trim();
    expect((await git(mirrors[1]!, 'rev-parse', 'main')).trim()).toBe(upstream);
    // The second run's change for service-02 is based on the new upstream commit.
    expect((await git(demo.repos[1]!.path, 'rev-parse', 'fleetmod/demo-rename-fetchdata~1')).trim()).toBe(upstream);
  });

  it('a checkout whose base the remote reports where the mirror has it asks the remote nothing; any other base is fetched', async () => {
    const { demo, cacheDir, hostGit, remote, repo } = await oneLocalRepo();
    const cache = createMirrorCache({ git: hostGit, dir: cacheDir });
    const tip = (await git(remote.path, 'rev-parse', 'main')).trim();
    await cache.checkout(repo, 'main', path.join(demo.root, 'first'));

    // The remote is gone: only a checkout that needs no fetch can work now.
    await rename(remote.path, `${remote.path}.away`);
    await cache.checkout(repo, 'main', path.join(demo.root, 'second'), undefined, tip);
    expect((await git(path.join(demo.root, 'second'), 'rev-parse', 'HEAD')).trim()).toBe(tip);
    await expect(cache.checkout(repo, 'main', path.join(demo.root, 'third'), undefined, '0'.repeat(40))).rejects.toThrow();
    await expect(cache.checkout(repo, 'main', path.join(demo.root, 'fourth'))).rejects.toThrow();
  });

  it('checkouts share no inode with the mirror (a sandbox cannot corrupt the cache)', async () => {
    const demo = await demoFixture(1);
    const cacheDir = path.join(demo.root, 'cache');
    const io = captureIo(demo.root);

    expect(await cli(io, 'run', '--keep-workdirs', '--cache-dir', cacheDir, demo.job), io.err()).toBe(0);

    const mirror = mirrorPath(cacheDir, { key: demo.repos[0]!.path, name: demo.repos[0]!.name });
    const runs = await readdir(path.join(demo.root, '.fleetmod', 'runs'));
    // The checkouts of the run's process are in a folder of its own (work-folder.ts).
    const runWork = path.join(demo.root, '.fleetmod', 'runs', runs[0]!, 'work');
    const work = path.join(runWork, (await readdir(runWork))[0]!);
    const checkout = path.join(work, (await readdir(work))[0]!);
    const mirrorObjects = await filesUnder(path.join(mirror, 'objects'));
    const checkoutObjects = await filesUnder(path.join(checkout, '.git', 'objects'));
    const mirrorInodes = new Set(await Promise.all(mirrorObjects.map(async (f) => (await stat(f)).ino)));
    const checkoutInodes = await Promise.all(checkoutObjects.map(async (f) => (await stat(f)).ino));
    expect(checkoutObjects.length).toBeGreaterThan(0);
    expect(checkoutInodes.filter((ino) => mirrorInodes.has(ino))).toEqual([]);
  });

  it('--no-cache clones straight from the remote and leaves the cache alone', async () => {
    const demo = await demoFixture(1);
    const cacheDir = path.join(demo.root, 'cache');
    const io = captureIo(demo.root);

    expect(await cli(io, 'run', '--no-cache', '--cache-dir', cacheDir, demo.job), io.err()).toBe(0);

    await expect(stat(cacheDir)).rejects.toThrow(/ENOENT/);
  });

  it('a new mirror is made whole or not at all: what a killed fleetmod left is removed, and two caches making it at once both get it', async () => {
    const { demo, cacheDir, hostGit, remote, repo } = await oneLocalRepo();
    const mirror = mirrorPath(cacheDir, repo);
    // A killed fleetmod's clone in progress, and an older version's half-made mirror (a folder without HEAD).
    const killed = path.join(cacheDir, `${MIRROR_PARTIAL_PREFIX}${await deadPid()}-AbC123`);
    await mkdir(path.join(killed, 'objects'), { recursive: true });
    await mkdir(path.join(mirror, 'objects'), { recursive: true });

    const caches = [createMirrorCache({ git: hostGit, dir: cacheDir }), createMirrorCache({ git: hostGit, dir: cacheDir })];
    await Promise.all(caches.map((cache, i) => cache.checkout(repo, 'main', path.join(demo.root, `checkout-${i}`))));

    const tip = (await git(remote.path, 'rev-parse', 'main')).trim();
    for (const i of [0, 1]) expect((await git(path.join(demo.root, `checkout-${i}`), 'rev-parse', 'HEAD')).trim()).toBe(tip);
    expect((await git(mirror, 'rev-parse', 'refs/heads/main')).trim()).toBe(tip);
    expect((await git(mirror, 'rev-parse', '--is-bare-repository')).trim()).toBe('true');
    expect(existsSync(killed)).toBe(false);
    expect((await readdir(cacheDir)).filter((name) => name.startsWith(MIRROR_PARTIAL_PREFIX))).toEqual([]);
  });

  it('a mirror of a repository on this machine shares no inode with it', async () => {
    const { demo, cacheDir, hostGit, remote, repo } = await oneLocalRepo();
    // Packed, so the source has object files a clone could hard-link.
    await git(remote.path, 'gc', '--quiet');

    await createMirrorCache({ git: hostGit, dir: cacheDir }).checkout(repo, 'main', path.join(demo.root, 'checkout'));

    const sourceInodes = new Set(await Promise.all((await filesUnder(path.join(remote.path, 'objects'))).map(async (f) => (await stat(f)).ino)));
    const mirrorObjects = await filesUnder(path.join(mirrorPath(cacheDir, repo), 'objects'));
    expect(mirrorObjects.length).toBeGreaterThan(0);
    expect((await Promise.all(mirrorObjects.map(async (f) => (await stat(f)).ino))).filter((ino) => sourceInodes.has(ino))).toEqual([]);
  });

  it('the first look at a repository makes its copy and says its default branch; later looks leave it to the remote', async () => {
    const { demo, cacheDir, hostGit, remote, repo } = await oneLocalRepo();
    const cache = createMirrorCache({ git: hostGit, dir: cacheDir });
    const tip = (await git(remote.path, 'rev-parse', 'main')).trim();

    expect(await cache.firstLook!(repo)).toEqual({ defaultBranch: 'main', defaultBranchSha: tip });
    expect(await cache.firstLook!(repo)).toBeNull();
    // The copy serves checkouts without asking the remote again.
    await rename(remote.path, `${remote.path}.away`);
    await cache.checkout(repo, 'main', path.join(demo.root, 'checkout'), undefined, tip);
    expect((await git(path.join(demo.root, 'checkout'), 'rev-parse', 'HEAD')).trim()).toBe(tip);

    const empty = path.join(demo.root, 'empty.git');
    await git(demo.root, 'init', '--quiet', '--bare', empty);
    const emptyRepo = { ...repo, key: empty, url: empty, name: 'empty', display: 'empty' };
    expect(await cache.firstLook!(emptyRepo)).toEqual({ defaultBranch: null, defaultBranchSha: null });
  });

  it('a new mirror is made with the checkout: one clone from the remote, the mirror a bare copy of its objects that later runs fetch into and clone from', async () => {
    const { demo, cacheDir, hostGit, remote, repo } = await oneLocalRepo();
    const clones: string[] = [];
    const counting = { ...hostGit, clone: (...args: Parameters<typeof hostGit.clone>) => (clones.push(args[0]), hostGit.clone(...args)) };
    const cache = createMirrorCache({ git: counting, dir: cacheDir });
    const tip = (await git(remote.path, 'rev-parse', 'main')).trim();
    const mirror = mirrorPath(cacheDir, repo);

    expect(await cache.firstLook!(repo)).toEqual({ defaultBranch: 'main', defaultBranchSha: tip });
    const first = path.join(demo.root, 'first');
    await cache.checkout(repo, 'main', first, undefined, tip);

    expect(clones).toEqual([remote.path]);
    expect((await git(first, 'rev-parse', 'HEAD')).trim()).toBe(tip);
    expect(await git(first, 'status', '--porcelain')).toBe('');
    expect((await readdir(cacheDir)).filter((name) => name.startsWith(MIRROR_PARTIAL_PREFIX))).toEqual([]);
    // The mirror: bare, whole, HEAD and the branch where the remote has them, sharing no inode with the checkout.
    expect((await git(mirror, 'rev-parse', '--is-bare-repository')).trim()).toBe('true');
    expect((await git(mirror, 'symbolic-ref', 'HEAD')).trim()).toBe('refs/heads/main');
    expect((await git(mirror, 'rev-parse', 'refs/heads/main')).trim()).toBe(tip);
    await git(mirror, 'fsck', '--strict', '--no-dangling');
    const mirrorInodes = new Set(await Promise.all((await filesUnder(path.join(mirror, 'objects'))).map(async (f) => (await stat(f)).ino)));
    const checkoutInodes = await Promise.all((await filesUnder(path.join(first, '.git', 'objects'))).map(async (f) => (await stat(f)).ino));
    expect(checkoutInodes.filter((ino) => mirrorInodes.has(ino))).toEqual([]);

    // Upstream moves on: the next checkout fetches into the mirror and clones from it.
    const work = path.join(demo.root, 'upstream');
    await git(demo.root, 'clone', '--quiet', remote.path, work);
    await writeFile(path.join(work, 'NOTICE'), 'moved on\n');
    await git(work, 'add', 'NOTICE');
    await git(work, '-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '--quiet', '-m', 'upstream change');
    await git(work, 'push', '--quiet', 'origin', 'main');
    const moved = (await git(remote.path, 'rev-parse', 'main')).trim();
    const second = path.join(demo.root, 'second');
    await cache.checkout(repo, 'main', second, undefined, moved);

    expect(clones).toEqual([remote.path, mirror]);
    expect((await git(second, 'rev-parse', 'HEAD')).trim()).toBe(moved);
    await git(mirror, 'fsck', '--strict', '--no-dangling');
  });

  it('a checkout staged with a new mirror that no checkout takes is removed when its task ends, and one of another base is not used', async () => {
    const { demo, cacheDir, hostGit, remote, repo } = await oneLocalRepo();
    await git(remote.path, 'branch', 'release', 'main~1');
    const release = (await git(remote.path, 'rev-parse', 'release')).trim();
    const partials = async () => (await readdir(cacheDir)).filter((name) => name.startsWith(MIRROR_PARTIAL_PREFIX));

    const skipped = createMirrorCache({ git: hostGit, dir: cacheDir });
    await skipped.firstLook!(repo);
    expect(await partials()).toHaveLength(1);
    await skipped.release!(repo);
    expect(await partials()).toEqual([]);

    await rm(cacheDir, { recursive: true });
    const other = createMirrorCache({ git: hostGit, dir: cacheDir });
    await other.firstLook!(repo);
    const dest = path.join(demo.root, 'release');
    await other.checkout(repo, 'release', dest);
    expect((await git(dest, 'rev-parse', 'HEAD')).trim()).toBe(release);
    expect((await git(dest, 'rev-parse', '--abbrev-ref', 'HEAD')).trim()).toBe('release');
    // The default branch's checkout is still there for a checkout of that branch, until the task ends.
    expect(await partials()).toHaveLength(1);
    await other.release!(repo);
    expect(await partials()).toEqual([]);
  });

  it('two bases of one repository checked out at once on a cold cache both get theirs, from one mirror', async () => {
    const { demo, cacheDir, hostGit, remote, repo } = await oneLocalRepo();
    await git(remote.path, 'branch', 'release', 'main~1');
    const cache = createMirrorCache({ git: hostGit, dir: cacheDir });
    const bases = ['main', 'release', 'main', 'release'];

    await Promise.all(bases.map((base, i) => cache.checkout(repo, base, path.join(demo.root, `checkout-${i}`))));
    await cache.release!(repo);

    for (const [i, base] of bases.entries()) {
      expect((await git(path.join(demo.root, `checkout-${i}`), 'rev-parse', 'HEAD')).trim()).toBe((await git(remote.path, 'rev-parse', base)).trim());
    }
    const mirror = mirrorPath(cacheDir, repo);
    for (const base of ['main', 'release']) expect(await branchSha(mirror, base)).toBe((await git(remote.path, 'rev-parse', base)).trim());
    await git(mirror, 'fsck', '--strict', '--no-dangling');
    expect((await readdir(cacheDir)).filter((name) => name.startsWith(MIRROR_PARTIAL_PREFIX))).toEqual([]);
  });

  // Needs a cache on another filesystem than the checkouts: /dev/shm (tmpfs) against the system's temporary folder,
  // as on Linux machines and CI containers; skipped where both are one filesystem.
  const shm = '/dev/shm';
  const otherFilesystem = existsSync(shm) && statSync(shm).dev !== statSync(os.tmpdir()).dev;
  it.skipIf(!otherFilesystem)('checkouts on another filesystem than the cache are cloned from the mirror, and later mirrors are bare clones again (runs where /dev/shm is another filesystem than the temporary folder, as on Linux and in CI)', async () => {
    const demo = await demoFixture(2);
    const hostGit = createHostGit({ env: { PATH: process.env.PATH, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
    const cacheDir = await mkdtemp(path.join(shm, 'fleetmod-cache-test-'));
    try {
      const clones: { url: string; bare: boolean }[] = [];
      const counting = {
        ...hostGit,
        clone: (...args: Parameters<typeof hostGit.clone>) => (clones.push({ url: args[0], bare: args[3]?.bare === true }), hostGit.clone(...args)),
      };
      const cache = createMirrorCache({ git: counting, dir: cacheDir });
      const repos = demo.repos.map((remote) => ({ key: remote.path, url: remote.path, kind: 'local' as const, owner: 'demo', name: remote.name, display: remote.name, env: {} }));

      for (const [i, repo] of repos.entries()) {
        const tip = (await git(repo.url, 'rev-parse', 'main')).trim();
        expect(await cache.firstLook!(repo)).toEqual({ defaultBranch: 'main', defaultBranchSha: tip });
        const dest = path.join(demo.root, `checkout-${i}`);
        await cache.checkout(repo, 'main', dest, undefined, tip);
        expect((await git(dest, 'rev-parse', 'HEAD')).trim()).toBe(tip);
        expect((await git(mirrorPath(cacheDir, repo), 'rev-parse', 'refs/heads/main')).trim()).toBe(tip);
      }

      const mirrors = repos.map((repo) => mirrorPath(cacheDir, repo));
      expect(clones).toEqual([
        { url: repos[0]!.url, bare: false },
        { url: mirrors[0], bare: false },
        { url: repos[1]!.url, bare: true },
        { url: mirrors[1], bare: false },
      ]);
      expect((await readdir(cacheDir)).filter((name) => name.startsWith(MIRROR_PARTIAL_PREFIX))).toEqual([]);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it('a repository in SHA-256 gets a mirror in SHA-256', async () => {
    const { demo, cacheDir, hostGit, repo } = await oneLocalRepo();
    const source = path.join(demo.root, 'sha256-work');
    await git(demo.root, 'init', '--quiet', '--object-format=sha256', '--initial-branch=main', source);
    await writeFile(path.join(source, 'README.md'), 'hello\n');
    await git(source, 'add', 'README.md');
    await git(source, '-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '--quiet', '-m', 'first');
    const remote = path.join(demo.root, 'sha256.git');
    await git(demo.root, 'clone', '--quiet', '--bare', source, remote);
    const sha256Repo = { ...repo, key: remote, url: remote, name: 'sha256', display: 'sha256' };
    const cache = createMirrorCache({ git: hostGit, dir: cacheDir });

    const head = await cache.firstLook!(sha256Repo);
    await cache.checkout(sha256Repo, 'main', path.join(demo.root, 'checkout'));

    const mirror = mirrorPath(cacheDir, sha256Repo);
    expect(head?.defaultBranchSha).toMatch(/^[0-9a-f]{64}$/);
    expect((await git(mirror, 'rev-parse', '--show-object-format')).trim()).toBe('sha256');
    expect((await git(mirror, 'rev-parse', 'refs/heads/main')).trim()).toBe(head?.defaultBranchSha);
    await git(mirror, 'fsck', '--strict', '--no-dangling');
  });

  it('a cache folder that could not be made is tried again by the next checkout', async () => {
    const { demo, hostGit, repo } = await oneLocalRepo();
    const blocked = path.join(demo.root, 'blocked');
    await writeFile(blocked, 'a file where the cache folder should be');
    const cache = createMirrorCache({ git: hostGit, dir: path.join(blocked, 'cache') });

    await expect(cache.checkout(repo, 'main', path.join(demo.root, 'first'))).rejects.toThrow(/ENOTDIR|EEXIST/);
    await rm(blocked);
    await cache.checkout(repo, 'main', path.join(demo.root, 'second'));

    expect(existsSync(path.join(demo.root, 'second', '.git'))).toBe(true);
  });
});
