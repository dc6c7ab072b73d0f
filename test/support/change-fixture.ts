/**
 * A change to commit with host git in real repositories (git-change.test.ts, signed-commits.test.ts): a bare remote
 * with one commit, a clone of it with a change in the worktree, and the same change committed the classic way
 * (`git apply --index`, `git commit`) to compare fleetmod's commit with.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { createHostGit } from '../../src/git/host-git.js';
import { git } from './git.js';
import { tempDir } from './temp.js';

export const hostGit = createHostGit({ env: { PATH: process.env.PATH, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
export const author = { name: 'fleetmod bot', email: 'bot@example.com' };

/** The change: an edit, a new binary file, a mode change. */
export async function makeChange(work: string): Promise<void> {
  await writeFile(path.join(work, 'src', 'a.js'), 'loadData();\n');
  await writeFile(path.join(work, 'src', 'new.bin'), Buffer.from([0, 1, 2, 255, 0, 10]));
  await chmod(path.join(work, 'tool.sh'), 0o755);
}

/** A bare remote with one commit on main, and a fresh clone of it with a change in the worktree. */
export async function remoteWithChange(objectFormat: 'sha1' | 'sha256' = 'sha1') {
  const root = await tempDir('fleetmod-git-change-');
  const seed = path.join(root, 'seed');
  await mkdir(path.join(seed, 'src'), { recursive: true });
  await git(root, 'init', '-q', '-b', 'main', `--object-format=${objectFormat}`, seed);
  await writeFile(path.join(seed, 'src', 'a.js'), 'fetchData();\n');
  await writeFile(path.join(seed, 'tool.sh'), '#!/bin/sh\necho hi\n');
  await git(seed, 'add', '-A');
  await git(seed, '-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '-qm', 'init');
  const bare = path.join(root, 'remote.git');
  await git(root, 'clone', '-q', '--bare', seed, bare);
  const work = path.join(root, 'work');
  await hostGit.clone(bare, work, 'main');
  await makeChange(work);
  return { root, bare, work, base: await hostGit.headSha(work), diff: await hostGit.worktreeDiff(work) };
}

/**
 * The same change committed the classic way in another clone of the remote: apply to the index, `git commit`
 * (`git commit -S` with an SSH key when `signingKey` is given).
 */
export async function classicCommit(root: string, diff: string, message: string, who: typeof author, time: number, signingKey?: string): Promise<string> {
  const other = path.join(root, `classic-${Math.random().toString(36).slice(2)}`);
  await git(root, 'clone', '-q', path.join(root, 'remote.git'), other);
  await writeFile(path.join(root, 'change.patch'), diff);
  await git(other, 'apply', '--index', '--binary', path.join(root, 'change.patch'));
  const date = `${Math.floor(time / 1000)} +0000`;
  const signing = signingKey === undefined ? [] : ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${signingKey}`];
  await promisify(execFile)('git', [...signing, 'commit', '-q', ...(signingKey === undefined ? [] : ['-S']), '--cleanup=whitespace', '-m', message], {
    cwd: other,
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email,
      GIT_AUTHOR_DATE: date, GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email, GIT_COMMITTER_DATE: date },
  });
  return (await git(other, 'rev-parse', 'HEAD')).trim();
}
