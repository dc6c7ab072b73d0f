/**
 * sandbox.change-size: a change larger than the limit fails its repository before the host takes it in (it holds
 * a change in memory several times over, and journals it); a change within the limit goes through as before.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo, cli, testEnv } from '../support/cli.js';
import { jobFixture } from '../support/job-fixture.js';

describe('the largest change taken from a sandbox', () => {
  it('fails only the repository whose change is larger than sandbox.change-size', async () => {
    const fx = await jobFixture({ count: 2, concurrency: 1 });
    const jobFile = path.join(fx.root, fx.job);
    await writeFile(jobFile, (await readFile(jobFile, 'utf8')).replace('steps:\n', 'sandbox:\n  change-size: 4KiB\nsteps:\n'));
    await fx.control('if [ "$FLEETMOD_REPO_NAME" = service-02 ]; then head -c 20000 /dev/urandom > big.bin; fi');
    const io = captureIo(fx.root, testEnv({ FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors') }));

    expect(await cli(io, 'run', fx.job)).toBe(1);

    expect(io.out()).toMatch(/failed \(permanent\) \S*service-02\S* — the change is larger than 4\.0KiB \(sandbox\.change-size\)/);
    expect(io.out()).toMatch(/pushed \S*service-01/);
  });
});
