/**
 * A base branch rewritten after fleetmod pushed its change (main amended and force-pushed): the old base commits
 * fleetmod's commit stands on are not a person's edits of its branch, which is moved onto the new base.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo, cli, testEnv } from '../support/cli.js';
import { git } from '../support/git.js';
import { jobFixture } from '../support/job-fixture.js';
import { tempDir } from '../support/temp.js';

describe('a base rewritten under fleetmod’s branch', () => {
  it('is not an edit by a human: the branch is made again on the new base', async () => {
    const fx = await jobFixture({ count: 1, concurrency: 1 });
    const bare = fx.repos[0]!.path;
    const env = testEnv({ FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors') });
    expect(await cli(captureIo(fx.root, env), 'run', fx.job)).toBe(0);
    const clone = path.join(await tempDir(), 'dev');
    await git(path.dirname(clone), 'clone', '-q', bare, clone);
    await writeFile(path.join(clone, 'NOTES.md'), 'amended in\n');
    await git(clone, 'add', 'NOTES.md');
    await git(clone, '-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '-q', '--amend', '-m', 'the same change, and notes');
    await git(clone, 'push', '-q', '--force', 'origin', 'HEAD:main');
    const newBase = (await git(bare, 'rev-parse', 'main')).trim();

    const again = captureIo(fx.root, env);
    expect(await cli(again, 'run', '--new', fx.job)).toBe(0);

    expect(again.out()).not.toMatch(/edited-by-human|edited by a human/);
    expect((await git(bare, 'rev-parse', 'fleetmod/fixture^')).trim()).toBe(newBase);
  });
});
