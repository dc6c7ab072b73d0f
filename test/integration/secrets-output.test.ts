import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo, cli, testEnv } from '../support/cli.js';
import { jobFixture } from '../support/job-fixture.js';

const SECRET = 's3cr3t-value-for-output-test';

describe('secret values never reach the terminal', () => {
  it.each([['lines', []], ['--json', ['--json']]] as const)('%s progress and the summary show *** instead of a secret a failing step printed', async (_name, flags) => {
    const fx = await jobFixture({ count: 2, concurrency: 1 });
    const jobFile = path.join(fx.root, fx.job);
    await writeFile(jobFile, (await readFile(jobFile, 'utf8')).replace('steps:\n', 'sandbox:\n  secrets: [MY_SECRET]\nsteps:\n'));
    await fx.control('echo "could not log in with $MY_SECRET" >&2; exit 1');
    const io = captureIo(fx.root, testEnv({ MY_SECRET: SECRET, FLEETMOD_CACHE_DIR: path.join(fx.root, '.mirrors') }));

    const code = await cli(io, 'run', ...flags, fx.job);

    expect(code).toBe(1);
    expect(io.out()).toContain('could not log in with ***');
    expect(io.out() + io.err()).not.toContain(SECRET);
  });
});
