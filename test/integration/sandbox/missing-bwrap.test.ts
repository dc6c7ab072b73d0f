import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo, cli, testEnv } from '../../support/cli.js';
import { branchSha } from '../../support/git.js';
import { jobFixture } from '../../support/job-fixture.js';

describe('without bubblewrap', () => {
  it('the local sandbox never falls back to the host: run exits 2 naming the package, and nothing runs', async () => {
    const fx = await jobFixture({ count: 1, concurrency: 1 });
    const io = captureIo(fx.root, testEnv({ FLEETMOD_BWRAP: path.join(fx.root, 'no-such-bwrap'), FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors') }));

    const code = await cli(io, 'run', fx.job);

    expect(code).toBe(2);
    expect(io.err()).toContain('bubblewrap (bwrap) is not installed; the local sandbox needs it');
    expect(io.err()).toMatch(/fix: (sudo )?apt-get install -y bubblewrap/);
    expect(existsSync(path.join(fx.root, '.fleetmod', 'fleetmod.db'))).toBe(false);
    expect(await branchSha(fx.repos[0]!.path, 'fleetmod/fixture')).toBeNull();
  });
});
