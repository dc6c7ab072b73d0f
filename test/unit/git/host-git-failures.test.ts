import { chmod, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitFailed } from '../../../src/domain/errors.js';
import { createHostGit } from '../../../src/git/host-git.js';
import { tempDir } from '../../support/temp.js';

/** A `git` first on PATH that fails the way a real one does when something outside kills it. */
async function gitThat(script: string): Promise<NodeJS.ProcessEnv> {
  const bin = await tempDir('fleetmod-fakebin-');
  await writeFile(path.join(bin, 'git'), `#!/bin/sh\n${script}\n`);
  await chmod(path.join(bin, 'git'), 0o755);
  return { PATH: `${bin}:${process.env.PATH}`, HOME: process.env.HOME };
}

describe('host git failures are never read as empty success', () => {
  it('a git killed by a signal is a transient failure, not an empty answer', async () => {
    const git = createHostGit({ env: await gitThat('kill -9 $$') });

    const result = await git.remoteDefaultBranch('/nowhere').catch((err: unknown) => err);

    expect(result).toBeInstanceOf(GitFailed);
    expect(result).toMatchObject({ errorClass: 'transient', message: expect.stringContaining('git was killed by a signal') });
  });

  it('a non-zero exit without any message is a failure', async () => {
    const git = createHostGit({ env: await gitThat('exit 3') });

    const result = await git.remoteBranchSha('/nowhere', 'main').catch((err: unknown) => err);

    expect(result).toBeInstanceOf(GitFailed);
    expect((result as GitFailed).message).toContain('git exited with code 3');
    expect((result as GitFailed).errorClass).toBe('permanent');
  });

  it('a git that writes nothing for the timeout is stopped: a transient failure', async () => {
    const git = createHostGit({ env: await gitThat('sleep 10'), timeoutMs: 300 });
    const started = Date.now();

    const result = await git.remoteDefaultBranch('/nowhere').catch((err: unknown) => err);

    expect(result).toBeInstanceOf(GitFailed);
    expect(result).toMatchObject({ errorClass: 'transient', message: expect.stringContaining('timed out after 300 ms without output') });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a git that keeps writing is not stopped, however long it takes in all', async () => {
    const git = createHostGit({
      env: await gitThat(`for i in 1 2 3 4 5 6 7 8; do echo working >&2; sleep 0.1; done\nprintf 'ref: refs/heads/trunk\\tHEAD\\n'`),
      timeoutMs: 300,
    });

    expect(await git.remoteDefaultBranch('/nowhere')).toBe('trunk');
  });
});

describe('a failed clone says why on its first line', () => {
  it('names the cause, not the temporary folder git was cloning into', async () => {
    // A port nothing listens on: the clone fails the way an unreachable host does.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const dest = path.join(await tempDir('fleetmod-clone-'), 'checkout');
    const git = createHostGit({ env: { PATH: process.env.PATH, HOME: process.env.HOME, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });

    const result = await git.clone(`http://127.0.0.1:${port}/team/x.git`, dest, null).catch((err: unknown) => err);

    expect(result).toBeInstanceOf(GitFailed);
    const firstLine = (result as GitFailed).message.split('\n')[0];
    expect(firstLine).not.toContain('Cloning into');
    expect(firstLine).toMatch(/^git clone failed: git exited with code 128: fatal: unable to access/);
    expect((result as GitFailed).errorClass).toBe('transient');
  });
});
