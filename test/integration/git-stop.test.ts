/**
 * The run's stop signal ends host git at once, even a git whose HTTP remote stopped answering: stopping git alone is
 * not enough, as git's remote helper (`git-remote-http`) would live on, holding git's output open, until the
 * connection dropped — the call would never return and the stop would wait for it. Both kinds of host git call are
 * covered: the ones spawned directly (git-process.ts) and the ones through simple-git (end-git-sessions.ts).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createHostGit, type HostGit } from '../../src/git/host-git.js';
import { processesMentioning, silentGitRemote } from '../support/silent-server.js';
import { tempDir } from '../support/temp.js';

const env = { PATH: process.env.PATH, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

async function waitFor(what: string, check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('stopping host git', () => {
  const calls: [string, (git: HostGit, url: string) => Promise<unknown>, object][] = [
    ['a direct call (the look at the remote)', (git, url) => git.remoteState(url, null), { name: 'Interrupted' }],
    [
      'a simple-git call (fetching a branch)',
      async (git, url) => {
        const repo = await tempDir();
        execFileSync('git', ['init', '-q', repo]);
        return git.fetchBranch(repo, url, 'main');
      },
      { name: 'GitFailed', message: expect.stringContaining('Abort') },
    ],
  ];

  it.each(calls)('ends %s hanging on a silent remote, and its remote helper, as soon as the stop signal fires', async (_what, call, stoppedWith) => {
    const url = await silentGitRemote();
    const stop = new AbortController();
    const git = createHostGit({ env, signal: stop.signal });
    const settledCall = call(git, url).then(
      () => 'answered',
      (err: unknown) => err,
    );
    // git and its helper both run (the helper is the one holding the connection).
    await waitFor('git and its remote helper', async () => (await processesMentioning(url)).length >= 2);

    stop.abort();
    const settled = await Promise.race([settledCall, new Promise((resolve) => setTimeout(() => resolve('still running'), 5_000))]);

    expect(settled).toMatchObject(stoppedWith);
    await waitFor('no process left on the remote', async () => (await processesMentioning(url)).length === 0, 2_000);
  });

  it('ends, without a stop, a call whose remote stopped sending: a transient failure once the low-speed time has passed', async () => {
    const url = await silentGitRemote();
    // The default is five minutes (safe-config.ts); a user's own setting is kept, as this one is.
    const git = createHostGit({ env: { ...env, GIT_HTTP_LOW_SPEED_TIME: '1' } });

    const settled = await Promise.race([git.remoteState(url, null).catch((err: unknown) => err), new Promise((resolve) => setTimeout(() => resolve('still running'), 10_000))]);

    expect(settled).toMatchObject({ name: 'GitFailed', errorClass: 'transient', message: expect.stringContaining('Operation too slow') });
    expect(await processesMentioning(url)).toEqual([]);
  });
});
