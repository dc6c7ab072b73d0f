/**
 * A branch template validate accepted can still render a name git refuses for one repository (its name starts
 * with a dot, ends in .lock…): that repository fails with the reason, before anything is pushed; the others run.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo, cli, testEnv } from '../support/cli.js';
import { jobFixture } from '../support/job-fixture.js';

describe('the branch a repository gets', () => {
  it('fails only the repository whose name makes it a branch name git refuses', async () => {
    const fx = await jobFixture({ count: 1, concurrency: 1 });
    const good = fx.repos[0]!;
    await cp(good.path, path.join(fx.root, 'repos', '.github.git'), { recursive: true });
    const jobFile = path.join(fx.root, fx.job);
    const manifest = (await readFile(jobFile, 'utf8'))
      .replace(`  - ../repos/${good.name}.git\n`, `  - ../repos/${good.name}.git\n  - ../repos/.github.git\n`)
      .replace('branch: fleetmod/fixture', 'branch: "fleetmod/{{ repo.name }}"');
    await writeFile(jobFile, manifest);
    const io = captureIo(fx.root, testEnv({ FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors') }));

    expect(await cli(io, 'run', fx.job)).toBe(1);

    expect(io.out()).toContain(`change.branch renders "fleetmod/.github" for`);
    expect(io.out()).toContain('a branch name component cannot start with "." (".github")');
    expect(io.out()).toMatch(new RegExp(`pushed .*${good.name}`));
  });
});
