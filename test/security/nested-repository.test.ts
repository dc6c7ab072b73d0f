/**
 * A nested repository in a checkout is the sandbox's: its own config (core.sshCommand, remote.*.receivepack, diff
 * drivers) is code the host must never run. Changes that contain one are refused (diff-safety.ts), whatever a
 * `.gitmodules` says; and host git never enters one either, even when the user's own git config says to recurse
 * into submodules or to show their diffs.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHostGit } from '../../src/git/host-git.js';
import { UnsafeResult, assertSafeDiff } from '../../src/sandbox/shared/diff-safety.js';
import { git } from '../support/git.js';
import { tempDir } from '../support/temp.js';

describe('a nested repository with hostile config', () => {
  it('is not entered by a push, even with the user’s submodule.recurse and push.recurseSubmodules set', async () => {
    const root = await tempDir();
    const canary = path.join(root, 'ssh-command-ran');
    const remote = path.join(root, 'remote.git');
    await git(root, 'init', '-q', '--bare', '-b', 'main', remote);
    const work = path.join(root, 'work');
    await git(root, 'clone', '-q', remote, work);
    await commit(work, 'base', '--allow-empty');
    // What a sandbox can leave in a checkout: a repository with a commit its "remote" lacks, and a command to run.
    const nested = path.join(work, 'leak');
    await git(root, 'init', '-q', '-b', 'main', nested);
    await commit(nested, 'base', '--allow-empty');
    await git(nested, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
    await commit(nested, 'ahead', '--allow-empty');
    await git(nested, 'config', 'remote.origin.url', 'ssh://example.invalid/x');
    await git(nested, 'config', 'core.sshCommand', `touch ${canary}; false`);
    await git(work, 'add', 'leak');
    await commit(work, 'with a gitlink');
    const userConfig = path.join(root, 'gitconfig');
    await writeFile(userConfig, '[submodule]\n\trecurse = true\n[push]\n\trecurseSubmodules = on-demand\n[user]\n\tname = u\n\temail = u@example.com\n');
    const hostGit = createHostGit({ env: { PATH: process.env.PATH, HOME: root, GIT_CONFIG_GLOBAL: userConfig, GIT_CONFIG_NOSYSTEM: '1' } });

    await hostGit.push(work, remote, 'main', (await git(work, 'rev-parse', 'HEAD')).trim(), { expectedRemoteSha: null });

    expect(existsSync(canary)).toBe(false);
    expect(await git(remote, 'ls-tree', 'main', 'leak')).toMatch(/^160000 commit /);
  });

  it('runs none of its diff drivers when the diff is taken, even with the user’s diff.submodule = diff', async () => {
    const root = await tempDir();
    const canary = path.join(root, 'diff-driver-ran');
    const userConfig = path.join(root, 'gitconfig');
    await writeFile(userConfig, '[diff]\n\tsubmodule = diff\n');
    const hostGit = createHostGit({ env: { PATH: process.env.PATH, HOME: root, GIT_CONFIG_GLOBAL: userConfig, GIT_CONFIG_NOSYSTEM: '1' } });
    const work = await checkoutOf(root, hostGit);
    // The sandbox's nested repository: a changed file whose attributes name a driver its own config defines.
    const nested = path.join(work, 'leak');
    await git(root, 'init', '-q', '-b', 'main', nested);
    await writeFile(path.join(nested, 'f.txt'), 'x\n');
    await git(nested, 'add', '-A');
    await commit(nested, 'base');
    await writeFile(path.join(nested, '.gitattributes'), '* diff=evil\n');
    await writeFile(path.join(nested, 'f.txt'), 'y\n');
    for (const key of ['command', 'textconv']) await git(nested, 'config', `diff.evil.${key}`, `touch ${canary}-${key}`);

    const diff = await hostGit.worktreeDiff(work);

    expect(existsSync(`${canary}-command`)).toBe(false);
    expect(existsSync(`${canary}-textconv`)).toBe(false);
    expect(() => assertSafeDiff(diff)).toThrow(UnsafeResult);
  });

  it('is in the diff (and refused) even when the .gitmodules the sandbox wrote tells git to ignore it', async () => {
    const root = await tempDir();
    const hostGit = createHostGit({ env: { PATH: process.env.PATH, HOME: root, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
    const work = await checkoutOf(root, hostGit);
    const nested = path.join(work, 'leak');
    await git(root, 'init', '-q', '-b', 'main', nested);
    await commit(nested, 'base', '--allow-empty');
    await writeFile(path.join(work, '.gitmodules'), '[submodule "leak"]\n\tpath = leak\n\tignore = all\n');

    const diff = await hostGit.worktreeDiff(work);

    // The diff is what is checked and journaled; the commit is made from the tree taken with it, which has the gitlink.
    expect(diff).toContain('Subproject commit');
    expect(() => assertSafeDiff(diff)).toThrow(/nested git repository \(leak/);
  });
});

/** A fleetmod clone (its template and all) of a new repository with one commit, in `root`/work. */
async function checkoutOf(root: string, hostGit: ReturnType<typeof createHostGit>): Promise<string> {
  const seed = path.join(root, 'seed');
  await git(root, 'init', '-q', '-b', 'main', seed);
  await writeFile(path.join(seed, 'a.txt'), 'a\n');
  await git(seed, 'add', '-A');
  await commit(seed, 'base');
  const work = path.join(root, 'work');
  await hostGit.clone(seed, work, 'main');
  return work;
}

function commit(repo: string, message: string, ...flags: string[]): Promise<string> {
  return git(repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', ...flags, '-m', message);
}
