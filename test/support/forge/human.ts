/**
 * A person (Alice, with her own token and git identity) working on a forge repository through real git: the edits
 * fleetmod must notice and leave alone — her own commit on its branch, an amended fleetmod commit, a new branch.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { branchSha, git } from '../git.js';
import { tempDir } from '../temp.js';
import type { Forge } from './forge.js';

export const ALICE = { login: 'alice', name: 'Alice', email: 'alice@example.com' } as const;

export interface HumanClone {
  /** Writes the files and commits them as Alice (`amend`: rewrites the tip instead, keeping its message and author). */
  commit(files: Record<string, string>, message: string, options?: { amend?: boolean }): Promise<void>;
  /** Pushes the checked-out branch to the same name on the forge (`force` after an amend). */
  push(options?: { force?: boolean }): Promise<void>;
  /** Starts a new branch at the current commit. */
  branch(name: string): Promise<void>;
}

/** Clones `owner/name` at `branch` (default: the default branch) as Alice, who must be a forge user with `token`. */
export async function humanClone(forge: Forge, fullName: string, token: string, branch?: string): Promise<HumanClone> {
  const dir = path.join(await tempDir('fleetmod-human-'), 'w');
  const auth = ['-c', `http.extraHeader=Authorization: Basic ${Buffer.from(`${ALICE.login}:${token}`).toString('base64')}`];
  const identity = ['-c', `user.name=${ALICE.name}`, '-c', `user.email=${ALICE.email}`];
  await git(path.dirname(dir), ...auth, 'clone', '--quiet', ...(branch ? ['--branch', branch] : []), `${forge.url}/${fullName}.git`, dir);
  return {
    async commit(files, message, options = {}) {
      for (const [file, content] of Object.entries(files)) await writeFile(path.join(dir, file), content);
      await git(dir, 'add', '-A');
      await git(dir, ...identity, 'commit', '--quiet', '--allow-empty', ...(options.amend ? ['--amend', '--no-edit'] : ['-m', message]));
    },
    async push(options = {}) {
      await git(dir, ...auth, 'push', '--quiet', ...(options.force ? ['--force'] : []), 'origin', 'HEAD');
    },
    async branch(name) {
      await git(dir, 'checkout', '--quiet', '-b', name);
    },
  };
}

/** The SHA of a branch in the forge's bare repository of `owner/name`. */
export async function forgeBranchSha(forge: Forge, fullName: string, branch: string): Promise<string | null> {
  const [owner, name] = fullName.split('/') as [string, string];
  return branchSha(forge.state.barePath(forge.state.repo(owner, name)!), branch);
}
