/**
 * Host git on its own thread, as the built program runs it: every answer and every failure is what host git on the
 * main thread gives (same SHAs, same error classes), the run's stop signal reaches the thread, and the thread never
 * keeps fleetmod alive by itself. The thread needs the built JavaScript, so these tests load it from dist (built
 * first when the sources are newer).
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHostGit, type HostGit, type HostGitOptions } from '../../src/git/host-git.js';
import { BUILT_MAIN, ensureBuilt } from '../support/built-cli.js';
import { branchSha, git } from '../support/git.js';
import { silentGitRemote } from '../support/silent-server.js';
import { tempDir } from '../support/temp.js';

const DIST = path.dirname(path.dirname(BUILT_MAIN));
const THREAD_MODULE = path.join(DIST, 'git', 'thread', 'host-git-thread.js');
const env = { PATH: process.env.PATH, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
const author = { name: 'fleetmod bot', email: 'bot@example.com' };

let createHostGitThread: (options: HostGitOptions) => HostGit;

beforeAll(async () => {
  await ensureBuilt();
  ({ createHostGitThread } = (await import(pathToFileURL(THREAD_MODULE).href)) as { createHostGitThread: typeof createHostGitThread });
}, 120_000);

/** A bare remote with one commit on main. */
async function remote(): Promise<{ root: string; bare: string }> {
  const root = await tempDir('fleetmod-git-thread-');
  const seed = path.join(root, 'seed');
  await mkdir(seed, { recursive: true });
  await git(root, 'init', '-q', '-b', 'main', seed);
  await writeFile(path.join(seed, 'a.js'), 'fetchData();\n');
  await git(seed, 'add', '-A');
  await git(seed, '-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '-qm', 'init');
  const bare = path.join(root, 'remote.git');
  await git(root, 'clone', '-q', '--bare', seed, bare);
  return { root, bare };
}

/** Clone, change, commit and push the same change with `hostGit`; what each step answered. */
async function changeAndPush(hostGit: HostGit, bare: string, work: string, branch: string) {
  const before = await hostGit.remoteState(bare, branch);
  await hostGit.clone(bare, work, 'main');
  const base = await hostGit.headSha(work);
  await writeFile(path.join(work, 'a.js'), 'loadData();\n');
  const diff = await hostGit.worktreeDiff(work);
  const sha = await hostGit.commitDiff(work, { base, diff, branch, message: 'Rename fetchData', author, time: 1_700_000_000_000 });
  const stat = await hostGit.diffStat(work, base, sha);
  const pushed = await hostGit.push(work, bare, branch, sha, { expectedRemoteSha: null });
  // The same commit again, leased on "no such branch": the remote has it already, so nothing is sent or refused.
  const again = await hostGit.push(work, bare, branch, sha, { expectedRemoteSha: null });
  return { before, base, diff, sha, stat, pushed: [pushed, again], after: await hostGit.remoteState(bare, branch) };
}

describe('host git on a thread of its own', () => {
  it('answers exactly as host git on the main thread: same remote state, diff, commit SHA and push', async () => {
    const { root, bare } = await remote();
    const onThread = await changeAndPush(createHostGitThread({ env }), bare, path.join(root, 'thread'), 'fleetmod/thread');
    const onMain = await changeAndPush(createHostGit({ env }), bare, path.join(root, 'main'), 'fleetmod/main');
    expect(onThread.before).toEqual({ ...onMain.before });
    expect(onThread.before.branchSha).toBeNull();
    expect(onThread.base).toBe(onMain.base);
    expect(onThread.diff).toBe(onMain.diff);
    expect(onThread.diff).toContain('+loadData();');
    expect(onThread.sha).toBe(onMain.sha);
    expect(onThread.stat).toEqual({ files: 1, insertions: 1, deletions: 1 });
    expect(onThread.after.branchSha).toBe(onThread.sha);
    expect(await branchSha(bare, 'fleetmod/thread')).toBe(onThread.sha);
    expect(onThread.pushed).toEqual(['pushed', 'up-to-date']);
    expect(onMain.pushed).toEqual(['pushed', 'up-to-date']);
  });

  it('fails with the classes host git fails with: GitFailed and its error class, BranchMoved on a stale lease', async () => {
    const { root, bare } = await remote();
    const onThread = createHostGitThread({ env });
    const onMain = createHostGit({ env });
    const threadError = await onThread.treeSha(bare, 'no-such-rev').catch((err: unknown) => err);
    const mainError = await onMain.treeSha(bare, 'no-such-rev').catch((err: unknown) => err);
    expect(threadError).toBeInstanceOf(Error);
    expect(threadError).toMatchObject({ name: 'GitFailed', errorClass: 'permanent', message: (mainError as Error).message });

    const work = path.join(root, 'work');
    const { base, diff, sha } = await changeAndPush(onThread, bare, work, 'fleetmod/change');
    // Another commit of the change, pushed leased on "the branch does not exist yet": it exists, at `sha`.
    const another = await onThread.commitDiff(work, { base, diff, branch: 'fleetmod/change', message: 'Rename fetchData again', author, time: 1_800_000_000_000 });
    const stale = await onThread.push(work, bare, 'fleetmod/change', another, { expectedRemoteSha: null }).catch((err: unknown) => err);
    expect(stale).toMatchObject({ name: 'BranchMoved', errorClass: 'transient' });
    expect(await branchSha(bare, 'fleetmod/change')).toBe(sha);
  });

  it('stops with the run: once the stop signal fires, a call fails as it does on the main thread and runs no git', async () => {
    const { root, bare } = await remote();
    const stopThread = new AbortController();
    const stopMain = new AbortController();
    const onThread = createHostGitThread({ env, signal: stopThread.signal });
    const onMain = createHostGit({ env, signal: stopMain.signal });
    expect((await onThread.remoteState(bare, null)).defaultBranch).toBe('main');
    stopThread.abort();
    stopMain.abort();
    const threadError = await onThread.clone(bare, path.join(root, 'thread'), 'main').catch((err: unknown) => err);
    const mainError = await onMain.clone(bare, path.join(root, 'main'), 'main').catch((err: unknown) => err);
    expect(mainError).toBeInstanceOf(Error);
    expect(threadError).toMatchObject({ name: (mainError as Error).name, message: (mainError as Error).message });
    await expect(promisify(execFile)('git', ['-C', path.join(root, 'thread'), 'rev-parse', 'HEAD'])).rejects.toThrow();
  });

  it('stops a git in flight when the stop signal fires, as on the main thread', async () => {
    const url = await silentGitRemote();
    const stopped = async (create: (options: HostGitOptions) => HostGit) => {
      const stop = new AbortController();
      const hostGit = create({ env, signal: stop.signal });
      const call = hostGit.remoteState(url, null).then(
        () => new Error('answered'),
        (err: unknown) => err as Error,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      stop.abort();
      const started = Date.now();
      return { error: await call, waitedMs: Date.now() - started };
    };
    const onThread = await stopped(createHostGitThread);
    const onMain = await stopped(createHostGit);
    expect(onMain.error.name).not.toBe('Error');
    expect(onThread.error).toMatchObject({ name: onMain.error.name, message: onMain.error.message });
    // Without ending git's session the call would wait for the silent remote (git-stop.test.ts).
    expect(onThread.waitedMs).toBeLessThan(5_000);
  });

  it('keeps a transient failure transient across the thread (a lost class would read as permanent)', async () => {
    const url = await silentGitRemote();
    // The remote stops sending; git's HTTP helper gives up after a second of it (safe-config.ts keeps the user's value).
    const slow = { ...env, GIT_HTTP_LOW_SPEED_TIME: '1' };
    const onThread = await createHostGitThread({ env: slow }).remoteState(url, null).catch((err: unknown) => err);
    const onMain = await createHostGit({ env: slow }).remoteState(url, null).catch((err: unknown) => err);

    expect(onMain).toMatchObject({ name: 'GitFailed', errorClass: 'transient' });
    expect(onThread).toMatchObject({ name: 'GitFailed', errorClass: 'transient', message: (onMain as Error).message });
  });

  it('keeps the process alive while a call is in flight, and never when none is', async () => {
    const { bare } = await remote();
    const run = async (body: string) => {
      const script = `const { createHostGitThread } = await import(${JSON.stringify(pathToFileURL(THREAD_MODULE).href)});\nconst git = createHostGitThread({ env: process.env });\n${body}`;
      // Without the unref the idle thread would hold the process until this timeout kills it.
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...env }, timeout: 20_000 });
      return stdout;
    };
    expect(await run('console.log("idle");')).toBe('idle\n');
    // When the timer has fired nothing but the call holds the event loop: the process waits for the answer.
    expect(await run(`setTimeout(() => git.remoteState(${JSON.stringify(bare)}, null).then((s) => console.log('answer', s.defaultBranch)), 50);`)).toBe('answer main\n');
  });
});
