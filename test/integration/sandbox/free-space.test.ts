import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lowSpace } from '../../../src/sandbox/shared/free-space.js';
import { captureIo, cli, testEnv } from '../../support/cli.js';
import { branchSha } from '../../support/git.js';
import { jobFixture } from '../../support/job-fixture.js';

describe('the host disk safety floor', () => {
  it('stops a command when the workspace filesystem is below the floor, whatever sandbox.disk says', async () => {
    const fx = await jobFixture({ count: 1, concurrency: 1 });
    // A floor no machine can meet stands for a disk that a runaway step has just filled.
    const io = captureIo(fx.root, testEnv({ FLEETMOD_MIN_FREE_DISK: '1000TiB', FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors') }));

    const code = await cli(io, 'run', fx.job);

    // The machine's disk, not the repository: the run stops (exit 3) with the repository still pending.
    expect(code).toBe(3);
    expect(io.out() + io.err()).toMatch(/host disk nearly full: \d+ MiB left on the filesystem of the workspace, under the safety floor/);
    expect(await branchSha(fx.repos[0]!.path, 'fleetmod/fixture')).toBeNull();
  });

  it('says nothing while there is room', async () => {
    expect(await lowSpace(process.cwd(), 1)).toBeNull();
    expect(await lowSpace(process.cwd(), Number.MAX_SAFE_INTEGER)).toMatch(/^host disk nearly full/);
  });
});
