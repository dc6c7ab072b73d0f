/** Refs read from the files of real repositories agree with git, and say null whenever the files do not say plainly. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHostGit } from '../../src/git/host-git.js';
import { readHead, readRef } from '../../src/git/read-ref.js';
import { git } from '../support/git.js';
import { tempDir } from '../support/temp.js';

async function repoWithCommits(): Promise<{ dir: string; first: string; second: string }> {
  const dir = path.join(await tempDir(), 'repo');
  await git(path.dirname(dir), 'init', '-q', '-b', 'main', dir);
  const commit = async (file: string) => {
    await writeFile(path.join(dir, file), `${file}\n`);
    await git(dir, 'add', '-A');
    await git(dir, '-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', file);
    return (await git(dir, 'rev-parse', 'HEAD')).trim();
  };
  return { dir, first: await commit('a'), second: await commit('b') };
}

describe('refs read from the files', () => {
  it('agree with git for a loose branch, a packed branch and a detached HEAD', async () => {
    const { dir, first, second } = await repoWithCommits();
    const gitDir = path.join(dir, '.git');
    expect(await readHead(gitDir)).toBe(second);
    expect(await readRef(gitDir, 'refs/heads/main')).toBe(second);

    await git(dir, 'pack-refs', '--all');
    expect(await readRef(gitDir, 'refs/heads/main')).toBe(second);
    expect(await readHead(gitDir)).toBe(second);

    await git(dir, 'checkout', '-q', '--detach', first);
    expect(await readHead(gitDir)).toBe(first);
    expect(await readRef(gitDir, 'refs/heads/nope')).toBeNull();
  });

  it('host git\'s headSha falls back to git where the files do not say (a worktree\'s .git is a file)', async () => {
    const { dir, first } = await repoWithCommits();
    const worktree = path.join(path.dirname(dir), 'wt');
    await git(dir, 'worktree', 'add', '-q', '--detach', worktree, first);
    expect(await readHead(path.join(worktree, '.git'))).toBeNull();

    const hostGit = createHostGit({ env: { PATH: process.env.PATH, HOME: process.env.HOME, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
    expect(await hostGit.headSha(worktree)).toBe(first);
    expect(await hostGit.headSha(dir)).toBe((await git(dir, 'rev-parse', 'HEAD')).trim());
  });
});
