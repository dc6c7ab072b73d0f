/**
 * A person (Alice, with her own token and git identity) working on a forge repository through real git: the edits
 * fleetmod must notice and leave alone — her own commit on its branch, an amended fleetmod commit, a new branch —
 * and what she does with its pull requests: close one (declining the change), merge one.
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
  /** Merges the forge's `branch` into the checked-out one with a merge commit (push to publish it). */
  merge(branch: string): Promise<void>;
  /** Deletes `branch` on the forge. */
  deleteRemote(branch: string): Promise<void>;
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
    async merge(branch) {
      await git(dir, ...auth, 'fetch', '--quiet', 'origin', branch);
      await git(dir, ...identity, 'merge', '--quiet', '--no-ff', '-m', `Merge branch '${branch}'`, 'FETCH_HEAD');
    },
    async deleteRemote(branch) {
      await git(dir, ...auth, 'push', '--quiet', 'origin', '--delete', branch);
    },
  };
}

/** Alice closes the PR without merging it, as the website's "Close pull request" does: a PATCH with her token, no comment. */
export async function closePullAsHuman(forge: Forge, fullName: string, number: number, token: string): Promise<void> {
  const response = await fetch(`${forge.apiUrl}/repos/${fullName}/pulls/${number}`, {
    method: 'PATCH',
    headers: { authorization: `token ${token}`, 'content-type': 'application/json', accept: 'application/vnd.github+json' },
    body: JSON.stringify({ state: 'closed' }),
  });
  if (response.status !== 200) throw new Error(`closing ${fullName}#${number} as Alice: ${response.status} ${await response.text()}`);
}

/**
 * Alice merges the PR: its branch is merged into the base with a merge commit, pushed as her, and the PR is then
 * closed and merged, as GitHub records a merge (the forge has no merge endpoint).
 */
export async function mergePullAsHuman(forge: Forge, fullName: string, number: number, token: string): Promise<void> {
  const pull = forge.pulls(fullName).find((p) => p.number === number);
  if (!pull) throw new Error(`${fullName} has no pull request #${number}`);
  const clone = await humanClone(forge, fullName, token, pull.base);
  await clone.merge(pull.headRef);
  await clone.push();
  pull.state = 'closed';
  pull.mergedAt = pull.closedAt = new Date().toISOString();
}

/** The SHA of a branch in the forge's bare repository of `owner/name`. */
export async function forgeBranchSha(forge: Forge, fullName: string, branch: string): Promise<string | null> {
  const [owner, name] = fullName.split('/') as [string, string];
  return branchSha(forge.state.barePath(forge.state.repo(owner, name)!), branch);
}
