/**
 * Host git's change path with real repositories: the commit made from a journaled diff is the commit `git commit`
 * makes (same SHA, so journals of earlier versions resume cleanly), and the push stage's lease from the resolve
 * stage never overwrites a branch that appeared or moved in between.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { RepoRef } from '../../src/domain/repo.js';
import { NO_FILTER_ATTRIBUTES } from '../../src/git/clone-template.js';
import { createHostGit } from '../../src/git/host-git.js';
import { createStageLimiters } from '../../src/orchestrator/limiters.js';
import { FLEETMOD_TRAILER } from '../../src/orchestrator/own-commits.js';
import { pushBranch, type PushDeps, type PushInput } from '../../src/orchestrator/push-branch.js';
import { openRunStore } from '../../src/store/open-store.js';
import { createRedactor } from '../../src/util/redact.js';
import { author, classicCommit, hostGit, makeChange, remoteWithChange } from '../support/change-fixture.js';
import { branchSha, git } from '../support/git.js';

function pushDeps(root: string): PushDeps {
  const store = openRunStore(path.join(root, 'journal.db'), createRedactor([]));
  onTestFinished(() => store.close());
  return { git: hostGit, limiters: createStageLimiters({ gitPerHost: 2, sandboxes: 2 }), store };
}

const repo: RepoRef = { key: 'remote', url: 'remote', kind: 'local', owner: 'o', name: 'remote', display: 'o/remote', env: {} };

describe('committing a journaled diff', () => {
  it('makes exactly the commit `git commit --cleanup=whitespace` makes, and leaves the worktree alone', async () => {
    const { root, work, base, diff } = await remoteWithChange();
    const message = '\n\nRename fetchData   \n\n\n\nin  {{ repo }}\t\n\nFleetmod-Job: demo\n\n';
    const time = Date.UTC(2024, 0, 2, 3, 4, 5);
    const status = await git(work, 'status', '--porcelain');

    const sha = await hostGit.commitDiff(work, { base, diff, branch: 'fleetmod/change', message, author, time });

    expect(sha).toBe(await classicCommit(root, diff, message, author, time));
    await git(work, 'fsck', '--strict', '--no-dangling');
    // No branch is moved in the checkout: the push names the commit by its SHA.
    expect(await git(work, 'for-each-ref', 'refs/heads/fleetmod')).toBe('');
    expect(await git(work, 'status', '--porcelain')).toBe(status);
    expect(await readFile(path.join(work, 'src', 'a.js'), 'utf8')).toBe('loadData();\n');
    expect(await git(work, 'ls-tree', sha, 'tool.sh')).toMatch(/^100755 /);
  });

  it('a change to text that is not UTF-8 (Latin-1) is kept byte for byte: its diff applies anywhere to the same commit', async () => {
    const { root, bare, work, base } = await remoteWithChange();
    await writeFile(path.join(work, 'src', 'a.js'), Buffer.from('// caf\xe9\nloadData();\n', 'latin1'));
    await writeFile(path.join(work, 'menu.txt'), Buffer.from('cr\xe8me br\xfbl\xe9e\n', 'latin1'));
    const attributes = path.join(work, '.git', 'info', 'attributes');
    const attributesBefore = await readFile(attributes, 'utf8');
    const diff = await hostGit.worktreeDiff(work);
    const request = { base, diff, branch: 'fleetmod/change', message: 'Latin-1\n', author, time: Date.UTC(2024, 0, 2) };

    const sha = await hostGit.commitDiff(work, request);
    const other = path.join(root, 'other');
    await hostGit.clone(bare, other, 'main');

    expect(diff).not.toContain('\ufffd');
    expect(diff).toContain('GIT binary patch');
    expect(await hostGit.commitDiff(other, request)).toBe(sha);
    const blob = await promisify(execFile)('git', ['cat-file', 'blob', `${sha}:menu.txt`], { cwd: work, encoding: 'buffer' });
    expect(blob.stdout).toEqual(Buffer.from('cr\xe8me br\xfbl\xe9e\n', 'latin1'));
    // The checkout's own .git is as it was: the attributes that made every diff binary are gone again, and the
    // clone's own (clone-template.ts) are there as before.
    expect(await readFile(attributes, 'utf8')).toBe(attributesBefore);
    expect(attributesBefore).toBe(NO_FILTER_ATTRIBUTES);
  });

  it('makes the same commit from the tree the diff was taken to as from the diff alone, in any checkout of the base', async () => {
    const { root, bare, work, base, diff } = await remoteWithChange();
    const request = { base, diff, branch: 'fleetmod/change', message: 'Rename\n\nFleetmod-Job: demo\n', author, time: Date.UTC(2024, 0, 2) };
    // Where the diff was just taken: its tree is there already.
    const sha = await hostGit.commitDiff(work, request);

    // Another checkout of the base (a resumed run's): only the diff.
    const other = path.join(root, 'other');
    await hostGit.clone(bare, other, 'main');
    expect(await hostGit.commitDiff(other, request)).toBe(sha);

    // The diff's checkout made again in the same folder (a retried task's): the tree it was taken to is gone.
    const again = path.join(root, 'again');
    await hostGit.clone(bare, again, 'main');
    await makeChange(again);
    expect(await hostGit.worktreeDiff(again)).toBe(diff);
    await rm(again, { recursive: true, force: true });
    await hostGit.clone(bare, again, 'main');
    expect(await hostGit.commitDiff(again, request)).toBe(sha);
    expect((await git(again, 'cat-file', '-t', sha)).trim()).toBe('commit');
  });

  it('commits a diff taken in the same checkout again on the tree it was taken to, and any other diff from the diff', async () => {
    const { work, base, diff } = await remoteWithChange();
    await writeFile(path.join(work, 'later.txt'), 'added after the diff\n');
    const request = { base, diff, branch: 'fleetmod/change', message: 'Rename\n', author, time: Date.UTC(2024, 0, 2) };

    const sha = await hostGit.commitDiff(work, request);

    // The worktree changed after the diff was taken; the commit is still of the diff, not of the worktree.
    expect(await git(work, 'ls-tree', '--name-only', sha)).not.toMatch(/later\.txt/);
    const other = await hostGit.worktreeDiff(work);
    expect(other).toMatch(/later\.txt/);
    const second = await hostGit.commitDiff(work, { ...request, diff: other, branch: 'fleetmod/second' });
    expect(await git(work, 'ls-tree', '--name-only', second)).toMatch(/later\.txt/);
  });
});

describe('the commit object', () => {
  it('is written by fleetmod without starting a process when the diff was just taken in the checkout', async () => {
    const { root, work, base, diff } = await remoteWithChange();
    // A git first on PATH that notes every start and then runs the real one.
    const bin = path.join(root, 'bin');
    const started = path.join(root, 'started.log');
    await mkdir(bin);
    const realGit = (await promisify(execFile)('sh', ['-c', 'command -v git'])).stdout.trim();
    await writeFile(path.join(bin, 'git'), `#!/bin/sh\necho "$*" >> '${started}'\nexec '${realGit}' "$@"\n`, { mode: 0o755 });
    const noting = createHostGit({ env: { PATH: `${bin}:${process.env.PATH}`, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
    await makeChange(work);
    const taken = await noting.worktreeDiff(work);
    expect(taken).toBe(diff);
    const before = await readFile(started, 'utf8');
    const message = 'Rename\n\nFleetmod-Job: demo\n';
    const time = Date.UTC(2024, 0, 2);

    const sha = await noting.commitDiff(work, { base, diff, branch: 'fleetmod/change', message, author, time });

    expect(await readFile(started, 'utf8')).toBe(before);
    expect(sha).toBe(await classicCommit(root, diff, message, author, time));
  });

  it('made again in the same checkout is the same object, kept as it was, with no temporary file left', async () => {
    const { work, base, diff } = await remoteWithChange();
    const request = { base, diff, branch: 'fleetmod/change', message: 'Rename\n', author, time: Date.UTC(2024, 0, 2) };
    const sha = await hostGit.commitDiff(work, request);
    const object = path.join(work, '.git', 'objects', sha.slice(0, 2), sha.slice(2));
    const first = await stat(object);

    expect(await hostGit.commitDiff(work, request)).toBe(sha);

    expect((await stat(object)).ino).toBe(first.ino);
    expect((await readdir(path.dirname(object))).filter((name) => name.startsWith('tmp_obj'))).toEqual([]);
  });

  it('is the commit `git commit` makes in a SHA-256 repository', async () => {
    const { root, work, base, diff } = await remoteWithChange('sha256');
    const message = 'Rename\n\nFleetmod-Job: demo\n';
    const time = Date.UTC(2024, 0, 2);

    const sha = await hostGit.commitDiff(work, { base, diff, branch: 'fleetmod/change', message, author, time });

    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    expect(sha).toBe(await classicCommit(root, diff, message, author, time));
    await git(work, 'fsck', '--strict', '--no-dangling');
  });

  it('is refused, as git refuses it, when the message has a NUL byte', async () => {
    const { work, base, diff } = await remoteWithChange();
    const request = { base, diff, branch: 'fleetmod/change', message: 'Rename\0 and more\n', author, time: Date.UTC(2024, 0, 2) };

    await expect(hostGit.commitDiff(work, request)).rejects.toThrow(/NUL byte in commit log message/);
  });

  it('is left to git for an identity git rewrites (crud at an edge), and is still the commit `git commit` makes', async () => {
    const { root, work, base, diff } = await remoteWithChange();
    const message = 'Rename\n';
    const time = Date.UTC(2024, 0, 2);
    for (const who of [{ name: 'Acme Inc.', email: 'bot@example.com' }, { name: '"Quoted" Bot', email: 'bot@example.com;' }]) {
      const sha = await hostGit.commitDiff(work, { base, diff, branch: 'fleetmod/change', message, author: who, time });
      expect(sha).toBe(await classicCommit(root, diff, message, who, time));
    }
  });
});

describe('the push lease from the resolve stage', () => {
  async function committed() {
    const change = await remoteWithChange();
    const headSha = await hostGit.commitDiff(change.work, {
      base: change.base,
      diff: change.diff,
      branch: 'fleetmod/change',
      message: `Rename\n\n${FLEETMOD_TRAILER}: demo\n`,
      author,
      time: Date.UTC(2024, 0, 2),
    });
    const lines: string[] = [];
    const input: PushInput = {
      task: { id: 1, repo: { ...repo, url: change.bare } },
      log: { line: (text) => lines.push(text) },
      workdir: change.work,
      info: { defaultBranch: 'main', pushUrl: change.bare, headOwner: 'o' },
      branch: 'fleetmod/change',
      baseSha: change.base,
      headSha,
      auth: undefined,
      seenSha: null,
      owner: { jobName: 'demo', identity: author },
      signed: false,
      beforeWrite: () => undefined,
    };
    return { ...change, headSha, input, lines };
  }

  /** Someone (a developer, or fleetmod's identity) pushes `message` onto the branch (created from main) after the task looked. */
  async function pushMeanwhile(root: string, bare: string, message: string, who = { name: 'Dev', email: 'dev@example.com' }): Promise<string> {
    const dir = path.join(root, `meanwhile-${Math.random().toString(36).slice(2)}`);
    await git(root, 'clone', '-q', bare, dir);
    await writeFile(path.join(dir, 'NOTES.md'), `${message}\n`);
    await git(dir, 'add', '-A');
    await git(dir, '-c', `user.name=${who.name}`, '-c', `user.email=${who.email}`, 'commit', '-qm', message);
    await git(dir, 'push', '-q', 'origin', 'HEAD:refs/heads/fleetmod/change');
    return (await git(dir, 'rev-parse', 'HEAD')).trim();
  }

  it('pushes a new branch when it is still absent', async () => {
    const { root, bare, headSha, input } = await committed();

    expect(await pushBranch(pushDeps(root), input)).toBe('pushed');

    expect(await branchSha(bare, 'fleetmod/change')).toBe(headSha);
  });

  it('a branch a human created after the task looked is refused by the lease, looked at again and left alone', async () => {
    const { root, bare, input, lines } = await committed();
    const human = await pushMeanwhile(root, bare, 'human edit');

    expect(await pushBranch(pushDeps(root), input)).toBe('edited-by-human');

    expect(await branchSha(bare, 'fleetmod/change')).toBe(human);
    expect(lines[0]).toMatch(/moved since it was looked at/);
  });

  it('a branch another fleetmod run of the job moved meanwhile is updated with a lease on where it is now', async () => {
    const { root, bare, headSha, input } = await committed();
    await pushMeanwhile(root, bare, `other run\n\n${FLEETMOD_TRAILER}: demo`, author);

    expect(await pushBranch(pushDeps(root), input)).toBe('pushed');

    expect(await branchSha(bare, 'fleetmod/change')).toBe(headSha);
  });

  it('a commit with the job trailer that a human made (amending fleetmod\'s, which keeps its message) is left alone', async () => {
    const { root, bare, input } = await committed();
    const human = await pushMeanwhile(root, bare, `amended\n\n${FLEETMOD_TRAILER}: demo`);

    expect(await pushBranch(pushDeps(root), input)).toBe('edited-by-human');

    expect(await branchSha(bare, 'fleetmod/change')).toBe(human);
  });
});
