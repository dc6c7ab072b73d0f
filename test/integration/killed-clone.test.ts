/**
 * Host git runs in a session of its own, so a fleetmod killed with SIGKILL leaves the git it was running behind, and
 * that git goes on. A clone it had started must not land in the checkout of the fleetmod that resumes the run (a
 * service manager restarts it at once): the resumed repository would fail with "destination path already exists".
 */
import { execFileSync } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ensureBuilt, startCli } from '../support/built-cli.js';
import { captureIo, cli, testEnv } from '../support/cli.js';
import { branchSha } from '../support/git.js';
import { jobFixture } from '../support/job-fixture.js';

/** A `git` first on PATH whose clones take two seconds to start: long enough to kill fleetmod in the middle of one. */
async function slowCloneGit(dir: string): Promise<string> {
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  await writeFile(path.join(dir, 'git'), `#!/bin/sh\nif [ "$1" = clone ]; then sleep 2; fi\nexec ${real} "$@"\n`);
  await chmod(path.join(dir, 'git'), 0o755);
  return dir;
}

describe('a run killed with SIGKILL in the middle of a clone', () => {
  it('is resumed at once without the killed process\'s clone getting in the way', { timeout: 120_000 }, async () => {
    await ensureBuilt();
    const fx = await jobFixture({ count: 2, concurrency: 2 });
    const bin = await slowCloneGit(path.join(fx.root, 'jobs'));
    const env = testEnv({ PATH: `${bin}:${process.env.PATH}` });

    const first = startCli(fx.root, env, 'run', '--no-cache', '--json', fx.job);
    onTestFinished(() => void first.child.kill('SIGKILL'));
    for (let waited = 0; (first.output().match(/"stage":"clone"/g) ?? []).length < 2; waited += 20) {
      if (waited > 60_000) throw new Error(`the first run never reached its clones:\n${first.output()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    first.child.kill('SIGKILL');
    await first.exited;

    const resumed = captureIo(fx.root, env);
    expect(await cli(resumed, 'run', '--no-cache', fx.job), resumed.out()).toBe(0);

    const db = new Database(path.join(fx.root, '.fleetmod', 'fleetmod.db'), { readonly: true });
    const tasks = db.prepare('SELECT status, outcome FROM tasks').all();
    db.close();
    expect(tasks).toEqual([
      { status: 'done', outcome: 'pushed' },
      { status: 'done', outcome: 'pushed' },
    ]);
    for (const repo of fx.repos) expect(await branchSha(repo.path, 'fleetmod/fixture')).not.toBeNull();
  });
});
